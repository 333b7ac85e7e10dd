/**
 * Topology Aware Hints, the machinery behind the `service.kubernetes.io/topology-mode: Auto` annotation. It follows
 * `k8s.io/endpointslice/topologycache` function by function: `topologycache.go` (TopologyCache, SetNodes, AddHints,
 * getAllocations), `utils.go` (RemoveHintsFromSlices, redistributeHints, getGivingAndReceivingZones, getMost,
 * serviceOverloaded) and `event.go` (the Event messages). `sliceinfo.go` and the helpers it needs are in
 * `sliceInfo.ts`.
 *
 * How it works: `setNodes` computes each zone's share of the allocatable CPU of Ready nodes that are not control
 * plane nodes. `addHints` gives every zone a CPU-proportional number of endpoints, never less than `desired / 1.2`
 * (overload threshold 20%). It hints each ready endpoint to its own zone first and then re-hints surplus endpoints
 * from over-allocated zones to under-allocated ones. When that is impossible it strips all hints and returns a
 * Warning event.
 *
 * The class is stateful like upstream's (CPU ratios, per-Service allocations, which Services have hints) but pure:
 * no I/O, no timers, no locks (the mutex upstream needs has no counterpart in single-threaded JS).
 *
 * Determinism: where upstream ranges over a Go map and the result depends on the order, we iterate zone names in
 * sorted (code-unit) order. That applies to `getMost`, which breaks ties between zones toward the first name, and to
 * the choice of receiving zone in `redistributeHints`. Upstream picks randomly in both places. Slices and endpoints
 * are walked in the order given (create slices, then update slices). Everywhere else map order cannot change the
 * outcome, only sums or all-or-nothing checks.
 *
 * CPU quantities are parsed exactly (to nano-cores, rounded up as `resource.ParseQuantity` does), summed per zone and
 * converted to milli-cores with round-up (`Quantity.MilliValue`) before the ratio is taken, as upstream does.
 */
import type { EndpointSlice, Node } from '../../k8s/types';
import { labelTopologyZone } from '../../k8s/types';
import type { Allocation, EndpointZoneInfo, HintEvent, SliceInfo } from './sliceInfo';
import { endpointReady, getAllocatedHintsByZone, getTotalReadyEndpoints } from './sliceInfo';

/** The most extra load any one endpoint should take on compared with a perfect spread (upstream overloadThreshold). */
export const overloadThreshold = 0.2;

// Event messages, as upstream's event.go spells them (they show up in `kubectl describe service`).

/** Warning message: a ready endpoint has no zone. */
export const noZoneSpecified = 'One or more endpoints do not have a zone specified';
/** Warning message: no zone ended up with any hint. */
export const noAllocatedHintsForZones = 'No hints allocated for zones';
/** Normal message: hints were added for a Service that had none. */
export const topologyAwareHintsEnabled = 'Topology Aware Hints has been enabled';
/** Warning message the reconciler emits when the annotation goes away while hints are populated. */
export const topologyAwareHintsDisabled = 'Topology Aware Hints has been disabled';
/** Warning message: some node lacks a zone label or allocatable CPU, or fewer than 2 zones have capacity. */
export const insufficientNodeInfo =
	'Insufficient Node information: allocatable CPU or zone not specified on one or more nodes';
/** Warning message: the cache knows fewer than 2 zones (in practice: `setNodes` has not run yet). */
export const nodesReadyInOneZoneOnly = 'Nodes only ready in one zone';
/** Warning message prefix: fewer ready endpoints than zones. */
export const insufficientNumberOfEndpoints = 'Insufficient number of endpoints';
/** Warning message prefix: the per-zone minimums add up to more than the ready endpoints. */
export const minAllocationExceedsOverloadThreshold =
	'Unable to allocate minimum required endpoints to each zone without exceeding overload threshold';

/** Event reason when hints are added for a Service that had none. */
export const reasonTopologyAwareHintsEnabled = 'TopologyAwareHintsEnabled';
/** Event reason for every Warning this module (and the reconciler's annotation check) emits. */
export const reasonTopologyAwareHintsDisabled = 'TopologyAwareHintsDisabled';

/** Upstream `FormatWithAddressType`: appends `, addressType: <type>` to an Event message. */
export function formatWithAddressType(msg: string, addressType: string): string {
	return `${msg}, addressType: ${addressType}`;
}

function warning(message: string): HintEvent {
	return { type: 'Warning', reason: reasonTopologyAwareHintsDisabled, message };
}

