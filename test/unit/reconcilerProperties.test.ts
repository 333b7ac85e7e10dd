/**
 * Property tests for the EndpointSlice reconciler (fast-check): random pods (readiness, termination, terminal phases,
 * IPv4/IPv6/dual-stack/missing IPs, a named port that resolves to one of two numbers or not at all, pods on a Node
 * that does not exist), random Services (families, publishNotReadyAddresses) and a random max of 1..10. The expected
 * endpoints come from an oracle written from the semantics reference (§2–§6), not from the code under test.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Reconciler, applySliceActions } from '../../src/core/controllers/endpointslice/reconciler';
import type { ReconcileResult } from '../../src/core/controllers/endpointslice/reconciler';
import type { EndpointSlice, IPFamily, Pod, Service } from '../../src/core/k8s/types';
import { newNode, newPod, newService, podIPv4, podIPv6, sliceLabelsFor } from './support/builders';

interface PodSpec {
	ready: boolean | null;
	terminating: boolean;
	phase: string;
	ips: 'v4' | 'v6' | 'dual' | 'dual-v6-first' | 'podIPOnly' | 'none';
	/** What the container port named `http` looks like: absent, TCP 8080/8081, or UDP (does not resolve). */
	http: 'none' | 8080 | 8081 | 'udp';
	onMissingNode: boolean;
}

interface Scenario {
	max: number;
	families: IPFamily[];
	publishNotReady: boolean;
	clusterIP: boolean;
	/** The Service's own labels (null: none). */
	labels: Record<string, string> | null;
	pods: PodSpec[];
}

const podSpecArb: fc.Arbitrary<PodSpec> = fc.record({
	ready: fc.constantFrom(true, true, false, null),
	terminating: fc.boolean(),
	phase: fc.constantFrom('Running', 'Running', 'Pending', 'Unknown', 'Succeeded', 'Failed'),
	ips: fc.constantFrom('v4', 'v6', 'dual', 'dual', 'dual-v6-first', 'podIPOnly', 'none'),
	http: fc.constantFrom<PodSpec['http']>('none', 8080, 8081, 8081, 'udp'),
	onMissingNode: fc.constantFrom(false, false, false, true),
});

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
	max: fc.integer({ min: 1, max: 10 }),
	families: fc.constantFrom<IPFamily[]>(['IPv4'], ['IPv6'], ['IPv4', 'IPv6'], ['IPv6', 'IPv4']),
	publishNotReady: fc.boolean(),
	clusterIP: fc.boolean(),
	labels: fc.constantFrom<Record<string, string> | null>(null, { team: 'a' }, { team: 'b', tier: 'web' }),
	pods: fc.array(podSpecArb, { maxLength: 40 }),
});

const nodes = [newNode('node-1', { zone: 'zone-a' })];

