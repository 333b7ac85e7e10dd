/**
 * Black-box tests of `endpoint-lens simulate` (and the command line around it) through the real process: the contract
 * in README.md, "Command-line tool". Scenarios come from test/fixtures/cli/*.json, or are derived from them in the
 * test and sent on standard input.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { EndpointSlice, Endpoints, Pod } from '../../src/core/k8s/types';
import type { CliResult } from './support/cli';
import { fixture, loadFixture, prepareCli, runCli, simulate } from './support/cli';

interface SliceAction {
	verb: 'create' | 'update' | 'delete';
	object: EndpointSlice;
}

interface SliceOutput {
	actions: SliceAction[];
	slices: EndpointSlice[];
	error: string | null;
}

interface EndpointsAction {
	verb: 'create' | 'update' | 'delete';
	path: string;
	object: Endpoints | null;
}

interface EndpointsOutput {
	actions: EndpointsAction[];
	endpoints: Endpoints | null;
	error: string | null;
}

type Scenario = Record<string, unknown>;

const serviceNameLabel = 'kubernetes.io/service-name';
const managedByLabel = 'endpointslice.kubernetes.io/managed-by';
const headlessLabel = 'service.kubernetes.io/headless';
const endpointsManagedByLabel = 'endpoints.kubernetes.io/managed-by';
const triggerTimeAnnotation = 'endpoints.kubernetes.io/last-change-trigger-time';
const webUid = '6f1b3c2e-1a44-4d2b-9d6e-2f0c8a1e7b01';

/** A name the API server would complete from `prefix` (5 characters of apimachinery's rand alphabet). */
function generatedNameOf(prefix: string): RegExp {
	return new RegExp(`^${prefix}[bcdfghjklmnpqrstvwxz2456789]{5}$`);
}

/** Asserts a clean run (exit 0, nothing on stderr) and parses standard output. */
function ok<T>(r: CliResult): T {
	assert.equal(r.stderr, '', 'nothing on stderr');
	assert.equal(r.status, 0, 'exit status 0');
	assert.ok(r.stdout.endsWith('\n'), 'stdout ends with a newline');
	return JSON.parse(r.stdout) as T;
}

/** Asserts malformed input: exit 2, nothing on stdout, and a message on stderr that matches. */
function rejected(r: CliResult, message: RegExp): void {
	assert.equal(r.status, 2, `exit status 2 (stderr: ${r.stderr})`);
	assert.equal(r.stdout, '', 'nothing on stdout');
	assert.match(r.stderr, /^endpoint-lens: /);
	assert.match(r.stderr, message);
}

function verbsAndNames(actions: readonly SliceAction[]): string[][] {
	return actions.map((a) => [a.verb, a.object.metadata?.name ?? `(generateName ${a.object.metadata?.generateName})`]);
}

function addressesOf(slice: EndpointSlice): string[] {
	return (slice.endpoints ?? []).map((e) => e.addresses[0]!);
}

/** The reconcile-web scenario, freshly parsed (tests change it freely). */
function webScenario(): Scenario {
	return loadFixture('reconcile-web.json');
}

function podsOf(s: Scenario): Pod[] {
	return s.pods as Pod[];
}