const nodeRoleControlPlane = 'node-role.kubernetes.io/control-plane';
const nodeRoleMaster = 'node-role.kubernetes.io/master';

/**
 * Per-Service topology hint state plus the cluster's CPU distribution by zone (upstream TopologyCache). One instance
 * serves every Service of a controller.
 */
export class TopologyCache {
	private sufficientNodeInfo = false;
	/** Nano-cores per zone; undefined after `setNodes` found the node information insufficient. */
	private cpuByZone: Map<string, bigint> | undefined = new Map();
	/**
	 * Share of the total CPU per zone. Like upstream it starts out as an empty (not absent) map, so a cache that has
	 * never seen nodes reports "Nodes only ready in one zone" rather than "Insufficient Node information".
	 */
	private cpuRatiosByZone: Map<string, number> | undefined = new Map();
	private readonly endpointsByService = new Map<string, Map<string, EndpointZoneInfo>>();
	private readonly hintsPopulatedByService = new Set<string>();

	/**
	 * Upstream `SetNodes`: recomputes CPU by zone from Ready nodes without a control-plane or master role label. A
	 * counted node without a non-empty `topology.kubernetes.io/zone` label or with zero (or missing, or unparseable)
	 * allocatable CPU makes the information insufficient, and so do fewer than 2 zones. Then every Service loses its
	 * hints on its next sync.
	 */
	setNodes(nodes: readonly Node[]): void {
		let cpuByZone = new Map<string, bigint>();
		let sufficientNodeInfo = true;
		let totalCpu = 0n;

		for (const node of nodes) {
			const labels = node.metadata?.labels;
			if (hasExcludedLabels(labels)) {
				continue;
			}
			if (!isNodeReady(node)) {
				continue;
			}

			const nodeCpu = parseCpuNanos(node.status?.allocatable?.cpu) ?? 0n;
			const zone = labels?.[labelTopologyZone];
			// Like upstream, one node with missing information invalidates the whole cluster.
			if (zone === undefined || zone === '' || nodeCpu === 0n) {
				cpuByZone = new Map();
				sufficientNodeInfo = false;
				break;
			}

			totalCpu += nodeCpu;
			cpuByZone.set(zone, (cpuByZone.get(zone) ?? 0n) + nodeCpu);
		}

		if (totalCpu === 0n || !sufficientNodeInfo || cpuByZone.size < 2) {
			this.sufficientNodeInfo = false;
			this.cpuByZone = undefined;
			this.cpuRatiosByZone = undefined;
			return;
		}

		this.sufficientNodeInfo = sufficientNodeInfo;
		this.cpuByZone = cpuByZone;
		const totalMillis = Number(nanosToMillis(totalCpu));
		this.cpuRatiosByZone = new Map();
		for (const zone of sortedKeys(cpuByZone)) {
			this.cpuRatiosByZone.set(zone, Number(nanosToMillis(cpuByZone.get(zone) ?? 0n)) / totalMillis);
		}
	}

