// Cases follow what upstream's topologycache tests assert (topologycache_test.go, utils_test.go, sliceinfo_test.go in
// k8s.io/endpointslice/topologycache); each title names the upstream test it follows. Cases marked "own" cover
// behaviour upstream's tests do not pin down.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Endpoint, EndpointSlice, Node } from '../../src/core/k8s/types';
import type { Allocation, SliceInfo } from '../../src/core/controllers/endpointslice/sliceInfo';
import { getHintsByZone, getTotalReadyEndpoints } from '../../src/core/controllers/endpointslice/sliceInfo';
import {
	TopologyCache,
	formatWithAddressType,
	getGivingAndReceivingZones,
	parseCpuMillis,
	redistributeHints,
	removeHintsFromSlices,
	serviceOverloaded,
} from '../../src/core/controllers/endpointslice/topologyCache';

// Fixtures

interface EpOpts {
	zone?: string;
	ready?: boolean;
	hint?: string;
}

/** An endpoint; `ready` defaults to true, `ready: undefined` is spelled by passing `{ ready: undefined }`. */
function ep(ip: string, opts: EpOpts = {}): Endpoint {
	const e: Endpoint = { addresses: [ip] };
	if (!('ready' in opts) || opts.ready !== undefined) {
		e.conditions = { ready: opts.ready ?? true };
	}
	if (opts.zone !== undefined) {
		e.zone = opts.zone;
	}
	if (opts.hint !== undefined) {
		e.hints = { forZones: [{ name: opts.hint }] };
	}
	return e;
}

function slice(name: string, ...endpoints: Endpoint[]): EndpointSlice {
	return { metadata: { name }, addressType: 'IPv4', endpoints };
}

function sliceInfo(parts: Partial<SliceInfo> = {}): SliceInfo {
	return { serviceKey: 'ns/svc', addressType: 'IPv4', toCreate: [], toUpdate: [], unchanged: [], ...parts };
}

interface NodeOpts {
	zone?: string;
	cpu?: string;
	ready?: string;
	labels?: Record<string, string>;
}

function node(opts: NodeOpts): Node {
	const labels: Record<string, string> = { ...opts.labels };
	if (opts.zone !== undefined) {
		labels['topology.kubernetes.io/zone'] = opts.zone;
	}
	return {
		metadata: { name: `n-${Math.random().toString(36).slice(2)}`, labels },
		status: {
			allocatable: opts.cpu === undefined ? {} : { cpu: opts.cpu },
			conditions: opts.ready === undefined ? [] : [{ type: 'Ready', status: opts.ready }],
		},
	};
}

/** A cache whose zone CPU (in cores) makes the ratios exactly `cores / total`. */
function cacheWithZones(coresByZone: Record<string, string>): TopologyCache {
	const cache = new TopologyCache();
	cache.setNodes(Object.entries(coresByZone).map(([zone, cpu]) => node({ zone, cpu, ready: 'True' })));
	return cache;
}

/** Zone hint of each endpoint, in order (undefined for none). */
function hintsOf(slices: EndpointSlice[]): (string | undefined)[] {
	return slices.flatMap((s) => (s.endpoints ?? []).map((e) => e.hints?.forZones?.map((z) => z.name).join(',')));
}

function asObject(m: ReadonlyMap<string, number> | undefined): Record<string, number> | undefined {
	return m && Object.fromEntries(m);
}

function alloc(partial: Partial<Allocation>): Allocation {
	return { minimum: 0, maximum: 0, desired: 0, ...partial };
}

// parseCpuMillis

describe('parseCpuMillis (resource.Quantity MilliValue for node allocatable CPU)', () => {
	const valid: [string | number, number][] = [
		['2', 2000],
		['1500m', 1500],
		['0.5', 500],
		['.5', 500],
		['2k', 2_000_000],
		['1Ki', 1_024_000],
		['1e3', 1_000_000],
		['15E-1', 1500],
		['+3', 3000],
		['0', 0],
		['250u', 1],
		['100n', 1],
		['1500001u', 1501],
		[' 4 ', 4000],
		[4, 4000],
		[0.25, 250],
	];
	for (const [input, want] of valid) {
		it(`parses ${JSON.stringify(input)} as ${want}m (SetNodes' Quantity handling, own)`, () => {
			assert.equal(parseCpuMillis(input), want);
		});
	}
	it('rejects malformed, negative and missing quantities (SetNodes, own)', () => {
		for (const bad of ['', 'abc', '1.2.3', '2 cpu', '-1', '1Kb', 'm', '1e', '.', Number.NaN, undefined]) {
			assert.equal(parseCpuMillis(bad), undefined, JSON.stringify(bad));
		}
	});
	it('keeps exa-scale values ("1E" is exa, not an exponent) (own)', () => {
		assert.equal(parseCpuMillis('1E'), 1e21);
	});
});

