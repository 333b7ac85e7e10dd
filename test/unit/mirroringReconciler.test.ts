import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reconcileMirroring } from '../../src/core/controllers/mirroring/reconciler';
import type { MirroringResult } from '../../src/core/controllers/mirroring/reconciler';
import type {
	Endpoint,
	EndpointAddress,
	EndpointPort,
	Endpoints,
	EndpointSlice,
	EndpointsPort,
	EndpointSubset,
	ObjectMeta,
} from '../../src/core/k8s/types';

// Fixtures: an Endpoints object "web" in namespace "shop", written by hand (no selector on its Service).

const namespace = 'shop';
const epName = 'web';
const epUID = '7d0e0f64-0b3f-4a43-9c1e-5a0f0d7b2c11';
const managedBy = 'endpointslice.kubernetes.io/managed-by';
const serviceName = 'kubernetes.io/service-name';
const mirrorController = 'endpointslicemirroring-controller.k8s.io';
const lastApplied = 'kubectl.kubernetes.io/last-applied-configuration';
const triggerTime = 'endpoints.kubernetes.io/last-change-trigger-time';

function endpointsWith(subsets: EndpointSubset[], meta: Partial<ObjectMeta> = {}): Endpoints {
	return {
		apiVersion: 'v1',
		kind: 'Endpoints',
		metadata: { name: epName, namespace, uid: epUID, ...meta },
		subsets,
	};
}

function port(name: string, number: number, protocol = 'TCP'): EndpointsPort {
	return { name, port: number, protocol };
}

function addr(ip: string, hostname?: string, nodeName?: string): EndpointAddress {
	const out: EndpointAddress = { ip };
	if (hostname !== undefined) {
		out.hostname = hostname;
	}
	if (nodeName !== undefined) {
		out.nodeName = nodeName;
	}
	return out;
}

function slicePort(name: string, number: number, protocol = 'TCP'): EndpointPort {
	return { name, protocol, port: number };
}

/** An existing slice as the mirroring controller would list it (labelled for web, managed by mirroring). */
function mirroredSlice(
	name: string,
	ports: EndpointPort[],
	endpoints: Endpoint[],
	meta: Partial<ObjectMeta> = {},
	addressType = 'IPv4',
): EndpointSlice {
	return {
		apiVersion: 'discovery.k8s.io/v1',
		kind: 'EndpointSlice',
		metadata: {
			name,
			namespace,
			labels: { [serviceName]: epName, [managedBy]: mirrorController },
			...meta,
		},
		addressType,
		endpoints,
		ports,
	};
}

function readyEndpoint(ip: string, hostname?: string, nodeName?: string): Endpoint {
	const out: Endpoint = { addresses: [ip], conditions: { ready: true } };
	if (hostname !== undefined) {
		out.hostname = hostname;
	}
	if (nodeName !== undefined) {
		out.nodeName = nodeName;
	}
	return out;
}

function verbs(result: MirroringResult): string[] {
	return result.actions.map((a) => `${a.verb}:${a.object.addressType}:${a.object.endpoints?.length ?? 0}`);
}

function ipsOf(slice: EndpointSlice): string[] {
	return (slice.endpoints ?? []).map((e) => e.addresses[0]!).sort();
}

function portsOf(slice: EndpointSlice): string[] {
	return (slice.ports ?? []).map((p) => `${p.name}/${p.port}/${p.protocol}`).sort();
}

const httpSubsetPorts = [port('http', 80), port('https', 443, 'UDP')];
const altSubsetPorts = [port('http', 3000), port('https', 3001, 'UDP')];

const twoSubsets: EndpointSubset[] = [
	{
		ports: httpSubsetPorts,
		addresses: [addr('10.0.0.1', 'pod-1', 'node-1'), addr('10.0.0.2', 'pod-2', 'node-2')],
	},
	{
		ports: altSubsetPorts,
		addresses: [
			addr('10.0.1.1', 'pod-11', 'node-1'),
			addr('10.0.1.2', 'pod-12', 'node-2'),
			addr('10.0.1.3', 'pod-13', 'node-3'),
		],
	},
];

