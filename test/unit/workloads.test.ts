import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cidrContains, parseCIDR } from '../../src/core/k8s/defaulting';
import type { CronJob, DaemonSet, Deployment, Job, Node, Pod, ReplicaSet, StatefulSet } from '../../src/core/k8s/types';
import {
	annotationSimulate,
	eligibleNodes,
	expandWorkload,
	parseSimulateAnnotation,
	planPodStates,
	syntheticNodes,
} from '../../src/core/manifests/workloads';

const alphabet = '[bcdfghjklmnpqrstvwxz2456789]';
const podV4 = parseCIDR('10.244.0.0/16')!;
const podV6 = parseCIDR('fd00:10:244::/56')!;

const template = (labels: Record<string, string>, extra: Record<string, unknown> = {}) => ({
	metadata: { labels },
	spec: { containers: [{ name: 'app', ports: [{ name: 'http', containerPort: 8080 }] }], ...extra },
});

function deployment(name: string, replicas?: number, annotations?: Record<string, string>): Deployment {
	return {
		apiVersion: 'apps/v1',
		kind: 'Deployment',
		metadata: { name, ...(annotations ? { annotations } : {}) },
		spec: {
			...(replicas !== undefined ? { replicas } : {}),
			selector: { matchLabels: { app: name } },
			template: template({ app: name }),
		},
	};
}

const ready = (p: Pod) => p.status?.conditions?.find((c) => c.type === 'Ready')?.status;