function serviceFor(s: Scenario): Service {
	return newService('foo', {
		ipFamilies: s.families,
		clusterIP: s.clusterIP ? (s.families[0] === 'IPv6' ? 'fd00::10' : '10.0.0.10') : undefined,
		publishNotReadyAddresses: s.publishNotReady,
		labels: s.labels ?? undefined,
		ports: [
			{ name: 'web', port: 80, targetPort: 80, protocol: 'TCP' },
			{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' },
		],
	});
}

function podsFor(specs: readonly PodSpec[]): Pod[] {
	return specs.map((p, n) => {
		const ips: Record<PodSpec['ips'], string[]> = {
			v4: [podIPv4(n)],
			v6: [podIPv6(n)],
			dual: [podIPv4(n), podIPv6(n)],
			'dual-v6-first': [podIPv6(n), podIPv4(n)],
			podIPOnly: [],
			none: [],
		};
		const http =
			p.http === 'none'
				? []
				: [
						{
							name: 'http',
							containerPort: p.http === 'udp' ? 8080 : p.http,
							protocol: p.http === 'udp' ? 'UDP' : 'TCP',
						},
					];
		return newPod(n, {
			ready: p.ready,
			terminating: p.terminating,
			phase: p.phase,
			ips: ips[p.ips],
			podIP: p.ips === 'podIPOnly' ? podIPv4(n) : undefined,
			containerPorts: [{ name: 'web', containerPort: 80, protocol: 'TCP' }, ...http],
			nodeName: p.onMissingNode ? 'node-gone' : 'node-1',
		});
	});
}

/** Oracle: per address type, pod name → the port key its endpoint must be grouped under. */
function expected(s: Scenario): Map<string, Map<string, string>> {
	const out = new Map<string, Map<string, string>>();
	for (const family of new Set(s.families)) {
		const byPod = new Map<string, string>();
		s.pods.forEach((p, n) => {
			const terminal = p.phase === 'Succeeded' || p.phase === 'Failed';
			const hasFamilyIP =
				p.ips === 'dual' || p.ips === 'dual-v6-first' || (family === 'IPv4' ? p.ips === 'v4' : p.ips === 'v6');
			if (terminal || !hasFamilyIP || (p.onMissingNode && !s.publishNotReady)) {
				return;
			}
			byPod.set(
				`pod${n}`,
				portKey(
					typeof p.http === 'number'
						? [
								['web', 80],
								['http', p.http],
							]
						: [['web', 80]],
				),
			);
		});
		out.set(family, byPod);
	}
	return out;
}

function portKey(ports: readonly (readonly [string, number])[]): string {
	return ports
		.map(([name, port]) => `${name}:${port}`)
		.sort()
		.join(',');
}

function slicePortKey(slice: EndpointSlice): string {
	return portKey((slice.ports ?? []).map((p) => [p.name ?? '', p.port ?? 0] as const));
}

/** Upstream's error condition: a pod that passes ShouldPodBeInEndpoints sits on a missing Node, without PNRA. */
function expectError(s: Scenario): boolean {
	return (
		!s.publishNotReady &&
		s.pods.some((p) => p.onMissingNode && p.phase !== 'Succeeded' && p.phase !== 'Failed' && p.ips !== 'none')
	);
}

function writtenSlices(result: ReconcileResult): EndpointSlice[] {
	return result.actions.filter((a) => a.verb !== 'delete').map((a) => a.object);
}

/** Every invariant a settled set of slices must satisfy for scenario `s`. */
function checkSlices(s: Scenario, slices: readonly EndpointSlice[]): void {
	const want = expected(s);
	const labels = sliceLabelsFor(serviceFor(s));
	for (const slice of slices) {
		assert.deepEqual(slice.metadata?.labels, labels);
		assert.ok(want.has(slice.addressType), `unexpected addressType ${slice.addressType}`);
		assert.ok((slice.endpoints ?? []).length <= s.max, 'a slice exceeds maxEndpointsPerSlice');
	}
	for (const [family, byPod] of want) {
		const ofFamily = slices.filter((sl) => sl.addressType === family);
		const seen = new Map<string, number>();
		for (const slice of ofFamily) {
			for (const ep of slice.endpoints ?? []) {
				const name = ep.targetRef?.name ?? '';
				seen.set(name, (seen.get(name) ?? 0) + 1);
				assert.equal(byPod.get(name), slicePortKey(slice), `${name} is in the wrong port group (${family})`);
				const n = Number(name.slice(3));
				assert.deepEqual(ep.addresses, [family === 'IPv4' ? podIPv4(n) : podIPv6(n)]);
			}
		}
		assert.deepEqual(
			[...seen.entries()].sort(),
			[...byPod.keys()].sort().map((name) => [name, 1]),
			`${family}: every eligible pod exactly once`,
		);
		// Empty slices exist only as the single placeholder of an address type with no endpoints at all.
		const empty = ofFamily.filter((sl) => (sl.endpoints ?? []).length === 0);
		if (byPod.size === 0) {
			assert.equal(ofFamily.length, 1, `${family}: one placeholder`);
			assert.deepEqual(ofFamily[0]!.ports, []);
		} else {
			assert.equal(empty.length, 0, `${family}: no empty slice next to endpoints`);
		}
	}
}

/** Initial creation packs each (addressType, ports) group into ceil(n/max) slices, all full but one. */
function checkPacking(s: Scenario, created: readonly EndpointSlice[]): void {
	const groups = new Map<string, number[]>();
	for (const slice of created) {
		const n = (slice.endpoints ?? []).length;
		if (n === 0) {
			continue;
		}
		const key = `${slice.addressType}|${slicePortKey(slice)}`;
		groups.set(key, [...(groups.get(key) ?? []), n]);
	}
	for (const [key, lengths] of groups) {
		const total = lengths.reduce((a, b) => a + b, 0);
		assert.equal(lengths.length, Math.ceil(total / s.max), `${key}: ceil(n/max) slices`);
		assert.ok(lengths.filter((l) => l !== s.max).length <= 1, `${key}: all full but one`);
	}
}

function reconcileScenario(r: Reconciler, s: Scenario, existing: readonly EndpointSlice[]): ReconcileResult {
	return r.reconcile(serviceFor(s), podsFor(s.pods), existing, nodes, '2024-01-01T00:00:00Z');
}

describe('Reconciler properties (fast-check)', () => {
	it('from no slices: only creates, no slice exceeds max, every eligible address once per (addressType, ports), packed ceil(n/max)', () => {
		fc.assert(
			fc.property(scenarioArb, (s) => {
				const r = new Reconciler({ maxEndpointsPerSlice: s.max });
				const result = reconcileScenario(r, s, []);
				assert.ok(result.actions.every((a) => a.verb === 'create'));
				assert.equal(result.error !== null, expectError(s));
				for (const slice of writtenSlices(result)) {
					assert.ok((slice.endpoints ?? []).length <= s.max);
				}
				const slices = applySliceActions([], result);
				checkSlices(s, slices);
				checkPacking(s, result.created);
			}),
			{ numRuns: 300 },
		);
	});

	it('reconciling again against the resulting slices issues no writes', () => {
		fc.assert(
			fc.property(scenarioArb, (s) => {
				const r = new Reconciler({ maxEndpointsPerSlice: s.max });
				const slices = applySliceActions([], reconcileScenario(r, s, []));
				const again = reconcileScenario(r, s, slices);
				assert.deepEqual(again.actions, []);
			}),
			{ numRuns: 300 },
		);
	});

	it('after a change of pods and Service labels, the invariants still hold and a further sync is a no-op', () => {
		const changeArb = fc.record({
			pods: fc.array(podSpecArb, { maxLength: 40 }),
			publishNotReady: fc.boolean(),
			labels: fc.constantFrom<Record<string, string> | null>(null, { team: 'a' }, { team: 'b', tier: 'web' }),
		});
		fc.assert(
			fc.property(scenarioArb, changeArb, (s, change) => {
				const r = new Reconciler({ maxEndpointsPerSlice: s.max });
				const first = applySliceActions([], reconcileScenario(r, s, []));
				const next: Scenario = { ...s, ...change };
				const result = reconcileScenario(r, next, first);
				assert.equal(result.error !== null, expectError(next));
				for (const slice of writtenSlices(result)) {
					assert.ok((slice.endpoints ?? []).length <= s.max);
				}
				// Updates and deletes name slices that existed; creates carry only generateName.
				const existingNames = new Set(first.map((sl) => sl.metadata?.name));
				for (const a of result.actions) {
					if (a.verb === 'create') {
						assert.equal(a.object.metadata?.name, undefined);
					} else {
						assert.ok(existingNames.has(a.object.metadata?.name));
					}
				}
				// Per address type (finalize runs once per type): creates, then updates, then deletes.
				const rank = { create: 0, update: 1, delete: 2 };
				for (const family of s.families) {
					const ranks = result.actions
						.filter((a) => a.object.addressType === family)
						.map((a) => rank[a.verb]);
					assert.deepEqual(
						ranks,
						[...ranks].sort((x, y) => x - y),
						`${family}: creates, updates, deletes`,
					);
				}
				const second = applySliceActions(first, result);
				checkSlices(next, second);
				assert.deepEqual(reconcileScenario(r, next, second).actions, []);
			}),
			{ numRuns: 300 },
		);
	});

	it('is deterministic: the same scenario gives the same result twice', () => {
		fc.assert(
			fc.property(scenarioArb, (s) => {
				const a = reconcileScenario(new Reconciler({ maxEndpointsPerSlice: s.max }), s, []);
				const b = reconcileScenario(new Reconciler({ maxEndpointsPerSlice: s.max }), s, []);
				assert.deepEqual(a, b);
			}),
			{ numRuns: 100 },
		);
	});
});
