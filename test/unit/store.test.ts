/**
 * The cluster store: the reducer's rules (resourceVersions, uids, lists), the indexes the views read, the change
 * sets, and the coalesced notifications of `ClusterStore`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyStoreEvent, ClusterStore, createStoreState } from '../../src/core/store/store';
import type { StoreDelta } from '../../src/core/store/store';
import type { EndpointSlice, Endpoints, Node, Pod, Service, TypedObject } from '../../src/core/k8s/types';
import type { ResourceKind, ResourceTypes, StoreChange } from '../../src/core/store/types';
import { serviceKey } from '../../src/core/store/types';

// ---------------------------------------------------------------------------------------------------------------
// Builders

interface Meta {
	ns?: string | null;
	uid?: string | null;
	rv?: string;
	labels?: Record<string, string>;
}

function meta(name: string, m: Meta): NonNullable<TypedObject['metadata']> {
	const out: NonNullable<TypedObject['metadata']> = { name };
	if (m.ns !== null) {
		out.namespace = m.ns ?? 'a';
	}
	if (m.uid !== null) {
		out.uid = m.uid ?? `uid-${m.ns ?? 'a'}-${name}`;
	}
	if (m.rv !== undefined) {
		out.resourceVersion = m.rv;
	}
	if (m.labels) {
		out.labels = m.labels;
	}
	return out;
}

function svc(name: string, selector: Record<string, string> | null = { app: name }, m: Meta = {}): Service {
	const s: Service = { kind: 'Service', metadata: meta(name, m), spec: { ports: [{ port: 80 }] } };
	if (selector !== null) {
		s.spec!.selector = selector;
	}
	return s;
}

function pod(name: string, labels: Record<string, string>, m: Meta = {}): Pod {
	return { kind: 'Pod', metadata: meta(name, { ...m, labels }), status: { phase: 'Running' } };
}

function slice(name: string, service: string | undefined, m: Meta & { addressType?: string } = {}): EndpointSlice {
	const labels: Record<string, string> = service === undefined ? {} : { 'kubernetes.io/service-name': service };
	return {
		kind: 'EndpointSlice',
		metadata: meta(name, { ...m, labels }),
		addressType: m.addressType ?? 'IPv4',
		endpoints: [],
	};
}

function endpoints(name: string, m: Meta = {}): Endpoints {
	return { kind: 'Endpoints', metadata: meta(name, m), subsets: [] };
}

function namespace(name: string, m: Meta = {}): TypedObject {
	return { kind: 'Namespace', metadata: meta(name, { ...m, ns: null }) };
}

function node(name: string, m: Meta = {}): Node {
	return { kind: 'Node', metadata: meta(name, { ...m, ns: null }) };
}

function added<K extends ResourceKind>(kind: K, object: ResourceTypes[K]) {
	return { type: 'ADDED' as const, kind, object };
}
function modified<K extends ResourceKind>(kind: K, object: ResourceTypes[K]) {
	return { type: 'MODIFIED' as const, kind, object };
}
function deleted<K extends ResourceKind>(kind: K, object: ResourceTypes[K]) {
	return { type: 'DELETED' as const, kind, object };
}
function listed<K extends ResourceKind>(kind: K, objects: ResourceTypes[K][], ns?: string) {
	return { type: 'LIST' as const, kind, objects, namespace: ns };
}

function names(objects: readonly TypedObject[]): string[] {
	return objects.map((o) => `${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`);
}

function summary(d: StoreDelta): { added: string[]; modified: string[]; removed: string[] } {
	return {
		added: names(d.added),
		modified: d.modified.map((m) => {
			const rv = (o: TypedObject) => o.metadata?.resourceVersion;
			return `${names([m.before])[0]}@${rv(m.before)}->${rv(m.after)}`;
		}),
		removed: names(d.removed),
	};
}

const nothing = { added: [], modified: [], removed: [] };

/** A store with a manual scheduler: changes arrive only on `flush()`; `changes` collects them. */
function manualStore(): { store: ClusterStore; changes: StoreChange[]; scheduled: (() => void)[] } {
	const scheduled: (() => void)[] = [];
	const store = new ClusterStore({ schedule: (f) => scheduled.push(f) });
	const changes: StoreChange[] = [];
	store.onDidChange((c) => changes.push(c));
	return { store, changes, scheduled };
}

/** A `StoreChange` literal. */
function change(
	kinds: ResourceKind[],
	namespaces: string[],
	services: string[],
	structure: boolean,
): StoreChange {
	return { kinds: new Set(kinds), namespaces: new Set(namespaces), services: new Set(services), structure };
}

/** The single change `fn` causes, flushed synchronously. */
function changeOf(store: ClusterStore, fn: () => void): StoreChange | undefined {
	store.flush();
	let seen: StoreChange | undefined;
	let count = 0;
	const sub = store.onDidChange((c) => {
		seen = c;
		count++;
	});
	fn();
	store.flush();
	sub.dispose();
	assert.ok(count <= 1, 'one change per flush');
	return seen;
}

function sorted(set: Iterable<string>): string[] {
	return [...set].sort();
}

