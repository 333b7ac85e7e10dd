/**
 * `npm run bench`: how fast the controller core is, as ratios against a peer measured in the same run.
 *
 * The peer is `JSON.parse` of the very pods the simulation reads — the cost of merely receiving them from an API
 * server — so the ratio says how many "parses" a simulation costs, whatever the machine. Target (DESIGN.md):
 * one Service with 100k pods simulated in ≤ 200 ms.
 */
import { EndpointSliceController } from '../src/core/controllers/endpointslice/controller';
import { Reconciler } from '../src/core/controllers/endpointslice/reconciler';
import { syncEndpoints } from '../src/core/controllers/endpoints/endpointsController';
import type { EndpointSlice, Node, Pod, Service } from '../src/core/k8s/types';
import { ClusterStore } from '../src/core/store/store';
import type { TreeNode, TreeSource } from '../src/core/views/servicesTree';
import { childrenOf, presentNode } from '../src/core/views/servicesTree';
import { hoverBench } from './hoverBench';
import { largeClusterBench } from './largeBench';
import { serveLargeChild } from './serveLarge';
import { row, time } from './timing';

function makeNodes(n: number): Node[] {
	return Array.from({ length: n }, (_, i) => ({
		metadata: { name: `node-${i}`, labels: { 'topology.kubernetes.io/zone': `zone-${String.fromCharCode(97 + (i % 3))}` } },
	}));
}

function makeService(name: string, ns = 'default'): Service {
	return {
		metadata: { name, namespace: ns, uid: `uid-${ns}-${name}`, creationTimestamp: '2026-01-01T00:00:00Z' },
		spec: {
			selector: { app: name },
			clusterIP: '10.96.0.10',
			ipFamilies: ['IPv4'],
			ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }],
		},
	};
}

