/**
 * The EndpointSlice reconciler, after `k8s.io/endpointslice/reconciler.go`: given a Service, the pods it selects and
 * its existing slices, decide which slices to create, update and delete.
 *
 * `Reconcile → reconcileByAddressType → reconcileByPortMapping → finalize` keep upstream's shape and order. Instead of
 * an API client, writes are recorded as actions (creates, then updates, then deletes, the order upstream issues
 * them). Where upstream iterates a Go map or pops "any" element, we take insertion order — pods in the order given,
 * slices in the order given — so that a prediction is reproducible; upstream guarantees only the counts and lengths.
 * Created slices get a deterministic generated name (see `k8s/names.ts`).
 */
import { generateName } from '../../k8s/names';
import type { AddressType, Endpoint, EndpointSlice, Node, Pod, Service } from '../../k8s/types';
import { defaultMaxEndpointsPerSlice, endpointSliceControllerName } from '../../k8s/types';
import { findPort, shouldPodBeInEndpoints } from '../podUtil';
import { EndpointSet, endpointsEqualBeyondHash, portMapKey } from './endpointSet';
import { sortPortsByHash } from './portMapKey';
import type { HintEvent, SliceInfo } from './sliceInfo';
import type { TopologyCache } from './topologyCache';
import {
	formatWithAddressType,
	reasonTopologyAwareHintsDisabled,
	removeHintsFromSlices,
	topologyAwareHintsDisabled,
} from './topologyCache';
import { reconcileHints } from './trafficDist';
import type { EndpointMeta } from './utils';
import {
	addTriggerTimeAnnotation,
	getAddressTypesForService,
	endpointPortsFromNumbers,
	getSliceToFill,
	hintsEnabled,
	newEndpointSlice,
	ownedBy,
	placeholderSliceEqual,
	podToEndpoint,
	setEndpointSliceLabels,
	unchangedSlices,
} from './utils';

/** One API write the controller issues. */
export interface SliceAction {
	verb: 'create' | 'update' | 'delete';
	object: EndpointSlice;
}

export interface ReconcilerOptions {
	/** `--max-endpoints-per-slice` (default 100, 1..1000). */
	maxEndpointsPerSlice?: number;
	controllerName?: string;
	/** Upstream's reconciler has a TopologyCache (the TopologyAwareHints machinery) when this is set. */
	topologyCache?: TopologyCache;
	/** Accept `PreferSameZone` / `PreferSameNode` trafficDistribution values (KEP-3015). */
	preferSameTrafficDistribution?: boolean;
}

export interface ReconcileResult {
	/** Writes in the order the controller issues them. Create bodies carry generateName, as sent. */
	actions: SliceAction[];
	/** Created slices as the API server would store them: with a generated metadata.name. */
	created: EndpointSlice[];
	events: HintEvent[];
	/** Upstream's aggregate error message, or null. */
	error: string | null;
}

/** `utilerrors.NewAggregate(...).Error()`: one message as is, several de-duplicated inside brackets. */
export function aggregateError(messages: readonly string[]): string | null {
	const seen = [...new Set(messages)];
	if (seen.length === 0) {
		return null;
	}
	return seen.length === 1 ? seen[0]! : `[${seen.join(', ')}]`;
}

function sliceName(s: EndpointSlice): string {
	return s.metadata?.name ?? '';
}

function cloneSlice(s: EndpointSlice): EndpointSlice {
	return structuredClone(s);
}

/** A write-recording stand-in for the API client, shared across address types within one Reconcile. */
class WriteLog {
	readonly actions: SliceAction[] = [];
	readonly created: EndpointSlice[] = [];
	private readonly taken: Set<string>;
	private seq = 0;

	constructor(
		private readonly service: Service,
		existing: readonly EndpointSlice[],
		takenNames: Iterable<string> = [],
	) {
		this.taken = new Set([...existing.map(sliceName), ...takenNames]);
	}

