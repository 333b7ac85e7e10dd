import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
	endpointPortFromServicePort,
	endpointSubsetsEqualIgnoreResourceVersion,
	podToEndpointAddressForService,
	syncEndpoints,
	truncateEndpoints,
} from '../../src/core/controllers/endpoints/endpointsController';
import type { EndpointsSyncResult } from '../../src/core/controllers/endpoints/endpointsController';
import { repackSubsets } from '../../src/core/k8s/repackSubsets';
import type {
	EndpointAddress,
	Endpoints,
	EndpointSubset,
	IPFamily,
	Pod,
	Service,
	ServiceSpec,
} from '../../src/core/k8s/types';
import {
	annotationOverCapacity,
	annotationTriggerTime,
	labelEndpointsManagedBy,
	labelHeadless,
} from '../../src/core/k8s/types';

const managedBy = 'endpoint-controller';

// ---- fixtures (our own, shaped after what upstream's tests build) ----

/** Pod `pod<id>` labelled foo=bar with nPorts container ports port<j> = 8080+j; IPs derived from id. */
function testPod(ns: string, id: number, nPorts: number, ready: boolean, families: IPFamily[] = ['IPv4']): Pod {
	const podIPs = families.map((f) =>
		f === 'IPv4'
			? { ip: `1.2.${3 + Math.floor((4 + id) / 256)}.${(4 + id) % 256}` }
			: { ip: `2000::${(4 + id).toString(16)}` },
	);
	return {
		metadata: { namespace: ns, name: `pod${id}`, labels: { foo: 'bar' }, resourceVersion: String(id) },
		spec: {
			containers: [
				{
					name: 'c',
					ports: Array.from({ length: nPorts }, (_, j) => ({
						name: `port${j}`,
						containerPort: 8080 + j,
						protocol: 'TCP',
					})),
				},
			],
		},
		status: {
			podIP: podIPs[0]?.ip,
			podIPs,
			conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
		},
	};
}

/** nReady ready pods then nNotReady unready pods, numbered from 0. */
function addPods(ns: string, nReady: number, nPorts: number, nNotReady: number, families?: IPFamily[]): Pod[] {
	return Array.from({ length: nReady + nNotReady }, (_, i) => testPod(ns, i, nPorts, i < nReady, families));
}

function service(
	ns: string,
	spec: ServiceSpec,
	labels?: Record<string, string>,
	extra: Partial<Service['metadata']> = {},
): Service {
	return { metadata: { name: 'foo', namespace: ns, ...(labels ? { labels } : {}), ...extra }, spec };
}

function existingEndpoints(
	ns: string,
	subsets: EndpointSubset[] | undefined,
	labels?: Record<string, string>,
	annotations?: Record<string, string>,
): Endpoints {
	return {
		metadata: {
			name: 'foo',
			namespace: ns,
			resourceVersion: '1',
			...(labels ? { labels } : {}),
			...(annotations ? { annotations } : {}),
		},
		...(subsets ? { subsets } : {}),
	};
}

/** The address the controller writes for a test pod. */
function podAddr(ip: string, podName: string, ns: string, extra: Partial<EndpointAddress> = {}): EndpointAddress {
	return { ip, nodeName: '', targetRef: { kind: 'Pod', namespace: ns, name: podName }, ...extra };
}

const portTCP8080 = [{ port: 80, protocol: 'TCP', targetPort: 8080 }];
const oldSubset: EndpointSubset[] = [{ addresses: [{ ip: '6.7.8.9', nodeName: '' }], ports: [{ port: 1000 }] }];

function only(r: EndpointsSyncResult): { verb: string; path: string; object: Endpoints | null } {
	assert.equal(r.error, null);
	assert.equal(r.actions.length, 1, `expected one action, got ${JSON.stringify(r.actions)}`);
	return r.actions[0]!;
}

function noActions(r: EndpointsSyncResult): void {
	assert.equal(r.error, null);
	assert.deepEqual(r.actions, []);
}

/** Expected update body: the existing metadata, plus the given labels/annotations/subsets. */
function updated(
	ns: string,
	labels: Record<string, string>,
	subsets: EndpointSubset[] | undefined,
	annotations?: Record<string, string>,
): Endpoints {
	return {
		apiVersion: 'v1',
		kind: 'Endpoints',
		metadata: { name: 'foo', namespace: ns, resourceVersion: '1', labels, ...(annotations ? { annotations } : {}) },
		...(subsets ? { subsets } : {}),
	};
}

function counts(e: Endpoints | null): { ready: number; notReady: number } {
	let ready = 0;
	let notReady = 0;
	for (const s of e?.subsets ?? []) {
		ready += s.addresses?.length ?? 0;
		notReady += s.notReadyAddresses?.length ?? 0;
	}
	return { ready, notReady };
}

// ---- tests ----