// ---------------------------------------------------------------------------------------------------------------

describe('applyStoreEvent: watch events', () => {
	it('ADDED inserts, keyed by uid and by name', () => {
		const state = createStoreState();
		const s = svc('web', { app: 'web' }, { rv: '5' });
		const d = applyStoreEvent(state, added('Service', s));
		assert.deepEqual(summary(d), { ...nothing, added: ['a/web'] });
		assert.equal(d.added[0], s);
		const store = new ClusterStore();
		store.apply(added('Service', s));
		assert.equal(store.get('Service', 'a', 'web'), s);
		assert.equal(store.getByUid('Service', 'uid-a-web'), s);
		assert.equal(store.get('Service', 'b', 'web'), undefined);
		assert.equal(store.getByUid('Pod', 'uid-a-web'), undefined);
	});

	it('MODIFIED with a higher resourceVersion replaces and reports before/after', () => {
		const store = new ClusterStore();
		store.apply(added('Service', svc('web', {}, { rv: '5' })));
		const d = store.apply(modified('Service', svc('web', { app: 'x' }, { rv: '6' })));
		assert.deepEqual(summary(d), { ...nothing, modified: ['a/web@5->6'] });
		assert.deepEqual(store.get('Service', 'a', 'web')?.spec?.selector, { app: 'x' });
	});

	it('ignores a stale resourceVersion, compared as integers (9 < 10)', () => {
		const store = new ClusterStore();
		store.apply(added('Pod', pod('p', { app: 'x' }, { rv: '10' })));
		const d = store.apply(modified('Pod', pod('p', { app: 'stale' }, { rv: '9' })));
		assert.deepEqual(summary(d), nothing);
		assert.equal(d.services.size, 0);
		assert.deepEqual(store.get('Pod', 'a', 'p')?.metadata?.labels, { app: 'x' });
		// and 11 > 10, although '11' < '9' as strings
		store.apply(modified('Pod', pod('p', { app: 'new' }, { rv: '11' })));
		assert.deepEqual(store.get('Pod', 'a', 'p')?.metadata?.labels, { app: 'new' });
	});

	it('an equal resourceVersion is no change, even spelled with leading zeros', () => {
		const store = new ClusterStore();
		store.apply(added('Pod', pod('p', { v: '1' }, { rv: '7' })));
		assert.deepEqual(summary(store.apply(modified('Pod', pod('p', { v: '2' }, { rv: '7' })))), nothing);
		assert.deepEqual(summary(store.apply(modified('Pod', pod('p', { v: '3' }, { rv: '007' })))), nothing);
		assert.deepEqual(store.get('Pod', 'a', 'p')?.metadata?.labels, { v: '1' });
	});

	it('treats non-integer resourceVersions as opaque: replace unless identical', () => {
		const store = new ClusterStore();
		store.apply(added('Pod', pod('p', { v: '1' }, { rv: 'b' })));
		assert.deepEqual(summary(store.apply(modified('Pod', pod('p', { v: '2' }, { rv: 'a' })))), {
			...nothing,
			modified: ['a/p@b->a'],
		});
		assert.deepEqual(summary(store.apply(modified('Pod', pod('p', { v: '3' }, { rv: 'a' })))), nothing);
		// integer after opaque: still opaque, replaces
		assert.equal(store.apply(modified('Pod', pod('p', { v: '4' }, { rv: '1' }))).modified.length, 1);
		// no resourceVersion at all: cannot be ordered, replaces
		assert.equal(store.apply(modified('Pod', pod('p', { v: '5' }))).modified.length, 1);
		assert.deepEqual(store.get('Pod', 'a', 'p')?.metadata?.labels, { v: '5' });
	});

	it('the same object reference again is no change', () => {
		const store = new ClusterStore();
		const p = pod('p', { v: '1' });
		store.apply(added('Pod', p));
		assert.deepEqual(summary(store.apply(modified('Pod', p))), nothing);
	});

	it('an object recreated under the same name with a new uid replaces the old one (removed + added)', () => {
		const store = new ClusterStore();
		store.apply(added('Service', svc('web', {}, { uid: 'u1', rv: '50' })));
		const d = store.apply(added('Service', svc('web', {}, { uid: 'u2', rv: '3' })));
		assert.deepEqual(summary(d), { ...nothing, added: ['a/web'], removed: ['a/web'] });
		assert.equal(d.removed[0]?.metadata?.uid, 'u1');
		assert.equal(d.added[0]?.metadata?.uid, 'u2');
		assert.equal(d.structure, true);
		assert.equal(store.getByUid('Service', 'u1'), undefined);
		assert.equal(store.get('Service', 'a', 'web')?.metadata?.uid, 'u2');
		assert.equal(store.counts().Service, 1);
	});

	it('DELETED removes by uid; a DELETED for an older uid of the same name is ignored', () => {
		const store = new ClusterStore();
		store.apply(added('Service', svc('web', {}, { uid: 'u2' })));
		assert.deepEqual(summary(store.apply(deleted('Service', svc('web', {}, { uid: 'u1' })))), nothing);
		assert.ok(store.get('Service', 'a', 'web'));
		const d = store.apply(deleted('Service', svc('web', {}, { uid: 'u2' })));
		assert.deepEqual(summary(d), { ...nothing, removed: ['a/web'] });
		assert.equal(store.get('Service', 'a', 'web'), undefined);
		assert.equal(store.getByUid('Service', 'u2'), undefined);
		// deleting what is not there changes nothing
		assert.deepEqual(summary(store.apply(deleted('Service', svc('web', {}, { uid: 'u2' })))), nothing);
	});

	it('keys objects without a uid by namespace/name', () => {
		const store = new ClusterStore();
		store.apply(added('Service', svc('web', {}, { uid: null, rv: '2' })));
		assert.deepEqual(summary(store.apply(modified('Service', svc('web', {}, { uid: null, rv: '1' })))), nothing);
		const d3 = store.apply(modified('Service', svc('web', { a: 'b' }, { uid: null, rv: '3' })));
		assert.equal(d3.modified.length, 1);
		// a DELETED without uid removes by name
		assert.equal(store.apply(deleted('Service', svc('web', {}, { uid: null }))).removed.length, 1);
		assert.equal(store.counts().Service, 0);
		// and an object with a uid replacing a uid-less one of the same name is a new object
		store.apply(added('Service', svc('web', {}, { uid: null })));
		const d = store.apply(added('Service', svc('web', {}, { uid: 'u9' })));
		assert.deepEqual(summary(d), { ...nothing, added: ['a/web'], removed: ['a/web'] });
		assert.equal(store.getByUid('Service', 'u9')?.metadata?.name, 'web');
	});

	it('keeps one object per uid: the same uid under another name moves it', () => {
		const store = new ClusterStore();
		store.apply(added('Pod', pod('p', {}, { uid: 'same' })));
		const d = store.apply(added('Pod', pod('q', {}, { uid: 'same' })));
		assert.deepEqual(summary(d), { ...nothing, added: ['a/q'], removed: ['a/p'] });
		assert.equal(store.get('Pod', 'a', 'p'), undefined);
		assert.equal(store.getByUid('Pod', 'same')?.metadata?.name, 'q');
		assert.deepEqual(names(store.list('Pod')), ['a/q']);
	});

	it('puts namespaced objects without a namespace in default; cluster-scoped kinds have none', () => {
		const store = new ClusterStore();
		store.apply(added('Service', svc('web', {}, { ns: null })));
		store.apply(added('Node', node('n1')));
		assert.ok(store.get('Service', 'default', 'web'));
		assert.ok(store.get('Service', '', 'web'));
		assert.ok(store.get('Service', undefined, 'web'));
		assert.deepEqual(names(store.services('default')), ['web']);
		assert.equal(store.get('Node', 'anything', 'n1')?.metadata?.name, 'n1');
		assert.deepEqual(names(store.list('Node', 'x')), ['n1']);
		assert.deepEqual(store.namespaces(), ['default']);
		store.apply(added('Service', svc('a', {}, { ns: 'e' })));
		store.apply(added('Service', svc('b', {}, { ns: 'c' })));
		assert.deepEqual(names(store.list('Service')), ['c/b', 'web', 'e/a'], 'sorted as if in default');
		// serviceKey(undefined, name) finds it too
		store.apply(added('Endpoints', endpoints('web', { ns: null })));
		assert.ok(store.endpointsForService(serviceKey(undefined, 'web')));
	});
});

