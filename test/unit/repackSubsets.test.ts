import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { repackSubsets } from '../../src/core/k8s/repackSubsets';
import type { EndpointAddress, EndpointSubset, EndpointsPort } from '../../src/core/k8s/types';

// Builders: an address with an optional targetRef uid (`null` = a targetRef without uid), and a numbered port.
function addr(ip: string, uid?: string | null, extra: Partial<EndpointAddress> = {}): EndpointAddress {
	const out: EndpointAddress = { ip, ...extra };
	if (uid !== undefined) {
		out.targetRef = uid === null ? { kind: 'Pod' } : { kind: 'Pod', uid };
	}
	return out;
}

function port(n: number, name?: string): EndpointsPort {
	return name === undefined ? { port: n } : { name, port: n };
}

describe('repackSubsets (pkg/api/v1/endpoints RepackSubsets + SortSubsets)', () => {
	it('TestPackSubsets "empty everything": an empty subset disappears', () => {
		assert.deepEqual(repackSubsets([{ addresses: [], ports: [] }]), []);
		assert.deepEqual(repackSubsets([]), []);
	});

	it('TestPackSubsets "empty addresses": ports without addresses produce nothing', () => {
		assert.deepEqual(repackSubsets([{ addresses: [], ports: [port(111)] }]), []);
	});

	it('TestPackSubsets "empty ports" (sentinel): addresses of a port-less subset are kept, ready or not', () => {
		assert.deepEqual(repackSubsets([{ addresses: [addr('1.2.3.4')], ports: [] }]), [
			{ addresses: [addr('1.2.3.4')] },
		]);
		assert.deepEqual(repackSubsets([{ notReadyAddresses: [addr('1.2.3.4')] }]), [
			{ notReadyAddresses: [addr('1.2.3.4')] },
		]);
	});

	it('TestPackSubsets "one set, one ip, one port" (and IPv6, UID, empty UID variants) round-trip unchanged', () => {
		for (const a of [addr('1.2.3.4'), addr('beef::1:2:3:4'), addr('1.2.3.4', 'uid-1'), addr('1.2.3.4', '')]) {
			assert.deepEqual(repackSubsets([{ addresses: [a], ports: [port(111)] }]), [
				{ addresses: [a], ports: [port(111)] },
			]);
			assert.deepEqual(repackSubsets([{ notReadyAddresses: [a], ports: [port(111)] }]), [
				{ notReadyAddresses: [a], ports: [port(111)] },
			]);
		}
	});

	it('TestPackSubsets "one set, two mixed ips, one port": ready and not-ready share one subset', () => {
		const given: EndpointSubset[] = [
			{ addresses: [addr('1.2.3.4')], notReadyAddresses: [addr('5.6.7.8')], ports: [port(111)] },
		];
		assert.deepEqual(repackSubsets(given), given);
	});

	it('TestPackSubsets "notReady is covered by ready": the same address both ways ends up not ready', () => {
		assert.deepEqual(
			repackSubsets([{ addresses: [addr('1.2.3.4')], notReadyAddresses: [addr('1.2.3.4')], ports: [port(111)] }]),
			[{ notReadyAddresses: [addr('1.2.3.4')], ports: [port(111)] }],
		);
		assert.deepEqual(
			repackSubsets([
				{ addresses: [addr('1.2.3.4')], ports: [port(111)] },
				{ notReadyAddresses: [addr('1.2.3.4')], ports: [port(111)] },
			]),
			[{ notReadyAddresses: [addr('1.2.3.4')], ports: [port(111)] }],
		);
	});

	it('TestPackSubsets "dup ips" and "dup ports": duplicates collapse', () => {
		assert.deepEqual(repackSubsets([{ addresses: [addr('beef::1'), addr('beef::1')], ports: [port(111)] }]), [
			{ addresses: [addr('beef::1')], ports: [port(111)] },
		]);
		assert.deepEqual(repackSubsets([{ addresses: [addr('1.2.3.4')], ports: [port(111), port(111)] }]), [
			{ addresses: [addr('1.2.3.4')], ports: [port(111)] },
		]);
		assert.deepEqual(
			repackSubsets([
				{ addresses: [addr('1.2.3.4')], ports: [port(111)] },
				{ addresses: [addr('1.2.3.4')], ports: [port(111)] },
			]),
			[{ addresses: [addr('1.2.3.4')], ports: [port(111)] }],
		);
	});

	it('TestPackSubsets "dup ips with target-refs": same IP and same (empty) UID is one address; the first one wins', () => {
		const foo = addr('1.2.3.4', undefined, { targetRef: { name: 'foo' } });
		const bar = addr('1.2.3.4', undefined, { targetRef: { name: 'bar' } });
		assert.deepEqual(repackSubsets([{ addresses: [foo, bar], ports: [port(111)] }]), [
			{ addresses: [foo], ports: [port(111)] },
		]);
		// Mixed: the first (ready) copy is kept, but its readiness becomes not-ready.
		assert.deepEqual(repackSubsets([{ addresses: [foo], notReadyAddresses: [bar], ports: [port(111)] }]), [
			{ notReadyAddresses: [foo], ports: [port(111)] },
		]);
	});

	it('TestPackSubsets "two sets, dup ip, two ports": one address offering two ports gets one subset with both', () => {
		assert.deepEqual(
			repackSubsets([
				{ addresses: [addr('1.2.3.4', 'uid-1')], ports: [port(222)] },
				{ addresses: [addr('1.2.3.4', 'uid-1')], ports: [port(111)] },
			]),
			[{ addresses: [addr('1.2.3.4', 'uid-1')], ports: [port(111), port(222)] }],
		);
	});

	it('TestPackSubsets "dup mixed ip, dup uids, two ports": ready on one port and not ready on another splits', () => {
		assert.deepEqual(
			repackSubsets([
				{ notReadyAddresses: [addr('1.2.3.4', 'uid-1')], ports: [port(222)] },
				{ addresses: [addr('1.2.3.4', 'uid-1')], ports: [port(111)] },
			]),
			[
				// Same first address: ordered by ports, so port 111 first.
				{ addresses: [addr('1.2.3.4', 'uid-1')], ports: [port(111)] },
				{ notReadyAddresses: [addr('1.2.3.4', 'uid-1')], ports: [port(222)] },
			],
		);
	});

	it('TestPackSubsets "two sets, two ips, dup port": addresses sharing a port merge, sorted by IP', () => {
		assert.deepEqual(
			repackSubsets([
				{ addresses: [addr('5.6.7.8')], ports: [port(111)] },
				{ addresses: [addr('1.2.3.4')], ports: [port(111)] },
			]),
			[{ addresses: [addr('1.2.3.4'), addr('5.6.7.8')], ports: [port(111)] }],
		);
	});

	it('TestPackSubsets "dup ip, two uids" / "with and without uid": distinct UIDs are distinct addresses, no ref first', () => {
		assert.deepEqual(
			repackSubsets([
				{ addresses: [addr('1.2.3.4', 'uid-2')], ports: [port(111)] },
				{ addresses: [addr('1.2.3.4', 'uid-1')], ports: [port(111)] },
				{ addresses: [addr('1.2.3.4')], ports: [port(111)] },
			]),
			[{ addresses: [addr('1.2.3.4'), addr('1.2.3.4', 'uid-1'), addr('1.2.3.4', 'uid-2')], ports: [port(111)] }],
		);
	});

	it('TestPackSubsets "wrong order, ends up with split addresses": readiness is tracked per (address, port)', () => {
		assert.deepEqual(
			repackSubsets([
				{ addresses: [addr('5.6.7.8')], ports: [port(111)] },
				{ notReadyAddresses: [addr('5.6.7.8', 'uid-1')], ports: [port(111)] },
				{ notReadyAddresses: [addr('1.2.3.4', 'uid-1')], ports: [port(111)] },
				{ notReadyAddresses: [addr('1.2.3.4')], ports: [port(111)] },
			]),
			[
				{
					addresses: [addr('5.6.7.8')],
					notReadyAddresses: [addr('1.2.3.4'), addr('1.2.3.4', 'uid-1'), addr('5.6.7.8', 'uid-1')],
					ports: [port(111)],
				},
			],
		);
	});

	it('TestPackSubsets "four sets, three ips, three ports, jumbled": our order puts subsets by first IP', () => {
		assert.deepEqual(
			repackSubsets([
				{ addresses: [addr('1.2.3.4')], ports: [port(111)] },
				{ addresses: [addr('1.2.3.5')], ports: [port(222)] },
				{ addresses: [addr('1.2.3.6')], ports: [port(111)] },
				{ addresses: [addr('1.2.3.5')], ports: [port(333)] },
			]),
			[
				{ addresses: [addr('1.2.3.4'), addr('1.2.3.6')], ports: [port(111)] },
				{ addresses: [addr('1.2.3.5')], ports: [port(222), port(333)] },
			],
		);
		assert.deepEqual(
			repackSubsets([
				{ addresses: [addr('1.2.3.6')], ports: [port(111)] },
				{ notReadyAddresses: [addr('1.2.3.5')], ports: [port(333)] },
				{ addresses: [addr('1.2.3.4')], ports: [port(111)] },
				{ notReadyAddresses: [addr('1.2.3.5')], ports: [port(222)] },
			]),
			[
				{ addresses: [addr('1.2.3.4'), addr('1.2.3.6')], ports: [port(111)] },
				{ notReadyAddresses: [addr('1.2.3.5')], ports: [port(222), port(333)] },
			],
		);
	});

	it('SortSubsets (our documented order): ports by name, then number, then protocol', () => {
		const ports: EndpointsPort[] = [
			{ name: 'b', port: 1, protocol: 'TCP' },
			{ name: 'a', port: 9, protocol: 'UDP' },
			{ name: 'a', port: 9, protocol: 'TCP' },
			{ name: 'a', port: 2, protocol: 'TCP' },
		];
		assert.deepEqual(repackSubsets([{ addresses: [addr('10.0.0.1')], ports }])[0]!.ports, [
			{ name: 'a', port: 2, protocol: 'TCP' },
			{ name: 'a', port: 9, protocol: 'TCP' },
			{ name: 'a', port: 9, protocol: 'UDP' },
			{ name: 'b', port: 1, protocol: 'TCP' },
		]);
	});

	it('LessEndpointAddress: IPs compare as bytes ("10.0.0.10" < "10.0.0.9"), not numerically', () => {
		assert.deepEqual(
			repackSubsets([
				{ addresses: [addr('10.0.0.9'), addr('10.0.0.10'), addr('10.0.0.1')], ports: [port(80)] },
			])[0]!.addresses,
			[addr('10.0.0.1'), addr('10.0.0.10'), addr('10.0.0.9')],
		);
	});

	it("RepackSubsets sentinel: a port-less set equal to a real port's set joins that subset instead of its own", () => {
		assert.deepEqual(
			repackSubsets([{ addresses: [addr('1.2.3.4')] }, { addresses: [addr('1.2.3.4')], ports: [port(80)] }]),
			[{ addresses: [addr('1.2.3.4')], ports: [port(80)] }],
		);
		// Different sets stay apart: the port-less one becomes a subset without a ports key.
		assert.deepEqual(
			repackSubsets([{ addresses: [addr('1.2.3.5')] }, { addresses: [addr('1.2.3.4')], ports: [port(80)] }]),
			[{ addresses: [addr('1.2.3.4')], ports: [port(80)] }, { addresses: [addr('1.2.3.5')] }],
		);
	});

	it('RepackSubsets "avoid sentinels": a port number that is not positive (unset targetPort) is dropped like the sentinel', () => {
		assert.deepEqual(repackSubsets([{ addresses: [addr('1.2.3.4')], ports: [{ port: 0, protocol: 'TCP' }] }]), [
			{ addresses: [addr('1.2.3.4')] },
		]);
	});

	it('RepackSubsets copies: the input is not mutated and outputs do not alias it', () => {
		const given: EndpointSubset[] = [
			{ addresses: [addr('2.2.2.2', 'b'), addr('1.1.1.1', 'a')], ports: [port(2), port(1)] },
		];
		const before = JSON.parse(JSON.stringify(given)) as EndpointSubset[];
		const out = repackSubsets(given);
		assert.deepEqual(given, before);
		out[0]!.addresses![0]!.targetRef!.uid = 'changed';
		assert.equal(given[0]!.addresses![1]!.targetRef!.uid, 'a');
	});

	it('RepackSubsets keeps appProtocol and distinguishes ports that differ only by it', () => {
		const out = repackSubsets([
			{ addresses: [addr('1.2.3.4')], ports: [{ name: 'web', port: 80, protocol: 'TCP', appProtocol: 'http' }] },
			{ addresses: [addr('1.2.3.4')], ports: [{ name: 'web', port: 80, protocol: 'TCP' }] },
		]);
		assert.deepEqual(out, [
			{
				addresses: [addr('1.2.3.4')],
				ports: [
					{ name: 'web', port: 80, protocol: 'TCP' },
					{ name: 'web', port: 80, protocol: 'TCP', appProtocol: 'http' },
				],
			},
		]);
	});
});
