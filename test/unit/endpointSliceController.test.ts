/**
 * Controller-level tests of the EndpointSlice controller's `syncService`: which Services it acts on, which pods and
 * slices it reads, what it writes, the events it records and the trigger time it stamps.
 *
 * Each case is our own, written from what upstream's `pkg/controller/endpointslice/endpointslice_controller_test.go`
 * (kubernetes/kubernetes) asserts, and is named after the upstream test it follows. Where upstream's test drives
 * informers and work queues, we reproduce the sync outcome with a store snapshot and a long-lived controller
 * instance. The packing algorithm itself is covered by the reconciler tests.
 */
import { podsForService } from '../../src/core/k8s/selector';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type {
	EndpointSliceControllerOptions,
	StoreSnapshot,
	SyncResult,
} from '../../src/core/controllers/endpointslice/controller';
import {
	EndpointSliceController,
	managedSlicesForService,
} from '../../src/core/controllers/endpointslice/controller';
import type { Endpoint, EndpointConditions, EndpointSlice, Node, Pod, Service } from '../../src/core/k8s/types';
import {
	annotationTriggerTime,
	endpointSliceControllerName,
	labelManagedBy,
	labelServiceName,
	labelTopologyZone,
} from '../../src/core/k8s/types';

// ---------------------------------------------------------------------------------------------------------------
// Builders (small, local: only what these cases need)
// ---------------------------------------------------------------------------------------------------------------

const ns = 'default';
const svcName = 'testing-1';
const svcUID = 'uid-testing-1';
const createdAt = '2024-01-02T03:04:05Z';

/** A defaulted selector Service (clusterIP and ipFamilies set, protocol TCP, targetPort 80), then `edit`. */
function makeService(edit?: (s: Service) => void): Service {
	const s: Service = {
		apiVersion: 'v1',
		kind: 'Service',
		metadata: { name: svcName, namespace: ns, uid: svcUID, creationTimestamp: createdAt },
		spec: {
			type: 'ClusterIP',
			selector: { foo: 'bar' },
			clusterIP: '10.96.0.10',
			clusterIPs: ['10.96.0.10'],
			ipFamilies: ['IPv4'],
			ports: [{ name: '', port: 80, targetPort: 80, protocol: 'TCP' }],
		},
	};
	edit?.(s);
	return s;
}

interface PodOptions {
	namespace?: string;
	labels?: Record<string, string>;
	ips?: string[];
	/** Only `status.podIP`, leaving `status.podIPs` empty. */
	singularIPOnly?: boolean;
	ready?: boolean;
	/** lastTransitionTime of the Ready condition. */
	readySince?: string;
	terminating?: boolean;
	phase?: string;
	nodeName?: string;
}

/** A running pod labelled foo=bar on node-1. The default IP is 10.0.0.<n+1> for a pod named `pod<n>`. */
function makePod(name: string, o: PodOptions = {}): Pod {
	const n = Number(/(\d+)$/.exec(name)?.[1] ?? '0');
	const ips = o.ips ?? [`10.0.0.${n + 1}`];
	const pod: Pod = {
		apiVersion: 'v1',
		kind: 'Pod',
		metadata: {
			name,
			namespace: o.namespace ?? ns,
			uid: `uid-${name}`,
			labels: o.labels ?? { foo: 'bar' },
		},
		spec: { nodeName: o.nodeName ?? 'node-1', containers: [{ name: 'container-1' }] },
		status: {
			phase: o.phase ?? 'Running',
			podIP: ips[0],
			podIPs: o.singularIPOnly ? [] : ips.map((ip) => ({ ip })),
			conditions: [
				{
					type: 'Ready',
					status: (o.ready ?? true) ? 'True' : 'False',
					...(o.readySince ? { lastTransitionTime: o.readySince } : {}),
				},
			],
		},
	};
	if (o.terminating) {
		pod.metadata!.deletionTimestamp = '2024-01-02T04:00:00Z';
	}
	return pod;
}

function makeNode(name: string, zone?: string): Node {
	return {
		apiVersion: 'v1',
		kind: 'Node',
		metadata: { name, ...(zone ? { labels: { [labelTopologyZone]: zone } } : {}) },
	};
}

interface SliceOptions {
	namespace?: string;
	labels?: Record<string, string>;
	ownerUID?: string | null;
	deletionTimestamp?: string;
	addressType?: string;
	endpoints?: Endpoint[];
}

/** An existing slice labelled and owned as this controller would label and own it for testing-1, unless told. */
function makeSlice(name: string, o: SliceOptions = {}): EndpointSlice {
	const ownerUID = o.ownerUID === undefined ? svcUID : o.ownerUID;
	return {
		apiVersion: 'discovery.k8s.io/v1',
		kind: 'EndpointSlice',
		metadata: {
			name,
			namespace: o.namespace ?? ns,
			labels: o.labels ?? { [labelServiceName]: svcName, [labelManagedBy]: endpointSliceControllerName },
			...(ownerUID === null
				? {}
				: {
						ownerReferences: [
							{ apiVersion: 'v1', kind: 'Service', name: svcName, uid: ownerUID, controller: true, blockOwnerDeletion: true },
						],
					}),
			...(o.deletionTimestamp ? { deletionTimestamp: o.deletionTimestamp } : {}),
		},
		addressType: o.addressType ?? 'IPv4',
		endpoints: o.endpoints ?? [],
		ports: [],
	};
}

function store(pods: Pod[], endpointSlices: EndpointSlice[] = [], nodes: Node[] = [makeNode('node-1')]): StoreSnapshot {
	return { pods, nodes, endpointSlices };
}

/** The endpoint `podToEndpoint` writes for one of our pods. */
function expectedEndpoint(podName: string, address: string, conditions: EndpointConditions, extra: Partial<Endpoint> = {}): Endpoint {
	return {
		addresses: [address],
		conditions,
		targetRef: { kind: 'Pod', namespace: ns, name: podName, uid: `uid-${podName}` },
		nodeName: 'node-1',
		...extra,
	};
}

const readyEp: EndpointConditions = { ready: true, serving: true, terminating: false };
const notReadyEp: EndpointConditions = { ready: false, serving: false, terminating: false };

function verbs(r: SyncResult): string[] {
	return r.actions.map((a) => a.verb);
}

/** Slices present after the sync whose name was not in the input store. */
function newSlices(r: SyncResult, before: StoreSnapshot): EndpointSlice[] {
	const names = new Set(before.endpointSlices.map((s) => s.metadata?.name));
	return r.slices.filter((s) => !names.has(s.metadata?.name));
}

function byTargetName(eps: readonly Endpoint[] | null | undefined): Endpoint[] {
	return [...(eps ?? [])].sort((a, b) => (a.targetRef?.name ?? '').localeCompare(b.targetRef?.name ?? ''));
}

function onlySlice(r: SyncResult): EndpointSlice {
	assert.equal(r.slices.length, 1, `expected exactly one slice, got ${r.slices.length}`);
	return r.slices[0]!;
}

