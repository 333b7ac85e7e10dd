/**
 * What a person wants to know about a Service at a glance — how many endpoints are ready, how many slices carry
 * them, and what is wrong — computed from the store alone. The tree, the hovers and the CLI all read this one
 * summary, so they never disagree.
 */
import { isHeadlessService, isPodReady } from '../controllers/podUtil';
import { selectorFromSet, selectorToString } from '../k8s/selector';
import type { Endpoint, EndpointSlice, Endpoints, Pod, Service } from '../k8s/types';
import { annotationOverCapacity, labelManagedBy } from '../k8s/types';
import type { ResourceKind, ResourceTypes, ServiceKey } from '../store/types';
import { serviceKey } from '../store/types';

/** The part of the store the views read. `ClusterStore` implements it. */
export interface StoreReader {
	namespaces(): string[];
	services(namespace: string): Service[];
	slicesForService(key: ServiceKey): EndpointSlice[];
	endpointsForService(key: ServiceKey): Endpoints | undefined;
	podsForService(key: ServiceKey): Pod[];
	get<K extends ResourceKind>(kind: K, namespace: string, name: string): ResourceTypes[K] | undefined;
}

/** An endpoint's conditions with the API's nil rules applied (ready: nil = true; serving: nil = ready; terminating: nil = false). */
export interface EffectiveConditions {
	ready: boolean;
	serving: boolean;
	terminating: boolean;
}

export function effectiveConditions(endpoint: Endpoint): EffectiveConditions {
	const ready = endpoint.conditions?.ready ?? true;
	return {
		ready,
		serving: endpoint.conditions?.serving ?? ready,
		terminating: endpoint.conditions?.terminating ?? false,
	};
}

/** One of the four states an endpoint shows as. */
export type EndpointState = 'ready' | 'terminatingServing' | 'terminating' | 'notReady';

export function endpointState(c: EffectiveConditions): EndpointState {
	if (c.terminating) {
		return c.serving ? 'terminatingServing' : 'terminating';
	}
	return c.ready ? 'ready' : 'notReady';
}

/** Plain words for each state, for tooltips. */
export const endpointStateText: Readonly<Record<EndpointState, { label: string; explanation: string }>> = {
	ready: {
		label: 'ready',
		explanation: 'Ready: the pod passes its readiness checks and is not terminating. kube-proxy sends new connections here.',
	},
	terminatingServing: {
		label: 'terminating, serving',
		explanation:
			'Terminating but still serving: the pod is shutting down and still passes its readiness checks. kube-proxy sends it traffic only when a Service has no ready endpoint left (graceful termination).',
	},
	terminating: {
		label: 'terminating',
		explanation: 'Terminating and no longer serving: the pod is shutting down. No new traffic goes here.',
	},
	notReady: {
		label: 'not ready',
		explanation:
			'Not ready: the pod is running but fails its readiness checks (or is still starting). No traffic goes here unless the Service publishes not-ready addresses.',
	},
};

export interface ServiceProblem {
	severity: 'error' | 'warning' | 'info';
	code: 'selector-matches-nothing' | 'no-ready-endpoints' | 'over-capacity' | 'no-endpoints-object' | 'slices-missing';
	message: string;
}

export interface EndpointCounts {
	/** Distinct endpoints (a dual-stack pod counts once). */
	total: number;
	ready: number;
	terminatingServing: number;
	terminating: number;
	notReady: number;
}

export interface ServiceSummary {
	key: ServiceKey;
	namespace: string;
	name: string;
	type: string;
	headless: boolean;
	externalName?: string;
	/** The selector in kubectl's form (`app=web,tier=front`), when the Service has one. */
	selector?: string;
	/** How its slices come to be. */
	managedBy: 'endpointslice-controller' | 'mirroring' | 'none';
	slices: EndpointSlice[];
	endpoints?: Endpoints;
	counts: EndpointCounts;
	/** v1 Endpoints address counts, over all subsets. */
	v1: { ready: number; notReady: number; overCapacity?: string } | undefined;
	/** Pods the selector selects (any phase), and how many of them are Ready. */
	pods: { selected: number; ready: number };
	problems: ServiceProblem[];
}

/** The identity of an endpoint across slices, so that the IPv4 and IPv6 entries of one pod count once. */
function endpointIdentity(e: Endpoint): string {
	const ref = e.targetRef;
	if (ref?.uid) {
		return `uid:${ref.uid}`;
	}
	if (ref?.name) {
		return `ref:${ref.kind ?? ''}/${ref.namespace ?? ''}/${ref.name}`;
	}
	return `addr:${e.addresses?.[0] ?? ''}`;
}

