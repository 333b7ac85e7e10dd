/**
 * `core/analysis/livePods.ts`: which workspace workload runs a live pod (`workloadOwningLivePod`), whether a live pod
 * runs what a template would (`samePodTemplate`), and what applying the workloads does to the live pods
 * (`desiredPods`): an unchanged template keeps the live pods and scales (ReplicaSet order, StatefulSet ordinals,
 * DaemonSet nodes), a changed one is a rollout.
 *
 * Workloads come from manifests through the workspace model. Live pods are the model's pods of a manifest ("as the
 * cluster runs it"), then edited where a case needs it: a real cluster's own names, hash, readiness, age, deletion.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WorkloadPods } from '../../src/core/analysis/livePods';
import { desiredPods, samePodTemplate, workloadOwningLivePod } from '../../src/core/analysis/livePods';
import type { ContainerPort, Pod } from '../../src/core/k8s/types';
import type { WorkloadModel } from '../../src/core/manifests/workspace';
import { buildWorkspaceModel } from '../../src/core/manifests/workspace';

// ---------------------------------------------------------------------------------------------------------------
// Manifests

const deployment = (replicas: number, labels = 'app: web', port = 8080) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        ${labels}
    spec:
      containers:
        - name: nginx
          image: nginx:1.27
          ports:
            - name: http
              containerPort: ${port}
`;

const statefulSet = (replicas: number) => `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: shop
spec:
  replicas: ${replicas}
  serviceName: db
  selector:
    matchLabels:
      app: db
  template:
    metadata:
      labels:
        app: db
    spec:
      containers:
        - name: db
          ports:
            - containerPort: 5432
`;

const daemonSet = `apiVersion: apps/v1
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
`;

const job = `apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  namespace: shop
spec:
  template:
    metadata:
      labels:
        app: migrate
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
`;

const cronJob = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: report
  namespace: shop
spec:
  schedule: "*/5 * * * *"
  jobTemplate:
    spec:
      template:
        metadata:
          labels:
            app: report
        spec:
          restartPolicy: Never
          containers:
            - name: report
`;

const barePod = (labels = 'app: debug') => `apiVersion: v1
kind: Pod
metadata:
  name: debug
  namespace: shop
  labels:
    ${labels}
spec:
  containers:
    - name: shell
      ports:
        - containerPort: 7000