function triggerTimeOf(s: EndpointSlice | undefined): string | undefined {
	return s?.metadata?.annotations?.[annotationTriggerTime];
}

/** One sync with a fresh controller: what a one-shot prediction is. */
function syncOnce(service: Service | null, snapshot: StoreSnapshot, options: EndpointSliceControllerOptions = {}): SyncResult {
	return new EndpointSliceController(options).syncService(service, snapshot, { namespace: ns, name: svcName });
}

// ---------------------------------------------------------------------------------------------------------------
// Which Services the controller acts on
// ---------------------------------------------------------------------------------------------------------------

describe('EndpointSliceController.syncService: Services it skips', () => {
	it('TestSyncServiceNoSelector: a Service without a selector gets no writes, even with pods in its namespace', () => {
		const service = makeService((s) => {
			delete s.spec!.selector;
		});
		const snap = store([makePod('pod0'), makePod('pod1', { labels: {} })]);
		const r = syncOnce(service, snap);
		assert.deepEqual(r.actions, []);
		assert.equal(r.skipped, 'noSelector');
		assert.equal(r.error, null);
		assert.deepEqual(r.slices, []);
	});

	it('TestSyncServiceNoSelector: `selector: null` (as JSON may carry it) is a nil selector, not `{}`', () => {
		const service = makeService((s) => {
			s.spec!.selector = null;
		});
		const r = syncOnce(service, store([makePod('pod0')]));
		assert.deepEqual(r.actions, []);
		assert.equal(r.skipped, 'noSelector');
		assert.deepEqual(podsForService(service, [makePod('pod0')]), []);
	});

	it('TestSyncServiceNoSelector: mirrored/user slices of a selectorless Service are left alone', () => {
		const service = makeService((s) => {
			delete s.spec!.selector;
		});
		const existing = makeSlice('testing-1-abcde', { endpoints: [expectedEndpoint('pod0', '10.0.0.1', readyEp)] });
		const r = syncOnce(service, store([], [existing]));
		assert.deepEqual(r.actions, []);
		assert.deepEqual(r.slices, [existing]);
	});

	const externalNameCases: [string, (s: Service) => void][] = [
		['with selector and ports', () => undefined],
		[
			'with ports only',
			(s) => {
				delete s.spec!.selector;
			},
		],
		[
			'with selector only',
			(s) => {
				delete s.spec!.ports;
			},
		],
		[
			'with neither selector nor ports',
			(s) => {
				delete s.spec!.selector;
				delete s.spec!.ports;
			},
		],
	];
	for (const [desc, edit] of externalNameCases) {
		it(`TestServiceExternalNameTypeSync: an ExternalName Service ${desc} gets no slices`, () => {
			const service = makeService((s) => {
				s.spec!.type = 'ExternalName';
				s.spec!.externalName = 'db.example.com';
				delete s.spec!.clusterIP;
				delete s.spec!.clusterIPs;
				edit(s);
			});
			const r = syncOnce(service, store([makePod('pod1')]));
			assert.deepEqual(r.actions, []);
			assert.equal(r.skipped, 'externalName');
			assert.equal(r.error, null);
			assert.deepEqual(r.slices, []);
		});
	}

	it('TestServiceExternalNameTypeSync: a Service switched to ExternalName keeps its old slices (syncService returns before reconciling)', () => {
		const service = makeService((s) => {
			s.spec!.type = 'ExternalName';
			s.spec!.externalName = 'db.example.com';
		});
		const existing = makeSlice('testing-1-abcde', { endpoints: [expectedEndpoint('pod0', '10.0.0.1', readyEp)] });
		const r = syncOnce(service, store([makePod('pod0')], [existing]));
		assert.deepEqual(r.actions, []);
		assert.deepEqual(r.slices, [existing]);
	});

	it('TestSyncServiceMissing: a deleted Service gets no writes; its slices are left to the garbage collector', () => {
		const existing = makeSlice('testing-1-abcde', { endpoints: [expectedEndpoint('pod0', '10.0.0.1', readyEp)] });
		const r = syncOnce(null, store([makePod('pod0')], [existing]));
		assert.deepEqual(r.actions, []);
		assert.equal(r.skipped, 'serviceDeleted');
		assert.equal(r.error, null);
		assert.deepEqual(r.slices, [existing]);
	});

	it('TestSyncServiceMissing: the deleted Service is forgotten by the trigger-time tracker, other Services are not', () => {
		const controller = new EndpointSliceController();
		const other = makeService((s) => {
			s.metadata!.name = 'stillthere';
			s.metadata!.uid = 'uid-stillthere';
		});
		const missing = makeService((s) => {
			s.metadata!.name = 'notthere';
			s.metadata!.uid = 'uid-notthere';
		});
		const pod0 = makePod('pod0', { readySince: '2024-01-02T03:10:00Z' });
		let otherSlices = controller.syncService(other, store([pod0])).slices;
		let missingSlices = controller.syncService(missing, store([pod0])).slices;

		// `notthere` is deleted: the tracker drops it.
		const gone = controller.syncService(null, store([pod0], missingSlices), { namespace: ns, name: 'notthere' });
		assert.deepEqual(gone.actions, []);

		// A new ready pod (ready at 03:20) arrives for both.
		const pod1 = makePod('pod1', { readySince: '2024-01-02T03:20:00Z' });
		otherSlices = controller.syncService(other, store([pod0, pod1], otherSlices)).slices;
		missingSlices = controller.syncService(missing, store([pod0, pod1], missingSlices)).slices;
		// The remembered Service: only the changed pod counts.
		assert.equal(triggerTimeOf(otherSlices.find((s) => s.metadata?.labels?.[labelServiceName] === 'stillthere')), '2024-01-02T03:20:00Z');
		// The forgotten one is "never seen" again: its creationTimestamp.
		assert.equal(triggerTimeOf(missingSlices.find((s) => s.metadata?.labels?.[labelServiceName] === 'notthere')), createdAt);
	});
});

// ---------------------------------------------------------------------------------------------------------------
// Services pending deletion
// ---------------------------------------------------------------------------------------------------------------