/** Counts of distinct endpoints by state. An endpoint that is ready in any slice counts as ready. */
export function countEndpoints(slices: readonly EndpointSlice[]): EndpointCounts {
	const rank: Record<EndpointState, number> = { ready: 3, terminatingServing: 2, terminating: 1, notReady: 0 };
	const best = new Map<string, EndpointState>();
	for (const slice of slices) {
		for (const e of slice.endpoints ?? []) {
			const id = endpointIdentity(e);
			const state = endpointState(effectiveConditions(e));
			const prev = best.get(id);
			if (prev === undefined || rank[state] > rank[prev]) {
				best.set(id, state);
			}
		}
	}
	const counts: EndpointCounts = { total: best.size, ready: 0, terminatingServing: 0, terminating: 0, notReady: 0 };
	for (const s of best.values()) {
		counts[s]++;
	}
	return counts;
}

function selectorText(service: Service): string | undefined {
	const sel = service.spec?.selector;
	if (sel == null || Object.keys(sel).length === 0) {
		return undefined;
	}
	return selectorToString(selectorFromSet(sel));
}

/** The summary of one Service from the store. */
export function summarizeService(service: Service, store: StoreReader): ServiceSummary {
	const namespace = service.metadata?.namespace ?? '';
	const name = service.metadata?.name ?? '';
	const key = serviceKey(namespace, name);
	const type = service.spec?.type ?? 'ClusterIP';
	const slices = store.slicesForService(key);
	const endpoints = store.endpointsForService(key);
	const selector = selectorText(service);
	const hasSelector = service.spec?.selector != null;
	const externalName = type === 'ExternalName' ? (service.spec?.externalName ?? '') : undefined;
	const pods = hasSelector && externalName === undefined ? store.podsForService(key) : [];
	const readyPods = pods.filter((p) => isPodReady(p)).length;
	const counts = countEndpoints(slices);
	let v1: ServiceSummary['v1'];
	if (endpoints) {
		let ready = 0;
		let notReady = 0;
		for (const s of endpoints.subsets ?? []) {
			ready += s.addresses?.length ?? 0;
			notReady += s.notReadyAddresses?.length ?? 0;
		}
		const overCapacity = endpoints.metadata?.annotations?.[annotationOverCapacity];
		v1 = { ready, notReady, ...(overCapacity ? { overCapacity } : {}) };
	}
	const managedBy: ServiceSummary['managedBy'] =
		externalName !== undefined
			? 'none'
			: hasSelector
				? 'endpointslice-controller'
				: slices.some((s) => s.metadata?.labels?.[labelManagedBy]?.startsWith('endpointslicemirroring'))
					? 'mirroring'
					: 'none';

	const problems: ServiceProblem[] = [];
	if (externalName === undefined) {
		if (hasSelector && selector !== undefined && pods.length === 0) {
			problems.push({
				severity: 'warning',
				code: 'selector-matches-nothing',
				message: `Selector ${selector} matches no pod in namespace ${namespace}.`,
			});
		} else if ((hasSelector || slices.length > 0) && counts.ready === 0) {
			const why =
				counts.total === 0
					? pods.length > 0
						? `${pods.length} selected pod${pods.length === 1 ? '' : 's'}, none with an IP and a matching port yet`
						: 'no endpoints in any slice'
					: `${counts.total} endpoint${counts.total === 1 ? '' : 's'}, none ready`;
			problems.push({ severity: 'warning', code: 'no-ready-endpoints', message: `No ready endpoints: ${why}.` });
		}
		if (!hasSelector && !endpoints && slices.length === 0) {
			problems.push({
				severity: 'info',
				code: 'no-endpoints-object',
				message:
					'No selector and no Endpoints or EndpointSlice objects: this Service sends traffic nowhere until someone writes them.',
			});
		}
		if (v1?.overCapacity) {
			problems.push({
				severity: 'warning',
				code: 'over-capacity',
				message: `Endpoints is over capacity (${v1.overCapacity}): it keeps only 1000 addresses; the EndpointSlices have them all.`,
			});
		}
	}
	const result: ServiceSummary = {
		key,
		namespace,
		name,
		type,
		headless: isHeadlessService(service),
		...(externalName !== undefined ? { externalName } : {}),
		...(selector !== undefined ? { selector } : {}),
		managedBy,
		slices,
		...(endpoints ? { endpoints } : {}),
		counts,
		v1,
		pods: { selected: pods.length, ready: readyPods },
		problems,
	};
	return result;
}

/** `3/4 ready · 2 slices`, `headless · 1/1 ready · 1 slice`, `ExternalName → db.example.com`. */
export function serviceDescription(s: ServiceSummary): string {
	if (s.externalName !== undefined) {
		return `ExternalName → ${s.externalName || '(empty)'}`;
	}
	const parts: string[] = [];
	if (s.headless) {
		parts.push('headless');
	}
	if (s.selector === undefined && s.managedBy !== 'endpointslice-controller') {
		parts.push('no selector');
	}
	parts.push(`${s.counts.ready}/${s.counts.total} ready`);
	parts.push(`${s.slices.length} slice${s.slices.length === 1 ? '' : 's'}`);
	return parts.join(' · ');
}