`;

// ---------------------------------------------------------------------------------------------------------------
// Helpers

function workloadsOf(...texts: string[]): WorkloadModel[] {
	const model = buildWorkspaceModel([{ path: 'w.yaml', text: texts.join('---\n') }]);
	assert.deepEqual(model.diagnostics.filter((d) => d.severity === 'error'), [], 'the manifests are valid');
	return model.workloads;
}

function workloadOf(text: string): WorkloadModel {
	const [w] = workloadsOf(text);
	assert.ok(w);
	return w;
}

/** The pods a workload runs once applied (what the playground would run): the live pods of a cluster. */
function liveOf(text: string): Pod[] {
	return structuredClone(workloadOf(text).pods);
}

function names(pods: readonly Pod[]): string[] {
	return pods.map((p) => p.metadata!.name!);
}

/** Pods by name: the order a ReplicaSet keeps pods in when they are all ready and as old. */
function byName(pods: readonly Pod[]): Pod[] {
	return [...pods].sort((a, b) => a.metadata!.name!.localeCompare(b.metadata!.name!));
}

function edit(pod: Pod, change: (p: Pod) => void): Pod {
	const p = structuredClone(pod);
	change(p);
	return p;
}

function notReady(pod: Pod): Pod {
	return edit(pod, (p) => {
		p.status!.conditions = (p.status!.conditions ?? []).map((c) =>
			c.type === 'Ready' ? { ...c, status: 'False' } : c,
		);
	});
}

function terminating(pod: Pod): Pod {
	return edit(pod, (p) => {
		p.metadata!.deletionTimestamp = '2025-01-01T00:05:00Z';
	});
}

function createdAt(pod: Pod, time: string): Pod {
	return edit(pod, (p) => {
		p.metadata!.creationTimestamp = time;
	});
}

/**
 * The Deployment's pods as a real cluster would run them: a pod-template-hash of its own (so names and owner differ
 * from the simulation's), its own uids.
 */
function asRealCluster(pods: readonly Pod[], hash = '6d4cf56db6'): Pod[] {
	return pods.map((pod, i) =>
		edit(pod, (p) => {
			const simulated = p.metadata!.labels!['pod-template-hash']!;
			p.metadata!.name = p.metadata!.name!.replace(simulated, hash);
			p.metadata!.uid = `real-uid-${i}`;
			p.metadata!.labels!['pod-template-hash'] = hash;
			p.metadata!.ownerReferences = p.metadata!.ownerReferences!.map((o) => ({
				...o,
				name: o.name.replace(simulated, hash),
				uid: 'real-rs-uid',
			}));
		}),
	);
}

/** The one entry of `byWorkload`, checked to be for `w`. */
function only(byWorkload: readonly WorkloadPods[], w: WorkloadModel): WorkloadPods {
	assert.equal(byWorkload.length, 1);
	assert.equal(byWorkload[0]!.workload, w);
	return byWorkload[0]!;
}

// ---------------------------------------------------------------------------------------------------------------

describe('workloadOwningLivePod', () => {
	const [web, db, agent, migrate, report, debug] = workloadsOf(
		deployment(2),
		statefulSet(1),
		daemonSet,
		job,
		cronJob,
		barePod(),
	);
	const owned = (pod: Pod, kind: string, name: string, controller = true): Pod =>
		edit(pod, (p) => {
			p.metadata!.ownerReferences = [{ apiVersion: 'v1', kind, name, uid: 'u', controller }];
		});
	const pod = (name: string, labels: Record<string, string> = {}, namespace = 'shop'): Pod => ({
		apiVersion: 'v1',
		kind: 'Pod',
		metadata: { name, namespace, uid: `uid-${name}`, labels },
	});
	const all = [web!, db!, agent!, migrate!, report!, debug!];

	it('the model pods of each workload are its own', () => {
		for (const w of all) {
			assert.ok(w.pods.length > 0, w.name);
			for (const p of w.pods) {
				assert.equal(workloadOwningLivePod(p, all), w, `${w.kind} ${w.name}: ${p.metadata?.name}`);
			}
		}
	});

	it("a ReplicaSet pod belongs to the Deployment named by its owner and hash (a real cluster's hash too)", () => {
		const labels = { app: 'web', 'pod-template-hash': '6d4cf56db6' };
		const real = owned(pod('web-6d4cf56db6-abcde', labels), 'ReplicaSet', 'web-6d4cf56db6');
		assert.equal(workloadOwningLivePod(real, all), web);
		// The hash label names another ReplicaSet than the owner: not this Deployment's.
		const mismatch = owned(pod('web-x-abcde', { 'pod-template-hash': 'aaaa' }), 'ReplicaSet', 'web-bbbb');
		assert.equal(workloadOwningLivePod(mismatch, all), undefined);
		// No hash label: `<deployment>-<one segment>`, so web-canary-<hash> is not web's.
		assert.equal(workloadOwningLivePod(owned(pod('p1'), 'ReplicaSet', 'web-5d9f8'), all), web);
		assert.equal(workloadOwningLivePod(owned(pod('p2'), 'ReplicaSet', 'web-canary-5d9f8'), all), undefined);
		// Same names in another namespace: not the files' workload.
		assert.equal(workloadOwningLivePod(edit(real, (p) => (p.metadata!.namespace = 'other')), all), undefined);
	});

	it('a ReplicaSet of the files owns its pods by name', () => {
		const rs = workloadOf(`apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: cache
  namespace: shop
spec:
  replicas: 1
  selector:
    matchLabels:
      app: cache
  template:
    metadata:
      labels:
        app: cache
    spec:
      containers:
        - name: c
