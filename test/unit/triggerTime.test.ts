import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TriggerTimeState } from '../../src/core/controllers/triggerTime';
import { computeTriggerTime, formatRFC3339Nano } from '../../src/core/controllers/triggerTime';
import type { Pod, Service } from '../../src/core/k8s/types';

// Six instants one second apart, like the upstream fixture t0..t5 (but our own date).
const t = [0, 1, 2, 3, 4, 5].map((s) => `2024-03-10T08:00:0${s}Z`);

function service(created?: string): Service {
	return { metadata: { namespace: 'tt', name: 'svc', ...(created ? { creationTimestamp: created } : {}) } };
}

function pod(name: string, readySince?: string): Pod {
	return {
		metadata: { namespace: 'tt', name },
		status: {
			conditions: readySince ? [{ type: 'Ready', status: 'True', lastTransitionTime: readySince }] : [],
		},
	};
}

/** Runs a sequence of syncs through one threaded state, like one long-lived tracker. */
function syncs(...calls: [Service, Pod[]][]): (string | undefined)[] {
	let state: TriggerTimeState | undefined;
	return calls.map(([svc, pods]) => {
		const r = computeTriggerTime(svc, pods, state);
		state = r.state;
		return r.time;
	});
}

describe('computeTriggerTime (endpointslice/util trigger_time_tracker.go)', () => {
	it('TestNewServiceNoPods: a never-seen Service triggers at its creationTimestamp', () => {
		assert.equal(computeTriggerTime(service(t[2]), []).time, t[2]);
	});

	it('TestNewServiceExistingPods: older and newer pods do not matter on first sight', () => {
		const r = computeTriggerTime(service(t[3]), [pod('pod1', t[0]), pod('pod2', t[1]), pod('pod3', t[5])]);
		assert.equal(r.time, t[3]);
		// ...but the pods are remembered for the next sync.
		assert.deepEqual(r.state.lastPodTriggerTimes, { pod1: t[0], pod2: t[1], pod3: t[5] });
		assert.equal(r.state.lastServiceTriggerTime, t[3]);
	});

	it('TestPodsAdded: new pods trigger at the earliest of their ready times', () => {
		assert.deepEqual(syncs([service(t[0]), []], [service(t[0]), [pod('pod1', t[2]), pod('pod2', t[1])]]), [
			t[0],
			t[1],
		]);
	});

	it('TestPodsUpdated: only pods whose time moved forward count; the unchanged pod3 (t3) is not the minimum', () => {
		const svc = service(t[0]);
		assert.deepEqual(
			syncs(
				[svc, [pod('pod1', t[1]), pod('pod2', t[2]), pod('pod3', t[3])]],
				[svc, [pod('pod1', t[5]), pod('pod2', t[4]), pod('pod3', t[3])]],
			),
			[t[0], t[4]],
		);
	});

	it('TestPodsUpdatedNoOp: nothing changed, so no trigger time (the annotation is cleared)', () => {
		const svc = service(t[0]);
		const pods = [pod('pod1', t[1]), pod('pod2', t[2]), pod('pod3', t[3])];
		assert.deepEqual(syncs([svc, pods], [svc, pods]), [t[0], undefined]);
	});

	it('TestPodDeletedThenAdded: a pod that comes back with a later time triggers at that time', () => {
		const svc = service(t[0]);
		assert.deepEqual(
			syncs(
				[svc, [pod('pod1', t[1]), pod('pod2', t[2])]],
				[svc, [pod('pod1', t[1])]],
				[svc, [pod('pod1', t[1]), pod('pod2', t[4])]],
			),
			[t[0], undefined, t[4]],
		);
	});

	it('TestServiceDeletedThenAdded: a forgotten Service (no previous state) triggers at its new creationTimestamp', () => {
		const pods = [pod('pod1', t[1]), pod('pod2', t[2])];
		assert.equal(computeTriggerTime(service(t[0]), pods).time, t[0]);
		// DeleteService drops the state; the recreated Service is new again.
		assert.equal(computeTriggerTime(service(t[3]), pods, undefined).time, t[3]);
	});

	it('TestServiceUpdatedNoPodChange: a spec change alone cannot be timed, so nothing is returned', () => {
		const svc = service(t[0]);
		const pods = [pod('pod1', t[1]), pod('pod2', t[2])];
		const changed: Service = {
			...svc,
			spec: { selector: {}, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] },
		};
		assert.deepEqual(syncs([svc, pods], [changed, pods]), [t[0], undefined]);
	});

	it('getServiceTriggerTime zero: a Service without creationTimestamp yields no time (annotation cleared)', () => {
		assert.equal(computeTriggerTime(service(), [pod('p', t[1])]).time, undefined);
		assert.equal(computeTriggerTime(service('0001-01-01T00:00:00Z'), []).time, undefined);
	});

	it('getPodTriggerTime: pods without a Ready condition or lastTransitionTime are not tracked', () => {
		const r = computeTriggerTime(service(t[0]), [pod('no-cond'), pod('ready', t[1])]);
		assert.deepEqual(r.state.lastPodTriggerTimes, { ready: t[1] });
	});

	it('compares with sub-second precision kept from the strings', () => {
		const svc = service(t[0]);
		const first = computeTriggerTime(svc, [pod('p', '2024-03-10T08:00:01.000000001Z')]);
		const second = computeTriggerTime(svc, [pod('p', '2024-03-10T08:00:01.000000002Z')], first.state);
		assert.equal(second.time, '2024-03-10T08:00:01.000000002Z');
	});
});

describe('formatRFC3339Nano (Go time.RFC3339Nano in UTC)', () => {
	it('trims trailing zeros of the fraction and drops an all-zero fraction', () => {
		assert.equal(formatRFC3339Nano('2026-01-02T03:04:05Z'), '2026-01-02T03:04:05Z');
		assert.equal(formatRFC3339Nano('2026-01-02T03:04:05.000Z'), '2026-01-02T03:04:05Z');
		assert.equal(formatRFC3339Nano('2026-01-02T03:04:05.500Z'), '2026-01-02T03:04:05.5Z');
		assert.equal(formatRFC3339Nano('2026-01-02T03:04:05.123456789Z'), '2026-01-02T03:04:05.123456789Z');
	});

	it('converts offsets to UTC, across a day boundary', () => {
		assert.equal(formatRFC3339Nano('2026-01-02T01:30:00+02:00'), '2026-01-01T23:30:00Z');
		assert.equal(formatRFC3339Nano('2026-01-01T23:30:00.25-01:00'), '2026-01-02T00:30:00.25Z');
	});

	it('formats Date values with millisecond precision', () => {
		assert.equal(formatRFC3339Nano(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 500))), '2026-01-02T03:04:05.5Z');
		assert.equal(formatRFC3339Nano(new Date(Date.UTC(2026, 0, 2, 3, 4, 5))), '2026-01-02T03:04:05Z');
	});

	it('returns undefined for malformed input instead of throwing', () => {
		assert.equal(formatRFC3339Nano('yesterday'), undefined);
		assert.equal(formatRFC3339Nano('2026-02-30T00:00:00Z'), undefined);
		assert.equal(formatRFC3339Nano(new Date(Number.NaN)), undefined);
	});
});