// SetNodes

describe('TopologyCache.setNodes (TestSetNodes)', () => {
	it('TestSetNodes/empty: no nodes is insufficient', () => {
		const cache = new TopologyCache();
		cache.setNodes([]);
		assert.equal(cache.hasSufficientNodeInfo(), false);
		assert.equal(cache.getCpuRatiosByZone(), undefined);
		assert.equal(cache.getCpuMillisByZone(), undefined);
	});

	it('TestSetNodes/single node and single zone: one zone is insufficient', () => {
		const one = new TopologyCache();
		one.setNodes([node({ zone: 'zone-a', cpu: '1000m', ready: 'True' })]);
		assert.equal(one.hasSufficientNodeInfo(), false);
		const sameZone = new TopologyCache();
		sameZone.setNodes([
			node({ zone: 'zone-a', cpu: '1000m', ready: 'True' }),
			node({ zone: 'zone-a', cpu: '1000m', ready: 'True' }),
		]);
		assert.equal(sameZone.hasSufficientNodeInfo(), false);
		assert.equal(sameZone.getCpuRatiosByZone(), undefined);
	});

	it('TestSetNodes/2 zones: equal CPU gives 0.5 each', () => {
		const cache = new TopologyCache();
		cache.setNodes([
			node({ zone: 'zone-a', cpu: '1000m', ready: 'True' }),
			node({ zone: 'zone-b', cpu: '1', ready: 'True' }),
		]);
		assert.equal(cache.hasSufficientNodeInfo(), true);
		assert.deepEqual(asObject(cache.getCpuRatiosByZone()), { 'zone-a': 0.5, 'zone-b': 0.5 });
		assert.deepEqual(asObject(cache.getCpuMillisByZone()), { 'zone-a': 1000, 'zone-b': 1000 });
	});

	it('TestSetNodes/2 zones, unready node in 1, ready node in 1: the unready zone drops out', () => {
		const cache = new TopologyCache();
		cache.setNodes([
			node({ zone: 'zone-a', cpu: '1000m', ready: 'False' }),
			node({ zone: 'zone-b', cpu: '1000m', ready: 'True' }),
		]);
		assert.equal(cache.hasSufficientNodeInfo(), false);
		assert.equal(cache.getCpuRatiosByZone(), undefined);
	});

	it('TestSetNodes/2 zones, control plane node in 1: control-plane and master nodes are excluded', () => {
		for (const role of ['node-role.kubernetes.io/control-plane', 'node-role.kubernetes.io/master']) {
			const cache = new TopologyCache();
			cache.setNodes([
				node({ zone: 'zone-a', cpu: '1000m', ready: 'True' }),
				node({ zone: 'zone-b', cpu: '1000m', ready: 'True', labels: { [role]: '' } }),
			]);
			assert.equal(cache.hasSufficientNodeInfo(), false, role);
		}
	});

	it('TestSetNodes/2 zones, unready or control plane node in 2: only the countable nodes add CPU', () => {
		const cache = new TopologyCache();
		cache.setNodes([
			node({ zone: 'zone-a', cpu: '1000m', ready: 'True' }),
			node({ zone: 'zone-b', cpu: '1000m', ready: 'True' }),
			node({ zone: 'zone-b', cpu: '1000m', ready: 'False' }),
			node({
				zone: 'zone-b',
				cpu: '1000m',
				ready: 'True',
				labels: { 'node-role.kubernetes.io/control-plane': '' },
			}),
			// Unready nodes are skipped before their zone or CPU is looked at.
			node({ cpu: '0', ready: 'Unknown' }),
			node({ zone: 'zone-b', cpu: '8' }),
		]);
		assert.deepEqual(asObject(cache.getCpuRatiosByZone()), { 'zone-a': 0.5, 'zone-b': 0.5 });
	});

	it('TestSetNodes/3 zones, 4 nodes in 1, 2 nodes in 1, 1 node in 1: ratios and CPU per zone', () => {
		const cache = new TopologyCache();
		const spec: [string, string][] = [
			['zone-a', '1000m'],
			['zone-a', '1000m'],
			['zone-a', '1000m'],
			['zone-a', '2000m'],
			['zone-b', '3000m'],
			['zone-b', '1500m'],
			['zone-c', '500m'],
		];
		cache.setNodes(spec.map(([zone, cpu]) => node({ zone, cpu, ready: 'True' })));
		assert.deepEqual(asObject(cache.getCpuMillisByZone()), { 'zone-a': 5000, 'zone-b': 4500, 'zone-c': 500 });
		assert.deepEqual(asObject(cache.getCpuRatiosByZone()), { 'zone-a': 0.5, 'zone-b': 0.45, 'zone-c': 0.05 });
	});

	it('SetNodes bails out on a counted node without zone label, with an empty zone, or without CPU (own)', () => {
		const bad: NodeOpts[] = [
			{ cpu: '1', ready: 'True' },
			{ zone: '', cpu: '1', ready: 'True' },
			{ zone: 'zone-c', ready: 'True' },
			{ zone: 'zone-c', cpu: '0', ready: 'True' },
			{ zone: 'zone-c', cpu: 'lots', ready: 'True' },
		];
		for (const b of bad) {
			const cache = new TopologyCache();
			cache.setNodes([
				node({ zone: 'zone-a', cpu: '1', ready: 'True' }),
				node({ zone: 'zone-b', cpu: '1', ready: 'True' }),
				node(b),
			]);
			assert.equal(cache.hasSufficientNodeInfo(), false, JSON.stringify(b));
			assert.equal(cache.getCpuRatiosByZone(), undefined);
		}
	});

	it('SetNodes replaces the previous distribution on every call (own)', () => {
		const cache = cacheWithZones({ 'zone-a': '1', 'zone-b': '3' });
		assert.deepEqual(asObject(cache.getCpuRatiosByZone()), { 'zone-a': 0.25, 'zone-b': 0.75 });
		cache.setNodes([node({ zone: 'zone-a', cpu: '1', ready: 'True' })]);
		assert.equal(cache.hasSufficientNodeInfo(), false);
		assert.equal(cache.getCpuRatiosByZone(), undefined);
	});
});

