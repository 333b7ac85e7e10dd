/**
 * Small fixture builders for unit tests: plain JSON Services, Pods, Nodes, EndpointSlices and Endpoints, in the shapes
 * of `src/core/k8s/types.ts`.
 *
 * The defaults follow the fixtures of upstream's `k8s.io/endpointslice` tests, so that a case written after an upstream
 * test reads the same way: Service `foo` in namespace `test` with uid `test-foo`, selector `foo=bar`, one TCP port named
 * after the Service with targetPort 80, `ipFamilies: [IPv4]` and **no clusterIP** (so, like upstream's fixture, it counts
 * as headless for the `service.kubernetes.io/headless` label); pod `n` is `pod<n>` on `node-1` with IP `1.2.3.<4+n>`
 * and a Ready condition. Every builder takes overrides; nothing here calls the code under test.
 */
import type {
	Container,
	ContainerPort,
	Endpoint,
	EndpointPort,
	EndpointSlice,
	IPFamily,
	Node,
	OwnerReference,
	Pod,
	PodCondition,
	Service,
	ServicePort,
} from '../../../src/core/k8s/types';

export const testNamespace = 'test';
export const sliceControllerName = 'endpointslice-controller.k8s.io';
export const labelServiceNameKey = 'kubernetes.io/service-name';
export const labelManagedByKey = 'endpointslice.kubernetes.io/managed-by';
export const labelHeadlessKey = 'service.kubernetes.io/headless';
export const labelZoneKey = 'topology.kubernetes.io/zone';
export const triggerTimeAnnotationKey = 'endpoints.kubernetes.io/last-change-trigger-time';

/** Options for {@link newService}. Absent options take the upstream-fixture defaults described in the file header. */
export interface ServiceOptions {
	namespace?: string;
	uid?: string;
	labels?: Record<string, string>;
	annotations?: Record<string, string>;
	/** Unset by default (headless for labels); `'None'` for an explicit headless Service. */
	clusterIP?: string;
	clusterIPs?: string[];
	/** `null` leaves the field out (an un-defaulted Service); the default is `['IPv4']`. */
	ipFamilies?: IPFamily[] | null;
	ports?: ServicePort[];
	/** `null` leaves the selector out. */
	selector?: Record<string, string> | null;
	publishNotReadyAddresses?: boolean;
	trafficDistribution?: string;
	creationTimestamp?: string;
	deletionTimestamp?: string;
}

/** A Service, by default shaped like upstream's `newServiceAndEndpointMeta(name, "test")`. */
export function newService(name = 'foo', options: ServiceOptions = {}): Service {
	const namespace = options.namespace ?? testNamespace;
	const svc: Service = {
		apiVersion: 'v1',
		kind: 'Service',
		metadata: { name, namespace, uid: options.uid ?? `${namespace}-${name}` },
		spec: {
			ports: options.ports ?? [{ name, protocol: 'TCP', port: 80, targetPort: 80 }],
		},
	};
	const meta = svc.metadata!;
	const spec = svc.spec!;
	if (options.labels) {
		meta.labels = { ...options.labels };
	}
	if (options.annotations) {
		meta.annotations = { ...options.annotations };
	}
	if (options.creationTimestamp) {
		meta.creationTimestamp = options.creationTimestamp;
	}
	if (options.deletionTimestamp) {
		meta.deletionTimestamp = options.deletionTimestamp;
	}
	if (options.selector !== null) {
		spec.selector = options.selector ?? { foo: 'bar' };
	}
	if (options.ipFamilies !== null) {
		spec.ipFamilies = options.ipFamilies ?? ['IPv4'];
	}
	if (options.clusterIP !== undefined) {
		spec.clusterIP = options.clusterIP;
	}
	if (options.clusterIPs !== undefined) {
		spec.clusterIPs = options.clusterIPs;
	}
	if (options.publishNotReadyAddresses !== undefined) {
		spec.publishNotReadyAddresses = options.publishNotReadyAddresses;
	}
	if (options.trafficDistribution !== undefined) {
		spec.trafficDistribution = options.trafficDistribution;
	}
	return svc;
}

/** The IPv4 address of pod `n`: `1.2.3.<4+n>` as upstream's fixture, carried into the next octets past 255. */
export function podIPv4(n: number): string {
	const v = 4 + n;
	return `1.2.${3 + Math.floor(v / 256)}.${v % 256}`;
}

/** A canonical IPv6 address for pod `n`. */
export function podIPv6(n: number): string {
	return `fd00::${(4 + n).toString(16)}`;
}

