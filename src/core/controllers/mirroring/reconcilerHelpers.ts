/**
 * Bookkeeping of the mirroring reconciler, after upstream `pkg/controller/endpointslicemirroring/reconciler_helpers.go`
 * (slicesByAction, desiredCalc with initPorts/addAddress, recycleSlices).
 *
 * Upstream keeps the desired state in Go maps, so the order in which port groups are visited, and so the order of the
 * writes it issues, varies from run to run. Here every collection keeps insertion order: groups in the order the
 * repacked subsets introduce them (IPv4 before IPv6 for each subset), endpoints in the order their addresses were
 * read. Results are therefore reproducible; the set of writes is the same as upstream's.
 */
import type { EndpointAddress, EndpointPort, EndpointsPort, EndpointSlice } from '../../k8s/types';
import { EndpointSet } from '../endpointslice/endpointSet';
import { newAddrTypePortMapKey, sortPortsByHash } from '../endpointslice/portMapKey';
import { addressToEndpoint, epPortsToEpsPorts } from './utils';

/** Slices to create, update and delete (`slicesByAction`). */
export interface SlicesByAction {
	toCreate: EndpointSlice[];
	toUpdate: EndpointSlice[];
	toDelete: EndpointSlice[];
}

/** An empty `SlicesByAction`. */
export function newSlicesByAction(): SlicesByAction {
	return { toCreate: [], toUpdate: [], toDelete: [] };
}

/** `slicesByAction.append`: appends every list of `from` to the matching list of `into`. */
export function appendSlicesByAction(into: SlicesByAction, from: SlicesByAction): void {
	into.toCreate.push(...from.toCreate);
	into.toUpdate.push(...from.toUpdate);
	into.toDelete.push(...from.toDelete);
}

/** The two address types the mirroring controller writes, in the order `initPorts` registers them. */
export const mirroredAddressTypes = ['IPv4', 'IPv6'] as const;

/** One port-map key per address type (`multiAddrTypePortMapKey`). */
export type MultiAddrTypePortMapKey = Record<(typeof mirroredAddressTypes)[number], string>;

/**
 * `desiredCalc`: the desired endpoints and ports, per "<addressType>-<port hash>" key. Keys are registered for both
 * address types by every subset, so a group whose addresses all went away still appears, with an empty set.
 */
export class DesiredCalc {
	/** Key → the group's ports, in upstream's hash order. */
	readonly portsByKey = new Map<string, EndpointPort[]>();
	/** Key → the group's desired endpoints. */
	readonly endpointsByKey = new Map<string, EndpointSet>();
	/** How many addresses were accepted (`numDesiredEndpoints`). */
	numDesiredEndpoints = 0;

	/** `initPorts`: converts a subset's ports and registers its key for each address type. */
	initPorts(subsetPorts: readonly EndpointsPort[] | null | undefined): MultiAddrTypePortMapKey {
		const ports = sortPortsByHash(epPortsToEpsPorts(subsetPorts));
		const multiKey = {} as MultiAddrTypePortMapKey;
		for (const addressType of mirroredAddressTypes) {
			const key = newAddrTypePortMapKey(ports, addressType);
			multiKey[addressType] = key;
			if (!this.endpointsByKey.has(key)) {
				this.endpointsByKey.set(key, new EndpointSet());
			}
			this.portsByKey.set(key, ports);
		}
		return multiKey;
	}

	/** `addAddress`: adds the address to its family's group; false when its IP is not valid. */
	addAddress(address: EndpointAddress, multiKey: MultiAddrTypePortMapKey, ready: boolean): boolean {
		const converted = addressToEndpoint(address, ready);
		if (!converted) {
			return false;
		}
		this.endpointsByKey.get(multiKey[converted.addressType])!.insert(converted.endpoint);
		this.numDesiredEndpoints++;
		return true;
	}
}

/** A copy of the slice's metadata with `name` placed where Go's encoder writes it (first). */
function withName(slice: EndpointSlice, name: string): EndpointSlice {
	const { name: _old, ...rest } = slice.metadata ?? {};
	return { ...slice, metadata: { name, ...rest } };
}

/**
 * `recycleSlices`: for each address type, turns pairs of (slice to create, slice to delete) into an update of the
 * slice that would have been deleted, carrying the new content under the old name. Pairs are taken in list order.
 *
 * Upstream removes the paired entries by name, and slices to create have no name yet, so it removes the first
 * unnamed create, which is the wrong one when creates of both address types are pending and only the second type is
 * recycled. The API server then rejects the misnamed create, and the sync is retried until Go's random map order
 * happens to pair them correctly. We remove the paired entries themselves, which is that eventual outcome.
 */
export function recycleSlices(slices: SlicesByAction): SlicesByAction {
	const byType = (list: readonly EndpointSlice[]): Map<string, EndpointSlice[]> => {
		const out = new Map<string, EndpointSlice[]>();
		for (const slice of list) {
			const group = out.get(slice.addressType) ?? [];
			group.push(slice);
			out.set(slice.addressType, group);
		}
		return out;
	};
	const createsByType = byType(slices.toCreate);
	const deletesByType = byType(slices.toDelete);
	const recycledCreates = new Set<EndpointSlice>();
	const recycledDeletes = new Set<EndpointSlice>();
	const recycled: EndpointSlice[] = [];

	for (const [addressType, creates] of createsByType) {
		const deletes = deletesByType.get(addressType) ?? [];
		for (let i = 0; i < creates.length && i < deletes.length; i++) {
			recycledCreates.add(creates[i]!);
			recycledDeletes.add(deletes[i]!);
			recycled.push(withName(creates[i]!, deletes[i]!.metadata?.name ?? ''));
		}
	}

	return {
		toCreate: slices.toCreate.filter((s) => !recycledCreates.has(s)),
		toUpdate: [...slices.toUpdate, ...recycled],
		toDelete: slices.toDelete.filter((s) => !recycledDeletes.has(s)),
	};
}
