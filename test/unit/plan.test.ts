/**
 * `core/analysis/plan.ts`: plans of manifest files against live snapshots. Live snapshots come from the playground
 * control plane (real controller output: slices with generated names, server-set fields, Endpoints), or are written
 * by hand where a test needs every field under control (the text format, semantic comparison).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { PlaygroundCluster } from '../../src/cluster/playground/playground';
import type { PlaygroundOptions } from '../../src/cluster/playground/playground';
import type { LiveSnapshot, PlanEndpoint, PlanOptions, ServicePlan, WorkspacePlan } from '../../src/core/analysis/plan';
import { formatPlan, inferClusterProfile, planNamespaces, planWorkspace, planYaml } from '../../src/core/analysis/plan';
import type { EndpointSlice, Endpoints, Node, Pod, Service } from '../../src/core/k8s/types';
import type { WorkspaceModel } from '../../src/core/manifests/workspace';
import { buildWorkspaceModel } from '../../src/core/manifests/workspace';
import { ManualClock } from './support/playground';

const fixtureDir = join(__dirname, '..', 'fixtures', 'plan');
const shop = readFileSync(join(fixtureDir, 'shop.yaml'), 'utf8');
const teamB = readFileSync(join(fixtureDir, 'team-b.yaml'), 'utf8');
const selectorless = readFileSync(join(__dirname, '..', '..', 'examples', 'selectorless.yaml'), 'utf8');

/** A Deployment not in the planned files whose pods the `web` Service selects too, and a Service for all of them. */
const canary = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-canary
  namespace: shop
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
      track: canary
  template:
    metadata:
      labels:
        app: web
        track: canary
    spec:
      containers:
        - name: nginx
          image: nginx:1.28
          ports:
            - name: http
              containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: web-all
  namespace: shop
spec:
  selector:
    app: web
  ports:
    - port: 8080