	create(slice: EndpointSlice): void {
		const body = slice;
		const prefix = body.metadata?.generateName ?? '';
		const seed = `${this.service.metadata?.namespace}/${this.service.metadata?.uid ?? this.service.metadata?.name}/${body.addressType}/${this.seq++}`;
		const name = generateName(prefix, seed, this.taken);
		this.taken.add(name);
		// The stored object shares endpoints with the request body: neither is mutated after this point.
		const stored: EndpointSlice = { ...body, metadata: { ...body.metadata, name } };
		this.actions.push({ verb: 'create', object: body });
		this.created.push(stored);
	}

	update(slice: EndpointSlice): void {
		this.actions.push({ verb: 'update', object: slice });
	}

	delete(slice: EndpointSlice): void {
		this.actions.push({ verb: 'delete', object: slice });
	}
}

export class Reconciler {
	readonly maxEndpointsPerSlice: number;
	readonly controllerName: string;
	readonly topologyCache: TopologyCache | undefined;
	readonly preferSameTrafficDistribution: boolean;

	constructor(options: ReconcilerOptions = {}) {
		this.maxEndpointsPerSlice = options.maxEndpointsPerSlice ?? defaultMaxEndpointsPerSlice;
		this.controllerName = options.controllerName ?? endpointSliceControllerName;
		this.topologyCache = options.topologyCache;
		this.preferSameTrafficDistribution = options.preferSameTrafficDistribution ?? false;
	}

	/** `validTrafficDistribution`. */
	validTrafficDistribution(value: string | undefined): boolean {
		if (value === undefined || value === null) {
			return false;
		}
		if (value === 'PreferClose') {
			return true;
		}
		return this.preferSameTrafficDistribution && (value === 'PreferSameZone' || value === 'PreferSameNode');
	}

	/**
	 * `Reconcile`: slices of address types the Service no longer has are deleted outright; every supported address
	 * type is reconciled on its own.
	 * @param pods the pods the Service selects (any order; eligibility is checked here)
	 * @param nodes the Node store, for zones (a pod whose Node is missing is skipped with an error)
	 * @param triggerTime the last-change-trigger-time annotation value (RFC3339Nano), if any
	 * @param takenNames names of other slices in the namespace, which generated names must avoid (the API server
	 *   would reject a clash and the create would be retried under another name)
	 */
	reconcile(
		service: Service,
		pods: readonly Pod[],
		existingSlices: readonly EndpointSlice[],
		nodes: readonly Node[] | ReadonlyMap<string, Node>,
		triggerTime?: string,
		takenNames?: Iterable<string>,
	): ReconcileResult {
		const nodeMap = nodes instanceof Map ? nodes : new Map((nodes as readonly Node[]).map((n) => [n.metadata?.name ?? '', n]));
		const log = new WriteLog(service, existingSlices, takenNames);
		const errors: string[] = [];
		const events: HintEvent[] = [];
		const supported = getAddressTypesForService(service);
		const toDelete: EndpointSlice[] = [];
		const byAddressType = new Map<AddressType, EndpointSlice[]>();
		for (const slice of existingSlices) {
			if (!supported.includes(slice.addressType)) {
				this.topologyCache?.removeHints(serviceKey(service), slice.addressType);
				toDelete.push(slice);
				continue;
			}
			let list = byAddressType.get(slice.addressType);
			if (!list) {
				byAddressType.set(slice.addressType, (list = []));
			}
			list.push(slice);
		}
		for (const addressType of supported) {
			const err = this.reconcileByAddressType(
				service,
				pods,
				byAddressType.get(addressType) ?? [],
				nodeMap,
				triggerTime,
				addressType,
				log,
				events,
			);
			errors.push(...err);
		}
		for (const slice of toDelete) {
			log.delete(slice);
		}
		return { actions: log.actions, created: log.created, events, error: aggregateError(errors) };
	}

