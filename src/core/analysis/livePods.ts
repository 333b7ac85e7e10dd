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
 * workload owns, then the pods the workspace workloads expand to. `replaced` lists the live pods left out.
 */
export function desiredPods(
	livePods: readonly Pod[],
	workloads: readonly WorkloadModel[],
): { pods: Pod[]; kept: Pod[]; replaced: Pod[] } {
	const kept: Pod[] = [];
	const replaced: Pod[] = [];
	for (const pod of livePods) {
		(workloadOwningLivePod(pod, workloads) ? replaced : kept).push(pod);
	}
	return { pods: [...kept, ...workloads.flatMap((w) => w.pods)], kept, replaced };
}