describe('syncEndpoints: which Services get Endpoints (syncService early returns)', () => {
	it('TestSyncEndpointsItemsPreserveNoSelector: a Service without selector leaves the existing Endpoints alone', () => {
		const existing = existingEndpoints('default', oldSubset);
		const r = syncEndpoints({
			service: service('default', { ports: [{ port: 80 }] }),
			pods: addPods('default', 2, 1, 0),
			existingEndpoints: existing,
		});
		noActions(r);
		assert.deepEqual(r.endpoints, existing);
	});

	it('TestSyncEndpointsItemsPreserveNoSelector: `selector: null` counts as no selector too', () => {
		noActions(
			syncEndpoints({
				service: service('default', { selector: null, ports: [{ port: 80 }] }),
				pods: [],
				existingEndpoints: null,
			}),
		);
	});

	const externalNames: [string, ServiceSpec][] = [
		['with selector and ports', { selector: { foo: 'bar' }, ports: [{ port: 80 }], type: 'ExternalName' }],
		['with ports', { ports: [{ port: 80 }], type: 'ExternalName' }],
		['with selector', { selector: { foo: 'bar' }, type: 'ExternalName' }],
		['without selector and ports', { type: 'ExternalName' }],
	];
	for (const [desc, spec] of externalNames) {
		it(`TestSyncServiceExternalNameType: ExternalName ${desc} receives no endpoints`, () => {
			noActions(
				syncEndpoints({
					service: service('default', spec),
					pods: addPods('default', 1, 1, 0),
					existingEndpoints: null,
				}),
			);
		});
	}

	it('TestSyncEndpointsServiceNotFound: a deleted Service deletes its Endpoints', () => {
		const r = syncEndpoints({
			service: null,
			pods: [],
			existingEndpoints: existingEndpoints('default', undefined),
		});
		assert.deepEqual(r, {
			actions: [{ verb: 'delete', path: '/api/v1/namespaces/default/endpoints/foo', object: null }],
			endpoints: null,
			error: null,
		});
	});

	it('TestSyncEndpointsServiceNotFound: nothing to delete when no Endpoints exist', () => {
		const r = syncEndpoints({
			service: null,
			serviceKey: { namespace: 'ns', name: 'gone' },
			pods: [],
			existingEndpoints: null,
		});
		assert.deepEqual(r, { actions: [], endpoints: null, error: null });
	});

	it('TestSyncEndpointsServiceNotFound: serviceKey gives the path of the delete', () => {
		const r = syncEndpoints({
			service: null,
			serviceKey: { namespace: 'team-a', name: 'web' },
			pods: [],
			existingEndpoints: { metadata: { name: 'web', resourceVersion: '9' } },
		});
		assert.equal(only(r).path, '/api/v1/namespaces/team-a/endpoints/web');
	});

	it('TestSyncEndpointsItems: only pods of the Service namespace are selected', () => {
		const pods = [
			...addPods('other', 3, 2, 0),
			...addPods('blah', 5, 2, 0).map((p) => ({
				...p,
				metadata: { ...p.metadata, name: `x-${p.metadata!.name}` },
			})),
		];
		const r = syncEndpoints({
			service: service('other', {
				selector: { foo: 'bar' },
				ports: [
					{ name: 'port0', port: 80, protocol: 'TCP', targetPort: 8080 },
					{ name: 'port1', port: 88, protocol: 'TCP', targetPort: 8088 },
				],
				ipFamilies: ['IPv4'],
			}),
			pods,
			existingEndpoints: null,
		});
		const action = only(r);
		assert.equal(action.verb, 'create');
		assert.equal(action.path, '/api/v1/namespaces/other/endpoints');
		assert.deepEqual(action.object, {
			apiVersion: 'v1',
			kind: 'Endpoints',
			metadata: { name: 'foo', labels: { [labelEndpointsManagedBy]: managedBy, [labelHeadless]: '' } },
			subsets: [
				{
					addresses: [
						podAddr('1.2.3.4', 'pod0', 'other'),
						podAddr('1.2.3.5', 'pod1', 'other'),
						podAddr('1.2.3.6', 'pod2', 'other'),
					],
					ports: [
						{ name: 'port0', port: 8080, protocol: 'TCP' },
						{ name: 'port1', port: 8088, protocol: 'TCP' },
					],
				},
			],
		});
	});

	it('TestSyncEndpointsItems: the create body carries no namespace or resourceVersion; the stored result has the namespace', () => {
		const r = syncEndpoints({
			service: service('other', { selector: {}, ports: portTCP8080, ipFamilies: ['IPv4'] }),
			pods: addPods('other', 1, 1, 0),
			existingEndpoints: null,
		});
		const body = only(r).object!;
		assert.equal(body.metadata?.namespace, undefined);
		assert.equal(body.metadata?.resourceVersion, undefined);
		assert.equal(r.endpoints?.metadata?.namespace, 'other');
		assert.deepEqual(r.endpoints?.subsets, body.subsets);
	});

	it('syncService: a selector value must match exactly, and a missing label never matches', () => {
		const pods = addPods('ns', 3, 1, 0);
		pods[1]!.metadata!.labels = { foo: 'baz' };
		pods[2]!.metadata!.labels = {};
		const r = syncEndpoints({
			service: service('ns', { selector: { foo: 'bar' }, ports: portTCP8080, ipFamilies: ['IPv4'] }),
			pods,
			existingEndpoints: null,
		});
		assert.deepEqual(
			only(r)
				.object!.subsets!.flatMap((s) => s.addresses ?? [])
				.map((a) => a.targetRef?.name),
			['pod0'],
		);
	});
});

