/**
 * A recorded timeline of what happened to a Service's endpoints, and its Mermaid sequence diagram.
 *
 * `TimelineRecorder.record(delta, at)` reads the store's deltas (`ClusterStore.onDidApply`) and keeps, per Service,
 * the events a person follows when endpoints change: the Service created, updated or deleted; a selected pod created,
 * Ready, NotReady, terminating or deleted; an EndpointSlice or the Endpoints object written, with the addresses added
 * and removed and the endpoint conditions that changed. Where a slice or Endpoints write carries a new
 * `endpoints.kubernetes.io/last-change-trigger-time`, the event keeps the propagation delay: the time the write was
 * recorded minus the trigger time (the pod's Ready transition or the Service's creation that caused it). Memory is
 * capped per Service: each keeps a ring buffer of its latest events.
 *
 * `buildTimeline` draws the last `window` events between Pods/kubelet, the API server, the controllers and
 * kube-proxy, with their times (UTC, HH:MM:SS.mmm) and the delays as notes.
 */
import { isPodReady } from '../controllers/podUtil';
import { serviceSelects } from '../k8s/selector';
import type { Endpoint, EndpointSlice, Endpoints, Pod, Service, TypedObject } from '../k8s/types';
import { annotationTriggerTime, labelManagedBy, labelServiceName, mirroringControllerName } from '../k8s/types';
import type { StoreDelta } from '../store/store';
import type { ServiceKey } from '../store/types';
import { serviceKey } from '../store/types';
import type { EndpointState } from '../views/serviceSummary';
import { effectiveConditions, endpointState } from '../views/serviceSummary';
import type { BuiltDiagram } from './sequence';
import { SequenceWriter, capped, plural } from './sequence';

/** What happened. */
export type TimelineEventKind =
	| 'serviceCreated'
	| 'serviceUpdated'
	| 'serviceDeleted'
	| 'podCreated'
	| 'podReady'
	| 'podNotReady'
	| 'podTerminating'
	| 'podDeleted'
	| 'sliceCreated'
	| 'sliceUpdated'
	| 'sliceDeleted'
	| 'endpointsCreated'
	| 'endpointsUpdated'
	| 'endpointsDeleted';

/** Who did it (the participant the event's message starts from). */
export type TimelineActor = 'user' | 'kubelet' | 'apiserver' | 'endpointsliceController' | 'endpointsController' | 'mirroringController';

/** One recorded event of a Service's timeline. Plain data (it may cross to the webview or a log). */
export interface TimelineEvent {
	/** When it was recorded, RFC 3339 with milliseconds (UTC). */
	at: string;
	/** 1-based position in the Service's history since the recorder started (or since `clear`). */
	seq: number;
	kind: TimelineEventKind;
	actor: TimelineActor;
	/** The object's name (pod, slice, Endpoints or Service). */
	object: string;
	/** One line of plain text: what happened. */
	text: string;
	/** For slice and Endpoints writes: ready and total endpoints (addresses) after the write. */
	ready?: number;
	total?: number;
	/** The `last-change-trigger-time` the write carried, when it set a new one. */
	triggerTime?: string;
	/** `at` minus `triggerTime`, in milliseconds. */
	delayMs?: number;
}

export interface TimelineRecorderOptions {
	/** Events kept per Service (a ring buffer). Default 200. */
	maxEventsPerService?: number;
	/**
	 * The Service of a key, for deciding which Services a pod change belongs to when the recorder has not seen the
	 * Service's own events (it started late). Default: only Services seen in deltas; otherwise the delta's own
	 * `services` set is trusted.
	 */
	lookupService?: (key: ServiceKey) => Service | undefined;
}

/** A fixed-size ring of events. */
class Ring {
	private readonly items: (TimelineEvent | undefined)[];
	private start = 0;
	private size = 0;
	constructor(private readonly capacity: number) {
		this.items = new Array<TimelineEvent | undefined>(capacity);
	}
	push(e: TimelineEvent): void {
		if (this.size < this.capacity) {
			this.items[(this.start + this.size) % this.capacity] = e;
			this.size++;
		} else {
			this.items[this.start] = e;
			this.start = (this.start + 1) % this.capacity;
		}
	}
	toArray(): TimelineEvent[] {
		const out: TimelineEvent[] = [];
		for (let i = 0; i < this.size; i++) {
			out.push(this.items[(this.start + i) % this.capacity]!);
		}
		return out;
	}
}

