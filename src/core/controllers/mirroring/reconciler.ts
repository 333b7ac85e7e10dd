/**
 * The EndpointSlice mirroring reconciler: one user-written Endpoints object in, the slice writes the control plane
 * would issue out. After upstream `pkg/controller/endpointslicemirroring/reconciler.go` (reconcile,
 * reconcileByPortMapping, finalize, endpointSlicesByKey, totalChanges).
 *
 * In our words:
 * 1. The subsets are repacked (`RepackSubsets`). For each subset, up to `maxEndpointsPerSubset` addresses are taken,
 *    ready ones first; each valid IP becomes an endpoint in the group (address family, subset ports). Invalid IPs
 *    and addresses over the cap are skipped and reported as Warning events on the Endpoints.
 * 2. Each group maps to exactly one slice. With no existing slice it is created. Otherwise the first existing slice of
 *    the group is kept and rewritten in place unless its endpoints, labels, annotations and owner already match;
 *    any other slice of the group, and every slice of a group that is no longer desired, is deleted.
 * 3. Creates and deletes of the same address type are paired into updates (`recycleSlices`); then writes are issued
 *    as creates (none while the Endpoints is being deleted), updates, deletes.
 *
 * Upstream's random choices (Go map order, `PopAny`) are replaced by insertion order, so that runs are reproducible;
 * see reconcilerHelpers.ts. Nothing here throws: problems come back in `error`.
 */
import { generateName } from '../../k8s/names';
import { repackSubsets } from '../../k8s/repackSubsets';
import type { EndpointPort, Endpoints, EndpointSlice } from '../../k8s/types';
import { annotationLastApplied, annotationTriggerTime, labelManagedBy, labelServiceName } from '../../k8s/types';
import type { EndpointSet } from '../endpointslice/endpointSet';
import { endpointsEqualBeyondHash } from '../endpointslice/endpointSet';
import { newAddrTypePortMapKey } from '../endpointslice/portMapKey';
import type { SlicesByAction } from './reconcilerHelpers';
import { appendSlicesByAction, DesiredCalc, newSlicesByAction, recycleSlices } from './reconcilerHelpers';
import {
	cloneAndRemoveKeys,
	defaultMirroringControllerName,
	getEndpointSlicePrefix,
	newEndpointSlice,
	stringMapsEqual,
} from './utils';

/** `--mirroring-max-endpoints-per-subset` default, and the top of its valid range (1..1000). */
export const defaultMaxEndpointsPerSubset = 1000;

/** Input of the `mirroring-reconcile` simulation: upstream `reconciler.reconcile(endpoints, existingSlices)`. */
export interface MirroringInput {
	/** The user-written Endpoints object being mirrored. */
	endpoints: Endpoints;
	/**
	 * The slices the controller lists for it. Only those in the Endpoints' namespace (a slice without a namespace
	 * counts as in it) labelled `kubernetes.io/service-name=<name>` and managed-by `controllerName` are considered,
	 * as upstream's lister selector does; any other slice is left untouched and passed through to `slices`.
	 */
	existingSlices?: EndpointSlice[];
	/** `--mirroring-max-endpoints-per-subset`, 1..1000 (default 1000). */
	maxEndpointsPerSubset?: number;
	/** The managed-by value written and selected (default `endpointslicemirroring-controller.k8s.io`). */
	controllerName?: string;
}

/** One API write, in issue order. */
export interface MirroringAction {
	verb: 'create' | 'update' | 'delete';
	/** The request body for creates and updates (as the controller sends it); the deleted slice for deletes. */
	object: EndpointSlice;
}

/** An Event the controller records on the Endpoints object. */
export interface MirroringEvent {
	type: 'Normal' | 'Warning';
	reason: string;
	message: string;
}

/** What one mirroring sync does. */
export interface MirroringResult {
	/** Writes in the order the controller issues them: creates, then updates, then deletes. */
	actions: MirroringAction[];
	/**
	 * Every slice that exists afterwards: the input slices that were not deleted (updated ones as written, keeping the
	 * uid, creationTimestamp and deletionTimestamp the API server preserves), then the created ones. resourceVersion
	 * and generation are the API server's business and are not simulated.
	 */
	slices: EndpointSlice[];
	/** Events recorded on the Endpoints object. */
	events: MirroringEvent[];
	/** Why the input could not be reconciled, or null. */
	error: string | null;
}

