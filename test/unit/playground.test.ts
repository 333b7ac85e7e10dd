/**
 * The playground control plane end to end, on the example manifests and a manual clock: the simulated kubelet's
 * timeline, what the three controllers write at each step, the watch events (order, resourceVersions, uids, and that
 * replaying them over the initial snapshot rebuilds the final one), re-apply and prune, and determinism.
 * Workload-controller behaviour (scale, StatefulSets, rollouts, errors) is in playgroundWorkloads.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PlaygroundOptions } from '../../src/cluster/playground/playground';
import { PlaygroundCluster } from '../../src/cluster/playground/playground';
import { EndpointSliceController } from '../../src/core/controllers/endpointslice/controller';
import type { Endpoint, EndpointSlice, Endpoints, Pod, TypedObject } from '../../src/core/k8s/types';
import {
	annotationTriggerTime,
	endpointSliceControllerName,
	labelManagedBy,
	labelServiceName,
	labelTopologyZone,
	mirroringControllerName,
} from '../../src/core/k8s/types';
import type { WorkspaceFile } from '../../src/core/manifests/workspace';
import type { ResourceKind, WatchEvent } from '../../src/core/store/types';
import { resourceKinds } from '../../src/core/store/types';
import { ManualClock, example } from './support/playground';

// ---------------------------------------------------------------------------------------------------------------
// A manual clock and small readers
// ---------------------------------------------------------------------------------------------------------------


function setup(options: PlaygroundOptions = {}) {
	const clock = new ManualClock();
	const pg = new PlaygroundCluster({ clock, ...options });
	const initial = pg.snapshot();
	const events: WatchEvent[] = [];
	pg.onEvent((e) => events.push(e));
	return { clock, pg, events, initial };
}

function name(o: TypedObject | undefined): string {
	return o?.metadata?.name ?? '';
}

/** The slices the EndpointSlice controller manages for a Service, sorted by name. */
function managedSlices(pg: PlaygroundCluster, service: string, namespace = 'default'): EndpointSlice[] {
	return pg
		.list('EndpointSlice', namespace)
		.filter(
			(s) =>
				s.metadata?.labels?.[labelServiceName] === service &&
				s.metadata?.labels?.[labelManagedBy] === endpointSliceControllerName,
		);
}

function onlySlice(pg: PlaygroundCluster, service: string): EndpointSlice {
	const slices = managedSlices(pg, service);
	assert.equal(slices.length, 1, `one slice for ${service}, got ${slices.map(name).join(', ')}`);
	return slices[0]!;
}

function endpointFor(slice: EndpointSlice, pod: string): Endpoint | undefined {
	return (slice.endpoints ?? []).find((e) => e.targetRef?.name === pod);
}

function addresses(ep: Endpoints | undefined, which: 'addresses' | 'notReadyAddresses'): string[] {
	return (ep?.subsets ?? []).flatMap((s) => (s[which] ?? []).map((a) => a.ip)).sort();
}

function ipv4(pod: Pod): string {
	return (pod.status?.podIPs ?? []).map((p) => p.ip).find((ip) => !ip.includes(':')) ?? '';
}

function ready(pod: Pod): string | undefined {
	return pod.status?.conditions?.find((c) => c.type === 'Ready')?.status;
}

/** Applies watch events to a LIST snapshot, checking each is consistent with what came before. */
function replay(initial: ReturnType<PlaygroundCluster['snapshot']>, events: readonly WatchEvent[]) {
	const state = new Map<ResourceKind, Map<string, TypedObject>>();
	for (const list of initial) {
		state.set(list.kind, new Map(list.objects.map((o) => [`${o.metadata?.namespace ?? ''}/${name(o)}`, o])));
	}
	for (const e of events) {
		const map = state.get(e.kind)!;
		const key = `${e.object.metadata?.namespace ?? ''}/${name(e.object)}`;
		if (e.type === 'ADDED') {
			assert.ok(!map.has(key), `ADDED ${e.kind} ${key} already exists`);
			map.set(key, e.object);
		} else if (e.type === 'MODIFIED') {
			assert.equal(
				map.get(key)?.metadata?.uid,
				e.object.metadata?.uid,
				`MODIFIED ${e.kind} ${key} keeps its uid`,
			);
			map.set(key, e.object);
		} else {
			assert.ok(map.has(key), `DELETED ${e.kind} ${key} exists`);
			map.delete(key);
		}
	}
	return state;
}