function makePods(app: string, n: number, nodes: number, ns = 'default'): Pod[] {
	return Array.from({ length: n }, (_, i) => ({
		metadata: { name: `${app}-${i}`, namespace: ns, uid: `pod-uid-${app}-${i}`, labels: { app } },
		spec: {
			nodeName: `node-${i % nodes}`,
			containers: [{ name: 'app', ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] }],
		},
		status: {
			phase: 'Running',
			podIP: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
			podIPs: [{ ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` }],
			conditions: [{ type: 'Ready', status: i % 10 === 0 ? 'False' : 'True', lastTransitionTime: '2026-01-01T00:00:05Z' }],
		},
	}));
}

async function main(): Promise<void> {
	const runs = Number(process.env.BENCH_RUNS ?? 7);
	if (!Number.isInteger(runs) || runs < 1) {
		throw new Error(`BENCH_RUNS must be a positive integer, not ${JSON.stringify(process.env.BENCH_RUNS)}`);
	}
	const large = process.env.BENCH_LARGE ?? 'yes';
	if (large === 'only') {
		await largeClusterBench(runs);
		return;
	}
	const nodes = makeNodes(100);
	console.log(`node ${process.version}, ${runs} runs each (median), peer = JSON.parse of the same pods\n`);

	// 1. One Service, 100k pods.
	const service = makeService('big');
	const pods = makePods('big', 100_000, nodes.length);
	const podsJson = JSON.stringify(pods);
	const peer = time(runs, () => JSON.parse(podsJson));
	row('peer: JSON.parse 100k pods', peer, peer, `${(podsJson.length / 1e6).toFixed(1)} MB`);

	let created: EndpointSlice[] = [];
	const fresh = time(runs, () => {
		const r = new Reconciler().reconcile(service, pods, [], nodes);
		created = r.created;
	});
	row('reconcile 100k pods, no slices yet (1000 creates)', fresh, peer, fresh.median <= 200 ? 'target ≤ 200 ms: met' : 'target ≤ 200 ms: MISSED');

	const noop = time(runs, () => {
		const r = new Reconciler().reconcile(service, pods, created, nodes);
		if (r.actions.length !== 0) {
			throw new Error('a resync of unchanged state must not write');
		}
	});
	row('reconcile 100k pods against its own slices (no-op)', noop, peer);

	const churned = pods.map((p, i) =>
		i % 100 === 0 ? { ...p, status: { ...p.status, conditions: [{ type: 'Ready', status: 'False' }] } } : p,
	);
	const churn = time(runs, () => new Reconciler().reconcile(service, churned, created, nodes));
	row('reconcile 100k pods, 1% changed readiness', churn, peer);

	const ep = time(runs, () => syncEndpoints({ service, pods, existingEndpoints: null }));
	row('Endpoints controller sync, 100k pods (capped at 1000)', ep, peer);

	// 2. 1,000 Services × 100 pods, through the controller's syncService (selection included).
	const services = Array.from({ length: 1000 }, (_, i) => makeService(`svc-${i}`));
	const allPods = services.flatMap((s) => makePods(s.metadata!.name!, 100, nodes.length));
	const allJson = JSON.stringify(allPods);
	const peer2 = time(runs, () => JSON.parse(allJson));
	console.log('');
	row('peer: JSON.parse 100k pods (1k Services × 100)', peer2, peer2);
	// Index pods by app label once, as an informer index would; syncService then selects within the candidates.
	const byApp = new Map<string, Pod[]>();
	for (const p of allPods) {
		const app = p.metadata!.labels!.app!;
		byApp.set(app, [...(byApp.get(app) ?? []), p]);
	}
	const many = time(runs, () => {
		const controller = new EndpointSliceController();
		let slices = 0;
		for (const s of services) {
			const r = controller.syncService(s, { pods: byApp.get(s.metadata!.name!) ?? [], nodes, endpointSlices: [] });
			slices += r.slices.length;
		}
		if (slices !== 1000) {
			throw new Error(`expected 1000 slices, got ${slices}`);
		}
	});
	row('syncService ×1000 Services (100 pods each)', many, peer2);

	// 3. The Services tree: expanding a Service with 1,000 endpoints (10 slices), everything a tree item shows.
	console.log('');
	const thousand = makeService('thousand');
	const thousandPods = makePods('thousand', 1000, nodes.length);
	const thousandSlices = new EndpointSliceController().syncService(thousand, { pods: thousandPods, nodes, endpointSlices: [] }).slices;
	const slicesJson = JSON.stringify(thousandSlices);
	const peer3 = time(runs * 5, () => JSON.parse(slicesJson));
	row('peer: JSON.parse the 10 slices of 1,000 endpoints', peer3, peer3, `${(slicesJson.length / 1e3).toFixed(0)} kB`);
	const store = new ClusterStore({ schedule: () => undefined });
	store.applyAll([
		{ type: 'LIST', kind: 'Service', objects: [thousand] },
		{ type: 'LIST', kind: 'Pod', objects: thousandPods },
		{ type: 'LIST', kind: 'Node', objects: nodes },
		{ type: 'LIST', kind: 'EndpointSlice', objects: thousandSlices.map((s, i) => ({ ...s, metadata: { ...s.metadata, uid: `slice-${i}` } })) },
	]);
	const sources: TreeSource[] = [{ id: 'bench', kind: 'playground', label: 'Bench', state: { phase: 'ready' }, notices: [], store }];
	const svcNode: TreeNode = { type: 'service', id: 'svc:bench/default/thousand', sourceId: 'bench', namespace: 'default', name: 'thousand' };
	const expand = time(runs * 5, () => {
		let shown = 0;
		presentNode(sources, svcNode);
		for (const child of childrenOf(sources, svcNode)) {
			presentNode(sources, child);
			for (const ep of childrenOf(sources, child)) {
				presentNode(sources, ep);
				shown++;
			}
		}
		if (shown !== 1000) {
			throw new Error(`expected 1000 endpoint rows, got ${shown}`);
		}
	});
	row('tree: expand a Service, its 10 slices and 1,000 endpoints', expand, peer3, expand.median <= 20 ? 'target ≤ 20 ms: met' : 'target ≤ 20 ms: MISSED');

	// 4. Hovers, CodeLens and diagnostics on 2,000 manifest documents.
	hoverBench(runs);

	// 5. The store: an informer's initial list of 30k pods, and the same pods as 30k watch events.
	const storePods = makePods('fleet', 30_000, nodes.length);
	const storeJson = JSON.stringify(storePods);
	const peer4 = time(runs, () => JSON.parse(storeJson));
	console.log('');
	row('peer: JSON.parse 30k pods', peer4, peer4, `${(storeJson.length / 1e6).toFixed(1)} MB`);
	const list = time(runs, () => {
		const s = new ClusterStore({ schedule: () => undefined });
		s.apply({ type: 'LIST', kind: 'Pod', objects: storePods });
	});
	row('store: LIST of 30k pods', list, peer4);
	const events = time(runs, () => {
		const s = new ClusterStore({ schedule: () => undefined });
		for (const object of storePods) {
			s.apply({ type: 'ADDED', kind: 'Pod', object });
		}
	});
	row('store: 30k ADDED pod events', events, peer4);

	const gc = (globalThis as { gc?: () => void }).gc;
	if (gc) {
		gc();
		const before = process.memoryUsage().heapUsed;
		const r = new Reconciler().reconcile(service, pods, [], nodes);
		gc();
		const held = process.memoryUsage().heapUsed - before;
		console.log(
			`\nheap held by 1000 predicted slices (100k endpoints): ${(held / 1e6).toFixed(1)} MB ` +
				`(${(held / podsJson.length).toFixed(2)}× the pods' JSON bytes; ${r.created.length} slices)`,
		);
	}

	if (large !== 'no') {
		console.log('');
		await largeClusterBench(runs);
	}
}

// dist/bench.js is also the large-cluster case's API server, started by the bench as a child process.
const run = process.env.ENDPOINT_LENS_BENCH_ROLE === 'large-apiserver' ? serveLargeChild() : main();
run.catch((e: unknown) => {
	console.error(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
	process.exit(1);
});