describe('syncEndpoints: no-op detection', () => {
	it('TestSyncEndpointsExistingNilSubsets: absent subsets equal the empty result, so nothing is written', () => {
		noActions(
			syncEndpoints({
				service: service('default', { selector: { foo: 'bar' }, ports: [{ port: 80 }] }),
				pods: [],
				existingEndpoints: existingEndpoints('default', undefined, { [labelEndpointsManagedBy]: managedBy }),
			}),
		);
	});

	it('TestSyncEndpointsExistingEmptySubsets: `subsets: []` equals the empty result too', () => {
		noActions(
			syncEndpoints({
				service: service('default', { selector: { foo: 'bar' }, ports: [{ port: 80 }] }),
				pods: [],
				existingEndpoints: existingEndpoints('default', [], { [labelEndpointsManagedBy]: managedBy }),
			}),
		);
	});

	it('TestSyncEndpointsWithPodResourceVersionUpdateOnly: targetRef.resourceVersion differences are ignored', () => {
		const pod0 = testPod('default', 0, 1, true);
		const pod1 = testPod('default', 1, 1, false);
		const existing = existingEndpoints(
			'default',
			[
				{
					addresses: [
						podAddr('1.2.3.4', 'pod0', 'default', {
							targetRef: { kind: 'Pod', name: 'pod0', namespace: 'default', resourceVersion: '1' },
						}),
					],
					notReadyAddresses: [
						podAddr('1.2.3.5', 'pod1', 'default', {
							targetRef: { kind: 'Pod', name: 'pod1', namespace: 'default', resourceVersion: '2' },
						}),
					],
					ports: [{ port: 8080, protocol: 'TCP' }],
				},
			],
			{ [labelEndpointsManagedBy]: managedBy },
		);
		pod0.metadata!.resourceVersion = '3';
		pod1.metadata!.resourceVersion = '4';
		noActions(
			syncEndpoints({
				service: service('default', { selector: { foo: 'bar' }, ports: portTCP8080, ipFamilies: ['IPv4'] }),
				pods: [pod0, pod1],
				existingEndpoints: existing,
			}),
		);
	});

	it('TestSyncEndpointsHeadlessServiceLabel: the headless label on the Endpoints is not a difference', () => {
		noActions(
			syncEndpoints({
				service: service('default', { selector: { foo: 'bar' }, ports: [{ port: 80 }] }),
				pods: [],
				existingEndpoints: existingEndpoints('default', [], {
					[labelEndpointsManagedBy]: managedBy,
					[labelHeadless]: '',
				}),
			}),
		);
	});

	it('TestSyncEndpointsHeadlessServiceLabel: a stale headless label alone does not cause an update (it is skipped)', () => {
		noActions(
			syncEndpoints({
				service: service('default', { selector: { foo: 'bar' }, clusterIP: '10.0.0.1', ports: [{ port: 80 }] }),
				pods: [],
				existingEndpoints: existingEndpoints('default', [], {
					[labelEndpointsManagedBy]: managedBy,
					[labelHeadless]: '',
				}),
			}),
		);
	});

	it('TestSyncEndpointsItemsPreexistingIdentical: identical subsets and labels write nothing', () => {
		const existing = existingEndpoints(
			'default',
			[{ addresses: [podAddr('1.2.3.4', 'pod0', 'default')], ports: [{ port: 8080, protocol: 'TCP' }] }],
			{ [labelEndpointsManagedBy]: managedBy },
		);
		const r = syncEndpoints({
			service: service('default', { selector: { foo: 'bar' }, ports: portTCP8080, ipFamilies: ['IPv4'] }),
			pods: addPods('default', 1, 1, 0),
			existingEndpoints: existing,
		});
		noActions(r);
		assert.equal(r.endpoints, existing);
	});

	it('labelsCorrectForEndpoints (v1.33+): identical subsets without the managed-by label still get an update that adds it', () => {
		const subsets = [
			{ addresses: [podAddr('1.2.3.4', 'pod0', 'default')], ports: [{ port: 8080, protocol: 'TCP' }] },
		];
		const r = syncEndpoints({
			service: service('default', {
				selector: { foo: 'bar' },
				clusterIP: '10.0.0.1',
				ports: portTCP8080,
				ipFamilies: ['IPv4'],
			}),
			pods: addPods('default', 1, 1, 0),
			existingEndpoints: existingEndpoints('default', subsets),
		});
		assert.deepEqual(only(r).object, updated('default', { [labelEndpointsManagedBy]: managedBy }, subsets));
	});

	it('labelsCorrectForEndpoints: a custom controllerName is both written and required', () => {
		const spec: ServiceSpec = { selector: { foo: 'bar' }, clusterIP: '10.0.0.1', ports: [{ port: 80 }] };
		const mine = existingEndpoints('default', [], { [labelEndpointsManagedBy]: 'my-controller' });
		noActions(
			syncEndpoints({
				service: service('default', spec),
				pods: [],
				existingEndpoints: mine,
				controllerName: 'my-controller',
			}),
		);
		const r = syncEndpoints({ service: service('default', spec), pods: [], existingEndpoints: mine });
		assert.equal(only(r).object!.metadata!.labels![labelEndpointsManagedBy], managedBy);
	});

	it('labelsCorrectForEndpoints: a Service label missing from the Endpoints is a difference', () => {
		const r = syncEndpoints({
			service: service(
				'default',
				{ selector: { foo: 'bar' }, clusterIP: '10.0.0.1', ports: [{ port: 80 }] },
				{ app: 'web' },
			),
			pods: [],
			existingEndpoints: existingEndpoints('default', [], { [labelEndpointsManagedBy]: managedBy }),
		});
		assert.deepEqual(only(r).object!.metadata!.labels, { app: 'web', [labelEndpointsManagedBy]: managedBy });
	});
});

describe('endpointSubsetsEqualIgnoreResourceVersion (TestEndpointSubsetsEqualIgnoreResourceVersion)', () => {
	const es1: EndpointSubset = {
		addresses: [
			{ ip: '1.1.1.1', targetRef: { kind: 'Pod', name: 'pod1-1', namespace: 'ns', resourceVersion: '1' } },
		],
		notReadyAddresses: [
			{ ip: '1.1.1.2', targetRef: { kind: 'Pod', name: 'pod1-2', namespace: 'ns2', resourceVersion: '2' } },
		],
		ports: [{ port: 8081, protocol: 'TCP' }],
	};
	const es2: EndpointSubset = {
		addresses: [
			{ ip: '2.2.2.1', targetRef: { kind: 'Pod', name: 'pod2-1', namespace: 'ns', resourceVersion: '3' } },
		],
		notReadyAddresses: [
			{ ip: '2.2.2.2', targetRef: { kind: 'Pod', name: 'pod2-2', namespace: 'ns2', resourceVersion: '4' } },
		],
		ports: [{ port: 8082, protocol: 'TCP' }],
	};
	const mutate = (s: EndpointSubset, f: (c: EndpointSubset) => void): EndpointSubset => {
		const c = JSON.parse(JSON.stringify(s)) as EndpointSubset;
		f(c);
		return c;
	};

	it('"Subsets removed" is a difference', () => {
		assert.equal(endpointSubsetsEqualIgnoreResourceVersion([es1, es2], [es1]), false);
	});
	it('"Ready Pod IP changed" and "NotReady Pod IP changed" are differences', () => {
		assert.equal(
			endpointSubsetsEqualIgnoreResourceVersion(
				[es1, es2],
				[mutate(es1, (c) => (c.addresses![0]!.ip = '1.1.1.10')), es2],
			),
			false,
		);
		assert.equal(
			endpointSubsetsEqualIgnoreResourceVersion(
				[es1, es2],
				[es1, mutate(es2, (c) => (c.notReadyAddresses![0]!.ip = '2.2.2.10'))],
			),
			false,
		);
	});
	it('"Pod ResourceVersion changed" and "removed" are not differences', () => {
		assert.equal(
			endpointSubsetsEqualIgnoreResourceVersion(
				[es1, es2],
				[es1, mutate(es2, (c) => (c.addresses![0]!.targetRef!.resourceVersion = '100'))],
			),
			true,
		);
		assert.equal(
			endpointSubsetsEqualIgnoreResourceVersion(
				[es1, es2],
				[es1, mutate(es2, (c) => delete c.addresses![0]!.targetRef!.resourceVersion)],
			),
			true,
		);
	});
	it('"Ports changed" is a difference', () => {
		assert.equal(
			endpointSubsetsEqualIgnoreResourceVersion(
				[es1, es2],
				[es1, mutate(es1, (c) => (c.ports![0]!.port = 8082))],
			),
			false,
		);
	});
	it('semantic equality: absent, null-free empty lists are equal; a targetRef uid change is a difference', () => {
		assert.equal(endpointSubsetsEqualIgnoreResourceVersion(undefined, []), true);
		assert.equal(endpointSubsetsEqualIgnoreResourceVersion([{ addresses: [], ports: [] }], [{}]), true);
		assert.equal(
			endpointSubsetsEqualIgnoreResourceVersion(
				[es1],
				[mutate(es1, (c) => (c.addresses![0]!.targetRef!.uid = 'x'))],
			),
			false,
		);
	});
	it('semantic equality: nodeName is a pointer — absent and "" differ', () => {
		const a: EndpointSubset = { addresses: [{ ip: '1.1.1.1' }] };
		const b: EndpointSubset = { addresses: [{ ip: '1.1.1.1', nodeName: '' }] };
		assert.equal(endpointSubsetsEqualIgnoreResourceVersion([a], [b]), false);
	});
});

