import { generateName } from '../../src/core/k8s/names';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
	fnv1a128Hex,
	newAddrTypePortMapKey,
	sortPortsByHash,
	spewEndpointPort,
} from '../../src/core/controllers/endpointslice/portMapKey';
import { recycleSlices } from '../../src/core/controllers/mirroring/reconcilerHelpers';
import {
	addressToEndpoint,
	epPortsToEpsPorts,
	getEndpointSlicePrefix,
	newEndpointSlice,
} from '../../src/core/controllers/mirroring/utils';
import type { Endpoints, EndpointSlice } from '../../src/core/k8s/types';

const base: Endpoints = { metadata: { name: 'db', namespace: 'data', uid: 'uid-db' }, subsets: [] };
const ports = [{ name: 'pg', protocol: 'TCP', port: 5432 }];

describe('mirroring utils (endpointslicemirroring/utils.go)', () => {
	it('TestNewEndpointSlice/create slice from endpoints: generateName, owner, labels, no annotations, endpoints []', () => {
		const slice = newEndpointSlice(base, ports, 'IPv4', '');
		assert.deepEqual(slice, {
			apiVersion: 'discovery.k8s.io/v1',
			kind: 'EndpointSlice',
			metadata: {
				generateName: 'db-',
				namespace: 'data',
				labels: {
					'endpointslice.kubernetes.io/managed-by': 'endpointslicemirroring-controller.k8s.io',
					'kubernetes.io/service-name': 'db',
				},
				ownerReferences: [
					{ apiVersion: 'v1', kind: 'Endpoints', name: 'db', uid: 'uid-db', controller: true, blockOwnerDeletion: true },
				],
			},
			addressType: 'IPv4',
			endpoints: [],
			ports: [{ name: 'pg', protocol: 'TCP', port: 5432 }],
		});
	});

	it('TestNewEndpointSlice/…with labels and annotations triggertime: trigger time dropped, reserved labels forced', () => {
		const endpoints: Endpoints = {
			...base,
			metadata: {
				...base.metadata,
				labels: { foo: 'bar', 'kubernetes.io/service-name': 'spoofed', 'endpointslice.kubernetes.io/managed-by': 'me' },
				annotations: { foo2: 'bar2', 'endpoints.kubernetes.io/last-change-trigger-time': 'date' },
			},
		};
		const snapshot = JSON.stringify(endpoints);
		const slice = newEndpointSlice(endpoints, ports, 'IPv6', 'db-x7k2p');
		assert.deepEqual(slice.metadata?.labels, {
			'endpointslice.kubernetes.io/managed-by': 'endpointslicemirroring-controller.k8s.io',
			foo: 'bar',
			'kubernetes.io/service-name': 'db',
		});
		assert.deepEqual(slice.metadata?.annotations, { foo2: 'bar2' });
		assert.equal(slice.metadata?.name, 'db-x7k2p');
		assert.equal(slice.metadata?.generateName, undefined);
		assert.equal(JSON.stringify(endpoints), snapshot, 'the Endpoints object is not modified');
	});

	it('newEndpointSlice: label keys come out sorted, the order Go writes map keys in', () => {
		const endpoints: Endpoints = { ...base, metadata: { ...base.metadata, labels: { zeta: '1', alpha: '2' } } };
		const keys = Object.keys(newEndpointSlice(endpoints, ports, 'IPv4', '').metadata?.labels ?? {});
		assert.deepEqual(keys, [...keys].sort());
		assert.equal(keys.length, 4);
	});

	it('getEndpointSlicePrefix: the dash is dropped only when "<name>-" is not a valid generateName prefix', () => {
		assert.equal(getEndpointSlicePrefix('web'), 'web-');
		assert.equal(getEndpointSlicePrefix('a'.repeat(253)), 'a'.repeat(253));
		assert.equal(getEndpointSlicePrefix('Web'), 'Web');
	});

	it('TestAddressToEndpoint: hostname, nodeName and targetRef are copied; only ready is set; no zone', () => {
		const got = addressToEndpoint(
			{
				ip: '10.1.2.3',
				hostname: 'foo',
				nodeName: 'node-abc',
				targetRef: { apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'foo' },
			},
			true,
		);
		assert.deepEqual(got, {
			addressType: 'IPv4',
			endpoint: {
				addresses: ['10.1.2.3'],
				conditions: { ready: true },
				hostname: 'foo',
				targetRef: { kind: 'Pod', namespace: 'default', name: 'foo', apiVersion: 'v1' },
				nodeName: 'node-abc',
			},
		});
	});

	it('addressToEndpoint: an empty hostname is omitted, an empty nodeName is kept, an invalid IP gives nothing', () => {
		assert.deepEqual(addressToEndpoint({ ip: '2001:DB8::1', hostname: '', nodeName: '' }, false), {
			addressType: 'IPv6',
			endpoint: { addresses: ['2001:db8::1'], conditions: { ready: false }, nodeName: '' },
		});
		assert.equal(addressToEndpoint({ ip: '10.0.0.256' }, true), undefined);
	});

	it('epPortsToEpsPorts: name and port always written, protocol defaulted to TCP, appProtocol only when set', () => {
		const converted = epPortsToEpsPorts([
			{ port: 53, protocol: 'UDP' },
			{ name: 'h2', port: 8443, appProtocol: 'kubernetes.io/h2c' },
		]);
		assert.deepEqual(converted, [
			{ name: '', protocol: 'UDP', port: 53 },
			{ name: 'h2', protocol: 'TCP', port: 8443, appProtocol: 'kubernetes.io/h2c' },
		]);
	});

	it('generateName: prefix + 5 characters of the API server alphabet, reproducible, prefix cut to 58', () => {
		const a = generateName('web-', 'shop/web/IPv4/0');
		assert.equal(a, generateName('web-', 'shop/web/IPv4/0'));
		assert.match(a, /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
		assert.notEqual(generateName('web-', 'shop/web/IPv4/1'), a);
		const long = generateName(`${'x'.repeat(70)}-`, 'seed');
		assert.equal(long.length, 63);
	});
});

describe('port-map keys (k8s.io/endpointslice/util NewPortMapKey, portsInOrder)', () => {
	it('deepHashObjectToString: 128-bit FNV-1a matches Go hash/fnv New128a', () => {
		assert.equal(fnv1a128Hex(''), '6c62272e07bb014262b821756295c58d');
		assert.equal(fnv1a128Hex('a'), 'd228cb696f1a8caf78912b704e4a8964');
	});

	it('deepHashObject: the go-spew %#v text of an EndpointPort, nil pointers included', () => {
		assert.equal(
			spewEndpointPort({ name: 'http', protocol: 'TCP', port: 80 }, true),
			'(v1.EndpointPort){Name:(*string)http Protocol:(*v1.Protocol)TCP Port:(*int32)80 AppProtocol:(*string)<nil>}',
		);
	});

	it('NewPortMapKey: order-insensitive, value-sensitive, and per address type', () => {
		const a = { name: 'http', protocol: 'TCP', port: 80 };
		const b = { name: 'https', protocol: 'TCP', port: 443 };
		assert.equal(newAddrTypePortMapKey([a, b], 'IPv4'), newAddrTypePortMapKey([b, a], 'IPv4'));
		assert.notEqual(newAddrTypePortMapKey([a, b], 'IPv4'), newAddrTypePortMapKey([a, b], 'IPv6'));
		assert.notEqual(newAddrTypePortMapKey([a], 'IPv4'), newAddrTypePortMapKey([{ ...a, port: 81 }], 'IPv4'));
		assert.equal(newAddrTypePortMapKey(null, 'IPv4'), newAddrTypePortMapKey([], 'IPv4'));
		assert.deepEqual(sortPortsByHash([a, b]), sortPortsByHash([b, a]));
	});
});

function simpleSlice(name: string, ip: string, addressType: string): EndpointSlice {
	return { metadata: { name }, addressType, endpoints: [{ addresses: [ip] }] };
}

function summary(list: EndpointSlice[]): string[] {
	return list.map((s) => `${s.metadata?.name}=${s.endpoints?.[0]?.addresses[0]}`).sort();
}

describe('recycleSlices (endpointslicemirroring/reconciler_helpers.go)', () => {
	it('TestRecycleSlices/Empty slices', () => {
		assert.deepEqual(recycleSlices({ toCreate: [], toUpdate: [], toDelete: [] }), {
			toCreate: [],
			toUpdate: [],
			toDelete: [],
		});
	});

	it('TestRecycleSlices/1 to create, update, and delete: the create takes over the deleted name', () => {
		const out = recycleSlices({
			toCreate: [simpleSlice('foo', '10.1.2.3', 'IPv4')],
			toUpdate: [simpleSlice('baz', '10.2.3.4', 'IPv4')],
			toDelete: [simpleSlice('bar', '10.3.4.5', 'IPv4')],
		});
		assert.deepEqual(summary(out.toUpdate), ['bar=10.1.2.3', 'baz=10.2.3.4']);
		assert.deepEqual(out.toCreate, []);
		assert.deepEqual(out.toDelete, []);
	});

	it('TestRecycleSlices/2 to create and 1 to delete: the first create is recycled, the second still created', () => {
		const out = recycleSlices({
			toCreate: [simpleSlice('foo1', '10.1.2.3', 'IPv4'), simpleSlice('foo2', '10.3.4.5', 'IPv4')],
			toUpdate: [],
			toDelete: [simpleSlice('bar', '10.2.3.4', 'IPv4')],
		});
		assert.deepEqual(summary(out.toCreate), ['foo2=10.3.4.5']);
		assert.deepEqual(summary(out.toUpdate), ['bar=10.1.2.3']);
		assert.deepEqual(out.toDelete, []);
	});

	it('TestRecycleSlices/1 to create and 2 to delete: the first delete is reused, the second still deleted', () => {
		const out = recycleSlices({
			toCreate: [simpleSlice('foo1', '10.1.2.3', 'IPv4')],
			toUpdate: [],
			toDelete: [simpleSlice('bar1', '10.2.3.4', 'IPv4'), simpleSlice('bar2', '10.3.4.5', 'IPv4')],
		});
		assert.deepEqual(summary(out.toUpdate), ['bar1=10.1.2.3']);
		assert.deepEqual(summary(out.toDelete), ['bar2=10.3.4.5']);
	});

	it('TestRecycleSlices/1 to create and 1 to delete for each IP family: paired within each family', () => {
		const out = recycleSlices({
			toCreate: [simpleSlice('foo-v4', '10.1.2.3', 'IPv4'), simpleSlice('foo-v6', '2001:db8::1', 'IPv6')],
			toUpdate: [],
			toDelete: [simpleSlice('bar-v4', '10.2.2.3', 'IPv4'), simpleSlice('bar-v6', '2001:db8::2', 'IPv6')],
		});
		assert.deepEqual(summary(out.toUpdate), ['bar-v4=10.1.2.3', 'bar-v6=2001:db8::1']);
		assert.deepEqual([out.toCreate.length, out.toDelete.length], [0, 0]);
	});

	it('TestRecycleSlices/1 to create and 1 to delete, wrong IP family: nothing is recycled', () => {
		const out = recycleSlices({
			toCreate: [simpleSlice('foo-v4', '10.1.2.3', 'IPv4')],
			toUpdate: [],
			toDelete: [simpleSlice('bar-v6', '2001:db8::2', 'IPv6')],
		});
		assert.deepEqual(summary(out.toCreate), ['foo-v4=10.1.2.3']);
		assert.deepEqual(summary(out.toDelete), ['bar-v6=2001:db8::2']);
		assert.deepEqual(out.toUpdate, []);
	});
});