describe('applyStoreEvent: LIST', () => {
	function seeded(): ClusterStore {
		const store = new ClusterStore();
		store.applyAll([
			added('Pod', pod('x', {}, { ns: 'a', rv: '1' })),
			added('Pod', pod('y', {}, { ns: 'a', rv: '1' })),
			added('Pod', pod('z', {}, { ns: 'b', rv: '1' })),
		]);
		return store;
	}

	it('replaces one namespace and reports exactly what changed', () => {
		const store = seeded();
		const d = store.apply(
			listed(
				'Pod',
				[
					pod('x', {}, { ns: 'a', rv: '1' }), // unchanged
					pod('y', {}, { ns: 'a', rv: '2' }), // modified
					pod('w', {}, { ns: 'a', rv: '3' }), // added
				],
				'a',
			),
		);
		assert.deepEqual(summary(d), { added: ['a/w'], modified: ['a/y@1->2'], removed: [] });
		const d2 = store.apply(listed('Pod', [pod('x', {}, { ns: 'a', rv: '1' })], 'a'));
		assert.deepEqual(summary(d2), { added: [], modified: [], removed: ['a/y', 'a/w'] });
		assert.deepEqual(names(store.list('Pod')), ['a/x', 'b/z']);
	});

	it('a namespaced list ignores objects of other namespaces and leaves them alone', () => {
		const store = seeded();
		const d = store.apply(listed('Pod', [pod('q', {}, { ns: 'b' })], 'a'));
		assert.deepEqual(summary(d), { added: [], modified: [], removed: ['a/x', 'a/y'] });
		assert.deepEqual(names(store.list('Pod')), ['b/z']);
	});

	it('a cluster-wide list (no namespace, or "") replaces every namespace', () => {
		const store = seeded();
		const d = store.apply(listed('Pod', [pod('z', {}, { ns: 'b', rv: '1' }), pod('v', {}, { ns: 'c' })]));
		assert.deepEqual(summary(d), { added: ['c/v'], modified: [], removed: ['a/x', 'a/y'] });
		const d2 = store.apply(listed('Pod', [], ''));
		assert.deepEqual(summary(d2), { added: [], modified: [], removed: ['b/z', 'c/v'] });
		assert.equal(store.counts().Pod, 0);
	});

	it('is authoritative: a lower resourceVersion still replaces; a new uid is removed + added', () => {
		const store = seeded();
		store.apply(modified('Pod', pod('x', { v: 'new' }, { ns: 'a', rv: '9' })));
		const d = store.apply(
			listed(
				'Pod',
				[pod('x', { v: 'old' }, { ns: 'a', rv: '8' }), pod('y', {}, { ns: 'a', uid: 'other', rv: '1' })],
				'a',
			),
		);
		assert.deepEqual(summary(d), { added: ['a/y'], modified: ['a/x@9->8'], removed: ['a/y'] });
		assert.equal(store.get('Pod', 'a', 'y')?.metadata?.uid, 'other');
	});

	it('the last of two listed objects with one name wins', () => {
		const store = new ClusterStore();
		const d = store.apply(listed('Pod', [pod('x', { v: '1' }), pod('x', { v: '2' })]));
		assert.deepEqual(summary(d), { ...nothing, added: ['a/x'] });
		assert.deepEqual(store.get('Pod', 'a', 'x')?.metadata?.labels, { v: '2' });
	});

	it('ignores the namespace of a list of a cluster-scoped kind', () => {
		const store = new ClusterStore();
		store.apply(added('Node', node('n1')));
		const d = store.apply(listed('Node', [node('n2')], 'a'));
		assert.deepEqual(summary(d), { added: ['n2'], modified: [], removed: ['n1'] });
	});
});

