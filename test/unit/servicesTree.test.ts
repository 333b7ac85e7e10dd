// The Services tree as plain data: levels, ids, descriptions, icons, context values, tooltips and the flags that make
// a broken Service stand out — on stores filled by the real controllers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EndpointSliceController } from '../../src/core/controllers/endpointslice/controller';
import { syncEndpoints } from '../../src/core/controllers/endpoints/endpointsController';
import type { EndpointSlice, Endpoints, Node, Pod, Service } from '../../src/core/k8s/types';
import { ClusterStore } from '../../src/core/store/store';
import type { ListEvent } from '../../src/core/store/types';
import { countEndpoints, summarizeService } from '../../src/core/views/serviceSummary';
import type { TreeNode, TreeSource } from '../../src/core/views/servicesTree';
import { childrenOf, md, objectRefOf, podLine, podRefOf, presentNode } from '../../src/core/views/servicesTree';
import { newNode, newPod, newService } from './support/builders';

interface Cluster {
	services: Service[];
	pods?: Pod[];
	nodes?: Node[];
	/** Hand-written objects added as they are. */
	endpoints?: Endpoints[];
	slices?: EndpointSlice[];
	/** Skip the controllers (objects are exactly what is given). */
	raw?: boolean;
}

/** A store holding what the controllers write for `c`, loaded as an informer's initial lists. */
function storeOf(c: Cluster): ClusterStore {
	const pods = c.pods ?? [];
	const nodes = c.nodes ?? [newNode('node-1', { zone: 'zone-a' })];
	let slices: EndpointSlice[] = [...(c.slices ?? [])];
	const endpoints: Endpoints[] = [...(c.endpoints ?? [])];
	if (!c.raw) {
		const controller = new EndpointSliceController();
		for (const svc of c.services) {
			const r = controller.syncService(svc, { pods, nodes, endpointSlices: slices });
			slices = r.slices.map((s) => ({ ...s, metadata: { ...s.metadata, uid: s.metadata?.uid ?? `uid-${s.metadata?.name}` } }));
			const e = syncEndpoints({ service: svc, pods, existingEndpoints: null, triggerTime: '' });
			if (e.endpoints) {
				endpoints.push({ ...e.endpoints, metadata: { ...e.endpoints.metadata, uid: `ep-uid-${svc.metadata?.name}` } });
			}
		}
	}
	const store = new ClusterStore({ schedule: () => undefined });
	const lists: ListEvent[] = [
		{ type: 'LIST', kind: 'Service', objects: c.services },
		{ type: 'LIST', kind: 'Pod', objects: pods },
		{ type: 'LIST', kind: 'Node', objects: nodes },
		{ type: 'LIST', kind: 'EndpointSlice', objects: slices },
		{ type: 'LIST', kind: 'Endpoints', objects: endpoints },
	];
	store.applyAll(lists);
	return store;
}

function sourceOf(store: ClusterStore, extra: Partial<TreeSource> = {}): TreeSource {
	return { id: 'playground', kind: 'playground', label: 'Playground', state: { phase: 'ready' }, notices: [], store, ...extra };
}

/** Every node of the tree, depth first. */
function walk(sources: TreeSource[], node?: TreeNode): TreeNode[] {
	return childrenOf(sources, node).flatMap((c) => [c, ...walk(sources, c)]);
}

function find(sources: TreeSource[], pred: (n: TreeNode) => boolean): TreeNode {
	const n = walk(sources).find(pred);
	assert.ok(n, 'node not found');
	return n;
}

const web = (ns = 'default') =>
	newService('web', { namespace: ns, selector: { app: 'web' }, clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] });
const webPod = (n: number, o: Parameters<typeof newPod>[1] = {}) =>
	newPod(n, { namespace: 'default', labels: { app: 'web' }, containerPorts: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }], ...o });

