/**
 * The `endpoints.kubernetes.io/last-change-trigger-time` value, after upstream
 * `k8s.io/endpointslice/util/trigger_time_tracker.go` (TriggerTimeTracker.ComputeEndpointLastChangeTriggerTime,
 * getPodTriggerTime, getServiceTriggerTime, min).
 *
 * Upstream keeps one state per Service inside the controller. Here the state is a value the caller threads through:
 * `previous` undefined means "a Service this controller has never seen" (a fresh controller, which is what a one-shot
 * simulation is), and the function returns the next state alongside the time.
 *
 * In our words: a pod's trigger time is its Ready condition's lastTransitionTime; a Service's is its
 * creationTimestamp. For a Service seen for the first time the answer is simply its creationTimestamp. Otherwise it is
 * the earliest of the trigger times that moved forward since the previous call (pods compared by name), or nothing
 * when none did — which clears the annotation.
 *
 * Times keep nanosecond precision when given as strings (JavaScript `Date` only holds milliseconds), and are printed
 * like Go's `time.Time.UTC().Format(time.RFC3339Nano)`: UTC, `Z`, fraction with trailing zeros trimmed.
 */
import type { Pod, Service } from '../k8s/types';
import { podReadyTransitionTime } from './podUtil';

/** What the tracker remembers about one Service between syncs (upstream `ServiceState`). */
export interface TriggerTimeState {
	/** The Service trigger time observed last, as RFC3339Nano UTC; undefined for Go's zero time. */
	lastServiceTriggerTime: string | undefined;
	/** Pod name → its trigger time observed last (RFC3339Nano UTC). Pods without one are absent. */
	lastPodTriggerTimes: Record<string, string>;
}

/** The result of {@link computeTriggerTime}. */
export interface TriggerTimeResult {
	/** The annotation value (RFC3339Nano UTC), or undefined when the annotation should be removed (Go zero time). */
	time: string | undefined;
	/** The state to pass as `previous` on the next call for the same Service. */
	state: TriggerTimeState;
}

/** An instant with nanosecond precision: whole seconds since the Unix epoch plus nanoseconds (0..999999999). */
interface Instant {
	seconds: number;
	nanos: number;
}

const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * Parsed timestamps. A controller parses every selected pod's Ready time on every sync, and a cluster's pods share
 * few distinct timestamps, so a small cache saves most of the work. Instants are never mutated.
 */
const parsed = new Map<string, Instant | undefined>();
const parsedLimit = 4096;

/** Parses an RFC3339 timestamp (any offset, optional fraction) into an instant; undefined when malformed. */
function parseRFC3339(value: string): Instant | undefined {
	if (parsed.has(value)) {
		return parsed.get(value);
	}
	const instant = parseRFC3339Uncached(value);
	if (parsed.size >= parsedLimit) {
		parsed.clear();
	}
	parsed.set(value, instant);
	return instant;
}

function parseRFC3339Uncached(value: string): Instant | undefined {
	const m = rfc3339.exec(value.trim());
	if (!m) {
		return undefined;
	}
	const [, y, mo, d, h, mi, s, frac, , sign, oh, om] = m;
	const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
	if (Number.isNaN(ms)) {
		return undefined;
	}
	// Date.UTC maps years 0..99 to 1900..1999; correct that so Go's zero time (year 1) parses right.
	const date = new Date(ms);
	date.setUTCFullYear(Number(y));
	// Reject out-of-range fields (month 13, February 30, 24:00, second 60) as Go's time.Parse does; Date would roll over.
	if (
		date.getUTCMonth() !== Number(mo) - 1 ||
		date.getUTCDate() !== Number(d) ||
		date.getUTCHours() !== Number(h) ||
		date.getUTCMinutes() !== Number(mi) ||
		date.getUTCSeconds() !== Number(s) ||
		Number(oh ?? 0) > 23 ||
		Number(om ?? 0) > 59
	) {
		return undefined;
	}
	let seconds = Math.floor(date.getTime() / 1000);
	if (sign) {
		const offset = (Number(oh) * 60 + Number(om)) * 60;
		seconds -= sign === '+' ? offset : -offset;
	}
	const nanos = frac ? Number(frac.slice(0, 9).padEnd(9, '0')) : 0;
	return { seconds, nanos };
}

function instantOf(value: Date | string): Instant | undefined {
	if (typeof value === 'string') {
		return parseRFC3339(value);
	}
	const ms = value.getTime();
	if (Number.isNaN(ms)) {
		return undefined;
	}
	const seconds = Math.floor(ms / 1000);
	return { seconds, nanos: (ms - seconds * 1000) * 1_000_000 };
}