describe('syncEndpoints: building subsets', () => {
	it('TestSyncEndpointsNewNoSubsets: a new Service without pods still gets an (empty) Endpoints object', () => {
		const r = syncEndpoints({
			service: service('default', { selector: { foo: 'bar' }, ports: [{ port: 80 }] }),
			pods: [],
			existingEndpoints: null,
		});
		assert.deepEqual(only(r), {
			verb: 'create',
			path: '/api/v1/namespaces/default/endpoints',
			object: {
				apiVersion: 'v1',
				kind: 'Endpoints',
				metadata: { name: 'foo', labels: { [labelEndpointsManagedBy]: managedBy, [labelHeadless]: '' } },
			},
		});
	});

	for (const protocol of ['TCP', 'UDP', 'SCTP']) {
		it(`TestSyncEndpointsProtocol${protocol}: the Service port's protocol is copied; the old subsets are replaced`, () => {
			const r = syncEndpoints({
				service: service('other', {
					selector: {},
					ports: [{ port: 80, targetPort: 8080, protocol }],
					ipFamilies: ['IPv4'],
				}),
				pods: addPods('other', 1, 1, 0),
				existingEndpoints: existingEndpoints('other', [
					{ addresses: [{ ip: '6.7.8.9', nodeName: '' }], ports: [{ port: 1000, protocol }] },
				]),
			});
			const action = only(r);
			assert.equal(action.verb, 'update');
			assert.equal(action.path, '/api/v1/namespaces/other/endpoints/foo');
			assert.deepEqual(
				action.object,
				updated('other', { [labelEndpointsManagedBy]: managedBy, [labelHeadless]: '' }, [
					{ addresses: [podAddr('1.2.3.4', 'pod0', 'other')], ports: [{ port: 8080, protocol }] },
				]),
			);
		});
	}

	const emptySelector: [string, number, number, EndpointSubset][] = [
		[
			'SelectsAll',
			1,
			0,
			{ addresses: [podAddr('1.2.3.4', 'pod0', 'other')], ports: [{ port: 8080, protocol: 'TCP' }] },
		],
		[
			'SelectsAllNotReady',
			0,
			1,
			{ notReadyAddresses: [podAddr('1.2.3.4', 'pod0', 'other')], ports: [{ port: 8080, protocol: 'TCP' }] },
		],
		[
			'SelectsAllMixed',
			1,
			1,
			{
				addresses: [podAddr('1.2.3.4', 'pod0', 'other')],
				notReadyAddresses: [podAddr('1.2.3.5', 'pod1', 'other')],
				ports: [{ port: 8080, protocol: 'TCP' }],
			},
		],
	];
	for (const [suffix, nReady, nNotReady, subset] of emptySelector) {
		it(`TestSyncEndpointsItemsEmptySelector${suffix}: \`selector: {}\` selects every pod of the namespace`, () => {
			const pods = addPods('other', nReady, 1, nNotReady).map((p) => ({
				...p,
				metadata: { ...p.metadata, labels: { any: 'thing' } },
			}));
			const r = syncEndpoints({
				service: service('other', { selector: {}, ports: portTCP8080, ipFamilies: ['IPv4'] }),
				pods,
				existingEndpoints: existingEndpoints('other', []),
			});
			assert.deepEqual(
				only(r).object,
				updated('other', { [labelEndpointsManagedBy]: managedBy, [labelHeadless]: '' }, [subset]),
			);
		});
	}

	it('TestSyncEndpointsItemsPreexisting: a matching selector replaces the old address', () => {
		const r = syncEndpoints({
			service: service('bar', { selector: { foo: 'bar' }, ports: portTCP8080, ipFamilies: ['IPv4'] }),
			pods: addPods('bar', 1, 1, 0),
			existingEndpoints: existingEndpoints('bar', oldSubset, { [labelEndpointsManagedBy]: managedBy }),
		});
		assert.deepEqual(
			only(r).object,
			updated('bar', { [labelEndpointsManagedBy]: managedBy, [labelHeadless]: '' }, [
				{ addresses: [podAddr('1.2.3.4', 'pod0', 'bar')], ports: [{ port: 8080, protocol: 'TCP' }] },
			]),
		);
	});

	it('TestSyncEndpointsItemsWithLabels: the Service labels are copied, plus headless and managed-by', () => {
		const r = syncEndpoints({
			service: service(
				'other',
				{ selector: { foo: 'bar' }, ports: portTCP8080, ipFamilies: ['IPv4'] },
				{ foo: 'bar', team: 'a' },
			),
			pods: addPods('other', 3, 1, 0),
			existingEndpoints: null,
		});
		assert.deepEqual(only(r).object!.metadata!.labels, {
			foo: 'bar',
			team: 'a',
			[labelHeadless]: '',
			[labelEndpointsManagedBy]: managedBy,
		});
	});

	it('TestSyncEndpointsItemsPreexistingLabelsChange: labels are replaced, old ones disappear', () => {
		const r = syncEndpoints({
			service: service(
				'bar',
				{ selector: { foo: 'bar' }, ports: portTCP8080, ipFamilies: ['IPv4'] },
				{ baz: 'blah' },
			),
			pods: addPods('bar', 1, 1, 0),
			existingEndpoints: existingEndpoints('bar', oldSubset, { foo: 'bar' }),
		});
		assert.deepEqual(only(r).object!.metadata!.labels, {
			baz: 'blah',
			[labelHeadless]: '',
			[labelEndpointsManagedBy]: managedBy,
		});
	});

	it('TestSyncEndpointsHeadlessService: clusterIP None without ports gives port-less subsets; the Service is not mutated', () => {
		const svc = service(
			'headless',
			{ selector: {}, clusterIP: 'None', ports: [], ipFamilies: ['IPv4'] },
			{ a: 'b' },
		);
		const before = JSON.parse(JSON.stringify(svc)) as Service;
		const r = syncEndpoints({
			service: svc,
			pods: addPods('headless', 1, 1, 0),
			existingEndpoints: existingEndpoints('headless', oldSubset),
		});
		assert.deepEqual(
			only(r).object,
			updated('headless', { a: 'b', [labelHeadless]: '', [labelEndpointsManagedBy]: managedBy }, [
				{ addresses: [podAddr('1.2.3.4', 'pod0', 'headless')] },
			]),
		);
		assert.deepEqual(svc, before);
	});

	it('TestSyncEndpointsHeadlessWithoutPort: a new headless Service without ports is created with addresses only', () => {
		const r = syncEndpoints({
			service: service('default', { selector: { foo: 'bar' }, clusterIP: 'None', ipFamilies: ['IPv4'] }),
			pods: addPods('default', 1, 1, 0),
			existingEndpoints: null,
		});
		const action = only(r);
		assert.equal(action.verb, 'create');
		assert.deepEqual(action.object!.subsets, [{ addresses: [podAddr('1.2.3.4', 'pod0', 'default')] }]);
	});

	it('syncService "Allow headless service not to have ports": an empty clusterIP gets the headless label but no subsets', () => {
		const r = syncEndpoints({
			service: service('default', { selector: { foo: 'bar' }, clusterIP: '', ipFamilies: ['IPv4'] }),
			pods: addPods('default', 2, 1, 0),
			existingEndpoints: null,
		});
		const body = only(r).object!;
		assert.equal(body.subsets, undefined);
		assert.equal(body.metadata!.labels![labelHeadless], '');
	});

	it('syncService: a Service with a clusterIP and no ports produces no subsets and no headless label', () => {
		const r = syncEndpoints({
			service: service(
				'default',
				{ selector: { foo: 'bar' }, clusterIP: '10.0.0.1', ipFamilies: ['IPv4'] },
				{ [labelHeadless]: 'x' },
			),
			pods: addPods('default', 2, 1, 0),
			existingEndpoints: null,
		});
		const body = only(r).object!;
		assert.equal(body.subsets, undefined);
		assert.deepEqual(body.metadata!.labels, { [labelEndpointsManagedBy]: managedBy });
	});

	const terminal: [string, string, string][] = [
		['RestartPolicyNeverAndPhaseFailed', 'Never', 'Failed'],
		['RestartPolicyNeverAndPhaseSucceeded', 'Never', 'Succeeded'],
		['RestartPolicyOnFailureAndPhaseSucceeded', 'OnFailure', 'Succeeded'],
	];
	for (const [suffix, restartPolicy, phase] of terminal) {
		it(`TestSyncEndpointsItemsExcludeNotReadyPodsWith${suffix}: terminal pods are left out`, () => {
			const pods = addPods('other', 0, 1, 1).map((p) => ({
				...p,
				spec: { ...p.spec, restartPolicy },
				status: { ...p.status, phase },
			}));
			const r = syncEndpoints({
				service: service('other', { selector: { foo: 'bar' }, ports: portTCP8080, ipFamilies: ['IPv4'] }),
				pods,
				existingEndpoints: existingEndpoints('other', [], { [labelEndpointsManagedBy]: managedBy, foo: 'bar' }),
			});
			// Only the stale "foo" label makes this an update; there are no subsets.
			assert.deepEqual(
				only(r).object,
				updated('other', { [labelEndpointsManagedBy]: managedBy, [labelHeadless]: '' }, undefined),
			);
		});
	}

	it('FindPort: a pod that lacks a named targetPort is skipped for that port only', () => {
		const pods = addPods('ns', 2, 2, 0);
		pods[1]!.spec!.containers![0]!.ports = [{ name: 'port0', containerPort: 9090, protocol: 'TCP' }];
		const r = syncEndpoints({
			service: service('ns', {
				selector: { foo: 'bar' },
				clusterIP: '10.0.0.1',
				ipFamilies: ['IPv4'],
				ports: [
					{ name: 'a', port: 80, protocol: 'TCP', targetPort: 'port0' },
					{ name: 'b', port: 81, protocol: 'TCP', targetPort: 'port1' },
				],
			}),
			pods,
			existingEndpoints: null,
		});
		assert.deepEqual(only(r).object!.subsets, [
			{
				addresses: [podAddr('1.2.3.4', 'pod0', 'ns')],
				ports: [
					{ name: 'a', port: 8080, protocol: 'TCP' },
					{ name: 'b', port: 8081, protocol: 'TCP' },
				],
			},
			{ addresses: [podAddr('1.2.3.5', 'pod1', 'ns')], ports: [{ name: 'a', port: 9090, protocol: 'TCP' }] },
		]);
	});

	it('FindPort: a pod resolving none of the named ports contributes no address at all', () => {
		const pods = addPods('ns', 1, 0, 0);
		const r = syncEndpoints({
			service: service('ns', {
				selector: { foo: 'bar' },
				clusterIP: '10.0.0.1',
				ipFamilies: ['IPv4'],
				ports: [{ port: 80, protocol: 'TCP', targetPort: 'http' }],
			}),
			pods,
			existingEndpoints: null,
		});
		assert.equal(only(r).object!.subsets, undefined);
	});

	it('ShouldSetHostname: hostname only when the pod subdomain names this Service', () => {
		const pods = addPods('ns', 2, 1, 0);
		pods[0]!.spec = { ...pods[0]!.spec, hostname: 'web-0', subdomain: 'foo' };
		pods[1]!.spec = { ...pods[1]!.spec, hostname: 'web-1', subdomain: 'other' };
		const r = syncEndpoints({
			service: service('ns', { selector: { foo: 'bar' }, clusterIP: 'None', ipFamilies: ['IPv4'] }),
			pods,
			existingEndpoints: null,
		});
		assert.deepEqual(only(r).object!.subsets![0]!.addresses, [
			{
				ip: '1.2.3.4',
				hostname: 'web-0',
				nodeName: '',
				targetRef: { kind: 'Pod', namespace: 'ns', name: 'pod0' },
			},
			podAddr('1.2.3.5', 'pod1', 'ns'),
		]);
	});

	it('podToEndpointAddressForService: nodeName is always written and targetRef carries the pod uid', () => {
		const pod = testPod('ns', 0, 1, true);
		pod.spec!.nodeName = 'node-a';
		pod.metadata!.uid = 'uid-0';
		const r = syncEndpoints({
			service: service('ns', {
				selector: { foo: 'bar' },
				clusterIP: '10.0.0.1',
				ipFamilies: ['IPv4'],
				ports: portTCP8080,
			}),
			pods: [pod],
			existingEndpoints: null,
		});
		assert.deepEqual(only(r).object!.subsets![0]!.addresses, [
			{
				ip: '1.2.3.4',
				nodeName: 'node-a',
				targetRef: { kind: 'Pod', namespace: 'ns', name: 'pod0', uid: 'uid-0' },
			},
		]);
	});

	it('RepackSubsets in syncService: two pods sharing an IP stay two addresses when their UIDs differ', () => {
		const pods = addPods('ns', 2, 1, 0);
		pods[0]!.metadata!.uid = 'a';
		pods[1]!.metadata!.uid = 'b';
		pods[1]!.status!.podIPs = [{ ip: '1.2.3.4' }];
		const r = syncEndpoints({
			service: service('ns', {
				selector: { foo: 'bar' },
				clusterIP: '10.0.0.1',
				ipFamilies: ['IPv4'],
				ports: portTCP8080,
			}),
			pods,
			existingEndpoints: null,
		});
		assert.deepEqual(
			only(r).object!.subsets![0]!.addresses!.map((a) => a.targetRef?.uid),
			['a', 'b'],
		);
	});

	it('TestEndpointPortFromServicePort: appProtocol is copied when set', () => {
		assert.deepEqual(endpointPortFromServicePort({ name: 'test', port: 80, appProtocol: 'http' }, 80), {
			name: 'test',
			port: 80,
			appProtocol: 'http',
		});
	});

	it('TestEndpointPortFromServicePort: no appProtocol on the Service port means none on the Endpoints port', () => {
		const p = endpointPortFromServicePort({ name: 'test', port: 80, protocol: 'TCP' }, 8080);
		assert.deepEqual(p, { name: 'test', port: 8080, protocol: 'TCP' });
		assert.equal('appProtocol' in p, false);
	});
});

