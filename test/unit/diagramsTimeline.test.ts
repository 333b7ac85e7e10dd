/**
 * The recorded timeline: events from real store deltas (the playground control plane feeding a ClusterStore),
 * selection by the Service's selector, the ring buffer, trigger-time propagation delays, windowing, and the diagram
 * (golden text, parsed by Mermaid).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { PlaygroundCluster } from '../../src/cluster/playground/playground';
import type { TimelineEvent } from '../../src/core/diagrams/timeline';
import { TimelineRecorder, buildTimeline, formatDelay } from '../../src/core/diagrams/timeline';
import type { EndpointSlice, Endpoints, Pod, Service } from '../../src/core/k8s/types';
import { ClusterStore } from '../../src/core/store/store';
import { lineType, parseMermaid } from './support/mermaidParse';
import { ManualClock, example } from './support/playground';

function golden(name: string, text: string): void {
	const path = `test/fixtures/diagrams/${name}.mmd`;
	if (process.env.UPDATE_GOLDENS === '1') {
		writeFileSync(path, text);
	}
	assert.ok(existsSync(path), `missing golden ${path}: run with UPDATE_GOLDENS=1 to write it`);
	assert.equal(text, readFileSync(path, 'utf8'), `golden ${path} (UPDATE_GOLDENS=1 rewrites it)`);
}

/** The playground feeding a store, the store feeding a recorder stamped with the manual clock. */
function setup(maxEventsPerService?: number) {
	const clock = new ManualClock();
	const pg = new PlaygroundCluster({ clock });
	const store = new ClusterStore({ schedule: () => undefined });
	const recorder = new TimelineRecorder(maxEventsPerService === undefined ? {} : { maxEventsPerService });
	store.onDidApply((delta) => recorder.record(delta, new Date(clock.now())));
	store.applyAll(pg.snapshot());
	pg.onEvent((e) => store.apply(e));
	return { clock, pg, store, recorder };
}

const kinds = (events: readonly TimelineEvent[]) => events.map((e) => e.kind);