describe('indexes', () => {
	it('finds slices by their service-name label, even before the Service exists', () => {
		const store = new ClusterStore();
		store.apply(added('EndpointSlice', slice('web-1', 'web')));
		store.apply(added('EndpointSlice', slice('other-1', 'other')));
		store.apply(added('EndpointSlice', slice('web-b', 'web', { ns: 'b' })));
		store.apply(added('EndpointSlice', slice('loose', undefined)));
		assert.deepEqual(names(store.slicesForService('a/web')), ['a/web-1']);
		store.apply(added('Service', svc('web')));
		assert.deepEqual(names(store.slicesForService(serviceKey('a', 'web'))), ['a/web-1']);
		assert.deepEqual(names(store.slicesForService('b/web')), ['b/web-b']);
	});

	it('sorts slices by addressType, then name', () => {
		const store = new ClusterStore();
		store.applyAll([
			added('EndpointSlice', slice('web-c', 'web', { addressType: 'IPv4' })),
			added('EndpointSlice', slice('web-a', 'web', { addressType: 'IPv6' })),
			added('EndpointSlice', slice('web-b', 'web', { addressType: 'IPv4' })),
		]);
		assert.deepEqual(names(store.slicesForService('a/web')), ['a/web-b', 'a/web-c', 'a/web-a']);
	});

	it('moves a slice between Services when its label changes, and drops it on delete', () => {
		const store = new ClusterStore();
		store.apply(added('EndpointSlice', slice('s', 'one', { rv: '1' })));
		const d = store.apply(modified('EndpointSlice', slice('s', 'two', { rv: '2' })));
		assert.deepEqual(sorted(d.services), ['a/one', 'a/two']);
		assert.deepEqual(store.slicesForService('a/one'), []);
		assert.deepEqual(names(store.slicesForService('a/two')), ['a/s']);
		store.apply(modified('EndpointSlice', slice('s', undefined, { rv: '3' })));
		assert.deepEqual(store.slicesForService('a/two'), []);
		store.apply(modified('EndpointSlice', slice('s', 'one', { rv: '4' })));
		store.apply(deleted('EndpointSlice', slice('s', 'one')));
		assert.deepEqual(store.slicesForService('a/one'), []);
	});

	it('finds the Endpoints of the same namespace and name', () => {
		const store = new ClusterStore();
		const e = endpoints('web');
		store.apply(added('Endpoints', e));
		store.apply(added('Endpoints', endpoints('web', { ns: 'b' })));
		assert.equal(store.endpointsForService('a/web'), e);
		assert.equal(store.endpointsForService('a/other'), undefined);
		store.apply(deleted('Endpoints', e));
		assert.equal(store.endpointsForService('a/web'), undefined);
	});

	it('selects pods by the Service selector, in its namespace, sorted by name', () => {
		const store = new ClusterStore();
		store.applyAll([
			added('Service', svc('web', { app: 'web', tier: 'fe' })),
			added('Service', svc('all', {})),
			added('Service', svc('none', null)),
			added('Pod', pod('p2', { app: 'web', tier: 'fe', extra: '1' })),
			added('Pod', pod('p1', { app: 'web', tier: 'fe' })),
			added('Pod', pod('p3', { app: 'web' })),
			added('Pod', pod('p4', { app: 'web', tier: 'fe' }, { ns: 'b' })),
		]);
		assert.deepEqual(names(store.podsForService('a/web')), ['a/p1', 'a/p2']);
		assert.deepEqual(names(store.podsForService('a/all')), ['a/p1', 'a/p2', 'a/p3']);
		assert.deepEqual(store.podsForService('a/none'), []);
		assert.deepEqual(store.podsForService('a/missing'), []);
	});

	it('recomputes cached pod selections when pod labels change', () => {
		const store = new ClusterStore();
		store.applyAll([added('Service', svc('web')), added('Pod', pod('p1', { app: 'web' }, { rv: '1' }))]);
		assert.deepEqual(names(store.podsForService('a/web')), ['a/p1']); // fills the cache
		store.apply(modified('Pod', pod('p1', { app: 'other' }, { rv: '2' })));
		assert.deepEqual(store.podsForService('a/web'), []);
		store.apply(added('Pod', pod('p2', { app: 'web' })));
		assert.deepEqual(names(store.podsForService('a/web')), ['a/p2']);
		const p2b = pod('p2', { app: 'web' }, { rv: '9' });
		store.apply(modified('Pod', p2b));
		assert.equal(store.podsForService('a/web')[0], p2b, 'the cache holds the new object, not the old');
		store.apply(deleted('Pod', p2b));
		assert.deepEqual(store.podsForService('a/web'), []);
	});

	it('recomputes cached pod selections when the Service selector changes or it is deleted', () => {
		const store = new ClusterStore();
		store.applyAll([
			added('Service', svc('web', { app: 'web' }, { rv: '1' })),
			added('Pod', pod('p1', { app: 'web' })),
			added('Pod', pod('p2', { app: 'api' })),
		]);
		assert.deepEqual(names(store.podsForService('a/web')), ['a/p1']);
		store.apply(modified('Service', svc('web', { app: 'api' }, { rv: '2' })));
		assert.deepEqual(names(store.podsForService('a/web')), ['a/p2']);
		store.apply(modified('Service', svc('web', null, { rv: '3' })));
		assert.deepEqual(store.podsForService('a/web'), []);
		store.apply(modified('Service', svc('web', {}, { rv: '4' })));
		assert.deepEqual(names(store.podsForService('a/web')), ['a/p1', 'a/p2']);
		store.apply(deleted('Service', svc('web')));
		assert.deepEqual(store.podsForService('a/web'), []);
	});

	it('returns copies: mutating a result does not corrupt the store', () => {
		const store = new ClusterStore();
		store.applyAll([added('Service', svc('web')), added('Pod', pod('p1', { app: 'web' }))]);
		store.podsForService('a/web').pop();
		store.slicesForService('a/web').push(slice('x', 'web'));
		assert.equal(store.podsForService('a/web').length, 1);
		assert.equal(store.slicesForService('a/web').length, 0);
	});

	it('lists namespaces that have a Namespace object or a Service, sorted', () => {
		const store = new ClusterStore();
		store.applyAll([
			added('Service', svc('s', {}, { ns: 'zeta' })),
			added('Namespace', namespace('alpha')),
			added('Pod', pod('p', {}, { ns: 'pods-only' })),
			added('Service', svc('t', {}, { ns: 'zeta' })),
		]);
		assert.deepEqual(store.namespaces(), ['alpha', 'zeta']);
		store.apply(deleted('Service', svc('s', {}, { ns: 'zeta' })));
		assert.deepEqual(store.namespaces(), ['alpha', 'zeta']);
		store.apply(deleted('Service', svc('t', {}, { ns: 'zeta' })));
		assert.deepEqual(store.namespaces(), ['alpha']);
		store.apply(added('Service', svc('s', {}, { ns: 'alpha' })));
		store.apply(deleted('Namespace', namespace('alpha')));
		assert.deepEqual(store.namespaces(), ['alpha']);
	});

	it('lists by kind and namespace, sorted by namespace then name; counts per kind', () => {
		const store = new ClusterStore();
		store.applyAll([
			added('Pod', pod('b', {}, { ns: 'y' })),
			added('Pod', pod('a', {}, { ns: 'y' })),
			added('Pod', pod('c', {}, { ns: 'x' })),
			added('Node', node('n')),
		]);
		assert.deepEqual(names(store.list('Pod')), ['x/c', 'y/a', 'y/b']);
		assert.deepEqual(names(store.list('Pod', 'y')), ['y/a', 'y/b']);
		assert.deepEqual(store.list('Pod', 'nope'), []);
		assert.deepEqual(store.counts(), { Namespace: 0, Service: 0, Endpoints: 0, EndpointSlice: 0, Pod: 3, Node: 1 });
	});
});

