/**
 * The bench's large cluster ("L"), generated deterministically: 100 namespaces × 100 Services, 30,000 pods (3 per
 * Service on average: most have 1–6, a few none, `bench-00/thousand` has 1,000), the EndpointSlices and v1 Endpoints
 * the project's own controllers write for them (~10k of each), and 100 Nodes.
 *
 * Objects look like what a real API server sends, not like minimal test fixtures — pods of a Deployment with
 * ownerReferences, managedFields, the default tolerations and service-account volume, five conditions and a
 * container status — because what the bench compares (bytes on the wire, heap held, time to parse) depends on it.
 * uid, resourceVersion and creationTimestamp are stamped by the test API server when it stores them.
 */
import { EndpointSliceController } from '../src/core/controllers/endpointslice/controller';
import { syncEndpoints } from '../src/core/controllers/endpoints/endpointsController';
import type { Node, Pod, Service, TypedObject } from '../src/core/k8s/types';
import type { ResourceKind } from '../src/core/store/types';

export const largeNamespaces = 100;
export const largeServicesPerNamespace = 100;
export const largePods = 30_000;
export const largeNodes = 100;
/** The Service the tree-expansion case opens. */
export const bigService = { namespace: 'bench-00', name: 'thousand', endpoints: 1000 };

/** The objects, by kind, and how many of each the server holds (Namespaces included: the server creates them). */
export interface LargeCluster {
	objects: TypedObject[];
	counts: Partial<Record<ResourceKind, number>>;
}

const created = '2026-01-01T00:00:00Z';

function managedFields(manager: string, operation: 'Update' | 'Apply', subresource?: string): object[] {
	return [
		{
			manager,
			operation,
			apiVersion: 'v1',
			time: created,
			fieldsType: 'FieldsV1',
			fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': {} },
			...(subresource ? { subresource } : {}),
		},
	];
}

function hex(n: number, width: number): string {
	return (n >>> 0).toString(16).padStart(width, '0').slice(-width);
}

/** A deterministic 32-bit mix (the pod-template-hash and name suffixes). */
function mix(n: number): number {
	let x = (n + 0x9e3779b9) | 0;
	x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
	x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
	return (x ^ (x >>> 16)) >>> 0;
}

function makeNode(i: number): Node {
	const zone = `zone-${String.fromCharCode(97 + (i % 3))}`;
	const node = {
		metadata: {
			name: `node-${String(i).padStart(3, '0')}`,
			labels: {
				'kubernetes.io/arch': 'amd64',
				'kubernetes.io/os': 'linux',
				'kubernetes.io/hostname': `node-${String(i).padStart(3, '0')}`,
				'node.kubernetes.io/instance-type': 'n2-standard-8',
				'topology.kubernetes.io/region': 'region-1',
				'topology.kubernetes.io/zone': zone,
			},
			managedFields: managedFields('kubelet', 'Update'),
		},
		spec: { podCIDR: `10.${100 + (i >> 8)}.${i & 255}.0/24`, providerID: `bench://node-${i}` },
		status: {
			addresses: [
				{ type: 'InternalIP', address: `192.168.${i >> 8}.${i & 255}` },
				{ type: 'Hostname', address: `node-${i}` },
			],
			capacity: { cpu: '8', memory: '32863296Ki', pods: '110' },
			allocatable: { cpu: '7910m', memory: '29028096Ki', pods: '110' },
			conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: created, lastTransitionTime: created }],
			nodeInfo: { kubeletVersion: 'v1.32.4', containerRuntimeVersion: 'containerd://1.7.27', operatingSystem: 'linux', architecture: 'amd64' },
		},
	};
	return { apiVersion: 'v1', kind: 'Node', ...node } as Node;
}

