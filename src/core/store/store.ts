/**
 * The cluster store: every object the sources (the playground control plane, live informers) report, reduced from
 * watch events, with the indexes the views read.
 *
 * Two layers, as headlamp splits `KubeList.applyUpdate` from the list it updates:
 *
 * - `applyStoreEvent(state, event)` is the reducer. It is deterministic and does no I/O and no scheduling; for speed
 *   at tens of thousands of pods it updates `state` **in place** (the state belongs to the store that created it)
 *   and returns a `StoreDelta`: exactly the objects added, modified and removed, and the namespaces and Services
 *   whose view of the cluster changed. Objects are keyed per kind by `metadata.uid` (or `namespace/name` when an
 *   object has none, as hand-written manifests do), with a secondary name index. Stale events are dropped by the
 *   resourceVersion rule of `supersedes` below.
 * - `ClusterStore` wraps one state, answers the views' queries from the indexes, and coalesces the deltas of one
 *   turn into a single `StoreChange` notification. A live source hands it large lists through `applyListInSteps`
 *   (the same reduction, `beginList`, a few milliseconds at a time with the event loop free in between, and still one
 *   notification per list); its store gathers changes for `liveNotifyDelayMs` (`liveStoreOptions`).
 *
 * The indexes are maintained incrementally by the reducer: Service → EndpointSlices (by the
 * `kubernetes.io/service-name` label, including slices whose Service does not exist yet), Service → Endpoints (the
 * name index: same namespace and name), pods by label pair, and Services by one pair of their selector, so that
 * "which Services select this pod" and "which pods does this Service select" cost the candidates, not the namespace.
 * The pods a Service selects are computed lazily and cached until a pod it selects (before or after a change) or
 * the Service itself changes.
 *
 * Namespaced objects without `metadata.namespace` live in `default` (where the API server and `kubectl apply` put
 * them, and what `serviceSelects` assumes); cluster-scoped kinds (Namespace, Node) have namespace `''`. Objects
 * handed to the store are kept by reference and must not be mutated afterwards.
 */
import { serviceSelects } from '../k8s/selector';
import type { EndpointSlice, Endpoints, Pod, Service, TypedObject } from '../k8s/types';
import { labelServiceName } from '../k8s/types';
import type {
	ListEvent,
	ResourceKind,
	ResourceTypes,
	ServiceKey,
	StoreChange,
	StoreEvent,
	WatchEvent,
} from './types';
import { resourceKinds, serviceKey } from './types';

/** Where namespaced objects without `metadata.namespace` live. */
const defaultNamespace = 'default';

const clusterScopedKinds: ReadonlySet<ResourceKind> = new Set<ResourceKind>(['Namespace', 'Node']);

/** The selector index key of `{}` (selects every pod). Label pairs always contain `\0`, so they never equal it. */
const everythingKey = '';

const numericResourceVersion = /^[0-9]+$/;

// ---------------------------------------------------------------------------------------------------------------
// State

/** The objects of one kind and their identity indexes. */
export interface KindTable {
	/** Identity key (the uid, or `\0namespace/name` for an object without one) → object. */
	readonly objects: Map<string, TypedObject>;
	/**
	 * Namespace (`''` for cluster-scoped kinds) → name → identity key: the name index and the namespace index in one
	 * (keyed by the objects' own strings, so it costs no key text). Empty maps are deleted.
	 */
	readonly byNamespace: Map<string, Map<string, string>>;
}

/**
 * Identity keys in an index entry: one key as itself (most entries hold one: a Service's slices, the Services of a
 * selector pair), more as a set. Large clusters have tens of thousands of entries; a set each would cost more than
 * the objects they point to.
 */
export type Ids = string | Set<string>;

/**
 * The store's state. It is owned by the store that created it: `applyStoreEvent` mutates it in place, so read it
 * only through `ClusterStore` (or right after a reduction, in tests). All inner maps drop empty entries.
 */
export interface StoreState {
	readonly tables: Readonly<Record<ResourceKind, KindTable>>;
	/** Service key → identity keys of the EndpointSlices labelled with that Service's name (it may not exist). */
	readonly slicesByService: Map<ServiceKey, Ids>;
	/**
	 * Namespace → selector key → identity keys of the Services. A Service is indexed under one `key\0value` pair of
	 * its selector (any pair will do: a pod it selects carries all of them), or `''` for `{}`; without a selector it
	 * selects nothing and is not indexed.
	 */
	readonly servicesBySelector: Map<string, Map<string, Ids>>;
	/** Namespace → `key\0value` → identity keys of the pods carrying that label. */
	readonly podsByLabel: Map<string, Map<string, Ids>>;
	/** Service key → the pods it selects, sorted by name; filled lazily by `selectedPods`. */
	readonly podCache: Map<ServiceKey, Pod[]>;
}