describe('EndpointSliceController.syncService: a Service with a deletionTimestamp', () => {
	const deleting = (s: Service) => {
		s.metadata!.deletionTimestamp = '2024-01-02T05:00:00Z';
	};

	it('TestSyncServicePendingDeletion: with no pods and no slices, no placeholder is created (no writes at all)', () => {
		const r = syncOnce(makeService(deleting), store([]));
		assert.deepEqual(r.actions, []);
		assert.equal(r.error, null);
		assert.deepEqual(r.slices, []);
	});

	it('TestSyncServicePendingDeletion: with ready pods and no slices, nothing is created', () => {
		const r = syncOnce(makeService(deleting), store([makePod('pod0'), makePod('pod1')]));
		assert.deepEqual(r.actions, []);
		assert.deepEqual(r.slices, []);
	});

	it('TestSyncServicePendingDeletion: updates still happen while the creates they would need are dropped', () => {
		const max = { maxEndpointsPerSlice: 2 };
		const first = syncOnce(makeService(), store([makePod('pod0'), makePod('pod1')]), max);
		assert.deepEqual(verbs(first), ['create']);
		const [s1] = first.slices;
		// pod0 turns unready and three more pods come: s1 is updated; the 2 new slices (2 + 1 endpoints) are not created.
		const pods = [makePod('pod0', { ready: false }), makePod('pod1'), makePod('pod2'), makePod('pod3'), makePod('pod4')];
		const r = syncOnce(makeService(deleting), store(pods, first.slices), max);
		assert.deepEqual(verbs(r), ['update']);
		assert.equal(r.actions[0]!.object.metadata?.name, s1!.metadata?.name);
		assert.deepEqual(byTargetName(r.actions[0]!.object.endpoints), [
			expectedEndpoint('pod0', '10.0.0.1', notReadyEp),
			expectedEndpoint('pod1', '10.0.0.2', readyEp),
		]);
		assert.equal(r.slices.length, 1);
	});

	it('TestSyncServicePendingDeletion: a slice that becomes empty is still deleted', () => {
		const max = { maxEndpointsPerSlice: 2 };
		const first = syncOnce(makeService(), store([makePod('pod0'), makePod('pod1'), makePod('pod2')]), max);
		assert.deepEqual(verbs(first), ['create', 'create']);
		const lone = first.slices.find((s) => s.endpoints?.length === 1)!;
		const r = syncOnce(makeService(deleting), store([makePod('pod0'), makePod('pod1')], first.slices), max);
		assert.deepEqual(verbs(r), ['delete']);
		assert.equal(r.actions[0]!.object.metadata?.name, lone.metadata?.name);
		assert.equal(r.slices.length, 1);
	});

	it('TestSyncServicePendingDeletion: a create recycled into an update of a slice being deleted still happens (finalize recycles first)', () => {
		const first = syncOnce(makeService(), store([makePod('pod0')]));
		const old = onlySlice(first);
		// targetPort 80 → 8080: the old port group goes away and a new one is needed; the create takes over the old slice.
		const service = makeService((s) => {
			deleting(s);
			s.spec!.ports = [{ name: '', port: 80, targetPort: 8080, protocol: 'TCP' }];
		});
		const r = syncOnce(service, store([makePod('pod0')], first.slices));
		assert.deepEqual(verbs(r), ['update']);
		const updated = r.actions[0]!.object;
		assert.equal(updated.metadata?.name, old.metadata?.name);
		assert.deepEqual(updated.ports, [{ name: '', port: 8080, protocol: 'TCP' }]);
		assert.deepEqual(updated.endpoints, [expectedEndpoint('pod0', '10.0.0.1', readyEp)]);
	});
});

// ---------------------------------------------------------------------------------------------------------------
// The placeholder and pod selection
// ---------------------------------------------------------------------------------------------------------------

describe('EndpointSliceController.syncService: selection and the placeholder', () => {
	it('TestSyncServiceWithSelector: a selector that matches no pods gets one placeholder slice', () => {
		const snap = store([]);
		const r = syncOnce(makeService(), snap);
		assert.deepEqual(verbs(r), ['create']);
		assert.equal(r.error, null);
		const slice = onlySlice(r);
		assert.match(slice.metadata?.name ?? '', /^testing-1-[a-z0-9]{5}$/);
		assert.equal(r.actions[0]!.object.metadata?.generateName, 'testing-1-');
		assert.equal(slice.metadata?.namespace, ns);
		assert.equal(slice.metadata?.labels?.[labelServiceName], svcName);
		assert.equal(slice.metadata?.labels?.[labelManagedBy], endpointSliceControllerName);
		assert.equal(slice.addressType, 'IPv4');
		assert.deepEqual(slice.ports, []);
		assert.deepEqual(slice.endpoints, []);
		assert.deepEqual(slice.metadata?.ownerReferences, [
			{ apiVersion: 'v1', kind: 'Service', name: svcName, uid: svcUID, controller: true, blockOwnerDeletion: true },
		]);
		assert.equal(triggerTimeOf(slice), createdAt);
		assert.deepEqual(newSlices(r, snap), [slice]);
	});

	it('TestSyncServiceWithSelector: re-syncing over the placeholder writes nothing', () => {
		const controller = new EndpointSliceController();
		const first = controller.syncService(makeService(), store([]));
		const second = controller.syncService(makeService(), store([], first.slices));
		assert.deepEqual(second.actions, []);
		assert.deepEqual(second.slices, first.slices);
	});

	it('TestSyncServiceWithSelector: a dual-stack Service with no pods gets one placeholder per family', () => {
		const service = makeService((s) => {
			s.spec!.ipFamilies = ['IPv4', 'IPv6'];
			s.spec!.clusterIPs = ['10.96.0.10', 'fd00::10'];
		});
		const r = syncOnce(service, store([]));
		assert.deepEqual(verbs(r), ['create', 'create']);
		assert.deepEqual(r.slices.map((s) => s.addressType).sort(), ['IPv4', 'IPv6']);
		for (const s of r.slices) {
			assert.deepEqual(s.endpoints, []);
			assert.deepEqual(s.ports, []);
		}
	});

	it('TestSyncServicePodSelection: only pods matching the selector become endpoints', () => {
		const pod1 = makePod('pod1');
		const pod2 = makePod('pod2', { labels: { foo: 'boo' } });
		const r = syncOnce(makeService(), store([pod1, pod2]));
		assert.deepEqual(verbs(r), ['create']);
		const slice = onlySlice(r);
		assert.equal(slice.endpoints?.length, 1);
		assert.deepEqual(slice.endpoints?.[0]?.targetRef, { kind: 'Pod', namespace: ns, name: 'pod1', uid: 'uid-pod1' });
		assert.ok(triggerTimeOf(slice));
	});

	it('TestSyncServicePodSelection: a pod without a UID gets a targetRef of kind, namespace and name only (Go omits an empty uid)', () => {
		const pod = makePod('pod1');
		delete pod.metadata!.uid;
		const r = syncOnce(makeService(), store([pod]));
		assert.deepEqual(onlySlice(r).endpoints?.[0]?.targetRef, { kind: 'Pod', namespace: ns, name: 'pod1' });
	});

	it('TestSyncServicePodSelection: pods in other namespaces are never selected, whatever their labels', () => {
		const service = makeService();
		const here = makePod('pod1');
		const elsewhere = makePod('pod2', { namespace: 'other' });
		assert.deepEqual(podsForService(service, [here, elsewhere]), [here]);
		const r = syncOnce(service, store([here, elsewhere]));
		assert.deepEqual(onlySlice(r).endpoints?.map((e) => e.targetRef?.name), ['pod1']);
	});

	it('TestSyncServicePodSelection: an empty selector `{}` selects every pod of the namespace, and only of it', () => {
		const service = makeService((s) => {
			s.spec!.selector = {};
		});
		const pods = [
			makePod('pod0', { labels: {} }),
			makePod('pod1', { labels: { app: 'x' } }),
			makePod('pod2'),
			makePod('pod3', { namespace: 'kube-system', labels: {} }),
		];
		assert.deepEqual(
			podsForService(service, pods).map((p) => p.metadata?.name),
			['pod0', 'pod1', 'pod2'],
		);
		const r = syncOnce(service, store(pods));
		assert.deepEqual(verbs(r), ['create']);
		assert.deepEqual(
			byTargetName(onlySlice(r).endpoints).map((e) => e.targetRef?.name),
			['pod0', 'pod1', 'pod2'],
		);
	});

	it('TestSyncServicePodSelection: a multi-key selector needs every key to match', () => {
		const service = makeService((s) => {
			s.spec!.selector = { foo: 'bar', tier: 'web' };
		});
		const pods = [makePod('pod0', { labels: { foo: 'bar', tier: 'web', extra: 'y' } }), makePod('pod1', { labels: { foo: 'bar' } })];
		assert.deepEqual(
			podsForService(service, pods).map((p) => p.metadata?.name),
			['pod0'],
		);
	});
});

