/**
 * Hints for `spec.trafficDistribution`, following `k8s.io/endpointslice/trafficdist/trafficdist.go` (KEP-4444 and
 * KEP-3015), in the version where the heuristic itself accepts all three values and handles PreferSameNode.
 *
 * Two heuristics:
 * - "close" (`PreferClose`, its newer name `PreferSameZone`, and `PreferSameNode`): every ready endpoint is hinted to
 *   its own zone, if it has one. With `PreferSameNode` it is also hinted to its own node, if it has one. An endpoint
 *   with neither loses its hints. Since v1.33 no placeholder hint is written for endpoints without a zone. Hints of
 *   endpoints that are not ready are left as they are.
 * - "default" (anything else, including unset): all hints are removed.
 *
 * Which values are *valid* for the cluster (the `PreferSameTrafficDistribution` gate, or the topology annotation taking
 * precedence) is the reconciler's decision (`validTrafficDistribution` upstream), not this module's.
 *
 * As upstream, Go's `Zone != nil` and `NodeName != nil` are presence checks. A zone of `""` is still a zone here and
 * yields a `""` hint (the topology cache, by contrast, treats `""` as missing). Creates and updates are mutated in
 * place; unchanged slices never are: one that needs new hints is deep-copied into the update list.
 */
import type { EndpointHints, EndpointSlice } from '../../k8s/types';
import { endpointReady } from './sliceInfo';

/** Deprecated alias of `PreferSameZone` (GA in v1.33). */
export const trafficDistributionPreferClose = 'PreferClose';
/** Prefer endpoints in the client's zone (KEP-3015). */
export const trafficDistributionPreferSameZone = 'PreferSameZone';
/** Prefer endpoints on the client's node, then in its zone (KEP-3015). */
export const trafficDistributionPreferSameNode = 'PreferSameNode';

/** The values for which the "close" heuristic applies (upstream `closeTrafficDistribution`). */
const closeTrafficDistribution: ReadonlySet<string> = new Set([
	trafficDistributionPreferClose,
	trafficDistributionPreferSameZone,
	trafficDistributionPreferSameNode,
]);

interface Heuristic {
	/** Whether an unchanged slice has hints this heuristic would change. */
	needsUpdate(slice: EndpointSlice): boolean;
	/** Rewrites the slice's hints in place. */
	update(slice: EndpointSlice): void;
}

/** Upstream `defaultHeuristic`: cluster-wide routing, so no endpoint should carry hints. */
const defaultHeuristic: Heuristic = {
	needsUpdate(slice) {
		return (slice.endpoints ?? []).some((ep) => ep.hints !== undefined);
	},
	update(slice) {
		for (const ep of slice.endpoints ?? []) {
			delete ep.hints;
		}
	},
};

/** Upstream `preferCloseHeuristic`: same-zone hints, plus same-node hints when `generateNodeHints`. */
function preferCloseHeuristic(generateNodeHints: boolean): Heuristic {
	return {
		needsUpdate(slice) {
			for (const ep of slice.endpoints ?? []) {
				if (!endpointReady(ep)) {
					continue;
				}
				const forZones = ep.hints?.forZones ?? [];
				if (ep.zone !== undefined) {
					if (forZones.length !== 1 || forZones[0]?.name !== ep.zone) {
						return true;
					}
				} else if (forZones.length > 0) {
					return true;
				}

				const forNodes = ep.hints?.forNodes ?? [];
				if (ep.nodeName !== undefined && generateNodeHints) {
					if (forNodes.length !== 1 || forNodes[0]?.name !== ep.nodeName) {
						return true;
					}
				} else if (forNodes.length > 0) {
					return true;
				}
			}
			return false;
		},
		update(slice) {
			for (const ep of slice.endpoints ?? []) {
				if (!endpointReady(ep)) {
					continue;
				}
				const hints: EndpointHints = {};
				if (ep.zone !== undefined) {
					hints.forZones = [{ name: ep.zone }];
				}
				if (ep.nodeName !== undefined && generateNodeHints) {
					hints.forNodes = [{ name: ep.nodeName }];
				}
				if (hints.forZones || hints.forNodes) {
					ep.hints = hints;
				} else {
					delete ep.hints;
				}
			}
		},
	};
}

/**
 * Upstream `ReconcileHints`: brings the hints of the given slices in line with `trafficDistribution`. Unchanged slices
 * with missing, wrong or stale hints are deep-copied and appended to the update list; then every create and update
 * slice gets its hints rewritten in place. `changed` is the number of unchanged slices that moved to the update list
 * (upstream returns the remaining unchanged slices instead). The input arrays are not modified.
 */
export function reconcileHints(
	trafficDistribution: string | undefined,
	toCreate: EndpointSlice[],
	toUpdate: EndpointSlice[],
	unchanged: readonly EndpointSlice[],
): { toCreate: EndpointSlice[]; toUpdate: EndpointSlice[]; changed: number } {
	const h =
		trafficDistribution !== undefined && closeTrafficDistribution.has(trafficDistribution)
			? preferCloseHeuristic(trafficDistribution === trafficDistributionPreferSameNode)
			: defaultHeuristic;

	const updates = [...toUpdate];
	let changed = 0;
	for (const slice of unchanged) {
		if (h.needsUpdate(slice)) {
			updates.push(structuredClone(slice));
			changed++;
		}
	}

	for (const slice of toCreate) {
		h.update(slice);
	}
	for (const slice of updates) {
		h.update(slice);
	}
	return { toCreate, toUpdate: updates, changed };
}
