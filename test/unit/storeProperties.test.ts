/**
 * Property tests for the cluster store (fast-check). Random sequences of ADDED/MODIFIED/DELETED/LIST events over a
 * small universe (two namespaces plus `default` spelled both explicitly and by omission, three names, two uids per
 * name or none, integer and opaque resourceVersions, selectors and labels that overlap) are applied to the store and
 * to a reference model written from the rules alone: a map of the latest object per namespace/name. After every
 * event:
 *
 * - the store holds exactly the model's objects (by reference), and `get`, `getByUid` and `counts` agree;
 * - the delta is exactly the model's difference (added, modified, removed; a new uid is removed + added);
 * - every index (slices, Endpoints, selected pods, namespaces) equals a from-scratch recomputation over the model,
 *   with the pod cache warmed before each event so that a missed invalidation shows;
 * - `services` names exactly the Service keys whose view (Service, slices, Endpoints, pods) changed, and `structure`
 *   is set exactly when a Service or Namespace object came or went.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { serviceSelects } from '../../src/core/k8s/selector';
import type { EndpointSlice, Pod, Service, TypedObject } from '../../src/core/k8s/types';
import { ClusterStore } from '../../src/core/store/store';
import type { StoreDelta } from '../../src/core/store/store';
import type { ResourceKind, StoreChange, StoreEvent } from '../../src/core/store/types';
import { resourceKinds } from '../../src/core/store/types';

const names = ['x', 'y', 'z'];
const serviceNamespaces = ['a', 'b', 'default'];
const clusterScoped = new Set<ResourceKind>(['Namespace', 'Node']);

// ---------------------------------------------------------------------------------------------------------------
// Generators

interface ObjectSpec {
	kind: ResourceKind;
	/** null: no metadata.namespace (so `default` for namespaced kinds). */
	ns: string | null;
	name: string;
	/** null: no uid. */
	uid: 0 | 1 | null;
	rv: string | undefined;
	/** Service selector index, pod labels index, or slice label. */
	variant: number;
	addressType: string;
	/** Makes otherwise-equal objects distinguishable. */
	tag: number;
}

const selectors: (Record<string, string> | null)[] = [null, {}, { app: 'p' }, { app: 'q' }, { app: 'p', tier: 't' }];
const podLabels: Record<string, string>[] = [{}, { app: 'p' }, { app: 'q' }, { app: 'p', tier: 't' }, { tier: 't' }];
const sliceLabels: (string | undefined)[] = [undefined, 'x', 'y', 'z', ''];

const kindArb = fc.constantFrom<ResourceKind>(
	'Service',
	'Service',
	'Pod',
	'Pod',
	'Pod',
	'EndpointSlice',
	'EndpointSlice',
	'Endpoints',
	'Namespace',
	'Node',
);

const rvArb = fc.constantFrom<string | undefined>('1', '2', '9', '10', '010', 'abc', 'abd', undefined);

function objectSpecArb(kind: ResourceKind): fc.Arbitrary<ObjectSpec> {
	return fc.record({
		kind: fc.constant(kind),
		ns: fc.constantFrom<string | null>('a', 'a', 'b', null, 'default'),
		name: fc.constantFrom(...names),
		uid: fc.constantFrom<0 | 1 | null>(0, 0, 0, 1, null),
		rv: rvArb,
		variant: fc.integer({ min: 0, max: 4 }),
		addressType: fc.constantFrom('IPv4', 'IPv6'),
		tag: fc.integer({ min: 0, max: 1_000_000 }),
	});
}

function build(spec: ObjectSpec): TypedObject {
	const metadata: NonNullable<TypedObject['metadata']> = { name: spec.name, annotations: { tag: String(spec.tag) } };
	if (spec.ns !== null && !clusterScoped.has(spec.kind)) {
		metadata.namespace = spec.ns;
	}
	if (spec.uid !== null) {
		// The uid is a function of the object's identity, as an API server's would be.
		metadata.uid = `${spec.kind}-${refNamespace(spec.kind, spec.ns)}-${spec.name}-${spec.uid}`;
	}
	if (spec.rv !== undefined) {
		metadata.resourceVersion = spec.rv;
	}
	switch (spec.kind) {
		case 'Service': {
			const s: Service = { kind: 'Service', metadata, spec: {} };
			const selector = selectors[spec.variant]!;
			if (selector !== null) {
				s.spec!.selector = { ...selector };
			}
			return s;
		}
		case 'Pod':
			metadata.labels = { ...podLabels[spec.variant]! };
			return { kind: 'Pod', metadata };
		case 'EndpointSlice': {
			const label = sliceLabels[spec.variant];
			if (label !== undefined) {
				metadata.labels = { 'kubernetes.io/service-name': label };
			}
			const slice: EndpointSlice = {
				kind: 'EndpointSlice',
				metadata,
				addressType: spec.addressType,
				endpoints: [],
			};
			return slice;
		}
		default:
			return { kind: spec.kind, metadata };
	}
}