	/**
	 * Upstream `AddHints`: sets zone hints on the slices being created or updated, moving unchanged slices whose hints
	 * must change into the update list (as deep copies), and records the allocation for the Service. If hints cannot be
	 * allocated, it removes them everywhere (`removeHintsFromSlices`), forgets the Service and returns a
	 * `TopologyAwareHintsDisabled` Warning. The first time a Service gets hints it returns a `TopologyAwareHintsEnabled`
	 * Normal event. `si.toUpdate` and `si.unchanged` are replaced with the final lists.
	 */
	addHints(si: SliceInfo): { toCreate: EndpointSlice[]; toUpdate: EndpointSlice[]; events: HintEvent[] } {
		const totalEndpoints = getTotalReadyEndpoints(si);
		const { allocations, event: allocationsEvent } = this.getAllocations(totalEndpoints);
		const events: HintEvent[] = [];
		if (allocations === undefined) {
			events.push({
				...allocationsEvent,
				message: formatWithAddressType(allocationsEvent.message, si.addressType),
			});
			return { ...this.removeHintsAndCache(si), events };
		}

		const allocatedHintsByZone = getAllocatedHintsByZone(si, allocations);
		const allocatableSlices = [...si.toCreate, ...si.toUpdate];

		// Step 1: hint every ready endpoint to its own zone.
		for (const slice of allocatableSlices) {
			for (const endpoint of slice.endpoints ?? []) {
				if (!endpointReady(endpoint)) {
					// Upstream assigns nil to the hints of its range variable here, which is a copy, so the hints of an
					// unready endpoint are in fact left as they were. We keep that behaviour.
					continue;
				}
				if (endpoint.zone === undefined || endpoint.zone === '') {
					events.push(warning(formatWithAddressType(noZoneSpecified, si.addressType)));
					return { ...this.removeHintsAndCache(si), events };
				}
				allocatedHintsByZone.set(endpoint.zone, (allocatedHintsByZone.get(endpoint.zone) ?? 0) + 1);
				endpoint.hints = { forZones: [{ name: endpoint.zone }] };
			}
		}

		// Step 2: work out which zones have endpoints to give and which need more.
		const { givingZones, receivingZones } = getGivingAndReceivingZones(allocations, allocatedHintsByZone);

		// Step 3: re-hint endpoints from giving zones to receiving zones.
		const redistributions = redistributeHints(allocatableSlices, givingZones, receivingZones);
		for (const [zone, diff] of redistributions) {
			allocatedHintsByZone.set(zone, (allocatedHintsByZone.get(zone) ?? 0) + diff);
		}

		if (allocatedHintsByZone.size === 0) {
			events.push(warning(formatWithAddressType(noAllocatedHintsForZones, si.addressType)));
			return { ...this.removeHintsAndCache(si), events };
		}

		const hintsEnabled = this.hasPopulatedHints(si.serviceKey);
		this.setHints(si.serviceKey, si.addressType, allocatedHintsByZone);
		if (!hintsEnabled) {
			events.push({
				type: 'Normal',
				reason: reasonTopologyAwareHintsEnabled,
				message: formatWithAddressType(topologyAwareHintsEnabled, si.addressType),
			});
		}
		return { toCreate: si.toCreate, toUpdate: si.toUpdate, events };
	}

	/** Upstream `SetHints`: records the hint count per zone for a Service's address type and marks it as hinted. */
	setHints(serviceKey: string, addressType: string, allocatedHintsByZone: EndpointZoneInfo): void {
		let byAddressType = this.endpointsByService.get(serviceKey);
		if (!byAddressType) {
			byAddressType = new Map();
			this.endpointsByService.set(serviceKey, byAddressType);
		}
		byAddressType.set(addressType, allocatedHintsByZone);
		this.hintsPopulatedByService.add(serviceKey);
	}

	/**
	 * Upstream `RemoveHints`: forgets one address type of a Service (and the Service once none is left). Like upstream
	 * it clears the Service's "hints populated" flag even if another address type still has hints.
	 */
	removeHints(serviceKey: string, addressType: string): void {
		const byAddressType = this.endpointsByService.get(serviceKey);
		byAddressType?.delete(addressType);
		if (!byAddressType || byAddressType.size === 0) {
			this.endpointsByService.delete(serviceKey);
		}
		this.hintsPopulatedByService.delete(serviceKey);
	}

	/** Upstream `HasPopulatedHints`: whether the Service got hints from `addHints` (or `setHints`) and kept them. */
	hasPopulatedHints(serviceKey: string): boolean {
		return this.hintsPopulatedByService.has(serviceKey);
	}

	/**
	 * Upstream `GetOverloadedServices`: keys of the Services whose recorded hints leave some zone below its minimum
	 * under the current CPU ratios. Sorted (upstream returns them in map order).
	 */
	getOverloadedServices(): string[] {
		const keys: string[] = [];
		for (const serviceKey of sortedKeys(this.endpointsByService)) {
			const byAddressType = this.endpointsByService.get(serviceKey) ?? new Map<string, EndpointZoneInfo>();
			for (const ezi of byAddressType.values()) {
				if (serviceOverloaded(ezi, this.cpuRatiosByZone)) {
					keys.push(serviceKey);
					break;
				}
			}
		}
		return keys;
	}

	/** Whether the last `setNodes` found usable zone and CPU information (upstream's `sufficientNodeInfo` field). */
	hasSufficientNodeInfo(): boolean {
		return this.sufficientNodeInfo;
	}

	/** A copy of the CPU share per zone, or undefined when node information is insufficient. For tests and views. */
	getCpuRatiosByZone(): Map<string, number> | undefined {
		return this.cpuRatiosByZone && new Map(this.cpuRatiosByZone);
	}

