/**
 * Controller-level decisions of the EndpointSlice mirroring controller, after upstream
 * `pkg/controller/endpointslicemirroring/endpointslicemirroring_controller.go` (syncEndpoints, shouldMirror,
 * deleteMirroredSlices, endpointSlicesMirroredForService).
 *
 * A user-written Endpoints object is mirrored only while it exists, is not labelled skip-mirror=true, carries no
 * leader-election annotation, and a Service of the same name exists with no selector at all (absent or null; `{}`
 * is a selector). As soon as one of these stops holding, the slices mirrored earlier are deleted. The in-memory
 * playground calls `syncMirroring` for every queued Endpoints key; the CLI's `mirroring-reconcile` goes straight to
 * `reconcileMirroring`.
 */
import type { Endpoints, EndpointSlice, Service } from '../../k8s/types';
import type { MirroringAction, MirroringResult } from './reconciler';
import { defaultMaxEndpointsPerSubset, isMirroredSliceFor, reconcileMirroring } from './reconciler';
import { defaultMirroringControllerName, hasLeaderElection, skipMirror } from './utils';

/**
 * `endpointSlicesMirroredForService`: the slices among `slices` that the mirroring controller considers its own for
 * namespace/name (labelled service-name=name and managed-by=controllerName, in that namespace).
 */
export function endpointSlicesMirroredForService(
	slices: readonly EndpointSlice[],
	namespace: string | undefined,
	name: string,
	controllerName = defaultMirroringControllerName,
): EndpointSlice[] {
	return slices.filter((s) => isMirroredSliceFor(s, namespace, name, controllerName));
}

/**
 * Whether the Endpoints object should be mirrored now (§9 of the semantics reference): it exists, is not labelled
 * `endpointslice.kubernetes.io/skip-mirror: "true"`, has no `control-plane.alpha.kubernetes.io/leader` annotation,
 * and a Service of the same name exists whose selector is absent or null. Upstream's own `shouldMirror` checks only
 * the Endpoints; `syncEndpoints` adds the Service conditions, and both are folded in here.
 */
export function shouldMirror(
	endpoints: Endpoints | null | undefined,
	service: Service | null | undefined,
): boolean {
	if (
		endpoints == null ||
		skipMirror(endpoints.metadata?.labels) ||
		hasLeaderElection(endpoints.metadata?.annotations)
	) {
		return false;
	}
	return service != null && service.spec?.selector == null;
}

/** Input of one controller sync for the Endpoints key namespace/name. */
export interface SyncMirroringInput {
	/** The Service of the same name, or undefined/null when there is none. */
	service?: Service | null;
	/** The Endpoints object, or undefined/null when it does not exist (was deleted). */
	endpoints?: Endpoints | null;
	/** The slices in the cluster (at least those of this namespace); the controller picks its own. */
	existingSlices?: EndpointSlice[];
	/** The key's namespace, when neither the Endpoints nor the Service carries one. */
	namespace?: string;
	/** The key's name, when neither the Endpoints nor the Service is given. */
	name?: string;
	/** `--mirroring-max-endpoints-per-subset` (default 1000). */
	maxEndpointsPerSubset?: number;
	/** The managed-by value (default `endpointslicemirroring-controller.k8s.io`). */
	controllerName?: string;
}

/** A sync's outcome: the reconcile result, plus whether mirroring applied at all. */
export interface SyncMirroringResult extends MirroringResult {
	/** True when the Endpoints was reconciled; false when previously mirrored slices were only cleaned up. */
	mirrored: boolean;
}

/**
 * `deleteMirroredSlices` → `reconciler.deleteEndpoints`: deletes every slice mirrored for namespace/name, in input
 * order, and leaves the others.
 */
function deleteMirroredSlices(
	slices: readonly EndpointSlice[],
	namespace: string | undefined,
	name: string,
	controllerName: string,
): SyncMirroringResult {
	const doomed = new Set(endpointSlicesMirroredForService(slices, namespace, name, controllerName));
	const actions: MirroringAction[] = [...doomed].map((s) => ({ verb: 'delete', object: structuredClone(s) }));
	return {
		actions,
		slices: slices.filter((s) => !doomed.has(s)).map((s) => structuredClone(s)),
		events: [],
		error: null,
		mirrored: false,
	};
}

/**
 * `syncEndpoints`: one controller sync for an Endpoints key. Deletes the previously mirrored slices when the
 * Endpoints is gone, opts out (skip-mirror label, leader annotation), or its Service is missing or has a selector;
 * otherwise reconciles it (`reconcileMirroring`). Never throws.
 */
export function syncMirroring(input: SyncMirroringInput): SyncMirroringResult {
	const slices = input.existingSlices ?? [];
	const controllerName = input.controllerName ?? defaultMirroringControllerName;
	const name = input.endpoints?.metadata?.name ?? input.service?.metadata?.name ?? input.name;
	const namespace = input.endpoints?.metadata?.namespace ?? input.service?.metadata?.namespace ?? input.namespace;
	if (!name) {
		return {
			actions: [],
			slices: slices.map((s) => structuredClone(s)),
			events: [],
			error: 'syncMirroring needs a name: from the Endpoints, the Service or `name`',
			mirrored: false,
		};
	}
	if (!shouldMirror(input.endpoints, input.service)) {
		return deleteMirroredSlices(slices, namespace, name, controllerName);
	}
	const result = reconcileMirroring({
		endpoints: input.endpoints!,
		existingSlices: slices,
		maxEndpointsPerSubset: input.maxEndpointsPerSubset ?? defaultMaxEndpointsPerSubset,
		controllerName,
	});
	return { ...result, mirrored: true };
}