function makeService(ns: string, name: string, index: number): Service {
	return {
		apiVersion: 'v1',
		kind: 'Service',
		metadata: {
			name,
			namespace: ns,
			creationTimestamp: created,
			labels: { app: name, 'app.kubernetes.io/part-of': ns },
			managedFields: managedFields('kubectl-client-side-apply', 'Update'),
		},
		spec: {
			type: 'ClusterIP',
			selector: { app: name },
			clusterIP: `10.96.${(index >> 8) & 255}.${index & 255}`,
			clusterIPs: [`10.96.${(index >> 8) & 255}.${index & 255}`],
			ipFamilies: ['IPv4'],
			ipFamilyPolicy: 'SingleStack',
			internalTrafficPolicy: 'Cluster',
			sessionAffinity: 'None',
			ports: [
				{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' },
				{ name: 'metrics', port: 9090, protocol: 'TCP', targetPort: 9090 },
			],
		},
		status: { loadBalancer: {} },
	} as Service;
}

function makePod(ns: string, app: string, index: number, global: number): Pod {
	const hash = hex(mix(global - index), 10).replace(/^[0-9]/, 'b');
	const name = `${app}-${hash}-${hex(mix(global), 5)}`;
	const ip = `10.${1 + (global >> 16)}.${(global >> 8) & 255}.${global & 255}`;
	const node = global % largeNodes;
	const ready = global % 20 === 7 ? 'False' : 'True';
	const pod = {
		apiVersion: 'v1',
		kind: 'Pod',
		metadata: {
			name,
			generateName: `${app}-${hash}-`,
			namespace: ns,
			creationTimestamp: created,
			labels: { app, 'pod-template-hash': hash },
			ownerReferences: [
				{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${app}-${hash}`, uid: `rs-${ns}-${app}`, controller: true, blockOwnerDeletion: true },
			],
			managedFields: [...managedFields('kube-controller-manager', 'Update'), ...managedFields('kubelet', 'Update', 'status')],
		},
		spec: {
			containers: [
				{
					name: 'app',
					image: `registry.example.com/${ns}/${app}:1.4.2`,
					imagePullPolicy: 'IfNotPresent',
					ports: [
						{ name: 'http', containerPort: 8080, protocol: 'TCP' },
						{ name: 'metrics', containerPort: 9090, protocol: 'TCP' },
					],
					resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
					readinessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' }, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
					terminationMessagePath: '/dev/termination-log',
					terminationMessagePolicy: 'File',
					volumeMounts: [{ name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }],
				},
			],
			dnsPolicy: 'ClusterFirst',
			enableServiceLinks: true,
			nodeName: `node-${String(node).padStart(3, '0')}`,
			preemptionPolicy: 'PreemptLowerPriority',
			priority: 0,
			restartPolicy: 'Always',
			schedulerName: 'default-scheduler',
			securityContext: {},
			serviceAccount: 'default',
			serviceAccountName: 'default',
			terminationGracePeriodSeconds: 30,
			tolerations: [
				{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
				{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
			],
			volumes: [
				{
					name: 'kube-api-access',
					projected: {
						defaultMode: 420,
						sources: [
							{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
							{ configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
						],
					},
				},
			],
		},
		status: {
			phase: 'Running',
			conditions: [
				{ type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null, lastTransitionTime: created },
				{ type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: created },
				{ type: 'Ready', status: ready, lastProbeTime: null, lastTransitionTime: created },
				{ type: 'ContainersReady', status: ready, lastProbeTime: null, lastTransitionTime: created },
				{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: created },
			],
			hostIP: `192.168.${node >> 8}.${node & 255}`,
			hostIPs: [{ ip: `192.168.${node >> 8}.${node & 255}` }],
			podIP: ip,
			podIPs: [{ ip }],
			startTime: created,
			qosClass: 'Burstable',
			containerStatuses: [
				{
					name: 'app',
					ready: ready === 'True',
					restartCount: 0,
					started: true,
					image: `registry.example.com/${ns}/${app}:1.4.2`,
					imageID: `registry.example.com/${ns}/${app}@sha256:${hex(mix(index), 8).repeat(8)}`,
					containerID: `containerd://${hex(mix(global), 8).repeat(8)}`,
					state: { running: { startedAt: created } },
					lastState: {},
				},
			],
		},
	};
	return pod as unknown as Pod;
}

/** Pods per Service: a repeating 1–6 pattern, every 100th Service empty, `thousand` 1,000, 30,000 in all. */
function podCounts(): number[] {
	const pattern = [3, 2, 3, 1, 3, 4, 3, 2, 3, 6];
	const n = largeNamespaces * largeServicesPerNamespace;
	const sizes = Array.from({ length: n }, (_, s) => (s === 0 ? bigService.endpoints : s % 100 === 50 ? 0 : pattern[s % 10]!));
	let total = sizes.reduce((a, b) => a + b, 0);
	// Trim (or grow) the six-pod Services, from the last one back, to land on exactly `largePods`.
	for (let s = n - 1; total !== largePods; s = s === 0 ? n - 1 : s - 1) {
		if (s % 10 === 9) {
			const step = total > largePods ? -1 : 1;
			sizes[s]! += step;
			total += step;
		}
	}
	return sizes;
}

/** Generates the cluster (a few seconds: the controllers run for every Service). */
export function generateLargeCluster(): LargeCluster {
	const nodes = Array.from({ length: largeNodes }, (_, i) => makeNode(i));
	const services: Service[] = [];
	const pods: Pod[] = [];
	const slices: TypedObject[] = [];
	const endpoints: TypedObject[] = [];
	const controller = new EndpointSliceController();
	const sizes = podCounts();
	let global = 0;
	for (let s = 0; s < sizes.length; s++) {
		const ns = `bench-${String(Math.floor(s / largeServicesPerNamespace)).padStart(2, '0')}`;
		const name = s === 0 ? bigService.name : `svc-${String(s).padStart(4, '0')}`;
		const svc = makeService(ns, name, s + 1);
		// The controllers need the uid the owner references carry; the server keeps a uid it is given.
		svc.metadata!.uid = `00000000-0000-4000-8000-${String(s).padStart(12, '0')}`;
		services.push(svc);
		const own: Pod[] = [];
		for (let i = 0; i < sizes[s]!; i++) {
			own.push(makePod(ns, name, i, global++));
		}
		pods.push(...own);
		for (const slice of controller.syncService(svc, { pods: own, nodes, endpointSlices: [] }).slices) {
			slices.push({
				...slice,
				apiVersion: 'discovery.k8s.io/v1',
				kind: 'EndpointSlice',
				metadata: { ...slice.metadata, managedFields: managedFields('endpointslice-controller.k8s.io', 'Update') },
			} as TypedObject);
		}
		const ep = syncEndpoints({ service: svc, pods: own, existingEndpoints: null });
		if (ep.error !== null || !ep.endpoints) {
			throw new Error(`the Endpoints controller failed for ${ns}/${name}: ${ep.error ?? 'no object'}`);
		}
		endpoints.push({
			...ep.endpoints,
			apiVersion: 'v1',
			kind: 'Endpoints',
			metadata: { ...ep.endpoints.metadata, managedFields: managedFields('endpoint-controller', 'Update') },
		} as TypedObject);
	}
	const objects = [...nodes, ...services, ...pods, ...slices, ...endpoints];
	return {
		objects,
		counts: {
			// `default` and one per bench namespace, created by the server.
			Namespace: largeNamespaces + 1,
			Node: nodes.length,
			Service: services.length,
			Pod: pods.length,
			EndpointSlice: slices.length,
			Endpoints: endpoints.length,
		},
	};
}
