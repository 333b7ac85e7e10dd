/**
 * Workload expansion: the pods the controllers and the kubelet would produce for a Deployment, ReplicaSet,
 * StatefulSet, DaemonSet, Job, CronJob or bare Pod, as candidate API objects for the endpoint controllers.
 *
 * Names follow the real controllers' shapes, with random parts derived from hashes so the same input always gives
 * the same names, uids and IPs (`names.ts`, `defaulting.ts`):
 * - Deployment → ReplicaSet `<name>-<pod-template-hash>` → pods `<name>-<hash>-<5>`, label `pod-template-hash`;
 * - ReplicaSet → `<name>-<5>`; DaemonSet → `<name>-<5>`, one per eligible node;
 * - StatefulSet → `<name>-<ordinal>`, `hostname` = pod name, `subdomain` = `spec.serviceName`, labels
 *   `controller-revision-hash`, `statefulset.kubernetes.io/pod-name`, `apps.kubernetes.io/pod-index`;
 * - Job → `<name>-<5>` (Indexed: `<name>-<index>-<5>`, hostname `<name>-<index>`), labels `job-name`,
 *   `controller-uid` (both spellings) and `batch.kubernetes.io/job-completion-index`;
 * - CronJob → one Job run `<name>-<minutes since the epoch>` → its pods.
 *
 * Pods are scheduled round-robin over the nodes that are Ready, schedulable, match the pod's `nodeSelector` and
 * whose NoSchedule/NoExecute taints the pod tolerates; they run with one IP per cluster family (primary first,
 * from `ClusterProfile.podCIDRs`) and a Ready condition.
 *
 * ## Simulating readiness: `endpointlens.io/simulate`
 * A workload (or bare Pod without status) can ask for pods in other states with the annotation
 * `endpointlens.io/simulate: "ready=2,notReady=1,terminating=1"` (or `ExpandOptions.simulate`, which wins):
 * - `ready`, `notReady`, `pending` share the replicas: `notReady=1` on 3 replicas gives 2 ready + 1 not ready;
 *   `ready=1` gives 1 ready + 2 not ready; when all given counts add up to something else than `replicas`, they win.
 *   Not-ready pods are Running with `Ready=False`; pending pods are scheduled but have no IP yet.
 * - `terminating` (Ready=True, being deleted: serving + terminating), `terminatingNotReady`, `failed` and
 *   `succeeded` are extra pods on top of the replicas, as a rollout or scale-down leaves them.
 * Pods are built in that order: ready, notReady, pending, terminating, terminatingNotReady, failed, succeeded.
 */
import {
	allocateIPFromCIDR,
	cloneJSON,
	clusterFamilies,
	defaultPod,
	defaultWorkload,
	deterministicUID,
	resolveClusterProfile,
} from '../k8s/defaulting';
import type { ClusterProfile, Workload } from '../k8s/defaulting';
import { fnv1a32, generateName, randAlphabet } from '../k8s/names';
import type {
	CronJob,
	DaemonSet,
	Deployment,
	IPFamily,
	Job,
	Node,
	NodeSpec,
	OwnerReference,
	Pod,
	PodCondition,
	PodSpec,
	PodStatus,
	PodTemplateSpec,
	ReplicaSet,
	StatefulSet,
	Taint,
	Toleration,
	TypedObject,
} from '../k8s/types';
import { labelTopologyZone } from '../k8s/types';

/** The annotation that asks for pods in other states than Running and Ready (see the module header). */
export const annotationSimulate = 'endpointlens.io/simulate';

/** The states a simulated pod can be in. */
export type PodState =
	'ready' | 'notReady' | 'pending' | 'terminating' | 'terminatingNotReady' | 'failed' | 'succeeded';

/** Pod counts per state; see the module header for how they combine with `replicas`. */
export type SimulateSpec = Partial<Record<PodState, number>>;

const stateOrder: readonly PodState[] = [
	'ready',
	'notReady',
	'pending',
	'terminating',
	'terminatingNotReady',
	'failed',
	'succeeded',
];

const stateAliases: Readonly<Record<string, PodState>> = {
	ready: 'ready',
	notready: 'notReady',
	'not-ready': 'notReady',
	unready: 'notReady',
	pending: 'pending',
	terminating: 'terminating',
	terminatingnotready: 'terminatingNotReady',
	'terminating-not-ready': 'terminatingNotReady',
	failed: 'failed',
	succeeded: 'succeeded',
};

