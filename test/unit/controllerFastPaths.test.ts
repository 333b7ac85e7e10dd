/**
 * The controllers' fast paths against the straightforward code they replace, on random inputs (fast-check), so that
 * their equality is proven rather than assumed (bench/bench.ts, "simulate 100k pods"):
 * - `EndpointSet` files endpoints by pod name and compares identities part by part; it must behave exactly like a
 *   `Map` keyed by `endpointKey`, including keys that collide through a `,` or NUL inside a part.
 * - `isCanonicalIPv4` is a character loop in place of a regular expression, and its `true` lets callers skip parsing.
 * - `podToEndpoint` builds the usual endpoint in one literal; the result must equal, field order included, the
 *   field-by-field construction.
 * - `computeTriggerTime` formats a run of equal timestamps once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { EndpointSet, endpointKey, sameEndpointIdentity } from '../../src/core/controllers/endpointslice/endpointSet';
import { getEndpointAddresses, podToEndpoint } from '../../src/core/controllers/endpointslice/utils';
import { isPodReady, shouldSetHostname } from '../../src/core/controllers/podUtil';
import { computeTriggerTime, formatRFC3339Nano } from '../../src/core/controllers/triggerTime';
import { formatIP, isCanonicalIPv4, parseIP } from '../../src/core/k8s/ip';
import type { AddressType, Endpoint, Node, Pod, Service } from '../../src/core/k8s/types';

// Few distinct values, so that identities collide often; `,` and NUL make different parts give equal keys.
const part = fc.constantFrom('', 'a', 'b', 'a,b', 'a\u0000', '\u0000a', 'x\u0000a');
const endpointArb: fc.Arbitrary<Endpoint> = fc
	.record({
		addresses: fc.array(fc.constantFrom('10.0.0.1', '10.0.0.2', 'a', 'b', 'a,b', ''), { maxLength: 3 }),
		hostname: fc.option(part, { nil: undefined }),
		ref: fc.option(fc.record({ namespace: fc.option(part, { nil: undefined }), name: fc.option(part, { nil: undefined }) }), {
			nil: undefined,
		}),
		ready: fc.boolean(),
	})
	.map(({ addresses, hostname, ref, ready }) => {
		const ep: Endpoint = { addresses, conditions: { ready } };
		if (hostname !== undefined) {
			ep.hostname = hostname;
		}
		if (ref) {
			ep.targetRef = { kind: 'Pod' };
			if (ref.namespace !== undefined) {
				ep.targetRef.namespace = ref.namespace;
			}
			if (ref.name !== undefined) {
				ep.targetRef.name = ref.name;
			}
		}
		return ep;
	});

type Op =
	| { op: 'insert' | 'get' | 'take' | 'delete'; ep: Endpoint }
	| { op: 'popAny' | 'popAll' | 'values' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
	{ weight: 6, arbitrary: endpointArb.map((ep) => ({ op: 'insert' as const, ep })) },
	{ weight: 2, arbitrary: endpointArb.map((ep) => ({ op: 'get' as const, ep })) },
	{ weight: 2, arbitrary: endpointArb.map((ep) => ({ op: 'take' as const, ep })) },
	{ weight: 1, arbitrary: endpointArb.map((ep) => ({ op: 'delete' as const, ep })) },
	{ weight: 2, arbitrary: fc.constant({ op: 'popAny' as const }) },
	{ weight: 1, arbitrary: fc.constant({ op: 'popAll' as const }) },
	{ weight: 1, arbitrary: fc.constant({ op: 'values' as const }) },
);

/** The straightforward set: a Map from endpointKey to the endpoint, oldest first. */
class ReferenceSet {
	readonly items = new Map<string, Endpoint>();
	insert(ep: Endpoint): void {
		this.items.set(endpointKey(ep), ep);
	}
	get(ep: Endpoint): Endpoint | undefined {
		return this.items.get(endpointKey(ep));
	}
	take(ep: Endpoint): Endpoint | undefined {
		const got = this.get(ep);
		this.items.delete(endpointKey(ep));
		return got;
	}
	popAny(): Endpoint | undefined {
		const first = this.items.entries().next();
		if (first.done) {
			return undefined;
		}
		this.items.delete(first.value[0]);
		return first.value[1];
	}
}