interface History {
	ring: Ring;
	seq: number;
}

function nameOf(o: TypedObject): string {
	return o.metadata?.name ?? '';
}

function nsOf(o: TypedObject): string {
	return o.metadata?.namespace || 'default';
}

function podIP(pod: Pod): string {
	return pod.status?.podIPs?.[0]?.ip ?? pod.status?.podIP ?? '';
}

/** The address key of a slice endpoint and its state. */
function sliceEndpoints(slice: EndpointSlice | undefined): Map<string, EndpointState> {
	const out = new Map<string, EndpointState>();
	for (const e of slice?.endpoints ?? []) {
		out.set(endpointKey(e), endpointState(effectiveConditions(e)));
	}
	return out;
}

function endpointKey(e: Endpoint): string {
	return e.addresses?.join(',') ?? '';
}

const stateText: Readonly<Record<EndpointState, string>> = {
	ready: 'ready',
	terminatingServing: 'terminating (serving)',
	terminating: 'terminating',
	notReady: 'not ready',
};

/** `+a +b −c, d ready→not ready` between two versions of a slice. */
function sliceChanges(before: EndpointSlice | undefined, after: EndpointSlice | undefined, max: number): string {
	const a = sliceEndpoints(before);
	const b = sliceEndpoints(after);
	const added = [...b.keys()].filter((k) => !a.has(k)).map((k) => `+${k}${b.get(k) === 'ready' ? '' : ` (${stateText[b.get(k)!]})`}`);
	const removed = [...a.keys()].filter((k) => !b.has(k)).map((k) => `−${k}`);
	const changed = [...b.keys()]
		.filter((k) => a.has(k) && a.get(k) !== b.get(k))
		.map((k) => `${k} ${stateText[a.get(k)!]}→${stateText[b.get(k)!]}`);
	return capped([...added, ...removed, ...changed], max);
}

function endpointsAddresses(ep: Endpoints | undefined): Map<string, boolean> {
	const out = new Map<string, boolean>();
	for (const s of ep?.subsets ?? []) {
		for (const a of s.notReadyAddresses ?? []) {
			out.set(a.ip, false);
		}
		for (const a of s.addresses ?? []) {
			out.set(a.ip, true);
		}
	}
	return out;
}

function endpointsChanges(before: Endpoints | undefined, after: Endpoints | undefined, max: number): string {
	const a = endpointsAddresses(before);
	const b = endpointsAddresses(after);
	const word = (r: boolean): string => (r ? 'ready' : 'not ready');
	const added = [...b.keys()].filter((k) => !a.has(k)).map((k) => `+${k}${b.get(k) ? '' : ' (not ready)'}`);
	const removed = [...a.keys()].filter((k) => !b.has(k)).map((k) => `−${k}`);
	const changed = [...b.keys()].filter((k) => a.has(k) && a.get(k) !== b.get(k)).map((k) => `${k} ${word(a.get(k)!)}→${word(b.get(k)!)}`);
	return capped([...added, ...removed, ...changed], max);
}

function parseTime(s: string | undefined): number | undefined {
	if (!s) {
		return undefined;
	}
	const t = Date.parse(s);
	return Number.isNaN(t) ? undefined : t;
}

/** Records store deltas as per-Service timelines. */
export class TimelineRecorder {
	private readonly max: number;
	private readonly lookup: ((key: ServiceKey) => Service | undefined) | undefined;
	private readonly histories = new Map<ServiceKey, History>();
	/** The Services seen in deltas, by key. */
	private readonly services = new Map<ServiceKey, Service>();

	constructor(options: TimelineRecorderOptions = {}) {
		this.max = Math.max(1, Math.floor(options.maxEventsPerService ?? 200));
		this.lookup = options.lookupService;
	}