describe('mirroring reconciler (endpointslicemirroring/reconciler.go reconcile)', () => {
	it('TestReconcile/Endpoints with no subsets: no writes and no slices', () => {
		const r = reconcileMirroring({ endpoints: endpointsWith([]) });
		assert.deepEqual(r.actions, []);
		assert.deepEqual(r.slices, []);
		assert.deepEqual(r.events, []);
		assert.equal(r.error, null);
	});

	it('TestReconcile/Endpoints with no addresses: ports alone produce no slice (no placeholder)', () => {
		const r = reconcileMirroring({ endpoints: endpointsWith([{ ports: [port('http', 80)] }]) });
		assert.deepEqual(r.actions, []);
		assert.deepEqual(r.slices, []);
	});

	it('TestReconcile/Endpoints with 1 subset, port, and address: one create with the mirrored shape', () => {
		const r = reconcileMirroring({
			endpoints: endpointsWith([{ ports: [port('http', 80)], addresses: [addr('10.0.0.1', 'pod-1', 'node-1')] }]),
		});
		assert.equal(r.actions.length, 1);
		const { verb, object } = r.actions[0]!;
		assert.equal(verb, 'create');
		// The request carries generateName only; the stored slice has the generated name.
		assert.equal(object.metadata?.name, undefined);
		const name = r.slices[0]!.metadata?.name ?? '';
		assert.match(name, /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
		assert.deepEqual(r.slices[0]!.metadata, { ...object.metadata, name });
		assert.deepEqual(object, {
			apiVersion: 'discovery.k8s.io/v1',
			kind: 'EndpointSlice',
			metadata: {
				generateName: 'web-',
				namespace,
				labels: { [managedBy]: mirrorController, [serviceName]: epName },
				ownerReferences: [
					{
						apiVersion: 'v1',
						kind: 'Endpoints',
						name: epName,
						uid: epUID,
						controller: true,
						blockOwnerDeletion: true,
					},
				],
			},
			addressType: 'IPv4',
			endpoints: [
				{ addresses: ['10.0.0.1'], conditions: { ready: true }, hostname: 'pod-1', nodeName: 'node-1' },
			],
			ports: [{ name: 'http', protocol: 'TCP', port: 80 }],
		});
		assert.deepEqual(r.slices, [{ ...object, metadata: { ...object.metadata, name } }]);
	});

	it('TestReconcile/Endpoints with 2 subset, different port and address: one slice per port', () => {
		const r = reconcileMirroring({
			endpoints: endpointsWith([
				{ ports: [port('http', 80)], addresses: [addr('10.0.0.1', 'pod-1', 'node-1')] },
				{ ports: [port('https', 443)], addresses: [addr('10.0.0.2', 'pod-2', 'node-1')] },
			]),
		});
		assert.deepEqual(verbs(r), ['create:IPv4:1', 'create:IPv4:1']);
		const byPort = new Map(r.slices.map((s) => [portsOf(s).join(','), ipsOf(s)]));
		assert.deepEqual(byPort.get('http/80/TCP'), ['10.0.0.1']);
		assert.deepEqual(byPort.get('https/443/TCP'), ['10.0.0.2']);
		const names = r.slices.map((s) => s.metadata?.name);
		assert.notEqual(names[0], names[1]);
	});

	it('TestReconcile/Endpoints with 2 subset, different port and same address: repacked into one slice with both ports', () => {
		const r = reconcileMirroring({
			endpoints: endpointsWith([
				{ ports: [port('http', 80)], addresses: [addr('10.0.0.1', 'pod-1', 'node-1')] },
				{ ports: [port('https', 443)], addresses: [addr('10.0.0.1', 'pod-1', 'node-1')] },
			]),
		});
		assert.deepEqual(verbs(r), ['create:IPv4:1']);
		assert.deepEqual(portsOf(r.slices[0]!), ['http/80/TCP', 'https/443/TCP']);
	});

	it('TestReconcile/Endpoints with 2 subset, different address and same port: one slice with both endpoints', () => {
		const r = reconcileMirroring({
			endpoints: endpointsWith([
				{ ports: [port('http', 80)], addresses: [addr('10.0.0.1', 'pod-1', 'node-1')] },
				{ ports: [port('http', 80)], addresses: [addr('10.0.0.2', 'pod-2', 'node-1')] },
			]),
		});
		assert.deepEqual(verbs(r), ['create:IPv4:2']);
		assert.deepEqual(ipsOf(r.slices[0]!), ['10.0.0.1', '10.0.0.2']);
	});

	it('TestReconcile/Endpoints with 1 subset, port, and address, pending deletion: nothing is created', () => {
		const r = reconcileMirroring({
			endpoints: endpointsWith([{ ports: [port('http', 80)], addresses: [addr('10.0.0.1', 'pod-1', 'node-1')] }], {
				deletionTimestamp: '2026-01-01T00:00:00Z',
			}),
		});
		assert.deepEqual(r.actions, []);
		assert.deepEqual(r.slices, []);
	});

	it('TestReconcile/Endpoints with 1 subset, port, and address and existing slice with same fields: no writes', () => {
		const existing = mirroredSlice('web-abcde', [slicePort('http', 80)], [readyEndpoint('10.0.0.1', 'pod-1')], {
			ownerReferences: [{ apiVersion: 'v1', kind: 'Endpoints', name: epName, uid: epUID }],
		});
		const r = reconcileMirroring({
			endpoints: endpointsWith([{ ports: [port('http', 80)], addresses: [addr('10.0.0.1', 'pod-1')] }]),
			existingSlices: [existing],
		});
		assert.deepEqual(r.actions, []);
		assert.deepEqual(r.slices, [existing]);
	});

	it('TestReconcile/…existing slice with same fields but different OwnerReferences: rewritten with the current owner', () => {
		const existing = mirroredSlice('web-abcde', [slicePort('http', 80)], [readyEndpoint('10.0.0.1', 'pod-1')], {
			ownerReferences: [{ apiVersion: 'v1', kind: 'Endpoints', name: epName, uid: 'an-earlier-endpoints-uid' }],
		});
		const r = reconcileMirroring({
			endpoints: endpointsWith([{ ports: [port('http', 80)], addresses: [addr('10.0.0.1', 'pod-1')] }]),
			existingSlices: [existing],
		});
		assert.deepEqual(verbs(r), ['update:IPv4:1']);
		const updated = r.actions[0]!.object;
		assert.equal(updated.metadata?.name, 'web-abcde');
		assert.equal(updated.metadata?.ownerReferences?.[0]?.uid, epUID);
	});

	it('TestReconcile/…existing slice with an additional annotation: the update drops it', () => {
		const existing = mirroredSlice('web-abcde', [slicePort('http', 80)], [readyEndpoint('10.0.0.1', 'pod-1')], {
			annotations: { foo: 'bar' },
		});
		const r = reconcileMirroring({
			endpoints: endpointsWith([{ ports: [port('http', 80)], addresses: [addr('10.0.0.1', 'pod-1')] }]),
			existingSlices: [existing],
		});
		assert.deepEqual(verbs(r), ['update:IPv4:1']);
		assert.equal(r.actions[0]!.object.metadata?.annotations, undefined);
		assert.equal(r.slices.length, 1);
		assert.equal(r.slices[0]!.metadata?.annotations, undefined);
	});

	it('TestReconcile/…with 1 subset, port, label and address and existing slice with same fields but the label: label added', () => {
		const existing = mirroredSlice('web-abcde', [slicePort('http', 80)], [readyEndpoint('10.0.0.1', 'pod-1')]);
		const r = reconcileMirroring({
			endpoints: endpointsWith([{ ports: [port('http', 80)], addresses: [addr('10.0.0.1', 'pod-1')] }], {
				labels: { foo: 'bar' },
			}),
			existingSlices: [existing],
		});
		assert.deepEqual(verbs(r), ['update:IPv4:1']);
		assert.deepEqual(r.actions[0]!.object.metadata?.labels, {
			[managedBy]: mirrorController,
			foo: 'bar',
			[serviceName]: epName,
		});
	});

	it('TestReconcile/Endpoints with 1 subset, 2 ports, and 2 addresses: one slice carrying both ports', () => {
		const r = reconcileMirroring({
			endpoints: endpointsWith([
				{ ports: httpSubsetPorts, addresses: [addr('10.0.0.1', 'pod-1', 'node-1'), addr('10.0.0.2', 'pod-2', 'node-2')] },
			]),
		});
		assert.deepEqual(verbs(r), ['create:IPv4:2']);
		assert.deepEqual(portsOf(r.slices[0]!), ['http/80/TCP', 'https/443/UDP']);
	});

	it('TestReconcile/Endpoints with 1 subset, 2 ports, and 2 not ready addresses: ready=false, serving/terminating unset', () => {
		const r = reconcileMirroring({
			endpoints: endpointsWith([
				{
					ports: httpSubsetPorts,
					notReadyAddresses: [addr('10.0.0.1', 'pod-1', 'node-1'), addr('10.0.0.2', 'pod-2', 'node-2')],
				},
			]),
		});
		assert.deepEqual(verbs(r), ['create:IPv4:2']);
		for (const e of r.slices[0]!.endpoints ?? []) {
			assert.deepEqual(e.conditions, { ready: false });
		}
	});

	it('TestReconcile/Endpoints with 1 subset, 2 ports, and 2 ready and 2 not ready addresses: readiness follows the list', () => {
		const r = reconcileMirroring({
			endpoints: endpointsWith([
				{
					ports: httpSubsetPorts,
					addresses: [addr('10.1.1.1', 'pod-11', 'node-1'), addr('10.1.1.2', 'pod-12', 'node-2')],
					notReadyAddresses: [addr('10.0.0.1', 'pod-1', 'node-1'), addr('10.0.0.2', 'pod-2', 'node-2')],
				},
			]),
		});
		assert.deepEqual(verbs(r), ['create:IPv4:4']);
		const readiness = Object.fromEntries(
			(r.slices[0]!.endpoints ?? []).map((e) => [e.addresses[0], e.conditions?.ready]),
		);
		assert.deepEqual(readiness, { '10.1.1.1': true, '10.1.1.2': true, '10.0.0.1': false, '10.0.0.2': false });
	});

	it('TestReconcile/Endpoints with 2 subsets, multiple ports and addresses: two slices of 2 and 3', () => {
		const r = reconcileMirroring({ endpoints: endpointsWith(twoSubsets) });
		assert.deepEqual(verbs(r), ['create:IPv4:2', 'create:IPv4:3']);
		assert.deepEqual(portsOf(r.slices[1]!), ['http/3000/TCP', 'https/3001/UDP']);
	});

	it('TestReconcile/…existing empty EndpointSlice: it is filled in place and the other group is created', () => {
		const existing = mirroredSlice('web-1', [slicePort('http', 80), slicePort('https', 443, 'UDP')], []);
		const r = reconcileMirroring({ endpoints: endpointsWith(twoSubsets), existingSlices: [existing] });
		assert.deepEqual(verbs(r), ['create:IPv4:3', 'update:IPv4:2']);
		assert.equal(r.actions[1]!.object.metadata?.name, 'web-1');
		assert.deepEqual(ipsOf(r.actions[1]!.object), ['10.0.0.1', '10.0.0.2']);
		assert.equal(r.slices.length, 2);
	});

	it('TestReconcile/…existing EndpointSlice with some addresses: stale endpoint dropped, missing one added', () => {
		const existing = mirroredSlice(
			'web-1',
			[slicePort('http', 80), slicePort('https', 443, 'UDP')],
			[
				{ addresses: ['10.0.0.2'], hostname: 'pod-2' },
				{ addresses: ['10.0.0.1', '10.0.0.3'], hostname: 'pod-1' },
			],
		);
		const r = reconcileMirroring({ endpoints: endpointsWith(twoSubsets), existingSlices: [existing] });
		assert.deepEqual(verbs(r), ['create:IPv4:3', 'update:IPv4:2']);
		const updated = r.actions[1]!.object;
		assert.deepEqual(
			updated.endpoints?.map((e) => e.addresses),
			[['10.0.0.1'], ['10.0.0.2']],
		);
		assert.equal(updated.endpoints?.[1]?.conditions?.ready, true);
	});

	it('TestReconcile/…existing EndpointSlice identical to subset: only the other group is written', () => {
		const existing = mirroredSlice(
			'web-1',
			[slicePort('http', 80), slicePort('https', 443, 'UDP')],
			[readyEndpoint('10.0.0.1', 'pod-1', 'node-1'), readyEndpoint('10.0.0.2', 'pod-2', 'node-2')],
		);
		const r = reconcileMirroring({ endpoints: endpointsWith(twoSubsets), existingSlices: [existing] });
		assert.deepEqual(verbs(r), ['create:IPv4:3']);
		assert.deepEqual(r.slices[0], existing);
		assert.equal(r.slices.length, 2);
	});

	it('TestReconcile/Endpoints with 2 subsets, multiple ports, and dual stack addresses: one slice per family and port set', () => {
		const r = reconcileMirroring({
			endpoints: endpointsWith([
				{
					ports: httpSubsetPorts,
					addresses: [
						addr('2001:db8:2222:3333:4444:5555:6666:7777', 'pod-1', 'node-1'),
						addr('10.0.0.2', 'pod-2', 'node-2'),
					],
				},
				{
					ports: altSubsetPorts,
					addresses: [
						addr('10.0.1.1', 'pod-11', 'node-1'),
						addr('10.0.1.2', 'pod-12', 'node-2'),
						addr('2001:db8:3333:4444:5555:6666:7777:8888', 'pod-13', 'node-3'),
					],
				},
			]),
		});
		assert.deepEqual(verbs(r).sort(), ['create:IPv4:1', 'create:IPv4:2', 'create:IPv6:1', 'create:IPv6:1']);
		for (const s of r.slices) {
			const family = s.addressType === 'IPv6' ? ':' : '.';
			assert.ok(ipsOf(s).every((ip) => ip.includes(family)), `${s.addressType} slice holds ${ipsOf(s).join()}`);
		}
	});

	it('TestReconcile/Endpoints with 2 subsets, multiple ports, ipv6 only addresses: two IPv6 slices', () => {
		const r = reconcileMirroring({
			endpoints: endpointsWith([
				{
					ports: httpSubsetPorts,
					addresses: [addr('2001:db8:1111:3333:4444:5555:6666:7777'), addr('2001:db8:2222:3333:4444:5555:6666:7777')],
				},
				{
					ports: altSubsetPorts,
					addresses: [
						addr('2001:db8:3333:3333:4444:5555:6666:7777'),
						addr('2001:db8:4444:3333:4444:5555:6666:7777'),
						addr('2001:db8:5555:3333:4444:5555:6666:7777'),
					],
				},
			]),
		});
		assert.deepEqual(verbs(r), ['create:IPv6:2', 'create:IPv6:3']);
	});

	it('TestReconcile/Endpoints with 2 subsets, multiple ports, some invalid addresses: skipped with one InvalidIPAddress event', () => {
		const r = reconcileMirroring({
			endpoints: endpointsWith([
				{
					ports: httpSubsetPorts,
					addresses: [addr('2001:db8:1111:3333:4444:5555:6666:7777'), addr('this-is-not-an-ip')],
				},
				{
					ports: altSubsetPorts,
					addresses: [
						addr('this-is-also-not-an-ip'),
						addr('2001:db8:4444:3333:4444:5555:6666:7777'),
						addr('2001:db8:5555:3333:4444:5555:6666:7777'),
					],
				},
			]),
		});
		assert.deepEqual(verbs(r), ['create:IPv6:1', 'create:IPv6:2']);
		assert.deepEqual(r.events, [
			{
				type: 'Warning',
				reason: 'InvalidIPAddress',
				message: 'Skipped 2 invalid IP addresses when mirroring to EndpointSlices',
			},
		]);
	});

	it('TestReconcile/Endpoints with 2 subsets, multiple ports, all invalid addresses: no slice, five skipped', () => {
		const r = reconcileMirroring({
			endpoints: endpointsWith([
				{ ports: httpSubsetPorts, addresses: [addr('not-an-ip-1'), addr('not-an-ip-2')] },
				{ ports: altSubsetPorts, addresses: [addr('not-an-ip-11'), addr('not-an-ip-12'), addr('not-an-ip-3')] },
			]),
		});
		assert.deepEqual(r.actions, []);
		assert.deepEqual(
			r.events.map((e) => [e.reason, e.message]),
			[['InvalidIPAddress', 'Skipped 5 invalid IP addresses when mirroring to EndpointSlices']],
		);
	});

	it('TestReconcile/Endpoints with 2 subsets, 1 exceeding maxEndpointsPerSubset: capped, with TooManyAddressesToMirror', () => {
		const r = reconcileMirroring({ endpoints: endpointsWith(twoSubsets), maxEndpointsPerSubset: 2 });
		assert.deepEqual(verbs(r), ['create:IPv4:2', 'create:IPv4:2']);
		assert.deepEqual(r.events, [
			{
				type: 'Warning',
				reason: 'TooManyAddressesToMirror',
				message:
					'A max of 2 addresses can be mirrored to EndpointSlices per Endpoints subset. 1 addresses were skipped',
			},
		]);
	});

	it('TestReconcile/…exceeding maxEndpointsPerSubset: ready addresses are taken before not-ready ones', () => {
		const r = reconcileMirroring({
			endpoints: endpointsWith([
				{
					ports: [port('http', 80)],
					addresses: [addr('10.0.0.9')],
					notReadyAddresses: [addr('10.0.0.1'), addr('10.0.0.2')],
				},
			]),
			maxEndpointsPerSubset: 2,
		});
		assert.deepEqual(
			r.slices[0]!.endpoints?.map((e) => [e.addresses[0], e.conditions?.ready]),
			[
				['10.0.0.9', true],
				['10.0.0.1', false],
			],
		);
	});

	it('TestReconcile/The last-applied-configuration annotation should not get mirrored to created or updated endpoint slices', () => {
		const r = reconcileMirroring({
			endpoints: endpointsWith([{ ports: [port('http', 80)], addresses: [addr('10.0.0.1', 'pod-1')] }], {
				annotations: { [lastApplied]: '{"apiVersion":"v1","kind":"Endpoints","subsets":[]}' },
			}),
		});
		assert.equal(r.actions.length, 1);
		assert.equal(r.actions[0]!.object.metadata?.annotations, undefined);
	});

	it("TestReconcile/The last-applied-configuration shouldn't get mirrored to endpoint slices when it's value is empty", () => {
		const r = reconcileMirroring({
			endpoints: endpointsWith([{ ports: [port('http', 80)], addresses: [addr('10.0.0.1', 'pod-1')] }], {
				annotations: { [lastApplied]: '' },
			}),
		});
		assert.equal(r.actions[0]!.object.metadata?.annotations, undefined);
	});

	it('TestReconcile/Annotations other than last-applied-configuration should get correctly mirrored', () => {
		const r = reconcileMirroring({
			endpoints: endpointsWith([{ ports: [port('http', 80)], addresses: [addr('10.0.0.1', 'pod-1')] }], {
				annotations: { [lastApplied]: '{}', foo: 'bar', [triggerTime]: '2026-01-01T00:00:00Z' },
			}),
		});
		assert.deepEqual(r.actions[0]!.object.metadata?.annotations, { foo: 'bar' });
	});

	it('TestReconcile/Annotation mirroring should remove the last-applied-configuration annotation from existing endpoint slices', () => {
		const existing = mirroredSlice('web-1', [slicePort('http', 80)], [readyEndpoint('10.0.0.1', 'pod-1')], {
			annotations: { [lastApplied]: '{"apiVersion":"v1","kind":"Endpoints","subsets":[]}' },
		});
		const r = reconcileMirroring({
			endpoints: endpointsWith([{ ports: [port('http', 80)], addresses: [addr('10.0.0.1', 'pod-1')] }]),
			existingSlices: [existing],
		});
		assert.deepEqual(verbs(r), ['update:IPv4:1']);
		assert.equal(r.slices[0]!.metadata?.annotations, undefined);
	});
});

describe('mirroring reconciler: comparisons that decide whether to write (totalChanges, EndpointsEqualBeyondHash)', () => {
	const endpoints = endpointsWith([
		{
			ports: [port('http', 80)],
			addresses: [{ ip: '10.0.0.1', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace, name: 'p1', uid: 'u1' } }],
		},
	]);
	const inSync = (): Endpoint => ({
		addresses: ['10.0.0.1'],
		conditions: { ready: true },
		targetRef: { kind: 'Pod', namespace, name: 'p1', uid: 'u1' },
		nodeName: 'node-1',
	});

	it('TestReconcile/…same fields: a targetRef resourceVersion difference alone writes nothing', () => {
		const ep = inSync();
		ep.targetRef!.resourceVersion = '12345';
		const r = reconcileMirroring({ endpoints, existingSlices: [mirroredSlice('web-1', [slicePort('http', 80)], [ep])] });
		assert.deepEqual(r.actions, []);
	});

	it('TestReconcile/…EndpointsEqualBeyondHash: a new targetRef uid, or a serving condition Endpoints never set, is an update', () => {
		const newUID = inSync();
		newUID.targetRef!.uid = 'u2';
		const withServing = inSync();
		withServing.conditions = { ready: true, serving: true };
		for (const ep of [newUID, withServing]) {
			const r = reconcileMirroring({
				endpoints,
				existingSlices: [mirroredSlice('web-1', [slicePort('http', 80)], [ep])],
			});
			assert.deepEqual(verbs(r), ['update:IPv4:1']);
			assert.deepEqual(r.actions[0]!.object.endpoints, [inSync()]);
		}
	});

	it('endpointSlicesByKey: the order of existing ports does not matter, and API defaults (name "", TCP) apply', () => {
		const twoPorts = endpointsWith([{ ports: httpSubsetPorts, addresses: [addr('10.0.0.1')] }]);
		const reversed = mirroredSlice(
			'web-1',
			[{ port: 443, protocol: 'UDP', name: 'https' }, { port: 80, name: 'http' }],
			[readyEndpoint('10.0.0.1')],
		);
		assert.deepEqual(reconcileMirroring({ endpoints: twoPorts, existingSlices: [reversed] }).actions, []);
	});

	it('NewPortMapKey (kubernetes#133474): a portless subset matches an existing slice whose ports are absent', () => {
		const portless = endpointsWith([{ addresses: [addr('10.0.0.1')] }]);
		const created = reconcileMirroring({ endpoints: portless });
		assert.deepEqual(created.actions[0]!.object.ports, []);
		const stored = mirroredSlice('web-1', [], [readyEndpoint('10.0.0.1')]);
		delete stored.ports;
		assert.deepEqual(reconcileMirroring({ endpoints: portless, existingSlices: [stored] }).actions, []);
	});
});

