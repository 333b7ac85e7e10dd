// Cases follow what upstream's trafficdist_test.go (k8s.io/endpointslice/trafficdist) asserts; each title names the
// upstream case it follows. Cases marked "own" cover PreferSameZone / PreferSameNode and edge cases that upstream's
// stored test file does not pin down.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Endpoint, EndpointSlice } from '../../src/core/k8s/types';
import { reconcileHints } from '../../src/core/controllers/endpointslice/trafficDist';

interface EpOpts {
	zone?: string;
	node?: string;
	ready?: boolean;
	zoneHint?: string;
	nodeHint?: string;
}

function ep(ip: string, opts: EpOpts = {}): Endpoint {
	const e: Endpoint = { addresses: [ip], conditions: { ready: opts.ready ?? true } };
	if (opts.zone !== undefined) {
		e.zone = opts.zone;
	}
	if (opts.node !== undefined) {
		e.nodeName = opts.node;
	}
	if (opts.zoneHint !== undefined || opts.nodeHint !== undefined) {
		e.hints = {};
		if (opts.zoneHint !== undefined) {
			e.hints.forZones = [{ name: opts.zoneHint }];
		}
		if (opts.nodeHint !== undefined) {
			e.hints.forNodes = [{ name: opts.nodeHint }];
		}
	}
	return e;
}

function slice(name: string, ...endpoints: Endpoint[]): EndpointSlice {
	return { metadata: { name }, addressType: 'IPv4', endpoints };
}

/** Each endpoint's hints in order, as plain data (undefined when the key is absent). */
function hintsOf(slices: EndpointSlice[]): unknown[] {
	return slices.flatMap((s) => (s.endpoints ?? []).map((e) => ('hints' in e ? e.hints : undefined)));
}

const z = (name: string) => ({ forZones: [{ name }] });