/** `n` ready web pods on node-a with distinct names, uids and IPs, cloned from the fixture's first pod. */
function manyWebPods(n: number): Pod[] {
	const template = podsOf(webScenario())[0]!;
	return Array.from({ length: n }, (_, i) => {
		const pod = structuredClone(template);
		const ip = `10.244.${10 + Math.floor(i / 250)}.${(i % 250) + 1}`;
		pod.metadata = {
			...pod.metadata,
			name: `web-7d4b9c-${String(i).padStart(5, '0')}`,
			uid: `a1000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
		};
		pod.status = { ...pod.status, podIP: ip, podIPs: [{ ip }] };
		return pod;
	});
}

before(async () => {
	await prepareCli();
});

describe('simulate endpointslice-reconcile', () => {
	it('creates one slice for the selected pods, with labels, owner, port and conditions as written upstream', () => {
		const out = ok<SliceOutput>(runCli(['simulate', fixture('reconcile-web.json')]));
		assert.equal(out.error, null);
		assert.equal(out.actions.length, 1);
		const [create] = out.actions;
		assert.equal(create!.verb, 'create');
		const body = create!.object;
		assert.equal(body.metadata?.generateName, 'web-');
		assert.equal(body.metadata?.name, undefined, 'a create request carries generateName, not a name');
		assert.equal(body.metadata?.namespace, 'shop');
		assert.equal(body.metadata?.labels?.[headlessLabel], undefined, 'a Service with a cluster IP is not headless');
		assert.deepEqual(body.metadata?.labels, {
			'app.kubernetes.io/name': 'web',
			[serviceNameLabel]: 'web',
			[managedByLabel]: 'endpointslice-controller.k8s.io',
		});
		assert.deepEqual(body.metadata?.ownerReferences, [
			{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: webUid, controller: true, blockOwnerDeletion: true },
		]);
		assert.equal(body.addressType, 'IPv4');
		assert.deepEqual(body.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
		const ready = { ready: true, serving: true, terminating: false };
		const notReady = { ready: false, serving: false, terminating: false };
		assert.deepEqual(
			body.endpoints?.map((e) => [e.addresses, e.conditions, e.targetRef?.name, e.nodeName, e.zone]),
			[
				[['10.244.1.11'], ready, 'web-7d4b9c-abcde', 'node-a', 'eu-west-1a'],
				[['10.244.2.12'], ready, 'web-7d4b9c-fghij', 'node-b', 'eu-west-1b'],
				[['10.244.2.13'], notReady, 'web-7d4b9c-klmno', 'node-b', 'eu-west-1b'],
			],
		);
	});

	it('lists the created slice among the slices afterwards, under a generated name', () => {
		const out = ok<SliceOutput>(runCli(['simulate', fixture('reconcile-web.json')]));
		assert.equal(out.slices.length, 1);
		const [slice] = out.slices;
		assert.match(slice!.metadata?.name ?? '', generatedNameOf('web-'));
		assert.deepEqual(addressesOf(slice!), ['10.244.1.11', '10.244.2.12', '10.244.2.13']);
		const { name: _name, ...rest } = slice!.metadata ?? {};
		assert.deepEqual({ ...slice!, metadata: rest }, out.actions[0]!.object, 'stored: the create body plus a name');
	});

	it('reads the scenario from standard input when FILE is absent, and from standard input for "-"', () => {
		const fromFile = runCli(['simulate', fixture('reconcile-web.json')]);
		const text = JSON.stringify(webScenario());
		const fromStdin = runCli(['simulate'], { input: text });
		const fromDash = runCli(['simulate', '-'], { input: text });
		assert.equal(fromFile.status, 0);
		assert.equal(fromStdin.status, 0);
		assert.equal(fromDash.status, 0);
		assert.equal(fromStdin.stdout, fromFile.stdout);
		assert.equal(fromDash.stdout, fromFile.stdout);
	});

	it('issues updates before deletes, and deletes slices of an address type the Service no longer has last', () => {
		const out = ok<SliceOutput>(runCli(['simulate', fixture('reconcile-stale.json')]));
		assert.equal(out.error, null);
		assert.deepEqual(verbsAndNames(out.actions), [
			['update', 'web-x7k2p'],
			['delete', 'web-m4n8q'],
			['delete', 'web-v6h9d'],
		]);
		// The gone pod leaves web-x7k2p, the two pods without a slice fill it.
		assert.deepEqual(addressesOf(out.actions[0]!.object), ['10.244.1.11', '10.244.2.12', '10.244.2.13']);
		assert.deepEqual(
			out.slices.map((s) => [s.metadata?.name, s.addressType, addressesOf(s)]),
			[['web-x7k2p', 'IPv4', ['10.244.1.11', '10.244.2.12', '10.244.2.13']]],
		);
	});

	it('reports a pod on a missing Node in "error", exits 0, and still writes the slice without that pod', () => {
		const s = webScenario();
		podsOf(s)[2]!.spec!.nodeName = 'node-gone';
		const out = ok<SliceOutput>(simulate(s));
		assert.equal(out.error, 'skipping Pod web-7d4b9c-klmno for Service shop/web: Node node-gone Not Found');
		assert.deepEqual(out.actions.map((a) => a.verb), ['create']);
		assert.deepEqual(addressesOf(out.actions[0]!.object), ['10.244.1.11', '10.244.2.12']);
		assert.equal(out.slices.length, 1);
		assert.deepEqual(addressesOf(out.slices[0]!), ['10.244.1.11', '10.244.2.12']);
	});

	it('keeps a pod on a missing Node, without error, when the Service publishes not-ready addresses', () => {
		const s = webScenario();
		podsOf(s)[2]!.spec!.nodeName = 'node-gone';
		(s.service as { spec: { publishNotReadyAddresses?: boolean } }).spec.publishNotReadyAddresses = true;
		const out = ok<SliceOutput>(simulate(s));
		assert.equal(out.error, null);
		assert.deepEqual(addressesOf(out.slices[0]!), ['10.244.1.11', '10.244.2.12', '10.244.2.13']);
	});

	it('packs 250 pods into 3 created slices of 100, 100 and 50 by default', () => {
		const s = webScenario();
		s.pods = manyWebPods(250);
		const out = ok<SliceOutput>(simulate(s));
		assert.equal(out.error, null);
		assert.deepEqual(out.actions.map((a) => a.verb), ['create', 'create', 'create']);
		assert.deepEqual(out.actions.map((a) => a.object.endpoints?.length), [100, 100, 50]);
		assert.deepEqual(out.slices.map((sl) => sl.endpoints?.length), [100, 100, 50]);
		const names = out.slices.map((sl) => sl.metadata?.name ?? '');
		assert.equal(new Set(names).size, 3, 'distinct generated names');
		names.forEach((n) => assert.match(n, generatedNameOf('web-')));
		const all = out.slices.flatMap(addressesOf).sort();
		assert.deepEqual(all, manyWebPods(250).map((p) => p.status!.podIP!).sort(), 'every pod exactly once');
	});

	it('honours maxEndpointsPerSlice: 80 gives 80, 80, 80 and 10', () => {
		const s = webScenario();
		s.pods = manyWebPods(250);
		s.maxEndpointsPerSlice = 80;
		const out = ok<SliceOutput>(simulate(s));
		assert.deepEqual(out.actions.map((a) => [a.verb, a.object.endpoints?.length]), [
			['create', 80],
			['create', 80],
			['create', 80],
			['create', 10],
		]);
	});

	it('labels slices managed-by endpointslice-controller.k8s.io by default and by controllerName when given', () => {
		const byDefault = ok<SliceOutput>(simulate(webScenario()));
		assert.equal(byDefault.slices[0]!.metadata?.labels?.[managedByLabel], 'endpointslice-controller.k8s.io');
		const s = webScenario();
		s.controllerName = 'lb-controller.example.com';
		const custom = ok<SliceOutput>(simulate(s));
		assert.equal(custom.actions[0]!.object.metadata?.labels?.[managedByLabel], 'lb-controller.example.com');
		assert.equal(custom.slices[0]!.metadata?.labels?.[managedByLabel], 'lb-controller.example.com');
	});

	it('writes triggerTime as the last-change-trigger-time annotation, in UTC', () => {
		const s = webScenario();
		s.triggerTime = '2024-05-01T10:15:30+02:00';
		const out = ok<SliceOutput>(simulate(s));
		assert.deepEqual(out.actions[0]!.object.metadata?.annotations, {
			[triggerTimeAnnotation]: '2024-05-01T08:15:30Z',
		});
		const without = ok<SliceOutput>(simulate(webScenario()));
		assert.equal(without.actions[0]!.object.metadata?.annotations, undefined, 'no triggerTime, no annotation');
	});

	it('labels the slices of a headless Service service.kubernetes.io/headless', () => {
		const s = webScenario();
		const spec = (s.service as { spec: Record<string, unknown> }).spec;
		spec.clusterIP = 'None';
		spec.clusterIPs = ['None'];
		const out = ok<SliceOutput>(simulate(s));
		assert.equal(out.actions[0]!.object.metadata?.labels?.[headlessLabel], '');
	});

	it('creates one slice per address type for a dual-stack Service, IPv4 first', () => {
		const s = webScenario();
		const spec = (s.service as { spec: Record<string, unknown> }).spec;
		spec.ipFamilies = ['IPv4', 'IPv6'];
		spec.ipFamilyPolicy = 'RequireDualStack';
		spec.clusterIPs = ['10.96.14.7', 'fd00:96::e07'];
		podsOf(s).forEach((p, i) => p.status!.podIPs!.push({ ip: `fd00:10:244::${i + 1}` }));
		const out = ok<SliceOutput>(simulate(s));
		assert.deepEqual(out.actions.map((a) => [a.verb, a.object.addressType]), [
			['create', 'IPv4'],
			['create', 'IPv6'],
		]);
		assert.deepEqual(out.slices.map(addressesOf), [
			['10.244.1.11', '10.244.2.12', '10.244.2.13'],
			['fd00:10:244::1', 'fd00:10:244::2', 'fd00:10:244::3'],
		]);
		assert.notEqual(out.slices[0]!.metadata?.name, out.slices[1]!.metadata?.name);
	});

	it('creates an empty placeholder slice when the Service selects no pods', () => {
		const s = webScenario();
		s.pods = [];
		const out = ok<SliceOutput>(simulate(s));
		assert.deepEqual(out.actions.map((a) => a.verb), ['create']);
		assert.equal(out.actions[0]!.object.addressType, 'IPv4');
		assert.deepEqual(out.actions[0]!.object.endpoints, []);
		assert.deepEqual(out.actions[0]!.object.ports, []);
	});

	it('writes nothing when the existing slices are already what it wants (a second run is a no-op)', () => {
		const first = ok<SliceOutput>(runCli(['simulate', fixture('reconcile-web.json')]));
		const s = webScenario();
		s.existingSlices = first.slices;
		const second = ok<SliceOutput>(simulate(s));
		assert.deepEqual(second, { actions: [], slices: first.slices, error: null });
	});

	it('passes options.preferSameTrafficDistribution through: PreferSameZone hints need it', () => {
		const s = webScenario();
		(s.service as { spec: Record<string, unknown> }).spec.trafficDistribution = 'PreferSameZone';
		const off = ok<SliceOutput>(simulate(s));
		assert.deepEqual(off.slices[0]!.endpoints?.map((e) => e.hints ?? null), [null, null, null]);
		s.options = { preferSameTrafficDistribution: true };
		const on = ok<SliceOutput>(simulate(s));
		assert.deepEqual(on.slices[0]!.endpoints?.slice(0, 2).map((e) => e.hints), [
			{ forZones: [{ name: 'eu-west-1a' }] },
			{ forZones: [{ name: 'eu-west-1b' }] },
		]);
	});
});

describe('simulate endpointslice-sync', () => {
	it('selects pods by namespace and selector and recycles its placeholder; other slices stay as they are', () => {
		const input = loadFixture('sync-store.json');
		const out = ok<SliceOutput>(runCli(['simulate', fixture('sync-store.json')]));
		assert.equal(out.error, null);
		assert.deepEqual(verbsAndNames(out.actions), [['update', 'web-p2l8c']]);
		const update = out.actions[0]!.object;
		// Only the three shop pods labelled web: not the staging one, not db-0.
		assert.deepEqual(addressesOf(update), ['10.244.1.11', '10.244.2.12', '10.244.2.13']);
		assert.deepEqual(update.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
		// A fresh controller's trigger time is the Service's creationTimestamp.
		assert.equal(update.metadata?.annotations?.[triggerTimeAnnotation], '2024-05-01T09:00:00Z');
		const stored = input.endpointSlices as EndpointSlice[];
		assert.deepEqual(out.slices.map((s) => s.metadata?.name), ['db-r5t7w', 'web-external', 'web-p2l8c']);
		assert.deepEqual(out.slices[0], stored[0], 'another Service\'s slice is untouched');
		assert.deepEqual(out.slices[1], stored[1], 'a slice managed by someone else is untouched');
		assert.deepEqual(addressesOf(out.slices[2]!), ['10.244.1.11', '10.244.2.12', '10.244.2.13']);
	});

	it('leaves the slices of another controllerName alone and makes its own', () => {
		const other = webScenario();
		other.controllerName = 'lb-controller.example.com';
		const theirs = ok<SliceOutput>(simulate(other)).slices;
		const s = loadFixture('sync-store.json');
		s.endpointSlices = theirs;
		const out = ok<SliceOutput>(simulate(s));
		assert.deepEqual(
			out.actions.map((a) => [a.verb, a.object.metadata?.labels?.[managedByLabel]]),
			[['create', 'endpointslice-controller.k8s.io']],
		);
		assert.equal(out.slices.length, 2);
		assert.deepEqual(out.slices[0], theirs[0], 'the other controller\'s slice is unchanged');
		const names = out.slices.map((sl) => `${sl.metadata?.namespace}/${sl.metadata?.name}`);
		assert.equal(new Set(names).size, names.length, `no two slices in the store share a name: ${names.join(', ')}`);
	});

	it('does nothing for an ExternalName Service', () => {
		const s = loadFixture('sync-store.json');
		const svc = s.service as { spec: Record<string, unknown> };
		svc.spec = { type: 'ExternalName', externalName: 'web.example.com' };
		const out = ok<SliceOutput>(simulate(s));
		assert.deepEqual(out.actions, []);
		assert.deepEqual(out.slices, s.endpointSlices);
		assert.equal(out.error, null);
	});

	it('does nothing for a Service without a selector', () => {
		const s = loadFixture('sync-store.json');
		delete (s.service as { spec: Record<string, unknown> }).spec.selector;
		const out = ok<SliceOutput>(simulate(s));
		assert.deepEqual(out.actions, []);
		assert.deepEqual(out.slices, s.endpointSlices);
	});

	it('reports a pod on a missing Node in "error" and exits 0', () => {
		const s = loadFixture('sync-store.json');
		s.nodes = (s.nodes as { metadata: { name: string } }[]).filter((n) => n.metadata.name !== 'node-a');
		const out = ok<SliceOutput>(simulate(s));
		assert.equal(out.error, 'skipping Pod web-7d4b9c-abcde for Service shop/web: Node node-a Not Found');
		assert.deepEqual(verbsAndNames(out.actions), [['update', 'web-p2l8c']]);
		assert.deepEqual(addressesOf(out.actions[0]!.object), ['10.244.2.12', '10.244.2.13']);
	});

	it('honours maxEndpointsPerSlice: 250 selected pods in 3 slices of 100, 100 and 50', () => {
		const s = loadFixture('sync-store.json');
		s.pods = manyWebPods(250);
		s.endpointSlices = [];
		const out = ok<SliceOutput>(simulate(s));
		assert.deepEqual(out.actions.map((a) => [a.verb, a.object.endpoints?.length]), [
			['create', 100],
			['create', 100],
			['create', 50],
		]);
	});
});

describe('simulate endpoints-sync', () => {
	it('creates the Endpoints at the collection path, without a name in the path', () => {
		const out = ok<EndpointsOutput>(runCli(['simulate', fixture('endpoints-create.json')]));
		assert.equal(out.error, null);
		assert.deepEqual(out.actions.map((a) => [a.verb, a.path]), [['create', '/api/v1/namespaces/shop/endpoints']]);
		const body = out.actions[0]!.object!;
		assert.equal(body.metadata?.name, 'web');
		assert.deepEqual(body.metadata?.labels, {
			'app.kubernetes.io/name': 'web',
			[endpointsManagedByLabel]: 'endpoint-controller',
		});
		assert.deepEqual(body.metadata?.annotations, { [triggerTimeAnnotation]: '2024-05-01T09:00:00Z' });
		assert.equal(body.subsets?.length, 1);
		const [subset] = body.subsets!;
		// The staging pod (other namespace) and db-0 (other labels) are not selected.
		assert.deepEqual(subset!.addresses?.map((a) => [a.ip, a.nodeName, a.targetRef?.name]), [
			['10.244.1.11', 'node-a', 'web-7d4b9c-abcde'],
			['10.244.2.12', 'node-b', 'web-7d4b9c-fghij'],
		]);
		assert.deepEqual(subset!.notReadyAddresses?.map((a) => a.ip), ['10.244.2.13']);
		assert.deepEqual(subset!.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
		assert.equal(out.endpoints?.metadata?.namespace, 'shop');
		assert.deepEqual(out.endpoints?.subsets, body.subsets);
	});

	it('writes nothing when the existing Endpoints is already right', () => {
		const first = ok<EndpointsOutput>(runCli(['simulate', fixture('endpoints-create.json')]));
		const s = loadFixture('endpoints-create.json');
		s.existingEndpoints = first.endpoints;
		const out = ok<EndpointsOutput>(simulate(s));
		assert.deepEqual(out, { actions: [], endpoints: first.endpoints, error: null });
	});

	it('updates at the object path when the pods changed', () => {
		const s = loadFixture('endpoints-service-deleted.json');
		s.service = webScenario().service;
		s.pods = podsOf(webScenario()).slice(0, 2);
		const out = ok<EndpointsOutput>(simulate(s));
		assert.deepEqual(
			out.actions.map((a) => [a.verb, a.path]),
			[['update', '/api/v1/namespaces/shop/endpoints/web']],
		);
		assert.deepEqual(out.endpoints?.subsets?.[0]?.addresses?.map((a) => a.ip), ['10.244.1.11', '10.244.2.12']);
		assert.deepEqual(out.endpoints, out.actions[0]!.object);
	});

	it('deletes the Endpoints of a deleted Service (service null): object null, endpoints null', () => {
		const out = ok<EndpointsOutput>(runCli(['simulate', fixture('endpoints-service-deleted.json')]));
		assert.deepEqual(out, {
			actions: [{ verb: 'delete', path: '/api/v1/namespaces/shop/endpoints/web', object: null }],
			endpoints: null,
			error: null,
		});
	});

	it('does nothing for a deleted Service that has no Endpoints', () => {
		const s = loadFixture('endpoints-service-deleted.json');
		s.existingEndpoints = null;
		const out = ok<EndpointsOutput>(simulate(s));
		assert.deepEqual(out, { actions: [], endpoints: null, error: null });
	});

	it('reports an Endpoints object of another name in "error" and exits 0 without writing', () => {
		const s = loadFixture('endpoints-service-deleted.json');
		s.service = webScenario().service;
		const existing = s.existingEndpoints as Endpoints;
		existing.metadata!.name = 'web-old';
		const out = ok<EndpointsOutput>(simulate(s));
		assert.equal(out.error, 'existingEndpoints is named "web-old", not "web" like its Service');
		assert.deepEqual(out.actions, []);
		assert.deepEqual(out.endpoints, existing);
	});

	it('labels the Endpoints with controllerName when given', () => {
		const s = loadFixture('endpoints-create.json');
		s.controllerName = 'my-endpoints-controller';
		const out = ok<EndpointsOutput>(simulate(s));
		assert.equal(out.actions[0]!.object?.metadata?.labels?.[endpointsManagedByLabel], 'my-endpoints-controller');
	});
});

describe('simulate mirroring-reconcile', () => {
	it('mirrors an Endpoints object into one slice: ready and notReady addresses, owned by the Endpoints', () => {
		const out = ok<SliceOutput>(runCli(['simulate', fixture('mirroring-legacy-db.json')]));
		assert.equal(out.error, null);
		assert.deepEqual(out.actions.map((a) => a.verb), ['create']);
		assert.equal(out.slices.length, 1);
		const [slice] = out.slices;
		assert.match(slice!.metadata?.name ?? '', generatedNameOf('legacy-db-'));
		assert.equal(slice!.metadata?.namespace, 'data');
		assert.deepEqual(slice!.metadata?.labels, {
			'app.kubernetes.io/part-of': 'billing',
			[managedByLabel]: 'endpointslicemirroring-controller.k8s.io',
			[serviceNameLabel]: 'legacy-db',
		});
		assert.deepEqual(slice!.metadata?.ownerReferences, [
			{
				apiVersion: 'v1',
				kind: 'Endpoints',
				name: 'legacy-db',
				uid: 'c0000000-0000-4000-8000-000000000002',
				controller: true,
				blockOwnerDeletion: true,
			},
		]);
		assert.equal(slice!.addressType, 'IPv4');
		assert.deepEqual(slice!.ports, [{ name: 'mysql', port: 3306, protocol: 'TCP' }]);
		assert.deepEqual(
			slice!.endpoints?.map((e) => [e.addresses, e.conditions]),
			[
				[['192.168.10.11'], { ready: true }],
				[['192.168.10.12'], { ready: true }],
				[['192.168.10.13'], { ready: false }],
			],
		);
	});

	it('sends creates with generateName and no name, like the endpointslice kinds (the name goes in "slices")', () => {
		const out = ok<SliceOutput>(runCli(['simulate', fixture('mirroring-legacy-db.json')]));
		const body = out.actions[0]!.object;
		assert.equal(body.metadata?.generateName, 'legacy-db-');
		assert.equal(body.metadata?.name, undefined, 'a create request carries generateName, not a name');
	});

	it('writes nothing when the mirrored slices are up to date', () => {
		const first = ok<SliceOutput>(runCli(['simulate', fixture('mirroring-legacy-db.json')]));
		const s = loadFixture('mirroring-legacy-db.json');
		s.existingSlices = first.slices;
		const out = ok<SliceOutput>(simulate(s));
		assert.deepEqual(out, { actions: [], slices: first.slices, error: null });
	});

	it('updates the mirrored slice when an address goes away, and deletes it when the Endpoints has no subsets', () => {
		const first = ok<SliceOutput>(runCli(['simulate', fixture('mirroring-legacy-db.json')]));
		const name = first.slices[0]!.metadata?.name;
		const s = loadFixture('mirroring-legacy-db.json');
		s.existingSlices = first.slices;
		const endpoints = s.endpoints as Endpoints;
		endpoints.subsets![0]!.addresses!.pop();
		const updated = ok<SliceOutput>(simulate(s));
		assert.deepEqual(verbsAndNames(updated.actions), [['update', name!]]);
		assert.deepEqual(addressesOf(updated.slices[0]!), ['192.168.10.11', '192.168.10.13']);
		endpoints.subsets = [];
		const deleted = ok<SliceOutput>(simulate(s));
		assert.deepEqual(verbsAndNames(deleted.actions), [['delete', name!]]);
		assert.deepEqual(deleted.slices, []);
	});

	it('mirrors at most maxEndpointsPerSubset addresses per subset', () => {
		const s = loadFixture('mirroring-legacy-db.json');
		s.maxEndpointsPerSubset = 2;
		const out = ok<SliceOutput>(simulate(s));
		assert.deepEqual(addressesOf(out.slices[0]!), ['192.168.10.11', '192.168.10.12']);
	});

	it('labels the slices with controllerName when given', () => {
		const s = loadFixture('mirroring-legacy-db.json');
		s.controllerName = 'mirror.example.com';
		const out = ok<SliceOutput>(simulate(s));
		assert.equal(out.slices[0]!.metadata?.labels?.[managedByLabel], 'mirror.example.com');
	});
});

describe('simulate: malformed input exits 2 with the reason on stderr', () => {
	const service = { metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { app: 'web' } } };
	const fromStdin = (input: string): CliResult => runCli(['simulate'], { input });
	const reconcile = (extra: Scenario): CliResult =>
		simulate({ kind: 'endpointslice-reconcile', service, pods: [], nodes: [], existingSlices: [], ...extra });

	it('invalid JSON', () => {
		rejected(fromStdin('{"kind": "endpointslice-reconcile",'), /simulate: the scenario is not valid JSON/);
	});

	it('empty input', () => {
		rejected(fromStdin(''), /simulate: the scenario is not valid JSON/);
	});

	it('JSON that is not an object', () => {
		rejected(fromStdin('[{"kind":"endpointslice-reconcile"}]'), /a scenario must be a JSON object, got a list/);
		rejected(fromStdin('"endpointslice-reconcile"'), /a scenario must be a JSON object/);
	});

	it('no kind', () => {
		rejected(
			simulate({ service }),
			/no "kind"; expected one of: endpointslice-reconcile, endpointslice-sync, endpoints-sync, mirroring-reconcile$/m,
		);
	});

	it('unknown kind', () => {
		rejected(simulate({ kind: 'endpoints-reconcile', service }), /unknown scenario kind "endpoints-reconcile"/);
	});

	it('a missing service (or endpoints) is named plainly, without "undefined" in the message', () => {
		const noService = simulate({ kind: 'endpointslice-reconcile', pods: [] });
		rejected(noService, /endpointslice-reconcile: "service"/);
		assert.doesNotMatch(noService.stderr, /undefined/, `reported as missing: ${noService.stderr.trim()}`);
		const noEndpoints = simulate({ kind: 'mirroring-reconcile', existingSlices: [] });
		rejected(noEndpoints, /mirroring-reconcile: "endpoints"/);
		assert.doesNotMatch(noEndpoints.stderr, /undefined/, `reported as missing: ${noEndpoints.stderr.trim()}`);
	});

	it('a service that is not a Service', () => {
		rejected(
			reconcile({ service: { kind: 'Pod', metadata: { name: 'web' } } }),
			/"service" must be a Service, got kind "Pod"/,
		);
	});

	it('pods that is not a list', () => {
		rejected(reconcile({ pods: { name: 'web-1' } }), /"pods" must be a list of Pod objects, got an object/);
		rejected(
			simulate({ kind: 'endpoints-sync', service: null, pods: 'web-1' }),
			/endpoints-sync: "pods" must be a list of Pod objects, got string "web-1"/,
		);
	});

	it('a pod that is not an object', () => {
		rejected(reconcile({ pods: ['web-1'] }), /"pods\[0\]" must be a Pod object, got string "web-1"/);
	});

	for (const bad of [0, 1001, 'x', 2.5]) {
		it(`maxEndpointsPerSlice ${JSON.stringify(bad)}`, () => {
			const got = JSON.stringify(bad).replace(/\./g, '\\.');
			rejected(
				reconcile({ maxEndpointsPerSlice: bad }),
				new RegExp(`"maxEndpointsPerSlice" must be an integer from 1 to 1000, got ${got}`),
			);
		});
	}

	it('maxEndpointsPerSubset out of range (mirroring)', () => {
		const s = loadFixture('mirroring-legacy-db.json');
		s.maxEndpointsPerSubset = 1001;
		rejected(simulate(s), /"maxEndpointsPerSubset" must be an integer from 1 to 1000, got 1001/);
	});

	it('a triggerTime that is not RFC3339', () => {
		rejected(reconcile({ triggerTime: 'yesterday' }), /"triggerTime" must be an RFC3339 time, got "yesterday"/);
		rejected(reconcile({ triggerTime: '2024-13-01T00:00:00Z' }), /"triggerTime" must be an RFC3339 time/);
	});

	it('options.topologyCache that is not a boolean', () => {
		rejected(
			reconcile({ options: { topologyCache: 'yes' } }),
			/"options\.topologyCache" must be true or false, got "yes"/,
		);
	});

	it('a FILE that does not exist', () => {
		rejected(
			runCli(['simulate', fixture('no-such-scenario.json')]),
			/cannot read .*no-such-scenario\.json: no such file/,
		);
	});

	it('a FILE that cannot be read (a directory)', () => {
		rejected(runCli(['simulate', fixture('')]), /cannot read .*fixtures\/cli: .*EISDIR/);
	});

	it('more than one FILE', () => {
		rejected(
			runCli(['simulate', fixture('reconcile-web.json'), fixture('sync-store.json')]),
			/simulate takes at most one FILE, got 2/,
		);
	});
});

describe('command line', () => {
	it('--help prints the usage on stdout and exits 0', () => {
		const r = runCli(['--help']);
		assert.equal(r.status, 0);
		assert.equal(r.stderr, '');
		assert.match(r.stdout, /^Usage:/);
		assert.match(r.stdout, /endpoint-lens simulate \[FILE\|-\]/);
		assert.match(r.stdout, /endpoint-lens preview FILE\.\.\. \[--output table\|yaml\|json\]/);
		assert.match(r.stdout, /\[--max-endpoints-per-slice N\]/);
	});

	it('an unknown command exits 2 with the command named and the usage on stderr', () => {
		const r = runCli(['simulat']);
		assert.equal(r.status, 2);
		assert.equal(r.stdout, '');
		assert.match(r.stderr, /^endpoint-lens: unknown command "simulat"\n/);
		assert.match(r.stderr, /Usage:/);
	});

	it('no command exits 2', () => {
		const r = runCli([]);
		assert.equal(r.status, 2);
		assert.equal(r.stdout, '');
		assert.match(r.stderr, /no command given/);
	});

	it('simulate with an unknown option exits 2', () => {
		rejected(runCli(['simulate', '--verbose'], { input: '{}' }), /simulate: unknown option --verbose/);
	});
});

describe('simulate is deterministic', () => {
	it('the same scenario twice gives byte-identical output', () => {
		const s = webScenario();
		s.pods = manyWebPods(250);
		s.triggerTime = '2024-05-01T09:30:00Z';
		const input = JSON.stringify(s);
		const a = runCli(['simulate'], { input });
		const b = runCli(['simulate'], { input });
		assert.equal(a.status, 0);
		assert.equal(a.stdout, b.stdout);
		const c = runCli(['simulate', fixture('reconcile-stale.json')]);
		const d = runCli(['simulate', fixture('reconcile-stale.json')]);
		assert.equal(c.stdout, d.stdout);
	});
});