/** Options for {@link newPod}. */
export interface PodOptions {
	namespace?: string;
	name?: string;
	uid?: string;
	labels?: Record<string, string>;
	/** The Ready condition: true (default) or false; `null` leaves the condition out. */
	ready?: boolean | null;
	/** Sets a deletionTimestamp. */
	terminating?: boolean;
	phase?: string;
	/** Default `node-1`; `null` leaves spec.nodeName out. */
	nodeName?: string | null;
	/** `status.podIPs`, in order; `status.podIP` is the first. Default: `[podIPv4(n)]`. */
	ips?: string[];
	/** Overrides `status.podIP` (e.g. a podIP with empty podIPs). */
	podIP?: string;
	hostname?: string;
	subdomain?: string;
	/** Ports of the single regular container `container-1`. */
	containerPorts?: ContainerPort[];
	/** Replaces the regular containers entirely. */
	containers?: Container[];
	initContainers?: Container[];
	readyTransitionTime?: string;
}

/** Pod `pod<n>`, by default shaped like upstream's `newPod(n, "test", ready, 1, terminating)`. */
export function newPod(n: number, options: PodOptions = {}): Pod {
	const namespace = options.namespace ?? testNamespace;
	const name = options.name ?? `pod${n}`;
	const ips = options.ips ?? [podIPv4(n)];
	const conditions: PodCondition[] = [];
	if (options.ready !== null) {
		const condition: PodCondition = { type: 'Ready', status: options.ready === false ? 'False' : 'True' };
		if (options.readyTransitionTime) {
			condition.lastTransitionTime = options.readyTransitionTime;
		}
		conditions.push(condition);
	}
	const pod: Pod = {
		apiVersion: 'v1',
		kind: 'Pod',
		metadata: {
			name,
			namespace,
			uid: options.uid ?? `uid-${namespace}-${name}`,
			labels: options.labels ?? { foo: 'bar' },
			resourceVersion: String(n),
		},
		spec: {
			containers: options.containers ?? [
				options.containerPorts
					? { name: 'container-1', ports: options.containerPorts }
					: { name: 'container-1' },
			],
		},
		status: {
			phase: options.phase ?? 'Running',
			podIPs: ips.map((ip) => ({ ip })),
			conditions,
		},
	};
	const podIP = options.podIP ?? ips[0];
	if (podIP !== undefined) {
		pod.status!.podIP = podIP;
	}
	if (options.terminating) {
		pod.metadata!.deletionTimestamp = '2024-01-01T00:00:00Z';
	}
	if (options.nodeName !== null) {
		pod.spec!.nodeName = options.nodeName ?? 'node-1';
	}
	if (options.hostname !== undefined) {
		pod.spec!.hostname = options.hostname;
	}
	if (options.subdomain !== undefined) {
		pod.spec!.subdomain = options.subdomain;
	}
	if (options.initContainers) {
		pod.spec!.initContainers = options.initContainers;
	}
	return pod;
}

/** `count` pods `pod<start>`…, each built with `options(i)`. */
export function newPods(count: number, options: (i: number) => PodOptions = () => ({}), start = 0): Pod[] {
	return Array.from({ length: count }, (_, k) => newPod(start + k, options(start + k)));
}

/** Options for {@link newNode}. */
export interface NodeOptions {
	/** The `topology.kubernetes.io/zone` label. */
	zone?: string;
	labels?: Record<string, string>;
	/** The Ready condition (default true). */
	ready?: boolean;
	/** `status.allocatable.cpu`, e.g. `100m`. Unset by default. */
	cpu?: string;
}

/** A Node named `name`. */
export function newNode(name = 'node-1', options: NodeOptions = {}): Node {
	const labels: Record<string, string> = { ...(options.labels ?? {}) };
	if (options.zone !== undefined) {
		labels[labelZoneKey] = options.zone;
	}
	const node: Node = {
		apiVersion: 'v1',
		kind: 'Node',
		metadata: { name, uid: `uid-node-${name}` },
		status: { conditions: [{ type: 'Ready', status: options.ready === false ? 'False' : 'True' }] },
	};
	if (Object.keys(labels).length > 0) {
		node.metadata!.labels = labels;
	}
	if (options.cpu !== undefined) {
		node.status!.allocatable = { cpu: options.cpu };
	}
	return node;
}

/** `metav1.NewControllerRef(service, v1/Service)`, optionally with another uid. */
export function serviceOwnerRef(service: Service, uid?: string): OwnerReference {
	return {
		apiVersion: 'v1',
		kind: 'Service',
		name: service.metadata?.name ?? '',
		uid: uid ?? service.metadata?.uid ?? '',
		controller: true,
		blockOwnerDeletion: true,
	};
}

/** The endpoint ports a pod without named ports gets: one per Service port with an integer targetPort. */
export function endpointPortsOf(service: Service): EndpointPort[] {
	const out: EndpointPort[] = [];
	for (const sp of service.spec?.ports ?? []) {
		if (typeof sp.targetPort === 'number') {
			const port: EndpointPort = { name: sp.name ?? '', port: sp.targetPort, protocol: sp.protocol ?? 'TCP' };
			if (sp.appProtocol !== undefined) {
				port.appProtocol = sp.appProtocol;
			}
			out.push(port);
		}
	}
	return out;
}

/**
 * The labels the controller gives a slice of `service`: its non-reserved labels, the headless label when clusterIP is
 * unset or `None`, the service-name and managed-by labels.
 */