describe('services tree: levels', () => {
	it('shows source → namespaces with Services (sorted) → Services', () => {
		const store = storeOf({ services: [web('shop'), web('default'), newService('api', { namespace: 'default', selector: { app: 'api' } })] });
		const sources = [sourceOf(store)];
		const roots = childrenOf(sources);
		assert.deepEqual(roots.map((r) => r.id), ['source:playground']);
		const namespaces = childrenOf(sources, roots[0]);
		assert.deepEqual(namespaces.map((n) => (n.type === 'namespace' ? n.namespace : n.type)), ['default', 'shop']);
		const services = childrenOf(sources, namespaces[0]);
		assert.deepEqual(services.map((n) => (n.type === 'service' ? n.name : n.type)), ['api', 'web']);
	});

	it('puts the Endpoints object and then each slice under a Service, and endpoints under a slice', () => {
		const store = storeOf({ services: [web()], pods: [webPod(1), webPod(2, { ready: false })] });
		const sources = [sourceOf(store)];
		const svc = find(sources, (n) => n.type === 'service');
		const kids = childrenOf(sources, svc);
		assert.deepEqual(kids.map((k) => k.type), ['endpoints', 'slice']);
		const eps = childrenOf(sources, kids[1]);
		assert.deepEqual(eps.map((e) => (e.type === 'endpoint' ? e.key : '')), [webPod(1).status!.podIP, webPod(2).status!.podIP]);
		const addrs = childrenOf(sources, kids[0]);
		assert.deepEqual(addrs.map((a) => (a.type === 'address' ? `${a.ip}:${a.ready}` : '')), [`${webPod(1).status!.podIP}:true`, `${webPod(2).status!.podIP}:false`]);
	});

	it('gives every node a unique id, and the same ids on a second walk', () => {
		const store = storeOf({
			services: [web(), newService('db', { namespace: 'default', selector: null })],
			pods: [webPod(1), webPod(2), webPod(3, { terminating: true })],
		});
		const sources = [sourceOf(store)];
		const ids = walk(sources).map((n) => n.id);
		assert.equal(new Set(ids).size, ids.length);
		assert.deepEqual(walk(sources).map((n) => n.id), ids);
	});

	it('shows loading and error states instead of namespaces, after the notices', () => {
		const store = storeOf({ services: [web()] });
		const notices = [{ severity: 'error' as const, text: '2 manifest problems' }];
		const loading = [sourceOf(store, { state: { phase: 'loading', message: 'Reading manifests…' }, notices })];
		assert.deepEqual(childrenOf(loading, childrenOf(loading)[0]).map((n) => (n.type === 'message' ? `${n.severity}:${n.text}` : n.type)), [
			'error:2 manifest problems',
			'loading:Reading manifests…',
		]);
		const failed = [sourceOf(store, { state: { phase: 'error', message: 'boom' } })];
		assert.deepEqual(childrenOf(failed, childrenOf(failed)[0]).map((n) => (n.type === 'message' ? n.text : n.type)), ['boom']);
	});

	it('filters namespaces, and says so when the filter hides everything', () => {
		const store = storeOf({ services: [web('a'), web('b')] });
		const one = [sourceOf(store, { namespaceFilter: ['b'] })];
		assert.deepEqual(childrenOf(one, childrenOf(one)[0]).map((n) => (n.type === 'namespace' ? n.namespace : n.type)), ['b']);
		const none = [sourceOf(store, { namespaceFilter: ['zzz'] })];
		const kids = childrenOf(none, childrenOf(none)[0]);
		assert.equal(kids.length, 1);
		assert.equal(kids[0]!.type === 'message' && kids[0]!.text, 'No Services in the filtered namespaces');
	});

	it('returns no children for a Service that is gone', () => {
		const store = storeOf({ services: [web()] });
		const sources = [sourceOf(store)];
		const ghost: TreeNode = { type: 'service', id: 'svc:playground/default/ghost', sourceId: 'playground', namespace: 'default', name: 'ghost' };
		assert.deepEqual(childrenOf(sources, ghost), []);
		assert.equal(presentNode(sources, ghost).label, '(gone)');
	});

	it('groups v1 addresses by subset when the pods expose different ports', () => {
		const svc = newService('web', { namespace: 'default', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] });
		const pods = [
			webPod(1),
			newPod(2, { namespace: 'default', labels: { app: 'web' }, containerPorts: [{ name: 'http', containerPort: 9090, protocol: 'TCP' }] }),
		];
		const sources = [sourceOf(storeOf({ services: [svc], pods }))];
		const endpoints = find(sources, (n) => n.type === 'endpoints');
		const subsets = childrenOf(sources, endpoints);
		assert.deepEqual(subsets.map((s) => s.type), ['subset', 'subset']);
		assert.deepEqual(subsets.map((s) => presentNode(sources, s).description), ['http 8080/TCP · 1 ready', 'http 9090/TCP · 1 ready']);
		// …and the slices split the same way, one per port set.
		const slices = childrenOf(sources, find(sources, (n) => n.type === 'service')).filter((n) => n.type === 'slice');
		assert.equal(slices.length, 2);
	});
});