/** Event reasons, as upstream `events.go` names them. */
export const reasonInvalidIPAddress = 'InvalidIPAddress';
export const reasonTooManyAddressesToMirror = 'TooManyAddressesToMirror';

/**
 * The lister selector of upstream `endpointSlicesMirroredForService`: labelled for this name and managed by this
 * controller, in this namespace (a slice or an Endpoints object without a namespace matches any).
 */
export function isMirroredSliceFor(
	slice: EndpointSlice,
	namespace: string | undefined,
	name: string,
	controllerName = defaultMirroringControllerName,
): boolean {
	const labels = slice.metadata?.labels ?? {};
	const sliceNamespace = slice.metadata?.namespace;
	return (
		labels[labelServiceName] === name &&
		labels[labelManagedBy] === controllerName &&
		(sliceNamespace == null || namespace == null || sliceNamespace === namespace)
	);
}

/** Counts of endpoint changes in one group (`totalsByAction`). */
interface Totals {
	added: number;
	updated: number;
	removed: number;
}

/**
 * An existing slice's ports as the API server serves them (discovery/v1 defaulting: a missing name is "", a missing
 * protocol TCP), so that hand-written fixtures group like stored objects.
 */
function defaultedPorts(ports: readonly EndpointPort[] | null | undefined): EndpointPort[] {
	return (ports ?? []).map((p) => ({ ...p, name: p.name ?? '', protocol: p.protocol ?? 'TCP' }));
}

/** `endpointSlicesByKey`: existing slices grouped by "<addressType>-<port hash>", in input order. */
function endpointSlicesByKey(slices: readonly EndpointSlice[]): Map<string, EndpointSlice[]> {
	const out = new Map<string, EndpointSlice[]>();
	for (const slice of slices) {
		const key = newAddrTypePortMapKey(defaultedPorts(slice.ports), slice.addressType);
		const group = out.get(key) ?? [];
		group.push(slice);
		out.set(key, group);
	}
	return out;
}

/** `totalChanges`: what it would take to turn `existing` into the desired set. */
function totalChanges(existing: EndpointSlice, desired: EndpointSet): Totals {
	const totals: Totals = { added: 0, updated: 0, removed: 0 };
	let existingMatches = 0;
	for (const endpoint of existing.endpoints ?? []) {
		const got = desired.get(endpoint);
		if (!got) {
			totals.removed++;
		} else {
			existingMatches++;
			if (!endpointsEqualBeyondHash(got, endpoint)) {
				totals.updated++;
			}
		}
	}
	totals.added = desired.size - existingMatches;
	return totals;
}

/**
 * Whether the slice's Endpoints owner reference names an earlier Endpoints object of this name (a different UID),
 * so it must be rewritten even if its content matches. Upstream added this after kubernetes#125354 (an Endpoints
 * object deleted and recreated while the controller was down); the exact source of that revision was not
 * available to us, and the rule here is the one upstream's reconciler tests pin down: a slice without owner
 * references, or whose Endpoints owner has the current UID, is fine.
 */
function ownedByEarlierEndpoints(slice: EndpointSlice, endpoints: Endpoints): boolean {
	const uid = endpoints.metadata?.uid ?? '';
	return (slice.metadata?.ownerReferences ?? []).some((ref) => ref.kind === 'Endpoints' && (ref.uid ?? '') !== uid);
}

/** `reconcileByPortMapping`: the writes for one (addressType, ports) group. */
function reconcileByPortMapping(
	endpoints: Endpoints,
	existing: readonly EndpointSlice[],
	desired: EndpointSet,
	ports: readonly EndpointPort[],
	addressType: string,
	maxEndpointsPerSubset: number,
	controllerName: string,
): SlicesByAction {
	const slices = newSlicesByAction();

	// Nothing desired: every existing slice of the group goes.
	if (desired.size === 0) {
		slices.toDelete.push(...existing);
		return slices;
	}

	const first = existing[0];
	if (first) {
		// One slice per group: all but the first are surplus.
		slices.toDelete.push(...existing.slice(1));
		const wantedAnnotations = cloneAndRemoveKeys(
			endpoints.metadata?.annotations,
			annotationTriggerTime,
			annotationLastApplied,
		);
		const comparableLabels = cloneAndRemoveKeys(first.metadata?.labels, labelManagedBy, labelServiceName);
		const totals = totalChanges(first, desired);
		if (
			totals.added === 0 &&
			totals.updated === 0 &&
			totals.removed === 0 &&
			stringMapsEqual(endpoints.metadata?.labels, comparableLabels) &&
			stringMapsEqual(wantedAnnotations, first.metadata?.annotations) &&
			!ownedByEarlierEndpoints(first, endpoints)
		) {
			return slices;
		}
	}

	const slice = newEndpointSlice(endpoints, ports, addressType, first?.metadata?.name ?? '', controllerName);
	const list = slice.endpoints!;
	while (desired.size > 0 && list.length < maxEndpointsPerSubset) {
		list.push(desired.popAny()!);
	}
	if (slice.metadata?.name) {
		slices.toUpdate.push(slice);
	} else {
		slices.toCreate.push(slice);
	}
	return slices;
}