`;

type Files = Record<string, string>;

function workspaceFiles(files: Files): { path: string; text: string }[] {
	return Object.entries(files).map(([path, text]) => ({ path, text }));
}

/** What the playground runs after applying `files` and letting every pod become ready, as a snapshot. */
function liveFrom(files: Files, namespaces: string[], options: PlaygroundOptions = {}): LiveSnapshot {
	const clock = new ManualClock();
	const pg = new PlaygroundCluster({ clock, ...options });
	try {
		pg.apply(workspaceFiles(files));
		clock.advance(10_000);
		const inScope = <T extends { metadata?: { namespace?: string } }>(list: T[]) =>
			list.filter((o) => namespaces.includes(o.metadata?.namespace ?? ''));
		// A real API server gives Services and Endpoints uids of its own, not the ones the workspace model derives
		// from their names (pods keep theirs: the playground names them as the model does).
		const uid = (u: string | undefined) => `live-${u}`;
		const withUid = <T extends Service | Endpoints>(o: T): T => ({
			...o,
			metadata: { ...o.metadata, uid: uid(o.metadata?.uid) },
		});
		return {
			context: 'playground',
			namespaces,
			services: inScope(pg.list('Service')).map(withUid),
			pods: inScope(pg.list('Pod')),
			nodes: pg.list('Node'),
			endpointSlices: inScope(pg.list('EndpointSlice')).map((slice) => ({
				...slice,
				metadata: {
					...slice.metadata,
					ownerReferences: slice.metadata?.ownerReferences?.map((o) => ({ ...o, uid: uid(o.uid) })),
				},
			})),
			endpoints: inScope(pg.list('Endpoints')).map(withUid),
		};
	} finally {
		pg.dispose();
	}
}

function modelOf(files: Files): WorkspaceModel {
	return buildWorkspaceModel(workspaceFiles(files));
}

function planOf(files: Files, live: LiveSnapshot, options: PlanOptions = {}): WorkspacePlan {
	return planWorkspace(modelOf(files), live, options);
}

function serviceOf(plan: WorkspacePlan, namespace: string, name: string): ServicePlan {
	const s = plan.services.find((x) => x.namespace === namespace && x.name === name);
	assert.ok(s, `a plan for ${namespace}/${name}`);
	return s;
}

/** The endpoint of a pod as the plan shows it. */
function shown(pod: Pod, nodes: readonly Node[], extra: { newPod?: boolean } = {}): Record<string, unknown> {
	const node = nodes.find((n) => n.metadata?.name === pod.spec?.nodeName);
	return {
		addresses: [pod.status!.podIP!],
		state: 'ready',
		pod: pod.metadata!.name,
		nodeName: pod.spec!.nodeName,
		zone: node!.metadata!.labels!['topology.kubernetes.io/zone'],
		...extra,
	};
}

/** Endpoints in pod-name order (a slice keeps the controller's order, which is not the point of these tests). */
function byPod<T extends { pod?: string }>(list: readonly T[]): T[] {
	return [...list].sort((a, b) => (a.pod ?? '').localeCompare(b.pod ?? ''));
}

/** A deep copy with every object's keys in reverse order (as another serializer might write them). */
function reversedKeys<T>(v: T): T {
	if (Array.isArray(v)) {
		return v.map(reversedKeys) as T;
	}
	if (typeof v === 'object' && v !== null) {
		return Object.fromEntries(
			Object.keys(v)
				.reverse()
				.map((k) => [k, reversedKeys((v as Record<string, unknown>)[k])]),
		) as T;
	}
	return v;
}

function podsOfModel(model: WorkspaceModel, name: string): Pod[] {
	return model.workloads.find((w) => w.name === name)!.pods;
}

/**
 * The names of the pods a workload of the files runs. planWorkspace expands the workloads again on the live nodes,
 * so their nodes and IPs may differ from the model's; their names do not (a ReplicaSet names its pods after itself and
 * an index), so the model's names are the plan's.
 */
function plannedNames(model: WorkspaceModel, name: string): string[] {
	return podsOfModel(model, name).map((p) => p.metadata!.name!);
}

function podIsReady(p: Pod): boolean {
	return (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Live pods in the order a ReplicaSet keeps them on a scale-down: ready first, then older, then by name. */
function keepOrder(pods: readonly Pod[]): Pod[] {
	return [...pods].sort(
		(a, b) =>
			Number(podIsReady(b)) - Number(podIsReady(a)) ||
			(a.metadata!.creationTimestamp ?? '').localeCompare(b.metadata!.creationTimestamp ?? '') ||
			a.metadata!.name!.localeCompare(b.metadata!.name!),
	);
}

/**
 * Checks the endpoints of the pods a plan adds: exactly the pods `names` (in any order), each marked as a new pod and
 * ready, on a live node with that node's zone, with an IP of its own that no live pod or Service holds.
 */
function assertNewPods(added: readonly PlanEndpoint[], names: readonly string[], live: LiveSnapshot): void {
	assert.deepEqual(added.map((e) => e.pod).sort(), [...names].sort());
	const liveNames = new Set(live.pods.map((p) => p.metadata!.name));
	const held = new Set([
		...live.pods.flatMap((p) => (p.status?.podIPs ?? []).map((x) => x.ip)),
		...live.services.flatMap((s) => s.spec?.clusterIPs ?? []),
	]);
	const seen = new Set<string>();
	for (const e of added) {
		assert.equal(e.newPod, true, `${e.pod} is a new pod`);
		assert.equal(e.state, 'ready');
		assert.ok(!liveNames.has(e.pod), `${e.pod} is not a live pod`);
		assert.equal(e.addresses.length, 1);
		const ip = e.addresses[0]!;
		assert.ok(!held.has(ip) && !seen.has(ip), `${e.pod}: ${ip} is free`);
		seen.add(ip);
		const node = live.nodes.find((n) => n.metadata?.name === e.nodeName);
		assert.ok(node, `${e.pod} runs on a live node (${e.nodeName})`);
		assert.equal(e.zone, node.metadata!.labels!['topology.kubernetes.io/zone']);
	}
}

/**
 * The same live state as a real cluster would show it: the controllers' own pod-template-hash (so other ReplicaSet
 * and pod names), pod uids and pod IPs. Every occurrence is rewritten (pods, slices' targetRefs, Endpoints).
 */
function asRealCluster(live: LiveSnapshot, ips: readonly string[] = []): LiveSnapshot {
	let text = JSON.stringify(live);
	const hashes = new Set(live.pods.map((p) => p.metadata!.labels!['pod-template-hash']!));
	[...hashes].forEach((h, i) => (text = text.split(h).join(`5f7c9d${i}b48`)));
	live.pods.forEach((p, i) => {
		text = text.split(`"${p.metadata!.uid!}"`).join(`"real-pod-uid-${i}"`);
		const ip = ips[i];
		if (ip) {
			text = text.split(`"${p.status!.podIP!}"`).join(`"${ip}"`);
		}
	});
	return JSON.parse(text) as LiveSnapshot;
}

describe('planWorkspace', () => {
	it('a Service the cluster does not have: its slice is created with every pod of the files', () => {
		const live = liveFrom({ 'team-b.yaml': teamB }, ['shop', 'team-b']);
		const model = modelOf({ 'shop.yaml': shop });
		const plan = planWorkspace(model, live);
		const web = serviceOf(plan, 'shop', 'web');
		assert.equal(web.service, 'new');
		assert.equal(web.inFiles, true);
		assert.equal(web.file, 'shop.yaml');
		assert.ok(web.notes.includes('the Service is not in the cluster yet'));
		assert.ok(web.notes.includes('Deployment web has no live pods yet: 3 new pods'), web.notes.join('\n'));
		assert.equal(web.slices.length, 1);
		const slice = web.slices[0]!;
		assert.equal(slice.action, 'create');
		assert.equal(slice.generateName, 'web-');
		assert.match(slice.name, /^web-[a-z0-9]{5}$/);
		assert.equal(slice.before, null);
		assertNewPods(slice.added, plannedNames(model, 'web'), live);
		assert.deepEqual(slice.after?.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
		assert.deepEqual(web.endpoints, {
			action: 'create',
			writer: 'endpoints-controller',
			before: null,
			after: { ready: 3, notReady: 0 },
		});
		assert.deepEqual(plan.summary, { create: 1, update: 0, delete: 0, unchanged: 0, notCompared: 0 });
		assert.equal(plan.hasChanges, true);
		assert.deepEqual(
			plan.services.map((s) => `${s.namespace}/${s.name}`),
			['shop/web'],
			'team-b is not in the files',
		);
	});

	it('the files as applied: "No changes", every slice and the Endpoints unchanged', () => {
		const live = liveFrom({ 'shop.yaml': shop }, ['shop']);
		const plan = planOf({ 'shop.yaml': shop }, live);
		const web = serviceOf(plan, 'shop', 'web');
		assert.equal(web.service, 'unchanged');
		assert.deepEqual(web.serviceChanges, []);
		assert.deepEqual(
			web.slices.map((s) => [s.action, s.name]),
			[['unchanged', live.endpointSlices[0]!.metadata!.name]],
		);
		assert.equal(web.endpoints?.action, 'unchanged');
		assert.deepEqual(web.notes, [], 'the planned pods are the live ones: nothing replaced');
		assert.equal(plan.hasChanges, false);
		assert.match(formatPlan(plan), /\nNo changes\. The EndpointSlices match the live cluster\.\n$/);
	});

	it('a scale-up adds exactly the new pods to the live slice; a scale-down removes exactly the extra ones', () => {
		const live = liveFrom({ 'shop.yaml': shop }, ['shop']);
		const liveSlice = live.endpointSlices[0]!.metadata!.name;

		const up = modelOf({ 'shop.yaml': shop.replace('replicas: 3', 'replicas: 5') });
		const upPlan = planWorkspace(up, live);
		const grown = serviceOf(upPlan, 'shop', 'web');
		assert.deepEqual(grown.slices.map((s) => [s.action, s.name, s.endpointsBefore, s.endpointsAfter]), [
			['update', liveSlice, 3, 5],
		]);
		// The new pods: the planned pods whose names are not live (the playground named the live ones as the model
		// does).
		const liveNames = new Set(live.pods.map((p) => p.metadata!.name));
		const newNames = plannedNames(up, 'web').filter((n) => !liveNames.has(n));
		assert.equal(newNames.length, 2);
		assertNewPods(grown.slices[0]!.added, newNames, live);
		assert.deepEqual(grown.slices[0]!.removed, []);
		assert.deepEqual(grown.slices[0]!.changed, []);
		assert.deepEqual(
			byPod(grown.slices[0]!.after!.endpoints!.map((e) => ({ pod: e.targetRef!.name, uid: e.targetRef!.uid })))
				.filter((e) => liveNames.has(e.pod)),
			byPod(live.pods.map((p) => ({ pod: p.metadata!.name, uid: p.metadata!.uid }))),
			'the live pods stay, the same pods',
		);
		assert.deepEqual(grown.notes, ['Deployment web keeps its 3 live pods and adds 2']);
		assert.deepEqual(grown.endpoints?.after, { ready: 5, notReady: 0 });
		assert.deepEqual(upPlan.notes, ['new pods have placeholder names and IPs: the cluster assigns them at apply']);

		// A scale-down keeps the live pod a ReplicaSet keeps: ready, then older, then first by name.
		const down = modelOf({ 'shop.yaml': shop.replace('replicas: 3', 'replicas: 1') });
		const scaleDown = (snapshot: LiveSnapshot, kept: string) => {
			const shrunk = serviceOf(planWorkspace(down, snapshot), 'shop', 'web');
			assert.deepEqual(
				shrunk.slices.map((s) => [s.action, s.endpointsBefore, s.endpointsAfter]),
				[['update', 3, 1]],
			);
			assert.deepEqual(
				byPod(shrunk.slices[0]!.removed),
				byPod(snapshot.pods.filter((p) => p.metadata!.name !== kept).map((p) => shown(p, snapshot.nodes))),
			);
			assert.deepEqual(shrunk.slices[0]!.after!.endpoints!.map((e) => e.targetRef?.name), [kept]);
			assert.deepEqual(shrunk.slices[0]!.added, []);
			assert.deepEqual(shrunk.notes, ['Deployment web keeps 1 of its 3 live pods']);
			assert.deepEqual(shrunk.endpoints?.after, { ready: 1, notReady: 0 });
		};
		// All ready and as old: the first by name.
		const first = keepOrder(live.pods)[0]!.metadata!.name!;
		assert.equal(first, [...liveNames].sort()[0]);
		scaleDown(live, first);
		// The oldest pod, though last by name.
		const last = [...liveNames].sort().at(-1)!;
		const older: LiveSnapshot = {
			...live,
			pods: live.pods.map((p) =>
				p.metadata!.name === last
					? { ...p, metadata: { ...p.metadata, creationTimestamp: '2024-12-01T00:00:00Z' } }
					: p,
			),
		};
		assert.equal(keepOrder(older.pods)[0]!.metadata!.name, last);
		scaleDown(older, last);
	});

	it('against full slices: a scale-up creates a slice, a scale-down deletes one (maxEndpointsPerSlice 2)', () => {
		const live = liveFrom({ 'shop.yaml': shop }, ['shop'], { maxEndpointsPerSlice: 2 });
		assert.deepEqual(live.endpointSlices.map((s) => s.endpoints?.length).sort(), [1, 2]);

		const five = { 'shop.yaml': shop.replace('replicas: 3', 'replicas: 5') };
		const up = planOf(five, live, { maxEndpointsPerSlice: 2 });
		const grown = serviceOf(up, 'shop', 'web');
		assert.deepEqual(grown.slices.map((s) => s.action).sort(), ['create', 'unchanged', 'unchanged']);
		const created = grown.slices.find((s) => s.action === 'create')!;
		assert.equal(created.added.length, 2);
		assert.ok(created.added.every((e) => e.newPod));
		assert.deepEqual(up.summary, { create: 1, update: 0, delete: 0, unchanged: 2, notCompared: 0 });

		const liveNames = new Set(live.pods.map((p) => p.metadata!.name));
		assertNewPods(created.added, plannedNames(modelOf(five), 'web').filter((n) => !liveNames.has(n)), live);

		const down = modelOf({ 'shop.yaml': shop.replace('replicas: 3', 'replicas: 1') });
		// The pod a ReplicaSet keeps: ready, older, then by name (here all ready and as old).
		const kept = keepOrder(live.pods)[0]!.metadata!.name;
		const shrunk = serviceOf(planWorkspace(down, live, { maxEndpointsPerSlice: 2 }), 'shop', 'web');
		const holder = live.endpointSlices.find((s) => s.endpoints!.some((e) => e.targetRef?.name === kept))!;
		const other = live.endpointSlices.find((s) => s !== holder)!;
		const actions = Object.fromEntries(shrunk.slices.map((s) => [s.name, s.action]));
		assert.deepEqual(actions, {
			[holder.metadata!.name!]: holder.endpoints!.length === 1 ? 'unchanged' : 'update',
			[other.metadata!.name!]: 'delete',
		});
		assert.deepEqual(
			shrunk.slices.flatMap((s) => s.removed.map((e) => e.pod)).sort(),
			live.pods.map((p) => p.metadata!.name).filter((n) => n !== kept).sort(),
		);
		assert.deepEqual(
			shrunk.slices.flatMap((s) => (s.after?.endpoints ?? []).map((e) => e.targetRef?.name)),
			[kept],
		);
	});

	it('a template port change rolls the pods: the slice is updated with new ports and new endpoints', () => {
		const live = liveFrom({ 'shop.yaml': shop }, ['shop']);
		const files = { 'shop.yaml': shop.replace('containerPort: 8080', 'containerPort: 9090') };
		const plan = planOf(files, live);
		const web = serviceOf(plan, 'shop', 'web');
		assert.equal(web.service, 'unchanged', 'the Service itself is the same');
		assert.equal(web.slices.length, 1);
		const slice = web.slices[0]!;
		assert.equal(slice.action, 'update');
		const liveName = live.endpointSlices[0]!.metadata!.name;
		assert.equal(slice.name, liveName, 'finalize turns create + delete into an update');
		assert.deepEqual(slice.ports, {
			before: [{ name: 'http', port: 8080, protocol: 'TCP' }],
			after: [{ name: 'http', port: 9090, protocol: 'TCP' }],
		});
		assert.deepEqual(byPod(slice.removed), byPod(live.pods.map((p) => shown(p, live.nodes))));
		// A new template, a new ReplicaSet: every pod is new, named after it.
		const names = plannedNames(modelOf(files), 'web');
		assert.equal(names.length, 3);
		assertNewPods(slice.added, names, live);
		assert.deepEqual(slice.changed, []);
		assert.deepEqual(web.notes, [
			"Deployment web's template changed: its 3 live pods are replaced by 3 new pods (a rollout)",
		]);
		assert.match(formatPlan(plan), /\n {6}ports: http 8080\/TCP → http 9090\/TCP\n/);
	});

	it("replaces the files' workloads' live pods, keeps other pods, plans live Services that select them", () => {
		const live = liveFrom({ 'shop.yaml': shop, 'canary.yaml': canary }, ['shop']);
		const canaryPod = live.pods.find((p) => p.metadata!.labels!.track === 'canary')!;
		const webPods = live.pods.filter((p) => p !== canaryPod);
		assert.equal(webPods.length, 3);
		// The model holds both files, but only shop.yaml is "the file": the canary Deployment stays as it runs.
		const labels = '      labels:\n        app: web\n';
		const edited = shop.replace(labels, `${labels}        version: v2\n`);
		assert.notEqual(edited, shop);
		const files = { 'shop.yaml': edited, 'canary.yaml': canary };
		const plan = planOf(files, live, { files: ['shop.yaml'] });
		const web = serviceOf(plan, 'shop', 'web');
		const slice = web.slices[0]!;
		assert.equal(slice.action, 'update');
		assert.deepEqual(byPod(slice.removed), byPod(webPods.map((p) => shown(p, live.nodes))));
		assertNewPods(slice.added, plannedNames(modelOf(files), 'web'), live);
		const rollout = "Deployment web's template changed: its 3 live pods are replaced by 3 new pods (a rollout)";
		assert.deepEqual(web.notes, [rollout], 'nothing about web-canary: not in the file');
		assert.ok(
			slice.after!.endpoints!.some((e) => e.targetRef?.uid === canaryPod.metadata!.uid),
			'the canary pod keeps its endpoint',
		);
		const touched = [...slice.removed, ...slice.added, ...slice.changed];
		assert.ok(!touched.some((e) => e.pod === canaryPod.metadata!.name));

		const all = serviceOf(plan, 'shop', 'web-all');
		assert.equal(all.inFiles, false);
		assert.equal(all.service, 'unchanged');
		assert.equal(all.notes[0], "not in the files: its selector picks pods of the files' workloads");
		assert.deepEqual(all.notes, ["not in the files: its selector picks pods of the files' workloads", rollout]);
		assert.deepEqual(all.slices.map((s) => [s.action, s.endpointsBefore, s.endpointsAfter]), [['update', 4, 4]]);
		assert.deepEqual(
			byPod(all.slices[0]!.removed).map((e) => e.pod),
			byPod(slice.removed).map((e) => e.pod),
			'web-all loses and gains the same pods as web',
		);
		assert.deepEqual(byPod(all.slices[0]!.added).map((e) => e.pod), byPod(slice.added).map((e) => e.pod));
		assert.deepEqual(plan.summary, { create: 0, update: 2, delete: 0, unchanged: 0, notCompared: 0 });
		assert.deepEqual(plan.services.map((s) => s.name), ['web', 'web-all']);
	});

	it('mirroring: an Endpoints object of the files against the live mirrored slice', () => {
		const live = liveFrom({ 'db.yaml': selectorless }, ['default']);
		const managedBy = (s: EndpointSlice) => s.metadata?.labels?.['endpointslice.kubernetes.io/managed-by'];
		const mirrored = live.endpointSlices.filter((s) => managedBy(s) === 'endpointslicemirroring-controller.k8s.io');
		assert.equal(mirrored.length, 1);

		const same = serviceOf(planOf({ 'db.yaml': selectorless }, live), 'default', 'legacy-db');
		assert.equal(same.source, 'mirroring');
		assert.deepEqual(same.slices.map((s) => [s.controller, s.action]), [['mirroring', 'unchanged']]);
		assert.equal(same.endpoints?.action, 'unchanged');

		const twelve = '      - ip: 192.168.10.12\n';
		const more = selectorless.replace(twelve, `${twelve}      - ip: 192.168.10.14\n`);
		const plan = planOf({ 'db.yaml': more }, live);
		const db = serviceOf(plan, 'default', 'legacy-db');
		assert.deepEqual(db.slices.map((s) => [s.controller, s.action, s.name, s.endpointsBefore, s.endpointsAfter]), [
			['mirroring', 'update', mirrored[0]!.metadata!.name, 3, 4],
		]);
		assert.deepEqual(db.slices[0]!.added, [{ addresses: ['192.168.10.14'], state: 'ready' }]);
		assert.deepEqual(db.endpoints, {
			action: 'update',
			writer: 'files',
			before: { ready: 2, notReady: 1 },
			after: { ready: 3, notReady: 1 },
		});
		assert.match(
			formatPlan(plan),
			/\n {2}~ update EndpointSlice legacy-db-[a-z0-9]{5} \(IPv4, mirrored\) · endpoints 3 → 4\n {6}\+ 192\.168\.10\.14 \(ready\)\n/,
		);
	});

	it('several namespaces, one of them unreadable: compared where read, "not compared" elsewhere', () => {
		const live = liveFrom({ 'shop.yaml': shop, 'team-b.yaml': teamB }, ['shop', 'team-b']);
		const files = { 'shop.yaml': shop.replace('replicas: 3', 'replicas: 4'), 'team-b.yaml': teamB };
		const both = planOf(files, live);
		assert.deepEqual(both.namespaces, ['shop', 'team-b']);
		assert.deepEqual(
			both.services.map((s) => [s.namespace, s.name, s.changed]),
			[
				['shop', 'web', true],
				['team-b', 'api', false],
			],
		);

		const partial: LiveSnapshot = {
			...live,
			namespaces: ['shop'],
			services: live.services.filter((s) => s.metadata?.namespace === 'shop'),
			pods: live.pods.filter((p) => p.metadata?.namespace === 'shop'),
			endpointSlices: live.endpointSlices.filter((s) => s.metadata?.namespace === 'shop'),
			endpoints: live.endpoints.filter((e) => e.metadata?.namespace === 'shop'),
			unreadable: [{ namespace: 'team-b', reason: 'forbidden' }],
		};
		const plan = planOf(files, partial);
		const api = serviceOf(plan, 'team-b', 'api');
		assert.equal(api.service, 'unknown');
		assert.deepEqual(api.slices, []);
		assert.deepEqual(api.notes, ['namespace team-b could not be read: forbidden']);
		assert.equal(serviceOf(plan, 'shop', 'web').changed, true);
		assert.deepEqual(plan.summary, { create: 0, update: 1, delete: 0, unchanged: 0, notCompared: 1 });
		const text = formatPlan(plan);
		assert.match(text, /\n\? Service team-b\/api: not compared\n {4}namespace team-b could not be read: forbidden\n/);
		assert.match(text, /\nPlan: 0 to create, 1 to update, 0 to delete\. 1 Service not compared\.\n$/);
	});

	it('compares semantically: server-set fields and key order of live slices never make an update', () => {
		const live = liveFrom({ 'shop.yaml': shop }, ['shop']);
		const noisy: LiveSnapshot = {
			...live,
			endpointSlices: live.endpointSlices.map((s) => {
				const reordered = reversedKeys(s);
				return {
					...reordered,
					metadata: {
						...reordered.metadata,
						resourceVersion: '987654',
						generation: 7,
						managedFields: [{ manager: 'kube-controller-manager', operation: 'Update' }],
						annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': '2024-01-01T00:00:00Z' },
					} as EndpointSlice['metadata'],
					endpoints: s.endpoints!.map((e) => ({
						...e,
						targetRef: { ...e.targetRef, resourceVersion: '42' },
					})),
				};
			}),
		};
		const plan = planOf({ 'shop.yaml': shop }, noisy);
		assert.equal(plan.hasChanges, false);
		const { before, after } = planYaml(plan);
		assert.equal(before, after, 'the diff editor shows nothing');
		const noise = ['resourceVersion', 'managedFields', 'generation', 'creationTimestamp', 'last-change-trigger-time'];
		for (const field of noise) {
			assert.ok(!before.includes(field), field);
		}
		assert.match(before, /^apiVersion: discovery\.k8s\.io\/v1\nkind: EndpointSlice\nmetadata:\n {2}name: web-/);
	});
});

describe("planWorkspace against a real cluster's pods", () => {
	it('its own pod names, hash, uids and IPs: the files as applied are "No changes"; a scale-up adds 2', () => {
		const playground = liveFrom({ 'shop.yaml': shop }, ['shop']);
		const live = asRealCluster(playground);
		const model = modelOf({ 'shop.yaml': shop });
		const liveNames = live.pods.map((p) => p.metadata!.name!);
		assert.ok(!liveNames.some((n) => plannedNames(model, 'web').includes(n)), 'no live pod has a planned name');
		assert.ok(!live.pods.some((p) => playground.pods.some((q) => q.metadata!.uid === p.metadata!.uid)));

		const same = planWorkspace(model, live);
		assert.equal(same.hasChanges, false, formatPlan(same));
		assert.deepEqual(serviceOf(same, 'shop', 'web').notes, []);
		assert.equal(serviceOf(same, 'shop', 'web').endpoints?.action, 'unchanged');
		assert.deepEqual(same.notes, []);

		// 3 → 5: the first two planned pods (none of the planned names is live), with IPs no live pod holds even when
		// the live pods hold the very IPs the plan would otherwise give them.
		const up = modelOf({ 'shop.yaml': shop.replace('replicas: 3', 'replicas: 5') });
		const newNames = plannedNames(up, 'web').slice(0, 2);
		const first = serviceOf(planWorkspace(up, live), 'shop', 'web').slices[0]!;
		assertNewPods(first.added, newNames, live);
		const crowded = asRealCluster(playground, first.added.map((e) => e.addresses[0]!));
		assert.deepEqual(
			crowded.pods.slice(0, 2).map((p) => p.status!.podIP),
			first.added.map((e) => e.addresses[0]),
		);
		const web = serviceOf(planWorkspace(up, crowded), 'shop', 'web');
		assert.deepEqual(web.slices.map((s) => [s.action, s.endpointsBefore, s.endpointsAfter]), [['update', 3, 5]]);
		assertNewPods(web.slices[0]!.added, newNames, crowded);
		assert.deepEqual(web.slices[0]!.removed, []);
		assert.deepEqual(web.slices[0]!.changed, []);
		assert.deepEqual(web.notes, ['Deployment web keeps its 3 live pods and adds 2']);
	});

	// Hand-written live state: nodes named as a real cluster names them (not like the model's synthetic nodes).
	const zoneLabel = 'topology.kubernetes.io/zone';
	const workers: Node[] = ['a', 'b', 'c'].map((x) => ({
		apiVersion: 'v1',
		kind: 'Node',
		metadata: { name: `worker-${x}`, labels: { [zoneLabel]: `zone-${x}` } },
		status: { conditions: [{ type: 'Ready', status: 'True' }] },
	}));
	const livePod = (
		name: string,
		node: string,
		ip: string,
		owner: { kind: string; name: string },
		labels: Record<string, string>,
		container: { name: string; port: { name?: string; containerPort: number } },
		deleting = false,
	): Pod => ({
		apiVersion: 'v1',
		kind: 'Pod',
		metadata: {
			name,
			namespace: 'shop',
			uid: `uid-${name}`,
			creationTimestamp: '2024-01-01T00:00:00Z',
			...(deleting ? { deletionTimestamp: '2024-01-02T00:00:00Z' } : {}),
			labels,
			ownerReferences: [{ apiVersion: 'apps/v1', ...owner, uid: `uid-${owner.name}`, controller: true }],
		},
		// As the API server stores it: the port's protocol defaulted.
		spec: {
			nodeName: node,
			containers: [{ name: container.name, ports: [{ ...container.port, protocol: 'TCP' }] }],
		},
		status: {
			phase: 'Running',
			podIP: ip,
			podIPs: [{ ip }],
			conditions: [{ type: 'Ready', status: deleting ? 'False' : 'True' }],
		},
	});
	const snapshot = (pods: Pod[]): LiveSnapshot => ({
		context: 'real',
		namespaces: ['shop'],
		services: [],
		pods,
		nodes: workers,
		endpointSlices: [],
		endpoints: [],
	});

	it('a DaemonSet keeps a pod per live node; the pod it adds takes no IP a kept pod holds', () => {
		const files = {
			'agent.yaml': `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: shop