describe('diagrams: timeline recorder', () => {
	it('records a Service coming up from real store deltas: pods, slices, Endpoints, delays', async () => {
		const { clock, pg, recorder } = setup();
		pg.apply(example('web.yaml', 'headless-statefulset.yaml'));
		clock.advance(10_000);
		const events = recorder.events('default/web');
		const k = kinds(events);
		assert.equal(k[0], 'serviceCreated');
		assert.equal(k.filter((x) => x === 'podCreated').length, 3);
		assert.equal(k.filter((x) => x === 'podReady').length, 3);
		assert.ok(k.includes('sliceCreated'));
		assert.ok(k.includes('endpointsCreated'));
		assert.ok(k.indexOf('podReady') < k.lastIndexOf('sliceUpdated'), 'slices follow readiness');
		// Only web's pods: the StatefulSet's db-* pods are not selected by web.
		assert.ok(events.every((e) => !e.object.startsWith('db-')));
		assert.ok(recorder.events('default/db').some((e) => e.object === 'db-0'));
		// Each address shows up as added to the slice.
		const ips = pg.pods().filter((p) => p.metadata?.labels?.['app.kubernetes.io/name'] === 'web').map((p) => p.status?.podIPs?.[0]?.ip);
		const sliceText = events.filter((e) => e.kind.startsWith('slice')).map((e) => e.text).join(' ');
		for (const ip of ips) {
			assert.ok(sliceText.includes(`+${ip}`), `${ip} added in ${sliceText}`);
		}
		// Writes carrying a new trigger time have a delay: write time minus the pod's Ready transition (whole seconds).
		const delayed = events.filter((e) => e.delayMs !== undefined);
		assert.ok(delayed.length > 0);
		for (const e of delayed) {
			assert.equal(e.delayMs, Date.parse(e.at) - Date.parse(e.triggerTime!));
			assert.ok(e.delayMs! >= 0 && e.delayMs! < 2000, `${e.delayMs}`);
		}
		assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i + 1));

		const d = buildTimeline('default/web', events);
		const parsed = await parseMermaid(d.mermaid);
		assert.deepEqual([...parsed.actors.values()], d.participants);
		assert.deepEqual(d.participants, ['kubectl', 'Pods / kubelet', 'API server', 'EndpointSlice controller', 'Endpoints controller', 'kube-proxy']);
		assert.ok(parsed.messages.some((m) => m.type === lineType.note && m.text.startsWith('propagation ')));
		assert.ok(d.notes.some((n) => n.startsWith('Propagation delay')));
	});

	it('records terminating, NotReady, Ready and deletion of selected pods and the slice conditions', () => {
		const { clock, pg, recorder } = setup();
		pg.apply(example('web.yaml'));
		clock.advance(10_000);
		recorder.clear('default/web');
		assert.deepEqual(recorder.events('default/web'), []);
		const [a, b] = pg.pods().map((p) => p.metadata!.name!);
		pg.setPodReady('default', a!, false);
		clock.advance(2000);
		pg.setPodReady('default', a!, true);
		clock.advance(2000);
		pg.terminatePod('default', b!);
		clock.advance(10_000);
		const events = recorder.events('default/web');
		const forA = events.filter((e) => e.object === a).map((e) => e.kind);
		assert.deepEqual(forA, ['podNotReady', 'podReady']);
		const forB = events.filter((e) => e.object === b).map((e) => e.kind);
		assert.deepEqual(forB, ['podTerminating', 'podDeleted']);
		const text = events.map((e) => e.text).join('\n');
		assert.match(text, /ready→not ready/);
		assert.match(text, /not ready→ready/);
		assert.match(text, /ready→terminating/);
		assert.match(text, /update Endpoints web: −/);
	});

	it('keeps at most maxEventsPerService events per Service (a ring buffer) and says so', async () => {
		const { clock, pg, recorder } = setup(5);
		pg.apply(example('web.yaml'));
		clock.advance(10_000);
		const events = recorder.events('default/web');
		assert.equal(events.length, 5);
		const first = events[0]!.seq;
		assert.ok(first > 1);
		assert.deepEqual(events.map((e) => e.seq), [first, first + 1, first + 2, first + 3, first + 4]);
		const d = buildTimeline('default/web', events);
		assert.ok(d.notes.some((n) => n.includes(`${first - 1} events no longer kept in memory`)), d.notes.join('\n'));
		await parseMermaid(d.mermaid);
		recorder.clear();
		assert.deepEqual(recorder.events('default/web'), []);
	});

	it('records Service updates and deletion, and ignores changes that concern no Service', () => {
		const recorder = new TimelineRecorder();
		const store = new ClusterStore({ schedule: () => undefined });
		let now = Date.parse('2025-01-01T10:00:00Z');
		store.onDidApply((delta) => recorder.record(delta, new Date(now++)));
		const svc: Service = { kind: 'Service', metadata: { name: 'api', namespace: 'x', resourceVersion: '1' }, spec: { selector: { app: 'api' }, ports: [{ port: 80 }] } };
		store.apply({ type: 'ADDED', kind: 'Service', object: svc });
		store.apply({ type: 'MODIFIED', kind: 'Service', object: { ...svc, metadata: { ...svc.metadata, resourceVersion: '2' }, spec: { ...svc.spec, ports: [{ port: 8080 }] } } });
		const other: Pod = { kind: 'Pod', metadata: { name: 'other', namespace: 'x', labels: { app: 'other' } } };
		store.apply({ type: 'ADDED', kind: 'Pod', object: other });
		const mine: Pod = { kind: 'Pod', metadata: { name: 'api-1', namespace: 'x', labels: { app: 'api' } } };
		store.apply({ type: 'ADDED', kind: 'Pod', object: mine });
		store.apply({ type: 'DELETED', kind: 'Service', object: svc });
		assert.deepEqual(
			recorder.events('x/api').map((e) => [e.kind, e.text, e.at]),
			[
				['serviceCreated', 'Service api created', '2025-01-01T10:00:00.000Z'],
				['serviceUpdated', 'Service api updated: spec.ports changed', '2025-01-01T10:00:00.001Z'],
				['podCreated', 'pod api-1 created', '2025-01-01T10:00:00.003Z'],
				['serviceDeleted', 'Service api deleted', '2025-01-01T10:00:00.004Z'],
			],
		);
	});
});

// ---------------------------------------------------------------------------------------------------------------
// Trigger time and the diagram