	/** A copy of the allocatable milli-CPU per zone (rounded up), or undefined when node information is insufficient. */
	getCpuMillisByZone(): Map<string, number> | undefined {
		if (!this.cpuByZone) {
			return undefined;
		}
		return new Map([...this.cpuByZone].map(([zone, nanos]) => [zone, Number(nanosToMillis(nanos))]));
	}

	/** A copy of the hint counts per zone recorded for each address type of a Service, if any. */
	getEndpointsByAddressType(serviceKey: string): Map<string, EndpointZoneInfo> | undefined {
		const byAddressType = this.endpointsByService.get(serviceKey);
		return byAddressType && new Map([...byAddressType].map(([type, ezi]) => [type, new Map(ezi)]));
	}

	/**
	 * Upstream `getAllocations`: minimum, maximum and desired endpoint counts per zone for `numEndpoints` ready
	 * endpoints, or the Warning explaining why there are none.
	 */
	private getAllocations(
		numEndpoints: number,
	): { allocations: Map<string, Allocation>; event?: undefined } | { allocations?: undefined; event: HintEvent } {
		const ratios = this.cpuRatiosByZone;
		if (ratios === undefined) {
			return { event: warning(insufficientNodeInfo) };
		}
		if (ratios.size < 2) {
			return { event: warning(nodesReadyInOneZoneOnly) };
		}
		if (ratios.size > numEndpoints) {
			return {
				event: warning(`${insufficientNumberOfEndpoints} (${numEndpoints} endpoints, ${ratios.size} zones)`),
			};
		}

		let remainingMinEndpoints = numEndpoints;
		let minTotal = 0;
		const allocations = new Map<string, Allocation>();
		for (const zone of sortedKeys(ratios)) {
			const desired = (ratios.get(zone) ?? 0) * numEndpoints;
			// Same operation order as upstream (multiply by the reciprocal), so the floats round identically.
			const minimum = Math.ceil(desired * (1 / (1 + overloadThreshold)));
			allocations.set(zone, { minimum, maximum: 0, desired: Math.max(desired, minimum) });
			minTotal += minimum;
			remainingMinEndpoints -= minimum;
			if (remainingMinEndpoints < 0) {
				return {
					event: warning(
						`${minAllocationExceedsOverloadThreshold} (${numEndpoints} endpoints, ${ratios.size} zones)`,
					),
				};
			}
		}

		for (const allocation of allocations.values()) {
			allocation.maximum = allocation.minimum + numEndpoints - minTotal;
		}
		return { allocations };
	}

	/** The bail-out path of `addHints`: forget the Service's address type and strip hints from every slice. */
	private removeHintsAndCache(si: SliceInfo): { toCreate: EndpointSlice[]; toUpdate: EndpointSlice[] } {
		this.removeHints(si.serviceKey, si.addressType);
		return removeHintsFromSlices(si);
	}
}

/**
 * Upstream `RemoveHintsFromSlices`: deletes the `hints` of every endpoint in the slices being created or updated, and
 * moves a hint-free deep copy of every unchanged slice that still has hints into the update list. Unchanged slices
 * themselves are not touched; `si.toUpdate` and `si.unchanged` are replaced with the new lists.
 */
export function removeHintsFromSlices(si: SliceInfo): { toCreate: EndpointSlice[]; toUpdate: EndpointSlice[] } {
	for (const slice of [...si.toCreate, ...si.toUpdate]) {
		for (const endpoint of slice.endpoints ?? []) {
			// Checked first: a delete of an absent property is a slow runtime call, and endpoints rarely carry hints.
			if ('hints' in endpoint) {
				delete endpoint.hints;
			}
		}
	}

	const toUpdate = [...si.toUpdate];
	const stillUnchanged: EndpointSlice[] = [];
	for (const slice of si.unchanged) {
		if ((slice.endpoints ?? []).some((ep) => ep.hints !== undefined)) {
			const copy = structuredClone(slice);
			for (const endpoint of copy.endpoints ?? []) {
				delete endpoint.hints;
			}
			toUpdate.push(copy);
		} else {
			stillUnchanged.push(slice);
		}
	}
	si.toUpdate = toUpdate;
	si.unchanged = stillUnchanged;
	return { toCreate: si.toCreate, toUpdate: si.toUpdate };
}

/**
 * Upstream `redistributeHints`: walks the ready endpoints in slice order and re-hints each endpoint of a zone that has
 * endpoints to give to a zone that still needs some (the first in sorted order), until one side runs out. Consumes
 * `givingZones` and `receivingZones` as it goes and returns the net change in hints per zone.
 */