spec:
  selector:
    matchLabels:
      app: agent
  template:
    metadata:
      labels:
        app: agent
    spec:
      containers:
        - name: agent
          ports:
            - name: metrics
              containerPort: 9100
---
apiVersion: v1
kind: Service
metadata:
  name: agent
  namespace: shop
spec:
  selector:
    app: agent
  ports:
    - port: 9100
`,
		};
		const agent = (name: string, node: string, ip: string) =>
			livePod(
				name,
				node,
				ip,
				{ kind: 'DaemonSet', name: 'agent' },
				{ app: 'agent', 'controller-revision-hash': '7b9d5c', 'pod-template-generation': '4' },
				{ name: 'agent', port: { name: 'metrics', containerPort: 9100 } },
			);
		const plan = (ipA: string) => {
			const live = snapshot([
				agent('agent-k2x9q', 'worker-a', ipA),
				agent('agent-p8w4z', 'worker-b', '10.244.1.7'),
			]);
			const svc = serviceOf(planOf(files, live), 'shop', 'agent');
			assert.deepEqual(svc.notes, [
				'the Service is not in the cluster yet',
				'DaemonSet agent keeps its 2 live pods and adds 1',
			]);
			assert.deepEqual(svc.slices.map((s) => [s.action, s.endpointsAfter]), [['create', 3]]);
			const added = svc.slices[0]!.added;
			assert.deepEqual(
				byPod(added.filter((e) => !e.newPod)).map((e) => [e.pod, e.nodeName, e.addresses]),
				[
					['agent-k2x9q', 'worker-a', [ipA]],
					['agent-p8w4z', 'worker-b', ['10.244.1.7']],
				],
			);
			const fresh = added.filter((e) => e.newPod);
			assert.equal(fresh.length, 1);
			assert.equal(fresh[0]!.nodeName, 'worker-c');
			assert.match(fresh[0]!.pod!, /^agent-[a-z0-9]{5}$/);
			assertNewPods(fresh, [fresh[0]!.pod!], live);
			return fresh[0]!.addresses[0]!;
		};
		// Whatever IP the new pod gets, a live pod of the DaemonSet holding it makes the plan pick another.
		const ip = plan('10.244.1.5');
		assert.notEqual(plan(ip), ip);
	});

	it('terminating pods are not counted as live pods the workload keeps', () => {
		const files = {
			'web.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: REPLICAS
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: nginx
          ports:
            - name: http
              containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: http
`,
		};
		const web = (name: string, ip: string, deleting = false) =>
			livePod(
				`web-7c5d8b9f6d-${name}`,
				'worker-a',
				ip,
				{ kind: 'ReplicaSet', name: 'web-7c5d8b9f6d' },
				{ app: 'web', 'pod-template-hash': '7c5d8b9f6d' },
				{ name: 'nginx', port: { name: 'http', containerPort: 8080 } },
				deleting,
			);
		const withReplicas = (replicas: number) => ({
			'web.yaml': files['web.yaml'].replace('REPLICAS', String(replicas)),
		});
		const planned = (replicas: number, pods: Pod[]) =>
			serviceOf(planOf(withReplicas(replicas), snapshot(pods)), 'shop', 'web');
		const going = web('old11', '10.244.1.2', true);
		const [a, b] = [web('aaaaa', '10.244.1.3'), web('bbbbb', '10.244.1.4')];

		// Only a terminating pod: it stays until it is gone, and the 2 replicas are new pods.
		const only = planned(2, [going]);
		assert.deepEqual(only.notes, [
			'the Service is not in the cluster yet',
			'Deployment web has no live pods yet: 2 new pods',
		]);
		const added = only.slices[0]!.added;
		assert.deepEqual(
			added.filter((e) => !e.newPod).map((e) => [e.pod, e.state]),
			[[going.metadata!.name, 'terminating, not serving']],
		);
		const live = snapshot([going]);
		assertNewPods(added.filter((e) => e.newPod), plannedNames(modelOf(withReplicas(2)), 'web'), live);

		// 2 running and 1 terminating: 3 replicas add 1 pod, 1 replica keeps 1 of the 2 running ones.
		const up = planned(3, [going, a, b]);
		assert.deepEqual(up.notes, [
			'the Service is not in the cluster yet',
			'Deployment web keeps its 2 live pods and adds 1',
		]);
		assert.deepEqual(up.slices.map((s) => s.endpointsAfter), [4]);
		const down = planned(1, [going, a, b]);
		assert.deepEqual(down.notes, [
			'the Service is not in the cluster yet',
			'Deployment web keeps 1 of its 2 live pods',
		]);
		assert.deepEqual(
			down.slices[0]!.added.map((e) => [e.pod, e.state]).sort(),
			[
				[a.metadata!.name, 'ready'],
				[going.metadata!.name, 'terminating, not serving'],
			].sort(),
		);
	});
});