describe('syntheticNodes', () => {
	const nodes = syntheticNodes();
	it('gives 3 Ready nodes in zones a, b and c with the well-known labels', () => {
		assert.deepEqual(
			nodes.map((n) => [
				n.metadata?.name,
				n.metadata?.labels?.['topology.kubernetes.io/zone'],
				n.metadata?.labels?.['kubernetes.io/hostname'],
			]),
			[
				['node-1', 'zone-a', 'node-1'],
				['node-2', 'zone-b', 'node-2'],
				['node-3', 'zone-c', 'node-3'],
			],
		);
		for (const n of nodes) {
			assert.equal(n.status?.allocatable?.['cpu'], '4');
			assert.equal(n.status?.allocatable?.['memory'], '16Gi');
			assert.equal(n.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
		}
	});
	it('has InternalIPs for each family and honours count and zones', () => {
		assert.deepEqual(
			nodes[0]!.status?.addresses?.map((a) => a.type),
			['InternalIP', 'InternalIP', 'Hostname'],
		);
		const five = syntheticNodes({ count: 5, zones: ['x', 'y'], profile: { dualStack: false } });
		assert.equal(five.length, 5);
		assert.deepEqual(
			five.map((n) => n.metadata?.labels?.['topology.kubernetes.io/zone']),
			['x', 'y', 'x', 'y', 'x'],
		);
		assert.equal(five[0]!.status?.addresses?.filter((a) => a.type === 'InternalIP').length, 1);
	});
});

describe('Deployment expansion', () => {
	const r = expandWorkload(deployment('web', 3));
	it('creates a ReplicaSet <name>-<hash> and pods <name>-<hash>-<5 chars>', () => {
		assert.equal(r.pods.length, 3);
		const rs = r.owned[0] as ReplicaSet;
		assert.match(rs.metadata?.name ?? '', new RegExp(`^web-${alphabet}{10}$`));
		for (const p of r.pods) {
			assert.match(p.metadata?.name ?? '', new RegExp(`^${rs.metadata!.name}-${alphabet}{5}$`));
			assert.equal(p.metadata?.generateName, `${rs.metadata!.name}-`);
		}
		assert.equal(new Set(r.pods.map((p) => p.metadata?.name)).size, 3);
	});
	it('labels pods with the template labels plus pod-template-hash, owned by the ReplicaSet', () => {
		const rs = r.owned[0] as ReplicaSet;
		const hash = rs.metadata!.name!.slice('web-'.length);
		for (const p of r.pods) {
			assert.deepEqual(p.metadata?.labels, { app: 'web', 'pod-template-hash': hash });
			assert.deepEqual(p.metadata?.ownerReferences, [
				{
					apiVersion: 'apps/v1',
					kind: 'ReplicaSet',
					name: rs.metadata!.name,
					uid: rs.metadata!.uid,
					controller: true,
					blockOwnerDeletion: true,
				},
			]);
		}
		assert.equal(rs.metadata?.ownerReferences?.[0]?.kind, 'Deployment');
		assert.deepEqual(rs.spec?.selector?.matchLabels, { app: 'web', 'pod-template-hash': hash });
	});
	it('spreads pods round-robin over the nodes, running and ready, with defaulted specs', () => {
		assert.deepEqual(new Set(r.pods.map((p) => p.spec?.nodeName)), new Set(['node-1', 'node-2', 'node-3']));
		for (const p of r.pods) {
			assert.equal(p.status?.phase, 'Running');
			assert.equal(ready(p), 'True');
			assert.equal(
				p.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime,
				'2025-01-01T00:00:00Z',
			);
			assert.equal(p.spec?.containers?.[0]?.ports?.[0]?.protocol, 'TCP');
			assert.equal(p.spec?.restartPolicy, 'Always');
			assert.equal(p.metadata?.namespace, 'default');
			assert.match(p.metadata?.uid ?? '', /^[0-9a-f-]{36}$/);
			assert.ok(p.status?.hostIP?.startsWith('172.18.0.'));
		}
	});
	it('gives every pod an IP per family, IPv4 first on an IPv4-primary dual-stack cluster', () => {
		for (const p of r.pods) {
			const ips = p.status?.podIPs?.map((x) => x.ip) ?? [];
			assert.equal(ips.length, 2);
			assert.ok(cidrContains(podV4, ips[0]!), ips[0]);
			assert.ok(cidrContains(podV6, ips[1]!), ips[1]);
			assert.equal(p.status?.podIP, ips[0]);
		}
		assert.equal(new Set(r.pods.flatMap((p) => p.status?.podIPs?.map((x) => x.ip))).size, 6, 'no IP twice');
	});
	it('IPv6-primary puts IPv6 first; single-stack gives one IP', () => {
		const v6 = expandWorkload(deployment('web', 1), { profile: { primaryFamily: 'IPv6' } }).pods[0]!;
		assert.ok(cidrContains(podV6, v6.status!.podIP!));
		const single = expandWorkload(deployment('web', 1), { profile: { dualStack: false } }).pods[0]!;
		assert.equal(single.status?.podIPs?.length, 1);
	});
	it('is deterministic, and unaffected by unrelated workloads', () => {
		const again = expandWorkload(deployment('web', 3));
		assert.deepEqual(again, r);
		const taken = new Set<string>();
		expandWorkload(deployment('other', 5), { allocatedIPs: taken });
		const withOther = expandWorkload(deployment('web', 3), { allocatedIPs: taken });
		assert.deepEqual(
			withOther.pods.map((p) => p.metadata?.name),
			r.pods.map((p) => p.metadata?.name),
		);
	});
	it('a changed template changes the hash, as a rollout would', () => {
		const d = deployment('web', 1);
		d.spec!.template!.spec!.containers![0]!.image = 'nginx:2';
		assert.notEqual(
			(expandWorkload(d).owned[0] as ReplicaSet).metadata?.name,
			(r.owned[0] as ReplicaSet).metadata?.name,
		);
	});
	it('replicas default to 1, and replicas: 0 gives no pods', () => {
		assert.equal(expandWorkload(deployment('one')).pods.length, 1);
		assert.equal(expandWorkload(deployment('none', 0)).pods.length, 0);
	});
	it('never hands out an IP that is already taken', () => {
		const taken = new Set<string>();
		const a = expandWorkload(deployment('a', 50), { allocatedIPs: taken });
		const b = expandWorkload(deployment('b', 50), { allocatedIPs: taken });
		const all = [...a.pods, ...b.pods].flatMap((p) => p.status?.podIPs?.map((x) => x.ip) ?? []);
		assert.equal(new Set(all).size, 200);
		assert.equal(taken.size, 200);
	});
});

describe('ReplicaSet, StatefulSet, DaemonSet', () => {
	it('a bare ReplicaSet names pods <name>-<5 chars>', () => {
		const rs: ReplicaSet = {
			apiVersion: 'apps/v1',
			kind: 'ReplicaSet',
			metadata: { name: 'cache', namespace: 'prod' },
			spec: { replicas: 2, selector: { matchLabels: { app: 'cache' } }, template: template({ app: 'cache' }) },
		};
		const r = expandWorkload(rs);
		assert.equal(r.pods.length, 2);
		for (const p of r.pods) {
			assert.match(p.metadata?.name ?? '', new RegExp(`^cache-${alphabet}{5}$`));
			assert.equal(p.metadata?.namespace, 'prod');
			assert.equal(p.metadata?.ownerReferences?.[0]?.name, 'cache');
			assert.deepEqual(p.metadata?.labels, { app: 'cache' });
		}
	});
	const sts: StatefulSet = {
		apiVersion: 'apps/v1',
		kind: 'StatefulSet',
		metadata: { name: 'db' },
		spec: {
			serviceName: 'db-headless',
			replicas: 3,
			selector: { matchLabels: { app: 'db' } },
			template: template({ app: 'db' }),
		},
	};
	it('a StatefulSet names pods <name>-<ordinal> with hostname and subdomain', () => {
		const r = expandWorkload(sts);
		assert.deepEqual(
			r.pods.map((p) => [p.metadata?.name, p.spec?.hostname, p.spec?.subdomain]),
			[
				['db-0', 'db-0', 'db-headless'],
				['db-1', 'db-1', 'db-headless'],
				['db-2', 'db-2', 'db-headless'],
			],
		);
		const labels = r.pods[1]!.metadata!.labels!;
		assert.equal(labels['statefulset.kubernetes.io/pod-name'], 'db-1');
		assert.equal(labels['apps.kubernetes.io/pod-index'], '1');
		assert.match(labels['controller-revision-hash'] ?? '', new RegExp(`^db-${alphabet}+$`));
		assert.equal(r.pods[0]!.metadata?.ownerReferences?.[0]?.kind, 'StatefulSet');
	});
	it('StatefulSet ordinals can start elsewhere; extra terminating pods take the next ordinals', () => {
		const s: StatefulSet = { ...sts, spec: { ...sts.spec, replicas: 2, ordinals: { start: 5 } } };
		const r = expandWorkload(s, { simulate: { terminating: 1 } });
		assert.deepEqual(
			r.pods.map((p) => p.metadata?.name),
			['db-5', 'db-6', 'db-7'],
		);
		assert.ok(r.pods[2]!.metadata?.deletionTimestamp);
	});
	const nodes: Node[] = [
		...syntheticNodes(),
		{
			kind: 'Node',
			metadata: {
				name: 'cp',
				labels: { 'topology.kubernetes.io/zone': 'zone-a', 'node-role.kubernetes.io/control-plane': '' },
			},
			spec: { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] },
		},
	];
	const ds = (extra: Record<string, unknown> = {}): DaemonSet => ({
		apiVersion: 'apps/v1',
		kind: 'DaemonSet',
		metadata: { name: 'agent' },
		spec: { selector: { matchLabels: { app: 'agent' } }, template: template({ app: 'agent' }, extra) },
	});
	it('a DaemonSet runs one pod per node, skipping tainted nodes it does not tolerate', () => {
		const r = expandWorkload(ds(), { nodes });
		assert.deepEqual(
			r.pods.map((p) => p.spec?.nodeName),
			['node-1', 'node-2', 'node-3'],
		);
		assert.match(r.pods[0]!.metadata?.name ?? '', new RegExp(`^agent-${alphabet}{5}$`));
		const tolerant = expandWorkload(
			ds({
				tolerations: [
					{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
				],
			}),
			{ nodes },
		);
		assert.equal(tolerant.pods.length, 4);
	});
	it('a DaemonSet respects nodeSelector', () => {
		const r = expandWorkload(ds({ nodeSelector: { 'topology.kubernetes.io/zone': 'zone-b' } }), { nodes });
		assert.deepEqual(
			r.pods.map((p) => p.spec?.nodeName),
			['node-2'],
		);
	});
	it('eligibleNodes: unready and cordoned nodes are out (daemons ignore cordons)', () => {
		const odd: Node[] = [
			{ metadata: { name: 'down' }, status: { conditions: [{ type: 'Ready', status: 'False' }] } },
			{ metadata: { name: 'cordoned' }, spec: { unschedulable: true } },
			{ metadata: { name: 'bare' } },
		];
		assert.deepEqual(
			eligibleNodes(odd, {}).map((n) => n.metadata?.name),
			['bare'],
		);
		assert.deepEqual(
			eligibleNodes(odd, {}, { daemon: true }).map((n) => n.metadata?.name),
			['cordoned', 'bare'],
		);
	});
	it('a nodeSelector nothing matches leaves pods Pending without IPs, and says so', () => {
		const d = deployment('stuck', 2);
		d.spec!.template!.spec!.nodeSelector = { disk: 'ssd' };
		const r = expandWorkload(d);
		assert.deepEqual(
			r.pods.map((p) => [p.status?.phase, p.status?.podIPs, p.spec?.nodeName]),
			[
				['Pending', undefined, undefined],
				['Pending', undefined, undefined],
			],
		);
		assert.deepEqual(
			r.problems.map((p) => p.code),
			['unschedulable'],
		);
	});
});

describe('Job and CronJob expansion', () => {
	const job = (spec: Job['spec']): Job => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'work' }, spec });
	const jobTemplate = {
		metadata: { labels: { app: 'work' } },
		spec: { restartPolicy: 'Never', subdomain: 'workers', containers: [{ name: 'c' }] },
	};
	it('runs min(parallelism, completions) pods labelled with job-name and controller-uid', () => {
		const r = expandWorkload(job({ parallelism: 3, completions: 2, template: jobTemplate }));
		assert.equal(r.pods.length, 2);
		const uid = r.workload.metadata?.uid;
		for (const p of r.pods) {
			assert.match(p.metadata?.name ?? '', new RegExp(`^work-${alphabet}{5}$`));
			assert.equal(p.metadata?.labels?.['job-name'], 'work');
			assert.equal(p.metadata?.labels?.['batch.kubernetes.io/job-name'], 'work');
			assert.equal(p.metadata?.labels?.['batch.kubernetes.io/controller-uid'], uid);
			assert.equal(p.metadata?.ownerReferences?.[0]?.kind, 'Job');
			assert.equal(p.spec?.restartPolicy, 'Never');
		}
		assert.equal(expandWorkload(job({ template: jobTemplate })).pods.length, 1);
		assert.equal(expandWorkload(job({ parallelism: 4, template: jobTemplate })).pods.length, 4);
		assert.equal(expandWorkload(job({ suspend: true, template: jobTemplate })).pods.length, 0);
	});
	it('Indexed Jobs set hostname <job>-<index>, keep the template subdomain and label the index', () => {
		const r = expandWorkload(
			job({ completionMode: 'Indexed', completions: 3, parallelism: 3, template: jobTemplate }),
		);
		assert.deepEqual(
			r.pods.map((p) => [
				p.spec?.hostname,
				p.spec?.subdomain,
				p.metadata?.labels?.['batch.kubernetes.io/job-completion-index'],
			]),
			[
				['work-0', 'workers', '0'],
				['work-1', 'workers', '1'],
				['work-2', 'workers', '2'],
			],
		);
		assert.match(r.pods[1]!.metadata?.name ?? '', new RegExp(`^work-1-${alphabet}{5}$`));
		assert.equal(r.pods[1]!.metadata?.annotations?.['batch.kubernetes.io/job-completion-index'], '1');
	});
	it('a CronJob runs one Job <name>-<minutes since epoch> owned by the CronJob', () => {
		const cj: CronJob = {
			apiVersion: 'batch/v1',
			kind: 'CronJob',
			metadata: { name: 'nightly' },
			spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: jobTemplate } } },
		};
		const r = expandWorkload(cj);
		const j = r.owned[0] as Job;
		assert.equal(j.metadata?.name, `nightly-${Date.parse('2025-01-01T00:00:00Z') / 60000}`);
		assert.equal(j.metadata?.ownerReferences?.[0]?.kind, 'CronJob');
		assert.equal(r.pods.length, 1);
		assert.equal(r.pods[0]!.metadata?.labels?.['job-name'], j.metadata?.name);
		assert.equal(r.pods[0]!.metadata?.ownerReferences?.[0]?.name, j.metadata?.name);
		assert.equal(expandWorkload({ ...cj, spec: { ...cj.spec, suspend: true } }).pods.length, 0);
	});
});