export function redistributeHints(
	slices: readonly EndpointSlice[],
	givingZones: Map<string, number>,
	receivingZones: Map<string, number>,
): Map<string, number> {
	const redistributions = new Map<string, number>();
	const bump = (zone: string, by: number) => redistributions.set(zone, (redistributions.get(zone) ?? 0) + by);

	for (const slice of slices) {
		for (const endpoint of slice.endpoints ?? []) {
			if (!endpointReady(endpoint)) {
				// As in addHints: upstream's nil assignment hits a copy, so unready endpoints keep their hints.
				continue;
			}
			if (givingZones.size === 0 || receivingZones.size === 0) {
				return redistributions;
			}
			if (endpoint.zone === undefined || endpoint.zone === '') {
				// addHints has already bailed out on such endpoints.
				continue;
			}

			const givingZone = endpoint.zone;
			const numToGive = givingZones.get(givingZone);
			if (numToGive === undefined || numToGive <= 0) {
				continue;
			}
			for (const receivingZone of sortedKeys(receivingZones)) {
				const numToReceive = receivingZones.get(receivingZone) ?? 0;
				if (numToReceive <= 0) {
					continue;
				}
				endpoint.hints = { forZones: [{ name: receivingZone }] };
				if (numToGive === 1) {
					givingZones.delete(givingZone);
				} else {
					givingZones.set(givingZone, numToGive - 1);
				}
				if (numToReceive === 1) {
					receivingZones.delete(receivingZone);
				} else {
					receivingZones.set(receivingZone, numToReceive - 1);
				}
				bump(receivingZone, 1);
				bump(givingZone, -1);
				break;
			}
		}
	}
	return redistributions;
}

/**
 * Upstream `getGivingAndReceivingZones`: from the fractional surplus or shortfall of each zone against its desired
 * count, moves whole endpoints one at a time from the zone with the largest surplus to the zone with the largest
 * shortfall. It stops when either side is below half an endpoint or both are below one. This prefers keeping traffic
 * in-zone over a marginally more even spread.
 */
export function getGivingAndReceivingZones(
	allocations: ReadonlyMap<string, Allocation>,
	allocatedHintsByZone: ReadonlyMap<string, number>,
): { givingZones: Map<string, number>; receivingZones: Map<string, number> } {
	const givingZonesDesired = new Map<string, number>();
	const receivingZonesDesired = new Map<string, number>();
	for (const zone of sortedKeys(allocations)) {
		const allocatedHints = allocatedHintsByZone.get(zone) ?? 0;
		const target = allocations.get(zone)?.desired ?? 0;
		if (allocatedHints > target) {
			givingZonesDesired.set(zone, allocatedHints - target);
		} else if (allocatedHints < target) {
			receivingZonesDesired.set(zone, target - allocatedHints);
		}
	}

	const givingZones = new Map<string, number>();
	const receivingZones = new Map<string, number>();
	for (;;) {
		const [givingZone, numToGive] = getMost(givingZonesDesired);
		const [receivingZone, numToReceive] = getMost(receivingZonesDesired);
		if (
			givingZone === '' ||
			receivingZone === '' ||
			(numToGive < 1 && numToReceive < 1) ||
			numToGive < 0.5 ||
			numToReceive < 0.5
		) {
			break;
		}
		givingZones.set(givingZone, (givingZones.get(givingZone) ?? 0) + 1);
		givingZonesDesired.set(givingZone, numToGive - 1);
		receivingZones.set(receivingZone, (receivingZones.get(receivingZone) ?? 0) + 1);
		receivingZonesDesired.set(receivingZone, numToReceive - 1);
	}
	return { givingZones, receivingZones };
}

/**
 * Upstream `getMost`: the zone with the largest strictly positive value, or `['', 0]`. Ties go to the zone whose name
 * sorts first (upstream: whichever the map yields first).
 */
function getMost(zones: ReadonlyMap<string, number>): [string, number] {
	let zone = '';
	let num = 0;
	for (const z of sortedKeys(zones)) {
		const n = zones.get(z) ?? 0;
		if (n > num) {
			zone = z;
			num = n;
		}
	}
	return [zone, num];
}

/**
 * Upstream `serviceOverloaded`: true when some zone with CPU gets fewer hints than its minimum
 * (`ceil(total * ratio / 1.2)`) or none at all. An empty allocation is never overloaded, and any allocation is
 * overloaded when there are no ratios.
 */
