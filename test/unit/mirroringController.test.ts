import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
	endpointSlicesMirroredForService,
	shouldMirror,
	syncMirroring,
} from '../../src/core/controllers/mirroring/mirroringController';
import type { EndpointAddress, Endpoints, EndpointSlice, Service } from '../../src/core/k8s/types';

const namespace = 'default';
const name = 'legacy-db';
const mirrorController = 'endpointslicemirroring-controller.k8s.io';
const managedBy = 'endpointslice.kubernetes.io/managed-by';
const serviceName = 'kubernetes.io/service-name';

const selectorless: Service = { metadata: { name, namespace }, spec: { ports: [{ port: 80 }] } };

function endpoints(addresses: EndpointAddress[], meta: Endpoints['metadata'] = {}): Endpoints {
	return {
		metadata: { name, namespace, uid: 'ep-uid', ...meta },
		subsets: [{ ports: [{ port: 80 }], addresses }],
	};
}

function manyAddresses(n: number): EndpointAddress[] {
	return Array.from({ length: n }, (_, i) => ({ ip: `10.0.${Math.floor(i / 255)}.${i % 255}` }));
}

function slice(sliceName: string, labels: Record<string, string>, sliceNamespace = namespace): EndpointSlice {
	return {
		metadata: { name: sliceName, namespace: sliceNamespace, labels },
		addressType: 'IPv4',
		endpoints: [{ addresses: ['10.9.9.9'], conditions: { ready: true } }],
		ports: [{ name: '', protocol: 'TCP', port: 8080 }],
	};
}

const mirroredLabels = { [serviceName]: name, [managedBy]: mirrorController };

describe('shouldMirror (endpointslicemirroring_controller.go shouldMirror + syncEndpoints)', () => {
	it('TestShouldMirror/Standard Endpoints: mirrored when the Service has no selector', () => {
		assert.equal(shouldMirror(endpoints([]), selectorless), true);
	});

	it('TestShouldMirror/Endpoints with skip-mirror=true: not mirrored', () => {
		const ep = endpoints([], { labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } });
		assert.equal(shouldMirror(ep, selectorless), false);
	});

	it('TestShouldMirror/Endpoints with skip-mirror=invalid: only "true" opts out', () => {
		const ep = endpoints([], { labels: { 'endpointslice.kubernetes.io/skip-mirror': 'invalid' } });
		assert.equal(shouldMirror(ep, selectorless), true);
	});

	it('TestShouldMirror/Endpoints with leader election annotation: not mirrored, even with an empty value', () => {
		const ep = endpoints([], { annotations: { 'control-plane.alpha.kubernetes.io/leader': '' } });
		assert.equal(shouldMirror(ep, selectorless), false);
	});

	it('syncEndpoints: a missing Endpoints or Service, or a selector (even {}), stops mirroring; a null selector does not', () => {
		assert.equal(shouldMirror(undefined, selectorless), false);
		assert.equal(shouldMirror(endpoints([]), undefined), false);
		assert.equal(shouldMirror(endpoints([]), { ...selectorless, spec: { selector: {} } }), false);
		assert.equal(shouldMirror(endpoints([]), { ...selectorless, spec: { selector: { app: 'db' } } }), false);
		assert.equal(shouldMirror(endpoints([]), { ...selectorless, spec: { selector: null } }), true);
	});
});