describe('bare Pods', () => {
	it('a Pod with a status is kept as written (defaulted spec), its IPs reserved', () => {
		const taken = new Set<string>();
		const pod: Pod = {
			apiVersion: 'v1',
			kind: 'Pod',
			metadata: { name: 'p' },
			spec: { nodeName: 'gone', containers: [{ name: 'c' }] },
			status: { phase: 'Running', podIP: '10.244.0.9', podIPs: [{ ip: '10.244.0.9' }] },
		};
		const r = expandWorkload(pod, { allocatedIPs: taken });
		assert.deepEqual(r.pods[0]!.status, pod.status);
		assert.equal(r.pods[0]!.spec?.nodeName, 'gone');
		assert.ok(taken.has('10.244.0.9'));
	});
	it('a Pod without a status gets a node, IPs and Ready; an unknown nodeName is kept', () => {
		const r = expandWorkload({
			apiVersion: 'v1',
			kind: 'Pod',
			metadata: { name: 'p' },
			spec: { containers: [{ name: 'c' }] },
		});
		assert.ok(['node-1', 'node-2', 'node-3'].includes(r.pods[0]!.spec?.nodeName ?? ''));
		assert.equal(ready(r.pods[0]!), 'True');
		assert.equal(r.pods[0]!.status?.podIPs?.length, 2);
		const missing = expandWorkload({
			apiVersion: 'v1',
			kind: 'Pod',
			metadata: { name: 'q' },
			spec: { nodeName: 'ghost', containers: [{ name: 'c' }] },
		});
		assert.equal(missing.pods[0]!.spec?.nodeName, 'ghost');
		assert.equal(missing.pods[0]!.status?.phase, 'Running');
	});
	it('the simulate annotation works on a bare Pod too', () => {
		const r = expandWorkload({
			apiVersion: 'v1',
			kind: 'Pod',
			metadata: { name: 'p', annotations: { [annotationSimulate]: 'notReady=1' } },
			spec: { containers: [{ name: 'c' }] },
		});
		assert.equal(ready(r.pods[0]!), 'False');
	});
});

