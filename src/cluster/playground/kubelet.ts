/**
 * The simulated kubelet's pod statuses, as pure functions: what the scheduler and the kubelet write into
 * `spec.nodeName` and `status` at each step of a pod's life, and which end state a pod built by the workspace model
 * asks for.
 *
 * The steps (the playground schedules them on its clock, see `playground.ts`):
 *   created (phase Pending, no node) → scheduled (nodeName, PodScheduled=True) → started (phase Running, hostIP,
 *   podIP/podIPs, Ready=False) → ready (Ready=True)
 * with end states taken from the `endpointlens.io/simulate` annotation: `pending` stops after scheduling (the kubelet
 * reports ContainersNotReady, no IP), `notReady` stops once started, `failed`/`succeeded` end in a terminal phase,
 * `terminating`/`terminatingNotReady` end marked for deletion, and a pod no node can take stays Pending with
 * PodScheduled=False.
 *
 * Condition `lastTransitionTime`s change only when a condition's status changes, as the kubelet does: the Ready
 * condition's time is what the trigger-time tracker reads.
 */
import type { PodState } from '../../core/manifests/workloads';
import type { IPFamily, Node, Pod, PodCondition, PodStatus } from '../../core/k8s/types';

/** What the kubelet drives a pod towards: a simulate state, a pod no node can take, or a status written by hand. */
export type PodTarget = PodState | 'unschedulable' | 'asWritten';

/** The Ready condition's status. */
function readyOf(pod: Pod): boolean {
	return (pod.status?.conditions ?? []).find((c) => c.type === 'Ready')?.status === 'True';
}

/**
 * The end state a pod built by the workspace model asks for, read back from its simulated status: marked for
 * deletion → terminating (ready or not), Failed/Succeeded → failed/succeeded, no node → unschedulable, Pending →
 * pending, otherwise ready or notReady after its Ready condition.
 */
export function targetOf(pod: Pod): Exclude<PodTarget, 'asWritten'> {
	const ready = readyOf(pod);
	if (pod.metadata?.deletionTimestamp) {
		return ready ? 'terminating' : 'terminatingNotReady';
	}
	const phase = pod.status?.phase;
	if (phase === 'Failed') {
		return 'failed';
	}
	if (phase === 'Succeeded') {
		return 'succeeded';
	}
	if (!pod.spec?.nodeName) {
		return 'unschedulable';
	}
	if (phase === 'Pending') {
		return 'pending';
	}
	return ready ? 'ready' : 'notReady';
}

/** Whether pods in this end state count towards a workload's replicas (the others are extras a rollout leaves). */
export function isReplicaTarget(target: PodTarget): boolean {
	return target === 'ready' || target === 'notReady' || target === 'pending' || target === 'unschedulable';
}

/**
 * Sets a condition, keeping its `lastTransitionTime` (and the position in the list) when the status is unchanged.
 * `reason`/`message` are replaced (removed when not given).
 */
export function withCondition(
	conditions: readonly PodCondition[] | undefined,
	type: string,
	status: boolean,
	now: string,
	reason?: string,
	message?: string,
): PodCondition[] {
	const value = status ? 'True' : 'False';
	const out = [...(conditions ?? [])];
	const i = out.findIndex((c) => c.type === type);
	const previous = i >= 0 ? out[i] : undefined;
	const next: PodCondition = {
		type,
		status: value,
		lastTransitionTime: previous && previous.status === value ? previous.lastTransitionTime : now,
	};
	if (reason) {
		next.reason = reason;
	}
	if (message) {
		next.message = message;
	}
	if (i >= 0) {
		out[i] = next;
	} else {
		out.push(next);
	}
	return out;
}

/** `containers with unready status: [a b]`, the kubelet's message. */
function unreadyMessage(pod: Pod): string {
	return `containers with unready status: [${(pod.spec?.containers ?? []).map((c) => c.name).join(' ')}]`;
}

/** The status of a pod the API server just created: Pending, nothing else. */
export function createdStatus(): PodStatus {
	return { phase: 'Pending' };
}

/** The scheduler bound the pod: PodScheduled=True. */
export function scheduledStatus(pod: Pod, now: string): PodStatus {
	return {
		...pod.status,
		phase: 'Pending',
		conditions: withCondition(pod.status?.conditions, 'PodScheduled', true, now),
	};
}