describe('change sets', () => {
	it('a pod change marks the Services selecting it before or after, and no others', () => {
		const store = new ClusterStore();
		store.applyAll([
			added('Service', svc('web', { app: 'web' })),
			added('Service', svc('api', { app: 'api' })),
			added('Service', svc('all', {})),
			added('Service', svc('none', null)),
			added('Service', svc('web', { app: 'web' }, { ns: 'b' })),
			added('Service', svc('db', { app: 'db' })),
			added('Pod', pod('p', { app: 'web' }, { rv: '1' })),
		]);
		const c = changeOf(store, () => store.apply(modified('Pod', pod('p', { app: 'api' }, { rv: '2' }))));
		assert.ok(c);
		assert.deepEqual(sorted(c.kinds), ['Pod']);
		assert.deepEqual(sorted(c.services), ['a/all', 'a/api', 'a/web']);
		assert.deepEqual(sorted(c.namespaces), []);
		assert.equal(c.structure, false);
	});

	it('a slice change marks the Services named by its label before and after', () => {
		const store = new ClusterStore();
		store.apply(added('EndpointSlice', slice('s', 'one', { rv: '1' })));
		const c = changeOf(store, () => store.apply(modified('EndpointSlice', slice('s', 'two', { rv: '2' }))));
		assert.deepEqual(sorted(c!.services), ['a/one', 'a/two']);
		assert.deepEqual(sorted(c!.kinds), ['EndpointSlice']);
		assert.equal(c!.structure, false);
	});

	it('a slice with an empty or no service-name label marks no Service', () => {
		const store = new ClusterStore();
		const c = changeOf(store, () => {
			store.apply(added('EndpointSlice', slice('blank', '')));
			store.apply(added('EndpointSlice', slice('loose', undefined)));
		});
		assert.deepEqual(c, change(['EndpointSlice'], [], [], false));
		assert.deepEqual(store.slicesForService('a/'), []);
	});

	it('an Endpoints change marks the Service of the same name', () => {
		const store = new ClusterStore();
		const c = changeOf(store, () => store.apply(added('Endpoints', endpoints('web', { ns: 'b' }))));
		assert.deepEqual(sorted(c!.services), ['b/web']);
		assert.deepEqual(sorted(c!.kinds), ['Endpoints']);
	});

	it('a Service added or removed is structure and names its namespace; a modified one is not', () => {
		const store = new ClusterStore();
		const c1 = changeOf(store, () => store.apply(added('Service', svc('web', {}, { rv: '1' }))));
		assert.deepEqual(c1, change(['Service'], ['a'], ['a/web'], true));
		const c2 = changeOf(store, () => store.apply(modified('Service', svc('web', { x: 'y' }, { rv: '2' }))));
		assert.deepEqual(c2, change(['Service'], [], ['a/web'], false));
		const c3 = changeOf(store, () => store.apply(deleted('Service', svc('web'))));
		assert.deepEqual(c3, change(['Service'], ['a'], ['a/web'], true));
	});

	it('a Namespace object added is structure; modified names it without structure', () => {
		const store = new ClusterStore();
		const c1 = changeOf(store, () => store.apply(added('Namespace', namespace('n', { rv: '1' }))));
		assert.deepEqual(c1, change(['Namespace'], ['n'], [], true));
		const c2 = changeOf(store, () => store.apply(modified('Namespace', namespace('n', { rv: '2' }))));
		assert.deepEqual(c2, change(['Namespace'], ['n'], [], false));
	});

	it('a Node change names only its kind', () => {
		const store = new ClusterStore();
		const c = changeOf(store, () => store.apply(added('Node', node('n1'))));
		assert.deepEqual(c, change(['Node'], [], [], false));
	});

	it('ignored events notify nothing', () => {
		const store = new ClusterStore();
		store.apply(added('Pod', pod('p', {}, { rv: '5' })));
		const c = changeOf(store, () => {
			store.apply(modified('Pod', pod('p', { v: 'x' }, { rv: '4' })));
			store.apply(deleted('Pod', pod('p', {}, { uid: 'old' })));
			store.apply(deleted('Service', svc('missing')));
		});
		assert.equal(c, undefined);
	});

	it('a LIST marks the Services of everything it added, modified or removed', () => {
		const store = new ClusterStore();
		store.applyAll([
			added('Service', svc('web')),
			added('Service', svc('api')),
			added('Pod', pod('w', { app: 'web' }, { rv: '1' })),
			added('Pod', pod('x', { app: 'api' }, { rv: '1' })),
		]);
		const c = changeOf(store, () => store.apply(listed('Pod', [pod('x', { app: 'api' }, { rv: '1' })], 'a')));
		assert.deepEqual(sorted(c!.services), ['a/web']);
	});
});