describe('podToEndpointAddressForService (TestPodToEndpointAddressForService)', () => {
	/**
	 * Like upstream's addBadIPPod, but the leading zero goes on the IPv4 address (upstream puts it on the first IP,
	 * whatever its family; see the case below for the IPv6 variant).
	 */
	function badIPPod(families: IPFamily[]): Pod {
		const p = testPod('test', 0, 1, true, families);
		const v4 = p.status!.podIPs!.find((x) => !x.ip.includes(':'));
		if (v4) {
			v4.ip = `0${v4.ip}`;
		}
		p.status!.podIP = p.status!.podIPs![0]!.ip;
		return p;
	}
	const cases: [string, IPFamily[], ServiceSpec, string | null][] = [
		['v4 service, in a single stack cluster', ['IPv4'], { clusterIP: '10.0.0.1', ipFamilies: ['IPv4'] }, '1.2.3.4'],
		[
			'v4 service, in a dual stack cluster',
			['IPv4', 'IPv6'],
			{ clusterIP: '10.0.0.1', ipFamilies: ['IPv4'] },
			'1.2.3.4',
		],
		[
			'v4 service, in a dual stack ipv6-primary cluster',
			['IPv6', 'IPv4'],
			{ clusterIP: '10.0.0.1', ipFamilies: ['IPv4'] },
			'1.2.3.4',
		],
		[
			'v4 headless service, in a dual stack cluster',
			['IPv4', 'IPv6'],
			{ clusterIP: 'None', ipFamilies: ['IPv4'] },
			'1.2.3.4',
		],
		[
			'v6 service, in a dual stack cluster',
			['IPv4', 'IPv6'],
			{ clusterIP: '3000::1', ipFamilies: ['IPv6'] },
			'2000::4',
		],
		[
			'v6 headless service, in a single stack cluster',
			['IPv6'],
			{ clusterIP: 'None', ipFamilies: ['IPv6'] },
			'2000::4',
		],
		['v6 service, in a v4 only cluster', ['IPv4'], { clusterIP: '3000::1', ipFamilies: ['IPv6'] }, null],
	];
	for (const [name, podFamilies, spec, want] of cases) {
		it(`${name} → ${want ?? 'no address'}`, () => {
			const pod = badIPPod(podFamilies);
			const epa = podToEndpointAddressForService({ metadata: { name: 'svc', namespace: 'test' }, spec }, pod);
			if (want === null) {
				assert.equal(epa, null);
				return;
			}
			assert.deepEqual(epa, {
				ip: want,
				nodeName: '',
				targetRef: { kind: 'Pod', namespace: 'test', name: 'pod0' },
			});
		});
	}

	it(
		'v6 headless service, single stack, upstream fixture "02000::4": ParseIPSloppy accepts 5-digit groups ≤ 0xFFFF',
		() => {
			const pod = testPod('test', 0, 1, true, ['IPv6']);
			pod.status!.podIPs = [{ ip: '02000::4' }];
			const epa = podToEndpointAddressForService({ spec: { clusterIP: 'None', ipFamilies: ['IPv6'] } }, pod);
			assert.equal(epa?.ip, '2000::4');
		},
	);

	it('an unparsable IP counts as "not IPv6" and is written as "<nil>", like Go', () => {
		const pod = testPod('test', 0, 1, true);
		pod.status!.podIPs = [{ ip: 'not-an-ip' }];
		assert.equal(podToEndpointAddressForService({ spec: { ipFamilies: ['IPv4'] } }, pod)?.ip, '<nil>');
		assert.equal(podToEndpointAddressForService({ spec: { ipFamilies: ['IPv6'] } }, pod), null);
	});

	it('fallback without ipFamilies: the clusterIP family decides (v1.33 behaviour)', () => {
		const pod = testPod('test', 0, 1, true, ['IPv4', 'IPv6']);
		assert.equal(podToEndpointAddressForService({ spec: { clusterIP: 'fd00::10' } }, pod)?.ip, '2000::4');
		assert.equal(podToEndpointAddressForService({ spec: { clusterIP: '10.0.0.10' } }, pod)?.ip, '1.2.3.4');
	});

	it('fallback without ipFamilies: a headless Service follows the family of status.podIP', () => {
		const pod = testPod('test', 0, 1, true, ['IPv6', 'IPv4']);
		assert.equal(podToEndpointAddressForService({ spec: { clusterIP: 'None' } }, pod)?.ip, '2000::4');
		pod.status!.podIP = '1.2.3.4';
		assert.equal(podToEndpointAddressForService({ spec: {} }, pod)?.ip, '1.2.3.4');
	});

	it('IPv6 addresses are canonicalized (kubernetes#130101)', () => {
		const pod = testPod('test', 0, 1, true, ['IPv6']);
		pod.status!.podIPs = [{ ip: '2001:DB8:0:0:0:0:0:0001' }];
		assert.equal(podToEndpointAddressForService({ spec: { ipFamilies: ['IPv6'] } }, pod)?.ip, '2001:db8::1');
	});

	it('syncService: a pod with only status.podIP (no podIPs) passes the filter but yields no address', () => {
		const pod = testPod('ns', 0, 1, true);
		delete pod.status!.podIPs;
		const r = syncEndpoints({
			service: service('ns', {
				selector: { foo: 'bar' },
				clusterIP: '10.0.0.1',
				ipFamilies: ['IPv4'],
				ports: portTCP8080,
			}),
			pods: [pod],
			existingEndpoints: null,
		});
		assert.equal(only(r).object!.subsets, undefined);
	});
});

