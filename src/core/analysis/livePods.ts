/**
 * Live pods against workspace workloads: which live pods a workload defined in the files already runs, so that a
 * prediction "with the cluster" replaces them by the workload's template instead of counting them twice.
 *
 * Ownership follows the controllers' naming, read from the pod's controller ownerReference:
 * - ReplicaSet `<deployment>-<pod-template-hash>` → that Deployment (or a ReplicaSet of that name in the files);
 * - StatefulSet, DaemonSet, Job: the owner's name;
 * - Job `<cronjob>-<scheduled time in minutes>` → that CronJob;
 * - no controller: a bare Pod of the same name in the files.
 */
import type { Pod } from '../k8s/types';
import type { WorkloadModel } from '../manifests/workspace';

function controllerOf(pod: Pod): { kind: string; name: string } | undefined {
	const owners = pod.metadata?.ownerReferences ?? [];
	const ref = owners.find((o) => o.controller) ?? undefined;
	return ref?.kind && ref.name ? { kind: ref.kind, name: ref.name } : undefined;
}

/** The workspace workload whose controller runs this live pod, if any (same namespace only). */
export function workloadOwningLivePod(pod: Pod, workloads: readonly WorkloadModel[]): WorkloadModel | undefined {
	const namespace = pod.metadata?.namespace ?? 'default';
	const inNamespace = (w: WorkloadModel) => (w.namespace ?? 'default') === namespace;
	const owner = controllerOf(pod);
	if (!owner) {
		const name = pod.metadata?.name;
		return workloads.find((w) => w.kind === 'Pod' && w.name === name && inNamespace(w));
	}
	switch (owner.kind) {
		case 'ReplicaSet': {
			const hash = pod.metadata?.labels?.['pod-template-hash'];
			return workloads.find(
				(w) =>
					inNamespace(w) &&
					((w.kind === 'ReplicaSet' && w.name === owner.name) ||
						(w.kind === 'Deployment' &&
							(hash ? owner.name === `${w.name}-${hash}` : owner.name.startsWith(`${w.name}-`) && !owner.name.slice(w.name.length + 1).includes('-')))),
			);
		}
		case 'StatefulSet':
		case 'DaemonSet':
			return workloads.find((w) => inNamespace(w) && w.kind === owner.kind && w.name === owner.name);
		case 'Job':
			return workloads.find(
				(w) =>
					inNamespace(w) &&
					((w.kind === 'Job' && w.name === owner.name) ||
						(w.kind === 'CronJob' && owner.name.startsWith(`${w.name}-`) && /^\d+$/.test(owner.name.slice(w.name.length + 1)))),
			);
		default:
			return undefined;
	}
}

/**
 * The pods a namespace would run once the workspace's workloads are applied: every live pod that no workspace
 * workload owns, and per workload, what its controller would do. A workload whose template is unchanged (for
 * endpoints: labels and declared ports; see `samePodTemplate`) keeps its live pods and scales to its
 * replica count — a ReplicaSet keeps ready and older pods first, a StatefulSet keeps ordinals, a DaemonSet one pod
 * per node. A changed template is a rollout: every live pod is replaced by the template's pods.
 */
export function desiredPods(
	livePods: readonly Pod[],
	workloads: readonly WorkloadModel[],
): { pods: Pod[]; kept: Pod[]; replaced: Pod[]; added: Pod[]; byWorkload: WorkloadPods[] } {
	const unowned: Pod[] = [];
	const owned = new Map<WorkloadModel, Pod[]>();
	for (const pod of livePods) {
		const w = workloadOwningLivePod(pod, workloads);
		if (w) {
			owned.set(w, [...(owned.get(w) ?? []), pod]);
		} else {
			unowned.push(pod);
		}
	}
	const byWorkload = workloads.map((w) => matchWorkload(w, owned.get(w) ?? []));
	const kept = [...unowned, ...byWorkload.flatMap((w) => w.kept)];
	const added = byWorkload.flatMap((w) => w.added);
	return { pods: [...kept, ...added], kept, replaced: byWorkload.flatMap((w) => w.removed), added, byWorkload };
}

/** Labels the workload controllers add to pods: not part of what a manifest's template says. */
const generatedLabels = new Set([
	'pod-template-hash',
	'controller-revision-hash',
	'statefulset.kubernetes.io/pod-name',
	'apps.kubernetes.io/pod-index',
	'pod-template-generation',
	'batch.kubernetes.io/controller-uid',
	'batch.kubernetes.io/job-name',
	'controller-uid',
	'job-name',
	'batch.kubernetes.io/job-completion-index',
]);

