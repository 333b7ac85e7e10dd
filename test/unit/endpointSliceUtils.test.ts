/**
 * The EndpointSlice controller's helpers against what upstream's own tests assert
 * (kubernetes/kubernetes `staging/src/k8s.io/endpointslice/utils_test.go`, and `TestPlaceHolderSliceCompare` from
 * `reconciler_test.go`). Each case is named after the upstream test and table entry it follows.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
	addTriggerTimeAnnotation,
	getAddressTypesForService,
	getEndpointPorts,
	getEndpointSlicePrefix,
	getSliceToFill,
	hintsEnabled,
	newEndpointSlice,
	ownedBy,
	placeholderSliceEqual,
	podToEndpoint,
	setEndpointSliceLabels,
} from '../../src/core/controllers/endpointslice/utils';
import type { EndpointPort, EndpointSlice, Pod, Service } from '../../src/core/k8s/types';
import {
	labelHeadlessKey,
	labelManagedByKey,
	labelServiceNameKey,
	newNode,
	newPod,
	newService,
	newSlice,
	serviceOwnerRef,
	sliceControllerName,
	triggerTimeAnnotationKey,
} from './support/builders';

const reserved = (name = 'foo') => ({ [labelServiceNameKey]: name, [labelManagedByKey]: sliceControllerName });

describe('utils.go (upstream utils_test.go)', () => {
	describe('TestNewEndpointSlice', () => {
		const ports: EndpointPort[] = [{ name: 'foo', protocol: 'TCP' }];
		const base = () => newService('foo', { clusterIP: '1.1.1.1', ports: [{ port: 80 }] });
		const cases: { name: string; svc: (s: Service) => Service; labels: Record<string, string> }[] = [
			{ name: 'Service without labels', svc: (s) => s, labels: reserved() },
			{
				name: 'Service with labels',
				svc: (s) => ({ ...s, metadata: { ...s.metadata, labels: { foo: 'bar' } } }),
				labels: { ...reserved(), foo: 'bar' },
			},
			{
				name: 'Headless Service with labels',
				svc: (s) => ({
					...s,
					metadata: { ...s.metadata, labels: { foo: 'bar' } },
					spec: { ...s.spec, clusterIP: 'None' },
				}),
				labels: { ...reserved(), [labelHeadlessKey]: '', foo: 'bar' },
			},
			{
				name: 'Service with multiple labels',
				svc: (s) => ({ ...s, metadata: { ...s.metadata, labels: { foo: 'bar', foo2: 'bar2' } } }),
				labels: { ...reserved(), foo: 'bar', foo2: 'bar2' },
			},
			{
				name: 'Evil service hijacking endpoint slices labels',
				svc: (s) => ({
					...s,
					metadata: {
						...s.metadata,
						labels: { [labelServiceNameKey]: 'bad', [labelManagedByKey]: 'actor', foo: 'bar' },
					},
				}),
				labels: { ...reserved(), foo: 'bar' },
			},
			{
				name: 'Service with annotations (not copied)',
				svc: (s) => ({ ...s, metadata: { ...s.metadata, annotations: { foo: 'bar' } } }),
				labels: reserved(),
			},
		];
		for (const tc of cases) {
			it(`TestNewEndpointSlice ${tc.name}`, () => {
				const svc = tc.svc(base());
				const slice = newEndpointSlice(svc, { ports, addressType: 'IPv4' }, sliceControllerName);
				assert.deepEqual(slice, {
					metadata: {
						labels: tc.labels,
						generateName: 'foo-',
						ownerReferences: [serviceOwnerRef(svc)],
						namespace: 'test',
					},
					ports,
					addressType: 'IPv4',
					endpoints: [],
				});
			});
		}
	});

	describe('TestPodToEndpoint', () => {
		const svc = newService();
		const svcPublishNotReady = newService('publishnotready', { publishNotReadyAddresses: true });
		const readyPod = newPod(1);
		const readyTerminatingPod = newPod(1, { terminating: true });
		const readyPodHostname = newPod(1, { subdomain: 'foo', hostname: 'example-hostname' });
		const unreadyPod = newPod(1, { ready: false });
		const unreadyTerminatingPod = newPod(1, { ready: false, terminating: true });
		const multiIPPod = newPod(1, { ips: ['1.2.3.4', '1234::5678:0000:0000:9abc:def0'] });
		const node1 = newNode('node-1', {
			zone: 'us-central1-a',
			labels: { 'topology.kubernetes.io/region': 'us-central1' },
		});
		const targetRef = { kind: 'Pod', namespace: 'test', name: 'pod1', uid: readyPod.metadata!.uid };
		const conditions = (ready: boolean, serving: boolean, terminating: boolean) => ({
			ready,
			serving,
			terminating,
		});
		const cases: {
			name: string;
			pod: Pod;
			node?: ReturnType<typeof newNode>;
			svc: Service;
			want: Record<string, unknown>;
		}[] = [
			{
				name: 'Ready pod',
				pod: readyPod,
				svc,
				want: {
					addresses: ['1.2.3.5'],
					conditions: conditions(true, true, false),
					nodeName: 'node-1',
					targetRef,
				},
			},
			{
				name: 'Ready pod + publishNotReadyAddresses',
				pod: readyPod,
				svc: svcPublishNotReady,
				want: {
					addresses: ['1.2.3.5'],
					conditions: conditions(true, true, false),
					nodeName: 'node-1',
					targetRef,
				},
			},
			{
				name: 'Unready pod',
				pod: unreadyPod,
				svc,
				want: {
					addresses: ['1.2.3.5'],
					conditions: conditions(false, false, false),
					nodeName: 'node-1',
					targetRef,
				},
			},
			{
				name: 'Unready pod + publishNotReadyAddresses',
				pod: unreadyPod,
				svc: svcPublishNotReady,
				want: {
					addresses: ['1.2.3.5'],
					conditions: conditions(true, false, false),
					nodeName: 'node-1',
					targetRef,
				},
			},
			{
				name: 'Ready pod + node labels',
				pod: readyPod,
				node: node1,
				svc,
				want: {
					addresses: ['1.2.3.5'],
					conditions: conditions(true, true, false),
					zone: 'us-central1-a',
					nodeName: 'node-1',
					targetRef,
				},
			},
			{
				name: 'Multi IP Ready pod + node labels',
				pod: multiIPPod,
				node: node1,
				svc,
				want: {
					addresses: ['1.2.3.4'],
					conditions: conditions(true, true, false),
					zone: 'us-central1-a',
					nodeName: 'node-1',
					targetRef,
				},
			},
			{
				name: 'Ready pod + hostname',
				pod: readyPodHostname,
				node: node1,
				svc,
				want: {
					addresses: ['1.2.3.5'],
					conditions: conditions(true, true, false),
					hostname: 'example-hostname',
					zone: 'us-central1-a',
					nodeName: 'node-1',
					targetRef,
				},
			},
			{
				name: 'Ready terminating pod',
				pod: readyTerminatingPod,
				svc,
				want: {
					addresses: ['1.2.3.5'],
					conditions: conditions(false, true, true),
					nodeName: 'node-1',
					targetRef,
				},
			},
			{
				name: 'Not ready terminating pod',
				pod: unreadyTerminatingPod,
				svc,
				want: {
					addresses: ['1.2.3.5'],
					conditions: conditions(false, false, true),
					nodeName: 'node-1',
					targetRef,
				},
			},
		];
		for (const tc of cases) {
			it(`TestPodToEndpoint ${tc.name}`, () => {
				assert.deepEqual(podToEndpoint(tc.pod, tc.node, tc.svc, 'IPv4'), tc.want);
			});
		}

		it('TestPodToEndpoint (§4) Multi IP pod, IPv6 slice: only the IPv6 address, canonicalized', () => {
			assert.deepEqual(podToEndpoint(multiIPPod, node1, svc, 'IPv6').addresses, ['1234::5678:0:0:9abc:def0']);
		});
		it('TestPodToEndpoint (§4) terminating pod + publishNotReadyAddresses is ready', () => {
			assert.deepEqual(
				podToEndpoint(unreadyTerminatingPod, undefined, svcPublishNotReady, 'IPv4').conditions,
				conditions(true, false, true),
			);
		});
		it('TestPodToEndpoint (§4) hostname without a matching subdomain is not published', () => {
			const pod = newPod(1, { hostname: 'example-hostname', subdomain: 'other' });
			assert.equal(podToEndpoint(pod, node1, svc, 'IPv4').hostname, undefined);
		});
		it('TestPodToEndpoint (§4) hostname with the Service as subdomain but another namespace is not published', () => {
			const pod = newPod(1, { hostname: 'example-hostname', subdomain: 'foo', namespace: 'elsewhere' });
			assert.equal(podToEndpoint(pod, node1, svc, 'IPv4').hostname, undefined);
		});
		it('TestPodToEndpoint (§4) an empty zone label gives no zone; a pod without nodeName gives no nodeName', () => {
			const ep = podToEndpoint(newPod(1, { nodeName: null }), newNode('node-1', { zone: '' }), svc, 'IPv4');
			assert.equal('zone' in ep, false);
			assert.equal('nodeName' in ep, false);
		});
		it('TestPodToEndpoint (upstream fixture pods have no UID) targetRef leaves out an empty uid (omitempty)', () => {
			const pod = newPod(1, { uid: '' });
			assert.deepEqual(podToEndpoint(pod, undefined, svc, 'IPv4').targetRef, {
				kind: 'Pod',
				namespace: 'test',
				name: 'pod1',
			});
		});
		it('TestPodToEndpoint (§2) a pod without a Ready condition is not serving', () => {
			assert.deepEqual(
				podToEndpoint(newPod(1, { ready: null }), undefined, svc, 'IPv4').conditions,
				conditions(false, false, false),
			);
		});
		it('TestPodToEndpoint (§3) IPv4 leading zeros are dropped; an unparsable IP becomes "<nil>" (v1.33+)', () => {
			assert.deepEqual(podToEndpoint(newPod(1, { ips: ['010.001.0.1'] }), undefined, svc, 'IPv4').addresses, [
				'10.1.0.1',
			]);
			assert.deepEqual(podToEndpoint(newPod(1, { ips: ['not-an-ip'] }), undefined, svc, 'IPv4').addresses, [
				'<nil>',
			]);
		});
	});

	describe('TestGetEndpointPorts', () => {
		const cases: { name: string; svc: Service; pod: Pod; want: EndpointPort[] }[] = [
			{
				name: 'service with AppProtocol on one port',
				svc: newService('foo', {
					ports: [
						{
							name: 'http',
							port: 80,
							targetPort: 80,
							protocol: 'TCP',
							appProtocol: 'example.com/custom-protocol',
						},
					],
				}),
				pod: newPod(0, { containerPorts: [] }),
				want: [{ name: 'http', port: 80, protocol: 'TCP', appProtocol: 'example.com/custom-protocol' }],
			},
			{
				name: 'service with named port and AppProtocol on one port',
				svc: newService('foo', {
					ports: [
						{ name: 'http', port: 80, targetPort: 80, protocol: 'TCP' },
						{ name: 'https', port: 443, targetPort: 'https', protocol: 'TCP', appProtocol: 'https' },
					],
				}),
				pod: newPod(0, { containerPorts: [{ name: 'https', containerPort: 443, protocol: 'TCP' }] }),
				want: [
					{ name: 'http', port: 80, protocol: 'TCP' },
					{ name: 'https', port: 443, protocol: 'TCP', appProtocol: 'https' },
				],
			},
			{
				name: 'service with named port for restartable init container',
				svc: newService('foo', {
					ports: [
						{ name: 'http-sidecar', port: 8080, targetPort: 8080, protocol: 'TCP' },
						{ name: 'http', port: 8090, targetPort: 'http', protocol: 'TCP' },
					],
				}),
				pod: newPod(0, {
					initContainers: [
						{
							name: 'sidecar',
							restartPolicy: 'Always',
							ports: [{ name: 'http-sidecar', containerPort: 8080, protocol: 'TCP' }],
						},
					],
					containerPorts: [{ name: 'http', containerPort: 8090, protocol: 'TCP' }],
				}),
				want: [
					{ name: 'http-sidecar', port: 8080, protocol: 'TCP' },
					{ name: 'http', port: 8090, protocol: 'TCP' },
				],
			},
			{
				name: 'service with same named port for regular and restartable init container: the regular one wins',
				svc: newService('foo', { ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] }),
				pod: newPod(0, {
					initContainers: [
						{
							name: 'sidecar',
							restartPolicy: 'Always',
							ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
						},
					],
					containerPorts: [{ name: 'http', containerPort: 8090, protocol: 'TCP' }],
				}),
				want: [{ name: 'http', port: 8090, protocol: 'TCP' }],
			},
			{
				name: '(§5.5) named port found only in a restartable init container',
				svc: newService('foo', {
					ports: [{ name: 'metrics', port: 9090, targetPort: 'metrics', protocol: 'TCP' }],
				}),
				pod: newPod(0, {
					initContainers: [
						{
							name: 'sidecar',
							restartPolicy: 'Always',
							ports: [{ name: 'metrics', containerPort: 9100, protocol: 'TCP' }],
						},
					],
				}),
				want: [{ name: 'metrics', port: 9100, protocol: 'TCP' }],
			},
			{
				name: '(§5.5) an ordinary init container is never searched: the port is omitted',
				svc: newService('foo', {
					ports: [{ name: 'metrics', port: 9090, targetPort: 'metrics', protocol: 'TCP' }],
				}),
				pod: newPod(0, {
					initContainers: [
						{ name: 'init', ports: [{ name: 'metrics', containerPort: 9100, protocol: 'TCP' }] },
					],
				}),
				want: [],
			},
			{
				name: '(§5.5) a named port with another protocol does not match',
				svc: newService('foo', {
					ports: [
						{ name: 'dns', port: 53, targetPort: 'dns', protocol: 'UDP' },
						{ name: 'web', port: 80, targetPort: 80, protocol: 'TCP' },
					],
				}),
				pod: newPod(0, { containerPorts: [{ name: 'dns', containerPort: 5353, protocol: 'TCP' }] }),
				want: [{ name: 'web', port: 80, protocol: 'TCP' }],
			},
			{
				name: '(§5.5) the first container port with the name wins, in container order',
				svc: newService('foo', { ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] }),
				pod: newPod(0, {
					containers: [
						{ name: 'a', ports: [{ name: 'http', containerPort: 1111, protocol: 'TCP' }] },
						{ name: 'b', ports: [{ name: 'http', containerPort: 2222, protocol: 'TCP' }] },
					],
				}),
				want: [{ name: 'http', port: 1111, protocol: 'TCP' }],
			},
			{
				name: '(§5.5) a headless Service without ports gets no ports',
				svc: newService('foo', { clusterIP: 'None', ports: [] }),
				pod: newPod(0),
				want: [],
			},
			{
				name: '(§5.5) an unnamed port gets name ""',
				svc: newService('foo', { ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] }),
				pod: newPod(0),
				want: [{ name: '', port: 8080, protocol: 'TCP' }],
			},
		];
		for (const tc of cases) {
			it(`TestGetEndpointPorts ${tc.name}`, () => {
				assert.deepEqual(getEndpointPorts(tc.svc, tc.pod), tc.want);
			});
		}
	});

	describe('TestSetEndpointSliceLabels', () => {
		const base = newService('foo', { clusterIP: '1.1.1.1', ports: [{ port: 80 }] });
		const svcWith = (labels: Record<string, string> | undefined, clusterIP = '1.1.1.1'): Service => ({
			...base,
			metadata: labels ? { ...base.metadata, labels } : { ...base.metadata },
			spec: { ...base.spec, clusterIP },
		});
		const sliceWith = (labels?: Record<string, string>): EndpointSlice =>
			labels
				? { metadata: { labels }, addressType: 'IPv4', endpoints: [] }
				: { addressType: 'IPv4', endpoints: [] };
		const cases: {
			name: string;
			slice: EndpointSlice;
			svc: Service;
			labels: Record<string, string>;
			updated: boolean;
		}[] = [
			{
				name: 'Service without labels and empty endpoint slice',
				slice: sliceWith(),
				svc: svcWith(undefined),
				labels: reserved(),
				updated: false,
			},
			{
				name: 'Headless service with labels and empty endpoint slice',
				slice: sliceWith(),
				svc: svcWith({ foo: 'bar' }, 'None'),
				labels: { ...reserved(), [labelHeadlessKey]: '', foo: 'bar' },
				updated: true,
			},
			{
				name: 'Headless service without labels and empty endpoint slice',
				slice: sliceWith(),
				svc: svcWith(undefined, 'None'),
				labels: { ...reserved(), [labelHeadlessKey]: '' },
				updated: false,
			},
			{
				name: 'Non Headless service with Headless label and empty endpoint slice',
				slice: sliceWith(),
				svc: svcWith({ [labelHeadlessKey]: '' }),
				labels: reserved(),
				updated: false,
			},
			{
				name: 'Headless Service change to ClusterIP Service with headless label',
				slice: sliceWith({ ...reserved(), [labelHeadlessKey]: '' }),
				svc: svcWith({ [labelHeadlessKey]: '' }),
				labels: reserved(),
				updated: false,
			},
			{
				name: 'Headless Service change to ClusterIP Service',
				slice: sliceWith({ ...reserved(), [labelHeadlessKey]: '' }),
				svc: svcWith(undefined),
				labels: reserved(),
				updated: false,
			},
			{
				name: 'Headless service and endpoint slice with same labels',
				slice: sliceWith({ ...reserved(), foo: 'bar' }),
				svc: svcWith({ foo: 'bar' }, 'None'),
				labels: { ...reserved(), [labelHeadlessKey]: '', foo: 'bar' },
				updated: false,
			},
			{
				name: 'Service with labels and empty endpoint slice',
				slice: sliceWith(),
				svc: svcWith({ foo: 'bar' }),
				labels: { ...reserved(), foo: 'bar' },
				updated: true,
			},
			{
				name: 'Slice with labels and service without labels',
				slice: sliceWith({ ...reserved(), foo: 'bar' }),
				svc: svcWith(undefined),
				labels: reserved(),
				updated: true,
			},
			{
				name: 'Slice with headless label and service with ClusterIP',
				slice: sliceWith({ ...reserved(), [labelHeadlessKey]: '' }),
				svc: svcWith(undefined),
				labels: reserved(),
				updated: false,
			},
			{
				name: 'Slice with reserved labels and service with labels',
				slice: sliceWith(reserved()),
				svc: svcWith({ foo: 'bar' }),
				labels: { ...reserved(), foo: 'bar' },
				updated: true,
			},
			{
				name: 'Evil service trying to hijack slice labels only well-known slice labels',
				slice: sliceWith(reserved()),
				svc: svcWith({
					[labelServiceNameKey]: 'bad',
					[labelManagedByKey]: 'actor',
					[labelHeadlessKey]: 'invalid',
				}),
				labels: reserved(),
				updated: false,
			},
			{
				name: 'Evil service trying to hijack slice labels with updates',
				slice: sliceWith(reserved()),
				svc: svcWith({ [labelServiceNameKey]: 'bad', [labelManagedByKey]: 'actor', foo: 'bar' }),
				labels: { ...reserved(), foo: 'bar' },
				updated: true,
			},
			{
				name: '(§5.3) a changed label value is an update',
				slice: sliceWith({ ...reserved(), foo: 'old' }),
				svc: svcWith({ foo: 'new' }),
				labels: { ...reserved(), foo: 'new' },
				updated: true,
			},
			{
				name: '(§5.3) an empty clusterIP counts as headless',
				slice: sliceWith(reserved()),
				svc: svcWith(undefined, ''),
				labels: { ...reserved(), [labelHeadlessKey]: '' },
				updated: false,
			},
		];
		for (const tc of cases) {
			it(`TestSetEndpointSliceLabels ${tc.name}`, () => {
				const got = setEndpointSliceLabels(tc.slice, tc.svc, sliceControllerName);
				assert.deepEqual(got, { labels: tc.labels, changed: tc.updated });
			});
		}
	});

	describe('TestSupportedServiceAddressType (getAddressTypesForService)', () => {
		const spec = (
			clusterIP: string | undefined,
			ipFamilies: ('IPv4' | 'IPv6')[] | null,
			selector = false,
		): Service => newService('foo', { clusterIP, ipFamilies, selector: selector ? { foo: 'bar' } : null });
		const cases: [string, Service, string[]][] = [
			['v4 service with no ip families (cluster upgrade)', spec('10.0.0.10', null), ['IPv4']],
			['v6 service with no ip families (cluster upgrade)', spec('2000::1', null), ['IPv6']],
			['v4 service', spec(undefined, ['IPv4']), ['IPv4']],
			['v6 services', spec(undefined, ['IPv6']), ['IPv6']],
			['v4,v6 service', spec(undefined, ['IPv4', 'IPv6']), ['IPv4', 'IPv6']],
			['v6,v4 service', spec(undefined, ['IPv6', 'IPv4']), ['IPv4', 'IPv6']],
			['headless with no selector and no families (old api-server)', spec('None', null), ['IPv4', 'IPv6']],
			['headless with selector and no families (old api-server)', spec('None', null, true), ['IPv4', 'IPv6']],
			['headless with no selector with families', spec('None', ['IPv4', 'IPv6']), ['IPv4', 'IPv6']],
			['headless with selector with families', spec('None', ['IPv4', 'IPv6'], true), ['IPv4', 'IPv6']],
			['(§3) no families and an empty clusterIP: both', spec('', null), ['IPv4', 'IPv6']],
		];
		for (const [name, svc, want] of cases) {
			it(`TestSupportedServiceAddressType ${name}`, () => {
				// Upstream returns a set: compare without order.
				assert.deepEqual([...getAddressTypesForService(svc)].sort(), want);
			});
		}
	});

	describe('Test_hintsEnabled', () => {
		const hints = 'service.kubernetes.io/topology-aware-hints';
		const mode = 'service.kubernetes.io/topology-mode';
		const cases: [string, Record<string, string> | undefined, boolean][] = [
			['empty annotations', undefined, false],
			['different annotations', { 'topology-hints': 'enabled' }, false],
			['hints annotation == enabled', { [hints]: 'enabled' }, false],
			['hints annotation == aUto', { [hints]: 'aUto' }, false],
			['hints annotation == auto', { [hints]: 'auto' }, true],
			['hints annotation == Auto', { [hints]: 'Auto' }, true],
			['hints annotation == disabled', { [hints]: 'disabled' }, false],
			['mode annotation == enabled', { [mode]: 'enabled' }, false],
			['mode annotation == aUto', { [mode]: 'aUto' }, false],
			['mode annotation == auto', { [mode]: 'auto' }, true],
			['mode annotation == Auto', { [mode]: 'Auto' }, true],
			['mode annotation == disabled', { [mode]: 'disabled' }, false],
			['mode annotation == disabled, hints annotation == auto', { [mode]: 'disabled', [hints]: 'auto' }, true],
			['mode annotation == auto, hints annotation == disabled', { [mode]: 'auto', [hints]: 'disabled' }, false],
			[
				'(§8) mode annotation == Auto, hints annotation present but empty',
				{ [mode]: 'Auto', [hints]: '' },
				false,
			],
		];
		for (const [name, annotations, want] of cases) {
			it(`Test_hintsEnabled ${name} → ${want}`, () => {
				assert.equal(hintsEnabled(annotations), want);
			});
		}
	});

	describe('TestPlaceHolderSliceCompare (reconciler_test.go)', () => {
		const empty = (): EndpointSlice => ({ addressType: '', endpoints: null });
		const withMeta = (metadata: EndpointSlice['metadata']): EndpointSlice => ({ ...empty(), metadata });
		const cases: [string, EndpointSlice, EndpointSlice, boolean][] = [
			['Both are empty and non-nil', empty(), empty(), true],
			['Only ObjectMeta.Name has diff', withMeta({ name: 'foo' }), withMeta({ name: 'bar' }), true],
			[
				'Only ObjectMeta.Labels has diff',
				withMeta({ labels: { foo: 'true' } }),
				withMeta({ labels: { bar: 'true' } }),
				false,
			],
			[
				'Creation time is different',
				withMeta({ creationTimestamp: '1970-01-01T00:00:01Z' }),
				withMeta({ creationTimestamp: '1970-01-01T00:00:02Z' }),
				true,
			],
			[
				'Different except for ObjectMeta',
				{ ...empty(), addressType: 'IPv4' },
				{ ...empty(), addressType: 'IPv6' },
				false,
			],
			[
				'(forked DeepEqual) nil and empty ports/endpoints are equal',
				{ addressType: 'IPv4', endpoints: null, ports: null },
				{ addressType: 'IPv4', endpoints: [], ports: [] },
				true,
			],
			[
				'(ObjectMeta func) annotations are not compared',
				withMeta({ annotations: { a: 'b' } }),
				withMeta({}),
				true,
			],
			[
				'(ObjectMeta func) namespace is compared',
				withMeta({ namespace: 'a' }),
				withMeta({ namespace: 'b' }),
				false,
			],
			[
				'(ObjectMeta func) ownerReferences are not compared: the ObjectMeta equality func replaces the whole ObjectMeta comparison',
				withMeta({ ownerReferences: [serviceOwnerRef(newService())] }),
				withMeta({ ownerReferences: [serviceOwnerRef(newService(), 'other-uid')] }),
				true,
			],
			[
				'ports differ',
				{ ...empty(), ports: [{ name: 'a', port: 1, protocol: 'TCP' }] },
				{ ...empty(), ports: [] },
				false,
			],
		];
		for (const [name, x, y, want] of cases) {
			it(`TestPlaceHolderSliceCompare ${name} → ${want}`, () => {
				assert.equal(placeholderSliceEqual(x, y), want);
				assert.equal(placeholderSliceEqual(y, x), want);
			});
		}
	});

	describe('getSliceToFill (utils.go; no upstream unit test, exercised by the packing tests)', () => {
		const svc = newService();
		const sized = (name: string, n: number) =>
			newSlice(name, svc, { endpoints: Array.from({ length: n }, (_, i) => ({ addresses: [`10.0.0.${i}`] })) });
		it('picks the slice that is closest to full after taking all the endpoints', () => {
			const got = getSliceToFill([sized('a', 10), sized('b', 62), sized('c', 61)], 27, 100);
			assert.equal(got?.metadata?.name, 'b');
		});
		it('a slice with exactly enough room wins', () => {
			const got = getSliceToFill([sized('a', 70), sized('b', 90), sized('c', 80)], 10, 100);
			assert.equal(got?.metadata?.name, 'b');
		});
		it('never picks a slice that cannot take all the endpoints', () => {
			assert.equal(getSliceToFill([sized('a', 74), sized('b', 74)], 52, 100), undefined);
		});
		it('no slices → none', () => {
			assert.equal(getSliceToFill([], 5, 100), undefined);
		});
	});

	describe('small helpers', () => {
		it('getEndpointSlicePrefix: "<name>-"', () => {
			assert.equal(getEndpointSlicePrefix('foo'), 'foo-');
		});
		it('getEndpointSlicePrefix: no dash when "<name>-" would exceed 253 characters', () => {
			const long = 'a'.repeat(253);
			assert.equal(getEndpointSlicePrefix(long), long);
		});
		it('ownedBy (TestReconcileEndpointSlicesRecreation): uid, kind Service and apiVersion v1 must all match', () => {
			const svc = newService();
			const ref = serviceOwnerRef(svc);
			const slice = (o: typeof ref) => newSlice(1, svc, { ownerReferences: [o] });
			assert.equal(ownedBy(slice(ref), svc), true);
			assert.equal(ownedBy(slice({ ...ref, uid: 'different' }), svc), false);
			assert.equal(ownedBy(slice({ ...ref, kind: 'Endpoints' }), svc), false);
			assert.equal(ownedBy(slice({ ...ref, apiVersion: 'v2' }), svc), false);
		});
		it('addTriggerTimeAnnotation: set when given, removed when zero, other annotations kept', () => {
			const slice = newSlice(1, newService(), { annotations: { keep: 'me' } });
			addTriggerTimeAnnotation(slice, '2024-01-02T03:04:05.5Z');
			assert.deepEqual(slice.metadata?.annotations, {
				keep: 'me',
				[triggerTimeAnnotationKey]: '2024-01-02T03:04:05.5Z',
			});
			addTriggerTimeAnnotation(slice, undefined);
			assert.deepEqual(slice.metadata?.annotations, { keep: 'me' });
		});
	});
});