/**
 * Parses an `endpointlens.io/simulate` value: comma-separated `state=count` (keys case-insensitive:
 * ready, notReady, pending, terminating, terminatingNotReady, failed, succeeded). Bad entries are skipped and
 * reported in `errors`.
 */
export function parseSimulateAnnotation(value: string): { spec: SimulateSpec; errors: string[] } {
	const spec: SimulateSpec = {};
	const errors: string[] = [];
	for (const raw of value.split(',')) {
		const entry = raw.trim();
		if (entry === '') {
			continue;
		}
		const eq = entry.indexOf('=');
		if (eq < 0) {
			errors.push(`${JSON.stringify(entry)} is not state=count`);
			continue;
		}
		const key = entry.slice(0, eq).trim();
		const count = entry.slice(eq + 1).trim();
		const state = stateAliases[key.toLowerCase()];
		if (!state) {
			errors.push(`unknown state ${JSON.stringify(key)}; use ${stateOrder.join(', ')}`);
			continue;
		}
		if (!/^[0-9]+$/.test(count)) {
			errors.push(`${key}: ${JSON.stringify(count)} is not a non-negative integer`);
			continue;
		}
		spec[state] = Number(count);
	}
	return { spec, errors };
}

/**
 * The states of the pods for `replicas` and a simulate spec, in build order (see the module header).
 * `problems` explains when the counts override `replicas`.
 */
export function planPodStates(
	replicas: number,
	spec: SimulateSpec | undefined,
): { states: PodState[]; problems: string[] } {
	const problems: string[] = [];
	const s = spec ?? {};
	const pending = s.pending ?? 0;
	let ready: number;
	let notReady: number;
	if (s.ready !== undefined && s.notReady !== undefined) {
		ready = s.ready;
		notReady = s.notReady;
	} else if (s.ready !== undefined) {
		ready = s.ready;
		notReady = Math.max(0, replicas - ready - pending);
	} else if (s.notReady !== undefined) {
		notReady = s.notReady;
		ready = Math.max(0, replicas - notReady - pending);
	} else {
		ready = Math.max(0, replicas - pending);
		notReady = 0;
	}
	const live = ready + notReady + pending;
	if (spec && live !== replicas) {
		problems.push(`simulate: ready+notReady+pending = ${live} pods, not the ${replicas} replicas; using ${live}`);
	}
	const counts: Record<PodState, number> = {
		ready,
		notReady,
		pending,
		terminating: s.terminating ?? 0,
		terminatingNotReady: s.terminatingNotReady ?? 0,
		failed: s.failed ?? 0,
		succeeded: s.succeeded ?? 0,
	};
	const states: PodState[] = [];
	for (const st of stateOrder) {
		for (let i = 0; i < counts[st]; i++) {
			states.push(st);
		}
	}
	return { states, problems };
}

// ---------------------------------------------------------------------------------------------------------------
// Nodes

/** Options of `syntheticNodes`. */
export interface SyntheticNodeOptions {
	/** How many nodes. Default 3. */
	count?: number;
	/** Zones, assigned round-robin. Default `zone-a`, `zone-b`, `zone-c`. */
	zones?: string[];
	/** `topology.kubernetes.io/region`. Default `region-1`. */
	region?: string;
	/** Node names are `<prefix><n>`, n from 1. Default `node-`. */
	namePrefix?: string;
	/** Allocatable CPU (what topology hints weigh). Default `4`. */
	cpu?: string;
	/** Allocatable memory. Default `16Gi`. */
	memory?: string;
	profile?: Partial<ClusterProfile>;
}

/**
 * A small cluster: `count` Ready worker nodes spread over zones, with the well-known labels
 * (`kubernetes.io/hostname`, `topology.kubernetes.io/zone` and `region`, os, arch), allocatable cpu/memory/pods and
 * InternalIP addresses for each cluster family (kind's docker network ranges).
 */