// ---------------------------------------------------------------------------------------------------------------
// Which existing slices count
// ---------------------------------------------------------------------------------------------------------------

describe('EndpointSliceController.syncService: which existing slices the controller reads', () => {
	it('TestSyncServiceEndpointSlicePendingDeletion: a managed slice with a deletionTimestamp is ignored (no writes)', () => {
		const controller = new EndpointSliceController();
		const first = controller.syncService(makeService(), store([]));
		assert.deepEqual(verbs(first), ['create']);
		// Counted, this empty owned slice would make two empty slices: one update and one delete.
		const dying = makeSlice('epSlice-1', { deletionTimestamp: '2024-01-02T06:00:00Z' });
		const snap = store([], [...first.slices, dying]);
		const r = controller.syncService(makeService(), snap);
		assert.deepEqual(r.actions, []);
		assert.equal(r.error, null);
		assert.deepEqual(r.slices, snap.endpointSlices);
	});

	it('TestSyncServiceEndpointSlicePendingDeletion: a pending-deletion slice is not reused; a new slice is created beside it', () => {
		const dying = makeSlice('testing-1-dying', {
			deletionTimestamp: '2024-01-02T06:00:00Z',
			endpoints: [expectedEndpoint('pod0', '10.0.0.1', readyEp)],
		});
		const r = syncOnce(makeService(), store([makePod('pod0')], [dying]));
		assert.deepEqual(verbs(r), ['create']);
		assert.equal(r.slices.length, 2);
		assert.ok(r.slices.includes(dying));
	});

	it('TestSyncServiceEndpointSliceLabelSelection: only slices with both the service-name and managed-by labels count; two empty ones become 1 update + 1 delete', () => {
		const matching1 = makeSlice('matching-1');
		const matching2 = makeSlice('matching-2');
		const partial = makeSlice('partially-matching-1', { ownerUID: null, labels: { [labelServiceName]: svcName } });
		const otherService = makeSlice('not-matching-1', {
			ownerUID: null,
			labels: { [labelServiceName]: 'something-else', [labelManagedBy]: endpointSliceControllerName },
		});
		const otherManager = makeSlice('not-matching-2', {
			ownerUID: null,
			labels: { [labelServiceName]: svcName, [labelManagedBy]: 'something-else' },
		});
		const input = [matching1, matching2, partial, otherService, otherManager];
		const pristine = structuredClone(input);
		const r = syncOnce(makeService(), store([], input));

		assert.deepEqual(verbs(r), ['update', 'delete']);
		const touched = r.actions.map((a) => a.object.metadata?.name).sort();
		assert.deepEqual(touched, ['matching-1', 'matching-2']);
		// The survivor is the placeholder, stamped with the trigger time.
		const update = r.actions[0]!.object;
		assert.deepEqual(update.endpoints, []);
		assert.deepEqual(update.ports, []);
		assert.equal(triggerTimeOf(update), createdAt);
		// The three others are untouched and still present.
		for (const s of [partial, otherService, otherManager]) {
			assert.ok(r.slices.includes(s), `${s.metadata?.name} should be left as is`);
		}
		assert.equal(r.slices.length, 4);
		// The store's objects are not mutated (upstream's cache mutation check).
		assert.deepEqual(input, pristine);
	});

	it('TestSyncServiceEndpointSliceLabelSelection: writes land in the Service’s namespace only; same-named slices elsewhere survive', () => {
		// Upstream updates and deletes through EndpointSlices(service.Namespace), by name within that namespace.
		const max = { maxEndpointsPerSlice: 2 };
		const first = syncOnce(makeService(), store([makePod('pod0'), makePod('pod1'), makePod('pod2')]), max);
		assert.equal(first.slices.length, 2);
		const twins = first.slices.map((sl) => {
			const twin = structuredClone(sl);
			twin.metadata!.namespace = 'other';
			return twin;
		});
		// pod1 and pod2 go: the full slice shrinks (update), the other one empties (delete).
		const r = syncOnce(makeService(), store([makePod('pod0')], [...first.slices, ...twins]), max);
		assert.deepEqual(verbs(r), ['update', 'delete']);
		assert.ok(r.actions.every((a) => a.object.metadata?.namespace === ns));
		for (const twin of twins) {
			assert.ok(r.slices.includes(twin), `other/${twin.metadata?.name} must be left in the store as it was`);
		}
		assert.equal(r.slices.length, 3);
	});

	it('TestSyncServiceEndpointSliceLabelSelection: managedSlicesForService keeps same-namespace, both-labelled, not-deleting slices', () => {
		const keep = makeSlice('keep');
		const slices = [
			keep,
			makeSlice('other-ns', { namespace: 'other' }),
			makeSlice('no-managed-by', { labels: { [labelServiceName]: svcName } }),
			makeSlice('mirrored', {
				labels: { [labelServiceName]: svcName, [labelManagedBy]: 'endpointslicemirroring-controller.k8s.io' },
			}),
			makeSlice('dying', { deletionTimestamp: '2024-01-02T06:00:00Z' }),
		];
		assert.deepEqual(managedSlicesForService(makeService(), slices, endpointSliceControllerName), [keep]);
	});

	it('TestSyncServiceEndpointSliceLabelSelection: a controller with another controllerName manages only its own slices', () => {
		const ours = makeSlice('ours', { labels: { [labelServiceName]: svcName, [labelManagedBy]: 'custom.example.com' } });
		const defaults = makeSlice('theirs');
		const r = syncOnce(makeService(), store([], [ours, defaults]), { controllerName: 'custom.example.com' });
		// Its own empty slice already is the placeholder; the default controller's slice is not its business.
		assert.deepEqual(r.actions, []);
		assert.deepEqual(r.slices, [ours, defaults]);
	});
});