describe('formatPlan', () => {
	const node: Node = {
		apiVersion: 'v1',
		kind: 'Node',
		metadata: { name: 'node-a', labels: { 'topology.kubernetes.io/zone': 'zone-a' } },
	};
	const service: Service = {
		apiVersion: 'v1',
		kind: 'Service',
		metadata: { name: 'web', namespace: 'shop', uid: 'svc-uid', creationTimestamp: '2024-05-01T00:00:00Z' },
		spec: {
			type: 'ClusterIP',
			selector: { app: 'web' },
			clusterIP: '10.96.0.10',
			clusterIPs: ['10.96.0.10'],
			ipFamilies: ['IPv4'],
			ipFamilyPolicy: 'SingleStack',
			ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
		},
	};
	const pod = (name: string, ip: string, ready: boolean): Pod => ({
		apiVersion: 'v1',
		kind: 'Pod',
		metadata: { name, namespace: 'shop', uid: `uid-${name}`, labels: { app: 'web' } },
		spec: { nodeName: 'node-a', containers: [{ name: 'main', ports: [{ containerPort: 8080 }] }] },
		status: {
			phase: 'Running',
			podIP: ip,
			podIPs: [{ ip }],
			conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
		},
	});
	const endpoint = (p: Pod) => ({
		addresses: [p.status!.podIP!],
		conditions: { ready: true, serving: true, terminating: false },
		nodeName: 'node-a',
		zone: 'zone-a',
		targetRef: { kind: 'Pod', namespace: 'shop', name: p.metadata!.name!, uid: p.metadata!.uid! },
	});
	const web1 = pod('web-1', '10.0.0.1', true);
	const web2 = pod('web-2', '10.0.0.2', false);
	const liveSlice: EndpointSlice = {
		apiVersion: 'discovery.k8s.io/v1',
		kind: 'EndpointSlice',
		metadata: {
			name: 'web-abc12',
			namespace: 'shop',
			resourceVersion: '12',
			labels: {
				'kubernetes.io/service-name': 'web',
				'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
			},
			ownerReferences: [
				{
					apiVersion: 'v1',
					kind: 'Service',
					name: 'web',
					uid: 'svc-uid',
					controller: true,
					blockOwnerDeletion: true,
				},
			],
		},
		addressType: 'IPv4',
		// web-2 was ready when the slice was written.
		endpoints: [endpoint(web1), endpoint(web2)],
		ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
	};
	const live: LiveSnapshot = {
		context: 'test',
		namespaces: ['shop'],
		services: [service],
		pods: [web1, web2],
		nodes: [node],
		endpointSlices: [liveSlice],
		endpoints: [],
	};
	const files = {
		'web.yaml': `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector:
    app: web
  ports:
    - name: http
      port: 80
      targetPort: 8080
---
apiVersion: v1
kind: Pod
metadata:
  name: web-3
  namespace: shop
  labels:
    app: web
spec:
  nodeName: node-a
  containers:
    - name: main
      ports:
        - containerPort: 8080
status:
  phase: Running
  podIP: 10.0.0.3
  podIPs:
    - ip: 10.0.0.3
  conditions:
    - type: Ready
      status: "True"
`,
	};

	it('prints the Service, the slice write with endpoint detail, the Endpoints change and the summary', () => {
		const plan = planOf(files, live);
		assert.deepEqual(formatPlan(plan).split('\n'), [
			'Plan against context "test" · namespaces: shop',
			'',
			'Service shop/web · endpoints 2 → 3',
			'    Pod web-3 is not in the cluster yet',
			'  ~ update EndpointSlice web-abc12 (IPv4) · endpoints 2 → 3',
			'      + 10.0.0.3 web-3 (ready, new pod)',
			'      ~ 10.0.0.2 web-2: ready → not ready',
			'    v1 Endpoints: create · addresses 0 → 3 (ready 0 → 2)',
			'',
			'Notes:',
			'  new pods have placeholder names and IPs: the cluster assigns them at apply',
			'',
			'Plan: 0 to create, 1 to update, 0 to delete.',
			'',
		]);
	});

	it('a changed Service, an unchanged one, and a file with nothing to plan', () => {
		const relabelled = files['web.yaml'].replace(
			'  namespace: shop\nspec:',
			'  namespace: shop\n  labels:\n    team: a\nspec:',
		);
		assert.notEqual(relabelled, files['web.yaml']);
		const text = formatPlan(planOf({ 'web.yaml': relabelled }, live)).split('\n');
		assert.deepEqual(text.slice(2, 8), [
			'Service shop/web (changed: metadata.labels) · endpoints 2 → 3',
			'    Pod web-3 is not in the cluster yet',
			'  ~ update EndpointSlice web-abc12 (IPv4) · endpoints 2 → 3',
			'      labels: + team=a',
			'      + 10.0.0.3 web-3 (ready, new pod)',
			'      ~ 10.0.0.2 web-2: ready → not ready',
		]);

		const serviceOnly = files['web.yaml'].slice(0, files['web.yaml'].indexOf('---'));
		const readyAgain: LiveSnapshot = { ...live, pods: [web1, pod('web-2', '10.0.0.2', true)] };
		const same = formatPlan(planOf({ 'web.yaml': serviceOnly }, readyAgain)).split('\n');
		assert.deepEqual(same.slice(2, 4), [
			'Service shop/web: no changes · 1 slice, 2 endpoints',
			'    v1 Endpoints: create · addresses 0 → 2 (ready 0 → 2)',
		]);
		assert.equal(same.at(-2), 'No changes. The EndpointSlices match the live cluster.');

		const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n';
		const empty = formatPlan(planOf({ 'cm.yaml': configMap }, live));
		assert.equal(
			empty,
			'Plan against context "test"\n\n' +
				'No Services in these files, and no live Service selects pods of their workloads.\n\n' +
				'No changes. The EndpointSlices match the live cluster.\n',
		);
	});
});