describe('EndpointSet equals a Map keyed by endpointKey', () => {
	it('sameEndpointIdentity(a, b) is endpointKey(a) === endpointKey(b)', () => {
		fc.assert(
			fc.property(endpointArb, endpointArb, (a, b) => {
				assert.equal(sameEndpointIdentity(a, b), endpointKey(a) === endpointKey(b));
			}),
			{ numRuns: 5000 },
		);
	});

	it('any sequence of operations returns the same endpoints (the same objects) in the same order', () => {
		fc.assert(
			fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
				const fast = new EndpointSet();
				const ref = new ReferenceSet();
				for (const o of ops) {
					switch (o.op) {
						case 'insert':
							fast.insert(o.ep);
							ref.insert(o.ep);
							break;
						case 'get':
							assert.equal(fast.get(o.ep), ref.get(o.ep));
							break;
						case 'take':
							assert.equal(fast.take(o.ep), ref.take(o.ep));
							break;
						case 'delete':
							fast.delete(o.ep);
							ref.take(o.ep);
							break;
						case 'popAny':
							assert.equal(fast.popAny(), ref.popAny());
							break;
						case 'popAll': {
							const want: Endpoint[] = [];
							for (let ep = ref.popAny(); ep; ep = ref.popAny()) {
								want.push(ep);
							}
							const got = fast.popAll();
							assert.equal(got.length, want.length);
							got.forEach((ep, i) => assert.equal(ep, want[i]));
							break;
						}
						case 'values': {
							const got = [...fast.values()];
							const want = [...ref.items.values()];
							assert.equal(got.length, want.length);
							got.forEach((ep, i) => assert.equal(ep, want[i]));
							break;
						}
					}
					assert.equal(fast.size, ref.items.size);
				}
			}),
			{ numRuns: 2000 },
		);
	});
});

/** The pattern `isCanonicalIPv4` replaces. */
const canonicalIPv4Pattern = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Strings near IPv4 addresses: 1..5 dotted parts of 0..4 characters, mostly digits. */
const ipLikeArb = fc
	.array(fc.string({ unit: fc.constantFrom('0', '1', '2', '5', '9', '3', 'a', ' ', ':', '٣'), maxLength: 4 }), {
		minLength: 1,
		maxLength: 5,
	})
	.map((parts) => parts.join('.'));
const octetsArb = fc
	.tuple(fc.nat(300), fc.nat(300), fc.nat(300), fc.nat(300), fc.boolean())
	.map(([a, b, c, d, zero]) => `${zero ? '0' : ''}${a}.${b}.${c}.${d}`);

describe('isCanonicalIPv4 equals its regular expression', () => {
	it('on IPv4-like and arbitrary strings', () => {
		fc.assert(
			fc.property(fc.oneof(ipLikeArb, octetsArb, fc.string(), fc.string({ unit: 'binary', maxLength: 16 })), (s) => {
				assert.equal(isCanonicalIPv4(s), canonicalIPv4Pattern.test(s), JSON.stringify(s));
			}),
			{ numRuns: 20000 },
		);
	});

	it('an address it accepts parses as IPv4 and prints as itself, so callers may skip parsing', () => {
		fc.assert(
			fc.property(octetsArb, (s) => {
				if (isCanonicalIPv4(s)) {
					const ip = parseIP(s);
					assert.equal(ip?.family, 'IPv4');
					assert.equal(formatIP(ip!), s);
				}
			}),
			{ numRuns: 5000 },
		);
	});
});