// ---------------------------------------------------------------------------------------------------------------
// Ownership
// ---------------------------------------------------------------------------------------------------------------

describe('EndpointSliceController.syncService: ownership of managed slices', () => {
	it('TestOnEndpointSliceUpdate: a slice whose managed-by label a user changed is no longer managed; the controller creates its own', () => {
		const first = syncOnce(makeService(), store([makePod('pod0')]));
		const taken = structuredClone(onlySlice(first));
		taken.metadata!.labels![labelManagedBy] = 'something else';
		const r = syncOnce(makeService(), store([makePod('pod0')], [taken]));
		assert.deepEqual(verbs(r), ['create']);
		assert.deepEqual(r.actions[0]!.object.endpoints, [expectedEndpoint('pod0', '10.0.0.1', readyEp)]);
		assert.ok(r.slices.includes(taken));
		assert.equal(r.slices.length, 2);
	});

	it('TestOnEndpointSliceUpdate: a slice relabelled to another Service is deleted by that Service’s sync (it does not own it)', () => {
		const first = syncOnce(makeService(), store([makePod('pod0')]));
		const moved = structuredClone(onlySlice(first));
		moved.metadata!.labels![labelServiceName] = 'other';
		const other = makeService((s) => {
			s.metadata!.name = 'other';
			s.metadata!.uid = 'uid-other';
			s.spec!.selector = { app: 'other' };
		});
		const r = new EndpointSliceController().syncService(other, store([makePod('pod0')], [moved]));
		// The foreign-owned slice goes; other's placeholder is created (creates are issued before deletes).
		assert.deepEqual(verbs(r), ['create', 'delete']);
		assert.equal(r.actions[1]!.object.metadata?.name, moved.metadata?.name);
		assert.equal(r.actions[0]!.object.metadata?.ownerReferences?.[0]?.uid, 'uid-other');
	});

	it('ownedBy (TestSyncServiceEndpointSliceLabelSelection ownerRef): a managed slice owned by an older Service UID is deleted and replaced, not recycled', () => {
		const stale = makeSlice('testing-1-stale', {
			ownerUID: 'uid-of-deleted-service',
			endpoints: [expectedEndpoint('pod0', '10.0.0.1', readyEp)],
		});
		stale.ports = [{ name: '', port: 80, protocol: 'TCP' }];
		const r = syncOnce(makeService(), store([makePod('pod0')], [stale]));
		assert.deepEqual(verbs(r), ['create', 'delete']);
		assert.equal(r.actions[1]!.object.metadata?.name, 'testing-1-stale');
		const created = r.actions[0]!.object;
		assert.equal(created.metadata?.ownerReferences?.[0]?.uid, svcUID);
		assert.deepEqual(created.endpoints, [expectedEndpoint('pod0', '10.0.0.1', readyEp)]);
		assert.equal(r.slices.length, 1);
		assert.notEqual(r.slices[0]!.metadata?.name, 'testing-1-stale');
	});

	it('ownedBy + placeholderSliceCompare: with no pods, a lone empty slice of an older Service UID already passes as the placeholder (no writes)', () => {
		// Upstream's placeholderSliceCompare registers an ObjectMeta equality func (namespace + labels only); the forked
		// DeepEqual calls it instead of descending into ObjectMeta, so ownerReferences are never compared. The delete of
		// the unowned slice is cancelled; the garbage collector removes it later and the next sync creates a placeholder.
		const stale = makeSlice('testing-1-stale', { ownerUID: 'uid-of-deleted-service' });
		const r = syncOnce(makeService(), store([], [stale]));
		assert.deepEqual(r.actions, []);
		assert.deepEqual(r.slices, [stale]);
	});

	it('ownedBy: with no pods, a non-empty slice of an older Service UID is deleted and a placeholder created (not recycled)', () => {
		const stale = makeSlice('testing-1-stale', {
			ownerUID: 'uid-of-deleted-service',
			endpoints: [expectedEndpoint('pod0', '10.0.0.1', readyEp)],
		});
		const r = syncOnce(makeService(), store([], [stale]));
		assert.deepEqual(verbs(r), ['create', 'delete']);
		assert.equal(r.actions[1]!.object.metadata?.name, 'testing-1-stale');
		const placeholder = onlySlice(r);
		assert.deepEqual(placeholder.endpoints, []);
		assert.equal(placeholder.metadata?.ownerReferences?.[0]?.uid, svcUID);
	});
});

// ---------------------------------------------------------------------------------------------------------------
// TestSyncService: the endpoints written, exactly
// ---------------------------------------------------------------------------------------------------------------