function triggerSlice(rv: string, ips: [string, boolean][], trigger?: string): EndpointSlice {
	return {
		kind: 'EndpointSlice',
		metadata: {
			name: 'web-abc12',
			namespace: 'shop',
			uid: 'slice-uid',
			resourceVersion: rv,
			labels: { 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
			...(trigger ? { annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': trigger } } : {}),
		},
		addressType: 'IPv4',
		endpoints: ips.map(([ip, ready]) => ({ addresses: [ip], conditions: { ready, serving: ready, terminating: false } })),
		ports: [{ name: 'http', port: 8080 }],
	};
}

function scripted() {
	const recorder = new TimelineRecorder();
	const store = new ClusterStore({ schedule: () => undefined });
	let at = new Date('2025-03-04T05:06:07.000Z');
	store.onDidApply((delta) => recorder.record(delta, at));
	const step = (iso: string, f: () => void) => {
		at = new Date(iso);
		f();
	};
	const svc: Service = { kind: 'Service', metadata: { name: 'web', namespace: 'shop', uid: 'svc' }, spec: { selector: { app: 'web' }, clusterIP: '10.96.0.10' } };
	step('2025-03-04T05:06:07.000Z', () => store.apply({ type: 'ADDED', kind: 'Service', object: svc }));
	step('2025-03-04T05:06:07.100Z', () =>
		store.apply({ type: 'ADDED', kind: 'EndpointSlice', object: triggerSlice('1', [], '2025-03-04T05:06:07Z') }),
	);
	step('2025-03-04T05:06:09.250Z', () =>
		store.apply({ type: 'MODIFIED', kind: 'EndpointSlice', object: triggerSlice('2', [['10.244.1.5', true], ['10.244.2.6', false]], '2025-03-04T05:06:08Z') }),
	);
	const endpoints: Endpoints = {
		kind: 'Endpoints',
		metadata: { name: 'web', namespace: 'shop', uid: 'ep', resourceVersion: '3', annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': '2025-03-04T05:06:08Z' } },
		subsets: [{ addresses: [{ ip: '10.244.1.5' }], notReadyAddresses: [{ ip: '10.244.2.6' }] }],
	};
	step('2025-03-04T05:06:09.400Z', () => store.apply({ type: 'ADDED', kind: 'Endpoints', object: endpoints }));
	// Same trigger time again: no new delay.
	step('2025-03-04T05:06:10.000Z', () =>
		store.apply({ type: 'MODIFIED', kind: 'EndpointSlice', object: triggerSlice('4', [['10.244.1.5', true], ['10.244.2.6', true]], '2025-03-04T05:06:08Z') }),
	);
	return recorder.events('shop/web');
}

describe('diagrams: timeline diagram', () => {
	it('trigger-time delay: write time minus last-change-trigger-time, only for a new trigger time', () => {
		const events = scripted();
		assert.deepEqual(
			events.map((e) => [e.kind, e.delayMs]),
			[
				['serviceCreated', undefined],
				['sliceCreated', 100],
				['sliceUpdated', 1250],
				['endpointsCreated', 1400],
				['sliceUpdated', undefined],
			],
		);
		assert.equal(events[2]!.text, 'update EndpointSlice web-abc12: +10.244.1.5, +10.244.2.6 (not ready) (1/2 ready)');
		assert.equal(events[4]!.text, 'update EndpointSlice web-abc12: 10.244.2.6 not ready→ready (2/2 ready)');
		assert.equal(formatDelay(1250), '1.250 s');
		assert.equal(formatDelay(100), '100 ms');
	});

	it('golden timeline, parsed by Mermaid', async () => {
		const d = buildTimeline('shop/web', scripted());
		golden('timeline-scripted', d.mermaid);
		const parsed = await parseMermaid(d.mermaid);
		assert.deepEqual([...parsed.actors.values()], d.participants);
		assert.ok(parsed.messages.some((m) => m.text === 'propagation 1.250 s after trigger 05:06:08.000'));
	});

	it('windowing: only the last N events, with a note about the earlier ones', async () => {
		const events = scripted();
		const d = buildTimeline('shop/web', events, { window: 2 });
		golden('timeline-window2', d.mermaid);
		const parsed = await parseMermaid(d.mermaid);
		assert.equal(parsed.messages[0]!.text, '3 earlier events not shown');
		assert.ok(d.notes.includes('Showing the last 2 of 5 events for shop/web.'));
		assert.equal(parsed.messages.filter((m) => m.text.includes('EndpointSlice') || m.text.includes('Endpoints')).length, 2);
		// Default window is 60.
		const many = Array.from({ length: 100 }, (_, i) => ({ ...events[1]!, seq: i + 1 }));
		const big = buildTimeline('shop/web', many);
		assert.ok(big.notes.includes('Showing the last 60 of 100 events for shop/web.'));
		await parseMermaid(big.mermaid);
	});

	it('no events: a note instead of an empty diagram', async () => {
		const d = buildTimeline('shop/web', []);
		await parseMermaid(d.mermaid);
		assert.match(d.mermaid, /No changes recorded for shop\/web yet/);
	});

	it('hostile names stay inert text', async () => {
		const evil = 'x;alt <img src=x onerror=alert(1)>';
		const recorder = new TimelineRecorder();
		const store = new ClusterStore({ schedule: () => undefined });
		store.onDidApply((delta) => recorder.record(delta, new Date('2025-01-01T00:00:00Z')));
		store.apply({ type: 'ADDED', kind: 'Service', object: { kind: 'Service', metadata: { name: evil, namespace: evil }, spec: { selector: { app: evil } } } });
		store.apply({ type: 'ADDED', kind: 'Pod', object: { kind: 'Pod', metadata: { name: evil, namespace: evil, labels: { app: evil } } } });
		store.apply({
			type: 'ADDED',
			kind: 'EndpointSlice',
			object: { kind: 'EndpointSlice', metadata: { name: evil, namespace: evil, labels: { 'kubernetes.io/service-name': evil } }, addressType: 'IPv4', endpoints: [{ addresses: [evil] }] },
		});
		const key = `${evil}/${evil}`;
		assert.equal(recorder.events(key).length, 3);
		const d = buildTimeline(key, recorder.events(key));
		assert.ok(!d.mermaid.includes('<'));
		for (const line of d.mermaid.split('\n')) {
			assert.ok(!/;/.test(line.replace(/#(?:\d+|lt|gt|amp|quot);/g, '')), line);
		}
		const parsed = await parseMermaid(d.mermaid);
		assert.ok(parsed.messages.every((m) => m.type !== lineType.altStart));
		assert.ok(parsed.messages.some((m) => m.text.includes(`pod ${evil} created`)));
	});
});