/** Go's zero `time.Time` (0001-01-01T00:00:00Z), which `IsZero()` reports and the annotation logic treats as unset. */
const goZeroSeconds = (() => {
	const d = new Date(Date.UTC(2000, 0, 1));
	d.setUTCFullYear(1);
	return d.getTime() / 1000;
})();

function isZero(t: Instant | undefined): boolean {
	return t === undefined || (t.seconds === goZeroSeconds && t.nanos === 0);
}

function compareInstants(a: Instant, b: Instant): number {
	return a.seconds !== b.seconds ? a.seconds - b.seconds : a.nanos - b.nanos;
}

function pad(n: number, width: number): string {
	return String(n).padStart(width, '0');
}

function formatInstant(t: Instant): string {
	const d = new Date(t.seconds * 1000);
	const base =
		`${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}` +
		`T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
	const frac = t.nanos === 0 ? '' : `.${pad(t.nanos, 9).replace(/0+$/, '')}`;
	return `${base}${frac}Z`;
}

/**
 * Formats a time the way Go's `t.UTC().Format(time.RFC3339Nano)` does: converted to UTC with a `Z` suffix and the
 * fractional seconds printed with trailing zeros removed ("2026-01-02T03:04:05Z", "2026-01-02T03:04:05.5Z").
 * A string is parsed as RFC3339 (any offset, up to nanosecond precision, which is kept). Returns undefined for an
 * invalid Date or a malformed string.
 */
export function formatRFC3339Nano(value: Date | string): string | undefined {
	const t = instantOf(value);
	return t ? formatInstant(t) : undefined;
}

/** `getPodTriggerTime`: the Ready condition's lastTransitionTime, or undefined (Go zero time). */
function getPodTriggerTime(pod: Pod): Instant | undefined {
	const raw = podReadyTransitionTime(pod);
	const t = raw === undefined ? undefined : parseRFC3339(raw);
	return isZero(t) ? undefined : t;
}

/** `getServiceTriggerTime`: the Service's creationTimestamp, or undefined (Go zero time). */
function getServiceTriggerTime(service: Service): Instant | undefined {
	const raw = service.metadata?.creationTimestamp;
	const t = raw === undefined ? undefined : parseRFC3339(raw);
	return isZero(t) ? undefined : t;
}

/** Go `t.After(u)` where an undefined value is the zero time (before everything). */
function after(t: Instant, u: Instant | undefined): boolean {
	return u === undefined || compareInstants(t, u) > 0;
}

/** Upstream `min`: the new value when no minimum is set yet or it is earlier. */
function minTime(current: Instant | undefined, candidate: Instant): Instant {
	return current === undefined || compareInstants(candidate, current) < 0 ? candidate : current;
}

/**
 * `ComputeEndpointLastChangeTriggerTime` for one Service and the pods its selector matched (all of them, before any
 * endpoint filtering, as upstream passes them). With `previous` undefined the Service counts as never seen, so the
 * result is its creationTimestamp; otherwise the earliest trigger time that moved forward since `previous`, if any.
 * Never throws; malformed timestamps count as unset.
 */
export function computeTriggerTime(service: Service, pods: Pod[], previous?: TriggerTimeState): TriggerTimeResult {
	let minChanged: Instant | undefined;
	const lastPodTriggerTimes: Record<string, string> = {};
	// Parsed instants are shared per timestamp string, and pods mostly share a few: format each run of one once.
	let lastInstant: Instant | undefined;
	let lastText = '';
	for (const pod of pods) {
		const podTime = getPodTriggerTime(pod);
		if (podTime === undefined) {
			continue;
		}
		const name = pod.metadata?.name ?? '';
		if (podTime !== lastInstant) {
			lastInstant = podTime;
			lastText = formatInstant(podTime);
		}
		lastPodTriggerTimes[name] = lastText;
		const seen = previous?.lastPodTriggerTimes[name];
		if (after(podTime, seen === undefined ? undefined : parseRFC3339(seen))) {
			minChanged = minTime(minChanged, podTime);
		}
	}
	const serviceTime = getServiceTriggerTime(service);
	const lastService = previous?.lastServiceTriggerTime;
	if (
		serviceTime !== undefined &&
		after(serviceTime, lastService === undefined ? undefined : parseRFC3339(lastService))
	) {
		minChanged = minTime(minChanged, serviceTime);
	}

	const state: TriggerTimeState = {
		lastServiceTriggerTime: serviceTime === undefined ? undefined : formatInstant(serviceTime),
		lastPodTriggerTimes,
	};
	if (previous === undefined) {
		// A Service this tracker has never seen: its creation is the trigger.
		return { time: serviceTime === undefined ? undefined : formatInstant(serviceTime), state };
	}
	return { time: minChanged === undefined ? undefined : formatInstant(minChanged), state };
}