/** A deep copy through JSON (every object here is plain JSON data). */
function clone<T>(value: T): T {
	return JSON.parse(JSON.stringify(value)) as T;
}

/** The state of an updated slice as the API server stores it: the body, plus the system fields it preserves. */
function afterUpdate(body: EndpointSlice, previous: EndpointSlice | undefined): EndpointSlice {
	const out = clone(body);
	const before = previous?.metadata;
	if (before && out.metadata) {
		const meta = out.metadata;
		if (before.uid !== undefined) {
			meta.uid = before.uid;
		}
		if (before.creationTimestamp !== undefined) {
			meta.creationTimestamp = before.creationTimestamp;
		}
		if (before.deletionTimestamp !== undefined) {
			meta.deletionTimestamp = before.deletionTimestamp;
		}
		out.metadata = reorderMeta(meta);
	}
	return out;
}

/** ObjectMeta keys in the order Go's encoder writes them. */
const metaKeyOrder = [
	'name',
	'generateName',
	'namespace',
	'uid',
	'resourceVersion',
	'generation',
	'creationTimestamp',
	'deletionTimestamp',
	'labels',
	'annotations',
	'ownerReferences',
] as const;

function reorderMeta(meta: NonNullable<EndpointSlice['metadata']>): NonNullable<EndpointSlice['metadata']> {
	const out: Record<string, unknown> = {};
	for (const key of metaKeyOrder) {
		if (meta[key] !== undefined) {
			out[key] = meta[key];
		}
	}
	for (const [key, value] of Object.entries(meta)) {
		if (!(key in out) && value !== undefined) {
			out[key] = value;
		}
	}
	return out as NonNullable<EndpointSlice['metadata']>;
}

/**
 * `finalize`: recycles creates into updates, names the creates the way the API server would (deterministically,
 * avoiding every name already taken), skips creates while the Endpoints is being deleted, and lays out the writes and
 * the resulting slices.
 */
function finalize(
	endpoints: Endpoints,
	planned: SlicesByAction,
	allExisting: readonly EndpointSlice[],
	events: MirroringEvent[],
): MirroringResult {
	const slices = recycleSlices(planned);
	const actions: MirroringAction[] = [];
	const created: EndpointSlice[] = [];

	if (endpoints.metadata?.deletionTimestamp == null) {
		const taken = new Set<string>();
		for (const s of allExisting) {
			if (s.metadata?.name) {
				taken.add(s.metadata.name);
			}
		}
		const ordinals = new Map<string, number>();
		const namespace = endpoints.metadata?.namespace ?? '';
		const name = endpoints.metadata?.name ?? '';
		for (const slice of slices.toCreate) {
			const ordinal = ordinals.get(slice.addressType) ?? 0;
			ordinals.set(slice.addressType, ordinal + 1);
			const prefix = slice.metadata?.generateName ?? getEndpointSlicePrefix(name);
			const generated = generateName(prefix, `${namespace}/${name}/${slice.addressType}/${ordinal}`, taken);
			taken.add(generated);
			// The request carries generateName only; the name is what the API server would answer with.
			const body = clone(slice);
			body.metadata = reorderMeta({ ...body.metadata });
			actions.push({ verb: 'create', object: body });
			const stored = clone(body);
			stored.metadata = reorderMeta({ ...stored.metadata, name: generated });
			created.push(stored);
		}
	}

	const updatedByName = new Map<string, EndpointSlice>();
	for (const slice of slices.toUpdate) {
		const body = clone(slice);
		body.metadata = reorderMeta(body.metadata ?? {});
		actions.push({ verb: 'update', object: body });
		updatedByName.set(body.metadata.name ?? '', body);
	}

	const deleted = new Set<EndpointSlice>(slices.toDelete);
	for (const slice of slices.toDelete) {
		actions.push({ verb: 'delete', object: clone(slice) });
	}

	const after: EndpointSlice[] = [];
	for (const slice of allExisting) {
		if (deleted.has(slice)) {
			continue;
		}
		const update = slice.metadata?.name != null ? updatedByName.get(slice.metadata.name) : undefined;
		after.push(update ? afterUpdate(update, slice) : clone(slice));
	}
	after.push(...created);

	return { actions, slices: after, events, error: null };
}