describe('simulating readiness and termination', () => {
	it('parses the annotation, case-insensitively, reporting bad entries', () => {
		assert.deepEqual(parseSimulateAnnotation('ready=2, NotReady=1,terminating=1'), {
			spec: { ready: 2, notReady: 1, terminating: 1 },
			errors: [],
		});
		const bad = parseSimulateAnnotation('ready=two,sleepy=1,oops');
		assert.deepEqual(bad.spec, {});
		assert.equal(bad.errors.length, 3);
	});
	it('plans states: notReady/ready share the replicas, terminating and friends are extra', () => {
		assert.deepEqual(planPodStates(3, undefined).states, ['ready', 'ready', 'ready']);
		assert.deepEqual(planPodStates(3, { notReady: 1 }).states, ['ready', 'ready', 'notReady']);
		assert.deepEqual(planPodStates(3, { ready: 1 }).states, ['ready', 'notReady', 'notReady']);
		assert.deepEqual(planPodStates(3, { ready: 2, notReady: 1, terminating: 1 }).states, [
			'ready',
			'ready',
			'notReady',
			'terminating',
		]);
		assert.deepEqual(planPodStates(0, { terminating: 1 }).states, ['terminating']);
		const over = planPodStates(2, { ready: 2, notReady: 2 });
		assert.equal(over.states.length, 4);
		assert.equal(over.problems.length, 1);
	});
	it('the annotation drives pod conditions, phases and deletion timestamps', () => {
		const d = deployment('sim', 3, { [annotationSimulate]: 'ready=2,notReady=1,terminating=1,failed=1,pending=0' });
		const r = expandWorkload(d);
		assert.deepEqual(
			r.pods.map((p) => [p.status?.phase, ready(p), !!p.metadata?.deletionTimestamp]),
			[
				['Running', 'True', false],
				['Running', 'True', false],
				['Running', 'False', false],
				['Running', 'True', true],
				['Failed', 'False', false],
			],
		);
		assert.equal(r.pods[3]!.metadata?.deletionTimestamp, '2025-01-01T00:00:30Z');
		assert.equal(r.pods[3]!.metadata?.deletionGracePeriodSeconds, 30);
		assert.deepEqual(r.simulate, { ready: 2, notReady: 1, terminating: 1, failed: 1, pending: 0 });
		assert.ok(r.pods[4]!.status?.podIP, 'failed pods keep their IP');
	});
	it('pending pods are scheduled but have no IP yet', () => {
		const r = expandWorkload(deployment('pend', 2), { simulate: { pending: 1 } });
		assert.deepEqual(
			r.pods.map((p) => [p.status?.phase, p.status?.podIPs?.length ?? 0, !!p.spec?.nodeName]),
			[
				['Running', 2, true],
				['Pending', 0, true],
			],
		);
	});
	it('the options argument wins over the annotation; a bad annotation is reported', () => {
		const d = deployment('sim', 2, { [annotationSimulate]: 'notReady=2' });
		assert.deepEqual(expandWorkload(d, { simulate: { notReady: 0 } }).pods.map(ready), ['True', 'True']);
		const bad = expandWorkload(deployment('x', 1, { [annotationSimulate]: 'sleepy=1' }));
		assert.deepEqual(
			bad.problems.map((p) => [p.code, p.severity]),
			[['simulate-annotation', 'warning']],
		);
		assert.equal(bad.pods.length, 1);
	});
});