// AddHints

describe('TopologyCache.addHints (TestAddHints)', () => {
	it('TestAddHints/empty: insufficient node info gives a Warning and no cache entry', () => {
		const cache = new TopologyCache();
		cache.setNodes([]);
		const r = cache.addHints(sliceInfo());
		assert.deepEqual(r.toCreate, []);
		assert.deepEqual(r.toUpdate, []);
		assert.deepEqual(r.events, [
			{
				type: 'Warning',
				reason: 'TopologyAwareHintsDisabled',
				message:
					'Insufficient Node information: allocatable CPU or zone not specified on one or more nodes, addressType: IPv4',
			},
		]);
		assert.equal(cache.getEndpointsByAddressType('ns/svc'), undefined);
		assert.equal(cache.hasPopulatedHints('ns/svc'), false);
	});

	it('TestAddHints/slice to create, no zone ratios: no hints are added and stale ones are stripped', () => {
		const cache = new TopologyCache();
		cache.setNodes([]);
		const create = slice('c', ep('10.1.2.3', { zone: 'zone-a', hint: 'zone-a' }));
		const r = cache.addHints(sliceInfo({ toCreate: [create] }));
		assert.equal(r.toCreate[0], create);
		assert.deepEqual(hintsOf(r.toCreate), [undefined]);
		assert.equal('hints' in (create.endpoints?.[0] ?? {}), false, 'the hints key is deleted');
		assert.equal(r.events[0]?.reason, 'TopologyAwareHintsDisabled');
	});

	it('TestAddHints/… zone ratios require 3: fewer ready endpoints than zones disables hints', () => {
		const cache = cacheWithZones({ 'zone-a': '3', 'zone-b': '4', 'zone-c': '3' });
		const r = cache.addHints(
			sliceInfo({
				toCreate: [slice('c', ep('10.1.2.3', { zone: 'zone-a' }), ep('10.1.2.4', { zone: 'zone-b' }))],
			}),
		);
		assert.deepEqual(hintsOf(r.toCreate), [undefined, undefined]);
		assert.deepEqual(r.events, [
			{
				type: 'Warning',
				reason: 'TopologyAwareHintsDisabled',
				message: 'Insufficient number of endpoints (2 endpoints, 3 zones), addressType: IPv4',
			},
		]);
		assert.equal(cache.getEndpointsByAddressType('ns/svc'), undefined);
	});

	it('TestAddHints/… zone ratios only require 2: own-zone hints and a Normal "enabled" event', () => {
		const cache = cacheWithZones({ 'zone-a': '4.5', 'zone-b': '5.5' });
		assert.deepEqual(asObject(cache.getCpuRatiosByZone()), { 'zone-a': 0.45, 'zone-b': 0.55 });
		const r = cache.addHints(
			sliceInfo({
				toCreate: [slice('c', ep('10.1.2.3', { zone: 'zone-a' }), ep('10.1.2.4', { zone: 'zone-b' }))],
			}),
		);
		assert.deepEqual(hintsOf(r.toCreate), ['zone-a', 'zone-b']);
		assert.deepEqual(r.toUpdate, []);
		assert.deepEqual(r.events, [
			{
				type: 'Normal',
				reason: 'TopologyAwareHintsEnabled',
				message: 'Topology Aware Hints has been enabled, addressType: IPv4',
			},
		]);
		assert.deepEqual(asObject(cache.getEndpointsByAddressType('ns/svc')?.get('IPv4')), {
			'zone-a': 1,
			'zone-b': 1,
		});
		assert.equal(cache.hasPopulatedHints('ns/svc'), true);
	});

	it('TestAddHints/… 2 ready, 1 unready, 1 unknown endpoints: only ready endpoints get hints or count', () => {
		const cache = cacheWithZones({ 'zone-a': '4.5', 'zone-b': '5.5' });
		const r = cache.addHints(
			sliceInfo({
				toCreate: [
					slice(
						'c',
						ep('10.1.2.3', { zone: 'zone-a' }),
						ep('10.1.2.4', { zone: 'zone-b' }),
						ep('10.1.2.5', { zone: 'zone-b', ready: false }),
						ep('10.1.2.6', { zone: 'zone-b', ready: undefined }),
					),
				],
			}),
		);
		assert.deepEqual(hintsOf(r.toCreate), ['zone-a', 'zone-b', undefined, undefined]);
		assert.deepEqual(asObject(cache.getEndpointsByAddressType('ns/svc')?.get('IPv4')), {
			'zone-a': 1,
			'zone-b': 1,
		});
	});

	it('TestAddHints/slices to create and update within 3 zone threshold: one zone-a endpoint is lent to zone-b', () => {
		const cache = cacheWithZones({ 'zone-a': '3.5', 'zone-b': '3.5', 'zone-c': '3' });
		const r = cache.addHints(
			sliceInfo({
				toCreate: [
					slice('c1', ep('10.1.2.3', { zone: 'zone-a' }), ep('10.1.2.4', { zone: 'zone-b' })),
					slice(
						'c2',
						ep('10.1.3.3', { zone: 'zone-c' }),
						ep('10.1.3.4', { zone: 'zone-c' }),
						ep('10.1.3.5', { zone: 'zone-a' }),
					),
				],
				toUpdate: [
					slice('u1', ep('10.2.2.3', { zone: 'zone-a' }), ep('10.2.2.4', { zone: 'zone-a' })),
					slice(
						'u2',
						ep('10.2.3.3', { zone: 'zone-b' }),
						ep('10.2.3.4', { zone: 'zone-c' }),
						ep('10.2.3.5', { zone: 'zone-a' }),
					),
				],
			}),
		);
		assert.deepEqual(hintsOf(r.toCreate), ['zone-b', 'zone-b', 'zone-c', 'zone-c', 'zone-a']);
		assert.deepEqual(hintsOf(r.toUpdate), ['zone-a', 'zone-a', 'zone-b', 'zone-c', 'zone-a']);
		assert.deepEqual(asObject(cache.getEndpointsByAddressType('ns/svc')?.get('IPv4')), {
			'zone-a': 4,
			'zone-b': 3,
			'zone-c': 3,
		});
	});

	it('getAllocations: minimums above the total disable hints with the overload message (own)', () => {
		// 4 endpoints over 3 equal zones: each zone's minimum is ceil(1.33 / 1.2) = 2, and 6 > 4.
		const cache = cacheWithZones({ 'zone-a': '1', 'zone-b': '1', 'zone-c': '1' });
		const eps = ['a', 'b', 'c', 'a'].map((z, i) => ep(`10.0.0.${i}`, { zone: `zone-${z}` }));
		const r = cache.addHints(sliceInfo({ toCreate: [slice('c', ...eps)] }));
		assert.deepEqual(hintsOf(r.toCreate), [undefined, undefined, undefined, undefined]);
		assert.equal(
			r.events[0]?.message,
			'Unable to allocate minimum required endpoints to each zone without exceeding overload threshold ' +
				'(4 endpoints, 3 zones), addressType: IPv4',
		);
	});

	it('getAllocations: a cache that never saw nodes reports "Nodes only ready in one zone" (own)', () => {
		const cache = new TopologyCache();
		const r = cache.addHints(
			sliceInfo({ addressType: 'IPv6', toCreate: [slice('c', ep('fd00::1', { zone: 'zone-a' }))] }),
		);
		assert.deepEqual(r.events, [
			{
				type: 'Warning',
				reason: 'TopologyAwareHintsDisabled',
				message: 'Nodes only ready in one zone, addressType: IPv6',
			},
		]);
	});

	it('AddHints: a ready endpoint without zone strips every hint, even ones just assigned (own)', () => {
		const cache = cacheWithZones({ 'zone-a': '1', 'zone-b': '1' });
		const unchanged = slice('u', ep('10.0.1.1', { zone: 'zone-b', hint: 'zone-b' }));
		const r = cache.addHints(
			sliceInfo({
				toCreate: [
					slice('c', ep('10.0.0.1', { zone: 'zone-a' }), ep('10.0.0.2', { zone: 'zone-b' }), ep('10.0.0.3')),
				],
				unchanged: [unchanged],
			}),
		);
		assert.deepEqual(hintsOf(r.toCreate), [undefined, undefined, undefined]);
		assert.deepEqual(hintsOf(r.toUpdate), [undefined], 'the hinted unchanged slice is copied into updates');
		assert.equal(unchanged.endpoints?.[0]?.hints?.forZones?.[0]?.name, 'zone-b', 'original left alone');
		assert.deepEqual(r.events, [
			{
				type: 'Warning',
				reason: 'TopologyAwareHintsDisabled',
				message: 'One or more endpoints do not have a zone specified, addressType: IPv4',
			},
		]);
		assert.equal(cache.hasPopulatedHints('ns/svc'), false);
	});

	it('AddHints: the spec example, a zone-c-only Service over 3 equal zones, hints {a,b,c} (own)', () => {
		const cache = cacheWithZones({ 'zone-a': '2', 'zone-b': '2', 'zone-c': '2' });
		const eps = [1, 2, 3].map((i) => ep(`10.0.0.${i}`, { zone: 'zone-c' }));
		const r = cache.addHints(sliceInfo({ toCreate: [slice('c', ...eps)] }));
		assert.deepEqual(hintsOf(r.toCreate), ['zone-a', 'zone-b', 'zone-c']);
		assert.deepEqual(asObject(cache.getEndpointsByAddressType('ns/svc')?.get('IPv4')), {
			'zone-a': 1,
			'zone-b': 1,
			'zone-c': 1,
		});
	});

	it('AddHints: the "enabled" event is only sent the first time (HasPopulatedHints, own)', () => {
		const cache = cacheWithZones({ 'zone-a': '1', 'zone-b': '1' });
		const build = () =>
			sliceInfo({
				toCreate: [slice('c', ep('10.0.0.1', { zone: 'zone-a' }), ep('10.0.0.2', { zone: 'zone-b' }))],
			});
		assert.equal(cache.addHints(build()).events.length, 1);
		assert.deepEqual(cache.addHints(build()).events, []);
		cache.removeHints('ns/svc', 'IPv4');
		assert.equal(cache.addHints(build()).events[0]?.reason, 'TopologyAwareHintsEnabled');
	});

	it('getAllocatedHintsByZone: unchanged slices with valid hints stay unchanged and count (own)', () => {
		const cache = cacheWithZones({ 'zone-a': '1', 'zone-b': '1' });
		const keep = slice(
			'keep',
			ep('10.0.1.1', { zone: 'zone-a', hint: 'zone-a' }),
			ep('10.0.1.2', { zone: 'zone-b', hint: 'zone-b' }),
		);
		const before = structuredClone(keep);
		const si = sliceInfo({
			toCreate: [slice('c', ep('10.0.0.1', { zone: 'zone-a' }), ep('10.0.0.2', { zone: 'zone-b' }))],
			unchanged: [keep],
		});
		const r = cache.addHints(si);
		assert.deepEqual(r.toUpdate, []);
		assert.deepEqual(si.unchanged, [keep]);
		assert.deepEqual(keep, before);
		assert.deepEqual(asObject(cache.getEndpointsByAddressType('ns/svc')?.get('IPv4')), {
			'zone-a': 2,
			'zone-b': 2,
		});
	});

	it('getAllocatedHintsByZone: unchanged slices with missing or unknown-zone hints are copied into updates (own)', () => {
		const cache = cacheWithZones({ 'zone-a': '1', 'zone-b': '1' });
		const missing = slice('missing', ep('10.0.1.1', { zone: 'zone-a' }));
		const unknown = slice('unknown', ep('10.0.1.2', { zone: 'zone-b', hint: 'zone-z' }));
		const snapshot = structuredClone([missing, unknown]);
		const si = sliceInfo({ unchanged: [missing, unknown] });
		const r = cache.addHints(si);
		assert.deepEqual(
			r.toUpdate.map((s) => s.metadata?.name),
			['missing', 'unknown'],
		);
		assert.notEqual(r.toUpdate[0], missing, 'a copy, not the unchanged object');
		assert.deepEqual(hintsOf(r.toUpdate), ['zone-a', 'zone-b']);
		assert.deepEqual([missing, unknown], snapshot);
		assert.deepEqual(si.unchanged, []);
	});

	it('AddHints: unready endpoints keep stale hints, as upstream clears a loop copy (own, fidelity)', () => {
		const cache = cacheWithZones({ 'zone-a': '1', 'zone-b': '1' });
		const r = cache.addHints(
			sliceInfo({
				toUpdate: [
					slice(
						'u',
						ep('10.0.0.1', { zone: 'zone-a' }),
						ep('10.0.0.2', { zone: 'zone-b' }),
						ep('10.0.0.3', { zone: 'zone-a', ready: false, hint: 'zone-z' }),
					),
				],
			}),
		);
		assert.deepEqual(hintsOf(r.toUpdate), ['zone-a', 'zone-b', 'zone-z']);
	});
});