describe('mirroring reconciler: extra, stale and foreign slices; finalize', () => {
	const endpoints = endpointsWith([{ ports: [port('http', 80)], addresses: [addr('10.0.0.1', 'pod-1')] }]);

	it('reconcileByPortMapping: a group keeps only its first slice; the others are deleted after the update', () => {
		const first = mirroredSlice('web-1', [slicePort('http', 80)], [readyEndpoint('10.0.0.7')]);
		const second = mirroredSlice('web-2', [slicePort('http', 80)], [readyEndpoint('10.0.0.1', 'pod-1')]);
		const r = reconcileMirroring({ endpoints, existingSlices: [first, second] });
		assert.deepEqual(
			r.actions.map((a) => `${a.verb}:${a.object.metadata?.name}`),
			['update:web-1', 'delete:web-2'],
		);
		assert.deepEqual(r.slices.map((s) => [s.metadata?.name, ipsOf(s)]), [['web-1', ['10.0.0.1']]]);
	});

	it('reconcile: a slice of a port group that is no longer desired is recycled into the new group (finalize)', () => {
		const oldPort = mirroredSlice('web-old', [slicePort('http', 8080)], [readyEndpoint('10.0.0.1', 'pod-1')], {
			uid: 'slice-uid',
			creationTimestamp: '2026-01-01T00:00:00Z',
		});
		const r = reconcileMirroring({ endpoints, existingSlices: [oldPort] });
		assert.deepEqual(
			r.actions.map((a) => `${a.verb}:${a.object.metadata?.name}`),
			['update:web-old'],
		);
		assert.deepEqual(portsOf(r.actions[0]!.object), ['http/80/TCP']);
		// The recycled create keeps its generateName; the API server keeps uid and creationTimestamp.
		assert.equal(r.actions[0]!.object.metadata?.generateName, 'web-');
		assert.equal(r.slices[0]!.metadata?.uid, 'slice-uid');
		assert.equal(r.slices[0]!.metadata?.creationTimestamp, '2026-01-01T00:00:00Z');
	});

	it('finalize: recycling happens even while the Endpoints is being deleted, but the surplus create is dropped', () => {
		const deleting = endpointsWith(twoSubsets, { deletionTimestamp: '2026-01-01T00:00:00Z' });
		const oldPort = mirroredSlice('web-old', [slicePort('http', 8080)], [readyEndpoint('10.9.9.9')]);
		const r = reconcileMirroring({ endpoints: deleting, existingSlices: [oldPort] });
		assert.deepEqual(
			r.actions.map((a) => `${a.verb}:${a.object.metadata?.name}`),
			['update:web-old'],
		);
		assert.deepEqual(r.slices.length, 1);
	});

	it('recycleSlices: with creates of both families and only an IPv6 delete, the IPv6 create is the one recycled', () => {
		const dual = endpointsWith([{ ports: [port('http', 80)], addresses: [addr('10.0.0.1'), addr('fd00::1')] }]);
		const oldV6 = mirroredSlice('web-v6', [slicePort('http', 8080)], [readyEndpoint('fd00::9')], {}, 'IPv6');
		const r = reconcileMirroring({ endpoints: dual, existingSlices: [oldV6] });
		assert.deepEqual(
			r.actions.map((a) => `${a.verb}:${a.object.addressType}:${a.object.metadata?.name === 'web-v6'}`),
			['create:IPv4:false', 'update:IPv6:true'],
		);
		assert.deepEqual(ipsOf(r.actions[1]!.object), ['fd00::1']);
	});

	it('endpointSlicesMirroredForService: slices of other controllers or Endpoints are untouched and still listed', () => {
		const foreign: EndpointSlice = {
			metadata: { name: 'web-abc12', namespace, labels: { [serviceName]: epName, [managedBy]: 'someone-else' } },
			addressType: 'IPv4',
			endpoints: [readyEndpoint('10.0.0.1')],
			ports: [slicePort('http', 80)],
		};
		const otherEndpoints = mirroredSlice('api-1', [slicePort('http', 80)], [readyEndpoint('10.0.0.5')], {
			labels: { [serviceName]: 'api', [managedBy]: mirrorController },
		});
		const r = reconcileMirroring({ endpoints, existingSlices: [foreign, otherEndpoints] });
		assert.deepEqual(verbs(r), ['create:IPv4:1']);
		assert.deepEqual(r.slices.slice(0, 2), [foreign, otherEndpoints]);
	});

	it('generateName: names are reproducible, use the API server alphabet and avoid names already taken', () => {
		const first = reconcileMirroring({ endpoints: endpointsWith(twoSubsets) });
		const again = reconcileMirroring({ endpoints: endpointsWith(twoSubsets) });
		const names = first.slices.map((s) => s.metadata?.name ?? '');
		assert.deepEqual(
			again.slices.map((s) => s.metadata?.name),
			names,
		);
		assert.equal(new Set(names).size, 2);
		// A foreign slice already holding the first name pushes the create to another one.
		const squatter: EndpointSlice = {
			metadata: { name: names[0], namespace, labels: { app: 'x' } },
			addressType: 'IPv4',
			endpoints: [],
		};
		const moved = reconcileMirroring({ endpoints: endpointsWith(twoSubsets), existingSlices: [squatter] });
		const createdNames = moved.slices.filter((s) => s.metadata?.labels?.app !== 'x').map((s) => s.metadata?.name ?? '');
		assert.equal(createdNames.length, 2);
		assert.ok(!createdNames.includes(names[0]!));
		assert.ok(createdNames.every((n) => /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/.test(n)));
	});

	it('addressToEndpoint (kubernetes#130101): IPs are written canonically, IPv4-mapped IPv6 is IPv4', () => {
		const r = reconcileMirroring({
			endpoints: endpointsWith([
				{
					ports: [port('http', 80)],
					addresses: [addr('010.000.000.001'), addr('2001:DB8:0:0:0:0:0:1'), addr('::ffff:10.0.0.2')],
				},
			]),
		});
		const byType = Object.fromEntries(r.slices.map((s) => [s.addressType, ipsOf(s)]));
		assert.deepEqual(byType, { IPv4: ['10.0.0.1', '10.0.0.2'], IPv6: ['2001:db8::1'] });
	});

	it('validation: an out-of-range maxEndpointsPerSubset is an error value, not a throw', () => {
		const existing = mirroredSlice('web-1', [slicePort('http', 80)], [readyEndpoint('10.0.0.9')]);
		const r = reconcileMirroring({ endpoints, existingSlices: [existing], maxEndpointsPerSubset: 0 });
		assert.match(r.error ?? '', /maxEndpointsPerSubset/);
		assert.deepEqual(r.actions, []);
		assert.deepEqual(r.slices, [existing]);
	});

	it('reconcile: the input objects are not modified', () => {
		const input = endpointsWith(twoSubsets, { labels: { foo: 'bar' } });
		const existing = mirroredSlice('web-1', [slicePort('http', 80), slicePort('https', 443, 'UDP')], []);
		const before = JSON.stringify([input, existing]);
		reconcileMirroring({ endpoints: input, existingSlices: [existing] });
		assert.equal(JSON.stringify([input, existing]), before);
	});
});