describe('ClusterStore notifications', () => {
	it('coalesces the applies of one turn into one change, the union (default scheduler: a microtask)', async () => {
		const store = new ClusterStore();
		const changes: StoreChange[] = [];
		store.onDidChange((c) => changes.push(c));
		store.apply(added('Service', svc('web')));
		store.apply(added('Pod', pod('p', { app: 'web' })));
		store.apply(added('EndpointSlice', slice('s', 'api', { ns: 'b' })));
		store.apply(added('Node', node('n')));
		assert.equal(changes.length, 0, 'nothing is delivered synchronously');
		await Promise.resolve();
		assert.equal(changes.length, 1);
		assert.deepEqual(changes[0], {
			kinds: new Set(['Service', 'Pod', 'EndpointSlice', 'Node']),
			namespaces: new Set(['a']),
			services: new Set(['a/web', 'b/api']),
			structure: true,
		});
		await new Promise((r) => setImmediate(r));
		assert.equal(changes.length, 1, 'no second, empty change');
	});

	it('onDidApply hands over every effective delta synchronously, with the objects; ignored events give none', () => {
		const errors: unknown[] = [];
		const store = new ClusterStore({ schedule: () => undefined, onListenerError: (e) => errors.push(e) });
		const deltas: StoreDelta[] = [];
		store.onDidApply(() => {
			throw new Error('a failing recorder');
		});
		const sub = store.onDidApply((d) => deltas.push(d));
		const p = pod('p', { app: 'web' });
		store.apply(added('Pod', p));
		assert.equal(deltas.length, 1, 'delivered at once, before any flush');
		assert.equal(deltas[0]!.kind, 'Pod');
		assert.deepEqual(deltas[0]!.added.map((o) => o.metadata?.name), ['p']);
		store.apply(added('Pod', p));
		assert.equal(deltas.length, 1, 'a duplicate event changes nothing and is not delivered');
		assert.equal(errors.length, 1, 'the failing listener is reported and the next one still ran');
		sub.dispose();
		store.apply(added('Pod', pod('q', {})));
		assert.equal(deltas.length, 1, 'no delivery after dispose');
	});

	it('schedules once per batch; flush() delivers at once and the scheduled flush then has nothing left', () => {
		const { store, changes, scheduled } = manualStore();
		for (let i = 0; i < 5; i++) {
			store.apply(added('Pod', pod(`p${i}`, {})));
		}
		assert.equal(scheduled.length, 1);
		store.flush();
		assert.equal(changes.length, 1);
		assert.deepEqual(sorted(changes[0]!.kinds), ['Pod']);
		store.apply(added('Pod', pod('late', {})));
		assert.equal(scheduled.length, 1, 'the pending scheduled flush will carry it');
		scheduled[0]!();
		assert.equal(changes.length, 2);
		store.apply(added('Pod', pod('later', {})));
		assert.equal(scheduled.length, 2, 'a new batch schedules again');
		store.flush();
		store.flush();
		assert.equal(changes.length, 3);
	});

	it('keeps delivering when a listener throws, and reports the error', () => {
		const errors: unknown[] = [];
		const store = new ClusterStore({ schedule: () => undefined, onListenerError: (e) => errors.push(e) });
		const seen: string[] = [];
		store.onDidChange(() => seen.push('first'));
		store.onDidChange(() => {
			throw new Error('boom');
		});
		store.onDidChange(() => seen.push('third'));
		store.apply(added('Pod', pod('p', {})));
		store.flush();
		assert.deepEqual(seen, ['first', 'third']);
		assert.equal(errors.length, 1);
		assert.equal((errors[0] as Error).message, 'boom');
	});

	it('stops delivering to a disposed listener', () => {
		const { store, changes } = manualStore();
		let other = 0;
		const sub = store.onDidChange(() => other++);
		store.apply(added('Pod', pod('p', {})));
		store.flush();
		sub.dispose();
		store.apply(added('Pod', pod('q', {})));
		store.flush();
		assert.equal(other, 1);
		assert.equal(changes.length, 2);
	});

	it('clear() empties the store with one structural change naming what was there', () => {
		const { store, changes } = manualStore();
		store.applyAll([
			added('Service', svc('web', {}, { ns: 'x' })),
			added('Namespace', namespace('y')),
			added('Pod', pod('p', {})),
		]);
		store.flush();
		store.clear();
		store.flush();
		assert.equal(changes.length, 2);
		assert.deepEqual(changes[1], {
			kinds: new Set(['Namespace', 'Service', 'Pod']),
			namespaces: new Set(['x', 'y']),
			services: new Set(['x/web']),
			structure: true,
		});
		assert.deepEqual(store.counts(), { Namespace: 0, Service: 0, Endpoints: 0, EndpointSlice: 0, Pod: 0, Node: 0 });
		assert.deepEqual(store.namespaces(), []);
		assert.deepEqual(store.podsForService('x/web'), []);
	});

	it('stores are independent (no singletons)', () => {
		const one = new ClusterStore();
		const two = new ClusterStore();
		one.apply(added('Pod', pod('p', {})));
		assert.equal(one.counts().Pod, 1);
		assert.equal(two.counts().Pod, 0);
	});
});