describe('reconcileHints (TestReconcileHints)', () => {
	it('should set zone hints with PreferClose: every ready create/update endpoint gets its own zone, no node hint', () => {
		const creates = [
			slice(
				'c1',
				ep('10.0.0.1', { zone: 'zone-a', node: 'node-1' }),
				ep('10.0.0.2', { zone: 'zone-b', node: 'node-2' }),
			),
			slice('c2', ep('10.0.0.3', { zone: 'zone-a', node: 'node-3' })),
		];
		const updates = [
			slice(
				'u1',
				ep('10.0.0.5', { zone: 'zone-a', node: 'node-5' }),
				ep('10.0.0.8', { zone: 'zone-c', node: 'node-8' }),
			),
		];
		const r = reconcileHints('PreferClose', creates, updates, []);
		assert.equal(r.toCreate, creates, 'creates are hinted in place');
		assert.deepEqual(hintsOf(r.toCreate), [z('zone-a'), z('zone-b'), z('zone-a')]);
		assert.deepEqual(hintsOf(r.toUpdate), [z('zone-a'), z('zone-c')]);
		assert.equal(r.changed, 0);
	});

	it('should correct incorrect hints with PreferClose: wrong and missing hints move unchanged slices to updates', () => {
		const wrongUpdate = slice('u', ep('10.0.0.1', { zone: 'zone-a', zoneHint: 'zone-b' }));
		const wrongUnchanged = slice('w', ep('10.0.0.2', { zone: 'zone-b', zoneHint: 'zone-c' }));
		const missingUnchanged = slice('m', ep('10.0.0.3', { zone: 'zone-c' }));
		const fine = slice('f', ep('10.0.0.4', { zone: 'zone-a', zoneHint: 'zone-a' }));
		const r = reconcileHints('PreferClose', [], [wrongUpdate], [wrongUnchanged, missingUnchanged, fine]);
		assert.deepEqual(
			r.toUpdate.map((s) => s.metadata?.name),
			['u', 'w', 'm'],
		);
		assert.deepEqual(hintsOf(r.toUpdate), [z('zone-a'), z('zone-b'), z('zone-c')]);
		assert.equal(r.changed, 2);
	});

	it('should not create zone hints if there are no zones: zoneless endpoints get no (dummy) hint', () => {
		const creates = [slice('c', ep('10.0.0.1', { node: 'node-1' }), ep('10.0.0.2', { node: 'node-2' }))];
		const updates = [slice('u', ep('10.0.0.5', { node: 'node-5', zoneHint: '' }))];
		const r = reconcileHints('PreferClose', creates, updates, [slice('x', ep('10.0.0.9', { node: 'node-9' }))]);
		assert.deepEqual(hintsOf(r.toCreate), [undefined, undefined]);
		assert.deepEqual(hintsOf(r.toUpdate), [undefined], 'a stale hint on a zoneless endpoint is removed');
		assert.equal(r.changed, 0, 'a zoneless unchanged slice without hints needs nothing');
	});

	it('unready endpoints should not trigger updates, nor be touched in updates', () => {
		const unchanged = slice('x', ep('10.0.0.2', { zone: 'zone-b', ready: false }));
		const update = slice('u', ep('10.0.0.3', { zone: 'zone-b', ready: false, zoneHint: 'zone-q' }));
		const r = reconcileHints('PreferClose', [], [update], [unchanged]);
		assert.equal(r.changed, 0);
		assert.deepEqual(hintsOf(r.toUpdate), [z('zone-q')]);
	});

	it('should remove hints when trafficDistribution is unrecognized', () => {
		const creates = [
			slice(
				'c',
				ep('10.0.0.1', { zone: 'zone-a', zoneHint: 'zone-a' }),
				ep('10.0.0.2', { zone: 'zone-b', zoneHint: 'zone-b' }),
			),
		];
		const updates = [slice('u', ep('10.0.0.5', { zone: 'zone-a', zoneHint: 'zone-a', ready: false }))];
		const plain = slice('p', ep('10.0.0.6', { zone: 'zone-a' }));
		const r = reconcileHints('Unknown', creates, updates, [plain]);
		assert.deepEqual(hintsOf(r.toCreate), [undefined, undefined]);
		assert.deepEqual(hintsOf(r.toUpdate), [undefined], 'unready endpoints lose hints too');
		assert.equal('hints' in (creates[0]?.endpoints?.[0] ?? {}), false, 'the key is deleted, not set to undefined');
		assert.equal(r.changed, 0);
	});

	it('should remove hints when trafficDistribution is unset: hinted unchanged slices are copied and cleared', () => {
		const hinted = slice('h', ep('10.0.0.6', { zone: 'zone-b', zoneHint: 'zone-b' }));
		const r = reconcileHints(
			undefined,
			[],
			[slice('u', ep('10.0.0.5', { zone: 'zone-a', zoneHint: 'zone-a' }))],
			[hinted],
		);
		assert.deepEqual(
			r.toUpdate.map((s) => s.metadata?.name),
			['u', 'h'],
		);
		assert.deepEqual(hintsOf(r.toUpdate), [undefined, undefined]);
		assert.equal(r.changed, 1);
		assert.deepEqual(hinted.endpoints?.[0]?.hints, z('zone-b'), 'the unchanged original keeps its hint');
	});

	it('unset: an empty hints object still counts as hints (Go non-nil pointer) (own)', () => {
		const e = ep('10.0.0.1', { zone: 'zone-a' });
		e.hints = {};
		const r = reconcileHints(undefined, [], [], [slice('x', e)]);
		assert.equal(r.changed, 1);
		assert.deepEqual(hintsOf(r.toUpdate), [undefined]);
	});
});

describe('reconcileHints (TestReconcileHints_doesNotMutateUnchangedSlices)', () => {
	it('doesNotMutateUnchangedSlices: the unchanged slice is copied, never hinted in place', () => {
		const original = slice('x', ep('10.0.0.1', { zone: 'zone-a', node: 'node-1' }));
		const before = structuredClone(original);
		const unchanged = [original];
		const r = reconcileHints('PreferClose', [], [], unchanged);
		assert.deepEqual(original, before);
		assert.equal(unchanged.length, 1);
		assert.notEqual(r.toUpdate[0], original);
		assert.deepEqual(hintsOf(r.toUpdate), [z('zone-a')]);
	});

	it("the caller's toUpdate array is not appended to (own)", () => {
		const toUpdate: EndpointSlice[] = [];
		const r = reconcileHints('PreferClose', [], toUpdate, [slice('x', ep('10.0.0.1', { zone: 'zone-a' }))]);
		assert.equal(toUpdate.length, 0);
		assert.equal(r.toUpdate.length, 1);
	});
});