	/** Turns one delta into events. `at` is when the change was observed (the write time). */
	record(delta: StoreDelta, at: Date): void {
		const when = Number.isNaN(at.getTime()) ? new Date(0) : at;
		const stamp = when.toISOString();
		const changes: { before?: TypedObject; after?: TypedObject }[] = [
			...delta.added.map((after) => ({ after })),
			...delta.modified.map((m) => ({ before: m.before, after: m.after })),
			...delta.removed.map((before) => ({ before })),
		];
		for (const { before, after } of changes) {
			switch (delta.kind) {
				case 'Service':
					this.recordService(before as Service | undefined, after as Service | undefined, stamp);
					break;
				case 'Pod':
					this.recordPod(before as Pod | undefined, after as Pod | undefined, delta.services, stamp);
					break;
				case 'EndpointSlice':
					this.recordSlice(before as EndpointSlice | undefined, after as EndpointSlice | undefined, when, stamp);
					break;
				case 'Endpoints':
					this.recordEndpoints(before as Endpoints | undefined, after as Endpoints | undefined, when, stamp);
					break;
				default:
					break;
			}
		}
	}

	/** The recorded events of a Service, oldest first. */
	events(key: ServiceKey): readonly TimelineEvent[] {
		return this.histories.get(key)?.ring.toArray() ?? [];
	}

	/** Forgets one Service's events, or all. */
	clear(key?: ServiceKey): void {
		if (key === undefined) {
			this.histories.clear();
		} else {
			this.histories.delete(key);
		}
	}

	private push(key: ServiceKey, event: Omit<TimelineEvent, 'seq'>): void {
		let h = this.histories.get(key);
		if (!h) {
			h = { ring: new Ring(this.max), seq: 0 };
			this.histories.set(key, h);
		}
		h.seq++;
		h.ring.push({ ...event, seq: h.seq });
	}

	private recordService(before: Service | undefined, after: Service | undefined, at: string): void {
		const obj = (after ?? before)!;
		const key = serviceKey(nsOf(obj), nameOf(obj));
		if (after) {
			this.services.set(key, after);
		} else {
			this.services.delete(key);
		}
		const name = nameOf(obj);
		if (!before) {
			this.push(key, { at, kind: 'serviceCreated', actor: 'user', object: name, text: `Service ${name} created` });
		} else if (!after) {
			this.push(key, { at, kind: 'serviceDeleted', actor: 'user', object: name, text: `Service ${name} deleted` });
		} else {
			const a = (before.spec ?? {}) as Record<string, unknown>;
			const b = (after.spec ?? {}) as Record<string, unknown>;
			const fields = [...new Set([...Object.keys(a), ...Object.keys(b)])]
				.filter((f) => JSON.stringify(a[f]) !== JSON.stringify(b[f]))
				.sort();
			const what = fields.length ? `spec.${fields.join(', spec.')} changed` : 'metadata changed';
			this.push(key, { at, kind: 'serviceUpdated', actor: 'user', object: name, text: `Service ${name} updated: ${what}` });
		}
	}

	/** The Services a pod change belongs to: those whose selector matches the pod before or after. */
	private servicesOfPod(before: Pod | undefined, after: Pod | undefined, candidates: ReadonlySet<ServiceKey>): ServiceKey[] {
		const ns = nsOf((after ?? before)!);
		const keys = new Set(candidates);
		for (const key of this.services.keys()) {
			if (key.startsWith(`${ns}/`)) {
				keys.add(key);
			}
		}
		const out: ServiceKey[] = [];
		for (const key of keys) {
			const svc = this.services.get(key) ?? this.lookup?.(key);
			if (svc === undefined) {
				if (candidates.has(key)) {
					out.push(key);
				}
				continue;
			}
			if ((before && serviceSelects(svc, before)) || (after && serviceSelects(svc, after))) {
				out.push(key);
			}
		}
		return out.sort();
	}

