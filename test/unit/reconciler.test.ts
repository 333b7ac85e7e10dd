/**
 * The EndpointSlice reconciler against what upstream's own tests assert
 * (kubernetes/kubernetes `staging/src/k8s.io/endpointslice/reconciler_test.go`). Each case is named after the upstream
 * test it follows and checks the same outcome: action verbs and order, slice counts and lengths, endpoint fields,
 * labels, recycled names, errors. Upstream fills slices from a Go map ("any" endpoint), so like upstream these cases
 * assert counts and lengths; the determinism cases at the end pin down our own (insertion-order) choice separately.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Reconciler, applySliceActions } from '../../src/core/controllers/endpointslice/reconciler';
import type { ReconcileResult } from '../../src/core/controllers/endpointslice/reconciler';
import { TopologyCache } from '../../src/core/controllers/endpointslice/topologyCache';
import { newEndpointSlice, podToEndpoint } from '../../src/core/controllers/endpointslice/utils';
import type { EndpointSlice, Node, Pod, Service } from '../../src/core/k8s/types';
import {
	labelHeadlessKey,
	labelManagedByKey,
	labelServiceNameKey,
	newEndpoint,
	newNode,
	newPod,
	newPods,
	newService,
	newSlice,
	podNamesIn,
	sliceControllerName,
	sliceLengths,
	triggerTimeAnnotationKey,
} from './support/builders';

const node1 = newNode('node-1');
const triggerTime = '2024-05-06T07:08:09.123456789Z';
const topologyAwareHintsAnnotation = 'service.kubernetes.io/topology-aware-hints';

interface RunOptions {
	max?: number;
	nodes?: readonly Node[];
	trigger?: string;
	reconciler?: Reconciler;
}

function run(
	svc: Service,
	pods: readonly Pod[],
	existing: readonly EndpointSlice[] = [],
	options: RunOptions = {},
): ReconcileResult {
	const r = options.reconciler ?? new Reconciler({ maxEndpointsPerSlice: options.max ?? 100 });
	return r.reconcile(svc, pods, existing, options.nodes ?? [node1], options.trigger ?? triggerTime);
}

function verbs(result: ReconcileResult): string[] {
	return result.actions.map((a) => a.verb);
}

function written(result: ReconcileResult, verb: 'create' | 'update' | 'delete'): EndpointSlice[] {
	return result.actions.filter((a) => a.verb === verb).map((a) => a.object);
}

function namesOf(slices: readonly EndpointSlice[]): string[] {
	return slices.map((s) => s.metadata?.name ?? '');
}

/** Upstream's "ready 2 of 3" pod population: pod i is unready when i % 3 == 0. */
function twoThirdsReady(count: number): Pod[] {
	return newPods(count, (i) => ({ ready: i % 3 !== 0 }));
}

/** Existing slice `<svc>-<n>` holding the endpoints of `pods` as a Node without labels would give them. */
function sliceWith(
	n: number,
	svc: Service,
	pods: readonly Pod[],
	options: { addressType?: string } = {},
): EndpointSlice {
	return newSlice(n, svc, {
		addressType: options.addressType,
		endpoints: pods.map((p) => podToEndpoint(p, newNode(p.spec?.nodeName ?? ''), svc, 'IPv4')),
	});
}

