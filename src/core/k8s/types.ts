/**
 * Plain JSON shapes of the Kubernetes objects Endpoint Lens reads, exactly as the API server serves them
 * (camelCase field names, RFC3339 strings for times, optional fields absent rather than null).
 *
 * We deliberately do not use @kubernetes/client-node's model classes here: the core works on the wire JSON that
 * manifests, the CLI and watch events carry, and must stay free of I/O libraries.
 */

export interface ObjectMeta {
	name?: string;
	generateName?: string;
	namespace?: string;
	uid?: string;
	resourceVersion?: string;
	generation?: number;
	creationTimestamp?: string;
	deletionTimestamp?: string;
	deletionGracePeriodSeconds?: number;
	labels?: Record<string, string>;
	annotations?: Record<string, string>;
	ownerReferences?: OwnerReference[];
}

export interface OwnerReference {
	apiVersion: string;
	kind: string;
	name: string;
	uid: string;
	controller?: boolean;
	blockOwnerDeletion?: boolean;
}

export interface TypedObject {
	apiVersion?: string;
	kind?: string;
	metadata?: ObjectMeta;
}

export type IntOrString = number | string;
export type Protocol = 'TCP' | 'UDP' | 'SCTP' | string;
export type IPFamily = 'IPv4' | 'IPv6';

export interface ServicePort {
	name?: string;
	protocol?: Protocol;
	appProtocol?: string;
	port: number;
	targetPort?: IntOrString;
	nodePort?: number;
}

export interface ServiceSpec {
	type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName' | string;
	/** Absent (undefined) and `{}` differ: absent means "no selector" (mirroring), `{}` selects every pod. */
	selector?: Record<string, string> | null;
	clusterIP?: string;
	clusterIPs?: string[];
	ipFamilies?: IPFamily[];
	ipFamilyPolicy?: 'SingleStack' | 'PreferDualStack' | 'RequireDualStack' | string;
	ports?: ServicePort[];
	publishNotReadyAddresses?: boolean;
	externalName?: string;
	trafficDistribution?: string;
	sessionAffinity?: string;
	internalTrafficPolicy?: string;
	externalTrafficPolicy?: string;
}

export interface Service extends TypedObject {
	spec?: ServiceSpec;
	status?: unknown;
}

export interface ContainerPort {
	name?: string;
	containerPort: number;
	protocol?: Protocol;
	hostPort?: number;
}

export interface Container {
	name: string;
	image?: string;
	ports?: ContainerPort[];
	/** Only meaningful on init containers: `Always` makes a restartable (sidecar) init container. */
	restartPolicy?: string;
}

export interface PodSpec {
	nodeName?: string;
	hostname?: string;
	subdomain?: string;
	containers?: Container[];
	initContainers?: Container[];
	restartPolicy?: string;
	nodeSelector?: Record<string, string>;
	tolerations?: Toleration[];
	terminationGracePeriodSeconds?: number;
}

export interface PodCondition {
	type: string;
	status: 'True' | 'False' | 'Unknown' | string;
	lastTransitionTime?: string;
	reason?: string;
	message?: string;
}

export interface PodIP {
	ip: string;
}

export interface PodStatus {
	phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown' | string;
	podIP?: string;
	podIPs?: PodIP[];
	hostIP?: string;
	conditions?: PodCondition[];
}

export interface Pod extends TypedObject {
	spec?: PodSpec;
	status?: PodStatus;
}

export interface NodeStatus {
	allocatable?: Record<string, string>;
	capacity?: Record<string, string>;
	conditions?: PodCondition[];
	addresses?: { type: string; address: string }[];
}

export interface Node extends TypedObject {
	spec?: unknown;
	status?: NodeStatus;
}

// discovery.k8s.io/v1

export type AddressType = 'IPv4' | 'IPv6' | 'FQDN' | string;

export interface EndpointConditions {
	ready?: boolean;
	serving?: boolean;
	terminating?: boolean;
}

export interface ObjectReference {
	kind?: string;
	namespace?: string;
	name?: string;
	uid?: string;
	apiVersion?: string;
	resourceVersion?: string;
	fieldPath?: string;
}

export interface EndpointHints {
	forZones?: { name: string }[];
	forNodes?: { name: string }[];
}

export interface Endpoint {
	addresses: string[];
	conditions?: EndpointConditions;
	hostname?: string;
	targetRef?: ObjectReference;
	nodeName?: string;
	zone?: string;
	hints?: EndpointHints;
	deprecatedTopology?: Record<string, string>;
}

export interface EndpointPort {
	name?: string;
	protocol?: Protocol;
	port?: number;
	appProtocol?: string;
}

export interface EndpointSlice extends TypedObject {
	addressType: AddressType;
	endpoints: Endpoint[] | null;
	ports?: EndpointPort[] | null;
}

// core/v1 Endpoints