describe('EndpointSliceController.syncService: TestSyncService table', () => {
	const threePorts = (s: Service) => {
		s.spec!.ports = [
			{ name: 'tcp-example', port: 80, targetPort: 80, protocol: 'TCP' },
			{ name: 'udp-example', port: 161, targetPort: 161, protocol: 'UDP' },
			{ name: 'sctp-example', port: 3456, targetPort: 3456, protocol: 'SCTP' },
		];
	};
	const expectedPorts = [
		{ name: 'tcp-example', port: 80, protocol: 'TCP' },
		{ name: 'udp-example', port: 161, protocol: 'UDP' },
		{ name: 'sctp-example', port: 3456, protocol: 'SCTP' },
	];

	/**
	 * One create, one slice, the creationTimestamp as trigger time, the three ports (upstream compares them with
	 * ElementsMatch: NewPortMapKey sorts them in place by hash, so the slice does not list them in Service order).
	 */
	function syncTable(service: Service, pods: Pod[]): EndpointSlice {
		const r = syncOnce(service, store(pods));
		assert.equal(r.error, null);
		assert.deepEqual(verbs(r), ['create']);
		const slice = onlySlice(r);
		assert.equal(triggerTimeOf(slice), createdAt);
		const byName = (a: { name?: string }, b: { name?: string }) => (a.name ?? '').localeCompare(b.name ?? '');
		assert.deepEqual([...(slice.ports ?? [])].sort(byName), [...expectedPorts].sort(byName));
		return slice;
	}

	it('NewPortMapKey side effect: slice ports are in upstream hash order (fnv128a of the spew text), not Service order', () => {
		const slice = syncTable(makeService(threePorts), [makePod('pod0', { ips: ['10.0.0.1'] })]);
		assert.deepEqual(
			(slice.ports ?? []).map((p) => p.name),
			['udp-example', 'tcp-example', 'sctp-example'],
		);
	});

	it('TestSyncService: pods with multiple IPs and ipFamilies=[IPv4] publish only their IPv4 address', () => {
		const slice = syncTable(makeService(threePorts), [
			makePod('pod0', { ips: ['10.0.0.1'] }),
			makePod('pod1', { ips: ['10.0.0.2', 'fd08::5678:0000:0000:9abc:def0'] }),
		]);
		assert.equal(slice.addressType, 'IPv4');
		assert.deepEqual(byTargetName(slice.endpoints), [
			expectedEndpoint('pod0', '10.0.0.1', readyEp),
			expectedEndpoint('pod1', '10.0.0.2', readyEp),
		]);
	});

	it('TestSyncService: pods with multiple IPs and ipFamilies=[IPv6] publish only the IPv6 one, canonicalized (v1.33+, #130101)', () => {
		const service = makeService((s) => {
			threePorts(s);
			s.spec!.ipFamilies = ['IPv6'];
			s.spec!.clusterIP = 'fd00::10';
			s.spec!.clusterIPs = ['fd00::10'];
		});
		const slice = syncTable(service, [
			makePod('pod0', { ips: ['10.0.0.1'] }),
			makePod('pod1', { ips: ['10.0.0.2', 'fd08::5678:0000:0000:9abc:def0'] }),
		]);
		assert.equal(slice.addressType, 'IPv6');
		// Upstream's test at 003e8629 still expects the verbatim string; ParseIPSloppy(..).String() since v1.33.
		assert.deepEqual(slice.endpoints, [expectedEndpoint('pod1', 'fd08::5678:0:0:9abc:def0', readyEp)]);
	});

	it('TestSyncService: a terminating ready pod is serving and terminating but not ready', () => {
		const slice = syncTable(makeService(threePorts), [
			makePod('pod0'),
			makePod('pod1', { terminating: true }),
		]);
		assert.deepEqual(byTargetName(slice.endpoints), [
			expectedEndpoint('pod0', '10.0.0.1', readyEp),
			expectedEndpoint('pod1', '10.0.0.2', { ready: false, serving: true, terminating: true }),
		]);
	});

	it('TestSyncService: a terminating unready pod is neither ready nor serving', () => {
		const slice = syncTable(makeService(threePorts), [
			makePod('pod0'),
			makePod('pod1', { terminating: true, ready: false }),
		]);
		assert.deepEqual(byTargetName(slice.endpoints), [
			expectedEndpoint('pod0', '10.0.0.1', readyEp),
			expectedEndpoint('pod1', '10.0.0.2', { ready: false, serving: false, terminating: true }),
		]);
	});

	it('TestSyncService: a ready and an unready pod sharing one IP are two endpoints', () => {
		const slice = syncTable(makeService(threePorts), [
			makePod('pod0', { ips: ['10.0.0.1'] }),
			makePod('pod1', { ips: ['10.0.0.1'], ready: false }),
		]);
		assert.deepEqual(byTargetName(slice.endpoints), [
			expectedEndpoint('pod0', '10.0.0.1', readyEp),
			expectedEndpoint('pod1', '10.0.0.1', notReadyEp),
		]);
	});

	it('TestSyncService: two ready pods sharing one IP are both published (#115907)', () => {
		const slice = syncTable(makeService(threePorts), [
			makePod('pod0', { ips: ['10.0.0.1'] }),
			makePod('pod1', { ips: ['10.0.0.1'] }),
		]);
		assert.deepEqual(byTargetName(slice.endpoints), [
			expectedEndpoint('pod0', '10.0.0.1', readyEp),
			expectedEndpoint('pod1', '10.0.0.1', readyEp),
		]);
	});

	it('TestSyncService: terminal pods (Failed, Succeeded) and pods without an IP in podIPs are left out; Pending and Unknown are kept', () => {
		const slice = syncTable(makeService(threePorts), [
			makePod('pod0'),
			makePod('pod1', { phase: 'Failed' }),
			makePod('pod2', { phase: 'Succeeded' }),
			makePod('pod3', { ips: [] }),
			makePod('pod4', { singularIPOnly: true }),
			makePod('pod5', { phase: 'Pending', ready: false }),
			makePod('pod6', { phase: 'Unknown' }),
		]);
		assert.deepEqual(byTargetName(slice.endpoints), [
			expectedEndpoint('pod0', '10.0.0.1', readyEp),
			expectedEndpoint('pod5', '10.0.0.6', notReadyEp),
			expectedEndpoint('pod6', '10.0.0.7', readyEp),
		]);
	});

	it('TestSyncService: publishNotReadyAddresses makes every endpoint ready, serving and terminating still tell the truth', () => {
		const service = makeService((s) => {
			threePorts(s);
			s.spec!.publishNotReadyAddresses = true;
		});
		const slice = syncTable(service, [
			makePod('pod0', { ready: false }),
			makePod('pod1', { terminating: true }),
			makePod('pod2', { terminating: true, ready: false }),
		]);
		assert.deepEqual(byTargetName(slice.endpoints), [
			expectedEndpoint('pod0', '10.0.0.1', { ready: true, serving: false, terminating: false }),
			expectedEndpoint('pod1', '10.0.0.2', { ready: true, serving: true, terminating: true }),
			expectedEndpoint('pod2', '10.0.0.3', { ready: true, serving: false, terminating: true }),
		]);
	});

	it('TestSyncService: a dual-stack Service gets one slice per family, each endpoint carrying only that family’s address', () => {
		const service = makeService((s) => {
			s.spec!.ipFamilies = ['IPv4', 'IPv6'];
			s.spec!.clusterIPs = ['10.96.0.10', 'fd00::10'];
		});
		const r = syncOnce(service, store([
			makePod('pod0', { ips: ['10.0.0.1', 'fd00::1'] }),
			makePod('pod1', { ips: ['10.0.0.2'] }),
		]));
		assert.deepEqual(verbs(r), ['create', 'create']);
		const v4 = r.slices.find((s) => s.addressType === 'IPv4')!;
		const v6 = r.slices.find((s) => s.addressType === 'IPv6')!;
		assert.deepEqual(byTargetName(v4.endpoints), [
			expectedEndpoint('pod0', '10.0.0.1', readyEp),
			expectedEndpoint('pod1', '10.0.0.2', readyEp),
		]);
		assert.deepEqual(v6.endpoints, [expectedEndpoint('pod0', 'fd00::1', readyEp)]);
		assert.equal(triggerTimeOf(v4), createdAt);
		assert.equal(triggerTimeOf(v6), createdAt);
	});

	it('TestSyncService: the zone comes from the pod’s Node label', () => {
		const nodes = [makeNode('node-1', 'zone-a'), makeNode('node-2')];
		const r = syncOnce(makeService(), store([makePod('pod0'), makePod('pod1', { nodeName: 'node-2' })], [], nodes));
		assert.deepEqual(byTargetName(onlySlice(r).endpoints), [
			expectedEndpoint('pod0', '10.0.0.1', readyEp, { zone: 'zone-a' }),
			expectedEndpoint('pod1', '10.0.0.2', readyEp, { nodeName: 'node-2' }),
		]);
	});
});