	private reconcileByAddressType(
		service: Service,
		pods: readonly Pod[],
		existingSlices: readonly EndpointSlice[],
		nodes: ReadonlyMap<string, Node>,
		triggerTime: string | undefined,
		addressType: AddressType,
		log: WriteLog,
		events: HintEvent[],
	): string[] {
		const errors: string[] = [];
		let slicesToCreate: EndpointSlice[] = [];
		let slicesToUpdate: EndpointSlice[] = [];
		const slicesToDelete: EndpointSlice[] = [];

		// Existing state, by port map.
		const existingByPortMap = new Map<string, EndpointSlice[]>();
		for (const slice of existingSlices) {
			if (ownedBy(slice, service)) {
				const key = portMapKey(slice.ports);
				let list = existingByPortMap.get(key);
				if (!list) {
					existingByPortMap.set(key, (list = []));
				}
				list.push(slice);
			} else {
				slicesToDelete.push(slice);
			}
		}

		// Desired state, by port map.
		const desiredMeta = new Map<string, EndpointMeta>();
		const desiredEndpoints = new Map<string, EndpointSet>();
		const ns = service.metadata?.namespace ?? '';
		const name = service.metadata?.name ?? '';
		// Port lists by resolved port numbers: each distinct list is built and keyed once, not once per pod. The
		// numbers are resolved into one scratch array, and a pod whose numbers equal the previous pod's (the usual
		// case) reuses its group without building the join key.
		const groupByNumbers = new Map<string, { key: string; set: EndpointSet }>();
		const svcPorts = service.spec?.ports ?? [];
		const numbers = new Array<number | undefined>(svcPorts.length);
		let lastNumbers: (number | undefined)[] | undefined;
		let group: { key: string; set: EndpointSet } | undefined;
		for (const pod of pods) {
			if (!shouldPodBeInEndpoints(pod, true)) {
				continue;
			}
			for (let i = 0; i < svcPorts.length; i++) {
				numbers[i] = findPort(pod, svcPorts[i]!);
			}
			if (!lastNumbers || !sameNumbers(numbers, lastNumbers)) {
				const numbersKey = numbers.join(',');
				group = groupByNumbers.get(numbersKey);
				if (!group) {
					const ports = endpointPortsFromNumbers(service, numbers);
					const key = portMapKey(ports);
					let set = desiredEndpoints.get(key);
					if (!set) {
						desiredEndpoints.set(key, (set = new EndpointSet()));
						// Upstream's NewPortMapKey sorts the port list in place by each port's hash, and that sorted
						// list becomes the slice's ports: multi-port slices list ports in hash order, not in Service
						// order.
						desiredMeta.set(key, { addressType, ports: sortPortsByHash(ports) });
					}
					groupByNumbers.set(numbersKey, (group = { key, set }));
				}
				lastNumbers = [...numbers];
			}
			const set = group!.set;
			const nodeName = pod.spec?.nodeName ?? '';
			const node = nodes.get(nodeName);
			if (!node && !service.spec?.publishNotReadyAddresses) {
				errors.push(`skipping Pod ${pod.metadata?.name ?? ''} for Service ${ns}/${name}: Node ${nodeName} Not Found`);
				continue;
			}
			const endpoint = podToEndpoint(pod, node, service, addressType);
			if (endpoint.addresses.length > 0) {
				set.insert(endpoint);
			}
		}

		for (const [key, desired] of desiredEndpoints) {
			const r = this.reconcileByPortMapping(service, existingByPortMap.get(key) ?? [], desired, desiredMeta.get(key)!);
			slicesToCreate.push(...r.toCreate);
			slicesToUpdate.push(...r.toUpdate);
			slicesToDelete.push(...r.toDelete);
		}

		// Port groups that are no longer desired lose all their slices.
		for (const [key, slices] of existingByPortMap) {
			if (!desiredEndpoints.has(key)) {
				slicesToDelete.push(...slices);
			}
		}

		// When no slice would exist for this address type, keep or create a placeholder.
		if (existingSlices.length === slicesToDelete.length && slicesToCreate.length < 1) {
			const placeholder = newEndpointSlice(service, { ports: [], addressType }, this.controllerName);
			if (slicesToDelete.length === 1 && placeholderSliceEqual(slicesToDelete[0]!, placeholder)) {
				slicesToDelete.length = 0;
			} else {
				slicesToCreate.push(placeholder);
			}
		}

		// Hints, per address type.
		const key = serviceKey(service);
		const si: SliceInfo = {
			serviceKey: key,
			addressType,
			toCreate: slicesToCreate,
			toUpdate: slicesToUpdate,
			unchanged: unchangedSlices(existingSlices, slicesToUpdate, slicesToDelete),
		};
		const annotationHints = hintsEnabled(service.metadata?.annotations);
		const canUseTrafficDistribution = this.validTrafficDistribution(service.spec?.trafficDistribution) && !annotationHints;
		if (this.topologyCache && annotationHints) {
			const r = this.topologyCache.addHints(si);
			slicesToCreate = r.toCreate;
			slicesToUpdate = r.toUpdate;
			events.push(...r.events);
		} else {
			if (this.topologyCache) {
				if (this.topologyCache.hasPopulatedHints(key)) {
					events.push({
						type: 'Warning',
						reason: reasonTopologyAwareHintsDisabled,
						message: formatWithAddressType(topologyAwareHintsDisabled, addressType),
					});
				}
				this.topologyCache.removeHints(key, addressType);
			}
			if (!canUseTrafficDistribution) {
				const r = removeHintsFromSlices(si);
				slicesToCreate = r.toCreate;
				slicesToUpdate = r.toUpdate;
			}
		}
		if (canUseTrafficDistribution) {
			const r = reconcileHints(
				service.spec?.trafficDistribution,
				slicesToCreate,
				slicesToUpdate,
				unchangedSlices(existingSlices, slicesToUpdate, slicesToDelete),
			);
			slicesToCreate = r.toCreate;
			slicesToUpdate = r.toUpdate;
		}

		this.finalize(service, slicesToCreate, slicesToUpdate, slicesToDelete, triggerTime, log);
		return errors;
	}