/** Checks the knobs the way kube-controller-manager validates its flags; an error message or undefined. */
function validate(input: MirroringInput, max: number): string | undefined {
	if (!input.endpoints || typeof input.endpoints !== 'object') {
		return 'endpoints: an Endpoints object is required';
	}
	if (!input.endpoints.metadata?.name) {
		return 'endpoints.metadata.name is required';
	}
	if (!Number.isInteger(max) || max < 1 || max > defaultMaxEndpointsPerSubset) {
		return `maxEndpointsPerSubset must be an integer between 1 and ${defaultMaxEndpointsPerSubset}, got ${String(max)}`;
	}
	return undefined;
}

/**
 * Mirrors one Endpoints object into EndpointSlices: upstream `reconciler.reconcile(endpoints, existingSlices)`.
 * Returns the writes (creates, updates, deletes in issue order), the slices that exist afterwards, the Warning events
 * recorded on the Endpoints, and an error message instead of throwing when the input cannot be used.
 */
export function reconcileMirroring(input: MirroringInput): MirroringResult {
	const allExisting = input.existingSlices ?? [];
	const max = input.maxEndpointsPerSubset ?? defaultMaxEndpointsPerSubset;
	const controllerName = input.controllerName ?? defaultMirroringControllerName;
	const problem = validate(input, max);
	if (problem !== undefined) {
		return { actions: [], slices: allExisting.map(clone), events: [], error: problem };
	}
	const endpoints = input.endpoints;
	const name = endpoints.metadata!.name!;
	const existing = allExisting.filter((s) =>
		isMirroredSliceFor(s, endpoints.metadata?.namespace, name, controllerName),
	);

	// Desired state, subset by subset, with the per-subset cap counted over ready then not-ready addresses.
	const desired = new DesiredCalc();
	let numInvalidAddresses = 0;
	let addressesSkipped = 0;
	for (const subset of repackSubsets(endpoints.subsets ?? [])) {
		const multiKey = desired.initPorts(subset.ports);
		const ready = subset.addresses ?? [];
		const notReady = subset.notReadyAddresses ?? [];
		let added = 0;
		for (const [addresses, isReady] of [
			[ready, true],
			[notReady, false],
		] as const) {
			for (const address of addresses) {
				if (added >= max) {
					break;
				}
				if (desired.addAddress(address, multiKey, isReady)) {
					added++;
				} else {
					numInvalidAddresses++;
				}
			}
		}
		addressesSkipped += ready.length + notReady.length - added;
	}

	const events: MirroringEvent[] = [];
	if (numInvalidAddresses > 0) {
		events.push({
			type: 'Warning',
			reason: reasonInvalidIPAddress,
			message: `Skipped ${numInvalidAddresses} invalid IP addresses when mirroring to EndpointSlices`,
		});
	}
	// The skipped count includes the invalid addresses, as upstream's message does.
	if (addressesSkipped > numInvalidAddresses) {
		events.push({
			type: 'Warning',
			reason: reasonTooManyAddressesToMirror,
			message: `A max of ${max} addresses can be mirrored to EndpointSlices per Endpoints subset. ${addressesSkipped} addresses were skipped`,
		});
	}

	const existingByKey = endpointSlicesByKey(existing);
	const planned = newSlicesByAction();
	for (const [key, set] of desired.endpointsByKey) {
		const addressType = key.startsWith('IPv6') ? 'IPv6' : 'IPv4';
		appendSlicesByAction(
			planned,
			reconcileByPortMapping(
				endpoints,
				existingByKey.get(key) ?? [],
				set,
				desired.portsByKey.get(key) ?? [],
				addressType,
				max,
				controllerName,
			),
		);
	}
	// Groups that are no longer desired at all.
	for (const [key, slices] of existingByKey) {
		if (!desired.endpointsByKey.has(key)) {
			planned.toDelete.push(...slices);
		}
	}

	return finalize(endpoints, planned, allExisting, events);
}