function assertEventInvariants(events: readonly WatchEvent[], after = 0): void {
	let previous = after;
	for (const e of events) {
		const rv = Number(e.object.metadata?.resourceVersion);
		assert.ok(
			Number.isInteger(rv) && rv > previous,
			`resourceVersion ${rv} after ${previous} (${e.type} ${e.kind})`,
		);
		previous = rv;
		assert.match(e.object.metadata?.uid ?? '', /^[0-9a-f-]{36}$/, `${e.kind} ${name(e.object)} has a uid`);
	}
}

// ---------------------------------------------------------------------------------------------------------------

describe('playground: the classic flow on examples/web.yaml', () => {
	const { clock, pg, events, initial } = setup();
	const result = pg.apply(example('web.yaml'));
	const pods0 = pg.pods();

	it('apply creates the Service, the Nodes and the pods, Pending without a node or an IP', () => {
		assert.deepEqual(result.diagnostics, []);
		assert.deepEqual([result.created, result.updated, result.deleted], [5, 0, 0]); // 3 Nodes, Service, Deployment
		assert.equal(pods0.length, 3);
		for (const p of pods0) {
			assert.equal(p.status?.phase, 'Pending');
			assert.equal(p.spec?.nodeName, undefined);
			assert.equal(p.status?.podIP, undefined);
			assert.equal(p.metadata?.ownerReferences?.[0]?.kind, 'ReplicaSet');
			assert.equal(p.metadata?.creationTimestamp, '2025-01-01T00:00:00Z');
		}
		assert.deepEqual(pg.list('Node').map(name), ['node-1', 'node-2', 'node-3']);
	});

	it('no endpoints while the pods are Pending: a placeholder slice and an Endpoints object with no subsets', () => {
		const slice = onlySlice(pg, 'web');
		assert.deepEqual(slice.endpoints, []);
		assert.deepEqual(slice.ports, []);
		assert.equal(slice.metadata?.ownerReferences?.[0]?.uid, pg.get('Service', 'default', 'web')?.metadata?.uid);
		const ep = pg.get('Endpoints', 'default', 'web');
		assert.ok(ep);
		assert.equal(ep.subsets, undefined);
		// The first sync's trigger time is the Service's creation.
		assert.equal(slice.metadata?.annotations?.[annotationTriggerTime], '2025-01-01T00:00:00Z');
		assert.equal(ep.metadata?.annotations?.[annotationTriggerTime], '2025-01-01T00:00:00Z');
	});

	it('after scheduleMs the pods are bound to nodes (PodScheduled) but still have no endpoint', () => {
		clock.advance(300);
		for (const p of pg.pods()) {
			assert.match(p.spec?.nodeName ?? '', /^node-[123]$/);
			assert.equal(p.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status, 'True');
			assert.equal(p.status?.phase, 'Pending');
		}
		assert.deepEqual(onlySlice(pg, 'web').endpoints, []);
		assert.equal(pg.get('Endpoints', 'default', 'web')?.subsets, undefined);
	});

	it('after startMs they run with IPs, not ready: not-ready endpoints and notReadyAddresses', () => {
		clock.advance(700);
		const pods = pg.pods();
		assert.ok(pods.every((p) => p.status?.phase === 'Running' && ready(p) === 'False'));
		assert.ok(pods.every((p) => p.status?.podIPs?.length === 2)); // the default profile is dual-stack
		const slice = onlySlice(pg, 'web');
		assert.deepEqual(
			(slice.endpoints ?? []).map((e) => e.conditions),
			pods.map(() => ({ ready: false, serving: false, terminating: false })),
		);
		const ep = pg.get('Endpoints', 'default', 'web');
		assert.deepEqual(addresses(ep, 'addresses'), []);
		assert.deepEqual(addresses(ep, 'notReadyAddresses'), pods.map(ipv4).sort());
	});

	it('after readyMs they are Ready: ready endpoints with zone, node and targetRef; ready addresses', () => {
		clock.advance(1000);
		const pods = pg.pods();
		assert.ok(pods.every((p) => ready(p) === 'True'));
		const slice = onlySlice(pg, 'web');
		assert.equal(slice.addressType, 'IPv4');
		assert.deepEqual(slice.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
		assert.equal(slice.endpoints?.length, 3);
		for (const p of pods) {
			const e = endpointFor(slice, name(p));
			assert.ok(e, `endpoint for ${name(p)}`);
			assert.deepEqual(e.addresses, [ipv4(p)]);
			assert.deepEqual(e.conditions, { ready: true, serving: true, terminating: false });
			assert.equal(e.nodeName, p.spec?.nodeName);
			const node = pg.get('Node', undefined, p.spec!.nodeName!);
			assert.equal(e.zone, node?.metadata?.labels?.[labelTopologyZone]);
			assert.equal(e.targetRef?.uid, p.metadata?.uid);
		}
		const ep = pg.get('Endpoints', 'default', 'web');
		assert.deepEqual(addresses(ep, 'addresses'), pods.map(ipv4).sort());
		assert.deepEqual(addresses(ep, 'notReadyAddresses'), []);
		assert.deepEqual(ep?.subsets?.[0]?.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
		// Both controllers track trigger times alike: the Ready transitions at 00:00:02.
		assert.equal(slice.metadata?.annotations?.[annotationTriggerTime], '2025-01-01T00:00:02Z');
		assert.equal(ep?.metadata?.annotations?.[annotationTriggerTime], '2025-01-01T00:00:02Z');
	});

	const victim = name(pods0[1]);
	let victimIP = '';
	it('terminatePod: serving, terminating, not ready in the slice; gone from the Endpoints; replaced at once', () => {
		victimIP = ipv4(pg.get('Pod', 'default', victim)!);
		pg.terminatePod('default', victim);
		const pod = pg.get('Pod', 'default', victim)!;
		assert.equal(pod.metadata?.deletionTimestamp, '2025-01-01T00:00:04Z');
		assert.equal(pod.metadata?.deletionGracePeriodSeconds, 2);
		assert.equal(ready(pod), 'True'); // still running, the readiness probe still passes
		const slice = onlySlice(pg, 'web');
		assert.deepEqual(endpointFor(slice, victim)?.conditions, { ready: false, serving: true, terminating: true });
		// Upstream Endpoints controller: terminating pods are left out unless publishNotReadyAddresses.
		const ep = pg.get('Endpoints', 'default', 'web');
		assert.ok(!addresses(ep, 'addresses').includes(victimIP));
		assert.ok(!addresses(ep, 'notReadyAddresses').includes(victimIP));
		assert.equal(addresses(ep, 'addresses').length, 2);
		// The ReplicaSet no longer counts the terminating pod: a replacement with a new name is already there.
		const added = pg.pods().filter((p) => !pods0.some((o) => name(o) === name(p)));
		assert.equal(added.length, 1);
		assert.equal(added[0]!.status?.phase, 'Pending');
		assert.deepEqual(added[0]!.metadata?.ownerReferences, pods0[0]!.metadata?.ownerReferences);
	});

	it('after the grace period the pod is deleted; its replacement is ready', () => {
		clock.advance(2000);
		assert.equal(pg.get('Pod', 'default', victim), undefined);
		assert.ok(events.some((e) => e.type === 'DELETED' && e.kind === 'Pod' && name(e.object) === victim));
		const pods = pg.pods();
		assert.equal(pods.length, 3);
		assert.ok(pods.every((p) => ready(p) === 'True' && !p.metadata?.deletionTimestamp));
		const slice = onlySlice(pg, 'web');
		assert.deepEqual((slice.endpoints ?? []).map((e) => e.addresses[0]).sort(), pods.map(ipv4).sort());
		assert.ok(!pods.map(ipv4).includes(victimIP), 'the replacement has an IP of its own');
		assert.ok((slice.endpoints ?? []).every((e) => e.conditions?.ready === true));
	});

	it('removeAllPods: every pod terminates, then the slice is a placeholder and the Endpoints has no subsets', () => {
		pg.removeAllPods('default', 'web');
		assert.ok(pg.pods().every((p) => p.metadata?.deletionTimestamp));
		assert.equal(pg.get('Endpoints', 'default', 'web')?.subsets, undefined);
		assert.ok((onlySlice(pg, 'web').endpoints ?? []).every((e) => e.conditions?.terminating === true));
		clock.advance(2000);
		assert.deepEqual(pg.pods(), []);
		const slice = onlySlice(pg, 'web');
		assert.deepEqual(slice.endpoints, []);
		const ep = pg.get('Endpoints', 'default', 'web');
		assert.ok(ep, 'the Endpoints object stays');
		assert.equal(ep.subsets, undefined);
		assert.deepEqual(
			pg.workloads().map((w) => [w.kind, w.name, w.replicas, w.selectedBy]),
			[['Deployment', 'web', 0, ['web']]],
		);
		assert.equal(pg.pendingTransitions, 0);
	});

	it('every event has a uid and a strictly greater resourceVersion; replaying them rebuilds the snapshot', () => {
		assertEventInvariants(events, Number(initial[0]!.resourceVersion));
		assert.deepEqual(
			pg.snapshot().map((l) => l.kind),
			resourceKinds,
		);
		const rebuilt = replay(initial, events);
		for (const list of pg.snapshot()) {
			const mine = [...rebuilt.get(list.kind)!.values()].sort((a, b) =>
				`${a.metadata?.namespace}/${name(a)}` < `${b.metadata?.namespace}/${name(b)}` ? -1 : 1,
			);
			assert.deepEqual(mine, list.objects, `${list.kind} after replay`);
			assert.equal(list.resourceVersion, pg.resourceVersion);
		}
	});
});

describe('playground: apply, re-apply and prune', () => {
	it('re-applying identical files emits nothing', () => {
		const { pg, events } = setup();
		pg.apply(example('web.yaml', 'selectorless.yaml'));
		pg.settle();
		const before = events.length;
		const again = pg.apply(example('web.yaml', 'selectorless.yaml'));
		assert.deepEqual([again.created, again.updated, again.deleted], [0, 0, 0]);
		assert.equal(events.length, before);
	});

	it('files that no longer define an object prune it: its slices (garbage collected) and Endpoints go too', () => {
		const { clock, pg, events } = setup();
		pg.apply(example('web.yaml', 'headless-statefulset.yaml'));
		pg.settle();
		const dbSlices = managedSlices(pg, 'db').map(name);
		assert.equal(dbSlices.length, 1);
		const from = events.length;
		const r = pg.apply(example('web.yaml'));
		assert.deepEqual([r.created, r.updated, r.deleted], [0, 0, 2]); // the Service and the StatefulSet
		const deleted = events
			.slice(from)
			.filter((e) => e.type === 'DELETED')
			.map((e) => `${e.kind}/${name(e.object)}`);
		assert.ok(deleted.includes('Service/db'));
		assert.ok(deleted.includes('Endpoints/db'));
		assert.ok(deleted.includes(`EndpointSlice/${dbSlices[0]}`));
		// The StatefulSet's pods terminate gracefully, and are not replaced.
		const db = pg.pods().filter((p) => name(p).startsWith('db-'));
		assert.equal(db.length, 3);
		assert.ok(db.every((p) => p.metadata?.deletionTimestamp));
		clock.advance(2000);
		assert.deepEqual(
			pg.pods().filter((p) => name(p).startsWith('db-')),
			[],
		);
		assert.equal(managedSlices(pg, 'web').length, 1);
		assert.equal(pg.get('Service', 'default', 'web')?.metadata?.uid !== undefined, true);
	});

	it('a changed Service is MODIFIED, keeps its uid and cluster IP, and the slices follow the new port', () => {
		const { pg, events } = setup();
		pg.apply(example('web.yaml'));
		pg.settle();
		const svc = pg.get('Service', 'default', 'web')!;
		const slice = onlySlice(pg, 'web');
		const edited = example('web.yaml').map((f) => ({
			...f,
			text: f.text.replace('targetPort: http', 'targetPort: 9000'),
		}));
		const from = events.length;
		const r = pg.apply(edited);
		assert.deepEqual([r.created, r.updated, r.deleted], [0, 1, 0]);
		const after = pg.get('Service', 'default', 'web')!;
		assert.equal(after.metadata?.uid, svc.metadata?.uid);
		assert.equal(after.spec?.clusterIP, svc.spec?.clusterIP);
		assert.equal(after.spec?.ports?.[0]?.targetPort, 9000);
		assert.deepEqual(
			events.slice(from).map((e) => `${e.type} ${e.kind}`),
			['MODIFIED Service', 'MODIFIED EndpointSlice', 'MODIFIED Endpoints'],
		);
		// The port change is an update of the same slice (recycled), as upstream does.
		const updated = onlySlice(pg, 'web');
		assert.equal(name(updated), name(slice));
		assert.deepEqual(updated.ports, [{ name: 'http', port: 9000, protocol: 'TCP' }]);
	});

	it('objects from a file that now fails to parse are kept, not pruned', () => {
		const { pg, events } = setup();
		pg.apply(example('web.yaml'));
		pg.settle();
		const from = events.length;
		const broken = example('web.yaml').map((f) => ({ ...f, text: `${f.text}\n  bad: [unclosed\n` }));
		const r = pg.apply(broken);
		assert.ok(r.diagnostics.some((d) => d.severity === 'error' && d.file === 'examples/web.yaml'));
		assert.equal(r.deleted, 0);
		assert.deepEqual(
			events.slice(from).filter((e) => e.type === 'DELETED'),
			[],
		);
		assert.ok(pg.get('Service', 'default', 'web'));
	});

	it('never throws on bad input: the problems come back as diagnostics', () => {
		const { pg, events } = setup();
		const notFiles = pg.apply(null as unknown as WorkspaceFile[]);
		assert.equal(notFiles.diagnostics[0]?.severity, 'error');
		const mixed = pg.apply([{ path: 'a.yaml' } as WorkspaceFile, { path: 'b.yaml', text: 'kind: [' }]);
		assert.ok(mixed.diagnostics.some((d) => d.file === '<input 0>'));
		assert.ok(mixed.diagnostics.some((d) => d.file === 'b.yaml'));
		assert.deepEqual(
			events.filter((e) => e.kind === 'Service'),
			[],
		);
	});

	it('namespaces are created before their objects and deleted once nothing uses them', () => {
		const { clock, pg, events } = setup();
		const shop = example('web.yaml').map((f) => ({
			...f,
			text: f.text.replace(/^ {2}name: web$/gm, '  name: web\n  namespace: shop'),
		}));
		pg.apply(shop);
		const firstShop = events.findIndex((e) => e.object.metadata?.namespace === 'shop');
		const nsAdded = events.findIndex((e) => e.kind === 'Namespace' && name(e.object) === 'shop');
		assert.ok(nsAdded >= 0 && nsAdded < firstShop);
		clock.advance(3000);
		pg.apply([]);
		assert.ok(pg.get('Namespace', undefined, 'shop'), 'kept while its pods terminate');
		clock.advance(2000);
		assert.equal(pg.get('Namespace', undefined, 'shop'), undefined);
		assert.ok(pg.get('Namespace', undefined, 'default'));
	});
});

describe('playground: other Services', () => {
	it('a selector-less Service with a hand-written Endpoints object gets mirrored slices', () => {
		const { pg } = setup();
		pg.apply(example('selectorless.yaml'));
		const ep = pg.get('Endpoints', 'default', 'legacy-db')!;
		const slices = pg.list('EndpointSlice').filter((s) => s.metadata?.labels?.[labelServiceName] === 'legacy-db');
		assert.equal(slices.length, 1);
		const slice = slices[0]!;
		assert.equal(slice.metadata?.labels?.[labelManagedBy], mirroringControllerName);
		assert.deepEqual(
			slice.metadata?.ownerReferences?.map((r) => [r.kind, r.uid]),
			[['Endpoints', ep.metadata?.uid]],
		);
		assert.deepEqual(
			(slice.endpoints ?? []).map((e) => [e.addresses[0], e.conditions?.ready]),
			[
				['192.168.10.11', true],
				['192.168.10.12', true],
				['192.168.10.13', false],
			],
		);
		// The Endpoints controller leaves a selector-less Service's Endpoints alone.
		assert.equal(ep.metadata?.labels?.['endpoints.kubernetes.io/managed-by'], undefined);
		// Dropping the Endpoints from the files removes the mirrored slice.
		pg.apply(example('selectorless.yaml').map((f) => ({ ...f, text: f.text.split('---')[0]! })));
		assert.equal(pg.get('Endpoints', 'default', 'legacy-db'), undefined);
		assert.deepEqual(pg.list('EndpointSlice'), []);
	});

	it('a selector added to a mirrored Service hands it over to the EndpointSlice controller', () => {
		const { pg } = setup();
		pg.apply(example('selectorless.yaml', 'web.yaml'));
		pg.settle();
		const withSelector = example('selectorless.yaml', 'web.yaml').map((f) => ({
			...f,
			text: f.text.replace(
				'  ports:\n    - name: mysql',
				'  selector:\n    app.kubernetes.io/name: web\n  ports:\n    - name: mysql',
			),
		}));
		pg.apply(withSelector);
		pg.settle();
		const slices = pg.list('EndpointSlice').filter((s) => s.metadata?.labels?.[labelServiceName] === 'legacy-db');
		assert.deepEqual(
			slices.map((s) => s.metadata?.labels?.[labelManagedBy]),
			[endpointSliceControllerName],
			'the mirrored slice is gone',
		);
		assert.equal(slices[0]!.endpoints?.length, 3);
		assert.deepEqual(slices[0]!.ports, [{ name: 'mysql', port: 3306, protocol: 'TCP' }]);
		// The Endpoints controller now owns the Endpoints object: the hand-written addresses are replaced.
		const ep = pg.get('Endpoints', 'default', 'legacy-db');
		assert.equal(ep?.metadata?.labels?.['endpoints.kubernetes.io/managed-by'], 'endpoint-controller');
		assert.deepEqual(addresses(ep, 'addresses'), pg.pods().map(ipv4).sort());
	});

	it('an ExternalName Service gets no slices and no Endpoints', () => {
		const { pg, events } = setup();
		pg.apply(example('external-name.yaml'));
		pg.settle();
		assert.ok(pg.get('Service', 'default', 'payments'));
		assert.deepEqual(pg.list('EndpointSlice'), []);
		assert.deepEqual(pg.list('Endpoints'), []);
		assert.deepEqual(
			events.filter((e) => e.kind === 'EndpointSlice' || e.kind === 'Endpoints'),
			[],
		);
	});

	it('a dual-stack Service gets one slice per family; the Endpoints object is single-stack', () => {
		const { pg } = setup();
		pg.apply(example('dual-stack.yaml'));
		pg.settle();
		const slices = managedSlices(pg, 'echo');
		assert.deepEqual(slices.map((s) => s.addressType).sort(), ['IPv4', 'IPv6']);
		const pods = pg.pods();
		for (const s of slices) {
			const want = pods.map(
				(p) => p.status!.podIPs!.find((ip) => ip.ip.includes(':') === (s.addressType === 'IPv6'))!.ip,
			);
			assert.deepEqual((s.endpoints ?? []).map((e) => e.addresses[0]).sort(), want.sort());
		}
		assert.deepEqual(addresses(pg.get('Endpoints', 'default', 'echo'), 'addresses'), pods.map(ipv4).sort());
	});

	it('publishNotReadyAddresses: a simulated not-ready pod stays Running and is published as ready', () => {
		const { clock, pg } = setup();
		pg.apply(example('publish-not-ready.yaml'));
		clock.advance(60_000);
		const pods = pg.pods();
		const notReady = pods.filter((p) => ready(p) === 'False');
		assert.equal(notReady.length, 1);
		assert.equal(notReady[0]!.status?.phase, 'Running');
		const slice = onlySlice(pg, 'peers');
		assert.deepEqual(endpointFor(slice, name(notReady[0]))?.conditions, {
			ready: true,
			serving: false,
			terminating: false,
		});
		assert.deepEqual(addresses(pg.get('Endpoints', 'default', 'peers'), 'addresses'), pods.map(ipv4).sort());
		// Terminating pods are published too.
		const readyPod = pods.find((p) => ready(p) === 'True')!;
		pg.terminatePod('default', name(readyPod));
		assert.ok(addresses(pg.get('Endpoints', 'default', 'peers'), 'addresses').includes(ipv4(readyPod)));
		assert.deepEqual(endpointFor(onlySlice(pg, 'peers'), name(readyPod))?.conditions, {
			ready: true,
			serving: true,
			terminating: true,
		});
	});

	it('simulated terminating pods stay terminating until terminatePod lets their grace period run out', () => {
		const { clock, pg } = setup();
		const files = example('web.yaml').map((f) => ({
			...f,
			text: f.text.replace(
				'spec:\n  replicas: 3',
				"  annotations:\n    endpointlens.io/simulate: 'terminating=1'\nspec:\n  replicas: 3",
			),
		}));
		assert.deepEqual(pg.apply(files).diagnostics, []);
		clock.advance(600_000);
		const terminating = pg.pods().filter((p) => p.metadata?.deletionTimestamp);
		assert.equal(terminating.length, 1);
		assert.equal(pg.pods().length, 4);
		assert.deepEqual(endpointFor(onlySlice(pg, 'web'), name(terminating[0]))?.conditions, {
			ready: false,
			serving: true,
			terminating: true,
		});
		assert.equal(pg.workloads()[0]?.replicas, 3);
		pg.terminatePod('default', name(terminating[0]));
		clock.advance(2000);
		assert.equal(pg.pods().length, 3, 'gone, and not replaced: it was beyond the replicas');
	});
});

describe('playground: the big example and a cross-check against a from-scratch sync', () => {
	const { clock, pg } = setup();
	pg.apply(example('big.yaml'));
	clock.advance(5000);

	it('250 ready pods are packed into slices of 100, 100 and 50', () => {
		const slices = managedSlices(pg, 'fleet');
		assert.deepEqual(slices.map((s) => s.endpoints?.length).sort(), [100, 100, 50].sort());
		assert.ok(slices.every((s) => (s.endpoints ?? []).every((e) => e.conditions?.ready)));
		assert.equal(addresses(pg.get('Endpoints', 'default', 'fleet'), 'addresses').length, 250);
	});

	it('the slices equal what a fresh EndpointSliceController computes from the final pods (modulo names)', () => {
		for (const files of [
			example('big.yaml'),
			example('web.yaml'),
			example('named-ports.yaml'),
			example('dual-stack.yaml'),
		]) {
			const run = files[0]!.path.includes('big') ? pg : setup().pg;
			if (run !== pg) {
				run.apply(files);
				run.settle();
			}
			const svc = run.list('Service').find((s) => s.spec?.selector)!;
			const fresh = new EndpointSliceController().syncService(
				svc,
				{ pods: run.pods(), nodes: run.list('Node'), endpointSlices: [] },
				{ namespace: 'default', name: name(svc) },
			);
			assert.equal(fresh.error, null);
			const mine = managedSlices(run, name(svc));
			// Same slices (family, ports, labels, owner, length) and, per (family, ports) group, the same endpoints.
			// Which endpoints share a slice within a group depends on the order pods came in (upstream: random).
			assert.deepEqual(shapes(mine), shapes(fresh.slices), files[0]!.path);
			assert.deepEqual(endpointsByGroup(mine), endpointsByGroup(fresh.slices), files[0]!.path);
		}
	});
});

/** Slices without names, uids, resourceVersions, trigger times and endpoints, sorted. */
function shapes(slices: readonly EndpointSlice[]): string[] {
	return slices
		.map((s) =>
			JSON.stringify({
				addressType: s.addressType,
				ports: s.ports,
				labels: s.metadata?.labels,
				ownerReferences: s.metadata?.ownerReferences,
				endpoints: s.endpoints?.length,
			}),
		)
		.sort();
}

/** Every endpoint, by (address type, ports), sorted by address. */
function endpointsByGroup(slices: readonly EndpointSlice[]): Record<string, Endpoint[]> {
	const out: Record<string, Endpoint[]> = {};
	for (const s of slices) {
		(out[`${s.addressType} ${JSON.stringify(s.ports)}`] ??= []).push(...(s.endpoints ?? []));
	}
	for (const list of Object.values(out)) {
		list.sort((a, b) => (a.addresses[0]! < b.addresses[0]! ? -1 : 1));
	}
	return out;
}

describe('playground: determinism and clocks', () => {
	function scenario(options: PlaygroundOptions = {}): WatchEvent[] {
		const { clock, pg, events } = setup(options);
		pg.apply(example('web.yaml', 'headless-statefulset.yaml', 'selectorless.yaml'));
		clock.advance(2500);
		pg.terminatePod('default', name(pg.pods().find((p) => name(p).startsWith('web-'))));
		pg.deletePod('default', 'db-1');
		clock.advance(1500);
		pg.scale('Deployment', 'default', 'web', 5);
		pg.setPodReady('default', 'db-0', false);
		clock.advance(4000);
		pg.removeAllPods('default', 'db');
		clock.advance(4000);
		return events;
	}

	it('two runs produce identical event streams', () => {
		const a = scenario();
		const b = scenario();
		assert.ok(a.length > 50);
		assert.deepEqual(a, b);
		assertEventInvariants(a);
	});

	it('one batch per transition (coalesceTransitions: false) is deterministic too, with more writes', () => {
		const a = scenario({ coalesceTransitions: false });
		assert.deepEqual(a, scenario({ coalesceTransitions: false }));
		const writes = (events: WatchEvent[]) => events.filter((e) => e.kind === 'EndpointSlice').length;
		assert.ok(writes(a) > writes(scenario()));
	});

	it('without coalescing, the controllers write after each pod transition', () => {
		const { clock, pg, events } = setup({ coalesceTransitions: false });
		pg.apply(example('web.yaml'));
		clock.advance(300);
		const from = events.length;
		clock.advance(700); // the three pods start
		assert.deepEqual(
			events.slice(from).map((e) => e.kind),
			[
				'Pod',
				'EndpointSlice',
				'Endpoints',
				'Pod',
				'EndpointSlice',
				'Endpoints',
				'Pod',
				'EndpointSlice',
				'Endpoints',
			],
		);
		assert.deepEqual(
			events
				.slice(from)
				.filter((e) => e.kind === 'EndpointSlice')
				.map((e) => (e.object as EndpointSlice).endpoints?.length),
			[1, 2, 3],
		);
	});

	it('with zero delays everything happens within apply()', () => {
		const { pg } = setup({ kubelet: { scheduleMs: 0, startMs: 0, readyMs: 0, terminationGraceMs: 0 } });
		pg.apply(example('web.yaml'));
		assert.ok(pg.pods().every((p) => ready(p) === 'True'));
		assert.equal(onlySlice(pg, 'web').endpoints?.length, 3);
		pg.terminatePod('default', name(pg.pods()[0]));
		assert.equal(pg.pods().length, 3);
		assert.ok(pg.pods().every((p) => ready(p) === 'True' && !p.metadata?.deletionTimestamp));
	});

	it('with the default real clock, settle() runs every pending transition now', () => {
		const pg = new PlaygroundCluster();
		try {
			pg.apply(example('web.yaml', 'headless-statefulset.yaml'));
			assert.ok(pg.pendingTransitions > 0);
			pg.settle();
			assert.equal(pg.pendingTransitions, 0);
			assert.ok(pg.pods().every((p) => ready(p) === 'True'));
			assert.equal(onlySlice(pg, 'db').endpoints?.length, 3);
		} finally {
			pg.dispose();
		}
	});

	it('a listener may act on the playground: its changes follow, in order', () => {
		const { clock, pg, events } = setup();
		let done = false;
		pg.onEvent((e) => {
			if (!done && e.kind === 'Pod' && ready(e.object as Pod) === 'True') {
				done = true;
				pg.deletePod('default', name(e.object));
			}
		});
		pg.apply(example('web.yaml'));
		clock.advance(10_000);
		assert.ok(done);
		assertEventInvariants(events);
		assert.equal(pg.pods().length, 3);
		assert.ok(pg.pods().every((p) => ready(p) === 'True'));
	});

	it('a throwing listener does not stop the others', () => {
		const errors: unknown[] = [];
		const { pg, events } = setup({ onError: (e) => errors.push(e) });
		pg.onEvent(() => {
			throw new Error('boom');
		});
		pg.apply(example('web.yaml'));
		assert.ok(events.length > 0);
		assert.equal(errors.length, events.length);
	});
});