export function serviceOverloaded(
	ezi: ReadonlyMap<string, number>,
	zoneRatios: ReadonlyMap<string, number> | undefined,
): boolean {
	if (ezi.size === 0) {
		return false;
	}
	if (!zoneRatios || zoneRatios.size === 0) {
		return true;
	}
	let totalEndpoints = 0;
	for (const n of ezi.values()) {
		totalEndpoints += n;
	}
	for (const [zone, ratio] of zoneRatios) {
		const svcEndpoints = ezi.get(zone);
		if (svcEndpoints === undefined) {
			return true;
		}
		const minEndpoints = Math.ceil(totalEndpoints * ratio * (1 / (1 + overloadThreshold)));
		if (svcEndpoints < minEndpoints) {
			return true;
		}
	}
	return false;
}

/** Upstream `hasExcludedLabels`: control-plane and master role labels exclude a node, whatever their value. */
function hasExcludedLabels(labels: Readonly<Record<string, string>> | undefined): boolean {
	if (!labels) {
		return false;
	}
	return Object.hasOwn(labels, nodeRoleControlPlane) || Object.hasOwn(labels, nodeRoleMaster);
}

/** Upstream `isNodeReady`: the first `Ready` condition has status `True`. */
function isNodeReady(node: Node): boolean {
	for (const c of node.status?.conditions ?? []) {
		if (c.type === 'Ready') {
			return c.status === 'True';
		}
	}
	return false;
}

function sortedKeys<K extends string>(map: ReadonlyMap<K, unknown>): K[] {
	return [...map.keys()].sort();
}

// CPU quantities (apimachinery resource.Quantity, just enough of it for allocatable CPU).

const quantityPattern = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;
const decimalSuffixExponent: Readonly<Record<string, number>> = {
	n: -9,
	u: -6,
	m: -3,
	k: 3,
	M: 6,
	G: 9,
	T: 12,
	P: 15,
	E: 18,
};
const binarySuffixPower: Readonly<Record<string, number>> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
/** Exponents beyond this are rejected rather than turned into enormous BigInts. */
const maxDecimalExponent = 1000;

/**
 * Parses a Kubernetes quantity (`2`, `1500m`, `0.5`, `2k`, `1Ki`, `1e3`, `250u`…) into nano-units, rounding up any
 * finer precision as `resource.ParseQuantity` does. Returns undefined for malformed or negative values (the API server
 * rejects negative allocatable resources). A YAML number is accepted too.
 */
function parseCpuNanos(quantity: string | number | undefined): bigint | undefined {
	if (quantity === undefined) {
		return undefined;
	}
	if (typeof quantity === 'number' && !Number.isFinite(quantity)) {
		return undefined;
	}
	const m = quantityPattern.exec(String(quantity).trim());
	if (!m) {
		return undefined;
	}
	const [, sign = '', number = '', suffix = ''] = m;
	const [whole = '', fraction = ''] = number.split('.');
	let mantissa = BigInt((whole || '0') + fraction);
	let exponent = 9 - fraction.length;
	if (suffix in binarySuffixPower) {
		mantissa *= 1024n ** BigInt(binarySuffixPower[suffix] ?? 0);
	} else if (suffix in decimalSuffixExponent) {
		exponent += decimalSuffixExponent[suffix] ?? 0;
	} else if (suffix !== '') {
		const e = Number(suffix.slice(1));
		if (Math.abs(e) > maxDecimalExponent) {
			return undefined;
		}
		exponent += e;
	}
	if (sign === '-' && mantissa !== 0n) {
		return undefined;
	}
	return exponent >= 0 ? mantissa * 10n ** BigInt(exponent) : ceilDiv(mantissa, 10n ** BigInt(-exponent));
}

function ceilDiv(a: bigint, b: bigint): bigint {
	return (a + b - 1n) / b;
}

function nanosToMillis(nanos: bigint): bigint {
	return ceilDiv(nanos, 1_000_000n);
}

/**
 * Parses a Kubernetes CPU quantity into milli-cores, rounded up like `Quantity.MilliValue()`: `"2"` → 2000,
 * `"1500m"` → 1500, `"0.5"` → 500, `"2k"` → 2000000, `"250u"` → 1. Returns undefined for malformed or negative
 * values.
 */
export function parseCpuMillis(quantity: string | number | undefined): number | undefined {
	const nanos = parseCpuNanos(quantity);
	return nanos === undefined ? undefined : Number(nanosToMillis(nanos));
}