/** A new, empty state. */
export function createStoreState(): StoreState {
	const table = (): KindTable => ({ objects: new Map(), byNamespace: new Map() });
	return {
		tables: {
			Namespace: table(),
			Service: table(),
			Endpoints: table(),
			EndpointSlice: table(),
			Pod: table(),
			Node: table(),
		},
		slicesByService: new Map(),
		servicesBySelector: new Map(),
		podsByLabel: new Map(),
		podCache: new Map(),
	};
}

// ---------------------------------------------------------------------------------------------------------------
// Deltas

/** An object replaced by a newer version of itself (same identity). */
export interface ModifiedObject<T> {
	readonly before: T;
	readonly after: T;
}

/**
 * What one event changed. An object recreated under the same name with another uid is reported as the old one
 * removed and the new one added. Ignored events (stale, duplicate, a DELETED for another uid) give an empty delta.
 */
export interface StoreDelta<K extends ResourceKind = ResourceKind> {
	readonly kind: K;
	readonly added: ResourceTypes[K][];
	readonly modified: ModifiedObject<ResourceTypes[K]>[];
	readonly removed: ResourceTypes[K][];
	/** As `StoreChange.namespaces`: namespaces that gained or lost a Service, or whose Namespace object changed. */
	readonly namespaces: Set<string>;
	/** As `StoreChange.services`: Services whose object, slices, Endpoints or selected pods changed. */
	readonly services: Set<ServiceKey>;
	/** A Service or Namespace object was added or removed. */
	readonly structure: boolean;
}

/** Whether the delta changed nothing. */
export function isEmptyDelta(delta: StoreDelta): boolean {
	return delta.added.length === 0 && delta.modified.length === 0 && delta.removed.length === 0;
}