export interface EndpointAddress {
	ip: string;
	hostname?: string;
	nodeName?: string;
	targetRef?: ObjectReference;
}

export interface EndpointsPort {
	name?: string;
	port: number;
	protocol?: Protocol;
	appProtocol?: string;
}

export interface EndpointSubset {
	addresses?: EndpointAddress[];
	notReadyAddresses?: EndpointAddress[];
	ports?: EndpointsPort[];
}

export interface Endpoints extends TypedObject {
	subsets?: EndpointSubset[];
}

/** Well-known label and annotation keys, as upstream names them. */
export const labelServiceName = 'kubernetes.io/service-name';
export const labelManagedBy = 'endpointslice.kubernetes.io/managed-by';
export const labelHeadless = 'service.kubernetes.io/headless';
export const labelSkipMirror = 'endpointslice.kubernetes.io/skip-mirror';
export const labelEndpointsManagedBy = 'endpoints.kubernetes.io/managed-by';
export const labelTopologyZone = 'topology.kubernetes.io/zone';
export const annotationTriggerTime = 'endpoints.kubernetes.io/last-change-trigger-time';
export const annotationOverCapacity = 'endpoints.kubernetes.io/over-capacity';
export const annotationLastApplied = 'kubectl.kubernetes.io/last-applied-configuration';
export const annotationLeader = 'control-plane.alpha.kubernetes.io/leader';
export const annotationTopologyMode = 'service.kubernetes.io/topology-mode';
export const annotationTopologyAwareHints = 'service.kubernetes.io/topology-aware-hints';

export const endpointSliceControllerName = 'endpointslice-controller.k8s.io';
export const mirroringControllerName = 'endpointslicemirroring-controller.k8s.io';
export const endpointsControllerName = 'endpoint-controller';
export const defaultMaxEndpointsPerSlice = 100;
export const maxEndpointsPerSubsetDefault = 1000;
export const endpointsMaxCapacity = 1000;

// Label selectors and workloads (apps/v1, batch/v1), as far as Endpoint Lens expands them into pods.

/** `metav1.LabelSelectorRequirement`. */
export interface LabelSelectorRequirement {
	key: string;
	operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | string;
	values?: string[];
}

/** `metav1.LabelSelector`: requirements are ANDed; `{}` selects everything, an absent selector nothing. */
export interface LabelSelector {
	matchLabels?: Record<string, string>;
	matchExpressions?: LabelSelectorRequirement[];
}

/** `corev1.Toleration`. */
export interface Toleration {
	key?: string;
	operator?: 'Exists' | 'Equal' | string;
	value?: string;
	effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' | string;
	tolerationSeconds?: number;
}

/** `corev1.Taint`. */
export interface Taint {
	key: string;
	value?: string;
	effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' | string;
}

/** The part of `corev1.NodeSpec` the pod placement reads (Node.spec is typed `unknown` above). */
export interface NodeSpec {
	unschedulable?: boolean;
	taints?: Taint[];
	podCIDR?: string;
	podCIDRs?: string[];
}

export interface PodTemplateSpec {
	metadata?: ObjectMeta;
	spec?: PodSpec;
}

export interface DeploymentSpec {
	replicas?: number;
	selector?: LabelSelector;
	template?: PodTemplateSpec;
}

export interface Deployment extends TypedObject {
	spec?: DeploymentSpec;
	status?: unknown;
}

export interface ReplicaSet extends TypedObject {
	spec?: DeploymentSpec;
	status?: unknown;
}

export interface StatefulSetSpec {
	replicas?: number;
	selector?: LabelSelector;
	template?: PodTemplateSpec;
	/** The governing (usually headless) Service: pods get `subdomain = serviceName`. */
	serviceName?: string;
	podManagementPolicy?: 'OrderedReady' | 'Parallel' | string;
	ordinals?: { start?: number };
}

export interface StatefulSet extends TypedObject {
	spec?: StatefulSetSpec;
	status?: unknown;
}

export interface DaemonSetSpec {
	selector?: LabelSelector;
	template?: PodTemplateSpec;
}

export interface DaemonSet extends TypedObject {
	spec?: DaemonSetSpec;
	status?: unknown;
}

export interface JobSpec {
	parallelism?: number;
	completions?: number;
	completionMode?: 'NonIndexed' | 'Indexed' | string;
	selector?: LabelSelector;
	manualSelector?: boolean;
	suspend?: boolean;
	backoffLimit?: number;
	template?: PodTemplateSpec;
}

export interface Job extends TypedObject {
	spec?: JobSpec;
	status?: unknown;
}

export interface CronJobSpec {
	schedule?: string;
	suspend?: boolean;
	jobTemplate?: { metadata?: ObjectMeta; spec?: JobSpec };
}

export interface CronJob extends TypedObject {
	spec?: CronJobSpec;
	status?: unknown;
}