describe('TestSyncServiceAddresses: pod phase, readiness, termination and publishNotReadyAddresses', () => {
	function makePod(phase: string, ready: boolean, terminating: boolean): Pod {
		return {
			metadata: {
				namespace: 'ns',
				name: 'fakepod',
				labels: { foo: 'bar' },
				...(terminating ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}),
			},
			spec: { containers: [{ name: 'c', ports: [{ name: 'port1', containerPort: 8080, protocol: 'TCP' }] }] },
			status: {
				phase,
				conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
				podIP: '10.1.1.1',
				podIPs: [{ ip: '10.1.1.1' }],
			},
		};
	}
	const cases: [string, string, boolean, boolean, boolean, number, number][] = [
		['pod running phase', 'Running', true, false, false, 1, 0],
		['pod running phase being deleted', 'Running', true, true, false, 0, 0],
		['pod unknown phase container ready', 'Unknown', true, false, false, 1, 0],
		['pod pending phase container ready being deleted', 'Pending', true, true, false, 0, 0],
		['pod unknown phase container not ready', 'Unknown', false, false, false, 0, 1],
		['pod pending phase container not ready', 'Pending', false, false, false, 0, 1],
		['pod failed phase', 'Failed', false, false, false, 0, 0],
		['pod succeeded phase', 'Succeeded', false, false, false, 0, 0],
		['pod running phase and tolerate unready', 'Running', false, false, true, 1, 0],
		['pod running phase and tolerate unready being deleted', 'Running', false, true, true, 1, 0],
		['pod pending phase and tolerate unready being deleted', 'Pending', false, true, true, 1, 0],
		['pod failed phase and tolerate unready', 'Failed', false, false, true, 0, 0],
		['pod succeeded phase and tolerate unready endpoints', 'Succeeded', false, false, true, 0, 0],
	];
	for (const [name, phase, ready, terminating, tolerate, wantReady, wantNotReady] of cases) {
		it(`${name}: ${wantReady} ready, ${wantNotReady} not ready`, () => {
			const r = syncEndpoints({
				service: service('ns', {
					selector: { foo: 'bar' },
					publishNotReadyAddresses: tolerate,
					type: 'ClusterIP',
					clusterIP: '1.1.1.1',
					ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }],
					ipFamilies: ['IPv4'],
				}),
				pods: [makePod(phase, ready, terminating)],
				existingEndpoints: null,
			});
			assert.equal(only(r).verb, 'create');
			assert.deepEqual(counts(r.endpoints), { ready: wantReady, notReady: wantNotReady });
		});
	}
});