interface MutableDelta {
	kind: ResourceKind;
	added: TypedObject[];
	modified: ModifiedObject<TypedObject>[];
	removed: TypedObject[];
	namespaces: Set<string>;
	services: Set<ServiceKey>;
	structure: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// Keys

function isClusterScoped(kind: ResourceKind): boolean {
	return clusterScopedKinds.has(kind);
}

function namespaceOf(kind: ResourceKind, obj: TypedObject): string {
	return isClusterScoped(kind) ? '' : obj.metadata?.namespace || defaultNamespace;
}

function nameKeyOf(kind: ResourceKind, obj: TypedObject): string {
	return `${namespaceOf(kind, obj)}/${obj.metadata?.name ?? ''}`;
}

/** A namespace as the caller names it → where the store keeps it (`''` and undefined are `default`). */
function scopeNamespace(kind: ResourceKind, namespace: string | undefined): string {
	return isClusterScoped(kind) ? '' : namespace || defaultNamespace;
}

/** `serviceKey(undefined, name)` is `/name`: the store keeps such a Service in `default`. */
function normalizeServiceKey(key: ServiceKey): ServiceKey {
	return key.startsWith('/') ? `${defaultNamespace}${key}` : key;
}

function labelPair(key: string, value: string): string {
	return `${key}\u0000${value}`;
}

/** The selector index key of a Service, or undefined when it has no selector (selects nothing). */
function selectorIndexKey(service: Service): string | undefined {
	const selector = service.spec?.selector;
	if (selector == null) {
		return undefined;
	}
	const first = Object.keys(selector)[0];
	return first === undefined ? everythingKey : labelPair(first, selector[first]!);
}

/** The Service key a slice's `kubernetes.io/service-name` label names, if it names one. */
function sliceServiceKey(slice: TypedObject): ServiceKey | undefined {
	const name = slice.metadata?.labels?.[labelServiceName];
	return name ? serviceKey(namespaceOf('EndpointSlice', slice), name) : undefined;
}

function isNumeric(rv: string): boolean {
	return numericResourceVersion.test(rv);
}

/** Compares two non-negative decimal integers of any length. */
function compareNumeric(a: string, b: string): number {
	const x = a.replace(/^0+(?=.)/, '');
	const y = b.replace(/^0+(?=.)/, '');
	if (x.length !== y.length) {
		return x.length - y.length;
	}
	return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Whether `incoming` should replace `stored`, an object of the same identity, from a watch event: not when it is
 * the same object or carries the same resourceVersion; when both versions are integers, only when it is higher;
 * otherwise (versions are opaque, or one is missing) always.
 */
function supersedes(incoming: TypedObject, stored: TypedObject): boolean {
	if (incoming === stored) {
		return false;
	}
	const a = incoming.metadata?.resourceVersion;
	const b = stored.metadata?.resourceVersion;
	if (a === undefined || b === undefined) {
		return true;
	}
	if (a === b) {
		return false;
	}
	if (isNumeric(a) && isNumeric(b)) {
		return compareNumeric(a, b) > 0;
	}
	return true;
}

/** Whether a listed object equals the stored one: same reference, or same identity and resourceVersion. */
function unchangedInList(incoming: TypedObject, stored: TypedObject): boolean {
	if (incoming === stored) {
		return true;
	}
	const rv = incoming.metadata?.resourceVersion;
	return rv !== undefined && rv === stored.metadata?.resourceVersion;
}

// ---------------------------------------------------------------------------------------------------------------
// Nested index helpers

function addTo<K>(map: Map<K, Ids>, key: K, id: string): void {
	const ids = map.get(key);
	if (ids === undefined) {
		map.set(key, id);
	} else if (typeof ids === 'string') {
		if (ids !== id) {
			map.set(key, new Set([ids, id]));
		}
	} else {
		ids.add(id);
	}
}

function removeFrom<K>(map: Map<K, Ids>, key: K, id: string): void {
	const ids = map.get(key);
	if (ids === undefined) {
		return;
	}
	if (typeof ids === 'string') {
		if (ids === id) {
			map.delete(key);
		}
		return;
	}
	ids.delete(id);
	if (ids.size === 1) {
		map.set(key, ids.values().next().value!);
	} else if (ids.size === 0) {
		map.delete(key);
	}
}

const noIds: readonly string[] = [];

/** The identity keys of an index entry, iterable. */
function idsOf(ids: Ids | undefined): Iterable<string> {
	return ids === undefined ? noIds : typeof ids === 'string' ? [ids] : ids;
}

function sizeOf(ids: Ids): number {
	return typeof ids === 'string' ? 1 : ids.size;
}

function addTo2(map: Map<string, Map<string, Ids>>, outer: string, inner: string, id: string): void {
	let m = map.get(outer);
	if (!m) {
		m = new Map();
		map.set(outer, m);
	}
	addTo(m, inner, id);
}

function removeFrom2(map: Map<string, Map<string, Ids>>, outer: string, inner: string, id: string): void {
	const m = map.get(outer);
	if (m) {
		removeFrom(m, inner, id);
		if (m.size === 0) {
			map.delete(outer);
		}
	}
}

/** The identity key of the object named `name` in `namespace` (`''` for cluster-scoped kinds). */
function idByName(table: KindTable, namespace: string, name: string): string | undefined {
	return table.byNamespace.get(namespace)?.get(name);
}

/** `namespace/name` (a Service key, say) → the identity key of that object. */
function idByNameKey(table: KindTable, nameKey: string): string | undefined {
	const slash = nameKey.indexOf('/');
	return slash < 0 ? undefined : idByName(table, nameKey.slice(0, slash), nameKey.slice(slash + 1));
}

function nameOf(obj: TypedObject): string {
	return obj.metadata?.name ?? '';
}

// ---------------------------------------------------------------------------------------------------------------
// Derived indexes

function indexObject(state: StoreState, kind: ResourceKind, id: string, obj: TypedObject): void {
	switch (kind) {
		case 'Service': {
			const key = selectorIndexKey(obj as Service);
			if (key !== undefined) {
				addTo2(state.servicesBySelector, namespaceOf(kind, obj), key, id);
			}
			break;
		}
		case 'EndpointSlice': {
			const key = sliceServiceKey(obj);
			if (key !== undefined) {
				addTo(state.slicesByService, key, id);
			}
			break;
		}
		case 'Pod': {
			const ns = namespaceOf(kind, obj);
			const labels = obj.metadata?.labels ?? {};
			for (const k of Object.keys(labels)) {
				addTo2(state.podsByLabel, ns, labelPair(k, labels[k]!), id);
			}
			break;
		}
		default:
			break;
	}
}

function unindexObject(state: StoreState, kind: ResourceKind, id: string, obj: TypedObject): void {
	switch (kind) {
		case 'Service': {
			const key = selectorIndexKey(obj as Service);
			if (key !== undefined) {
				removeFrom2(state.servicesBySelector, namespaceOf(kind, obj), key, id);
			}
			break;
		}
		case 'EndpointSlice': {
			const key = sliceServiceKey(obj);
			if (key !== undefined) {
				removeFrom(state.slicesByService, key, id);
			}
			break;
		}
		case 'Pod': {
			const ns = namespaceOf(kind, obj);
			const labels = obj.metadata?.labels ?? {};
			for (const k of Object.keys(labels)) {
				removeFrom2(state.podsByLabel, ns, labelPair(k, labels[k]!), id);
			}
			break;
		}
		default:
			break;
	}
}

/** The keys of the stored Services that select `pod`. */
function servicesSelecting(state: StoreState, pod: Pod): ServiceKey[] {
	const ns = namespaceOf('Pod', pod);
	const bySelector = state.servicesBySelector.get(ns);
	if (!bySelector) {
		return [];
	}
	const services = state.tables.Service.objects;
	const out: ServiceKey[] = [];
	const consider = (ids: Ids | undefined): void => {
		for (const id of idsOf(ids)) {
			const svc = services.get(id) as Service;
			if (serviceSelects(svc, pod)) {
				out.push(nameKeyOf('Service', svc));
			}
		}
	};
	consider(bySelector.get(everythingKey));
	const labels = pod.metadata?.labels ?? {};
	for (const k of Object.keys(labels)) {
		consider(bySelector.get(labelPair(k, labels[k]!)));
	}
	return out;
}

/** Records one object change in the delta: the object lists, the Services and namespaces it touches, structure. */
function noteChange(
	state: StoreState,
	kind: ResourceKind,
	before: TypedObject | undefined,
	after: TypedObject | undefined,
	delta: MutableDelta,
): void {
	if (before && after) {
		delta.modified.push({ before, after });
	} else if (after) {
		delta.added.push(after);
	} else if (before) {
		delta.removed.push(before);
	}
	const addedOrRemoved = !before || !after;
	for (const obj of [before, after]) {
		if (!obj) {
			continue;
		}
		switch (kind) {
			case 'Namespace':
				delta.namespaces.add(obj.metadata?.name ?? '');
				delta.structure ||= addedOrRemoved;
				break;
			case 'Service': {
				const key = nameKeyOf(kind, obj);
				delta.services.add(key);
				state.podCache.delete(key);
				if (addedOrRemoved) {
					delta.structure = true;
					delta.namespaces.add(namespaceOf(kind, obj));
				}
				break;
			}
			case 'Endpoints':
				delta.services.add(nameKeyOf(kind, obj));
				break;
			case 'EndpointSlice': {
				const key = sliceServiceKey(obj);
				if (key !== undefined) {
					delta.services.add(key);
				}
				break;
			}
			case 'Pod':
				for (const key of servicesSelecting(state, obj as Pod)) {
					delta.services.add(key);
					state.podCache.delete(key);
				}
				break;
			case 'Node':
				break;
		}
	}
}

// ---------------------------------------------------------------------------------------------------------------
// Table operations (each keeps every index in step)

function insertEntry(state: StoreState, kind: ResourceKind, id: string, obj: TypedObject, delta: MutableDelta): void {
	const table = state.tables[kind];
	// A uid is an identity: if another name holds it (impossible from an API server, names are immutable), that
	// entry goes first so the maps stay consistent.
	const holder = table.objects.get(id);
	if (holder !== undefined) {
		removeEntry(state, kind, id, holder, delta);
	}
	table.objects.set(id, obj);
	const ns = namespaceOf(kind, obj);
	let names = table.byNamespace.get(ns);
	if (names === undefined) {
		names = new Map();
		table.byNamespace.set(ns, names);
	}
	names.set(nameOf(obj), id);
	indexObject(state, kind, id, obj);
	noteChange(state, kind, undefined, obj, delta);
}

function replaceEntry(
	state: StoreState,
	kind: ResourceKind,
	id: string,
	before: TypedObject,
	after: TypedObject,
	delta: MutableDelta,
): void {
	unindexObject(state, kind, id, before);
	state.tables[kind].objects.set(id, after);
	indexObject(state, kind, id, after);
	noteChange(state, kind, before, after, delta);
}

function removeEntry(state: StoreState, kind: ResourceKind, id: string, obj: TypedObject, delta: MutableDelta): void {
	const table = state.tables[kind];
	table.objects.delete(id);
	const ns = namespaceOf(kind, obj);
	const names = table.byNamespace.get(ns);
	if (names !== undefined && names.get(nameOf(obj)) === id) {
		names.delete(nameOf(obj));
		if (names.size === 0) {
			table.byNamespace.delete(ns);
		}
	}
	unindexObject(state, kind, id, obj);
	noteChange(state, kind, obj, undefined, delta);
}

// ---------------------------------------------------------------------------------------------------------------
// The reducer

function applyUpsert(
	state: StoreState,
	kind: ResourceKind,
	obj: TypedObject,
	fromList: boolean,
	delta: MutableDelta,
): void {
	const table = state.tables[kind];
	const ns = namespaceOf(kind, obj);
	const id = obj.metadata?.uid || `\u0000${ns}/${nameOf(obj)}`;
	const storedId = idByName(table, ns, nameOf(obj));
	if (storedId !== undefined) {
		const stored = table.objects.get(storedId)!;
		if (storedId === id) {
			const changed = fromList ? !unchangedInList(obj, stored) : supersedes(obj, stored);
			if (changed) {
				replaceEntry(state, kind, id, stored, obj, delta);
			}
			return;
		}
		// The same name with another identity: the object was deleted and created again.
		removeEntry(state, kind, storedId, stored, delta);
	}
	insertEntry(state, kind, id, obj, delta);
}

function applyDelete(state: StoreState, kind: ResourceKind, obj: TypedObject, delta: MutableDelta): void {
	const table = state.tables[kind];
	const storedId = idByName(table, namespaceOf(kind, obj), nameOf(obj));
	if (storedId === undefined) {
		return;
	}
	const stored = table.objects.get(storedId)!;
	const uid = obj.metadata?.uid;
	const storedUid = stored.metadata?.uid;
	if (uid && storedUid && uid !== storedUid) {
		// The deletion of an earlier incarnation: the stored object was created after it.
		return;
	}
	removeEntry(state, kind, storedId, stored, delta);
}

/**
 * A LIST being reduced in steps, so that a list of tens of thousands of objects need not be reduced in one go
 * (`ClusterStore.applyListInSteps` yields to the event loop between steps). Reducing all steps in a row is exactly
 * `applyStoreEvent` of the list; between steps, the state holds the list partly applied.
 */
export interface ListReduction<K extends ResourceKind = ResourceKind> {
	/** Reduces about `budget` more objects; true once the whole list is reduced (then `delta` is complete). */
	step(budget: number): boolean;
	/** What the steps so far changed. */
	readonly delta: StoreDelta<K>;
}

function newDelta(kind: ResourceKind): MutableDelta {
	return { kind, added: [], modified: [], removed: [], namespaces: new Set(), services: new Set(), structure: false };
}

/** Starts reducing a LIST into `state` (see `applyStoreEvent` for what a list does); nothing happens until `step`. */
export function beginList<K extends ResourceKind>(state: StoreState, event: ListEvent<K>): ListReduction<K> {
	return listReduction(state, event, newDelta(event.kind)) as ListReduction<K>;
}

function listReduction(state: StoreState, event: ListEvent, delta: MutableDelta): ListReduction {
	if (!Object.prototype.hasOwnProperty.call(state.tables, event.kind)) {
		return { delta, step: () => true };
	}
	const kind = event.kind;
	const table = state.tables[kind];
	const objects = event.objects;
	const scope = isClusterScoped(kind) || !event.namespace ? undefined : event.namespace;
	// Last one wins when a list names an object twice; objects outside a namespaced list's scope are not part of it.
	const listed = new Map<string, TypedObject>();
	const gone: string[] = [];
	// 0: collect the listed objects; 1: upsert them; 2: find the stored ones the list lacks; 3: remove those.
	let phase = 0;
	let next = 0;
	let upserts: Iterator<TypedObject> | undefined;
	let stored: Iterator<string> | undefined;
	const step = (budget: number): boolean => {
		for (let n = 0; n < budget; n++) {
			switch (phase) {
				case 0: {
					if (next >= objects.length) {
						phase = 1;
						upserts = listed.values();
						break;
					}
					const obj = objects[next++]!;
					if (scope === undefined || namespaceOf(kind, obj) === scope) {
						listed.set(nameKeyOf(kind, obj), obj);
					}
					break;
				}
				case 1: {
					const r = upserts!.next();
					if (r.done) {
						phase = 2;
						stored = scope === undefined ? table.objects.keys() : (table.byNamespace.get(scope)?.values() ?? noIds.values());
						break;
					}
					applyUpsert(state, kind, r.value, true, delta);
					break;
				}
				case 2: {
					const r = stored!.next();
					if (r.done) {
						phase = 3;
						next = 0;
						break;
					}
					const obj = table.objects.get(r.value);
					if (obj !== undefined && !listed.has(nameKeyOf(kind, obj))) {
						gone.push(r.value);
					}
					break;
				}
				case 3: {
					if (next >= gone.length) {
						phase = 4;
						return true;
					}
					const id = gone[next++]!;
					const obj = table.objects.get(id);
					if (obj !== undefined) {
						removeEntry(state, kind, id, obj, delta);
					}
					break;
				}
				default:
					return true;
			}
		}
		return phase === 4;
	};
	return { delta: delta as StoreDelta, step };
}

/**
 * Reduces one event into `state`, **in place**, and returns exactly what changed:
 *
 * - ADDED/MODIFIED insert or replace the object. For the same identity (uid, else namespace/name) an event is stale
 *   and ignored when both resourceVersions are integers and the incoming one is not higher; non-integer versions are
 *   opaque and replace unless they are the identical string. The same name with another uid replaces the stored
 *   object (removed + added: it was recreated).
 * - DELETED removes the object of that name, unless both carry uids and they differ (the deletion of an older
 *   incarnation).
 * - LIST replaces every object of the kind in the list's namespace (cluster-wide when it has none, or is `''`, or
 *   the kind is cluster-scoped); listed objects with the stored uid and resourceVersion are unchanged, others are
 *   added, modified or removed. A list is authoritative: it is not subject to the stale-version rule.
 *
 * Deterministic; no I/O, no timers.
 */
export function applyStoreEvent<K extends ResourceKind>(
	state: StoreState,
	event: WatchEvent<K> | ListEvent<K>,
): StoreDelta<K> {
	const delta: MutableDelta = {
		kind: event.kind,
		added: [],
		modified: [],
		removed: [],
		namespaces: new Set(),
		services: new Set(),
		structure: false,
	};
	if (!Object.prototype.hasOwnProperty.call(state.tables, event.kind)) {
		return delta as StoreDelta<K>;
	}
	switch (event.type) {
		case 'ADDED':
		case 'MODIFIED':
			applyUpsert(state, event.kind, event.object, false, delta);
			break;
		case 'DELETED':
			applyDelete(state, event.kind, event.object, delta);
			break;
		case 'LIST':
			listReduction(state, event, delta).step(Infinity);
			break;
	}
	return delta as StoreDelta<K>;
}

/**
 * The pods the Service `key` selects (same namespace, `serviceSelects`), sorted by name: computed from the label
 * index on first use and cached in the state until the reducer invalidates it. Empty when the Service does not
 * exist or has no selector.
 */
export function selectedPods(state: StoreState, key: ServiceKey): readonly Pod[] {
	const k = normalizeServiceKey(key);
	const cached = state.podCache.get(k);
	if (cached) {
		return cached;
	}
	const services = state.tables.Service;
	const serviceId = idByNameKey(services, k);
	if (serviceId === undefined) {
		return [];
	}
	const service = services.objects.get(serviceId) as Service;
	const selector = service.spec?.selector;
	const result: Pod[] = [];
	if (selector != null) {
		const ns = namespaceOf('Service', service);
		let candidates: Iterable<string> | undefined;
		const keys = Object.keys(selector);
		if (keys.length === 0) {
			candidates = state.tables.Pod.byNamespace.get(ns)?.values();
		} else {
			const byLabel = state.podsByLabel.get(ns);
			let smallest: Ids | undefined;
			for (const lk of keys) {
				const ids = byLabel?.get(labelPair(lk, selector[lk]!));
				if (!ids) {
					smallest = undefined;
					break;
				}
				if (!smallest || sizeOf(ids) < sizeOf(smallest)) {
					smallest = ids;
				}
			}
			candidates = idsOf(smallest);
		}
		const pods = state.tables.Pod.objects;
		for (const id of candidates ?? noIds) {
			const pod = pods.get(id) as Pod;
			if (serviceSelects(service, pod)) {
				result.push(pod);
			}
		}
		result.sort(byName);
	}
	state.podCache.set(k, result);
	return result;
}

function compareStrings(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

function byName(a: TypedObject, b: TypedObject): number {
	return compareStrings(a.metadata?.name ?? '', b.metadata?.name ?? '');
}

/** Orders objects of one kind by the namespace the store keeps them in (absent = `default`), then name. */
function byNamespaceThenName(kind: ResourceKind): (a: TypedObject, b: TypedObject) => number {
	return (a, b) => compareStrings(namespaceOf(kind, a), namespaceOf(kind, b)) || byName(a, b);
}

// ---------------------------------------------------------------------------------------------------------------
// The store

/** Options for {@link ClusterStore}. */
export interface ClusterStoreOptions {
	/**
	 * Schedules the delivery of coalesced changes: called once with `flush` when the first change after a delivery
	 * arrives. Default `queueMicrotask`: every `apply` of one turn ends up in one notification.
	 */
	schedule?: (flush: () => void) => void;
	/** Receives what a change listener throws (the other listeners still run). Default `console.error`. */
	onListenerError?: (error: unknown) => void;
	/** How `applyListInSteps` yields to the event loop between steps. Default `setImmediate`. */
	yieldToEventLoop?: () => Promise<void>;
}

/** How long a store fed by a live cluster gathers changes before it notifies (see {@link liveStoreOptions}). */
export const liveNotifyDelayMs = 100;

/**
 * The options of a store fed by a live cluster: the changes of `liveNotifyDelayMs` make one notification, so a stream
 * of watch events (a rollout, a flapping readiness probe: a hundred a second in a large cluster) repaints the views
 * about ten times a second rather than once per event.
 */
export const liveStoreOptions: Readonly<ClusterStoreOptions> = {
	schedule: (flush) => {
		setTimeout(flush, liveNotifyDelayMs);
	},
};

function yieldWithSetImmediate(): Promise<void> {
	return new Promise((resolve) => {
		if (typeof setImmediate === 'function') {
			setImmediate(resolve);
		} else {
			setTimeout(resolve, 0);
		}
	});
}

/** Options of {@link ClusterStore.applyListInSteps}. */
export interface ListStepOptions {
	/** Stops between two steps when aborted (what was reduced so far stays, and is notified). */
	signal?: AbortSignal;
	/** About how long one step may work before yielding, in ms. Default 8. */
	stepMs?: number;
}

/** A subscription; `dispose()` ends it. */
export interface StoreSubscription {
	dispose(): void;
}

/** Object counts per kind. */
export type StoreCounts = Record<ResourceKind, number>;

function emptyChange(): StoreChange {
	return { kinds: new Set(), namespaces: new Set(), services: new Set(), structure: false };
}

function isEmptyChange(change: StoreChange): boolean {
	return (
		change.kinds.size === 0 && change.namespaces.size === 0 && change.services.size === 0 && !change.structure
	);
}

/**
 * The cluster model the views read: a `StoreState` reduced by `applyStoreEvent`, its queries, and coalesced change
 * notifications. Many `apply` calls in one turn produce one `StoreChange`, the union of their deltas, delivered
 * through the `schedule` option (or at once by `flush()`).
 */
export class ClusterStore {
	private state = createStoreState();
	private pending = emptyChange();
	private scheduled = false;
	private readonly listeners = new Set<{ readonly listener: (change: StoreChange) => void }>();
	private readonly deltaListeners = new Set<{ readonly listener: (delta: StoreDelta) => void }>();
	private readonly schedule: (flush: () => void) => void;
	private readonly onListenerError: (error: unknown) => void;
	private readonly yieldToEventLoop: () => Promise<void>;
	/** Lists being reduced in steps: notifications wait until none is. */
	private holds = 0;

	constructor(options: ClusterStoreOptions = {}) {
		this.schedule = options.schedule ?? ((flush) => queueMicrotask(flush));
		this.onListenerError =
			options.onListenerError ?? ((error) => console.error('endpoint-lens: a store listener threw', error));
		this.yieldToEventLoop = options.yieldToEventLoop ?? yieldWithSetImmediate;
	}

	/** Reduces one event and queues its change for the next notification. */
	apply<K extends ResourceKind>(event: WatchEvent<K> | ListEvent<K>): StoreDelta<K> {
		const delta = applyStoreEvent(this.state, event);
		this.record(delta);
		return delta;
	}

	/**
	 * Reduces a LIST as `apply` does, in steps of about `stepMs` of work with the event loop free in between, so that
	 * a list of tens of thousands of objects does not stall it. Until the list is reduced, change notifications wait
	 * (the list makes one, together with whatever else changed meanwhile) and readers may see it partly applied;
	 * `onDidApply` listeners get its whole delta at the end. Events of other kinds and scopes may be applied
	 * between the steps; the caller must not apply events of the list's own kind and scope until it resolves. When
	 * the store is cleared meanwhile, the rest of the list is dropped.
	 */
	async applyListInSteps<K extends ResourceKind>(event: ListEvent<K>, options: ListStepOptions = {}): Promise<StoreDelta<K>> {
		const { signal, stepMs = 8 } = options;
		const state = this.state;
		const reduction = beginList(state, event);
		this.holds++;
		try {
			for (;;) {
				const t0 = performance.now();
				let done: boolean;
				do {
					done = reduction.step(128);
				} while (!done && performance.now() - t0 < stepMs);
				if (done || signal?.aborted) {
					break;
				}
				await this.yieldToEventLoop();
				if (signal?.aborted || this.state !== state) {
					break;
				}
			}
		} finally {
			this.holds--;
			if (this.state === state) {
				this.record(reduction.delta);
			}
			if (this.holds === 0 && !isEmptyChange(this.pending)) {
				this.requestFlush();
			}
		}
		return reduction.delta;
	}

	/** Queues the change of a reduced delta and tells the delta listeners. */
	private record(delta: StoreDelta): void {
		if (!isEmptyDelta(delta)) {
			const p = this.pending;
			p.kinds.add(delta.kind);
			for (const ns of delta.namespaces) {
				p.namespaces.add(ns);
			}
			for (const key of delta.services) {
				p.services.add(key);
			}
			p.structure ||= delta.structure;
			this.requestFlush();
			for (const entry of this.deltaListeners) {
				try {
					entry.listener(delta);
				} catch (error) {
					this.onListenerError(error);
				}
			}
		}
	}

	/** Reduces events in order; their changes join the same notification. */
	applyAll(events: Iterable<StoreEvent>): StoreDelta[] {
		const deltas: StoreDelta[] = [];
		for (const event of events) {
			deltas.push(this.apply(event));
		}
		return deltas;
	}

	/** The object of that kind and name (`namespace` is ignored for Namespaces and Nodes; `''` means `default`). */
	get<K extends ResourceKind>(kind: K, namespace: string | undefined, name: string): ResourceTypes[K] | undefined {
		const table = this.state.tables[kind];
		const id = idByName(table, scopeNamespace(kind, namespace), name);
		return id === undefined ? undefined : (table.objects.get(id) as ResourceTypes[K]);
	}

	/** The object of that kind with that `metadata.uid`. */
	getByUid<K extends ResourceKind>(kind: K, uid: string): ResourceTypes[K] | undefined {
		return uid ? (this.state.tables[kind].objects.get(uid) as ResourceTypes[K] | undefined) : undefined;
	}

	/**
	 * The objects of a kind, in one namespace or all, sorted by namespace then name. `namespace` is ignored for
	 * cluster-scoped kinds, as kubectl does.
	 */
	list<K extends ResourceKind>(kind: K, namespace?: string): ResourceTypes[K][] {
		const table = this.state.tables[kind];
		let out: TypedObject[];
		if (namespace === undefined || isClusterScoped(kind)) {
			out = [...table.objects.values()];
		} else {
			out = [];
			for (const id of table.byNamespace.get(scopeNamespace(kind, namespace))?.values() ?? noIds) {
				out.push(table.objects.get(id)!);
			}
		}
		return out.sort(byNamespaceThenName(kind)) as ResourceTypes[K][];
	}

	/** Namespaces that have a Namespace object or at least one Service, sorted. */
	namespaces(): string[] {
		const out = new Set<string>(this.state.tables.Service.byNamespace.keys());
		for (const ns of this.state.tables.Namespace.objects.values()) {
			out.add(ns.metadata?.name ?? '');
		}
		return [...out].sort(compareStrings);
	}

	/** The Services of a namespace, sorted by name. */
	services(namespace: string): Service[] {
		return this.list('Service', namespace);
	}

	/**
	 * The EndpointSlices labelled `kubernetes.io/service-name: <name>` in the Service's namespace (whether or not the
	 * Service exists), sorted by addressType then name.
	 */
	slicesForService(key: ServiceKey): EndpointSlice[] {
		const table = this.state.tables.EndpointSlice;
		const out: EndpointSlice[] = [];
		for (const id of idsOf(this.state.slicesByService.get(normalizeServiceKey(key)))) {
			out.push(table.objects.get(id) as EndpointSlice);
		}
		return out.sort(
			(a, b) =>
				compareStrings(a.addressType ?? '', b.addressType ?? '') ||
				byName(a, b),
		);
	}

	/** The v1 Endpoints of the same namespace and name as the Service. */
	endpointsForService(key: ServiceKey): Endpoints | undefined {
		const table = this.state.tables.Endpoints;
		const id = idByNameKey(table, normalizeServiceKey(key));
		return id === undefined ? undefined : (table.objects.get(id) as Endpoints);
	}

	/** The pods the Service selects (nothing without a selector, every pod of its namespace for `{}`), by name. */
	podsForService(key: ServiceKey): Pod[] {
		return [...selectedPods(this.state, key)];
	}

	/** How many objects of each kind the store holds. */
	counts(): StoreCounts {
		const out = {} as StoreCounts;
		for (const kind of resourceKinds) {
			out[kind] = this.state.tables[kind].objects.size;
		}
		return out;
	}

	/** Forgets everything (a source disconnected or switched context): one change naming all that was there. */
	clear(): void {
		const p = this.pending;
		for (const kind of resourceKinds) {
			if (this.state.tables[kind].objects.size > 0) {
				p.kinds.add(kind);
			}
		}
		for (const ns of this.namespaces()) {
			p.namespaces.add(ns);
		}
		for (const [ns, names] of this.state.tables.Service.byNamespace) {
			for (const name of names.keys()) {
				p.services.add(serviceKey(ns, name));
			}
		}
		p.structure = true;
		this.state = createStoreState();
		this.requestFlush();
	}

	/** Subscribes to coalesced changes. A listener that throws is reported and does not stop the others. */
	onDidChange(listener: (change: StoreChange) => void): StoreSubscription {
		const entry = { listener };
		this.listeners.add(entry);
		return { dispose: () => this.listeners.delete(entry) };
	}

	/**
	 * Subscribes to every effective delta, synchronously as each event is reduced (what changed, with the objects
	 * before and after): for recorders such as the diagrams' timeline. Views want `onDidChange`.
	 */
	onDidApply(listener: (delta: StoreDelta) => void): StoreSubscription {
		const entry = { listener };
		this.deltaListeners.add(entry);
		return { dispose: () => this.deltaListeners.delete(entry) };
	}

	/** Delivers the pending change now, if there is one (tests, the CLI). */
	flush(): void {
		if (isEmptyChange(this.pending)) {
			return;
		}
		const change = this.pending;
		this.pending = emptyChange();
		for (const entry of [...this.listeners]) {
			if (!this.listeners.has(entry)) {
				continue; // disposed by an earlier listener of this delivery
			}
			try {
				entry.listener(change);
			} catch (error) {
				this.onListenerError(error);
			}
		}
	}

	/** Drops every listener and any undelivered change. */
	dispose(): void {
		this.listeners.clear();
		this.deltaListeners.clear();
		this.pending = emptyChange();
	}

	private requestFlush(): void {
		if (this.scheduled || this.holds > 0) {
			return;
		}
		this.scheduled = true;
		this.schedule(() => {
			this.scheduled = false;
			this.flush();
		});
	}
}