describe('services tree: what a Service shows', () => {
	it('describes counts: "2/3 ready · 1 slice", with a plug icon when healthy', () => {
		const sources = [sourceOf(storeOf({ services: [web()], pods: [webPod(1), webPod(2), webPod(3, { ready: false })] }))];
		const p = presentNode(sources, find(sources, (n) => n.type === 'service'));
		assert.equal(p.label, 'web');
		assert.equal(p.description, '2/3 ready · 1 slice');
		assert.deepEqual(p.icon, { id: 'plug' });
		assert.equal(p.contextValue, 'endpointLens:service+playground');
		assert.equal(p.collapsible, 'collapsed');
	});

	it('flags a selector that matches nothing, with a warning child and context flag', () => {
		const sources = [sourceOf(storeOf({ services: [web()], pods: [newPod(1, { namespace: 'default', labels: { app: 'other' } })] }))];
		const svc = find(sources, (n) => n.type === 'service');
		const p = presentNode(sources, svc);
		assert.equal(p.icon.id, 'warning');
		assert.match(p.contextValue, /\+selectsNothing/);
		const first = childrenOf(sources, svc)[0]!;
		assert.equal(first.type, 'message');
		assert.equal(first.type === 'message' && first.text, 'Selector app=web matches no pod in namespace default.');
		assert.equal(presentNode(sources, first).icon.id, 'warning');
	});

	it('flags a Service whose pods exist but none is ready', () => {
		const sources = [sourceOf(storeOf({ services: [web()], pods: [webPod(1, { ready: false }), webPod(2, { ready: false })] }))];
		const svc = find(sources, (n) => n.type === 'service');
		const p = presentNode(sources, svc);
		assert.equal(p.description, '0/2 ready · 1 slice');
		assert.match(p.contextValue, /\+noEndpoints/);
		const msg = childrenOf(sources, svc)[0]!;
		assert.equal(msg.type === 'message' && msg.text, 'No ready endpoints: 2 endpoints, none ready.');
	});

	it('flags an over-capacity Endpoints object on the Service and on the Endpoints node', () => {
		const svc = web();
		const ep: Endpoints = {
			apiVersion: 'v1',
			kind: 'Endpoints',
			metadata: { name: 'web', namespace: 'default', uid: 'e1', annotations: { 'endpoints.kubernetes.io/over-capacity': 'truncated' } },
			subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }],
		};
		const sources = [sourceOf(storeOf({ services: [svc], endpoints: [ep], raw: true }))];
		const s = presentNode(sources, find(sources, (n) => n.type === 'service'));
		assert.match(s.contextValue, /\+overCapacity/);
		assert.match(s.tooltip ?? '', /over capacity \\\(truncated\\\)/);
		const e = presentNode(sources, find(sources, (n) => n.type === 'endpoints'));
		assert.equal(e.description, 'v1 · 1 ready · over capacity');
		assert.equal(e.icon.id, 'warning');
	});

	it('shows ExternalName Services with their target and no slices', () => {
		const ext: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: 'default', uid: 'x' }, spec: { type: 'ExternalName', externalName: 'db.example.com' } };
		const sources = [sourceOf(storeOf({ services: [ext] }))];
		const svc = find(sources, (n) => n.type === 'service');
		const p = presentNode(sources, svc);
		assert.equal(p.description, 'ExternalName → db.example.com');
		assert.equal(p.icon.id, 'link-external');
		assert.match(p.contextValue, /\+externalName/);
		const kids = childrenOf(sources, svc);
		assert.equal(kids.length, 1);
		assert.match(kids[0]!.type === 'message' ? kids[0]!.text : '', /CNAME to db\.example\.com/);
	});

	it('marks headless Services', () => {
		const svc = newService('db', { namespace: 'default', selector: { app: 'web' }, clusterIP: 'None', clusterIPs: ['None'] });
		const sources = [sourceOf(storeOf({ services: [svc], pods: [webPod(1)] }))];
		const p = presentNode(sources, find(sources, (n) => n.type === 'service'));
		assert.equal(p.description, 'headless · 1/1 ready · 1 slice');
		assert.match(p.contextValue, /\+headless/);
	});

	it('says a selector-less Service without Endpoints sends traffic nowhere (info, not a warning icon)', () => {
		const sources = [sourceOf(storeOf({ services: [newService('manual', { namespace: 'default', selector: null, clusterIP: '10.96.0.3' })] }))];
		const svc = find(sources, (n) => n.type === 'service');
		const p = presentNode(sources, svc);
		assert.equal(p.description, 'no selector · 0/0 ready · 0 slices');
		assert.equal(p.icon.id, 'plug');
		const kids = childrenOf(sources, svc);
		assert.equal(kids[0]!.type === 'message' && kids[0]!.severity, 'info');
	});

	it('counts a dual-stack pod once although it is in two slices', () => {
		const svc = newService('web', { namespace: 'default', selector: { app: 'web' }, ipFamilies: ['IPv4', 'IPv6'], ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] });
		const pods = [webPod(1, { ips: ['10.244.0.5', 'fd00:10:244::5'] }), webPod(2, { ips: ['10.244.0.6', 'fd00:10:244::6'], ready: false })];
		const store = storeOf({ services: [svc], pods });
		const summary = summarizeService(store.get('Service', 'default', 'web')!, store);
		assert.equal(summary.slices.length, 2);
		assert.deepEqual(summary.counts, { total: 2, ready: 1, terminatingServing: 0, terminating: 0, notReady: 1 });
		const sources = [sourceOf(store)];
		const kids = childrenOf(sources, find(sources, (n) => n.type === 'service'));
		// IPv4 before IPv6.
		assert.deepEqual(kids.filter((k) => k.type === 'slice').map((k) => presentNode(sources, k).description), [
			'IPv4 · http 8080/TCP · 1/2 ready',
			'IPv6 · http 8080/TCP · 1/2 ready',
		]);
	});
});