describe('Reconciler (upstream reconciler_test.go)', () => {
	describe('TestReconcileEmpty', () => {
		it('TestReconcileEmpty: no pods → one placeholder create with no ports and no endpoints', () => {
			const svc = newService();
			const result = run(svc, []);
			assert.deepEqual(verbs(result), ['create']);
			assert.equal(result.error, null);
			assert.equal(result.created.length, 1);
			const slice = result.created[0]!;
			assert.match(slice.metadata?.name ?? '', /^foo-/);
			assert.equal(slice.metadata?.generateName, 'foo-');
			assert.equal(slice.metadata?.labels?.[labelServiceNameKey], 'foo');
			assert.deepEqual(slice.ports, []);
			assert.deepEqual(slice.endpoints, []);
		});
	});

	describe('TestReconcile1Pod', () => {
		const pod1 = newPod(1, { ips: ['1.2.3.4', '1234::5678:0000:0000:9abc:def0'], hostname: 'example-hostname' });
		const zonedNode = newNode('node-1', {
			zone: 'us-central1-a',
			labels: { 'topology.kubernetes.io/region': 'us-central1' },
		});
		const expected = (address: string) => ({
			addresses: [address],
			conditions: { ready: true, serving: true, terminating: false },
			zone: 'us-central1-a',
			nodeName: 'node-1',
			targetRef: { kind: 'Pod', namespace: 'test', name: 'pod1', uid: pod1.metadata!.uid },
		});
		const v4 = expected('1.2.3.4');
		// Canonicalized as utilnet.ParseIPSloppy(ip).String() (v1.33+, kubernetes#130101).
		const v6 = expected('1234::5678:0:0:9abc:def0');
		const managed = { [labelManagedByKey]: sliceControllerName, [labelServiceNameKey]: 'foo' };
		const headless = { ...managed, [labelHeadlessKey]: '' };
		const cases: { name: string; svc: Service; want: Record<string, unknown>; labels: Record<string, string> }[] = [
			{
				name: 'no-family-service: clusterIP 10.0.0.10, no ipFamilies → one IPv4 slice, no headless label',
				svc: newService('foo', { clusterIP: '10.0.0.10', ipFamilies: null }),
				want: { IPv4: v4 },
				labels: managed,
			},
			{
				name: 'ipv4: no clusterIP → IPv4 slice with the headless label',
				svc: newService(),
				want: { IPv4: v4 },
				labels: headless,
			},
			{
				name: 'ipv4-clusterip: clusterIP 1.1.1.1 → no headless label',
				svc: newService('foo', { clusterIP: '1.1.1.1' }),
				want: { IPv4: v4 },
				labels: managed,
			},
			{
				name: 'ipv4-labels: Service labels are copied',
				svc: newService('foo', { labels: { foo: 'bar' } }),
				want: { IPv4: v4 },
				labels: { ...headless, foo: 'bar' },
			},
			{
				name: 'ipv4-bad-labels: reserved Service labels are ignored',
				svc: newService('foo', {
					labels: {
						[labelServiceNameKey]: 'bad',
						[labelManagedByKey]: 'actor',
						[labelHeadlessKey]: 'invalid',
					},
				}),
				want: { IPv4: v4 },
				labels: headless,
			},
			{
				name: 'ipv6: IPv6 family → canonical IPv6 address, headless label',
				svc: newService('foo', { ipFamilies: ['IPv6'] }),
				want: { IPv6: v6 },
				labels: headless,
			},
			{
				name: 'ipv6-clusterip: IPv6 clusterIP → no headless label',
				svc: newService('foo', { ipFamilies: ['IPv6'], clusterIP: '1234::5678:0000:0000:9abc:def1' }),
				want: { IPv6: v6 },
				labels: managed,
			},
			{
				name: 'dualstack-service: one slice per family, each with only its own address',
				svc: newService('foo', {
					ipFamilies: ['IPv4', 'IPv6'],
					clusterIP: '10.0.0.10',
					clusterIPs: ['10.0.0.10', '2000::1'],
				}),
				want: { IPv4: v4, IPv6: v6 },
				labels: managed,
			},
		];
		for (const tc of cases) {
			it(`TestReconcile1Pod ${tc.name}`, () => {
				const result = run(tc.svc, [pod1], [], { nodes: [zonedNode] });
				assert.equal(result.error, null);
				const families = Object.keys(tc.want);
				assert.deepEqual(
					verbs(result),
					families.map(() => 'create'),
				);
				assert.equal(result.created.length, families.length);
				assert.deepEqual(result.created.map((s) => s.addressType).sort(), [...families].sort());
				for (const slice of result.created) {
					assert.ok(slice.metadata?.name?.startsWith('foo'));
					assert.deepEqual(slice.metadata?.labels, tc.labels);
					assert.equal(slice.metadata?.annotations?.[triggerTimeAnnotationKey], triggerTime);
					assert.equal(slice.endpoints?.length, 1);
					// The pod's hostname is not published: its subdomain does not name the Service.
					assert.deepEqual(slice.endpoints![0], tc.want[slice.addressType]);
				}
			});
		}
	});

	describe('TestReconcile1EndpointSlice', () => {
		const svc = newService();
		it('TestReconcile1EndpointSlice No existing placeholder: 1 create', () => {
			const result = run(svc, []);
			assert.deepEqual(verbs(result), ['create']);
		});
		it("TestReconcile1EndpointSlice Existing placeholder that's the same: no writes", () => {
			const placeholder = newEndpointSlice(svc, { ports: [], addressType: 'IPv4' }, sliceControllerName);
			placeholder.metadata!.name = 'foo-abcde';
			const result = run(svc, [], [placeholder]);
			assert.deepEqual(result.actions, []);
			assert.deepEqual(applySliceActions([placeholder], result), [placeholder]);
		});
		it("TestReconcile1EndpointSlice Existing placeholder that's different: 1 update (the create is recycled)", () => {
			const different = newSlice(1, svc, { labels: { bar: 'baz' } });
			const result = run(svc, [], [different]);
			assert.deepEqual(verbs(result), ['update']);
			const updated = result.actions[0]!.object;
			assert.equal(updated.metadata?.name, 'foo-1');
			assert.deepEqual(updated.ports, []);
			assert.deepEqual(updated.endpoints, []);
			assert.equal(applySliceActions([different], result).length, 1);
		});
		it('TestReconcile1EndpointSlice + placeholderSliceCompare: a lone placeholder owned by an old Service UID equals the new one (ownerReferences are not compared) → no writes', () => {
			// reconcileByAddressType puts the unowned slice in slicesToDelete; the placeholder check then compares it
			// with placeholderSliceCompare, whose ObjectMeta func looks only at namespace and labels.
			const stale = newEndpointSlice(svc, { ports: [], addressType: 'IPv4' }, sliceControllerName);
			stale.metadata!.name = 'foo-old';
			stale.metadata!.ownerReferences = [{ ...stale.metadata!.ownerReferences![0]!, uid: 'old-uid' }];
			const result = run(svc, [], [stale]);
			assert.deepEqual(result.actions, []);
		});
	});

	describe('TestReconcile1EndpointSlicePublishNotReadyAddresses', () => {
		it('TestReconcile1EndpointSlicePublishNotReadyAddresses: 50 pods, 1/3 unready → 1 create, all 50 endpoints ready', () => {
			const svc = newService('foo', { publishNotReadyAddresses: true });
			const result = run(svc, twoThirdsReady(50));
			assert.deepEqual(verbs(result), ['create']);
			assert.deepEqual(sliceLengths(result.created), [50]);
			for (const ep of result.created[0]!.endpoints ?? []) {
				assert.equal(ep.conditions?.ready, true);
			}
			assert.equal(result.created[0]!.endpoints!.filter((e) => e.conditions?.serving === false).length, 17);
		});
	});

	describe('TestReconcileManyPods', () => {
		it('TestReconcileManyPods: 250 pods, no slices → 3 creates of {100,100,50}', () => {
			const result = run(newService(), twoThirdsReady(250));
			assert.deepEqual(verbs(result), ['create', 'create', 'create']);
			assert.deepEqual(sliceLengths(result.created), [100, 100, 50]);
		});
	});

	describe('TestReconcileEndpointSlicesSomePreexisting', () => {
		it('TestReconcileEndpointSlicesSomePreexisting: 62+61 existing, 127 new → create 100, update 62→89', () => {
			const svc = newService();
			const pods = twoThirdsReady(250);
			const slice1 = sliceWith(
				1,
				svc,
				pods.filter((_, i) => i % 4 === 1 && i < 246),
			);
			const slice2 = sliceWith(
				2,
				svc,
				pods.filter((_, i) => i % 4 === 3 && i < 246),
			);
			assert.deepEqual([slice1.endpoints!.length, slice2.endpoints!.length], [62, 61]);
			const existing = [slice1, slice2];
			const before = structuredClone(existing);
			const result = run(svc, pods, existing);
			assert.deepEqual(verbs(result), ['create', 'update']);
			assert.equal(result.actions[1]!.object.metadata?.name, 'foo-1');
			assert.equal(result.actions[1]!.object.endpoints!.length, 89);
			assert.deepEqual(sliceLengths(applySliceActions(existing, result)), [100, 89, 61]);
			// cacheMutationCheck: the input slices are not modified.
			assert.deepEqual(existing, before);
		});
	});

	describe('TestReconcileEndpointSlicesSomePreexistingWorseAllocation', () => {
		it('TestReconcileEndpointSlicesSomePreexistingWorseAllocation: 74+74 existing, 152 new → 2 creates {100,52}, no update', () => {
			const svc = newService();
			const pods = twoThirdsReady(300);
			const slice1 = sliceWith(
				1,
				svc,
				pods.filter((_, i) => i % 4 === 1 && i < 296),
			);
			const slice2 = sliceWith(
				2,
				svc,
				pods.filter((_, i) => i % 4 === 3 && i < 296),
			);
			assert.deepEqual([slice1.endpoints!.length, slice2.endpoints!.length], [74, 74]);
			const existing = [slice1, slice2];
			const before = structuredClone(existing);
			const result = run(svc, pods, existing);
			assert.deepEqual(verbs(result), ['create', 'create']);
			assert.deepEqual(sliceLengths(applySliceActions(existing, result)), [100, 74, 74, 52]);
			assert.deepEqual(existing, before);
		});
	});

	describe('TestReconcileEndpointSlicesUpdating', () => {
		it('TestReconcileEndpointSlicesUpdating: targetPort 80→81 on 3 slices → 3 updates (no create/delete), {100,100,50}', () => {
			const svc = newService();
			const pods = twoThirdsReady(250);
			const r = new Reconciler({ maxEndpointsPerSlice: 100 });
			const first = run(svc, pods, [], { reconciler: r });
			assert.deepEqual(verbs(first), ['create', 'create', 'create']);
			const slices = applySliceActions([], first);
			assert.deepEqual(sliceLengths(slices), [100, 100, 50]);

			const changed = structuredClone(svc);
			changed.spec!.ports![0]!.targetPort = 81;
			const second = run(changed, pods, slices, { reconciler: r });
			assert.deepEqual(verbs(second), ['update', 'update', 'update']);
			assert.deepEqual(namesOf(written(second, 'update')).sort(), namesOf(slices).sort());
			const after = applySliceActions(slices, second);
			assert.deepEqual(sliceLengths(after), [100, 100, 50]);
			for (const s of after) {
				assert.deepEqual(s.ports, [{ name: 'foo', port: 81, protocol: 'TCP' }]);
			}
		});
	});

	describe('TestReconcileEndpointSlicesServicesLabelsUpdating', () => {
		it('TestReconcileEndpointSlicesServicesLabelsUpdating: new Service label → every slice updated with it', () => {
			const svc = newService();
			const pods = twoThirdsReady(250);
			const slices = applySliceActions([], run(svc, pods));
			const labelled = newService('foo', { labels: { foo: 'bar' } });
			const result = run(labelled, pods, slices);
			assert.deepEqual(verbs(result), ['update', 'update', 'update']);
			const after = applySliceActions(slices, result);
			assert.deepEqual(sliceLengths(after), [100, 100, 50]);
			for (const s of after) {
				assert.equal(s.metadata?.labels?.foo, 'bar');
			}
		});
	});

	describe('TestReconcileEndpointSlicesServicesReservedLabels', () => {
		it('TestReconcileEndpointSlicesServicesReservedLabels: Service sets only reserved labels → no writes', () => {
			const svc = newService();
			const pods = twoThirdsReady(250);
			const slices = applySliceActions([], run(svc, pods));
			const evil = newService('foo', {
				labels: { [labelServiceNameKey]: 'bad', [labelManagedByKey]: 'actor', [labelHeadlessKey]: 'invalid' },
			});
			const result = run(evil, pods, slices);
			assert.deepEqual(result.actions, []);
		});
	});

	describe('TestReconcileEndpointSlicesRecycling', () => {
		const svc = newService();
		const pods = twoThirdsReady(300);
		const existing = Array.from({ length: 10 }, (_, k) => sliceWith(k, svc, pods.slice(k * 30, k * 30 + 30)));

		it('TestReconcileEndpointSlicesRecycling: 10 slices of 30, nothing changed → no writes (no repacking)', () => {
			assert.deepEqual(run(svc, pods, existing).actions, []);
		});
		it('TestReconcileEndpointSlicesRecycling: targetPort change → 3 updates + 7 deletes, repacked to {100,100,100}', () => {
			const before = structuredClone(existing);
			const changed = structuredClone(svc);
			changed.spec!.ports![0]!.targetPort = 81;
			const result = run(changed, pods, existing);
			assert.deepEqual(verbs(result), [...Array(3).fill('update'), ...Array(7).fill('delete')]);
			// finalize() pairs the last pending create with the first slice being deleted, and so on.
			assert.deepEqual(namesOf(written(result, 'update')).sort(), ['foo-0', 'foo-1', 'foo-2']);
			assert.deepEqual(namesOf(written(result, 'delete')).sort(), [
				'foo-3',
				'foo-4',
				'foo-5',
				'foo-6',
				'foo-7',
				'foo-8',
				'foo-9',
			]);
			assert.deepEqual(sliceLengths(applySliceActions(existing, result)), [100, 100, 100]);
			assert.equal(result.created.length, 0);
			assert.deepEqual(existing, before);
		});
	});

	describe('TestReconcileEndpointSlicesUpdatePacking', () => {
		it('TestReconcileEndpointSlicesUpdatePacking: 80 and 20 both changing, 15 new → 2 updates, new ones fill the fuller {95,20}', () => {
			const svc = newService();
			const pods = [...newPods(80), ...newPods(20, () => ({}), 100)];
			const existing = [sliceWith(1, svc, pods.slice(0, 80)), sliceWith(2, svc, pods.slice(80))];
			const before = structuredClone(existing);
			const changed = pods.map((p, i) =>
				i % 10 === 0 ? newPod(Number(p.metadata!.name!.slice(3)), { ready: false }) : p,
			);
			changed.push(...newPods(15, () => ({}), 200));
			const result = run(svc, changed, existing);
			assert.deepEqual(verbs(result), ['update', 'update']);
			const byName = new Map(written(result, 'update').map((s) => [s.metadata!.name!, s.endpoints!.length]));
			assert.deepEqual(Object.fromEntries(byName), { 'foo-1': 95, 'foo-2': 20 });
			assert.deepEqual(existing, before);
		});
	});

	describe('TestReconcileEndpointSlicesReplaceDeprecated', () => {
		it('TestReconcileEndpointSlicesReplaceDeprecated: slices of addressType "IP" → 2 creates (IPv4, {100,30}) then 2 deletes', () => {
			const svc = newService();
			const pods = [...newPods(80), ...newPods(50, () => ({}), 100)];
			const existing = [
				sliceWith(1, svc, pods.slice(0, 80), { addressType: 'IP' }),
				sliceWith(2, svc, pods.slice(80), { addressType: 'IP' }),
			];
			const result = run(svc, pods, existing);
			assert.deepEqual(verbs(result), ['create', 'create', 'delete', 'delete']);
			assert.deepEqual(namesOf(written(result, 'delete')).sort(), ['foo-1', 'foo-2']);
			const after = applySliceActions(existing, result);
			assert.deepEqual(sliceLengths(after), [100, 30]);
			assert.ok(after.every((s) => s.addressType === 'IPv4'));
		});
	});

	describe('TestReconcileEndpointSlicesRecreation', () => {
		const svc = newService();
		const pod = newPod(1);
		it('TestReconcileEndpointSlicesRecreation slice owned by Service: no writes', () => {
			const slice = sliceWith(1, svc, [pod]);
			assert.deepEqual(run(svc, [pod], [slice]).actions, []);
		});
		it('TestReconcileEndpointSlicesRecreation slice owned by other Service UID: create then delete, 1 slice left', () => {
			const slice = newSlice(1, svc, {
				ownerUid: 'different',
				endpoints: [podToEndpoint(pod, node1, svc, 'IPv4')],
			});
			const result = run(svc, [pod], [slice]);
			assert.deepEqual(verbs(result), ['create', 'delete']);
			assert.equal(result.actions[1]!.object.metadata?.name, 'foo-1');
			const after = applySliceActions([slice], result);
			assert.equal(after.length, 1);
			assert.equal(after[0]!.metadata?.ownerReferences?.[0]?.uid, 'test-foo');
		});
	});

	describe('TestReconcileEndpointSlicesNamedPorts', () => {
		it('TestReconcileEndpointSlicesNamedPorts: 300 pods resolving "http" to 5 numbers → 5 creates of 60, one port each', () => {
			const svc = newService('named-port-example', {
				ports: [{ port: 80, targetPort: 'http', protocol: 'TCP' }],
			});
			const pods = newPods(300, (i) => ({
				ready: i % 3 !== 0,
				containerPorts: [{ name: 'http', containerPort: 8080 + (i % 5), protocol: 'TCP' }],
			}));
			const result = run(svc, pods);
			assert.deepEqual(verbs(result), Array(5).fill('create'));
			assert.deepEqual(sliceLengths(result.created), [60, 60, 60, 60, 60]);
			const ports = result.created.map((s) => s.ports).sort((a, b) => (a![0]!.port ?? 0) - (b![0]!.port ?? 0));
			assert.deepEqual(
				ports,
				[8080, 8081, 8082, 8083, 8084].map((port) => [{ name: '', port, protocol: 'TCP' }]),
			);
			assert.ok(result.created.every((s) => s.addressType === 'IPv4'));
		});
	});

	describe('TestReconcileMaxEndpointsPerSlice', () => {
		const pods = twoThirdsReady(250);
		const cases: [number, number[]][] = [
			[50, [50, 50, 50, 50, 50]],
			[80, [80, 80, 80, 10]],
			[150, [150, 100]],
			[250, [250]],
			[500, [250]],
		];
		for (const [max, lengths] of cases) {
			it(`TestReconcileMaxEndpointsPerSlice maxEndpointsPerSlice: ${max} → ${lengths.join(',')}`, () => {
				const result = run(newService(), pods, [], { max });
				assert.deepEqual(
					verbs(result),
					lengths.map(() => 'create'),
				);
				assert.deepEqual(sliceLengths(result.created), lengths);
			});
		}
	});

	describe('TestReconcileEndpointSlicesMetrics (counts only)', () => {
		it('TestReconcileEndpointSlicesMetrics: 20 pods → 1 create of 20; then 10 pods → 1 update, 10 removed', () => {
			const svc = newService();
			const pods = newPods(20);
			const first = run(svc, pods);
			assert.deepEqual(verbs(first), ['create']);
			assert.deepEqual(sliceLengths(first.created), [20]);
			const slices = applySliceActions([], first);
			const second = run(svc, pods.slice(0, 10), slices);
			assert.deepEqual(verbs(second), ['update']);
			assert.deepEqual(sliceLengths(applySliceActions(slices, second)), [10]);
		});
	});

	describe('TestReconcilerFinalizeSvcDeletionTimestamp (through reconcile)', () => {
		// 150 pods; foo-1 holds pod0 with a stale (unready) condition, so it is updated and filled to 100 and the
		// other 50 need a new slice.
		const pods = newPods(150);
		const staleUpdate = (svc: Service) =>
			newSlice(1, svc, { endpoints: [podToEndpoint(newPod(0, { ready: false }), node1, svc, 'IPv4')] });
		const oldGroup = (svc: Service) =>
			newSlice(2, svc, { ports: [{ name: 'foo', port: 8080, protocol: 'TCP' }], endpoints: [] });

		it('TestReconcilerFinalizeSvcDeletionTimestamp Attempt create and update, nil deletion timestamp: both issued', () => {
			const svc = newService();
			const result = run(svc, pods, [staleUpdate(svc)]);
			assert.deepEqual(verbs(result), ['create', 'update']);
		});
		it('TestReconcilerFinalizeSvcDeletionTimestamp Attempt create and update, deletion timestamp set: no create', () => {
			const svc = newService('foo', { deletionTimestamp: '2024-01-01T00:00:00Z' });
			const result = run(svc, pods, [staleUpdate(svc)]);
			assert.deepEqual(verbs(result), ['update']);
			assert.equal(result.created.length, 0);
			assert.equal(result.actions[0]!.object.endpoints!.length, 100);
		});
		it('TestReconcilerFinalizeSvcDeletionTimestamp Attempt create, update, and delete, nil deletion timestamp: recycling', () => {
			const svc = newService();
			const result = run(svc, pods, [staleUpdate(svc), oldGroup(svc)]);
			assert.deepEqual(verbs(result), ['update', 'update']);
			assert.deepEqual(namesOf(written(result, 'update')), ['foo-1', 'foo-2']);
		});
		it('TestReconcilerFinalizeSvcDeletionTimestamp Attempt create, update, and delete, deletion timestamp set: recycling still updates', () => {
			const svc = newService('foo', { deletionTimestamp: '2024-01-01T00:00:00Z' });
			const result = run(svc, pods, [staleUpdate(svc), oldGroup(svc)]);
			assert.deepEqual(verbs(result), ['update', 'update']);
			assert.deepEqual(sliceLengths(written(result, 'update')), [100, 50]);
		});
		it('TestReconcilerFinalizeSvcDeletionTimestamp Attempt update delete, deletion timestamp set: update and delete go through', () => {
			const svc = newService('foo', { deletionTimestamp: '2024-01-01T00:00:00Z' });
			const gone = newSlice(3, svc, { endpoints: [podToEndpoint(newPod(999), node1, svc, 'IPv4')] });
			const result = run(svc, pods.slice(0, 10), [staleUpdate(svc), gone]);
			assert.deepEqual(verbs(result), ['update', 'delete']);
			assert.equal(result.actions[1]!.object.metadata?.name, 'foo-3');
		});
	});

	describe('TestReconcilerPodMissingNode', () => {
		const nodes = [newNode('node-0'), newNode('node-1')];
		const pods = [newPod(0, { nodeName: 'node-0' }), newPod(1, { nodeName: 'node-1' })];
		const svcWith = (publishNotReady: boolean) => newService('foo', { publishNotReadyAddresses: publishNotReady });
		const existingFor = (svc: Service) =>
			newSlice(1, svc, {
				endpoints: [
					podToEndpoint(pods[0]!, nodes[0], svc, 'IPv4'),
					podToEndpoint(pods[1]!, nodes[1], svc, 'IPv4'),
				],
			});
		const missingNode1 = 'skipping Pod pod1 for Service test/foo: Node node-1 Not Found';

		it('TestReconcilerPodMissingNode Create and publishNotReady false: 1 create with 1 endpoint, error', () => {
			const result = run(svcWith(false), pods, [], { nodes: [nodes[0]!] });
			assert.deepEqual(verbs(result), ['create']);
			assert.deepEqual(podNamesIn(result.created[0]!), ['pod0']);
			assert.equal(result.error, missingNode1);
		});
		it('TestReconcilerPodMissingNode Create and publishNotReady true: 1 create with 2 endpoints, no error', () => {
			const result = run(svcWith(true), pods, [], { nodes: [nodes[0]!] });
			assert.deepEqual(verbs(result), ['create']);
			assert.deepEqual(podNamesIn(result.created[0]!), ['pod0', 'pod1']);
			assert.equal(result.error, null);
		});
		it('TestReconcilerPodMissingNode Update and publishNotReady false: 1 update keeping 1 endpoint, error', () => {
			const svc = svcWith(false);
			const result = run(svc, pods, [existingFor(svc)], { nodes: [nodes[0]!] });
			assert.deepEqual(verbs(result), ['update']);
			assert.deepEqual(podNamesIn(result.actions[0]!.object), ['pod0']);
			assert.equal(result.error, missingNode1);
		});
		it('TestReconcilerPodMissingNode Update and publishNotReady true and all nodes missing: no writes, no error', () => {
			const svc = svcWith(true);
			const result = run(svc, pods, [existingFor(svc)], { nodes: [] });
			assert.deepEqual(result.actions, []);
			assert.equal(result.error, null);
		});
		it('TestReconcilerPodMissingNode Update and publishNotReady true: no writes, no error', () => {
			const svc = svcWith(true);
			const result = run(svc, pods, [existingFor(svc)], { nodes: [nodes[0]!] });
			assert.deepEqual(result.actions, []);
			assert.equal(result.error, null);
		});
		it('TestReconcilerPodMissingNode Update if publishNotReady false and no nodes are present: the slice is updated (placeholder), not deleted', () => {
			const svc = svcWith(false);
			const existing = existingFor(svc);
			const result = run(svc, pods, [existing], { nodes: [] });
			assert.deepEqual(verbs(result), ['update']);
			const updated = result.actions[0]!.object;
			assert.equal(updated.metadata?.name, 'foo-1');
			assert.deepEqual(updated.endpoints, []);
			assert.deepEqual(updated.ports, []);
			assert.equal(
				result.error,
				'[skipping Pod pod0 for Service test/foo: Node node-0 Not Found, skipping Pod pod1 for Service test/foo: Node node-1 Not Found]',
			);
		});
	});

	describe('TestReconcileTopology', () => {
		const svc = newService();
		const zones = ['zone-a', 'zone-b', 'zone-c'];
		const nodes: Node[] = [];
		const pods: Pod[] = [];
		zones.forEach((zone, i) => {
			for (let j = 0; j < 10; j++) {
				const node = newNode(`node-${zone}-${j}`, { zone, cpu: '100m' });
				nodes.push(node);
				pods.push(newPod(i * 100 + j, { nodeName: node.metadata!.name! }));
			}
		});
		const nodeByName = new Map(nodes.map((n) => [n.metadata!.name!, n]));
		const slicePods: Record<string, Pod[]> = {
			'zone-a-b': [pods[7]!, pods[8]!, pods[16]!, pods[17]!, pods[18]!],
			'zone-a-c': [pods[5]!, pods[6]!, pods[25]!, pods[26]!],
			'zone-c': [pods[27]!, pods[28]!, pods[29]!],
		};
		const sliceNamed = (name: string) =>
			newSlice(name, svc, {
				labels: { [labelManagedByKey]: sliceControllerName, [labelServiceNameKey]: 'foo' },
				endpoints: slicePods[name]!.map((p) =>
					podToEndpoint(p, nodeByName.get(p.spec!.nodeName!), svc, 'IPv4'),
				),
			});
		const hints = (slices: readonly EndpointSlice[]) => {
			const byZone: Record<string, number> = {};
			let cross = 0;
			for (const s of slices) {
				for (const ep of s.endpoints ?? []) {
					const forZones = ep.hints?.forZones ?? [];
					assert.ok(forZones.length <= 1);
					if (forZones.length === 1) {
						byZone[forZones[0]!.name] = (byZone[forZones[0]!.name] ?? 0) + 1;
						if (forZones[0]!.name !== ep.zone) {
							cross++;
						}
					}
				}
			}
			return { byZone, cross };
		};
		const cases: {
			name: string;
			cache: boolean;
			annotation: string;
			existing: string[];
			updates: number;
			want: Record<string, number>;
			cross: number;
		}[] = [
			{
				name: 'no change, topologyCache disabled, annotation == auto',
				cache: false,
				annotation: 'auto',
				existing: ['zone-c'],
				updates: 0,
				want: {},
				cross: 0,
			},
			{
				name: 'enabling topologyCache, hintsAnnotation == auto',
				cache: true,
				annotation: 'auto',
				existing: ['zone-c'],
				updates: 1,
				want: { 'zone-a': 1, 'zone-b': 1, 'zone-c': 1 },
				cross: 2,
			},
			{
				name: 'topology enabled, hintsAnnotation==auto, ratio beyond threshold',
				cache: true,
				annotation: 'auto',
				existing: ['zone-a-c'],
				updates: 0,
				want: {},
				cross: 0,
			},
			{
				name: 'topology enabled, hintsAnnotation==Auto, more slices and endpoints',
				cache: true,
				annotation: 'Auto',
				existing: ['zone-a-c', 'zone-a-b'],
				updates: 2,
				want: { 'zone-a': 3, 'zone-b': 3, 'zone-c': 3 },
				cross: 1,
			},
			{
				name: 'topology enabled, hintsAnnotation==disabled, more slices and endpoints',
				cache: true,
				annotation: 'disabled',
				existing: ['zone-a-c', 'zone-a-b'],
				updates: 0,
				want: {},
				cross: 0,
			},
		];
		for (const tc of cases) {
			it(`TestReconcileTopology ${tc.name}: ${tc.updates} update(s), hints ${JSON.stringify(tc.want)}, ${tc.cross} cross-zone`, () => {
				let topologyCache: TopologyCache | undefined;
				if (tc.cache) {
					topologyCache = new TopologyCache();
					topologyCache.setNodes(nodes);
				}
				const r = new Reconciler({ maxEndpointsPerSlice: 100, topologyCache });
				const service = newService('foo', { annotations: { [topologyAwareHintsAnnotation]: tc.annotation } });
				const existing = tc.existing.map(sliceNamed);
				const before = structuredClone(existing);
				const result = r.reconcile(
					service,
					tc.existing.flatMap((n) => slicePods[n]!),
					existing,
					nodes,
					triggerTime,
				);
				assert.deepEqual(verbs(result), Array(tc.updates).fill('update'));
				const after = applySliceActions(existing, result);
				assert.equal(after.length, tc.existing.length);
				const got = hints(after);
				assert.deepEqual(got.byZone, tc.want);
				assert.equal(got.cross, tc.cross);
				assert.deepEqual(existing, before);
			});
		}
	});

	describe('TestReconcile_TrafficDistribution', () => {
		// node-0 in zone-a has pod0; node-1 in zone-b has pod1..pod3; node-2 in zone-c has pod4, pod5.
		const nodes = [0, 1, 2].map((i) => newNode(`node-${i}`, { zone: `zone-${'abc'[i]}`, cpu: '100m' }));
		const pods = [0, 1, 1, 1, 2, 2].map((nodeIndex, i) =>
			newPod(i, { namespace: 'ns1', nodeName: `node-${nodeIndex}` }),
		);
		const distribution = (slices: readonly EndpointSlice[]) => {
			const byZone: Record<string, number> = {};
			let cross = 0;
			for (const ep of slices.flatMap((s) => s.endpoints ?? [])) {
				const zoneHint = ep.hints?.forZones?.length === 1 ? ep.hints.forZones[0]!.name : '';
				byZone[zoneHint] = (byZone[zoneHint] ?? 0) + 1;
				if (zoneHint !== '' && zoneHint !== ep.zone) {
					cross++;
				}
			}
			return { byZone, cross };
		};
		const runTD = (trafficDistribution: string | undefined, annotation: string, preferSame = false) => {
			const topologyCache = new TopologyCache();
			topologyCache.setNodes(nodes);
			const r = new Reconciler({
				maxEndpointsPerSlice: 100,
				topologyCache,
				preferSameTrafficDistribution: preferSame,
			});
			const svc = newService('foo', {
				namespace: 'ns1',
				trafficDistribution,
				annotations: { [topologyAwareHintsAnnotation]: annotation },
			});
			return r.reconcile(svc, pods, [], nodes, triggerTime);
		};

		it('TestReconcile_TrafficDistribution trafficDistribution=PreferClose, topologyAnnotation=Disabled: own-zone hints {a:1,b:3,c:2}', () => {
			const result = runTD('PreferClose', 'Disabled');
			assert.equal(result.error, null);
			assert.deepEqual(verbs(result), ['create']);
			assert.deepEqual(distribution(result.created), {
				byZone: { 'zone-a': 1, 'zone-b': 3, 'zone-c': 2 },
				cross: 0,
			});
		});
		it('TestReconcile_TrafficDistribution trafficDistribution=PreferClose, topologyAnnotation=Auto: the annotation wins, {a:2,b:2,c:2}, 1 cross-zone', () => {
			const result = runTD('PreferClose', 'Auto');
			assert.deepEqual(verbs(result), ['create']);
			assert.deepEqual(distribution(result.created), {
				byZone: { 'zone-a': 2, 'zone-b': 2, 'zone-c': 2 },
				cross: 1,
			});
		});
		it('TestReconcile_TrafficDistribution trafficDistribution=nil, topologyAnnotation=<empty>: no hints', () => {
			const result = runTD(undefined, '');
			assert.deepEqual(verbs(result), ['create']);
			assert.deepEqual(distribution(result.created), { byZone: { '': 6 }, cross: 0 });
		});
		it('validTrafficDistribution: PreferSameZone without the PreferSameTrafficDistribution option is ignored → no hints', () => {
			const result = runTD('PreferSameZone', 'Disabled', false);
			assert.deepEqual(distribution(result.created), { byZone: { '': 6 }, cross: 0 });
		});
		it('validTrafficDistribution: PreferSameNode with the option → own-zone and own-node hints', () => {
			const result = runTD('PreferSameNode', 'Disabled', true);
			assert.deepEqual(distribution(result.created), {
				byZone: { 'zone-a': 1, 'zone-b': 3, 'zone-c': 2 },
				cross: 0,
			});
			for (const ep of result.created[0]!.endpoints ?? []) {
				assert.deepEqual(ep.hints?.forNodes, [{ name: ep.nodeName! }]);
			}
		});
	});

	describe('last-change-trigger-time annotation (TestReconcile1Pod assertion, addTriggerTimeAnnotation)', () => {
		const svc = newService();
		it('creates and updates carry the trigger time given to Reconcile', () => {
			const pods = newPods(150);
			const existing = [
				newSlice(1, svc, { endpoints: [podToEndpoint(newPod(0, { ready: false }), node1, svc, 'IPv4')] }),
			];
			const result = run(svc, pods, existing);
			assert.deepEqual(verbs(result), ['create', 'update']);
			for (const a of result.actions) {
				assert.equal(a.object.metadata?.annotations?.[triggerTimeAnnotationKey], triggerTime);
			}
		});
		it('a zero trigger time removes the annotation from an updated slice', () => {
			const existing = [
				newSlice(1, svc, {
					annotations: { [triggerTimeAnnotationKey]: '2020-01-01T00:00:00Z' },
					endpoints: [podToEndpoint(newPod(0, { ready: false }), node1, svc, 'IPv4')],
				}),
			];
			const r = new Reconciler({ maxEndpointsPerSlice: 100 });
			const result = r.reconcile(svc, [newPod(0)], existing, [node1], undefined);
			assert.deepEqual(verbs(result), ['update']);
			assert.equal(result.actions[0]!.object.metadata?.annotations?.[triggerTimeAnnotationKey], undefined);
		});
		it('an unchanged sync writes nothing, even with a newer trigger time', () => {
			const pods = newPods(3);
			const slices = applySliceActions([], run(svc, pods));
			const result = run(svc, pods, slices, { trigger: '2030-01-01T00:00:00Z' });
			assert.deepEqual(result.actions, []);
		});
	});

	describe('semantics reference §2–§7 (no single upstream test)', () => {
		it('§6 a dual-stack Service with no pods gets two placeholders, one per family', () => {
			const svc = newService('foo', { ipFamilies: ['IPv4', 'IPv6'] });
			const result = run(svc, []);
			assert.deepEqual(verbs(result), ['create', 'create']);
			assert.deepEqual(result.created.map((s) => s.addressType).sort(), ['IPv4', 'IPv6']);
			assert.ok(result.created.every((s) => s.endpoints?.length === 0 && s.ports?.length === 0));
		});
		it('§3 a family removed from a dual-stack Service: its slices are deleted outright, after the other writes', () => {
			const dual = newService('foo', { ipFamilies: ['IPv4', 'IPv6'], clusterIP: '10.0.0.10' });
			const pods = newPods(3, (i) => ({ ips: [`10.1.0.${i + 1}`, `fd00::${i + 1}`] }));
			const slices = applySliceActions([], run(dual, pods));
			const v4only = newService('foo', { ipFamilies: ['IPv4'], clusterIP: '10.0.0.10' });
			const more = [...pods, newPod(9, { ips: ['10.1.0.9', 'fd00::9'] })];
			const result = run(v4only, more, slices);
			assert.deepEqual(verbs(result), ['update', 'delete']);
			assert.equal(result.actions[1]!.object.addressType, 'IPv6');
		});
		it('§2 terminal pods are left out; terminating pods stay with terminating=true, ready=false', () => {
			const pods = [
				newPod(0, { phase: 'Succeeded' }),
				newPod(1, { phase: 'Failed' }),
				newPod(2, { terminating: true }),
				newPod(3, { phase: 'Pending' }),
			];
			const result = run(newService(), pods);
			const slice = result.created[0]!;
			assert.deepEqual(podNamesIn(slice), ['pod2', 'pod3']);
			assert.deepEqual(slice.endpoints![0]!.conditions, { ready: false, serving: true, terminating: true });
		});
		it('§2 a pod with podIP but no podIPs passes the filter but yields no endpoint', () => {
			const pod = newPod(0, { ips: [], podIP: '1.2.3.4' });
			const result = run(newService(), [pod]);
			assert.deepEqual(verbs(result), ['create']);
			assert.deepEqual(result.created[0]!.endpoints, []);
		});
		it('§5.6 a pod that cannot resolve a named port lands in a separate slice without that port', () => {
			const svc = newService('foo', {
				ports: [
					{ name: 'web', port: 80, targetPort: 80, protocol: 'TCP' },
					{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' },
				],
			});
			const pods = [
				newPod(0, { containerPorts: [{ name: 'http', containerPort: 9000, protocol: 'TCP' }] }),
				newPod(1),
			];
			const result = run(svc, pods);
			assert.deepEqual(verbs(result), ['create', 'create']);
			// Port order inside a slice is upstream's hash order (NewPortMapKey sorts in place): compare as sets.
			const byPorts = Object.fromEntries(
				result.created.map((s) => [
					s
						.ports!.map((p) => `${p.name}:${p.port}`)
						.sort()
						.join(','),
					podNamesIn(s),
				]),
			);
			assert.deepEqual(byPorts, { 'http:9000,web:80': ['pod0'], 'web:80': ['pod1'] });
		});
		it('§6 two empty slices and no pods → 1 update (placeholder recycled) and 1 delete', () => {
			const svc = newService();
			const existing = [newSlice(1, svc), newSlice(2, svc)];
			const result = run(svc, [], existing);
			assert.deepEqual(verbs(result), ['update', 'delete']);
			assert.deepEqual(result.actions[0]!.object.ports, []);
		});
		it('§4 a changed pod UID (same name and IP) updates the endpoint in place', () => {
			const svc = newService();
			const slices = applySliceActions([], run(svc, [newPod(0)]));
			const result = run(svc, [newPod(0, { uid: 'recreated' })], slices);
			assert.deepEqual(verbs(result), ['update']);
			assert.equal(result.actions[0]!.object.endpoints![0]!.targetRef?.uid, 'recreated');
		});
		it('§4 two pods with the same IP are two endpoints', () => {
			const result = run(newService(), [newPod(0, { ips: ['10.9.9.9'] }), newPod(1, { ips: ['10.9.9.9'] })]);
			assert.deepEqual(podNamesIn(result.created[0]!), ['pod0', 'pod1']);
		});
		it('§4 the endpoint of a pod whose subdomain names the Service carries its hostname', () => {
			const pod = newPod(0, { hostname: 'web-0', subdomain: 'foo' });
			const result = run(newService(), [pod], [], { nodes: [newNode('node-1', { zone: 'z1' })] });
			assert.deepEqual(result.created[0]!.endpoints, [newEndpoint(pod, { hostname: 'web-0', zone: 'z1' })]);
		});
		it('§6 a lone placeholder equal to the one it would create is kept: pods without endpoints → no writes', () => {
			const svc = newService();
			const placeholder = newSlice(1, svc, { ports: [] });
			const result = run(svc, [newPod(0, { ips: [], podIP: '1.2.3.4' })], [placeholder]);
			assert.deepEqual(result.actions, []);
		});
	});

	describe('determinism (our choice: pods and slices taken in the order given)', () => {
		const svc = newService();
		const pods = twoThirdsReady(250);
		it('the same input twice gives identical actions and created slices', () => {
			const a = run(svc, pods);
			const b = run(svc, pods);
			assert.deepEqual(a, b);
		});
		it('one Reconciler reused gives the same result as a fresh one', () => {
			const r = new Reconciler({ maxEndpointsPerSlice: 100 });
			const first = run(svc, pods, [], { reconciler: r });
			const again = run(svc, pods, [], { reconciler: r });
			assert.deepEqual(again, first);
		});
		it('a recycling reconcile is reproducible, names included', () => {
			const existing = Array.from({ length: 10 }, (_, k) => sliceWith(k, svc, pods.slice(k * 25, k * 25 + 25)));
			const changed = structuredClone(svc);
			changed.spec!.ports![0]!.targetPort = 81;
			assert.deepEqual(run(changed, pods, existing), run(changed, pods, existing));
		});
		it('initial packing takes pods in input order: the first slice holds pod0..pod99', () => {
			const result = run(svc, pods);
			assert.deepEqual(
				podNamesIn(result.created[0]!),
				pods.slice(0, 100).map((p) => p.metadata!.name!),
			);
		});
		it("generated names are unique and shaped like the API server's (<prefix> + 5 characters)", () => {
			const result = run(svc, twoThirdsReady(1000), [], { max: 10 });
			const names = namesOf(result.created);
			assert.equal(names.length, 100);
			assert.equal(new Set(names).size, names.length);
			assert.ok(names.every((n) => /^foo-[bcdfghjklmnpqrstvwxz2456789]{5}$/.test(n)));
		});
	});
});