describe('TopologyCache bookkeeping (SetHints / RemoveHints / HasPopulatedHints / GetOverloadedServices)', () => {
	it('RemoveHints on one address type clears the populated flag for the whole Service (own)', () => {
		const cache = new TopologyCache();
		cache.setHints('ns/svc', 'IPv4', new Map([['zone-a', 1]]));
		cache.setHints('ns/svc', 'IPv6', new Map([['zone-a', 1]]));
		assert.equal(cache.hasPopulatedHints('ns/svc'), true);
		cache.removeHints('ns/svc', 'IPv4');
		assert.equal(cache.hasPopulatedHints('ns/svc'), false);
		assert.deepEqual([...(cache.getEndpointsByAddressType('ns/svc')?.keys() ?? [])], ['IPv6']);
		cache.removeHints('ns/svc', 'IPv6');
		assert.equal(cache.getEndpointsByAddressType('ns/svc'), undefined);
	});

	it('GetOverloadedServices lists Services whose recorded hints starve a zone, sorted (own)', () => {
		const cache = cacheWithZones({ 'zone-a': '1', 'zone-b': '1' });
		cache.setHints(
			'ns/ok',
			'IPv4',
			new Map([
				['zone-a', 2],
				['zone-b', 2],
			]),
		);
		cache.setHints(
			'ns/starved',
			'IPv4',
			new Map([
				['zone-a', 4],
				['zone-b', 0],
			]),
		);
		cache.setHints('ns/missing', 'IPv4', new Map([['zone-a', 4]]));
		assert.deepEqual(cache.getOverloadedServices(), ['ns/missing', 'ns/starved']);
	});
});

