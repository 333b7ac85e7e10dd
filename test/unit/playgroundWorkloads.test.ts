/**
 * The playground's workload controllers and user actions: scaling, StatefulSet replacement (same name, new uid),
 * rollouts on a template change, bare Pods, Node removal, readiness toggles, and the errors user actions report.
 * (The end-to-end flow and the controllers' output are in playground.test.ts.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PlaygroundCluster, PlaygroundError } from '../../src/cluster/playground/playground';
import type { EndpointSlice, Pod, TypedObject } from '../../src/core/k8s/types';
import { annotationTriggerTime, labelHeadless, labelServiceName } from '../../src/core/k8s/types';
import { buildWorkspaceModel } from '../../src/core/manifests/workspace';
import type { WorkspaceFile } from '../../src/core/manifests/workspace';
import type { WatchEvent } from '../../src/core/store/types';
import { ManualClock, example } from './support/playground';


function setup(files: WorkspaceFile[]) {
	const clock = new ManualClock();
	const pg = new PlaygroundCluster({ clock });
	const events: WatchEvent[] = [];
	pg.onEvent((e) => events.push(e));
	pg.apply(files);
	clock.advance(2000);
	return { clock, pg, events };
}

function name(o: TypedObject | undefined): string {
	return o?.metadata?.name ?? '';
}

function names(pods: readonly Pod[]): string[] {
	return pods.map(name).sort();
}

function ready(pod: Pod | undefined): string | undefined {
	return pod?.status?.conditions?.find((c) => c.type === 'Ready')?.status;
}

function sliceOf(pg: PlaygroundCluster, service: string): EndpointSlice {
	const slices = pg.list('EndpointSlice').filter((s) => s.metadata?.labels?.[labelServiceName] === service);
	assert.equal(slices.length, 1);
	return slices[0]!;
}

function podEvents(events: readonly WatchEvent[], from: number): string[] {
	return events
		.slice(from)
		.filter((e) => e.kind === 'Pod' && e.type !== 'MODIFIED')
		.map((e) => `${e.type} ${name(e.object)}`);
}

describe('playground: scaling', () => {
	it('a Deployment scales up keeping its pods, and down removing the last ones gracefully', () => {
		const { clock, pg, events } = setup(example('web.yaml'));
		// The slot order is the workspace model's pod order.
		const order = buildWorkspaceModel(example('web.yaml')).pods.map(name);
		const before = pg.pods();
		assert.deepEqual(names(before), [...order].sort());

		pg.scale('Deployment', 'default', 'web', 5);
		const up = pg.pods();
		assert.equal(up.length, 5);
		for (const p of before) {
			assert.equal(pg.get('Pod', 'default', name(p))?.metadata?.uid, p.metadata?.uid, 'existing pods are kept');
		}
		const added = up.filter((p) => !order.includes(name(p)));
		assert.equal(added.length, 2);
		assert.ok(added.every((p) => p.status?.phase === 'Pending' && p.status.podIP === undefined));
		assert.ok(
			added.every((p) => name(p).startsWith('web-6f4cbd8c75-')),
			'owned by the same ReplicaSet',
		);
		clock.advance(2000);
		assert.equal(sliceOf(pg, 'web').endpoints?.filter((e) => e.conditions?.ready).length, 5);
		assert.equal(new Set(pg.pods().map((p) => p.status?.podIP)).size, 5, 'every pod has its own IP');
		assert.equal(pg.workloads()[0]?.replicas, 5);

		const from = events.length;
		pg.scale('deployment', 'default', 'web', 2);
		const terminating = pg.pods().filter((p) => p.metadata?.deletionTimestamp);
		assert.deepEqual(names(terminating), names([...added, pg.get('Pod', 'default', order[2]!)!]));
		clock.advance(2000);
		assert.deepEqual(names(pg.pods()), [order[0]!, order[1]!].sort());
		assert.deepEqual(
			podEvents(events, from).filter((e) => e.startsWith('ADDED')),
			[],
			'nothing replaced',
		);
		assert.equal(sliceOf(pg, 'web').endpoints?.length, 2);

		// Re-applying the unchanged manifest keeps the scale (kubectl apply does not touch unchanged fields).
		const quiet = events.length;
		pg.apply(example('web.yaml'));
		assert.equal(events.length, quiet);
		assert.equal(pg.workloads()[0]?.replicas, 2);
		// A changed replicas in the manifest wins.
		const r = pg.apply(
			example('web.yaml').map((f) => ({ ...f, text: f.text.replace('replicas: 3', 'replicas: 4') })),
		);
		assert.equal(r.updated, 1);
		assert.equal(pg.pods().length, 4);
		assert.deepEqual(
			pg.pods().filter((p) => p.metadata?.deletionTimestamp),
			[],
		);
	});

	it('scale() rejects what it cannot do, naming the workload, and changes nothing', () => {
		const { pg, events } = setup(example('web.yaml', 'selectorless.yaml'));
		const before = events.length;
		assert.throws(
			() => pg.scale('Deployment', 'default', 'nope', 2),
			(e: unknown) => {
				assert.ok(e instanceof PlaygroundError);
				assert.match(e.message, /Deployment default\/nope does not exist/);
				return true;
			},
		);
		assert.throws(() => pg.scale('StatefulSet', 'default', 'web', 2), /StatefulSet default\/web does not exist/);
		assert.throws(() => pg.scale('Deployment', 'default', 'web', -1), /replicas must be an integer/);
		assert.throws(() => pg.scale('Deployment', 'default', 'web', 1.5), PlaygroundError);
		assert.throws(() => pg.scale('Deployment', 'default', 'web', Number.NaN), PlaygroundError);
		assert.throws(() => pg.deletePod('default', 'ghost'), /Pod default\/ghost does not exist/);
		assert.throws(() => pg.terminatePod('other', 'ghost'), /Pod other\/ghost does not exist/);
		assert.throws(() => pg.setPodReady('default', 'ghost', true), PlaygroundError);
		assert.throws(() => pg.removeAllPods('default', 'ghost'), /Service default\/ghost does not exist/);
		pg.removeAllPods('default', 'legacy-db'); // no selector: nothing to remove
		assert.equal(events.length, before);
	});
});

describe('playground: StatefulSets', () => {
	it('a deleted StatefulSet pod comes back with the same name and a new uid', () => {
		const { clock, pg, events } = setup(example('headless-statefulset.yaml'));
		assert.deepEqual(names(pg.pods()), ['db-0', 'db-1', 'db-2']);
		const slice = sliceOf(pg, 'db');
		assert.equal(slice.metadata?.labels?.[labelHeadless], '');
		assert.deepEqual((slice.endpoints ?? []).map((e) => e.hostname).sort(), ['db-0', 'db-1', 'db-2']);

		const old = pg.get('Pod', 'default', 'db-1')!;
		const from = events.length;
		pg.deletePod('default', 'db-1');
		assert.deepEqual(podEvents(events, from), ['DELETED db-1', 'ADDED db-1']);
		const again = pg.get('Pod', 'default', 'db-1')!;
		assert.notEqual(again.metadata?.uid, old.metadata?.uid);
		assert.equal(again.spec?.hostname, 'db-1');
		assert.equal(again.spec?.subdomain, 'db');
		assert.equal(again.status?.phase, 'Pending');
		clock.advance(2000);
		assert.equal(ready(pg.get('Pod', 'default', 'db-1')), 'True');
		const e1 = sliceOf(pg, 'db').endpoints?.find((e) => e.hostname === 'db-1');
		assert.equal(e1?.targetRef?.uid, again.metadata?.uid);
	});

	it('a terminating StatefulSet pod is re-created only once it is gone', () => {
		const { clock, pg, events } = setup(example('headless-statefulset.yaml'));
		const from = events.length;
		pg.terminatePod('default', 'db-2');
		assert.deepEqual(podEvents(events, from), []);
		assert.ok(pg.get('Pod', 'default', 'db-2')?.metadata?.deletionTimestamp);
		clock.advance(1999);
		assert.deepEqual(podEvents(events, from), []);
		clock.advance(1);
		assert.deepEqual(podEvents(events, from), ['DELETED db-2', 'ADDED db-2']);
		clock.advance(2000);
		assert.equal(sliceOf(pg, 'db').endpoints?.filter((e) => e.conditions?.ready).length, 3);
	});

	it('scaling down removes the highest ordinals first; scaling up brings them back', () => {
		const { clock, pg, events } = setup(example('headless-statefulset.yaml'));
		const from = events.length;
		pg.scale('StatefulSet', 'default', 'db', 1);
		const marked = events
			.slice(from)
			.filter((e) => e.kind === 'Pod' && e.object.metadata?.deletionTimestamp)
			.map((e) => name(e.object));
		assert.deepEqual(marked, ['db-2', 'db-1']);
		// Scaling up while they terminate: the same names wait for the old pods to go.
		pg.scale('StatefulSet', 'default', 'db', 3);
		assert.deepEqual(names(pg.pods()), ['db-0', 'db-1', 'db-2']);
		assert.ok(pg.get('Pod', 'default', 'db-2')?.metadata?.deletionTimestamp);
		clock.advance(2000);
		assert.ok(!pg.get('Pod', 'default', 'db-2')?.metadata?.deletionTimestamp);
		clock.advance(2000);
		assert.deepEqual(names(pg.pods()), ['db-0', 'db-1', 'db-2']);
		assert.ok(pg.pods().every((p) => ready(p) === 'True'));
	});
});

describe('playground: rollouts, bare Pods, Nodes', () => {
	it('a changed pod template rolls: old pods terminate, a new ReplicaSet`s pods start', () => {
		const { clock, pg } = setup(example('web.yaml'));
		const old = names(pg.pods());
		const r = pg.apply(
			example('web.yaml').map((f) => ({ ...f, text: f.text.replace('nginx:1.27', 'nginx:1.28') })),
		);
		assert.deepEqual([r.created, r.updated, r.deleted], [0, 1, 0]);
		const pods = pg.pods();
		assert.equal(pods.length, 6);
		assert.deepEqual(names(pods.filter((p) => p.metadata?.deletionTimestamp)), old);
		const fresh = pods.filter((p) => !old.includes(name(p)));
		const hash = (p: Pod) => p.metadata?.labels?.['pod-template-hash'];
		assert.equal(new Set(fresh.map(hash)).size, 1);
		assert.notEqual(hash(fresh[0]!), hash(pods.find((p) => old.includes(name(p)))!));
		assert.ok(fresh.every((p) => p.spec?.containers?.[0]?.image === 'nginx:1.28'));
		clock.advance(2000);
		assert.deepEqual(names(pg.pods()), names(fresh));
		assert.equal(sliceOf(pg, 'web').endpoints?.filter((e) => e.conditions?.ready).length, 3);
	});

	it('a bare Pod is not replaced when deleted, and re-applying creates it again', () => {
		const pod = `apiVersion: v1
kind: Pod
metadata:
  name: solo
  labels: {app: solo}
spec:
  containers:
    - name: app
      image: example.com/app:1
      ports: [{name: http, containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata:
  name: solo
spec:
  selector: {app: solo}
  ports: [{port: 80, targetPort: http}]
`;
		const files = [{ path: 'solo.yaml', text: pod }];
		const { pg } = setup(files);
		assert.equal(ready(pg.get('Pod', 'default', 'solo')), 'True');
		assert.deepEqual(
			pg.workloads().map((w) => [w.kind, w.name, w.replicas, w.selectedBy]),
			[['Pod', 'solo', 1, ['solo']]],
		);
		pg.deletePod('default', 'solo');
		assert.deepEqual(pg.pods(), []);
		assert.equal(pg.workloads()[0]?.replicas, 0);
		assert.deepEqual(sliceOf(pg, 'solo').endpoints, []);
		const r = pg.apply(files);
		assert.equal(r.created, 1);
		assert.equal(pg.get('Pod', 'default', 'solo')?.status?.phase, 'Pending');
	});

	it('removing the Nodes from under the pods evicts them; their workload re-creates them on the new Node', () => {
		const node = `apiVersion: v1
kind: Node
metadata:
  name: worker-1
  labels:
    topology.kubernetes.io/zone: zone-z
status:
  addresses: [{type: InternalIP, address: 172.18.0.9}]
`;
		const { clock, pg, events } = setup(example('web.yaml'));
		const old = names(pg.pods());
		const from = events.length;
		const r = pg.apply([...example('web.yaml'), { path: 'node.yaml', text: node }]);
		assert.deepEqual([r.created, r.deleted], [1, 3]);
		const deletedNodes = events
			.slice(from)
			.filter((e) => e.kind === 'Node' && e.type === 'DELETED')
			.map((e) => name(e.object));
		assert.deepEqual(deletedNodes.sort(), ['node-1', 'node-2', 'node-3']);
		assert.ok(old.every((n) => !pg.get('Pod', 'default', n)));
		clock.advance(2000);
		const pods = pg.pods();
		assert.equal(pods.length, 3);
		assert.ok(pods.every((p) => p.spec?.nodeName === 'worker-1' && p.status?.hostIP === '172.18.0.9'));
		assert.ok((sliceOf(pg, 'web').endpoints ?? []).every((e) => e.zone === 'zone-z' && e.conditions?.ready));
	});
});

describe('playground: readiness', () => {
	it('setPodReady flips a running pod: conditions, endpoint and Endpoints follow, with a fresh trigger time', () => {
		const { clock, pg } = setup(example('web.yaml'));
		const pod = pg.pods()[0]!;
		clock.advance(5000); // 00:00:07
		pg.setPodReady('default', name(pod), false);
		const after = pg.get('Pod', 'default', name(pod))!;
		assert.equal(ready(after), 'False');
		assert.equal(
			after.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime,
			'2025-01-01T00:00:07Z',
		);
		assert.equal(after.status?.conditions?.find((c) => c.type === 'ContainersReady')?.status, 'False');
		const slice = sliceOf(pg, 'web');
		const endpoint = slice.endpoints?.find((e) => e.targetRef?.name === name(pod));
		assert.deepEqual(endpoint?.conditions, { ready: false, serving: false, terminating: false });
		const ep = pg.get('Endpoints', 'default', 'web')!;
		assert.deepEqual(
			ep.subsets?.flatMap((s) => (s.notReadyAddresses ?? []).map((a) => a.targetRef?.name)),
			[name(pod)],
		);
		assert.equal(slice.metadata?.annotations?.[annotationTriggerTime], '2025-01-01T00:00:07Z');
		assert.equal(ep.metadata?.annotations?.[annotationTriggerTime], '2025-01-01T00:00:07Z');
		// Setting the state it already has writes nothing.
		const rv = pg.resourceVersion;
		pg.setPodReady('default', name(pod), false);
		assert.equal(pg.resourceVersion, rv);
		clock.advance(1000);
		pg.setPodReady('default', name(pod), true);
		assert.ok((sliceOf(pg, 'web').endpoints ?? []).every((e) => e.conditions?.ready));
	});

	it('before its containers start, setPodReady(false) sets where the pod ends', () => {
		const clock = new ManualClock();
		const pg = new PlaygroundCluster({ clock });
		pg.apply(example('web.yaml'));
		const pod = pg.pods()[0]!;
		pg.setPodReady('default', name(pod), false);
		clock.advance(10_000);
		assert.equal(pg.get('Pod', 'default', name(pod))?.status?.phase, 'Running');
		assert.equal(ready(pg.get('Pod', 'default', name(pod))), 'False');
		assert.equal(pg.pods().filter((p) => ready(p) === 'True').length, 2);
	});

	it('a simulated pending pod has no IP until setPodReady starts it', () => {
		const files = example('web.yaml').map((f) => ({
			...f,
			text: f.text.replace(
				'spec:\n  replicas: 3',
				"  annotations:\n    endpointlens.io/simulate: 'pending=1'\nspec:\n  replicas: 3",
			),
		}));
		const { clock, pg } = setup(files);
		clock.advance(60_000);
		const pending = pg.pods().filter((p) => p.status?.phase === 'Pending');
		assert.equal(pending.length, 1);
		assert.equal(pending[0]!.status?.podIP, undefined);
		assert.ok(pending[0]!.spec?.nodeName);
		assert.equal(sliceOf(pg, 'web').endpoints?.length, 2);
		pg.setPodReady('default', name(pending[0]), true);
		clock.advance(2000);
		assert.equal(ready(pg.get('Pod', 'default', name(pending[0]))), 'True');
		assert.equal(sliceOf(pg, 'web').endpoints?.length, 3);
	});

	it('a terminated pod cannot change readiness; a disposed playground refuses actions', () => {
		const files = example('web.yaml').map((f) => ({
			...f,
			text: f.text.replace(
				'spec:\n  replicas: 3',
				"  annotations:\n    endpointlens.io/simulate: 'failed=1'\nspec:\n  replicas: 3",
			),
		}));
		const { pg } = setup(files);
		const failed = pg.pods().find((p) => p.status?.phase === 'Failed');
		assert.ok(failed);
		assert.throws(() => pg.setPodReady('default', name(failed), true), /has terminated \(phase Failed\)/);
		pg.dispose();
		assert.throws(() => pg.deletePod('default', name(failed)), /disposed/);
		assert.match(pg.apply(example('web.yaml')).diagnostics[0]?.message ?? '', /disposed/);
	});
});