describe('TestSyncServiceOverCapacity: the 1000-address cap and its annotation', () => {
	const svc = service('test', {
		selector: { foo: 'bar' },
		clusterIP: '10.0.0.1',
		ports: portTCP8080,
		ipFamilies: ['IPv4'],
	});
	/** An Endpoints object as a previous sync would have written it for the first numExisting pods. */
	function previous(pods: Pod[], numExisting: number, annotation?: string): Endpoints {
		const addresses = pods.slice(0, numExisting).map((p) => podToEndpointAddressForService(svc, p)!);
		const subsets = repackSubsets([{ addresses, ports: [{ port: 8080, protocol: 'TCP' }] }]);
		return existingEndpoints(
			'test',
			subsets,
			{ [labelEndpointsManagedBy]: managedBy },
			annotation ? { [annotationOverCapacity]: annotation } : undefined,
		);
	}
	const cases: [string, string | undefined, number, number, number, number, number, boolean][] = [
		['empty', undefined, 0, 0, 0, 0, 0, false],
		['annotation added past capacity, < than maxCapacity of Ready Addresses', undefined, 999, 997, 4, 997, 3, true],
		['annotation added past capacity, maxCapacity of Ready Addresses', undefined, 999, 1000, 10, 1000, 0, true],
		['annotation removed below capacity', 'truncated', 999, 999, 0, 999, 0, false],
		[
			'annotation was set to warning previously, annotation removed at capacity',
			'warning',
			1000,
			1000,
			0,
			1000,
			0,
			false,
		],
		['annotation was set to warning previously but still over capacity', 'warning', 1001, 1001, 0, 1000, 0, true],
		['annotation removed at capacity', 'truncated', 1000, 1000, 0, 1000, 0, false],
		['no endpoints change, annotation value corrected', 'invalid', 1001, 1001, 0, 1000, 0, true],
	];
	for (const [name, starting, numExisting, numReady, numNotReady, wantReady, wantNotReady, wantAnnotation] of cases) {
		it(name, () => {
			const pods = addPods('test', numReady, 1, numNotReady);
			const existing = previous(pods, numExisting, starting);
			const r = syncEndpoints({ service: svc, pods, existingEndpoints: existing });
			const result = r.actions.length === 0 ? existing : only(r).object!;
			assert.equal(r.error, null);
			assert.deepEqual(counts(result), { ready: wantReady, notReady: wantNotReady });
			assert.equal(
				result.metadata?.annotations?.[annotationOverCapacity],
				wantAnnotation ? 'truncated' : undefined,
			);
		});
	}

	it('capacityAnnotationSetCorrectly: unchanged subsets under the cap without the annotation write nothing', () => {
		const pods = addPods('test', 999, 1, 0);
		noActions(syncEndpoints({ service: svc, pods, existingEndpoints: previous(pods, 999) }));
	});

	it('capacityAnnotationSetCorrectly: only the annotation is wrong, so the update only removes it', () => {
		const pods = addPods('test', 5, 1, 0);
		const existing = previous(pods, 5, 'truncated');
		const body = only(syncEndpoints({ service: svc, pods, existingEndpoints: existing })).object!;
		assert.deepEqual(body.subsets, existing.subsets);
		assert.equal(body.metadata?.annotations, undefined);
	});
});

