/**
 * The flow of one Service as a Mermaid sequence diagram, with the real names: who writes the Service, which
 * controllers turn it into EndpointSlices and an Endpoints object, who watches those slices (kube-proxy, CoreDNS), and
 * what happens when a client resolves the name and connects. The diagram follows the Service's shape: ClusterIP,
 * headless (DNS answers with pod IPs, no kube-proxy), ExternalName (a CNAME, no controllers), selector-less (a
 * hand-written Endpoints object mirrored into slices), dual-stack (a slice per family), publishNotReadyAddresses, no
 * ready endpoint (kube-proxy's REJECT rule), and terminating endpoints that still serve.
 *
 * Pure: the caller passes the objects (from the store, the playground or a prediction); the same input always gives
 * the same text. Listed endpoints and slices are capped; notes say how many more there are.
 */
import { isHeadlessService } from '../controllers/podUtil';
import { selectorFromSet, selectorToString } from '../k8s/selector';
import type { Endpoint, EndpointSlice, Endpoints, Pod, Service } from '../k8s/types';
import { labelManagedBy, mirroringControllerName } from '../k8s/types';
import type { EndpointState } from '../views/serviceSummary';
import { effectiveConditions, endpointState } from '../views/serviceSummary';
import type { BuiltDiagram } from './sequence';
import { SequenceWriter, capped, plural } from './sequence';

/** What a Service's flow is drawn from. */
export interface FlowInput {
	service: Service;
	/** The Service's EndpointSlices (any manager). */
	slices: readonly EndpointSlice[];
	/** Its Endpoints object; null or absent when there is none (yet). */
	endpoints?: Endpoints | null;
	/** The pods its selector selects, when known (counts and names in notes). */
	pods?: readonly Pod[];
	/** Where the objects come from: a live cluster, the playground, or a prediction from manifests. */
	origin: 'live' | 'playground' | 'manifest';
	/** The kube context, for `live`. */
	context?: string;
	/** The cluster's DNS domain. Default `cluster.local`. */
	clusterDomain?: string;
	/** Slices drawn as participants before the rest are counted in a note. Default 3. */
	maxSlices?: number;
	/** Endpoints listed by address before the rest are counted. Default 5. */
	maxEndpoints?: number;
}

/** The participant keys of a flow (stable: the walk-through uses them too). */
export const flowKeys = {
	user: 'user',
	api: 'apiserver',
	etcd: 'etcd',
	sliceController: 'endpointsliceController',
	endpointsController: 'endpointsController',
	mirroring: 'mirroringController',
	proxy: 'kubeProxy',
	dns: 'coredns',
	client: 'client',
	backends: 'backends',
} as const;

/** One endpoint of the Service, as the flow shows it. */
interface FlowEndpoint {
	address: string;
	state: EndpointState;
	pod?: string;
	hostname?: string;
	port?: number;
}

/** Everything the builders read from a FlowInput, computed once. */
export interface FlowFacts {
	namespace: string;
	name: string;
	type: string;
	externalName?: string;
	headless: boolean;
	hasSelector: boolean;
	selector: string;
	fqdn: string;
	clusterIPs: string[];
	ports: string;
	servicePort?: number;
	publishNotReady: boolean;
	mirrored: boolean;
	families: string[];
	endpoints: FlowEndpoint[];
	counts: Record<EndpointState, number>;
	v1?: { ready: number; notReady: number };
	podsSelected?: number;
	podsReady?: number;
	maxSlices: number;
	maxEndpoints: number;
}

function sliceCounts(slice: EndpointSlice): { ready: number; total: number } {
	const eps = slice.endpoints ?? [];
	return { ready: eps.filter((e) => effectiveConditions(e).ready).length, total: eps.length };
}