describe('planYaml', () => {
	it('before and after in a stable order, without noise, so a diff shows the endpoint changes only', () => {
		const live = liveFrom({ 'shop.yaml': shop, 'team-b.yaml': teamB }, ['shop', 'team-b']);
		const files = { 'team-b.yaml': teamB, 'shop.yaml': shop.replace('replicas: 3', 'replicas: 5') };
		const first = planYaml(planOf(files, live));
		const again = planYaml(planOf({ 'shop.yaml': files['shop.yaml'], 'team-b.yaml': teamB }, live));
		assert.deepEqual(again, first, 'the same plan gives the same text, whatever the file order');

		const docs = (text: string) => parseAllDocuments(text).map((d) => d.toJSON() as EndpointSlice);
		const before = docs(first.before);
		const after = docs(first.after);
		assert.deepEqual(
			before.map((s) => `${s.metadata?.namespace}/${s.metadata?.name}`),
			after.map((s) => `${s.metadata?.namespace}/${s.metadata?.name}`),
			'one document per slice, aligned',
		);
		assert.deepEqual(before.map((s) => s.metadata?.namespace), ['shop', 'team-b']);
		assert.deepEqual(before.map((s) => s.endpoints?.length), [3, 2]);
		assert.deepEqual(after.map((s) => s.endpoints?.length), [5, 2]);
		const addresses = after[0]!.endpoints!.map((e) => e.addresses[0]!);
		assert.deepEqual(addresses, [...addresses].sort(), 'endpoints sorted by address');
		assert.equal(
			first.after.split('---')[1],
			first.before.split('---')[1],
			'the unchanged slice is byte-for-byte the same on both sides',
		);
		assert.ok(!first.after.includes('last-change-trigger-time'));
	});
});