// utils.go

describe('removeHintsFromSlices (RemoveHintsFromSlices)', () => {
	it('strips creates and updates in place and copies only hinted unchanged slices into updates (own)', () => {
		const create = slice('c', ep('10.0.0.1', { zone: 'zone-a', hint: 'zone-a' }));
		const update = slice('u', ep('10.0.0.2', { zone: 'zone-a', hint: 'zone-b', ready: false }));
		const hinted = slice('h', ep('10.0.0.3'), ep('10.0.0.4', { hint: 'zone-a' }));
		const plain = slice('p', ep('10.0.0.5', { zone: 'zone-a' }));
		const toUpdate = [update];
		const si = sliceInfo({ toCreate: [create], toUpdate, unchanged: [hinted, plain] });
		const r = removeHintsFromSlices(si);
		assert.deepEqual(hintsOf(r.toCreate), [undefined]);
		assert.deepEqual(
			r.toUpdate.map((s) => s.metadata?.name),
			['u', 'h'],
		);
		assert.deepEqual(hintsOf(r.toUpdate), [undefined, undefined, undefined]);
		assert.equal(hinted.endpoints?.[1]?.hints?.forZones?.[0]?.name, 'zone-a', 'unchanged original untouched');
		assert.deepEqual(si.unchanged, [plain]);
		assert.equal(toUpdate.length, 1, "the caller's array is not appended to");
	});

	it('formatWithAddressType appends the address type (FormatWithAddressType)', () => {
		assert.equal(
			formatWithAddressType('Nodes only ready in one zone', 'FQDN'),
			'Nodes only ready in one zone, addressType: FQDN',
		);
	});
});