export function syntheticNodes(options: SyntheticNodeOptions = {}): Node[] {
	const profile = resolveClusterProfile(options.profile);
	const count = options.count ?? 3;
	const zones = options.zones && options.zones.length > 0 ? options.zones : ['zone-a', 'zone-b', 'zone-c'];
	const prefix = options.namePrefix ?? 'node-';
	const nodes: Node[] = [];
	for (let i = 0; i < count; i++) {
		const name = `${prefix}${i + 1}`;
		const addresses = clusterFamilies(profile).map((f) => ({
			type: 'InternalIP',
			address:
				f === 'IPv4'
					? `172.18.${Math.floor((i + 2) / 256)}.${(i + 2) % 256}`
					: `fc00:f853:ccd:e793::${(i + 2).toString(16)}`,
		}));
		const resources = {
			cpu: options.cpu ?? '4',
			memory: options.memory ?? '16Gi',
			pods: '110',
			'ephemeral-storage': '100Gi',
		};
		nodes.push({
			apiVersion: 'v1',
			kind: 'Node',
			metadata: {
				name,
				uid: deterministicUID(`Node//${name}`),
				creationTimestamp: profile.now,
				labels: {
					'kubernetes.io/hostname': name,
					'kubernetes.io/os': 'linux',
					'kubernetes.io/arch': 'amd64',
					[labelTopologyZone]: zones[i % zones.length]!,
					'topology.kubernetes.io/region': options.region ?? 'region-1',
				},
			},
			spec: {},
			status: {
				allocatable: { ...resources },
				capacity: { ...resources },
				conditions: [
					{
						type: 'Ready',
						status: 'True',
						reason: 'KubeletReady',
						message: 'kubelet is posting ready status',
						lastTransitionTime: profile.now,
					},
				],
				addresses: [...addresses, { type: 'Hostname', address: name }],
			},
		});
	}
	return nodes;
}

function nodeSpec(node: Node): NodeSpec {
	const s = node.spec;
	return typeof s === 'object' && s !== null ? (s as NodeSpec) : {};
}

/** `v1helper.TolerationsTolerateTaint`. */
function tolerates(tolerations: readonly Toleration[], taint: Taint): boolean {
	return tolerations.some((t) => {
		if (t.effect && t.effect !== taint.effect) {
			return false;
		}
		if (t.operator === 'Exists') {
			return !t.key || t.key === taint.key;
		}
		return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
	});
}

