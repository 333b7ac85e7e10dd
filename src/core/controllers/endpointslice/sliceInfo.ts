/**
 * The per-address-type bundle of EndpointSlices that the reconciler hands to the hint machinery, mirroring
 * `k8s.io/endpointslice/topologycache/sliceinfo.go` (SliceInfo, getTotalReadyEndpoints, getAllocatedHintsByZone).
 *
 * Upstream keeps the helpers these need (EndpointReady, numReadyEndpoints, getHintsByZone) in `utils.go` and the
 * `allocation` type in `topologycache.go`. They live here instead so that this module depends on nothing and
 * `topologyCache.ts` can import from it without an import cycle.
 *
 * Go's SliceInfo methods mutate the struct. Here they are functions over a plain object: they replace `si.toUpdate`
 * and `si.unchanged` with new arrays (never writing into the arrays the caller passed) and never modify a slice that
 * sits in `si.unchanged`; a slice that has to change is deep-copied (structuredClone) and the copy moves to
 * `si.toUpdate`, as upstream does with DeepCopy.
 *
 * Go maps become `Map`s. Where upstream's result depends on map iteration order it does not here: only sums and
 * all-or-nothing checks iterate maps in this module.
 */
import type { Endpoint, EndpointSlice } from '../../k8s/types';

/** The EndpointSlices of one Service and one address type, as the reconciler has sorted them (upstream SliceInfo). */
export interface SliceInfo {
	/** `namespace/name` of the Service. */
	serviceKey: string;
	/** `IPv4`, `IPv6` or `FQDN`. */
	addressType: string;
	/** Slices the reconciler will create. They are the reconciler's own objects and may be mutated. */
	toCreate: EndpointSlice[];
	/** Slices the reconciler will update. They are the reconciler's own objects and may be mutated. */
	toUpdate: EndpointSlice[];
	/** Existing slices the reconciler leaves alone. Never mutated: a slice that must change is copied first. */
	unchanged: EndpointSlice[];
}

/** A Kubernetes Event the hint machinery asks the controller to record on the Service (upstream EventBuilder). */
export interface HintEvent {
	/** The Event's `type`. */
	type: 'Normal' | 'Warning';
	/** The Event's `reason`, e.g. `TopologyAwareHintsDisabled`. */
	reason: string;
	/** The Event's `message`, normally ending in `, addressType: <type>`. */
	message: string;
}

/** Number of endpoints (or hints) per zone name (upstream EndpointZoneInfo). Keys with value 0 can exist. */
export type EndpointZoneInfo = Map<string, number>;

/** How many endpoints one zone should get (upstream `allocation`). */
export interface Allocation {
	/** Fewest endpoints the zone may have without its endpoints exceeding the overload threshold. */
	minimum: number;
	/** Most endpoints the zone may have while every other zone still gets its minimum. */
	maximum: number;
	/** The CPU-proportional share, raised to `minimum` if that is larger. Fractional. */
	desired: number;
}

/** Upstream `EndpointReady`: the `ready` condition is explicitly true (absent counts as not ready). */
export function endpointReady(endpoint: Endpoint): boolean {
	return endpoint.conditions?.ready === true;
}

/** Upstream `numReadyEndpoints`: how many of the endpoints are ready. */
export function numReadyEndpoints(endpoints: readonly Endpoint[] | null | undefined): number {
	let total = 0;
	for (const ep of endpoints ?? []) {
		if (endpointReady(ep)) {
			total++;
		}
	}
	return total;
}

/** Upstream `SliceInfo.getTotalReadyEndpoints`: ready endpoints across create, update and unchanged slices. */
export function getTotalReadyEndpoints(si: SliceInfo): number {
	let total = 0;
	for (const list of [si.toCreate, si.toUpdate, si.unchanged]) {
		for (const slice of list) {
			total += numReadyEndpoints(slice.endpoints);
		}
	}
	return total;
}

/**
 * Upstream `getHintsByZone`: how many zone hints the ready endpoints of `slice` carry, per zone, or `undefined` when
 * the slice's hints can't be kept. That is the case when a ready endpoint has no zone hint, when a hint names a zone
 * that gets no allocation, or when keeping the hints would push a zone past its maximum given `allocatedHintsByZone`.
 * A slice without ready endpoints yields an empty map, not `undefined`.
 */
export function getHintsByZone(
	slice: EndpointSlice,
	allocatedHintsByZone: ReadonlyMap<string, number>,
	allocations: ReadonlyMap<string, Allocation>,
): Map<string, number> | undefined {
	const hintsByZone = new Map<string, number>();
	for (const endpoint of slice.endpoints ?? []) {
		if (!endpointReady(endpoint)) {
			continue;
		}
		const forZones = endpoint.hints?.forZones ?? [];
		if (forZones.length === 0) {
			return undefined;
		}
		for (const forZone of forZones) {
			if (!allocations.has(forZone.name)) {
				return undefined;
			}
			hintsByZone.set(forZone.name, (hintsByZone.get(forZone.name) ?? 0) + 1);
		}
	}

	for (const [zone, numHints] of hintsByZone) {
		const allocation = allocations.get(zone);
		if (!allocation || numHints + (allocatedHintsByZone.get(zone) ?? 0) > allocation.maximum) {
			return undefined;
		}
	}
	return hintsByZone;
}

/**
 * Upstream `SliceInfo.getAllocatedHintsByZone`: sums the zone hints of the unchanged slices whose hints can stay, in
 * slice order, and moves a deep copy of every other unchanged slice to `si.toUpdate` so it gets new hints.
 * `si.unchanged` is replaced by the slices that stay unchanged.
 */
export function getAllocatedHintsByZone(si: SliceInfo, allocations: ReadonlyMap<string, Allocation>): EndpointZoneInfo {
	const allocatedHintsByZone: EndpointZoneInfo = new Map();
	const stillUnchanged: EndpointSlice[] = [];
	const toUpdate = [...si.toUpdate];

	for (const slice of si.unchanged) {
		const hintsByZone = getHintsByZone(slice, allocatedHintsByZone, allocations);
		if (hintsByZone === undefined) {
			toUpdate.push(structuredClone(slice));
		} else {
			stillUnchanged.push(slice);
			for (const [zone, numHints] of hintsByZone) {
				allocatedHintsByZone.set(zone, (allocatedHintsByZone.get(zone) ?? 0) + numHints);
			}
		}
	}

	si.toUpdate = toUpdate;
	si.unchanged = stillUnchanged;
	return allocatedHintsByZone;
}