describe('redistributeHints (Test_redistributeHints)', () => {
	it('Test_redistributeHints/empty', () => {
		assert.deepEqual(asObject(redistributeHints([], new Map(), new Map())), {});
	});

	it('Test_redistributeHints/single endpoint', () => {
		const s = slice('s', ep('10.0.0.1', { zone: 'zone-a', hint: 'zone-a' }));
		const r = redistributeHints([s], new Map([['zone-a', 1]]), new Map([['zone-b', 1]]));
		assert.deepEqual(asObject(r), { 'zone-a': -1, 'zone-b': 1 });
		assert.deepEqual(hintsOf([s]), ['zone-b']);
	});

	it('Test_redistributeHints/endpoints from 1 zone redistributed to 2 other zones', () => {
		const s = slice('s', ...[1, 2, 3].map((i) => ep(`10.0.0.${i}`, { zone: 'zone-a', hint: 'zone-a' })));
		const giving = new Map([['zone-a', 2]]);
		const receiving = new Map([
			['zone-c', 1],
			['zone-b', 1],
		]);
		const r = redistributeHints([s], giving, receiving);
		assert.deepEqual(asObject(r), { 'zone-a': -2, 'zone-b': 1, 'zone-c': 1 });
		// Receiving zones are taken in sorted order; the third endpoint keeps its own zone.
		assert.deepEqual(hintsOf([s]), ['zone-b', 'zone-c', 'zone-a']);
		assert.equal(giving.size + receiving.size, 0, 'both maps are consumed');
	});
});