describe('reconcileHints with PreferSameZone / PreferSameNode (KEP-3015, own)', () => {
	it('PreferSameZone behaves like PreferClose: zone hints only', () => {
		const r = reconcileHints(
			'PreferSameZone',
			[slice('c', ep('10.0.0.1', { zone: 'zone-a', node: 'node-1' }))],
			[],
			[],
		);
		assert.deepEqual(hintsOf(r.toCreate), [z('zone-a')]);
	});

	it('PreferSameZone treats a stale node hint as wrong and drops it', () => {
		const stale = slice(
			'x',
			ep('10.0.0.1', { zone: 'zone-a', node: 'node-1', zoneHint: 'zone-a', nodeHint: 'node-1' }),
		);
		const r = reconcileHints('PreferSameZone', [], [], [stale]);
		assert.equal(r.changed, 1);
		assert.deepEqual(hintsOf(r.toUpdate), [z('zone-a')]);
	});

	it('PreferSameNode sets zone and node hints', () => {
		const r = reconcileHints(
			'PreferSameNode',
			[slice('c', ep('10.0.0.1', { zone: 'zone-a', node: 'node-1' }))],
			[],
			[],
		);
		assert.deepEqual(hintsOf(r.toCreate), [{ forZones: [{ name: 'zone-a' }], forNodes: [{ name: 'node-1' }] }]);
	});

	it('PreferSameNode: a zoneless endpoint gets a node hint only; one with neither loses its hints', () => {
		const r = reconcileHints(
			'PreferSameNode',
			[slice('c', ep('10.0.0.1', { node: 'node-1' }), ep('10.0.0.2', { zoneHint: 'zone-a' }))],
			[],
			[],
		);
		assert.deepEqual(hintsOf(r.toCreate), [{ forNodes: [{ name: 'node-1' }] }, undefined]);
	});

	it('PreferSameNode: an unchanged slice with only zone hints needs an update; a correct one does not', () => {
		const zoneOnly = slice('z', ep('10.0.0.1', { zone: 'zone-a', node: 'node-1', zoneHint: 'zone-a' }));
		const correct = slice(
			'ok',
			ep('10.0.0.2', { zone: 'zone-b', node: 'node-2', zoneHint: 'zone-b', nodeHint: 'node-2' }),
		);
		const wrongNode = slice(
			'wn',
			ep('10.0.0.3', { zone: 'zone-b', node: 'node-3', zoneHint: 'zone-b', nodeHint: 'node-9' }),
		);
		const r = reconcileHints('PreferSameNode', [], [], [zoneOnly, correct, wrongNode]);
		assert.equal(r.changed, 2);
		assert.deepEqual(
			r.toUpdate.map((s) => s.metadata?.name),
			['z', 'wn'],
		);
		assert.deepEqual(hintsOf(r.toUpdate), [
			{ forZones: [{ name: 'zone-a' }], forNodes: [{ name: 'node-1' }] },
			{ forZones: [{ name: 'zone-b' }], forNodes: [{ name: 'node-3' }] },
		]);
	});

	it('an empty-string zone is still a zone (Go pointer presence) and is hinted as such', () => {
		const r = reconcileHints('PreferClose', [slice('c', ep('10.0.0.1', { zone: '' }))], [], []);
		assert.deepEqual(hintsOf(r.toCreate), [z('')]);
	});

	it('a slice with null endpoints is left alone', () => {
		const nullSlice: EndpointSlice = { metadata: { name: 'n' }, addressType: 'IPv4', endpoints: null };
		const r = reconcileHints('PreferSameNode', [nullSlice], [], [nullSlice]);
		assert.equal(r.changed, 0);
		assert.equal(r.toCreate[0]?.endpoints, null);
	});

	it('values are case-sensitive: "preferclose" removes hints', () => {
		const r = reconcileHints(
			'preferclose',
			[slice('c', ep('10.0.0.1', { zone: 'zone-a', zoneHint: 'zone-a' }))],
			[],
			[],
		);
		assert.deepEqual(hintsOf(r.toCreate), [undefined]);
	});
});