	private recordPod(before: Pod | undefined, after: Pod | undefined, candidates: ReadonlySet<ServiceKey>, at: string): void {
		const pod = (after ?? before)!;
		const name = nameOf(pod);
		const events: Omit<TimelineEvent, 'seq'>[] = [];
		if (!before && after) {
			events.push({ at, kind: 'podCreated', actor: 'apiserver', object: name, text: `pod ${name} created` });
			if (isPodReady(after)) {
				events.push({ at, kind: 'podReady', actor: 'kubelet', object: name, text: `pod ${name} Ready ${podIP(after)}`.trim() });
			}
		} else if (before && !after) {
			events.push({ at, kind: 'podDeleted', actor: 'kubelet', object: name, text: `pod ${name} deleted` });
		} else if (before && after) {
			if (!before.metadata?.deletionTimestamp && after.metadata?.deletionTimestamp) {
				const grace = after.metadata.deletionGracePeriodSeconds;
				events.push({
					at,
					kind: 'podTerminating',
					actor: 'apiserver',
					object: name,
					text: `pod ${name} terminating${grace !== undefined ? ` (grace ${grace}s)` : ''}`,
				});
			}
			const r0 = isPodReady(before);
			const r1 = isPodReady(after);
			if (!r0 && r1) {
				events.push({ at, kind: 'podReady', actor: 'kubelet', object: name, text: `pod ${name} Ready ${podIP(after)}`.trim() });
			} else if (r0 && !r1) {
				events.push({ at, kind: 'podNotReady', actor: 'kubelet', object: name, text: `pod ${name} NotReady ${podIP(after)}`.trim() });
			}
		}
		if (events.length === 0) {
			return;
		}
		for (const key of this.servicesOfPod(before, after, candidates)) {
			for (const e of events) {
				this.push(key, e);
			}
		}
	}

	private recordSlice(before: EndpointSlice | undefined, after: EndpointSlice | undefined, when: Date, at: string): void {
		const slice = (after ?? before)!;
		const service = slice.metadata?.labels?.[labelServiceName];
		if (!service) {
			return;
		}
		const key = serviceKey(nsOf(slice), service);
		const name = nameOf(slice);
		const actor: TimelineActor =
			slice.metadata?.labels?.[labelManagedBy] === mirroringControllerName ? 'mirroringController' : 'endpointsliceController';
		const eps = after?.endpoints ?? [];
		const counts = { ready: eps.filter((e) => effectiveConditions(e).ready).length, total: eps.length };
		const changes = sliceChanges(before, after, 6);
		const family = slice.addressType;
		let event: Omit<TimelineEvent, 'seq'>;
		if (!before) {
			event = {
				at,
				kind: 'sliceCreated',
				actor,
				object: name,
				text: `create EndpointSlice ${name} (${family}): ${counts.total === 0 ? 'no endpoints' : `${counts.ready}/${counts.total} ready ${changes}`}`,
				...counts,
			};
		} else if (!after) {
			event = { at, kind: 'sliceDeleted', actor, object: name, text: `delete EndpointSlice ${name} (${family})`, ready: 0, total: 0 };
		} else {
			event = {
				at,
				kind: 'sliceUpdated',
				actor,
				object: name,
				text: `update EndpointSlice ${name}: ${changes || 'no endpoint changes'} (${counts.ready}/${counts.total} ready)`,
				...counts,
			};
		}
		this.push(key, { ...event, ...delay(before, after, when) });
	}

	private recordEndpoints(before: Endpoints | undefined, after: Endpoints | undefined, when: Date, at: string): void {
		const obj = (after ?? before)!;
		const name = nameOf(obj);
		const key = serviceKey(nsOf(obj), name);
		const svc = this.services.get(key) ?? this.lookup?.(key);
		// A Service without a selector has a hand-written Endpoints object; otherwise the Endpoints controller writes it.
		const actor: TimelineActor = svc && svc.spec?.selector == null ? 'user' : 'endpointsController';
		const addrs = endpointsAddresses(after);
		const ready = [...addrs.values()].filter(Boolean).length;
		const counts = { ready, total: addrs.size };
		const changes = endpointsChanges(before, after, 6);
		let event: Omit<TimelineEvent, 'seq'>;
		if (!before) {
			event = {
				at,
				kind: 'endpointsCreated',
				actor,
				object: name,
				text: `create Endpoints ${name}: ${plural(ready, 'address', 'addresses')}, ${addrs.size - ready} not ready`,
				...counts,
			};
		} else if (!after) {
			event = { at, kind: 'endpointsDeleted', actor, object: name, text: `delete Endpoints ${name}`, ready: 0, total: 0 };
		} else {
			event = {
				at,
				kind: 'endpointsUpdated',
				actor,
				object: name,
				text: `update Endpoints ${name}: ${changes || 'no address changes'} (${plural(ready, 'address', 'addresses')}, ${addrs.size - ready} not ready)`,
				...counts,
			};
		}
		this.push(key, { ...event, ...delay(before, after, when) });
	}
}