describe('getGivingAndReceivingZones (Test_getGivingAndReceivingZones)', () => {
	const cases: {
		name: string;
		desired: Record<string, number>;
		allocated: Record<string, number>;
		giving: Record<string, number>;
		receiving: Record<string, number>;
	}[] = [
		{ name: 'empty', desired: {}, allocated: {}, giving: {}, receiving: {} },
		{
			name: 'simple allocation with no need for rebalancing',
			desired: { 'zone-a': 1.2, 'zone-b': 1.1, 'zone-c': 1.0 },
			allocated: { 'zone-a': 1, 'zone-b': 1, 'zone-c': 1 },
			giving: {},
			receiving: {},
		},
		{
			name: 'preference for same zone even when giving an extra endpoint would result in slightly better distribution',
			desired: { 'zone-a': 5.1, 'zone-b': 5.1, 'zone-c': 5.8 },
			allocated: { 'zone-a': 16 },
			giving: { 'zone-a': 10 },
			receiving: { 'zone-b': 5, 'zone-c': 5 },
		},
		{
			name: 'when 2 zones need < 1 endpoint, give to zone that needs endpoint most',
			desired: { 'zone-a': 5.0, 'zone-b': 5.6, 'zone-c': 5.4 },
			allocated: { 'zone-a': 16 },
			giving: { 'zone-a': 11 },
			receiving: { 'zone-b': 6, 'zone-c': 5 },
		},
		{
			name: 'when 2 zones have extra endpoints, give from zone with most extra',
			desired: { 'zone-a': 5.0, 'zone-b': 5.6, 'zone-c': 5.4 },
			allocated: { 'zone-b': 8, 'zone-c': 8 },
			giving: { 'zone-b': 2, 'zone-c': 3 },
			receiving: { 'zone-a': 5 },
		},
		{
			name: 'ensure function can handle unexpected data (more allocated than allocations)',
			desired: { 'zone-a': 5.0, 'zone-b': 5.0, 'zone-c': 5.0 },
			allocated: { 'zone-a': 6, 'zone-b': 6, 'zone-c': 6 },
			giving: {},
			receiving: {},
		},
		{
			name: 'ensure function can handle unexpected data (negative allocations)',
			desired: { 'zone-a': -5.0, 'zone-b': -5.0, 'zone-c': -5.0 },
			allocated: { 'zone-a': 6, 'zone-b': 6, 'zone-c': 6 },
			giving: {},
			receiving: {},
		},
		{
			name: 'ensure function can handle unexpected data (negative allocated)',
			desired: { 'zone-a': 5.0, 'zone-b': 5.0, 'zone-c': 5.0 },
			allocated: { 'zone-a': -4, 'zone-b': -3, 'zone-c': -2 },
			giving: {},
			receiving: {},
		},
		{
			name: 'ensure function can handle unexpected data (negative for 1 zone)',
			desired: { 'zone-a': 5.0, 'zone-b': 5.0, 'zone-c': 5.0 },
			allocated: { 'zone-a': -40, 'zone-b': 20, 'zone-c': 20 },
			giving: { 'zone-b': 15, 'zone-c': 15 },
			receiving: { 'zone-a': 30 },
		},
	];
	for (const c of cases) {
		it(`Test_getGivingAndReceivingZones/${c.name}`, () => {
			const allocations = new Map(Object.entries(c.desired).map(([z, desired]) => [z, alloc({ desired })]));
			const r = getGivingAndReceivingZones(allocations, new Map(Object.entries(c.allocated)));
			assert.deepEqual(asObject(r.givingZones), c.giving);
			assert.deepEqual(asObject(r.receivingZones), c.receiving);
		});
	}

	it('getMost: equal surpluses go to the zone whose name sorts first (own, determinism)', () => {
		// zone-a and zone-b each have half an endpoint to spare, zone-c needs one: exactly one endpoint moves.
		const allocations = new Map([
			['zone-b', alloc({ desired: 1.5 })],
			['zone-c', alloc({ desired: 1 })],
			['zone-a', alloc({ desired: 1.5 })],
		]);
		const allocated = new Map([
			['zone-b', 2],
			['zone-a', 2],
		]);
		const r = getGivingAndReceivingZones(allocations, allocated);
		assert.deepEqual(asObject(r.givingZones), { 'zone-a': 1 });
		assert.deepEqual(asObject(r.receivingZones), { 'zone-c': 1 });
	});
});