	/**
	 * `reconcileByPortMapping`: (1) keep desired endpoints in existing slices, drop the rest; (2) fill slices already
	 * being updated, fullest first; (3) put the remainder in the unchanged slice it fits best, else in new slices.
	 */
	private reconcileByPortMapping(
		service: Service,
		existingSlices: readonly EndpointSlice[],
		desired: EndpointSet,
		meta: EndpointMeta,
	): { toCreate: EndpointSlice[]; toUpdate: EndpointSlice[]; toDelete: EndpointSlice[] } {
		const max = this.maxEndpointsPerSlice;
		const byName = new Map<string, EndpointSlice>();
		const unchanged = new Set<string>();
		const toUpdate = new Set<string>();
		const toDelete = new Set<string>();

		// 1. Existing slices: keep what is still desired (in its desired version), drop the rest.
		for (const existing of existingSlices) {
			const name = sliceName(existing);
			byName.set(name, existing);
			const kept = [];
			let endpointUpdated = false;
			const existingEndpoints = existing.endpoints ?? [];
			for (const ep of existingEndpoints) {
				const got = desired.take(ep);
				if (got) {
					kept.push(got);
					if (!endpointsEqualBeyondHash(got, ep)) {
						endpointUpdated = true;
					}
				}
			}
			const { labels, changed: labelsChanged } = setEndpointSliceLabels(existing, service, this.controllerName);
			if (endpointUpdated || existingEndpoints.length !== kept.length) {
				if (kept.length === 0) {
					toDelete.add(name);
				} else {
					// The kept endpoints are fresh desired objects, so a shallow copy is enough here.
					const copy: EndpointSlice = { ...existing, endpoints: kept };
					copy.metadata = { ...existing.metadata, labels };
					byName.set(name, copy);
					toUpdate.add(name);
				}
			} else if (labelsChanged) {
				const copy = cloneSlice(existing);
				copy.metadata = { ...copy.metadata, labels };
				byName.set(name, copy);
				toUpdate.add(name);
			} else {
				unchanged.add(name);
			}
		}

		// What is left of the desired set is handed out oldest first, as repeated PopAny calls would: take it all at
		// once rather than one endpoint at a time.
		const rest = desired.popAll();
		let next = 0;
		const fill = (eps: Endpoint[]) => {
			while (next < rest.length && eps.length < max) {
				eps.push(rest[next++]!);
			}
		};

		// 2. Fill the slices that are being updated anyway, fullest first.
		if (rest.length > 0 && toUpdate.size > 0) {
			const slices = [...toUpdate].map((n) => byName.get(n)!);
			slices.sort((a, b) => (b.endpoints?.length ?? 0) - (a.endpoints?.length ?? 0));
			for (const slice of slices) {
				fill((slice.endpoints ??= []));
			}
		}

		// 3. Place the rest: a tail that fits entirely goes to the best unchanged slice, else new slices.
		const toCreate: EndpointSlice[] = [];
		while (next < rest.length) {
			const remaining = rest.length - next;
			let sliceToFill: EndpointSlice | undefined;
			if (remaining < max && unchanged.size > 0) {
				sliceToFill = getSliceToFill(
					[...unchanged].map((n) => byName.get(n)!),
					remaining,
					max,
				);
			}
			if (!sliceToFill) {
				sliceToFill = newEndpointSlice(service, { addressType: meta.addressType, ports: meta.ports.map((p) => ({ ...p })) }, this.controllerName);
			} else {
				sliceToFill = cloneSlice(sliceToFill);
				byName.set(sliceName(sliceToFill), sliceToFill);
			}
			fill((sliceToFill.endpoints ??= []));
			const name = sliceToFill.metadata?.name;
			if (name) {
				toUpdate.add(name);
				unchanged.delete(name);
			} else {
				toCreate.push(sliceToFill);
			}
		}

		return {
			toCreate,
			toUpdate: [...toUpdate].map((n) => byName.get(n)!),
			toDelete: [...toDelete].map((n) => byName.get(n)!),
		};
	}