`);
		const withRs = [rs, ...all];
		assert.equal(workloadOwningLivePod(owned(pod('cache-abcde'), 'ReplicaSet', 'cache'), withRs), rs);
		assert.equal(workloadOwningLivePod(owned(pod('cache-abcde'), 'ReplicaSet', 'cache-2'), withRs), undefined);
	});

	it('StatefulSet and DaemonSet pods belong to the workload of that kind and name only', () => {
		assert.equal(workloadOwningLivePod(owned(pod('db-0'), 'StatefulSet', 'db'), all), db);
		assert.equal(workloadOwningLivePod(owned(pod('agent-xyz12'), 'DaemonSet', 'agent'), all), agent);
		assert.equal(workloadOwningLivePod(owned(pod('db-abcde'), 'DaemonSet', 'db'), all), undefined);
		assert.equal(workloadOwningLivePod(owned(pod('agent-0'), 'StatefulSet', 'agent'), all), undefined);
	});

	it('Job pods belong to the Job, or to the CronJob whose scheduled Job (`<cronjob>-<minutes>`) runs them', () => {
		assert.equal(workloadOwningLivePod(owned(pod('migrate-abcde'), 'Job', 'migrate'), all), migrate);
		assert.equal(workloadOwningLivePod(owned(pod('report-28900000-abcde'), 'Job', 'report-28900000'), all), report);
		// A Job created by hand from the CronJob (`kubectl create job --from`) is not a scheduled one.
		assert.equal(workloadOwningLivePod(owned(pod('report-manual-abcde'), 'Job', 'report-manual'), all), undefined);
		assert.equal(workloadOwningLivePod(owned(pod('report-abcde'), 'Job', 'report'), all), undefined);
	});

	it('a pod without a controller is the bare Pod of that name; other controllers are not the files\'', () => {
		assert.equal(workloadOwningLivePod(pod('debug'), all), debug);
		assert.equal(workloadOwningLivePod(pod('debug', {}, 'other'), all), undefined);
		assert.equal(workloadOwningLivePod(pod('debug-2'), all), undefined);
		// An owner that is not the controller does not count: still the bare Pod of that name.
		assert.equal(workloadOwningLivePod(owned(pod('debug'), 'Deployment', 'web', false), all), debug);
		// A controller of the files' kind is needed: a bare Pod's name does not match a controlled pod.
		assert.equal(workloadOwningLivePod(owned(pod('debug'), 'Rollout', 'debug'), all), undefined);
		assert.equal(workloadOwningLivePod(owned(pod('web-1'), 'Deployment', 'web'), all), undefined);
	});
});

describe('samePodTemplate', () => {
	const [planned] = workloadOf(deployment(1)).pods;
	const live = planned!;

	it('the same labels apart from those the controllers add, and the same declared ports', () => {
		assert.ok(samePodTemplate(live, planned!));
		const generated = edit(live, (p) => {
			Object.assign(p.metadata!.labels!, {
				'pod-template-hash': 'other',
				'controller-revision-hash': 'x',
				'statefulset.kubernetes.io/pod-name': 'x-0',
				'apps.kubernetes.io/pod-index': '0',
				'pod-template-generation': '4',
				'batch.kubernetes.io/controller-uid': 'u',
				'batch.kubernetes.io/job-name': 'j',
				'controller-uid': 'u',
				'job-name': 'j',
				'batch.kubernetes.io/job-completion-index': '0',
			});
		});
		assert.ok(samePodTemplate(generated, planned!));
		// Not what endpoints see: image, annotations.
		const other = edit(live, (p) => {
			p.spec!.containers![0]!.image = 'nginx:1.28';
			p.metadata!.annotations = { note: 'x' };
		});
		assert.ok(samePodTemplate(other, planned!));
	});

	it('a label added, removed or changed differs', () => {
		assert.ok(!samePodTemplate(edit(live, (p) => (p.metadata!.labels!.version = 'v2')), planned!));
		assert.ok(!samePodTemplate(edit(live, (p) => delete p.metadata!.labels!.app), planned!));
		assert.ok(!samePodTemplate(edit(live, (p) => (p.metadata!.labels!.app = 'web2')), planned!));
	});

	it('a declared port changed (number, name, protocol, container, one more) differs; their order does not', () => {
		const port = (change: (p: ContainerPort) => void) =>
			edit(live, (p) => change(p.spec!.containers![0]!.ports![0]!));
		assert.ok(!samePodTemplate(port((p) => (p.containerPort = 9090)), planned!));
		assert.ok(!samePodTemplate(port((p) => (p.name = 'web')), planned!));
		assert.ok(!samePodTemplate(port((p) => (p.protocol = 'UDP')), planned!));
		assert.ok(!samePodTemplate(edit(live, (p) => (p.spec!.containers![0]!.name = 'main')), planned!));
		const two = edit(live, (p) => p.spec!.containers![0]!.ports!.push({ name: 'admin', containerPort: 9000 }));
		assert.ok(!samePodTemplate(two, planned!));
		const swapped = edit(two, (p) => p.spec!.containers![0]!.ports!.reverse());
		assert.ok(samePodTemplate(swapped, two));
	});
});

describe('desiredPods', () => {
	describe('Deployment (ReplicaSet order)', () => {
		it('an unchanged template keeps the live pods as they are: nothing added or removed', () => {
			const live = liveOf(deployment(3));
			const w = workloadOf(deployment(3));
			const d = desiredPods(live, [w]);
			const kept = byName(live);
			assert.deepEqual(d.pods, kept);
			assert.ok(d.pods.every((p, i) => p === kept[i]), 'the live objects themselves');
			assert.deepEqual(d.kept, kept);
			assert.deepEqual(d.replaced, []);
			assert.deepEqual(d.added, []);
			assert.deepEqual(only(d.byWorkload, w), {
				workload: w,
				live,
				kept,
				removed: [],
				added: [],
				rollout: false,
			});
		});

		it("on a real cluster (its own hash, names, uids) too: the template is the same for endpoints", () => {
			const live = asRealCluster(liveOf(deployment(3)));
			const w = workloadOf(deployment(3));
			assert.ok(!names(live).some((n) => names(w.pods).includes(n)), 'no live name is a planned one');
			const d = desiredPods(live, [w]);
			assert.deepEqual(d.pods, byName(live));
			assert.deepEqual(d.added, []);
			assert.deepEqual(d.replaced, []);
		});

		it('a scale-up adds exactly the planned pods that are not live, in planned order', () => {
			const live = liveOf(deployment(3));
			const w = workloadOf(deployment(5));
			const d = desiredPods(live, [w]);
			assert.deepEqual(names(d.added), names(w.pods).slice(3), 'the index-3 and index-4 pods');
			assert.equal(d.added.length, 2);
			assert.ok(d.added.every((p) => w.pods.includes(p)));
			assert.deepEqual(d.kept, byName(live));
			assert.deepEqual(d.replaced, []);
			assert.deepEqual(d.pods, [...byName(live), ...d.added]);

			// The live pods' names are not the planned ones (a real cluster): the first two planned pods are added.
			const real = asRealCluster(live);
			const r = desiredPods(real, [w]);
			assert.deepEqual(names(r.added), names(w.pods).slice(0, 2));
			assert.deepEqual(r.kept, byName(real));

			// A live pod with a later planned name: that planned pod is not added again.
			const renamed = edit(live[2]!, (p) => (p.metadata!.name = w.pods[4]!.metadata!.name));
			const shuffled = [live[0]!, live[1]!, renamed];
			const s = desiredPods(shuffled, [w]);
			assert.deepEqual(names(s.added), names([w.pods[2]!, w.pods[3]!]));
		});

		it('a scale-down keeps ready pods first, then older ones, then by name', () => {
			const live = liveOf(deployment(3));
			const byName = [...live].sort((a, b) => a.metadata!.name!.localeCompare(b.metadata!.name!));
			const [a, b, c] = byName as [Pod, Pod, Pod];
			const check = (pods: Pod[], replicas: number, keep: Pod[]) => {
				const w = workloadOf(deployment(replicas));
				const d = desiredPods(pods, [w]);
				const e = only(d.byWorkload, w);
				assert.deepEqual(names(e.kept).sort(), names(keep).sort());
				assert.deepEqual(names(e.removed).sort(), names(pods.filter((p) => !keep.includes(p))).sort());
				assert.deepEqual(e.added, []);
				assert.equal(e.rollout, false);
				assert.deepEqual(d.replaced, e.removed);
				assert.deepEqual(names(d.pods).sort(), names(keep).sort());
			};
			// All ready, all as old: by name.
			check([c, b, a], 1, [a]);
			check([c, b, a], 2, [a, b]);
			// Older first, whatever the name.
			const oldC = createdAt(c, '2024-06-01T00:00:00Z');
			check([a, b, oldC], 1, [oldC]);
			// Ready first, whatever the age.
			const oldA = notReady(createdAt(a, '2024-01-01T00:00:00Z'));
			check([oldA, b, oldC], 2, [oldC, b]);
			check([oldA, b, c], 1, [b]);
			// Scale to 0: every pod goes, nothing is added.
			check([a, b, c], 0, []);
		});
	});

	describe('rollouts', () => {
		const live = liveOf(deployment(3));

		for (const [what, text] of [
			['a label changed', deployment(3, 'app: web\n        version: v2')],
			['a port changed', deployment(3, 'app: web', 9090)],
		] as const) {
			it(`${what}: every live pod is replaced by the template's pods`, () => {
				const w = workloadOf(text);
				const d = desiredPods(live, [w]);
				assert.deepEqual(d.replaced, live);
				assert.deepEqual(d.added, w.pods);
				assert.deepEqual(d.kept, []);
				assert.deepEqual(d.pods, w.pods);
				assert.deepEqual(only(d.byWorkload, w), {
					workload: w,
					live,
					kept: [],
					removed: live,
					added: w.pods,
					rollout: true,
				});
			});
		}

		it('one live pod of another template is enough: a rollout in progress is replaced as a whole', () => {
			const w = workloadOf(deployment(3));
			const mixed = [live[0]!, live[1]!, edit(live[2]!, (p) => (p.metadata!.labels!.version = 'v1'))];
			const d = desiredPods(mixed, [w]);
			assert.equal(only(d.byWorkload, w).rollout, true);
			assert.deepEqual(d.replaced, mixed);
			assert.deepEqual(d.added, w.pods);
		});

		it('a scale in the same apply: the new count of pods', () => {
			const w = workloadOf(deployment(5, 'app: web', 9090));
			const d = desiredPods(live, [w]);
			assert.deepEqual(d.replaced, live);
			assert.equal(d.added.length, 5);
		});
	});

	describe('terminating pods', () => {
		const [a, b, c] = liveOf(deployment(3)) as [Pod, Pod, Pod];

		it('stay until they are gone, and do not count toward the replicas', () => {
			const going = terminating(createdAt(a, '2024-01-01T00:00:00Z'));
			const extra = edit(going, (p) => (p.metadata!.name = 'web-old-pod'));
			const w = workloadOf(deployment(2));
			const d = desiredPods([extra, b, c], [w]);
			const e = only(d.byWorkload, w);
			assert.deepEqual(names(e.kept).sort(), names([b, c, extra]).sort());
			assert.equal(e.kept.at(-1), extra, 'after the running ones');
			assert.deepEqual(e.removed, []);
			assert.deepEqual(e.added, []);
			assert.deepEqual(e.live, [extra, b, c]);

			// 2 running + 1 terminating, 3 replicas: one pod is added (the terminating one is not counted).
			const up = workloadOf(deployment(3));
			const u = desiredPods([extra, b, c], [up]);
			assert.equal(u.added.length, 1);
			assert.ok(!names([b, c]).includes(u.added[0]!.metadata!.name!));
			assert.deepEqual(names(u.kept).sort(), names([b, c, extra]).sort());
		});

		it('a scale-down removes running pods only', () => {
			const going = terminating(a);
			const w = workloadOf(deployment(1));
			const e = only(desiredPods([going, b, c], [w]).byWorkload, w);
			const [first] = [b, c].sort((x, y) => x.metadata!.name!.localeCompare(y.metadata!.name!));
			assert.deepEqual(names(e.kept).sort(), names([first!, going]).sort());
			assert.deepEqual(e.removed, [b, c].filter((p) => p !== first));
		});

		it('a rollout replaces the running pods; the terminating ones stay as they are', () => {
			const going = terminating(a);
			const w = workloadOf(deployment(3, 'app: web', 9090));
			const d = desiredPods([going, b, c], [w]);
			assert.deepEqual(d.replaced, [b, c]);
			assert.deepEqual(d.kept, [going]);
			assert.deepEqual(d.added, w.pods);
			assert.equal(only(d.byWorkload, w).rollout, true);
		});

		it('only terminating pods: no rollout, every planned pod is added', () => {
			const w = workloadOf(deployment(2, 'app: web', 9090));
			const gone = [terminating(a), terminating(b)];
			const e = only(desiredPods(gone, [w]).byWorkload, w);
			assert.deepEqual(e, { workload: w, live: gone, kept: gone, removed: [], added: w.pods, rollout: false });
		});
	});

	describe('StatefulSet (ordinals)', () => {
		const live = liveOf(statefulSet(3));

		it('keeps the pods whose ordinals the replica count keeps, whatever their state', () => {
			assert.deepEqual(names(live), ['db-0', 'db-1', 'db-2']);
			const w = workloadOf(statefulSet(2));
			// db-0 not ready and db-2 older: a ReplicaSet would keep db-2, a StatefulSet keeps ordinals 0 and 1.
			const pods = [notReady(live[0]!), live[1]!, createdAt(live[2]!, '2024-01-01T00:00:00Z')];
			const e = only(desiredPods(pods, [w]).byWorkload, w);
			assert.deepEqual(names(e.kept), ['db-0', 'db-1']);
			assert.deepEqual(names(e.removed), ['db-2']);
			assert.deepEqual(e.added, []);
		});

		it('a scale-up adds the missing ordinals, a gap included', () => {
			const w = workloadOf(statefulSet(5));
			const d = desiredPods([live[0]!, live[2]!], [w]);
			assert.deepEqual(names(d.added), ['db-1', 'db-3', 'db-4']);
			assert.ok(d.added.every((p) => w.pods.includes(p)));
			assert.deepEqual(d.kept, [live[0], live[2]]);
			assert.deepEqual(d.replaced, []);
		});

		it('unchanged: nothing to do; a label change: a rollout', () => {
			assert.deepEqual(desiredPods(live, [workloadOf(statefulSet(3))]).pods, live);
			const labels = '        app: db\n';
			const relabelled = workloadOf(statefulSet(3).replace(labels, `${labels}        tier: data\n`));
			const d = desiredPods(live, [relabelled]);
			assert.deepEqual(d.replaced, live);
			assert.deepEqual(names(d.added), ['db-0', 'db-1', 'db-2']);
		});
	});

	describe('DaemonSet (one pod per node)', () => {
		const live = liveOf(daemonSet);
		const nodeOf = (p: Pod) => p.spec!.nodeName!;

		it('keeps the live pod of each node it runs on and adds one on the nodes without', () => {
			assert.deepEqual(live.map(nodeOf), ['node-1', 'node-2', 'node-3']);
			const w = workloadOf(daemonSet);
			const missing = live.filter((p) => nodeOf(p) !== 'node-2');
			const d = desiredPods(missing, [w]);
			assert.deepEqual(d.kept, missing);
			assert.deepEqual(d.added.map(nodeOf), ['node-2']);
			assert.ok(d.added.every((p) => w.pods.includes(p)));
			assert.deepEqual(d.replaced, []);
		});

		it('removes a pod of a node the DaemonSet no longer runs on; unchanged: nothing to do', () => {
			const w = workloadOf(daemonSet);
			const elsewhere = edit(live[0]!, (p) => {
				p.metadata!.name = 'agent-gone1';
				p.spec!.nodeName = 'node-9';
			});
			const d = desiredPods([...live, elsewhere], [w]);
			assert.deepEqual(d.kept, live);
			assert.deepEqual(d.replaced, [elsewhere]);
			assert.deepEqual(d.added, []);
			assert.deepEqual(desiredPods(live, [w]).pods, live);
		});

		it('a port change: a rollout on every node', () => {
			const w = workloadOf(daemonSet.replace('containerPort: 9100', 'containerPort: 9101'));
			const d = desiredPods(live, [w]);
			assert.deepEqual(d.replaced, live);
			assert.deepEqual(d.added, w.pods);
		});
	});

	describe('Jobs, CronJobs and bare Pods', () => {
		it("a Job's and a CronJob's live pods are theirs: unchanged, they stay", () => {
			const ws = workloadsOf(job, cronJob);
			const live = ws.flatMap((w) => structuredClone(w.pods));
			const d = desiredPods(live, ws);
			assert.deepEqual(d.pods, live);
			assert.deepEqual(d.byWorkload.map((e) => [e.workload.kind, names(e.kept), e.added.length]), [
				['Job', names(ws[0]!.pods), 0],
				['CronJob', names(ws[1]!.pods), 0],
			]);
			// A pod of an earlier scheduled Job of the CronJob.
			const earlier = edit(live[1]!, (p) => {
				p.metadata!.name = 'report-28900000-zzzzz';
				p.metadata!.ownerReferences = [
					{ apiVersion: 'batch/v1', kind: 'Job', name: 'report-28900000', uid: 'j', controller: true },
				];
			});
			assert.equal(desiredPods([earlier], ws).byWorkload[1]!.live[0], earlier);
		});

		it('a bare Pod: unchanged it stays, relabelled it is replaced, absent it is added', () => {
			const w = workloadOf(barePod());
			const live = structuredClone(w.pods);
			assert.deepEqual(only(desiredPods(live, [w]).byWorkload, w), {
				workload: w,
				live,
				kept: live,
				removed: [],
				added: [],
				rollout: false,
			});
			const relabelled = workloadOf(barePod('app: debug\n    team: a'));
			const d = desiredPods(live, [relabelled]);
			assert.deepEqual(d.replaced, live);
			assert.deepEqual(d.added, relabelled.pods);
			assert.deepEqual(d.pods, relabelled.pods);
			const absent = desiredPods([], [w]);
			assert.deepEqual(absent.added, w.pods);
			assert.equal(only(absent.byWorkload, w).rollout, false);
		});
	});

	describe('pods the workloads do not own', () => {
		it('are kept as they are, before the workloads\' pods', () => {
			const w = workloadOf(deployment(2, 'app: web', 9090));
			const live = liveOf(deployment(2));
			const other = liveOf(deployment(1).replace(/name: web\n/, 'name: web-canary\n'));
			const elsewhere = edit(live[0]!, (p) => (p.metadata!.namespace = 'team-b'));
			const noOwner = edit(live[1]!, (p) => {
				p.metadata!.name = 'standalone';
				delete p.metadata!.ownerReferences;
			});
			const d = desiredPods([other[0]!, live[0]!, elsewhere, live[1]!, noOwner], [w]);
			assert.deepEqual(d.kept, [other[0], elsewhere, noOwner]);
			assert.deepEqual(d.replaced, live);
			assert.deepEqual(d.pods, [other[0], elsewhere, noOwner, ...w.pods]);
			assert.deepEqual(only(d.byWorkload, w).live, live);
		});

		it('one entry per workload, in the workloads\' order, each with its own pods', () => {
			const [web, db, agent] = workloadsOf(deployment(3), statefulSet(1), daemonSet);
			const live = [...liveOf(daemonSet), ...liveOf(deployment(2))];
			const d = desiredPods(live, [web!, db!, agent!]);
			assert.deepEqual(
				d.byWorkload.map((e) => [
					e.workload.name,
					e.live.length,
					e.kept.length,
					e.removed.length,
					e.added.length,
				]),
				[
					['web', 2, 2, 0, 1],
					['db', 0, 0, 0, 1],
					['agent', 3, 3, 0, 0],
				],
			);
			assert.deepEqual(d.added, [...d.byWorkload[0]!.added, ...d.byWorkload[1]!.added]);
			assert.deepEqual(d.pods, [...d.kept, ...d.added]);
		});
	});
});