const listNamespaceArb = fc.constantFrom<string | undefined>(undefined, '', 'a', 'b', 'default');

/** Fresh events: any object of a kind, or a list of such objects. */
const freshEventArb: fc.Arbitrary<StoreEvent> = kindArb.chain((kind) =>
	fc.oneof(
		{
			weight: 4,
			arbitrary: fc
				.record({ type: fc.constantFrom('ADDED', 'MODIFIED', 'DELETED'), spec: objectSpecArb(kind) })
				.map(({ type, spec }): StoreEvent => ({ type, kind, object: build(spec) }) as StoreEvent),
		},
		{
			weight: 1,
			arbitrary: fc
				.record({ namespace: listNamespaceArb, specs: fc.array(objectSpecArb(kind), { maxLength: 5 }) })
				.map(
					({ namespace, specs }): StoreEvent =>
						({ type: 'LIST', kind, namespace, objects: specs.map(build) }) as StoreEvent,
				),
		},
	),
);

/**
 * A reference to an object of the run's pool: the very same object again, or the same identity with another
 * resourceVersion and content (so that versions of one object meet often).
 */
const poolRefArb = fc.record({
	index: fc.nat(),
	same: fc.boolean(),
	rv: rvArb,
	tag: fc.integer({ min: 0, max: 1_000_000 }),
});

type PoolRef = typeof poolRefArb extends fc.Arbitrary<infer T> ? T : never;

function fromPool(pool: readonly { spec: ObjectSpec; object: TypedObject }[], ref: PoolRef): TypedObject {
	const entry = pool[ref.index % pool.length]!;
	return ref.same ? entry.object : build({ ...entry.spec, rv: ref.rv, tag: ref.tag });
}

/**
 * A run: a small pool of objects of every kind, and events that mostly revisit the pool (watch events, lists of
 * one kind's pool objects) mixed with fresh ones.
 */
const eventsArb = (maxLength: number): fc.Arbitrary<StoreEvent[]> =>
	fc
		.array(kindArb.chain(objectSpecArb), { minLength: 1, maxLength: 10 })
		.map((specs) => specs.map((spec) => ({ spec, object: build(spec) })))
		.chain((pool) => {
			const watch = fc
				.record({ type: fc.constantFrom('ADDED', 'MODIFIED', 'MODIFIED', 'DELETED'), ref: poolRefArb })
				.map(({ type, ref }): StoreEvent => {
					const object = fromPool(pool, ref);
					return { type, kind: pool[ref.index % pool.length]!.spec.kind, object } as StoreEvent;
				});
			const list = fc
				.record({
					kind: fc.constantFrom(...pool.map((e) => e.spec.kind)),
					namespace: listNamespaceArb,
					refs: fc.array(poolRefArb, { maxLength: 6 }),
				})
				.map(({ kind, namespace, refs }): StoreEvent => {
					const ofKind = pool.filter((e) => e.spec.kind === kind);
					const objects = refs.map((ref) => fromPool(ofKind, ref));
					return { type: 'LIST', kind, namespace, objects } as StoreEvent;
				});
			return fc.array(
				fc.oneof(
					{ weight: 5, arbitrary: watch },
					{ weight: 2, arbitrary: list },
					{ weight: 2, arbitrary: freshEventArb },
				),
				{ maxLength },
			);
		});

// ---------------------------------------------------------------------------------------------------------------
// The reference model: the latest object per kind and namespace/name, with the rules written out plainly.

type Model = Map<ResourceKind, Map<string, TypedObject>>;

function refNamespace(kind: ResourceKind, ns: string | null | undefined): string {
	return clusterScoped.has(kind) ? '' : ns || 'default';
}

function refKey(kind: ResourceKind, obj: TypedObject): string {
	return `${refNamespace(kind, obj.metadata?.namespace)}/${obj.metadata?.name ?? ''}`;
}

function uidOf(obj: TypedObject): string | undefined {
	return obj.metadata?.uid || undefined;
}

function refReplaces(current: TypedObject, incoming: TypedObject): boolean {
	if (uidOf(current) !== uidOf(incoming)) {
		return true; // recreated
	}
	if (current === incoming) {
		return false;
	}
	const a = incoming.metadata?.resourceVersion;
	const b = current.metadata?.resourceVersion;
	if (a === undefined || b === undefined) {
		return true;
	}
	if (a === b) {
		return false;
	}
	if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
		return BigInt(a) > BigInt(b);
	}
	return true;
}