/** The tolerations the DaemonSet controller adds to every daemon pod (`util.AddOrUpdateDaemonPodTolerations`). */
const daemonTolerations: readonly Toleration[] = [
	{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
	{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
	{ key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
	{ key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
	{ key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
	{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

/**
 * The nodes a pod with `spec` may run on: Ready (a Node without conditions counts as Ready), not cordoned
 * (daemon pods ignore that), labels matching `nodeSelector`, and every NoSchedule/NoExecute taint tolerated.
 * Node affinity is not evaluated.
 */
export function eligibleNodes(
	nodes: readonly Node[],
	spec: PodSpec | undefined,
	options: { daemon?: boolean } = {},
): Node[] {
	const tolerations = [...(spec?.tolerations ?? []), ...(options.daemon ? daemonTolerations : [])];
	const selector = spec?.nodeSelector ?? {};
	return nodes.filter((node) => {
		const conditions = node.status?.conditions;
		const ready =
			!conditions || conditions.length === 0 || conditions.some((c) => c.type === 'Ready' && c.status === 'True');
		if (!ready) {
			return false;
		}
		const ns = nodeSpec(node);
		if (ns.unschedulable && !options.daemon) {
			return false;
		}
		const labels = node.metadata?.labels ?? {};
		if (!Object.entries(selector).every(([k, v]) => labels[k] === v)) {
			return false;
		}
		return (ns.taints ?? []).every(
			(t) => (t.effect !== 'NoSchedule' && t.effect !== 'NoExecute') || tolerates(tolerations, t),
		);
	});
}

function hostIP(node: Node | undefined, family: IPFamily): string | undefined {
	const internal = (node?.status?.addresses ?? []).filter((a) => a.type === 'InternalIP');
	const want = internal.find((a) => (family === 'IPv6') === a.address.includes(':'));
	return (want ?? internal[0])?.address;
}

// ---------------------------------------------------------------------------------------------------------------
// Hashes

/** JSON with object keys sorted and undefined members left out: equal values give equal text. */
export function stableJSON(v: unknown): string {
	if (Array.isArray(v)) {
		return `[${v.map(stableJSON).join(',')}]`;
	}
	if (typeof v === 'object' && v !== null) {
		const obj = v as Record<string, unknown>;
		return `{${Object.keys(obj)
			.sort()
			.filter((k) => obj[k] !== undefined)
			.map((k) => `${JSON.stringify(k)}:${stableJSON(obj[k])}`)
			.join(',')}}`;
	}
	return JSON.stringify(v) ?? 'null';
}

/** `rand.SafeEncodeString`: every character mapped into the no-vowel alphabet. */
function safeEncode(s: string): string {
	let out = '';
	for (let i = 0; i < s.length; i++) {
		out += randAlphabet[s.charCodeAt(i) % randAlphabet.length];
	}
	return out;
}

/**
 * `controller.ComputeHash`: a 32-bit FNV hash of the pod template, printed in decimal and safe-encoded. Upstream's
 * length is that of the decimal number (up to 10); it is zero-padded here to always give 10 characters.
 */
export function podTemplateHash(template: PodTemplateSpec | undefined): string {
	return safeEncode(String(fnv1a32(stableJSON(template ?? {}))).padStart(10, '0'));
}

/** The key `simulate` options and workload lookups use: `Kind/namespace/name`. */
export function workloadKey(kind: string, namespace: string | undefined, name: string): string {
	return `${kind}/${namespace ?? ''}/${name}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Pods

/** Options of `expandWorkload`. */
export interface ExpandOptions {
	profile?: Partial<ClusterProfile>;
	/** The cluster's nodes. Default `syntheticNodes({profile})`. */
	nodes?: readonly Node[];
	/** Pod and service IPs already taken; updated in place. */
	allocatedIPs?: Set<string>;
	/** Pod states, overriding the workload's `endpointlens.io/simulate` annotation. */
	simulate?: SimulateSpec;
	/** Namespace of a workload that names none. Default "default". */
	defaultNamespace?: string;
}

/** Something worth telling the user about an expansion (a bad simulate annotation, nowhere to schedule, …). */
export interface ExpandProblem {
	severity: 'error' | 'warning' | 'info';
	code: 'simulate-annotation' | 'unschedulable' | 'allocation';
	message: string;
	/** JSON path in the workload, when the problem is about a field. */
	path?: string;
}

/** The pods of one workload, plus the objects its controller would create in between. */
export interface WorkloadExpansion {
	/** The defaulted workload. */
	workload: TypedObject;
	pods: Pod[];
	/** A Deployment's ReplicaSet or a CronJob's Job (defaulted), in creation order. */
	owned: TypedObject[];
	/** The simulate spec that was applied, if any. */
	simulate?: SimulateSpec;
	problems: ExpandProblem[];
}

interface Ctx {
	profile: ClusterProfile;
	nodes: readonly Node[];
	ips: Set<string>;
	problems: ExpandProblem[];
	/** Pods of this workload that got no IP, per family: one problem counts them all. */
	unallocated?: Map<string, { problem: ExpandProblem; first: string; count: number }>;
}

function ownerRef(obj: TypedObject, apiVersion: string, kind: string): OwnerReference {
	return {
		apiVersion,
		kind,
		name: obj.metadata?.name ?? '',
		uid: obj.metadata?.uid ?? '',
		controller: true,
		blockOwnerDeletion: true,
	};
}

function addSeconds(rfc3339: string, seconds: number): string {
	const t = Date.parse(rfc3339);
	return Number.isNaN(t) ? rfc3339 : new Date(t + seconds * 1000).toISOString().replace(/\.000Z$/, 'Z');
}

function condition(type: string, status: boolean, now: string, reason?: string, message?: string): PodCondition {
	const c: PodCondition = { type, status: status ? 'True' : 'False', lastTransitionTime: now };
	if (reason) {
		c.reason = reason;
	}
	if (message) {
		c.message = message;
	}
	return c;
}

interface PodArgs {
	name: string;
	generateName?: string;
	namespace: string;
	labels: Record<string, string>;
	annotations?: Record<string, string>;
	owner?: OwnerReference;
	template: PodTemplateSpec;
	hostname?: string;
	subdomain?: string;
	state: PodState;
	/** Undefined: no node could take the pod. */
	node: Node | undefined;
}

/** Builds one running (or otherwise simulated) pod. */
function buildPod(a: PodArgs, ctx: Ctx): Pod {
	const now = ctx.profile.now;
	const spec: PodSpec = cloneJSON(a.template.spec ?? {});
	if (a.hostname) {
		spec.hostname = a.hostname;
	}
	if (a.subdomain) {
		spec.subdomain = a.subdomain;
	}
	if (a.node?.metadata?.name) {
		spec.nodeName = a.node.metadata.name;
	}
	const annotations = { ...(a.template.metadata?.annotations ?? {}), ...(a.annotations ?? {}) };
	const pod: Pod = {
		apiVersion: 'v1',
		kind: 'Pod',
		metadata: {
			name: a.name,
			...(a.generateName ? { generateName: a.generateName } : {}),
			namespace: a.namespace,
			uid: deterministicUID(`Pod/${a.namespace}/${a.name}`),
			creationTimestamp: now,
			labels: a.labels,
			...(Object.keys(annotations).length > 0 ? { annotations } : {}),
			...(a.owner ? { ownerReferences: [a.owner] } : {}),
		},
		spec,
	};
	pod.status = simulatedStatus(pod, a.state, a.node, ctx);
	if (a.state === 'terminating' || a.state === 'terminatingNotReady') {
		const grace = spec.terminationGracePeriodSeconds ?? 30;
		pod.metadata!.deletionTimestamp = addSeconds(now, grace);
		pod.metadata!.deletionGracePeriodSeconds = grace;
	}
	return pod;
}

/** The status the kubelet would report for a pod in `state` on `node` (IPs allocated from the pod CIDRs). */
function simulatedStatus(pod: Pod, state: PodState, node: Node | undefined, ctx: Ctx): PodStatus {
	const now = ctx.profile.now;
	if (!node) {
		return {
			phase: 'Pending',
			conditions: [
				condition(
					'PodScheduled',
					false,
					now,
					'Unschedulable',
					`0/${ctx.nodes.length} nodes are available for this pod`,
				),
			],
		};
	}
	const families = clusterFamilies(ctx.profile);
	const status: PodStatus & { startTime?: string } = {};
	const host = hostIP(node, families[0]!);
	if (host) {
		status.hostIP = host;
	}
	const unready = () =>
		`containers with unready status: [${(pod.spec?.containers ?? []).map((c) => c.name).join(' ')}]`;
	if (state === 'pending') {
		status.phase = 'Pending';
		status.conditions = [
			condition('PodReadyToStartContainers', false, now),
			condition('Initialized', true, now),
			condition('Ready', false, now, 'ContainersNotReady', unready()),
			condition('ContainersReady', false, now, 'ContainersNotReady', unready()),
			condition('PodScheduled', true, now),
		];
		return status;
	}
	const ips: string[] = [];
	const seed = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
	for (const f of families) {
		const cidr = ctx.profile.podCIDRs[f];
		const ip = cidr ? allocateIPFromCIDR(cidr, seed, ctx.ips) : undefined;
		if (ip) {
			ips.push(ip);
		} else {
			// One warning per family, however many pods: a workload with more replicas than its pod CIDR holds
			// would otherwise give one per pod.
			const where = `(pod CIDR ${cidr ?? 'not configured'})`;
			ctx.unallocated ??= new Map();
			const seen = ctx.unallocated.get(f);
			if (seen) {
				seen.count++;
				seen.problem.message = `no free ${f} pod IP for ${seen.first} and ${seen.count - 1} more pod${seen.count === 2 ? '' : 's'} ${where}`;
			} else {
				const problem: ExpandProblem = {
					severity: 'warning',
					code: 'allocation',
					message: `no free ${f} pod IP for ${pod.metadata?.name} ${where}`,
				};
				ctx.unallocated.set(f, { problem, first: pod.metadata?.name ?? '', count: 1 });
				ctx.problems.push(problem);
			}
		}
	}
	const ready = state === 'ready' || state === 'terminating';
	const phase = state === 'failed' ? 'Failed' : state === 'succeeded' ? 'Succeeded' : 'Running';
	status.phase = phase;
	if (ips.length > 0) {
		status.podIP = ips[0];
		status.podIPs = ips.map((ip) => ({ ip }));
	}
	if (ready) {
		status.conditions = [
			condition('PodReadyToStartContainers', true, now),
			condition('Initialized', true, now),
			condition('Ready', true, now),
			condition('ContainersReady', true, now),
			condition('PodScheduled', true, now),
		];
	} else {
		const reason = phase === 'Failed' ? 'PodFailed' : phase === 'Succeeded' ? 'PodCompleted' : 'ContainersNotReady';
		const message = phase === 'Running' ? unready() : undefined;
		status.conditions = [
			condition('PodReadyToStartContainers', phase === 'Running', now),
			condition('Initialized', true, now),
			condition('Ready', false, now, reason, message),
			condition('ContainersReady', false, now, reason, message),
			condition('PodScheduled', true, now),
		];
	}
	status.startTime = now;
	return status;
}

/** Round-robin node picker over the eligible nodes, starting at a per-workload offset. */
function nodePicker(nodes: Node[], seed: string): () => Node | undefined {
	let i = nodes.length > 0 ? fnv1a32(seed) % nodes.length : 0;
	return () => {
		if (nodes.length === 0) {
			return undefined;
		}
		const n = nodes[i % nodes.length];
		i++;
		return n;
	};
}

function simulateFor(obj: TypedObject, options: ExpandOptions, ctx: Ctx): SimulateSpec | undefined {
	if (options.simulate) {
		return options.simulate;
	}
	const value = obj.metadata?.annotations?.[annotationSimulate];
	if (value === undefined) {
		return undefined;
	}
	const { spec, errors } = parseSimulateAnnotation(value);
	const path = `metadata.annotations[${JSON.stringify(annotationSimulate)}]`;
	for (const e of errors) {
		ctx.problems.push({
			severity: 'warning',
			code: 'simulate-annotation',
			message: `${annotationSimulate}: ${e}`,
			path,
		});
	}
	return spec;
}

function reportUnschedulable(ctx: Ctx, kind: string, name: string, count: number, eligible: Node[]): void {
	if (count > 0 && eligible.length === 0) {
		ctx.problems.push({
			severity: 'warning',
			code: 'unschedulable',
			message: `no node can run the pods of ${kind} ${name} (nodeSelector, taints or node readiness): they stay Pending without an IP`,
			path: 'spec.template.spec.nodeSelector',
		});
	}
}

function plan(replicas: number, simulate: SimulateSpec | undefined, ctx: Ctx): PodState[] {
	const { states, problems } = planPodStates(replicas, simulate);
	for (const p of problems) {
		ctx.problems.push({
			severity: 'info',
			code: 'simulate-annotation',
			message: p,
			path: `metadata.annotations[${JSON.stringify(annotationSimulate)}]`,
		});
	}
	return states;
}

function expandReplicaSetLike(
	owner: TypedObject,
	ownerApiVersion: string,
	ownerKind: string,
	podPrefix: string,
	template: PodTemplateSpec,
	labels: Record<string, string>,
	states: PodState[],
	ctx: Ctx,
): Pod[] {
	const ns = owner.metadata?.namespace ?? 'default';
	const eligible = eligibleNodes(ctx.nodes, template.spec);
	reportUnschedulable(ctx, ownerKind, owner.metadata?.name ?? '', states.length, eligible);
	const pick = nodePicker(eligible, `${ns}/${podPrefix}`);
	const names = new Set<string>();
	return states.map((state, i) => {
		const name = generateName(`${podPrefix}-`, `${ns}/${podPrefix}/${i}`, names);
		names.add(name);
		return buildPod(
			{
				name,
				generateName: `${podPrefix}-`,
				namespace: ns,
				labels: { ...labels },
				owner: ownerRef(owner, ownerApiVersion, ownerKind),
				template,
				state,
				node: pick(),
			},
			ctx,
		);
	});
}

function expandDeployment(
	d: Deployment,
	simulate: SimulateSpec | undefined,
	ctx: Ctx,
): { pods: Pod[]; owned: TypedObject[] } {
	const name = d.metadata!.name!;
	const ns = d.metadata!.namespace!;
	const template = d.spec?.template ?? {};
	const hash = podTemplateHash(template);
	const rsName = `${name}-${hash}`;
	const labels = { ...(template.metadata?.labels ?? {}), 'pod-template-hash': hash };
	const replicas = d.spec?.replicas ?? 1;
	const rsTemplate: PodTemplateSpec = { ...template, metadata: { ...(template.metadata ?? {}), labels } };
	const rs: ReplicaSet = {
		apiVersion: 'apps/v1',
		kind: 'ReplicaSet',
		metadata: {
			name: rsName,
			namespace: ns,
			uid: deterministicUID(`ReplicaSet/${ns}/${rsName}`),
			creationTimestamp: ctx.profile.now,
			labels,
			annotations: {
				'deployment.kubernetes.io/desired-replicas': String(replicas),
				'deployment.kubernetes.io/max-replicas': String(replicas + Math.ceil(replicas * 0.25)),
				'deployment.kubernetes.io/revision': '1',
			},
			ownerReferences: [ownerRef(d, 'apps/v1', 'Deployment')],
		},
		spec: {
			replicas,
			selector: {
				...(d.spec?.selector ?? {}),
				matchLabels: { ...(d.spec?.selector?.matchLabels ?? {}), 'pod-template-hash': hash },
			},
			template: rsTemplate,
		},
	};
	const pods = expandReplicaSetLike(
		rs,
		'apps/v1',
		'ReplicaSet',
		rsName,
		rsTemplate,
		labels,
		plan(replicas, simulate, ctx),
		ctx,
	);
	return { pods, owned: [rs] };
}

function expandStatefulSet(s: StatefulSet, simulate: SimulateSpec | undefined, ctx: Ctx): Pod[] {
	const name = s.metadata!.name!;
	const ns = s.metadata!.namespace!;
	const template = s.spec?.template ?? {};
	const revision = `${name}-${safeEncode(String(fnv1a32(stableJSON(template))))}`;
	const start = s.spec?.ordinals?.start ?? 0;
	const states = plan(s.spec?.replicas ?? 1, simulate, ctx);
	const eligible = eligibleNodes(ctx.nodes, template.spec);
	reportUnschedulable(ctx, 'StatefulSet', name, states.length, eligible);
	const pick = nodePicker(eligible, `${ns}/${name}`);
	return states.map((state, i) => {
		const ordinal = start + i;
		const podName = `${name}-${ordinal}`;
		const labels = {
			...(template.metadata?.labels ?? {}),
			'controller-revision-hash': revision,
			'statefulset.kubernetes.io/pod-name': podName,
			'apps.kubernetes.io/pod-index': String(ordinal),
		};
		return buildPod(
			{
				name: podName,
				namespace: ns,
				labels,
				owner: ownerRef(s, 'apps/v1', 'StatefulSet'),
				template,
				hostname: podName,
				...(s.spec?.serviceName ? { subdomain: s.spec.serviceName } : {}),
				state,
				node: pick(),
			},
			ctx,
		);
	});
}

function expandDaemonSet(ds: DaemonSet, simulate: SimulateSpec | undefined, ctx: Ctx): Pod[] {
	const name = ds.metadata!.name!;
	const ns = ds.metadata!.namespace!;
	const template = ds.spec?.template ?? {};
	const hash = safeEncode(String(fnv1a32(stableJSON(template))));
	const eligible = eligibleNodes(ctx.nodes, template.spec, { daemon: true });
	const states = plan(eligible.length, simulate, ctx);
	const labels = {
		...(template.metadata?.labels ?? {}),
		'controller-revision-hash': hash,
		'pod-template-generation': '1',
	};
	const names = new Set<string>();
	return states.map((state, i) => {
		const node = eligible[i % Math.max(1, eligible.length)];
		const podName = generateName(`${name}-`, `${ns}/${name}/${node?.metadata?.name ?? ''}/${i}`, names);
		names.add(podName);
		return buildPod(
			{
				name: podName,
				generateName: `${name}-`,
				namespace: ns,
				labels: { ...labels },
				owner: ownerRef(ds, 'apps/v1', 'DaemonSet'),
				template,
				state,
				node,
			},
			ctx,
		);
	});
}

function expandJob(job: Job, simulate: SimulateSpec | undefined, ctx: Ctx): Pod[] {
	const name = job.metadata!.name!;
	const ns = job.metadata!.namespace!;
	const spec = job.spec ?? {};
	const template = spec.template ?? {};
	const parallelism = spec.parallelism ?? 1;
	const active = spec.suspend
		? 0
		: spec.completions === undefined
			? parallelism
			: Math.min(parallelism, spec.completions);
	const states = plan(active, simulate, ctx);
	const indexed = spec.completionMode === 'Indexed';
	const eligible = eligibleNodes(ctx.nodes, template.spec);
	reportUnschedulable(ctx, 'Job', name, states.length, eligible);
	const pick = nodePicker(eligible, `${ns}/${name}`);
	const names = new Set<string>();
	return states.map((state, i) => {
		const prefix = indexed ? `${name}-${i}-` : `${name}-`;
		const podName = generateName(prefix, `${ns}/${name}/${i}`, names);
		names.add(podName);
		const labels = {
			...(template.metadata?.labels ?? {}),
			...(indexed ? { 'batch.kubernetes.io/job-completion-index': String(i) } : {}),
		};
		return buildPod(
			{
				name: podName,
				generateName: prefix,
				namespace: ns,
				labels,
				...(indexed ? { annotations: { 'batch.kubernetes.io/job-completion-index': String(i) } } : {}),
				owner: ownerRef(job, 'batch/v1', 'Job'),
				template,
				...(indexed && !template.spec?.hostname ? { hostname: `${name}-${i}` } : {}),
				state,
				node: pick(),
			},
			ctx,
		);
	});
}

function cronJobRun(cj: CronJob, ctx: Ctx): Job {
	const name = cj.metadata!.name!;
	const ns = cj.metadata!.namespace!;
	const t = Date.parse(ctx.profile.now);
	const minutes = Number.isNaN(t) ? 0 : Math.floor(t / 60000);
	const jobName = `${name}-${minutes}`;
	const jt = cj.spec?.jobTemplate ?? {};
	const job: Job = {
		apiVersion: 'batch/v1',
		kind: 'Job',
		metadata: {
			name: jobName,
			namespace: ns,
			...(jt.metadata?.labels ? { labels: { ...jt.metadata.labels } } : {}),
			annotations: {
				...(jt.metadata?.annotations ?? {}),
				'batch.kubernetes.io/cronjob-scheduled-timestamp': ctx.profile.now,
			},
			ownerReferences: [ownerRef(cj, 'batch/v1', 'CronJob')],
		},
		spec: cloneJSON(jt.spec ?? {}),
	};
	return defaultWorkload(job, ctx.profile);
}

/** Chooses the node of a bare pod: its `spec.nodeName` (even when that node is unknown), else round-robin. */
function bareNode(pod: Pod, ctx: Ctx): Node | undefined {
	const nodeName = pod.spec?.nodeName;
	if (nodeName) {
		return ctx.nodes.find((n) => n.metadata?.name === nodeName) ?? { metadata: { name: nodeName } };
	}
	const eligible = eligibleNodes(ctx.nodes, pod.spec);
	return nodePicker(eligible, `${pod.metadata?.namespace}/${pod.metadata?.name}`)();
}

/**
 * Expands a workload (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob) or a bare Pod into candidate
 * pods, defaulting it first. A bare Pod with a `status` is returned as written (defaulted metadata and spec); one
 * without gets a node, IPs and a Ready condition like any other pod. Never throws; see `problems`.
 */
export function expandWorkload(raw: Workload | Pod, options: ExpandOptions = {}): WorkloadExpansion {
	const profile = resolveClusterProfile(options.profile);
	const ctx: Ctx = {
		profile,
		nodes: options.nodes ?? syntheticNodes({ profile }),
		ips: options.allocatedIPs ?? new Set<string>(),
		problems: [],
	};
	const dctx = options.defaultNamespace ? { defaultNamespace: options.defaultNamespace } : {};
	if (raw.kind === 'Pod') {
		const pod = defaultPod(raw as Pod, profile, dctx);
		const simulate = simulateFor(pod, options, ctx);
		if (pod.status === undefined) {
			const state = simulate ? (plan(1, simulate, ctx)[0] ?? 'ready') : 'ready';
			const node = bareNode(pod, ctx);
			if (node?.metadata?.name) {
				pod.spec = { ...pod.spec, nodeName: node.metadata.name };
			}
			pod.status = simulatedStatus(pod, state, node, ctx);
			if (state === 'terminating' || state === 'terminatingNotReady') {
				const grace = pod.spec?.terminationGracePeriodSeconds ?? 30;
				pod.metadata!.deletionTimestamp = addSeconds(profile.now, grace);
				pod.metadata!.deletionGracePeriodSeconds = grace;
			}
		} else {
			for (const ip of pod.status.podIPs ?? []) {
				ctx.ips.add(ip.ip);
			}
		}
		return { workload: pod, pods: [pod], owned: [], ...(simulate ? { simulate } : {}), problems: ctx.problems };
	}
	const obj = defaultWorkload(raw as Workload, profile, dctx);
	const simulate = simulateFor(obj, options, ctx);
	let pods: Pod[] = [];
	const owned: TypedObject[] = [];
	switch (obj.kind) {
		case 'Deployment': {
			const r = expandDeployment(obj as Deployment, simulate, ctx);
			pods = r.pods;
			owned.push(...r.owned);
			break;
		}
		case 'ReplicaSet': {
			const rs = obj as ReplicaSet;
			const template = rs.spec?.template ?? {};
			pods = expandReplicaSetLike(
				rs,
				'apps/v1',
				'ReplicaSet',
				rs.metadata!.name!,
				template,
				template.metadata?.labels ?? {},
				plan(rs.spec?.replicas ?? 1, simulate, ctx),
				ctx,
			);
			break;
		}
		case 'StatefulSet':
			pods = expandStatefulSet(obj as StatefulSet, simulate, ctx);
			break;
		case 'DaemonSet':
			pods = expandDaemonSet(obj as DaemonSet, simulate, ctx);
			break;
		case 'Job':
			pods = expandJob(obj as Job, simulate, ctx);
			break;
		case 'CronJob': {
			const cj = obj as CronJob;
			if (!cj.spec?.suspend) {
				const job = cronJobRun(cj, ctx);
				owned.push(job);
				pods = expandJob(job, simulate, ctx);
			}
			break;
		}
	}
	return { workload: obj, pods, owned, ...(simulate ? { simulate } : {}), problems: ctx.problems };
}