	/**
	 * `finalize`: while there are both creates and deletes, the last create becomes an update of a slice being
	 * deleted (same address type, owned by this Service), taking its name. Then creates (skipped when the Service is
	 * being deleted), updates and deletes are issued, creates and updates stamped with the trigger time.
	 */
	private finalize(
		service: Service,
		slicesToCreate: EndpointSlice[],
		slicesToUpdate: EndpointSlice[],
		slicesToDelete: EndpointSlice[],
		triggerTime: string | undefined,
		log: WriteLog,
	): void {
		const creates = [...slicesToCreate];
		const updates = [...slicesToUpdate];
		const deletes = [...slicesToDelete];
		for (let i = 0; i < deletes.length; ) {
			if (creates.length === 0) {
				break;
			}
			const del = deletes[i]!;
			const create = creates[creates.length - 1]!;
			if (del.addressType === create.addressType && ownedBy(del, service)) {
				create.metadata = { ...create.metadata, name: sliceName(del) };
				creates.pop();
				updates.push(create);
				deletes.splice(i, 1);
			} else {
				i++;
			}
		}
		if (!service.metadata?.deletionTimestamp) {
			for (const slice of creates) {
				addTriggerTimeAnnotation(slice, triggerTime);
				log.create(slice);
			}
		}
		for (const slice of updates) {
			addTriggerTimeAnnotation(slice, triggerTime);
			log.update(slice);
		}
		for (const slice of deletes) {
			log.delete(slice);
		}
	}
}

/** Element-wise equality of two resolved port-number lists of the same Service. */
function sameNumbers(a: readonly (number | undefined)[], b: readonly (number | undefined)[]): boolean {
	for (let i = 0; i < a.length; i++) {
		if (a[i] !== b[i]) {
			return false;
		}
	}
	return a.length === b.length;
}

function serviceKey(service: Service): string {
	return `${service.metadata?.namespace ?? ''}/${service.metadata?.name ?? ''}`;
}

/**
 * Applies a reconcile's writes to a list of slices: updates replace by name, deletes remove, creates are appended
 * with their generated names. The result is every slice that exists afterwards.
 */
export function applySliceActions(
	slices: readonly EndpointSlice[],
	result: Pick<ReconcileResult, 'actions' | 'created'>,
): EndpointSlice[] {
	const key = (s: EndpointSlice) => `${s.metadata?.namespace ?? ''}/${sliceName(s)}`;
	const updated = new Map<string, EndpointSlice>();
	const deleted = new Set<string>();
	for (const a of result.actions) {
		if (a.verb === 'update') {
			updated.set(key(a.object), a.object);
		} else if (a.verb === 'delete') {
			deleted.add(key(a.object));
		}
	}
	const out: EndpointSlice[] = [];
	for (const s of slices) {
		const name = key(s);
		if (deleted.has(name)) {
			continue;
		}
		out.push(updated.get(name) ?? s);
	}
	out.push(...result.created);
	return out;
}