function refApply(model: Model, event: StoreEvent): void {
	const objects = model.get(event.kind)!;
	if (event.type === 'LIST') {
		const scope = clusterScoped.has(event.kind) || !event.namespace ? undefined : event.namespace;
		const inScope = (o: TypedObject) =>
			scope === undefined || refNamespace(event.kind, o.metadata?.namespace) === scope;
		const next = new Map<string, TypedObject>();
		for (const o of event.objects) {
			if (inScope(o)) {
				next.set(refKey(event.kind, o), o);
			}
		}
		for (const [key, o] of [...objects]) {
			if (inScope(o) && !next.has(key)) {
				objects.delete(key);
			}
		}
		for (const [key, o] of next) {
			const current = objects.get(key);
			const rv = o.metadata?.resourceVersion;
			const same =
				current !== undefined &&
				uidOf(current) === uidOf(o) &&
				(current === o || (rv !== undefined && rv === current.metadata?.resourceVersion));
			if (!same) {
				objects.set(key, o);
			}
		}
		return;
	}
	const key = refKey(event.kind, event.object);
	const current = objects.get(key);
	if (event.type === 'DELETED') {
		const a = uidOf(event.object);
		const b = current && uidOf(current);
		if (current && !(a && b && a !== b)) {
			objects.delete(key);
		}
		return;
	}
	if (!current || refReplaces(current, event.object)) {
		objects.set(key, event.object);
	}
}

function byName(a: TypedObject, b: TypedObject): number {
	const x = a.metadata?.name ?? '';
	const y = b.metadata?.name ?? '';
	return x < y ? -1 : x > y ? 1 : 0;
}

/** What the views would see of one Service key, recomputed from the model. */
interface View {
	service: TypedObject | undefined;
	slices: TypedObject[];
	endpoints: TypedObject | undefined;
	pods: TypedObject[];
}

function refView(model: Model, key: string): View {
	const [ns, name] = key.split('/') as [string, string];
	const service = model.get('Service')!.get(key) as Service | undefined;
	const slices = [...model.get('EndpointSlice')!.values()]
		.filter(
			(s) =>
				refNamespace('EndpointSlice', s.metadata?.namespace) === ns &&
				s.metadata?.labels?.['kubernetes.io/service-name'] === name,
		)
		.sort((a, b) => {
			const x = (a as EndpointSlice).addressType;
			const y = (b as EndpointSlice).addressType;
			return x < y ? -1 : x > y ? 1 : byName(a, b);
		});
	const pods = service
		? [...model.get('Pod')!.values()].filter((p) => serviceSelects(service, p as Pod)).sort(byName)
		: [];
	return { service, slices, endpoints: model.get('Endpoints')!.get(key), pods };
}

function refNamespaces(model: Model): string[] {
	const out = new Set<string>();
	for (const n of model.get('Namespace')!.values()) {
		out.add(n.metadata?.name ?? '');
	}
	for (const key of model.get('Service')!.keys()) {
		out.add(key.split('/')[0]!);
	}
	return [...out].sort();
}

function storeView(store: ClusterStore, key: string): View {
	const [ns, name] = key.split('/') as [string, string];
	return {
		service: store.get('Service', ns, name),
		slices: store.slicesForService(key),
		endpoints: store.endpointsForService(key),
		pods: store.podsForService(key),
	};
}