// ---------------------------------------------------------------------------------------------------------------
// Pods on Nodes the controller cannot find (kubernetes#107927, fixed by #110639)
// ---------------------------------------------------------------------------------------------------------------

describe('EndpointSliceController.syncService: a pod whose Node is missing', () => {
	const missingMessage = 'skipping Pod pod1 for Service default/testing-1: Node node-missing Not Found';

	it('kubernetes#107927: the pod is skipped, the slice is still written, and FailedToUpdateEndpointSlices is recorded', () => {
		const r = syncOnce(makeService(), store([makePod('pod0'), makePod('pod1', { nodeName: 'node-missing' })]));
		assert.deepEqual(verbs(r), ['create']);
		assert.deepEqual(onlySlice(r).endpoints, [expectedEndpoint('pod0', '10.0.0.1', readyEp)]);
		assert.equal(r.error, missingMessage);
		const failed = r.events.filter((e) => e.reason === 'FailedToUpdateEndpointSlices');
		assert.deepEqual(
			failed.map((e) => [e.type, e.message]),
			[['Warning', `Error updating Endpoint Slices for Service default/testing-1: ${missingMessage}`]],
		);
	});

	it('kubernetes#107927: when it is the only pod, the Service gets the placeholder and the error', () => {
		const r = syncOnce(makeService(), store([makePod('pod1', { nodeName: 'node-missing' })]));
		assert.deepEqual(verbs(r), ['create']);
		assert.deepEqual(onlySlice(r).endpoints, []);
		assert.deepEqual(onlySlice(r).ports, []);
		assert.equal(r.error, missingMessage);
	});

	it('kubernetes#107927: an existing endpoint of that pod is removed from its slice', () => {
		const first = syncOnce(makeService(), store([makePod('pod0'), makePod('pod1')]));
		const r = syncOnce(makeService(), store([makePod('pod0'), makePod('pod1', { nodeName: 'node-missing' })], first.slices));
		assert.deepEqual(verbs(r), ['update']);
		assert.deepEqual(r.actions[0]!.object.endpoints, [expectedEndpoint('pod0', '10.0.0.1', readyEp)]);
		assert.equal(r.error, missingMessage);
	});

	it('kubernetes#107927: with publishNotReadyAddresses the pod is published anyway, without a zone, and no error', () => {
		const service = makeService((s) => {
			s.spec!.publishNotReadyAddresses = true;
		});
		const r = syncOnce(service, store([makePod('pod1', { nodeName: 'node-missing' })]));
		assert.deepEqual(onlySlice(r).endpoints, [expectedEndpoint('pod1', '10.0.0.2', readyEp, { nodeName: 'node-missing' })]);
		assert.equal(r.error, null);
		assert.deepEqual(r.events.filter((e) => e.reason === 'FailedToUpdateEndpointSlices'), []);
	});

	it('kubernetes#107927: errors aggregate like utilerrors.NewAggregate (de-duplicated across families, bracketed when several)', () => {
		const dual = makeService((s) => {
			s.spec!.ipFamilies = ['IPv4', 'IPv6'];
			s.spec!.clusterIPs = ['10.96.0.10', 'fd00::10'];
		});
		const one = syncOnce(dual, store([makePod('pod1', { nodeName: 'node-missing', ips: ['10.0.0.2', 'fd00::2'] })]));
		assert.equal(one.error, missingMessage);

		const two = syncOnce(makeService(), store([
			makePod('pod1', { nodeName: 'node-missing' }),
			makePod('pod2', { nodeName: 'node-gone' }),
		]));
		assert.equal(
			two.error,
			`[${missingMessage}, skipping Pod pod2 for Service default/testing-1: Node node-gone Not Found]`,
		);
	});
});

// ---------------------------------------------------------------------------------------------------------------
// The last-change-trigger-time annotation
// ---------------------------------------------------------------------------------------------------------------

describe('EndpointSliceController.syncService: endpoints.kubernetes.io/last-change-trigger-time', () => {
	it('trigger time (TestSyncService): a never-seen Service gets its creationTimestamp, not its pods’ Ready transitions', () => {
		const pods = [
			makePod('pod0', { readySince: '2024-01-02T02:00:00Z' }),
			makePod('pod1', { readySince: '2024-01-02T03:30:00Z' }),
		];
		const r = syncOnce(makeService(), store(pods));
		assert.equal(triggerTimeOf(onlySlice(r)), createdAt);
	});

	it('trigger time: printed as Go’s UTC RFC3339Nano, whatever offset the timestamp was written with', () => {
		const service = makeService((s) => {
			s.metadata!.creationTimestamp = '2024-01-02T05:04:05+02:00';
		});
		const r = syncOnce(service, store([makePod('pod0')]));
		assert.equal(triggerTimeOf(onlySlice(r)), '2024-01-02T03:04:05Z');
	});

	it('trigger time: a Service with no creationTimestamp (an un-applied manifest) gets no annotation', () => {
		const service = makeService((s) => {
			delete s.metadata!.creationTimestamp;
		});
		const r = syncOnce(service, store([makePod('pod0', { readySince: '2024-01-02T02:00:00Z' })]));
		assert.deepEqual(verbs(r), ['create']);
		assert.equal(triggerTimeOf(onlySlice(r)), undefined);
	});

	it('trigger time: on a later sync of a long-lived controller, the earliest Ready transition among changed pods counts', () => {
		const controller = new EndpointSliceController();
		const pod0 = makePod('pod0', { readySince: '2024-01-02T03:10:00Z' });
		const first = controller.syncService(makeService(), store([pod0]));
		assert.equal(triggerTimeOf(onlySlice(first)), createdAt);

		const pods = [
			pod0,
			makePod('pod1', { readySince: '2024-01-02T03:25:00Z' }),
			makePod('pod2', { readySince: '2024-01-02T03:20:00Z' }),
		];
		const second = controller.syncService(makeService(), store(pods, first.slices));
		assert.deepEqual(verbs(second), ['update']);
		// pod0's 03:10 did not change, so it does not count although it is the earliest.
		assert.equal(triggerTimeOf(second.actions[0]!.object), '2024-01-02T03:20:00Z');
	});

	it('trigger time: a pod whose Ready condition moved forward counts', () => {
		const controller = new EndpointSliceController();
		const first = controller.syncService(makeService(), store([makePod('pod0', { readySince: '2024-01-02T03:10:00Z' })]));
		const flipped = makePod('pod0', { ready: false, readySince: '2024-01-02T03:40:00Z' });
		const second = controller.syncService(makeService(), store([flipped], first.slices));
		assert.deepEqual(verbs(second), ['update']);
		assert.equal(triggerTimeOf(second.actions[0]!.object), '2024-01-02T03:40:00Z');
	});

	it('trigger time: when nothing with a trigger time changed (a pod went away), the annotation is removed from the slice written', () => {
		const controller = new EndpointSliceController();
		const pods = [makePod('pod0', { readySince: '2024-01-02T03:10:00Z' }), makePod('pod1', { readySince: '2024-01-02T03:11:00Z' })];
		const first = controller.syncService(makeService(), store(pods));
		assert.equal(triggerTimeOf(onlySlice(first)), createdAt);
		const second = controller.syncService(makeService(), store([pods[0]!], first.slices));
		assert.deepEqual(verbs(second), ['update']);
		assert.equal(triggerTimeOf(second.actions[0]!.object), undefined);
	});

	it('trigger time: each fresh controller treats the Service as never seen', () => {
		const first = syncOnce(makeService(), store([makePod('pod0', { readySince: '2024-01-02T03:10:00Z' })]));
		const second = syncOnce(makeService(), store([
			makePod('pod0', { readySince: '2024-01-02T03:10:00Z' }),
			makePod('pod1', { readySince: '2024-01-02T03:50:00Z' }),
		], first.slices));
		assert.deepEqual(verbs(second), ['update']);
		assert.equal(triggerTimeOf(second.actions[0]!.object), createdAt);
	});

	it('trigger time: the tracker is updated on a no-op sync too, so a change seen then does not count later', () => {
		const controller = new EndpointSliceController();
		const pod0 = makePod('pod0', { readySince: '2024-01-02T03:10:00Z' });
		const first = controller.syncService(makeService(), store([pod0]));
		// pod1 exists but has no IP yet: no write, but its Ready transition (03:30) is recorded.
		const pod1NoIP = makePod('pod1', { ips: [], ready: false, readySince: '2024-01-02T03:30:00Z' });
		const noop = controller.syncService(makeService(), store([pod0, pod1NoIP], first.slices));
		assert.deepEqual(noop.actions, []);
		// pod1 gets its IP (no Ready change) while pod2 turns up ready at 03:45.
		const pod1 = makePod('pod1', { ready: false, readySince: '2024-01-02T03:30:00Z' });
		const pod2 = makePod('pod2', { readySince: '2024-01-02T03:45:00Z' });
		const third = controller.syncService(makeService(), store([pod0, pod1, pod2], first.slices));
		assert.deepEqual(verbs(third), ['update']);
		assert.equal(triggerTimeOf(third.actions[0]!.object), '2024-01-02T03:45:00Z');
	});
});