// ---------------------------------------------------------------------------------------------------------------
// Lists reduced in steps

describe('ClusterStore.applyListInSteps', () => {
	/** Yields through a queue the test drains by hand, so every step boundary can be observed. */
	function manualYield(): { yieldToEventLoop: () => Promise<void>; steps: () => number; release: () => void } {
		const waiting: (() => void)[] = [];
		let steps = 0;
		return {
			yieldToEventLoop: () =>
				new Promise<void>((resolve) => {
					steps++;
					waiting.push(resolve);
				}),
			steps: () => steps,
			release: () => waiting.shift()?.(),
		};
	}

	const pods = (n: number, from = 0, rv = '1'): Pod[] =>
		Array.from({ length: n }, (_, i) => pod(`p${from + i}`, { app: `a${(from + i) % 7}` }, { rv, ns: `n${(from + i) % 3}` }));

	it('ends in the state `apply` reaches, with the same delta, and notifies once', async () => {
		const services = [0, 1, 2].flatMap((n) => [0, 1, 2, 3, 4, 5, 6].map((a) => svc(`a${a}`, { app: `a${a}` }, { ns: `n${n}` })));
		const before = pods(900, 0, '1');
		const after = [...pods(600, 300, '2'), ...pods(200, 1000, '1')];
		const reference = new ClusterStore();
		reference.apply({ type: 'LIST', kind: 'Service', objects: services });
		reference.apply({ type: 'LIST', kind: 'Pod', objects: before });
		const expected = reference.apply({ type: 'LIST', kind: 'Pod', objects: after });

		const y = manualYield();
		const store = new ClusterStore({ yieldToEventLoop: y.yieldToEventLoop });
		store.apply({ type: 'LIST', kind: 'Service', objects: services });
		store.apply({ type: 'LIST', kind: 'Pod', objects: before });
		await Promise.resolve();
		const changes: StoreChange[] = [];
		store.onDidChange((c) => changes.push(c));
		const deltas: StoreDelta[] = [];
		store.onDidApply((d) => deltas.push(d));
		const done = store.applyListInSteps({ type: 'LIST', kind: 'Pod', objects: after }, { stepMs: 0 });
		// Between steps: other kinds go on, and nothing is notified.
		let turns = 0;
		while (y.steps() > turns) {
			turns = y.steps();
			store.apply({ type: 'ADDED', kind: 'Node', object: { kind: 'Node', metadata: { name: `node-${turns}`, uid: `node-${turns}` } } });
			await new Promise((resolve) => setImmediate(resolve));
			assert.equal(changes.length, 0, 'no notification while the list is reduced');
			y.release();
			await new Promise((resolve) => setImmediate(resolve));
		}
		const delta = await done;
		assert.ok(turns > 3, `the list took several steps (${turns})`);
		await new Promise((resolve) => setImmediate(resolve));
		assert.equal(changes.length, 1, 'one notification for the list (and what came meanwhile)');
		assert.ok(changes[0]!.kinds.has('Pod') && changes[0]!.kinds.has('Node'));
		assert.deepEqual(
			{ counts: store.counts().Pod, pods: store.list('Pod').map((p) => [p.metadata!.name, p.metadata!.resourceVersion]) },
			{ counts: reference.counts().Pod, pods: reference.list('Pod').map((p) => [p.metadata!.name, p.metadata!.resourceVersion]) },
		);
		for (const s of store.list('Service')) {
			const key = serviceKey(s.metadata!.namespace, s.metadata!.name);
			assert.deepEqual(store.podsForService(key), reference.podsForService(key), key);
		}
		const names = (xs: readonly TypedObject[]): string[] => xs.map((o) => `${o.metadata!.namespace}/${o.metadata!.name}`).sort();
		assert.deepEqual(names(delta.added), names(expected.added));
		assert.deepEqual(names(delta.removed), names(expected.removed));
		assert.deepEqual(names(delta.modified.map((m) => m.after)), names(expected.modified.map((m) => m.after)));
		assert.deepEqual([...delta.services].sort(), [...expected.services].sort());
		assert.equal(deltas.filter((d) => d.kind === 'Pod').length, 1, 'delta listeners get the list once, whole');
	});

	it('stops between steps when aborted, and drops the rest when the store is cleared', async () => {
		const y = manualYield();
		const store = new ClusterStore({ yieldToEventLoop: y.yieldToEventLoop });
		const changes: StoreChange[] = [];
		store.onDidChange((c) => changes.push(c));
		const abort = new AbortController();
		const done = store.applyListInSteps({ type: 'LIST', kind: 'Pod', objects: pods(2000) }, { stepMs: 0, signal: abort.signal });
		// 2,000 objects collected in 16 steps of 128, then upserted: stop in the middle of those.
		while (y.steps() < 24) {
			await Promise.resolve();
			y.release();
			await new Promise((resolve) => setImmediate(resolve));
		}
		abort.abort();
		y.release();
		await done;
		assert.ok(store.counts().Pod > 0 && store.counts().Pod < 2000, `a part of the list (${store.counts().Pod})`);
		await new Promise((resolve) => setImmediate(resolve));
		assert.equal(changes.length, 1, 'what was reduced is notified');

		const cleared = store.applyListInSteps({ type: 'LIST', kind: 'Pod', objects: pods(2000) }, { stepMs: 0 });
		await Promise.resolve();
		store.clear();
		y.release();
		await cleared;
		assert.equal(store.counts().Pod, 0, 'nothing of the list lands in the cleared store');
	});
});