describe('getHintsByZone (Test_getHintsByZone)', () => {
	const three = new Map(['zone-a', 'zone-b', 'zone-c'].map((z) => [z, alloc({ maximum: 3 })]));

	it('Test_getHintsByZone/empty: an empty slice yields an empty map, not undefined', () => {
		assert.deepEqual(asObject(getHintsByZone(slice('s'), new Map(), new Map())), {});
	});

	it('Test_getHintsByZone/single zone hint with 1 unready endpoint and 1 unknown endpoint', () => {
		const s = slice(
			's',
			ep('10.0.0.1', { zone: 'zone-a', hint: 'zone-a' }),
			ep('10.0.0.2', { zone: 'zone-a', hint: 'zone-a', ready: false }),
			ep('10.0.0.3', { zone: 'zone-a', hint: 'zone-a', ready: undefined }),
		);
		assert.deepEqual(asObject(getHintsByZone(s, new Map([['zone-a', 1]]), three)), { 'zone-a': 1 });
	});

	it('Test_getHintsByZone/multiple zone hints', () => {
		const s = slice(
			's',
			ep('10.0.0.1', { zone: 'zone-a', hint: 'zone-a' }),
			ep('10.0.0.2', { zone: 'zone-a', hint: 'zone-b' }),
			ep('10.0.0.3', { zone: 'zone-b', hint: 'zone-b' }),
		);
		const allocated = new Map([
			['zone-a', 1],
			['zone-b', 1],
			['zone-c', 1],
		]);
		assert.deepEqual(asObject(getHintsByZone(s, allocated, three)), { 'zone-a': 1, 'zone-b': 2 });
	});

	it('Test_getHintsByZone/invalid: unknown zone, nil hints, empty forZones, over the maximum', () => {
		const onlyA = (maximum: number) => new Map([['zone-a', alloc({ maximum })]]);
		assert.equal(
			getHintsByZone(slice('s', ep('1.1.1.1', { zone: 'zone-a', hint: 'zone-gone' })), new Map(), onlyA(3)),
			undefined,
		);
		assert.equal(getHintsByZone(slice('s', ep('1.1.1.1', { zone: 'zone-a' })), new Map(), onlyA(3)), undefined);
		const emptyHints = ep('1.1.1.1', { zone: 'zone-a' });
		emptyHints.hints = { forZones: [] };
		assert.equal(getHintsByZone(slice('s', emptyHints), new Map(), onlyA(3)), undefined);
		const two = slice(
			's',
			ep('1.1.1.1', { zone: 'zone-a', hint: 'zone-a' }),
			ep('1.1.1.2', { zone: 'zone-a', hint: 'zone-a' }),
		);
		assert.equal(getHintsByZone(two, new Map([['zone-a', 1]]), onlyA(2)), undefined);
		assert.deepEqual(asObject(getHintsByZone(two, new Map([['zone-a', 0]]), onlyA(2))), { 'zone-a': 2 });
	});
});

describe('getTotalReadyEndpoints (Test_getTotalReadyEndpoints)', () => {
	function withN(ready: number, unready: number): EndpointSlice {
		const eps = [
			...Array.from({ length: ready }, (_, i) => ep(`10.1.2.${i}`)),
			...Array.from({ length: unready }, (_, i) => ep(`10.1.3.${i}`, { ready: false })),
		];
		return slice('s', ...eps);
	}

	it('Test_getTotalReadyEndpoints/empty and empty slice', () => {
		assert.equal(getTotalReadyEndpoints(sliceInfo()), 0);
		assert.equal(
			getTotalReadyEndpoints(sliceInfo({ toCreate: [withN(0, 0), { addressType: 'IPv4', endpoints: null }] })),
			0,
		);
	});

	it('Test_getTotalReadyEndpoints/slices for all with some unready', () => {
		const si = sliceInfo({
			toCreate: [withN(15, 3), withN(5, 4)],
			toUpdate: [withN(3, 8)],
			unchanged: [withN(98, 2), withN(90, 6)],
		});
		assert.equal(getTotalReadyEndpoints(si), 211);
	});
});

describe('serviceOverloaded (utils.go; upstream has no direct test)', () => {
	const ratios = new Map([
		['zone-a', 0.5],
		['zone-b', 0.5],
	]);
	it('an empty allocation is never overloaded; missing ratios make any allocation overloaded (own)', () => {
		assert.equal(serviceOverloaded(new Map(), undefined), false);
		assert.equal(serviceOverloaded(new Map([['zone-a', 1]]), undefined), true);
	});
	it('a zone below ceil(total × ratio / 1.2) is overloaded (own)', () => {
		// 10 endpoints, half the CPU each: the minimum is ceil(5 / 1.2) = 5.
		assert.equal(
			serviceOverloaded(
				new Map([
					['zone-a', 5],
					['zone-b', 5],
				]),
				ratios,
			),
			false,
		);
		assert.equal(
			serviceOverloaded(
				new Map([
					['zone-a', 6],
					['zone-b', 4],
				]),
				ratios,
			),
			true,
		);
	});
});