// ---------------------------------------------------------------------------------------------------------------
// Batching tests: the sync outcomes behind their request counts
// ---------------------------------------------------------------------------------------------------------------

describe('EndpointSliceController.syncService: outcomes behind TestPod{Adds,Updates,Delete}Batching', () => {
	/** Runs one sync per batch with a long-lived controller, carrying the slices over; returns every write. */
	function runBatches(batches: Pod[][]): SyncResult['actions'] {
		const controller = new EndpointSliceController();
		let slices: EndpointSlice[] = [];
		const all: SyncResult['actions'] = [];
		for (const pods of batches) {
			const r = controller.syncService(makeService(), store(pods, slices));
			assert.equal(r.error, null);
			all.push(...r.actions);
			slices = r.slices;
		}
		return all;
	}
	const pods = (names: string[], ip?: (name: string) => string | undefined) =>
		names.map((n) => {
			const addr = ip?.(n);
			return makePod(n, addr ? { ips: [addr] } : {});
		});
	const ten = Array.from({ length: 10 }, (_, i) => `pod${i}`);

	it('TestPodAddsBatching: three adds synced one by one are 1 create + 2 updates; in one batch, 1 create; in two batches, 2 writes', () => {
		const oneByOne = runBatches([pods(['pod0']), pods(['pod0', 'pod1']), pods(['pod0', 'pod1', 'pod2'])]);
		assert.deepEqual(oneByOne.map((a) => a.verb), ['create', 'update', 'update']);
		assert.equal(oneByOne[2]!.object.endpoints?.length, 3);

		const oneBatch = runBatches([pods(['pod0', 'pod1', 'pod2'])]);
		assert.deepEqual(oneBatch.map((a) => a.verb), ['create']);
		assert.equal(oneBatch[0]!.object.endpoints?.length, 3);

		const twoBatches = runBatches([pods(['pod0', 'pod1']), pods(['pod0', 'pod1', 'pod2'])]);
		assert.deepEqual(twoBatches.map((a) => a.verb), ['create', 'update']);
	});

	it('TestPodUpdatesBatching: IP changes of existing pods, one by one are 3 writes, batched 1, in two batches 2', () => {
		const moved = (changed: string[]) => (n: string) => (changed.includes(n) ? `10.1.0.${Number(n.slice(3)) + 1}` : undefined);
		const oneByOne = runBatches([
			pods(ten, moved(['pod0'])),
			pods(ten, moved(['pod0', 'pod1'])),
			pods(ten, moved(['pod0', 'pod1', 'pod2'])),
		]);
		assert.deepEqual(oneByOne.map((a) => a.verb), ['create', 'update', 'update']);
		const last = oneByOne[2]!.object;
		assert.equal(last.endpoints?.length, 10);
		assert.deepEqual(
			byTargetName(last.endpoints).slice(0, 3).map((e) => e.addresses[0]),
			['10.1.0.1', '10.1.0.2', '10.1.0.3'],
		);

		assert.deepEqual(runBatches([pods(ten, moved(['pod0', 'pod1', 'pod2']))]).map((a) => a.verb), ['create']);
		assert.deepEqual(
			runBatches([pods(ten, moved(['pod0', 'pod1'])), pods(ten, moved(['pod0', 'pod1', 'pod2']))]).map((a) => a.verb),
			['create', 'update'],
		);
	});

	it('TestPodDeleteBatching: deletes one by one are 3 writes, batched 1, in two batches 2', () => {
		const oneByOne = runBatches([pods(ten.slice(1)), pods(ten.slice(2)), pods(ten.slice(3))]);
		assert.deepEqual(oneByOne.map((a) => a.verb), ['create', 'update', 'update']);
		assert.equal(oneByOne[2]!.object.endpoints?.length, 7);

		const oneBatch = runBatches([pods(ten.slice(3))]);
		assert.deepEqual(oneBatch.map((a) => a.verb), ['create']);
		assert.equal(oneBatch[0]!.object.endpoints?.length, 7);

		assert.deepEqual(runBatches([pods(ten.slice(2)), pods(ten.slice(3))]).map((a) => a.verb), ['create', 'update']);
	});

	it('TestPodUpdatesBatching: a pod update that changes nothing the slice shows writes nothing', () => {
		const controller = new EndpointSliceController();
		const first = controller.syncService(makeService(), store(pods(['pod0', 'pod1'])));
		const relabelled = pods(['pod0', 'pod1']);
		relabelled[0]!.metadata!.labels = { foo: 'bar', version: 'v2' };
		relabelled[0]!.metadata!.resourceVersion = '42';
		const r = controller.syncService(makeService(), store(relabelled, first.slices));
		assert.deepEqual(r.actions, []);
	});
});