describe('inferClusterProfile', () => {
	it('reads the families from node pod CIDRs, else pod IPs, else Service IPs', () => {
		const base: LiveSnapshot = {
			context: 'x',
			namespaces: [],
			services: [],
			pods: [],
			nodes: [],
			endpointSlices: [],
			endpoints: [],
		};
		assert.deepEqual(inferClusterProfile(base), {});
		assert.deepEqual(
			inferClusterProfile({
				...base,
				nodes: [{ metadata: { name: 'n' }, spec: { podCIDRs: ['fd00:1::/64', '10.1.0.0/24'] } }],
			}),
			{ primaryFamily: 'IPv6', dualStack: true },
		);
		const v4pod = { metadata: { name: 'p' }, status: { podIP: '10.0.0.1', podIPs: [{ ip: '10.0.0.1' }] } } as Pod;
		assert.deepEqual(inferClusterProfile({ ...base, pods: [v4pod] }), { primaryFamily: 'IPv4', dualStack: false });
		const v6svc = { metadata: { name: 's' }, spec: { clusterIP: 'fd00::10', clusterIPs: ['fd00::10'] } } as Service;
		assert.deepEqual(inferClusterProfile({ ...base, services: [v6svc] }), {
			primaryFamily: 'IPv6',
			dualStack: false,
		});
	});
});