describe('truncateEndpoints (TestTruncateEndpoints)', () => {
	function build(ready: number[], notReady: number[]): Endpoints {
		return {
			subsets: ready.map((n, i) => ({
				addresses: Array.from({ length: n }, (_, k) => ({ ip: `10.${i}.${k >> 8}.${k & 255}` })),
				notReadyAddresses: Array.from({ length: notReady[i]! }, (_, k) => ({
					ip: `11.${i}.${k >> 8}.${k & 255}`,
				})),
			})),
		};
	}
	const cases: [string, number[], number[], number[], number[], boolean][] = [
		['empty', [], [], [], [], false],
		[
			'total endpoints < max capacity',
			[50, 100, 100, 100, 100],
			[50, 100, 100, 100, 100],
			[50, 100, 100, 100, 100],
			[50, 100, 100, 100, 100],
			false,
		],
		[
			'total endpoints = max capacity',
			[100, 100, 100, 100, 100],
			[100, 100, 100, 100, 100],
			[100, 100, 100, 100, 100],
			[100, 100, 100, 100, 100],
			false,
		],
		[
			'total ready endpoints < max capacity, but total endpoints > max capacity',
			[90, 110, 50, 10, 20],
			[101, 200, 200, 201, 298],
			[90, 110, 50, 10, 20],
			[73, 144, 144, 145, 214],
			true,
		],
		[
			'total ready endpoints > max capacity',
			[205, 400, 402, 400, 693],
			[100, 200, 200, 200, 300],
			[98, 191, 192, 191, 328],
			[0, 0, 0, 0, 0],
			true,
		],
	];
	for (const [desc, ready, notReady, wantReady, wantNotReady, wantTruncated] of cases) {
		it(desc, () => {
			const e = build(ready, notReady);
			assert.equal(truncateEndpoints(e), wantTruncated);
			assert.deepEqual(
				(e.subsets ?? []).map((s) => s.addresses?.length ?? 0),
				wantReady,
			);
			assert.deepEqual(
				(e.subsets ?? []).map((s) => s.notReadyAddresses?.length ?? 0),
				wantNotReady,
			);
		});
	}

	it('keeps the first addresses of each subset (addressSubset)', () => {
		const e = build([1001], [0]);
		const first = e.subsets![0]!.addresses!.slice(0, 1000);
		truncateEndpoints(e);
		assert.deepEqual(e.subsets![0]!.addresses, first);
	});
});

describe('syncEndpoints: trigger-time annotation and metadata', () => {
	const created = '2018-01-01T00:00:00Z';

	it('TestLastTriggerChangeTimeAnnotation: a fresh controller writes the Service creationTimestamp', () => {
		const r = syncEndpoints({
			service: service('other', { selector: {}, ports: portTCP8080, ipFamilies: ['IPv4'] }, undefined, {
				creationTimestamp: created,
			}),
			pods: addPods('other', 1, 1, 0),
			existingEndpoints: existingEndpoints('other', oldSubset),
		});
		assert.deepEqual(
			only(r).object,
			updated(
				'other',
				{ [labelEndpointsManagedBy]: managedBy, [labelHeadless]: '' },
				[{ addresses: [podAddr('1.2.3.4', 'pod0', 'other')], ports: [{ port: 8080, protocol: 'TCP' }] }],
				{ [annotationTriggerTime]: created },
			),
		);
	});

	it('TestLastTriggerChangeTimeAnnotation_AnnotationOverridden: an older value is replaced', () => {
		const r = syncEndpoints({
			service: service('other', { selector: {}, ports: portTCP8080, ipFamilies: ['IPv4'] }, undefined, {
				creationTimestamp: created,
			}),
			pods: addPods('other', 1, 1, 0),
			existingEndpoints: existingEndpoints('other', oldSubset, undefined, {
				[annotationTriggerTime]: '2017-12-31T23:00:00Z',
			}),
		});
		assert.deepEqual(only(r).object!.metadata!.annotations, { [annotationTriggerTime]: created });
	});

	it('TestLastTriggerChangeTimeAnnotation_AnnotationCleared: no trigger time removes the annotation', () => {
		const r = syncEndpoints({
			service: service('other', { selector: {}, ports: portTCP8080, ipFamilies: ['IPv4'] }),
			pods: addPods('other', 1, 1, 0),
			existingEndpoints: existingEndpoints('other', oldSubset, undefined, { [annotationTriggerTime]: created }),
		});
		assert.equal(only(r).object!.metadata!.annotations, undefined);
	});

	it('triggerTime input overrides the computed value and is normalized to RFC3339Nano UTC', () => {
		const r = syncEndpoints({
			service: service('other', { selector: {}, ports: portTCP8080, ipFamilies: ['IPv4'] }, undefined, {
				creationTimestamp: created,
			}),
			pods: addPods('other', 1, 1, 0),
			existingEndpoints: null,
			triggerTime: '2026-01-02T05:04:05.500+02:00',
		});
		assert.deepEqual(only(r).object!.metadata!.annotations, { [annotationTriggerTime]: '2026-01-02T03:04:05.5Z' });
	});

	it('syncService update: existing metadata (uid, resourceVersion, other annotations) is kept', () => {
		const existing: Endpoints = {
			apiVersion: 'v1',
			kind: 'Endpoints',
			metadata: {
				name: 'foo',
				namespace: 'ns',
				uid: 'ep-uid',
				resourceVersion: '42',
				creationTimestamp: '2020-01-01T00:00:00Z',
				labels: { stale: 'yes' },
				annotations: { note: 'keep me', [annotationOverCapacity]: 'truncated' },
			},
		};
		const r = syncEndpoints({
			service: service('ns', {
				selector: { foo: 'bar' },
				clusterIP: '10.0.0.1',
				ports: portTCP8080,
				ipFamilies: ['IPv4'],
			}),
			pods: addPods('ns', 1, 1, 0),
			existingEndpoints: existing,
		});
		const meta = only(r).object!.metadata!;
		assert.equal(meta.uid, 'ep-uid');
		assert.equal(meta.resourceVersion, '42');
		assert.equal(meta.creationTimestamp, '2020-01-01T00:00:00Z');
		assert.deepEqual(meta.annotations, { note: 'keep me' });
		assert.deepEqual(meta.labels, { [labelEndpointsManagedBy]: managedBy });
		assert.deepEqual(r.endpoints, only(r).object);
		assert.equal(existing.metadata!.labels!.stale, 'yes', 'the input object is not mutated');
	});

	it('syncEndpoints returns an error value instead of throwing for a nameless Service', () => {
		const r = syncEndpoints({
			service: { metadata: { namespace: 'ns' }, spec: { selector: {} } },
			pods: [],
			existingEndpoints: null,
		});
		assert.deepEqual(r.actions, []);
		assert.match(r.error ?? '', /metadata\.name/);
	});

	it('syncEndpoints reports an Endpoints object whose name does not match the Service', () => {
		const r = syncEndpoints({
			service: service('ns', { selector: {} }),
			pods: [],
			existingEndpoints: { metadata: { name: 'bar', namespace: 'ns', resourceVersion: '1' } },
		});
		assert.deepEqual(r.actions, []);
		assert.match(r.error ?? '', /"bar"/);
	});
});