/** The trigger time a write set (new or changed) and the delay from it to `when`. */
function delay(before: TypedObject | undefined, after: TypedObject | undefined, when: Date): Pick<TimelineEvent, 'triggerTime' | 'delayMs'> {
	const value = after?.metadata?.annotations?.[annotationTriggerTime];
	if (!value || value === before?.metadata?.annotations?.[annotationTriggerTime]) {
		return {};
	}
	const t = parseTime(value);
	if (t === undefined) {
		return {};
	}
	return { triggerTime: value, delayMs: when.getTime() - t };
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering

const actorLabels: Readonly<Record<TimelineActor | 'kubeProxy', string>> = {
	user: 'kubectl',
	kubelet: 'Pods / kubelet',
	apiserver: 'API server',
	endpointsliceController: 'EndpointSlice controller',
	endpointsController: 'Endpoints controller',
	mirroringController: 'EndpointSlice mirroring controller',
	kubeProxy: 'kube-proxy',
};

function clock(at: string): string {
	const t = Date.parse(at);
	if (Number.isNaN(t)) {
		return at;
	}
	return new Date(t).toISOString().slice(11, 23);
}

/** `1.234 s` or `250 ms`. */
export function formatDelay(ms: number): string {
	if (Math.abs(ms) < 1000) {
		return `${Math.round(ms)} ms`;
	}
	return `${(ms / 1000).toFixed(3)} s`;
}

/** The Mermaid sequence diagram of a Service's recorded events: the last `window` of them (default 60). */
export function buildTimeline(
	key: ServiceKey,
	events: readonly TimelineEvent[],
	options: { window?: number } = {},
): BuiltDiagram {
	const window = Math.max(1, Math.floor(options.window ?? 60));
	const shown = events.slice(-window);
	const hidden = events.length - shown.length;
	const dropped = Math.max(0, (events[0]?.seq ?? 1) - 1);
	const w = new SequenceWriter({ autonumber: false });
	const notes: string[] = [];
	const used = new Set<TimelineActor>(shown.map((e) => e.actor));
	const id = (a: TimelineActor | 'kubeProxy'): string => w.participant(a, actorLabels[a]);
	if (used.has('user')) {
		id('user');
	}
	const kubelet = id('kubelet');
	const api = id('apiserver');
	id('endpointsliceController');
	id('endpointsController');
	if (used.has('mirroringController')) {
		id('mirroringController');
	}
	const proxy = id('kubeProxy');

	if (events.length === 0) {
		w.note([kubelet, proxy], `No changes recorded for ${key} yet`);
		notes.push(`No changes recorded for ${key} yet. Events appear as pods, slices and Endpoints change.`);
		return w.build(notes);
	}
	if (hidden > 0 || dropped > 0) {
		const earlier = hidden + dropped;
		w.note([kubelet, proxy], `${plural(earlier, 'earlier event')} not shown`);
		notes.push(`Showing the last ${shown.length} of ${events.length + dropped} events for ${key}.`);
		if (dropped > 0) {
			notes.push(`${plural(dropped, 'event')} no longer kept in memory (the recorder keeps the latest ${events.length}).`);
		}
	}
	const delays: number[] = [];
	for (const e of shown) {
		const time = clock(e.at);
		const from = id(e.actor);
		const to = e.actor === 'apiserver' ? kubelet : api;
		w.message(from, to, `${time} ${e.text}`, e.kind === 'podDeleted' || e.kind.endsWith('Deleted') ? 'reply' : 'call');
		if (e.delayMs !== undefined) {
			delays.push(e.delayMs);
			w.note([from], `propagation ${formatDelay(e.delayMs)} after trigger ${clock(e.triggerTime ?? '')}`);
		}
		if (e.kind.startsWith('slice')) {
			w.message(api, proxy, `${time} watch: ${e.object} → rules for ${plural(e.ready ?? 0, 'ready endpoint')}`, 'reply');
		}
	}
	if (delays.length > 0) {
		const max = Math.max(...delays);
		notes.push(`Propagation delay (write time − last-change-trigger-time): ${delays.length} writes, up to ${formatDelay(max)}.`);
	}
	notes.push('Times are UTC (HH:MM:SS.mmm), as recorded by Endpoint Lens when each change arrived.');
	return w.build(notes);
}