describe('services tree: endpoints', () => {
	const pods = [
		webPod(1),
		webPod(2, { ready: false }),
		webPod(3, { terminating: true }),
		webPod(4, { terminating: true, ready: false }),
	];
	const sources = [sourceOf(storeOf({ services: [web()], pods }))];
	const slice = find(sources, (n) => n.type === 'slice');
	const eps = childrenOf(sources, slice);

	it('gives each of the four states its own icon and words', () => {
		const shown = eps.map((e) => presentNode(sources, e));
		assert.deepEqual(shown.map((p) => p.icon.id), ['pass-filled', 'error', 'history', 'circle-slash']);
		assert.deepEqual(shown.map((p) => p.description?.split(' · ')[0]), ['ready', 'not ready', 'terminating, serving', 'terminating']);
		assert.match(shown[2]!.tooltip ?? '', /still serving/);
		assert.match(shown[2]!.tooltip ?? '', /ready=false, serving=true, terminating=true/);
	});

	it('describes node, zone and target pod, and context flags for the pod actions', () => {
		const p = presentNode(sources, eps[0]!);
		assert.equal(p.label, webPod(1).status!.podIP);
		assert.equal(p.description, 'ready · node-1 · zone-a · pod1');
		assert.equal(p.contextValue, 'endpointLens:endpoint+ready+pod+playground');
	});

	it('resolves the target pod and the object to open', () => {
		assert.deepEqual(podRefOf(sources[0]!, eps[1]!), { namespace: 'default', name: 'pod2' });
		assert.deepEqual(objectRefOf(sources[0]!, eps[1]!), { kind: 'Pod', namespace: 'default', name: 'pod2' });
		assert.deepEqual(objectRefOf(sources[0]!, slice), { kind: 'EndpointSlice', namespace: 'default', name: slice.type === 'slice' ? slice.name : '' });
	});

	it('tells what the target pod says: phase and why it is not ready', () => {
		const store = storeOf({ services: [web()], pods: [webPod(1), webPod(2, { ready: false })] });
		const pod = store.get('Pod', 'default', 'pod2')!;
		pod.status!.conditions = [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [app]' }];
		const s = [sourceOf(store)];
		const sl = find(s, (n) => n.type === 'slice');
		const tips = childrenOf(s, sl).map((n) => presentNode(s, n).tooltip ?? '');
		assert.match(tips[0]!, /Pod pod1: Running, Ready=True/);
		assert.match(tips[1]!, /Pod pod2: Running, Ready=False \\\(ContainersNotReady: containers with unready status: \\\[app\\\]\\\)/);
		assert.equal(podLine(undefined), undefined);
	});

	it('summarises the slice: address type, ports, ready count', () => {
		assert.equal(presentNode(sources, slice).description, 'IPv4 · http 8080/TCP · 1/4 ready');
	});

	it('shows topology hints', () => {
		const svc = web();
		const slice: EndpointSlice = {
			apiVersion: 'discovery.k8s.io/v1',
			kind: 'EndpointSlice',
			metadata: { name: 'web-abc', namespace: 'default', uid: 's1', labels: { 'kubernetes.io/service-name': 'web' } },
			addressType: 'IPv4',
			ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
			endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: true }, zone: 'zone-a', nodeName: 'n1', hints: { forZones: [{ name: 'zone-a' }] } }],
		};
		const s = [sourceOf(storeOf({ services: [svc], slices: [slice], raw: true }))];
		const ep = find(s, (n) => n.type === 'endpoint');
		const p = presentNode(s, ep);
		assert.equal(p.description, 'ready · n1 · zone-a · hints: zone-a');
		assert.match(p.tooltip ?? '', /Hints: for zones zone\\-a/);
	});

	it('says so when a slice is empty', () => {
		const s = [sourceOf(storeOf({ services: [web()], pods: [] }))];
		const sl = find(s, (n) => n.type === 'slice');
		assert.match(presentNode(s, sl).contextValue, /\+empty/);
		const kids = childrenOf(s, sl);
		assert.equal(kids.length, 1);
		assert.equal(kids[0]!.type === 'message' && kids[0]!.text, 'No endpoints in this slice');
	});
});