function templateLabels(pod: Pod): string {
	return stableLabels(Object.entries(pod.metadata?.labels ?? {}).filter(([k]) => !generatedLabels.has(k)));
}

function stableLabels(entries: [string, string][]): string {
	return entries
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
		.map(([k, v]) => `${k}=${v}`)
		.join(',');
}

function declaredPorts(pod: Pod): string {
	return [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]
		.flatMap((c) => (c.ports ?? []).map((p) => `${c.name}/${p.name ?? ''}/${p.containerPort}/${p.protocol ?? 'TCP'}`))
		.sort()
		.join(',');
}

/**
 * Whether a live pod runs what the template would run, as far as endpoints can tell: the same labels (apart from
 * those the controllers add), and the same declared ports. Such a pod survives an apply
 * that does not change the template; any other difference means a rollout replaces it.
 */
export function samePodTemplate(live: Pod, planned: Pod): boolean {
	return (
		templateLabels(live) === templateLabels(planned) &&
		declaredPorts(live) === declaredPorts(planned)
	);
}

function isReady(pod: Pod): boolean {
	return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** The order in which a ReplicaSet keeps pods when it scales down: ready before not ready, older before newer. */
function keepOrder(a: Pod, b: Pod): number {
	const ready = Number(isReady(b)) - Number(isReady(a));
	if (ready !== 0) {
		return ready;
	}
	const ta = a.metadata?.creationTimestamp ?? '';
	const tb = b.metadata?.creationTimestamp ?? '';
	return ta < tb ? -1 : ta > tb ? 1 : (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
}

/** What applying one workload does to its live pods. */
export interface WorkloadPods {
	workload: WorkloadModel;
	/** The live pods the workload's controller runs now (terminating ones included). */
	live: Pod[];
	/** Live pods that stay (terminating ones stay until they are gone). */
	kept: Pod[];
	/** Live pods the apply removes: a scale-down, or every pod of a rollout. */
	removed: Pod[];
	/** Pods of the template that the apply adds. */
	added: Pod[];
	/** Whether the template changed (for endpoints): every live pod is replaced. */
	rollout: boolean;
}

/** How one workload's live pods and its planned pods meet. */
function matchWorkload(workload: WorkloadModel, owned: readonly Pod[]): WorkloadPods {
	const terminating = owned.filter((p) => p.metadata?.deletionTimestamp);
	const running = owned.filter((p) => !p.metadata?.deletionTimestamp);
	const planned = workload.pods;
	const template = planned[0];
	if (!template || running.length === 0 || !running.every((p) => samePodTemplate(p, template))) {
		return { workload, live: [...owned], kept: terminating, removed: running, added: [...planned], rollout: running.length > 0 && !!template };
	}
	let kept: Pod[];
	let added: Pod[];
	if (workload.kind === 'StatefulSet' || workload.kind === 'Pod') {
		// Pods keep their names (ordinals): a live pod stays if the plan has a pod of that name.
		const plannedNames = new Set(planned.map((p) => p.metadata?.name));
		kept = running.filter((p) => plannedNames.has(p.metadata?.name));
		const keptNames = new Set(kept.map((p) => p.metadata?.name));
		added = planned.filter((p) => !keptNames.has(p.metadata?.name));
	} else if (workload.kind === 'DaemonSet') {
		// One pod per node: a live pod stays on a node the plan runs a pod on.
		const plannedNodes = new Set(planned.map((p) => p.spec?.nodeName));
		kept = running.filter((p) => plannedNodes.has(p.spec?.nodeName));
		const keptNodes = new Set(kept.map((p) => p.spec?.nodeName));
		added = planned.filter((p) => !keptNodes.has(p.spec?.nodeName));
	} else {
		kept = [...running].sort(keepOrder).slice(0, planned.length);
		// New pods get new names: the planned pods that are not live already.
		const liveNames = new Set(running.map((p) => p.metadata?.name));
		added = planned.filter((p) => !liveNames.has(p.metadata?.name)).slice(0, planned.length - kept.length);
	}
	const keptSet = new Set(kept);
	return {
		workload,
		live: [...owned],
		kept: [...kept, ...terminating],
		removed: running.filter((p) => !keptSet.has(p)),
		added,
		rollout: false,
	};
}