/** No node can take the pod: PodScheduled=False, reason Unschedulable. */
export function unschedulableStatus(pod: Pod, nodeCount: number, now: string): PodStatus {
	return {
		...pod.status,
		phase: 'Pending',
		conditions: withCondition(
			pod.status?.conditions,
			'PodScheduled',
			false,
			now,
			'Unschedulable',
			`0/${nodeCount} nodes are available for this pod`,
		),
	};
}

/** The order in which the kubelet lists a running pod's conditions. */
const conditionOrder = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];

function ordered(conditions: PodCondition[]): PodCondition[] {
	const rank = (c: PodCondition) => {
		const i = conditionOrder.indexOf(c.type);
		return i < 0 ? conditionOrder.length : i;
	};
	return [...conditions].sort((a, b) => rank(a) - rank(b));
}

/** The kubelet picked the pod up but its containers are not running yet (image pull): still Pending, no IP. */
export function containersCreatingStatus(pod: Pod, hostIP: string | undefined, now: string): PodStatus {
	let c = pod.status?.conditions;
	c = withCondition(c, 'PodReadyToStartContainers', false, now);
	c = withCondition(c, 'Initialized', true, now);
	c = withCondition(c, 'Ready', false, now, 'ContainersNotReady', unreadyMessage(pod));
	c = withCondition(c, 'ContainersReady', false, now, 'ContainersNotReady', unreadyMessage(pod));
	c = withCondition(c, 'PodScheduled', true, now);
	const status: PodStatus & { startTime?: string } = { phase: 'Pending', conditions: ordered(c) };
	if (hostIP) {
		status.hostIP = hostIP;
	}
	status.startTime = now;
	return status;
}

/**
 * The containers started: phase Running (or the terminal phase of a `failed`/`succeeded` pod), hostIP, podIP and
 * podIPs (primary family first), Ready=False until the readiness probe passes.
 */
export function startedStatus(
	pod: Pod,
	args: {
		hostIP: string | undefined;
		ips: readonly string[];
		phase: 'Running' | 'Failed' | 'Succeeded';
		now: string;
	},
): PodStatus {
	const { now, phase } = args;
	const reason = phase === 'Failed' ? 'PodFailed' : phase === 'Succeeded' ? 'PodCompleted' : 'ContainersNotReady';
	const message = phase === 'Running' ? unreadyMessage(pod) : undefined;
	let c = pod.status?.conditions;
	c = withCondition(c, 'PodReadyToStartContainers', phase === 'Running', now);
	c = withCondition(c, 'Initialized', true, now);
	c = withCondition(c, 'Ready', false, now, reason, message);
	c = withCondition(c, 'ContainersReady', false, now, reason, message);
	c = withCondition(c, 'PodScheduled', true, now);
	const status: PodStatus & { startTime?: string } = { phase, conditions: ordered(c) };
	if (args.hostIP) {
		status.hostIP = args.hostIP;
	}
	if (args.ips.length > 0) {
		status.podIP = args.ips[0];
		status.podIPs = args.ips.map((ip) => ({ ip }));
	}
	status.startTime = (pod.status as { startTime?: string } | undefined)?.startTime ?? now;
	return status;
}

/** The readiness probe passed (or started failing): Ready and ContainersReady follow. */
export function readinessStatus(pod: Pod, ready: boolean, now: string): PodStatus {
	const reason = ready ? undefined : 'ContainersNotReady';
	const message = ready ? undefined : unreadyMessage(pod);
	let c = pod.status?.conditions;
	c = withCondition(c, 'Ready', ready, now, reason, message);
	c = withCondition(c, 'ContainersReady', ready, now, reason, message);
	return { ...pod.status, conditions: ordered(c) };
}

/** The node's InternalIP of `family` (else its first InternalIP): the pod's hostIP. */
export function hostIPOf(node: Node | undefined, family: IPFamily): string | undefined {
	const internal = (node?.status?.addresses ?? []).filter((a) => a.type === 'InternalIP');
	const want = internal.find((a) => (family === 'IPv6') === a.address.includes(':'));
	return (want ?? internal[0])?.address;
}

/** The pod's IPs as the model wrote them: `status.podIPs`, else `status.podIP`. */
export function podIPsOf(pod: Pod): string[] {
	const ips = (pod.status?.podIPs ?? []).map((p) => p.ip).filter((ip): ip is string => typeof ip === 'string');
	if (ips.length > 0) {
		return ips;
	}
	return pod.status?.podIP ? [pod.status.podIP] : [];
}

/** Formats a clock reading the way the API server writes `metav1.Time`: RFC3339 UTC, whole seconds. */
export function apiTime(ms: number): string {
	return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.000Z$/, 'Z');
}