describe('services tree: escaping and counting', () => {
	it('escapes names from clusters and manifests in tooltips', () => {
		assert.equal(md('x;alt <img src=x onerror=alert(1)>'), 'x;alt &lt;img src=x onerror=alert\\(1\\)&gt;');
		assert.equal(md('[click](command:evil)'), '\\[click\\]\\(command:evil\\)');
		const svc = newService('a-b', { namespace: 'default', selector: { app: '*bold*' } });
		const sources = [sourceOf(storeOf({ services: [svc] }))];
		const tip = presentNode(sources, find(sources, (n) => n.type === 'service')).tooltip ?? '';
		assert.match(tip, /a\\-b/);
		assert.match(tip, /\\\*bold\\\*/);
		assert.doesNotMatch(tip, /[^\\]\*bold/);
	});

	it('counts an endpoint ready in any slice as ready', () => {
		const slices: EndpointSlice[] = [
			{ addressType: 'IPv4', endpoints: [{ addresses: ['1.1.1.1'], targetRef: { uid: 'p' }, conditions: { ready: false } }] },
			{ addressType: 'IPv6', endpoints: [{ addresses: ['::1'], targetRef: { uid: 'p' }, conditions: { ready: true } }] },
			{ addressType: 'IPv4', endpoints: [{ addresses: ['1.1.1.2'] }] },
		];
		assert.deepEqual(countEndpoints(slices), { total: 2, ready: 2, terminatingServing: 0, terminating: 0, notReady: 0 });
	});
});