function hostPort(address: string, port: number | undefined): string {
	if (port === undefined) {
		return address;
	}
	return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

function isPodReady(pod: Pod): boolean {
	return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** The facts of a flow input. Exported for the walk-through. */
export function flowFacts(input: FlowInput): FlowFacts {
	const svc = input.service;
	const spec = svc.spec ?? {};
	const namespace = svc.metadata?.namespace || 'default';
	const name = svc.metadata?.name ?? '';
	const type = spec.type ?? 'ClusterIP';
	const hasSelector = spec.selector != null;
	const selectorSet = spec.selector ?? {};
	const firstPort = spec.ports?.[0];
	const ports = (spec.ports ?? [])
		.map((p) => `${p.port}${p.targetPort !== undefined && p.targetPort !== p.port ? `→${p.targetPort}` : ''}/${p.protocol ?? 'TCP'}`)
		.join(' ');
	const endpoints: FlowEndpoint[] = [];
	const seen = new Set<string>();
	const counts: Record<EndpointState, number> = { ready: 0, terminatingServing: 0, terminating: 0, notReady: 0 };
	const families = new Set<string>();
	for (const slice of input.slices) {
		families.add(slice.addressType);
		const port =
			(slice.ports ?? []).find((p) => firstPort?.name !== undefined && p.name === firstPort.name)?.port ??
			slice.ports?.[0]?.port ??
			undefined;
		for (const e of slice.endpoints ?? []) {
			const address = e.addresses?.[0] ?? '';
			const id = `${slice.addressType}/${address}`;
			if (seen.has(id)) {
				continue;
			}
			seen.add(id);
			const state = endpointState(effectiveConditions(e));
			counts[state]++;
			endpoints.push(endpointOf(e, state, port));
		}
	}
	let v1: FlowFacts['v1'];
	if (input.endpoints) {
		v1 = { ready: 0, notReady: 0 };
		for (const s of input.endpoints.subsets ?? []) {
			v1.ready += s.addresses?.length ?? 0;
			v1.notReady += s.notReadyAddresses?.length ?? 0;
		}
	}
	const facts: FlowFacts = {
		namespace,
		name,
		type,
		headless: type !== 'ExternalName' && isHeadlessService(svc),
		hasSelector,
		selector: hasSelector ? selectorToString(selectorFromSet(selectorSet)) || 'every pod' : '',
		fqdn: `${name}.${namespace}.svc.${input.clusterDomain || 'cluster.local'}`,
		clusterIPs: (spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : []).filter(
			(ip) => ip !== 'None',
		),
		ports,
		...(firstPort ? { servicePort: firstPort.port } : {}),
		publishNotReady: spec.publishNotReadyAddresses === true,
		mirrored:
			!hasSelector ||
			input.slices.some((s) => s.metadata?.labels?.[labelManagedBy] === mirroringControllerName),
		families: [...families].sort(),
		endpoints,
		counts,
		...(v1 ? { v1 } : {}),
		maxSlices: Math.max(1, input.maxSlices ?? 3),
		maxEndpoints: Math.max(1, input.maxEndpoints ?? 5),
	};
	if (type === 'ExternalName') {
		facts.externalName = spec.externalName ?? '';
	}
	if (input.pods) {
		facts.podsSelected = input.pods.length;
		facts.podsReady = input.pods.filter(isPodReady).length;
	}
	return facts;
}

function endpointOf(e: Endpoint, state: EndpointState, port: number | undefined): FlowEndpoint {
	return {
		address: e.addresses?.[0] ?? '',
		state,
		...(e.targetRef?.name ? { pod: e.targetRef.name } : {}),
		...(e.hostname ? { hostname: e.hostname } : {}),
		...(port !== undefined ? { port } : {}),
	};
}

/** The label of the person or tool that writes the Service. */
export function userLabel(input: FlowInput): string {
	switch (input.origin) {
		case 'live':
			return input.context ? `kubectl (context ${input.context})` : 'kubectl';
		case 'playground':
			return 'kubectl (playground)';
		case 'manifest':
			return 'kubectl apply (predicted)';
	}
}

function originNote(input: FlowInput): string {
	switch (input.origin) {
		case 'live':
			return `Live cluster${input.context ? ` (context ${input.context})` : ''}: the objects as the API server serves them now.`;
		case 'playground':
			return 'Playground: objects written by the simulated control plane, no cluster involved.';
		case 'manifest':
			return 'Predicted from the manifests: what the control plane would write after kubectl apply.';
	}
}

const stateWords: Readonly<Record<EndpointState, string>> = {
	ready: 'ready',
	terminatingServing: 'terminating, serving',
	terminating: 'terminating',
	notReady: 'not ready',
};

function endpointLabel(e: FlowEndpoint): string {
	return `${hostPort(e.address, e.port)}${e.pod ? ` (${e.pod})` : ''}`;
}

function describeSlice(slice: EndpointSlice): string {
	const { ready, total } = sliceCounts(slice);
	const ports = (slice.ports ?? []).map((p) => `${p.name ? `${p.name} ` : ''}${p.port ?? '*'}/${p.protocol ?? 'TCP'}`);
	return `${slice.addressType} · ${ready}/${total} ready${ports.length ? ` · ${ports.join(' ')}` : ' · no ports'}`;
}

/** The Mermaid sequence diagram of a Service's flow. */
export function buildServiceFlow(input: FlowInput): BuiltDiagram {
	const f = flowFacts(input);
	const w = new SequenceWriter();
	const notes: string[] = [originNote(input)];
	const k = flowKeys;
	const user = w.participant(k.user, userLabel(input));
	const api = w.participant(k.api, 'API server');
	const etcd = w.participant(k.etcd, 'etcd');
	const svcRef = `${f.namespace}/${f.name}`;

	if (f.externalName !== undefined) {
		const dns = w.participant(k.dns, 'CoreDNS (cluster DNS)');
		const client = w.participant(k.client, 'client pod');
		const external = w.participant(k.backends, `external host ${f.externalName || '(empty)'}`);
		w.message(user, api, `apply Service ${svcRef} (ExternalName ${f.externalName})`);
		w.message(api, etcd, `persist Service ${f.name}`);
		w.note([api, etcd], 'ExternalName: no EndpointSlice and no Endpoints. The controllers skip it.');
		w.message(api, dns, `watch Services: ${f.name} is an alias`, 'reply');
		w.message(client, dns, `resolve ${f.fqdn}`);
		w.message(dns, client, `CNAME ${f.externalName}`, 'reply');
		w.message(client, external, `resolve ${f.externalName} through upstream DNS and connect`);
		notes.push('ExternalName Services are DNS aliases: no ClusterIP, no kube-proxy rules, no endpoints.');
		return w.build(notes);
	}

	const writer = f.hasSelector
		? w.participant(k.sliceController, 'EndpointSlice controller')
		: w.participant(k.mirroring, 'EndpointSlice mirroring controller');
	const epc = f.hasSelector ? w.participant(k.endpointsController, 'Endpoints controller') : undefined;
	const shown = input.slices.slice(0, f.maxSlices);
	const sliceIds = shown.map((s) => w.participant(`slice:${s.metadata?.name ?? ''}`, `EndpointSlice ${s.metadata?.name ?? ''}`));
	const proxy = f.headless ? undefined : w.participant(k.proxy, 'kube-proxy');
	const dns = w.participant(k.dns, 'CoreDNS (cluster DNS)');
	const client = w.participant(k.client, 'client pod');
	const backends = w.participant(
		k.backends,
		f.hasSelector ? `Pods ${f.selector}` : `backends of Endpoints ${f.name}`,
	);

	const kind = f.headless ? 'headless' : f.type;
	w.message(user, api, `apply Service ${svcRef} (${kind}${f.clusterIPs.length ? ` ${f.clusterIPs.join(' ')}` : ''}${f.ports ? ` · ${f.ports}` : ''})`);
	w.message(api, etcd, `persist Service ${f.name}`);

	if (f.hasSelector) {
		w.message(api, writer, `watch: Service ${f.name} and Pods ${f.selector}`, 'reply');
		w.message(api, epc!, `watch: Service ${f.name} and Pods ${f.selector}`, 'reply');
		if (f.podsSelected !== undefined) {
			w.note([backends], `${plural(f.podsSelected, 'pod')} selected · ${f.podsReady ?? 0} Ready`);
		}
		if (f.publishNotReady) {
			const published = f.podsSelected !== undefined ? ` (${f.podsSelected - (f.podsReady ?? 0)} now)` : '';
			w.note([writer, epc!], `publishNotReadyAddresses: not-ready pods are published as ready${published}`);
		}
	} else {
		if (input.endpoints) {
			w.message(user, api, `apply Endpoints ${f.name} (${f.v1?.ready ?? 0} addresses · ${f.v1?.notReady ?? 0} not ready)`);
		} else {
			w.note([user, api], `No selector and no Endpoints ${f.name}: nothing to mirror`);
		}
		w.message(api, writer, `watch: Endpoints ${f.name} (Service has no selector)`, 'reply');
	}

	shown.forEach((slice, i) => {
		const verb = f.hasSelector ? 'write' : 'mirror into';
		w.message(writer, sliceIds[i]!, `${verb} ${describeSlice(slice)}`);
	});
	if (input.slices.length > shown.length) {
		const more = input.slices.length - shown.length;
		w.note([writer], `and ${plural(more, 'more slice')}`);
		notes.push(`Showing ${shown.length} of ${input.slices.length} EndpointSlices.`);
	}
	if (input.slices.length === 0) {
		w.note([writer], 'no EndpointSlice yet');
	}
	if (!f.hasSelector && input.slices.length > 0) {
		w.note([writer], `managed-by ${mirroringControllerName}`);
	}
	if (f.families.length > 1) {
		w.note([writer], `dual-stack: one slice per family (${f.families.join(' and ')})`);
	}
	if (epc) {
		if (input.endpoints) {
			w.message(epc, api, `write Endpoints ${f.name} (${f.v1?.ready ?? 0} addresses · ${f.v1?.notReady ?? 0} not ready)`);
		} else {
			w.note([epc], `no Endpoints ${f.name} yet`);
		}
		if (f.families.length > 1) {
			notes.push('The Endpoints object carries only the primary IP family; the EndpointSlices carry both.');
		}
	}

	const ready = f.endpoints.filter((e) => e.state === 'ready');
	const serving = f.endpoints.filter((e) => e.state === 'terminatingServing');
	if (proxy) {
		w.message(api, proxy, `watch EndpointSlices of ${f.name}: ${ready.length} ready of ${f.endpoints.length}`, 'reply');
	}
	w.message(api, dns, `watch Services and EndpointSlices`, 'reply');
	w.message(client, dns, `resolve ${f.fqdn}`);

	if (f.headless) {
		if (ready.length > 0) {
			const records = ready.map((e) => `${e.address.includes(':') ? 'AAAA' : 'A'} ${e.address}`);
			w.message(dns, client, `${capped(records, f.maxEndpoints)} (one record per ready endpoint)`, 'reply');
			const named = ready.filter((e) => e.hostname);
			if (named.length > 0) {
				w.note(
					[dns],
					`hostnames: ${capped(
						named.map((e) => `${e.hostname}.${f.fqdn} → ${e.address}`),
						f.maxEndpoints,
					)}`,
				);
			}
			w.message(client, backends, `connect to ${endpointLabel(ready[0]!)} directly (no ClusterIP, no kube-proxy)`);
		} else {
			w.message(dns, client, 'no ready endpoint: no A records, the name does not resolve', 'fail');
		}
	} else {
		const v4 = f.clusterIPs.filter((ip) => !ip.includes(':'));
		const v6 = f.clusterIPs.filter((ip) => ip.includes(':'));
		const answer = [...v4.map((ip) => `A ${ip}`), ...v6.map((ip) => `AAAA ${ip}`)].join(' · ') || 'the ClusterIP';
		w.message(dns, client, `${answer} (ClusterIP)`, 'reply');
		const vip = f.clusterIPs[0] ?? 'ClusterIP';
		w.message(client, proxy!, `connect ${hostPort(vip, f.servicePort)} (rules on the client's node)`);
		if (ready.length > 0) {
			w.message(proxy!, backends, `DNAT to ${endpointLabel(ready[0]!)} · one of ${ready.length} ready`);
			if (ready.length > 1) {
				w.note([proxy!, backends], `ready: ${capped(ready.map((e) => hostPort(e.address, e.port)), f.maxEndpoints)}`);
			}
		} else if (serving.length > 0) {
			w.message(proxy!, backends, `DNAT to ${endpointLabel(serving[0]!)} · terminating but serving (no ready endpoint left)`);
		} else {
			w.message(proxy!, client, 'REJECT: no ready endpoint, connection refused', 'fail');
		}
	}
	if (serving.length > 0) {
		w.note(
			[backends],
			`${plural(serving.length, 'endpoint')} terminating but still serving: used only when no ready endpoint is left`,
		);
	}
	const other = f.counts.terminating + f.counts.notReady;
	if (other > 0) {
		notes.push(
			`${plural(other, 'endpoint receives', 'endpoints receive')} no traffic: ${[
				f.counts.notReady ? `${f.counts.notReady} ${stateWords.notReady}` : '',
				f.counts.terminating ? `${f.counts.terminating} ${stateWords.terminating}` : '',
			]
				.filter(Boolean)
				.join(', ')}.`,
		);
	}
	if (ready.length > f.maxEndpoints) {
		notes.push(`Listing ${f.maxEndpoints} of ${ready.length} ready endpoints.`);
	}
	return w.build(notes);
}