export function sliceLabelsFor(service: Service, controllerName = sliceControllerName): Record<string, string> {
	const labels: Record<string, string> = {};
	for (const [k, v] of Object.entries(service.metadata?.labels ?? {})) {
		if (k !== labelServiceNameKey && k !== labelManagedByKey && k !== labelHeadlessKey) {
			labels[k] = v;
		}
	}
	const clusterIP = service.spec?.clusterIP ?? '';
	if (clusterIP === '' || clusterIP === 'None') {
		labels[labelHeadlessKey] = '';
	}
	labels[labelServiceNameKey] = service.metadata?.name ?? '';
	labels[labelManagedByKey] = controllerName;
	return labels;
}

/** Options for {@link newSlice}. */
export interface SliceOptions {
	/** Default `IPv4`. */
	addressType?: string;
	/** Default {@link endpointPortsOf}(service). */
	ports?: EndpointPort[] | null;
	endpoints?: Endpoint[];
	/** Default {@link sliceLabelsFor}(service). */
	labels?: Record<string, string>;
	annotations?: Record<string, string>;
	/** Owner uid (default: the Service's). */
	ownerUid?: string;
	/** Replaces the ownerReferences entirely. */
	ownerReferences?: OwnerReference[];
}

/**
 * An existing (stored) slice of `service` named `<service>-<n>` (upstream `newEmptyEndpointSlice`), owned by the
 * Service and labelled as the controller labels it.
 */
export function newSlice(n: number | string, service: Service, options: SliceOptions = {}): EndpointSlice {
	const svcName = service.metadata?.name ?? '';
	const slice: EndpointSlice = {
		apiVersion: 'discovery.k8s.io/v1',
		kind: 'EndpointSlice',
		metadata: {
			name: typeof n === 'number' ? `${svcName}-${n}` : n,
			namespace: service.metadata?.namespace ?? testNamespace,
			labels: options.labels ?? sliceLabelsFor(service),
			ownerReferences: options.ownerReferences ?? [serviceOwnerRef(service, options.ownerUid)],
		},
		addressType: options.addressType ?? 'IPv4',
		endpoints: options.endpoints ?? [],
		ports: options.ports === undefined ? endpointPortsOf(service) : options.ports,
	};
	if (options.annotations) {
		slice.metadata!.annotations = { ...options.annotations };
	}
	return slice;
}

/** Options for {@link newEndpoint}. */
export interface EndpointOptions {
	/** Which of the pod's IPs to use (default IPv4). */
	addressType?: 'IPv4' | 'IPv6';
	/** The Node's zone, if it has one. */
	zone?: string;
	/** The Service has publishNotReadyAddresses. */
	publishNotReady?: boolean;
	/** Sets the hostname (the caller decides whether ShouldSetHostname holds). */
	hostname?: string;
}

/**
 * The endpoint the controller writes for `pod`, built literally (§4 of the semantics reference): the pod's IPs of the
 * family, serving = Ready, terminating = deletionTimestamp set, ready = publishNotReady || (serving && !terminating),
 * nodeName, zone, targetRef. Expects canonical IPs in the pod.
 */
export function newEndpoint(pod: Pod, options: EndpointOptions = {}): Endpoint {
	const family = options.addressType ?? 'IPv4';
	const addresses = (pod.status?.podIPs ?? [])
		.map((p) => p.ip)
		.filter((ip) => (family === 'IPv6') === ip.includes(':'));
	const serving = (pod.status?.conditions ?? []).find((c) => c.type === 'Ready')?.status === 'True';
	const terminating = pod.metadata?.deletionTimestamp !== undefined;
	const ep: Endpoint = {
		addresses,
		conditions: { ready: !!options.publishNotReady || (serving && !terminating), serving, terminating },
	};
	if (options.hostname !== undefined) {
		ep.hostname = options.hostname;
	}
	// ObjectReference fields are omitempty on the wire.
	ep.targetRef = { kind: 'Pod' };
	if (pod.metadata?.namespace) {
		ep.targetRef.namespace = pod.metadata.namespace;
	}
	if (pod.metadata?.name) {
		ep.targetRef.name = pod.metadata.name;
	}
	if (pod.metadata?.uid) {
		ep.targetRef.uid = pod.metadata.uid;
	}
	if (pod.spec?.nodeName) {
		ep.nodeName = pod.spec.nodeName;
	}
	if (options.zone) {
		ep.zone = options.zone;
	}
	return ep;
}

/** Endpoint counts of the slices, sorted descending: compare with upstream's `expectUnorderedSlicesWithLengths`. */
export function sliceLengths(slices: readonly EndpointSlice[]): number[] {
	return slices.map((s) => (s.endpoints ?? []).length).sort((a, b) => b - a);
}

/** Names of the pods behind the slice's endpoints, in slice order. */
export function podNamesIn(slice: EndpointSlice): string[] {
	return (slice.endpoints ?? []).map((e) => e.targetRef?.name ?? '');
}