function sameRefs(a: readonly unknown[], b: readonly unknown[]): boolean {
	return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sameView(a: View, b: View): boolean {
	const sameObjects = a.service === b.service && a.endpoints === b.endpoints;
	return sameObjects && sameRefs(a.slices, b.slices) && sameRefs(a.pods, b.pods);
}

const serviceKeys = serviceNamespaces.flatMap((ns) => names.map((n) => `${ns}/${n}`));

/** The model's difference for one kind, as the store must report it. */
function expectedDelta(before: Map<string, TypedObject>, after: Map<string, TypedObject>) {
	const added: TypedObject[] = [];
	const removed: TypedObject[] = [];
	const modified: { before: TypedObject; after: TypedObject }[] = [];
	for (const [key, o] of before) {
		const n = after.get(key);
		if (n === undefined) {
			removed.push(o);
		} else if (n !== o) {
			if (uidOf(n) === uidOf(o)) {
				modified.push({ before: o, after: n });
			} else {
				removed.push(o);
				added.push(n);
			}
		}
	}
	for (const [key, n] of after) {
		if (!before.has(key)) {
			added.push(n);
		}
	}
	return { added, removed, modified };
}

function assertSameSet(actual: readonly unknown[], expected: readonly unknown[], what: string): void {
	assert.equal(actual.length, expected.length, `${what}: count`);
	for (const x of expected) {
		assert.ok(actual.includes(x), `${what}: missing ${JSON.stringify(x)}`);
	}
}

function checkStep(store: ClusterStore, model: Model, before: Model, delta: StoreDelta, viewsBefore: View[]): void {
	// Contents, by reference.
	for (const kind of resourceKinds) {
		// list() is sorted by the namespace the object lives in, then name.
		const order = (key: string) => key.split('/') as [string, string];
		const expected = [...model.get(kind)!.entries()].sort(([a], [b]) => {
			const [x, y] = [order(a), order(b)];
			return x[0] !== y[0] ? (x[0] < y[0] ? -1 : 1) : x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0;
		});
		const actual = store.list(kind).map((o) => [refKey(kind, o), o] as const);
		assert.equal(actual.length, expected.length, `${kind} count`);
		actual.forEach(([key, o], i) => {
			assert.equal(key, expected[i]![0]);
			assert.equal(o, expected[i]![1], `${kind} ${key}`);
		});
		assert.equal(store.counts()[kind], expected.length);
		for (const [key, o] of expected) {
			const [ns, name] = key.split('/') as [string, string];
			assert.equal(store.get(kind, ns, name), o);
			const uid = uidOf(o);
			if (uid) {
				assert.equal(store.getByUid(kind, uid), o);
			}
		}
	}

	// The delta, exactly.
	const want = expectedDelta(before.get(delta.kind)!, model.get(delta.kind)!);
	assertSameSet(delta.added, want.added, 'added');
	assertSameSet(delta.removed, want.removed, 'removed');
	assert.equal(delta.modified.length, want.modified.length, 'modified: count');
	for (const m of want.modified) {
		assert.ok(
			delta.modified.some((d) => d.before === m.before && d.after === m.after),
			`modified: missing ${refKey(delta.kind, m.after)}`,
		);
	}

	// Indexes against a recomputation, and the Services whose view changed.
	const changed: string[] = [];
	serviceKeys.forEach((key, i) => {
		const view = storeView(store, key);
		const ref = refView(model, key);
		assert.ok(sameView(view, ref), `view of ${key}`);
		if (!sameView(viewsBefore[i]!, ref)) {
			changed.push(key);
		}
	});
	assert.deepEqual([...delta.services].sort(), changed.sort(), 'services of the delta');
	assert.deepEqual(store.namespaces(), refNamespaces(model));

	const cameOrWent = (kind: ResourceKind) =>
		(kind === 'Service' || kind === 'Namespace') && (want.added.length > 0 || want.removed.length > 0);
	assert.equal(delta.structure, cameOrWent(delta.kind), 'structure');
	const nsBefore = refNamespaces(before);
	const nsAfter = refNamespaces(model);
	for (const ns of new Set([...nsBefore, ...nsAfter])) {
		if (nsBefore.includes(ns) !== nsAfter.includes(ns)) {
			assert.ok(delta.namespaces.has(ns), `namespace ${ns} came or went`);
		}
	}
}

function emptyModel(): Model {
	return new Map(resourceKinds.map((k) => [k, new Map<string, TypedObject>()]));
}

function copyModel(model: Model): Model {
	return new Map([...model].map(([k, m]) => [k, new Map(m)]));
}

describe('cluster store properties', () => {
	it('matches the reference model, reports exact deltas, and keeps its indexes equal to a recomputation', () => {
		fc.assert(
			fc.property(eventsArb(30), (events) => {
				const store = new ClusterStore({ schedule: () => undefined });
				const model = emptyModel();
				for (const event of events) {
					// Reading every view first warms the pod cache, so a missed invalidation would show below.
					const viewsBefore = serviceKeys.map((key) => storeView(store, key));
					const before = copyModel(model);
					const delta = store.apply(event);
					refApply(model, event);
					checkStep(store, model, before, delta, viewsBefore);
				}
			}),
			{ numRuns: 150 },
		);
	});

	it('coalesces a whole sequence into one change: the union of its deltas', () => {
		fc.assert(
			fc.property(eventsArb(20), (events) => {
				const changes: StoreChange[] = [];
				let scheduled = 0;
				const store = new ClusterStore({ schedule: () => scheduled++ });
				store.onDidChange((c) => changes.push(c));
				const deltas = store.applyAll(events);
				store.flush();
				const nonEmpty = deltas.filter((d) => d.added.length + d.modified.length + d.removed.length > 0);
				assert.equal(changes.length, nonEmpty.length > 0 ? 1 : 0);
				assert.equal(scheduled, nonEmpty.length > 0 ? 1 : 0);
				if (changes.length === 1) {
					const c = changes[0]!;
					assert.deepEqual(c.kinds, new Set(nonEmpty.map((d) => d.kind)));
					assert.deepEqual(c.services, new Set(nonEmpty.flatMap((d) => [...d.services])));
					assert.deepEqual(c.namespaces, new Set(nonEmpty.flatMap((d) => [...d.namespaces])));
					assert.equal(c.structure, nonEmpty.some((d) => d.structure));
				}
			}),
			{ numRuns: 100 },
		);
	});
});