/** `podToEndpoint` field by field, the straightforward construction. */
function podToEndpointReference(pod: Pod, node: Node | undefined, service: Service, addressType: AddressType): Endpoint {
	const serving = isPodReady(pod);
	const terminating = !!pod.metadata?.deletionTimestamp;
	const ready = !!service.spec?.publishNotReadyAddresses || (serving && !terminating);
	const ep: Endpoint = { addresses: getEndpointAddresses(pod.status, addressType), conditions: { ready, serving, terminating } };
	if (shouldSetHostname(pod, service)) {
		ep.hostname = pod.spec!.hostname;
	}
	const m = pod.metadata;
	ep.targetRef = { kind: 'Pod' };
	if (m?.namespace) {
		ep.targetRef.namespace = m.namespace;
	}
	if (m?.name) {
		ep.targetRef.name = m.name;
	}
	if (m?.uid) {
		ep.targetRef.uid = m.uid;
	}
	if (pod.spec?.nodeName) {
		ep.nodeName = pod.spec.nodeName;
	}
	const zone = node?.metadata?.labels?.['topology.kubernetes.io/zone'];
	if (zone) {
		ep.zone = zone;
	}
	return ep;
}

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const podArb: fc.Arbitrary<Pod> = fc
	.record({
		namespace: optional(fc.constantFrom('', 'test', 'other')),
		name: optional(fc.constantFrom('', 'pod1')),
		uid: optional(fc.constantFrom('', 'uid1')),
		deleting: fc.boolean(),
		nodeName: optional(fc.constantFrom('', 'node-1', 'node-2')),
		hostname: optional(fc.constantFrom('', 'h')),
		subdomain: optional(fc.constantFrom('foo', 'bar')),
		ips: fc.array(fc.constantFrom('10.0.0.1', '010.0.0.1', 'fd00::1', '::ffff:1.2.3.4', 'junk'), { maxLength: 3 }),
		ready: optional(fc.constantFrom('True', 'False')),
	})
	.map((p) => ({
		metadata: {
			...(p.namespace !== undefined ? { namespace: p.namespace } : {}),
			...(p.name !== undefined ? { name: p.name } : {}),
			...(p.uid !== undefined ? { uid: p.uid } : {}),
			...(p.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
		},
		spec: {
			containers: [],
			...(p.nodeName !== undefined ? { nodeName: p.nodeName } : {}),
			...(p.hostname !== undefined ? { hostname: p.hostname } : {}),
			...(p.subdomain !== undefined ? { subdomain: p.subdomain } : {}),
		},
		status: { podIPs: p.ips.map((ip) => ({ ip })), conditions: p.ready ? [{ type: 'Ready', status: p.ready }] : [] },
	}));

describe('podToEndpoint equals its field-by-field construction', () => {
	it('the same fields in the same order, for every pod shape', () => {
		const nodes: (Node | undefined)[] = [
			undefined,
			{ metadata: { name: 'node-1', labels: { 'topology.kubernetes.io/zone': 'zone-a' } } },
			{ metadata: { name: 'node-2', labels: { 'topology.kubernetes.io/zone': '' } } },
			{ metadata: { name: 'node-3' } },
		];
		fc.assert(
			fc.property(
				podArb,
				fc.constantFrom(...nodes),
				fc.boolean(),
				fc.constantFrom<AddressType>('IPv4', 'IPv6'),
				(pod, node, publishNotReady, addressType) => {
					const service: Service = {
						metadata: { name: 'foo', namespace: 'test' },
						spec: { publishNotReadyAddresses: publishNotReady },
					};
					const got = podToEndpoint(pod, node, service, addressType);
					const want = podToEndpointReference(pod, node, service, addressType);
					assert.deepEqual(got, want);
					assert.equal(JSON.stringify(got), JSON.stringify(want));
				},
			),
			{ numRuns: 3000 },
		);
	});
});

describe('computeTriggerTime formats each pod time as formatRFC3339Nano does', () => {
	it('for runs of equal, different and malformed timestamps', () => {
		const times = ['2026-01-01T00:00:05Z', '2026-01-01T01:00:05+01:00', '2026-01-01T00:00:05.120Z', 'garbage'];
		fc.assert(
			fc.property(fc.array(fc.constantFrom(...times), { maxLength: 30 }), (stamps) => {
				const pods: Pod[] = stamps.map((t, i) => ({
					metadata: { name: `pod-${i}` },
					status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: t }] },
				}));
				const { state } = computeTriggerTime({ metadata: { name: 'svc' } }, pods);
				const want: Record<string, string> = {};
				stamps.forEach((t, i) => {
					const text = formatRFC3339Nano(t);
					if (text !== undefined) {
						want[`pod-${i}`] = text;
					}
				});
				assert.deepEqual(state.lastPodTriggerTimes, want);
			}),
			{ numRuns: 1000 },
		);
	});
});