describe('syncMirroring (endpointslicemirroring_controller.go syncEndpoints)', () => {
	it('TestSyncEndpoints/Endpoints with no addresses: no writes', () => {
		const r = syncMirroring({ service: selectorless, endpoints: endpoints([]), existingSlices: [] });
		assert.deepEqual(r.actions, []);
		assert.equal(r.mirrored, true);
	});

	it('TestSyncEndpoints/Endpoints with skip label true: nothing created, earlier mirrored slices deleted', () => {
		const old = slice('legacy-db-old', mirroredLabels);
		const ep = endpoints([{ ip: '10.0.0.1' }], { labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } });
		const r = syncMirroring({ service: selectorless, endpoints: ep, existingSlices: [old] });
		assert.deepEqual(
			r.actions.map((a) => `${a.verb}:${a.object.metadata?.name}`),
			['delete:legacy-db-old'],
		);
		assert.deepEqual(r.slices, []);
		assert.equal(r.mirrored, false);
	});

	it('TestSyncEndpoints/Endpoints with skip label false: one slice is created', () => {
		const ep = endpoints([{ ip: '10.0.0.1' }], { labels: { 'endpointslice.kubernetes.io/skip-mirror': 'false' } });
		const r = syncMirroring({ service: selectorless, endpoints: ep, existingSlices: [] });
		assert.deepEqual(
			r.actions.map((a) => a.verb),
			['create'],
		);
		assert.equal(r.slices[0]!.metadata?.labels?.['endpointslice.kubernetes.io/skip-mirror'], 'false');
	});

	it('TestSyncEndpoints/Endpoints with missing Service: mirrored slices are cleaned up, none created', () => {
		const old = slice('legacy-db-old', mirroredLabels);
		const r = syncMirroring({ service: undefined, endpoints: endpoints([{ ip: '10.0.0.1' }]), existingSlices: [old] });
		assert.deepEqual(
			r.actions.map((a) => a.verb),
			['delete'],
		);
		assert.deepEqual(r.slices, []);
	});

	it('TestSyncEndpoints/Endpoints with Service with selector specified: nothing mirrored', () => {
		const withSelector: Service = { ...selectorless, spec: { selector: { foo: 'bar' } } };
		const r = syncMirroring({ service: withSelector, endpoints: endpoints([{ ip: '10.0.0.1' }]), existingSlices: [] });
		assert.deepEqual(r.actions, []);
		assert.equal(r.mirrored, false);
	});

	it('TestSyncEndpoints/Existing EndpointSlices that need to be cleaned up: deleted when no address remains', () => {
		const old = slice('legacy-db-1', mirroredLabels);
		const r = syncMirroring({ service: selectorless, endpoints: endpoints([]), existingSlices: [old] });
		assert.deepEqual(
			r.actions.map((a) => `${a.verb}:${a.object.metadata?.name}`),
			['delete:legacy-db-1'],
		);
		assert.deepEqual(r.slices, []);
		assert.equal(r.mirrored, true);
	});

	it('TestSyncEndpoints/Existing EndpointSlices managed by a different controller, no addresses to sync: untouched', () => {
		const other = slice('legacy-db-1', { [managedBy]: 'something-else' });
		const r = syncMirroring({ service: selectorless, endpoints: endpoints([]), existingSlices: [other] });
		assert.deepEqual(r.actions, []);
		assert.deepEqual(r.slices, [other]);
	});

	it('TestSyncEndpoints/Endpoints with 1000 addresses: one slice holds them all, no event', () => {
		const r = syncMirroring({ service: selectorless, endpoints: endpoints(manyAddresses(1000)), existingSlices: [] });
		assert.deepEqual(
			r.actions.map((a) => [a.verb, a.object.endpoints?.length]),
			[['create', 1000]],
		);
		assert.deepEqual(r.events, []);
	});

	it('TestSyncEndpoints/Endpoints with 1001 addresses - 1 should not be mirrored: capped, with a Warning event', () => {
		const r = syncMirroring({ service: selectorless, endpoints: endpoints(manyAddresses(1001)), existingSlices: [] });
		assert.deepEqual(
			r.actions.map((a) => [a.verb, a.object.endpoints?.length]),
			[['create', 1000]],
		);
		assert.deepEqual(r.events, [
			{
				type: 'Warning',
				reason: 'TooManyAddressesToMirror',
				message:
					'A max of 1000 addresses can be mirrored to EndpointSlices per Endpoints subset. 1 addresses were skipped',
			},
		]);
	});

	it('syncEndpoints: Endpoints not found deletes the mirrored slices of that key only', () => {
		const mine = slice('legacy-db-1', mirroredLabels);
		const other = slice('api-1', { [serviceName]: 'api', [managedBy]: mirrorController });
		const r = syncMirroring({ service: selectorless, endpoints: null, existingSlices: [mine, other] });
		assert.deepEqual(
			r.actions.map((a) => `${a.verb}:${a.object.metadata?.name}`),
			['delete:legacy-db-1'],
		);
		assert.deepEqual(r.slices, [other]);
	});

	it('syncEndpoints: a key with no name anywhere is reported as an error value', () => {
		const r = syncMirroring({ existingSlices: [] });
		assert.match(r.error ?? '', /name/);
		assert.deepEqual(r.actions, []);
	});
});

describe('endpointSlicesMirroredForService (the lister label selector)', () => {
	const cases: [string, EndpointSlice, boolean][] = [
		['Service with matching EndpointSlice', slice('example-1', mirroredLabels, 'ns1'), true],
		['Service with EndpointSlice that has different namespace', slice('example-1', mirroredLabels, 'ns2'), false],
		[
			'Service with EndpointSlice that has different service name',
			slice('example-1', { [serviceName]: 'svc2', [managedBy]: mirrorController }, 'ns1'),
			false,
		],
		[
			'Service with EndpointSlice that has different controller name',
			slice('example-1', { [serviceName]: name, [managedBy]: `${mirrorController}foo` }, 'ns1'),
			false,
		],
		[
			'Service with EndpointSlice that has missing controller name',
			slice('example-1', { [serviceName]: name }, 'ns1'),
			false,
		],
		[
			'Service with EndpointSlice that has missing service name',
			slice('example-1', { [managedBy]: mirrorController }, 'ns1'),
			false,
		],
	];
	for (const [title, candidate, expected] of cases) {
		it(`TestEndpointSlicesMirroredForService/${title}: ${expected ? 'listed' : 'not listed'}`, () => {
			const listed = endpointSlicesMirroredForService([candidate], 'ns1', name);
			assert.deepEqual(
				listed.map((s) => s.metadata?.name),
				expected ? ['example-1'] : [],
			);
		});
	}
});