describe('plan of Endpoints only (selector-less Service live, Endpoints in the files)', () => {
	it('plans the live Service with the files\' Endpoints', () => {
		const live = liveFrom({ 'db.yaml': selectorless }, ['default']);
		const endpointsOnly = selectorless.slice(selectorless.indexOf('apiVersion: v1\nkind: Endpoints'));
		const edited = endpointsOnly.replace('    notReadyAddresses:\n      - ip: 192.168.10.13\n', '');
		const plan = planOf({ 'ep.yaml': edited }, live);
		const db = serviceOf(plan, 'default', 'legacy-db');
		assert.equal(db.inFiles, false);
		assert.equal(db.notes[0], 'not in the files: its Endpoints object is');
		assert.deepEqual(db.slices.map((s) => [s.action, s.endpointsBefore, s.endpointsAfter]), [['update', 3, 2]]);
		assert.deepEqual(db.slices[0]!.removed, [{ addresses: ['192.168.10.13'], state: 'not ready' }]);
		assert.deepEqual(db.endpoints, {
			action: 'update',
			writer: 'files',
			before: { ready: 2, notReady: 1 },
			after: { ready: 2, notReady: 0 },
		});
	});
});

describe('planNamespaces', () => {
	it('the namespaces of the Services, Endpoints and workloads of the files', () => {
		const model = modelOf({ 'shop.yaml': shop, 'team-b.yaml': teamB, 'db.yaml': selectorless });
		assert.deepEqual(planNamespaces(model), ['default', 'shop', 'team-b']);
		assert.deepEqual(planNamespaces(model, ['team-b.yaml']), ['team-b']);
		assert.deepEqual(planNamespaces(model, ['db.yaml']), ['default']);
		assert.deepEqual(planNamespaces(model, []), []);
	});
});
