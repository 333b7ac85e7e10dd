/**
 * The slim records the live source keeps (core/k8s/slim.ts): a slim Pod gives every consumer the same answers as the
 * full object the API server sent — the three controllers, the store's selection, the tree with its tooltips, the
 * trigger time, target-port resolution, workload ownership — and interning changes no value.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { samePodTemplate, workloadOwningLivePod } from '../../src/core/analysis/livePods';
import { EndpointSliceController } from '../../src/core/controllers/endpointslice/controller';
import { syncEndpoints } from '../../src/core/controllers/endpoints/endpointsController';
import { findPort, isPodReady, shouldPodBeInEndpoints } from '../../src/core/controllers/podUtil';
import { computeTriggerTime } from '../../src/core/controllers/triggerTime';
import { resolveTargetPort } from '../../src/core/hover/ports';
import { Interner, slimObject, slimPod, withoutManagedFields } from '../../src/core/k8s/slim';
import type { EndpointSlice, Endpoints, Node, Pod, Service, TypedObject } from '../../src/core/k8s/types';
import type { WorkloadModel } from '../../src/core/manifests/workspace';
import { ClusterStore } from '../../src/core/store/store';
import type { TreeNode, TreeSource } from '../../src/core/views/servicesTree';
import { childrenOf, podLine, presentNode } from '../../src/core/views/servicesTree';

const ns = 'shop';
const t0 = '2026-03-01T10:00:00Z';

function managedFields(): object[] {
	return [{ manager: 'kubelet', operation: 'Update', apiVersion: 'v1', time: t0, fieldsType: 'FieldsV1', fieldsV1: { 'f:status': {} } }];
}

interface FullPodOptions {
	app: string;
	owner?: 'ReplicaSet' | 'StatefulSet' | 'none';
	ready?: boolean;
	terminating?: boolean;
	pending?: boolean;
	hostname?: string;
	subdomain?: string;
	sidecar?: boolean;
	dualStack?: boolean;
}

/** A pod as an API server sends it: every field a kubelet and the controllers fill in. */
function fullPod(i: number, o: FullPodOptions): Pod {
	const ip = `10.244.${i >> 8}.${i & 255}`;
	const ready = o.ready ?? true;
	const hash = `${o.app}5d8f7c9b4`.slice(0, 10);
	const owner =
		o.owner === 'none'
			? undefined
			: o.owner === 'StatefulSet'
				? { apiVersion: 'apps/v1', kind: 'StatefulSet', name: o.app, uid: `sts-${o.app}`, controller: true, blockOwnerDeletion: true }
				: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${o.app}-${hash}`, uid: `rs-${o.app}`, controller: true, blockOwnerDeletion: true };
	const status = ready ? 'True' : 'False';
	const pod = {
		apiVersion: 'v1',
		kind: 'Pod',
		metadata: {
			name: o.owner === 'StatefulSet' ? `${o.app}-${i}` : `${o.app}-${hash}-${String(i).padStart(5, 'x')}`,
			generateName: `${o.app}-${hash}-`,
			namespace: ns,
			uid: `pod-uid-${i}`,
			resourceVersion: String(1000 + i),
			creationTimestamp: `2026-03-01T10:00:${String(i % 60).padStart(2, '0')}Z`,
			labels: { app: o.app, 'pod-template-hash': hash, tier: 'web' },
			annotations: { 'kubectl.kubernetes.io/restartedAt': t0, 'prometheus.io/scrape': 'true' },
			...(owner ? { ownerReferences: [owner] } : {}),
			...(o.terminating ? { deletionTimestamp: '2026-03-01T10:05:00Z', deletionGracePeriodSeconds: 30 } : {}),
			finalizers: ['example.com/cleanup'],
			managedFields: managedFields(),
		},
		spec: {
			...(o.hostname ? { hostname: o.hostname } : {}),
			...(o.subdomain ? { subdomain: o.subdomain } : {}),
			...(o.sidecar
				? {
						initContainers: [
							{ name: 'init-db', image: 'busybox', command: ['sh', '-c', 'true'] },
							{
								name: 'proxy',
								image: 'envoy:1.30',
								restartPolicy: 'Always',
								ports: [{ name: 'admin', containerPort: 15000, protocol: 'TCP' }],
							},
						],
					}
				: {}),
			containers: [
				{
					name: 'app',
					image: `registry.example.com/${o.app}:1.2.3`,
					imagePullPolicy: 'IfNotPresent',
					env: [{ name: 'MODE', value: 'prod' }],
					ports: [
						{ name: 'http', containerPort: 8080, protocol: 'TCP' },
						{ name: 'dns', containerPort: 53, protocol: 'UDP' },
						{ containerPort: 9090, protocol: 'TCP', hostPort: 19090 },
					],
					resources: { requests: { cpu: '100m' } },
					readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
					volumeMounts: [{ name: 'data', mountPath: '/data' }],
				},
			],
			...(o.pending ? {} : { nodeName: `node-${i % 2}` }),
			restartPolicy: 'Always',
			terminationGracePeriodSeconds: 30,
			tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
			volumes: [{ name: 'data', emptyDir: {} }],
			serviceAccountName: 'default',
		},
		status: o.pending
			? {
					phase: 'Pending',
					conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', lastTransitionTime: t0 }],
					qosClass: 'Burstable',
				}
			: {
					phase: 'Running',
					conditions: [
						{ type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null, lastTransitionTime: t0 },
						{ type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: t0 },
						{
							type: 'Ready',
							status,
							lastProbeTime: null,
							lastTransitionTime: `2026-03-01T10:01:${String(i % 60).padStart(2, '0')}Z`,
							...(ready ? {} : { reason: 'ContainersNotReady', message: 'containers with unready status: [app]' }),
						},
						{ type: 'ContainersReady', status, lastProbeTime: null, lastTransitionTime: t0 },
						{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: t0 },
					],
					hostIP: `192.168.0.${i % 2}`,
					hostIPs: [{ ip: `192.168.0.${i % 2}` }],
					podIP: ip,
					podIPs: o.dualStack ? [{ ip }, { ip: `fd00::${i.toString(16)}` }] : [{ ip }],
					startTime: t0,
					qosClass: 'Burstable',
					containerStatuses: [{ name: 'app', ready, restartCount: 0, image: 'x', imageID: 'y', containerID: 'z', state: { running: { startedAt: t0 } } }],
				},
	};
	return pod as unknown as Pod;
}

function service(name: string, selector: Record<string, string> | null, extra: Partial<NonNullable<Service['spec']>> = {}): Service {
	return {
		apiVersion: 'v1',
		kind: 'Service',
		metadata: { name, namespace: ns, uid: `svc-${name}`, creationTimestamp: t0, resourceVersion: '10' },
		spec: {
			...(selector ? { selector } : {}),
			clusterIP: '10.96.0.10',
			clusterIPs: ['10.96.0.10'],
			ipFamilies: ['IPv4'],
			ipFamilyPolicy: 'SingleStack',
			ports: [
				{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' },
				{ name: 'dns', port: 53, protocol: 'UDP', targetPort: 'dns' },
				{ name: 'admin', port: 15000, protocol: 'TCP', targetPort: 'admin' },
				{ name: 'metrics', port: 9090, protocol: 'TCP', targetPort: 9090 },
				{ name: 'missing', port: 81, protocol: 'TCP', targetPort: 'nope' },
			],
			...extra,
		},
	};
}

const nodes: Node[] = [0, 1].map((i) => ({
	apiVersion: 'v1',
	kind: 'Node',
	metadata: { name: `node-${i}`, uid: `node-uid-${i}`, labels: { 'topology.kubernetes.io/zone': `zone-${i}` } },
}));

const services: Service[] = [
	service('web', { app: 'web' }),
	service('web-all', { app: 'web' }, { publishNotReadyAddresses: true }),
	service('db', { app: 'db' }, { clusterIP: 'None', clusterIPs: ['None'] }),
	service('tier', { tier: 'web' }),
	service('everything', {}),
	service('manual', null),
];

const fullPods: Pod[] = [
	...Array.from({ length: 8 }, (_, i) =>
		fullPod(i, { app: 'web', ready: i % 3 !== 1, terminating: i === 5, sidecar: i % 2 === 0, dualStack: i === 6 }),
	),
	fullPod(20, { app: 'web', pending: true }),
	...Array.from({ length: 3 }, (_, i) => fullPod(30 + i, { app: 'db', owner: 'StatefulSet', hostname: `db-${i}`, subdomain: 'db' })),
	fullPod(40, { app: 'solo', owner: 'none', ready: false }),
];

function slimAll(pods: readonly Pod[]): Pod[] {
	const interner = new Interner();
	return pods.map((p) => slimPod(structuredClone(p), interner));
}

/** Every node of the tree under the source, with what it shows. */
function walkTree(store: ClusterStore): { node: TreeNode; shown: unknown }[] {
	const sources: TreeSource[] = [{ id: 'context:test', kind: 'context', label: 'test', state: { phase: 'ready' }, notices: [], store }];
	const out: { node: TreeNode; shown: unknown }[] = [];
	const visit = (node: TreeNode | undefined): void => {
		for (const child of childrenOf(sources, node)) {
			out.push({ node: child, shown: presentNode(sources, child) });
			visit(child);
		}
	};
	visit(undefined);
	return out;
}

function storeWith(pods: readonly Pod[], slices: readonly EndpointSlice[], endpoints: readonly Endpoints[]): ClusterStore {
	const store = new ClusterStore();
	store.apply({ type: 'LIST', kind: 'Node', objects: nodes });
	store.apply({ type: 'LIST', kind: 'Service', objects: services });
	store.apply({ type: 'LIST', kind: 'EndpointSlice', objects: [...slices] });
	store.apply({ type: 'LIST', kind: 'Endpoints', objects: [...endpoints] });
	store.apply({ type: 'LIST', kind: 'Pod', objects: [...pods] });
	store.flush();
	return store;
}

describe('slim pods: the same answers as the full ones', () => {
	const slim = slimAll(fullPods);

	it('keeps exactly the documented fields', () => {
		const full = fullPod(4, { app: 'web', ready: false, terminating: true, sidecar: true, hostname: 'h', subdomain: 'web' });
		assert.deepEqual(slimPod(full), {
			apiVersion: 'v1',
			kind: 'Pod',
			metadata: {
				name: full.metadata!.name,
				namespace: ns,
				uid: 'pod-uid-4',
				resourceVersion: '1004',
				creationTimestamp: '2026-03-01T10:00:04Z',
				labels: full.metadata!.labels,
				ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: full.metadata!.ownerReferences![0]!.name, uid: 'rs-web', controller: true }],
				deletionTimestamp: '2026-03-01T10:05:00Z',
				deletionGracePeriodSeconds: 30,
			},
			spec: {
				nodeName: 'node-0',
				containers: [
					{
						name: 'app',
						ports: [
							{ containerPort: 8080, name: 'http', protocol: 'TCP' },
							{ containerPort: 53, name: 'dns', protocol: 'UDP' },
							{ containerPort: 9090, protocol: 'TCP', hostPort: 19090 },
						],
					},
				],
				hostname: 'h',
				subdomain: 'web',
				initContainers: [{ name: 'init-db' }, { name: 'proxy', restartPolicy: 'Always', ports: [{ containerPort: 15000, name: 'admin', protocol: 'TCP' }] }],
			},
			status: {
				phase: 'Running',
				hostIP: '192.168.0.0',
				podIP: '10.244.0.4',
				podIPs: [{ ip: '10.244.0.4' }],
				conditions: [
					{
						type: 'Ready',
						status: 'False',
						reason: 'ContainersNotReady',
						message: 'containers with unready status: [app]',
						lastTransitionTime: '2026-03-01T10:01:04Z',
					},
				],
			},
		});
		assert.equal((full.metadata as { managedFields?: unknown }).managedFields !== undefined, true, 'the input is not changed');
	});

	it('leaves absent fields absent (a pending pod, a pod without owner)', () => {
		const pending = slimPod(fullPod(20, { app: 'web', pending: true }));
		assert.deepEqual(pending.status, { phase: 'Pending', conditions: [] });
		assert.equal('nodeName' in pending.spec!, false);
		const solo = slimPod(fullPod(40, { app: 'solo', owner: 'none' }));
		assert.equal('ownerReferences' in solo.metadata!, false);
	});

	it('the EndpointSlice controller writes the same slices', () => {
		for (const svc of services) {
			const full = new EndpointSliceController().syncService(svc, { pods: fullPods, nodes, endpointSlices: [] });
			const fromSlim = new EndpointSliceController().syncService(svc, { pods: slim, nodes, endpointSlices: [] });
			assert.deepEqual(fromSlim, full, svc.metadata!.name);
		}
	});

	it('the Endpoints controller writes the same Endpoints', () => {
		for (const svc of services) {
			const full = syncEndpoints({ service: svc, pods: fullPods, existingEndpoints: null, triggerTime: '' });
			const fromSlim = syncEndpoints({ service: svc, pods: slim, existingEndpoints: null, triggerTime: '' });
			assert.deepEqual(fromSlim, full, svc.metadata!.name);
		}
	});

	it('the store selects the same pods and the tree shows the same rows and tooltips', () => {
		const slices = services.flatMap(
			(svc) => new EndpointSliceController().syncService(svc, { pods: fullPods, nodes, endpointSlices: [] }).slices,
		);
		const endpoints = services.flatMap((svc) => {
			const r = syncEndpoints({ service: svc, pods: fullPods, existingEndpoints: null, triggerTime: '' });
			return r.endpoints ? [r.endpoints] : [];
		});
		const full = storeWith(fullPods, slices, endpoints);
		const fromSlim = storeWith(slim, slices, endpoints);
		for (const svc of services) {
			const key = `${ns}/${svc.metadata!.name}`;
			assert.deepEqual(
				fromSlim.podsForService(key).map((p) => p.metadata!.name),
				full.podsForService(key).map((p) => p.metadata!.name),
				key,
			);
		}
		const rows = walkTree(full);
		assert.ok(rows.some((r) => r.node.type === 'endpoint'), 'the tree reaches the endpoints');
		assert.deepEqual(walkTree(fromSlim), rows);
	});

	it('pod helpers, hovers and analysis read the same', () => {
		for (let i = 0; i < fullPods.length; i++) {
			const f = fullPods[i]!;
			const s = slim[i]!;
			const name = f.metadata!.name!;
			assert.equal(podLine(s), podLine(f), name);
			assert.equal(isPodReady(s), isPodReady(f), name);
			assert.equal(shouldPodBeInEndpoints(s, false), shouldPodBeInEndpoints(f, false), name);
			for (const svc of services) {
				for (const port of svc.spec!.ports!) {
					assert.equal(findPort(s, port), findPort(f, port), `${name} ${port.name}`);
					assert.deepEqual(resolveTargetPort(s, port), resolveTargetPort(f, port), `${name} ${port.name}`);
				}
			}
			for (let j = 0; j < fullPods.length; j++) {
				assert.equal(samePodTemplate(s, slim[j]!), samePodTemplate(f, fullPods[j]!), `${name} ~ ${fullPods[j]!.metadata!.name}`);
			}
		}
		for (const svc of services) {
			assert.deepEqual(computeTriggerTime(svc, slim), computeTriggerTime(svc, fullPods));
		}
		const workloads = [
			{ kind: 'Deployment', name: 'web', namespace: ns },
			{ kind: 'StatefulSet', name: 'db', namespace: ns },
			{ kind: 'Pod', name: fullPods.at(-1)!.metadata!.name, namespace: ns },
		] as unknown as WorkloadModel[];
		for (let i = 0; i < fullPods.length; i++) {
			assert.equal(workloadOwningLivePod(slim[i]!, workloads), workloadOwningLivePod(fullPods[i]!, workloads));
		}
	});

	it('pods of one owner share their labels, owner references and containers', () => {
		assert.equal(slim[0]!.metadata!.labels, slim[2]!.metadata!.labels);
		assert.equal(slim[0]!.metadata!.ownerReferences, slim[2]!.metadata!.ownerReferences);
		assert.equal(slim[0]!.spec!.containers, slim[2]!.spec!.containers);
		assert.notEqual(slim[0]!.metadata!.labels, slim[9]!.metadata!.labels, 'another owner, other labels');
	});
});

describe('slimObject: other kinds keep every field but managedFields', () => {
	it('interning changes no value', () => {
		const slices = services.flatMap(
			(svc) => new EndpointSliceController().syncService(svc, { pods: fullPods, nodes, endpointSlices: [] }).slices,
		);
		const endpoints = services.flatMap((svc) => {
			const r = syncEndpoints({ service: svc, pods: fullPods, existingEndpoints: null, triggerTime: '' });
			return r.endpoints ? [r.endpoints] : [];
		});
		const objects: [string, TypedObject][] = [
			...services.map((s): [string, TypedObject] => ['Service', s]),
			...slices.map((s): [string, TypedObject] => ['EndpointSlice', s]),
			...endpoints.map((e): [string, TypedObject] => ['Endpoints', e]),
			...nodes.map((n): [string, TypedObject] => ['Node', n]),
		];
		const interner = new Interner();
		for (const [kind, obj] of objects) {
			const wire = { ...structuredClone(obj), metadata: { ...structuredClone(obj.metadata), managedFields: managedFields() } };
			assert.deepEqual(slimObject(kind, structuredClone(wire), interner), withoutManagedFields(wire), `${kind} ${obj.metadata?.name}`);
		}
	});

	it('a bounded interner starts afresh instead of growing', () => {
		const interner = new Interner(3);
		const names = Array.from({ length: 10 }, (_, i) => `a-long-name-${i}`);
		for (const n of names) {
			assert.equal(interner.str(n), n);
		}
		const copy = ['a-long-name-9'].map((s) => `${s}`)[0]!;
		assert.equal(interner.str(copy), 'a-long-name-9');
	});
});
