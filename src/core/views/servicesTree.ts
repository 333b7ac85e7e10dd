/**
 * The Services tree as plain data (STYLE 4): nodes are small discriminated-union values with stable ids, children
 * are computed lazily from the store when a node expands, and `presentNode` turns a node into everything a tree
 * item shows (label, description, tooltip, icon, context value). The VS Code adapter only maps that to a TreeItem,
 * so the whole tree — wording included — is tested here without VS Code.
 *
 * Levels: source (Playground or a kube context) → namespace → Service → its v1 "Endpoints" and one node per
 * EndpointSlice → endpoints (slice entries, or v1 addresses).
 */
import type { Endpoint, EndpointAddress, EndpointPort, EndpointSlice, Endpoints, EndpointsPort, ObjectReference, Pod, Service } from '../k8s/types';
import { annotationOverCapacity, annotationTriggerTime, labelEndpointsManagedBy, labelManagedBy } from '../k8s/types';
import type { EndpointState, ServiceSummary, StoreReader } from './serviceSummary';
import {
	effectiveConditions,
	endpointState,
	endpointStateText,
	serviceDescription,
	summarizeService,
} from './serviceSummary';

/** A source of cluster state, as the tree shows it. */
export interface TreeSource {
	/** Stable id: `playground`, or `context:NAME`. */
	id: string;
	kind: 'playground' | 'context';
	label: string;
	/** Shown next to the label: what the source is reading. */
	detail?: string;
	/** Markdown for the source's tooltip. */
	tooltip?: string;
	state: { phase: 'idle' | 'loading' | 'ready' | 'error'; message?: string };
	/** Messages to show first under the source (manifest problems, RBAC limits, …). */
	notices: readonly { severity: 'error' | 'warning' | 'info'; text: string; detail?: string }[];
	store: StoreReader;
	/** Only these namespaces, when set. */
	namespaceFilter?: readonly string[];
	/**
	 * False for a kube context the view is not connected to: it shows as one row that switches to it when clicked.
	 * Default true.
	 */
	active?: boolean;
	/** Whether the source's row starts expanded (default true). */
	expanded?: boolean;
}

interface Base {
	id: string;
	sourceId: string;
}

export type TreeNode =
	| (Base & { type: 'source' })
	| (Base & { type: 'namespace'; namespace: string })
	| (Base & { type: 'service'; namespace: string; name: string })
	| (Base & { type: 'endpoints'; namespace: string; name: string })
	| (Base & { type: 'subset'; namespace: string; name: string; index: number })
	| (Base & { type: 'address'; namespace: string; name: string; subset: number; ready: boolean; ip: string })
	| (Base & { type: 'slice'; namespace: string; name: string; service: string })
	| (Base & { type: 'endpoint'; namespace: string; slice: string; key: string })
	| (Base & {
			type: 'message';
			severity: 'error' | 'warning' | 'info' | 'loading';
			text: string;
			detail?: string;
	  });

export type TreeNodeType = TreeNode['type'];

/** The icon of a node: a codicon id and an optional theme colour id. */
export interface NodeIcon {
	id: string;
	color?: string;
}

/** Everything a tree item shows for a node. */
export interface NodePresentation {
	label: string;
	description?: string;
	/** Markdown (untrusted: no command links). */
	tooltip?: string;
	icon: NodeIcon;
	collapsible: 'none' | 'collapsed' | 'expanded';
	/** `endpointLens:service+headless+noEndpoints` (STYLE 11). */
	contextValue: string;
	/** What clicking the row runs. */
	command?: { id: string; title: string; args: unknown[] };
}

/** The key of a slice endpoint inside its slice: its first address (unique per slice), or its position. */
export function endpointKey(e: Endpoint, index: number): string {
	return e.addresses?.[0] ?? `#${index}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Children

export function sourceNode(source: TreeSource): TreeNode {
	return { type: 'source', id: `source:${source.id}`, sourceId: source.id };
}

function message(sourceId: string, parentId: string, i: number, severity: 'error' | 'warning' | 'info' | 'loading', text: string, detail?: string): TreeNode {
	return { type: 'message', id: `${parentId}/msg:${i}`, sourceId, severity, text, ...(detail ? { detail } : {}) };
}

function visibleNamespaces(source: TreeSource): string[] {
	const all = source.store.namespaces().filter((ns) => source.store.services(ns).length > 0);
	const filter = source.namespaceFilter;
	return filter && filter.length > 0 ? all.filter((ns) => filter.includes(ns)) : all;
}

function sliceOrder(a: EndpointSlice, b: EndpointSlice): number {
	const at = a.addressType.localeCompare(b.addressType);
	if (at !== 0) {
		return at;
	}
	const ap = portsText(a.ports ?? []).localeCompare(portsText(b.ports ?? []));
	return ap !== 0 ? ap : (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
}

/**
 * The children of a node (the roots when `node` is undefined). Never throws: a node whose object is gone has no
 * children (the view refreshes its parent on the same change).
 */
export function childrenOf(sources: readonly TreeSource[], node?: TreeNode): TreeNode[] {
	if (!node) {
		return sources.map(sourceNode);
	}
	const source = sources.find((s) => s.id === node.sourceId);
	if (!source) {
		return [];
	}
	const store = source.store;
	const sid = source.id;
	switch (node.type) {
		case 'source': {
			if (source.active === false) {
				return [];
			}
			const out: TreeNode[] = source.notices.map((n, i) => message(sid, node.id, i, n.severity, n.text, n.detail));
			if (source.state.phase === 'loading' || source.state.phase === 'idle') {
				out.push(message(sid, node.id, out.length, 'loading', source.state.message ?? 'Loading…'));
				return out;
			}
			if (source.state.phase === 'error') {
				out.push(message(sid, node.id, out.length, 'error', source.state.message ?? 'Could not read the cluster.'));
				return out;
			}
			const namespaces = visibleNamespaces(source);
			if (namespaces.length === 0) {
				const filtered = (source.namespaceFilter?.length ?? 0) > 0;
				out.push(
					message(
						sid,
						node.id,
						out.length,
						'info',
						filtered ? 'No Services in the filtered namespaces' : 'No Services',
						filtered ? `Filter: ${source.namespaceFilter!.join(', ')}` : undefined,
					),
				);
				return out;
			}
			for (const ns of namespaces) {
				out.push({ type: 'namespace', id: `ns:${sid}/${ns}`, sourceId: sid, namespace: ns });
			}
			return out;
		}
		case 'namespace':
			return store.services(node.namespace).map((svc) => ({
				type: 'service' as const,
				id: `svc:${sid}/${node.namespace}/${svc.metadata?.name ?? ''}`,
				sourceId: sid,
				namespace: node.namespace,
				name: svc.metadata?.name ?? '',
			}));
		case 'service': {
			const svc = store.get('Service', node.namespace, node.name);
			if (!svc) {
				return [];
			}
			const summary = summarizeService(svc, store);
			const out: TreeNode[] = summary.problems.map((p, i) => message(sid, node.id, i, p.severity, p.message));
			if (summary.endpoints) {
				out.push({ type: 'endpoints', id: `${node.id}/endpoints`, sourceId: sid, namespace: node.namespace, name: node.name });
			}
			for (const slice of [...summary.slices].sort(sliceOrder)) {
				const name = slice.metadata?.name ?? '';
				out.push({ type: 'slice', id: `slice:${sid}/${node.namespace}/${name}`, sourceId: sid, namespace: node.namespace, name, service: node.name });
			}
			if (summary.externalName !== undefined) {
				out.push(
					message(
						sid,
						node.id,
						out.length,
						'info',
						`DNS answers ${node.name}.${node.namespace}.svc with a CNAME to ${summary.externalName || '(empty)'}`,
						'ExternalName Services have no endpoints: the EndpointSlice and Endpoints controllers skip them.',
					),
				);
			}
			return out;
		}
		case 'endpoints': {
			const ep = store.get('Endpoints', node.namespace, node.name);
			const subsets = ep?.subsets ?? [];
			if (subsets.length === 0) {
				return [message(sid, node.id, 0, 'info', 'No subsets: no pod is ready or has a matching port')];
			}
			if (subsets.length === 1) {
				return addressNodes(sid, node.id, node.namespace, node.name, 0, ep!);
			}
			return subsets.map((_, index) => ({
				type: 'subset' as const,
				id: `${node.id}/subset:${index}`,
				sourceId: sid,
				namespace: node.namespace,
				name: node.name,
				index,
			}));
		}
		case 'subset': {
			const ep = store.get('Endpoints', node.namespace, node.name);
			return ep ? addressNodes(sid, node.id, node.namespace, node.name, node.index, ep) : [];
		}
		case 'slice': {
			const slice = store.get('EndpointSlice', node.namespace, node.name);
			const endpoints = slice?.endpoints ?? [];
			if (endpoints.length === 0) {
				return [message(sid, node.id, 0, 'info', 'No endpoints in this slice')];
			}
			return endpoints.map((e, i) => {
				const key = endpointKey(e, i);
				return { type: 'endpoint' as const, id: `${node.id}/ep:${key}`, sourceId: sid, namespace: node.namespace, slice: node.name, key };
			});
		}
		case 'address':
		case 'endpoint':
		case 'message':
			return [];
	}
}

function addressNodes(sid: string, parentId: string, namespace: string, name: string, index: number, ep: Endpoints): TreeNode[] {
	const subset = ep.subsets?.[index];
	const out: TreeNode[] = [];
	for (const a of subset?.addresses ?? []) {
		out.push({ type: 'address', id: `${parentId}/ready:${a.ip}`, sourceId: sid, namespace, name, subset: index, ready: true, ip: a.ip });
	}
	for (const a of subset?.notReadyAddresses ?? []) {
		out.push({ type: 'address', id: `${parentId}/notready:${a.ip}`, sourceId: sid, namespace, name, subset: index, ready: false, ip: a.ip });
	}
	return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Lookups used by commands

/** The slice endpoint a node stands for. */
export function endpointOf(source: TreeSource, node: Extract<TreeNode, { type: 'endpoint' }>): Endpoint | undefined {
	const slice = source.store.get('EndpointSlice', node.namespace, node.slice);
	return slice?.endpoints?.find((e, i) => endpointKey(e, i) === node.key);
}

/** The v1 address a node stands for. */
export function addressOf(source: TreeSource, node: Extract<TreeNode, { type: 'address' }>): EndpointAddress | undefined {
	const subset = source.store.get('Endpoints', node.namespace, node.name)?.subsets?.[node.subset];
	return (node.ready ? subset?.addresses : subset?.notReadyAddresses)?.find((a) => a.ip === node.ip);
}

/** The pod behind an endpoint or address node: namespace and name from its targetRef. */
export function podRefOf(source: TreeSource, node: TreeNode): { namespace: string; name: string } | undefined {
	if (node.type !== 'endpoint' && node.type !== 'address') {
		return undefined;
	}
	const ref = node.type === 'endpoint' ? endpointOf(source, node)?.targetRef : addressOf(source, node)?.targetRef;
	if (!ref || (ref.kind ?? 'Pod') !== 'Pod' || !ref.name) {
		return undefined;
	}
	return { namespace: ref.namespace ?? node.namespace, name: ref.name };
}

/** The Kubernetes object a node shows, for "Open as YAML". */
export function objectRefOf(source: TreeSource, node: TreeNode): { kind: 'Service' | 'Endpoints' | 'EndpointSlice' | 'Pod'; namespace: string; name: string } | undefined {
	switch (node.type) {
		case 'service':
			return { kind: 'Service', namespace: node.namespace, name: node.name };
		case 'endpoints':
		case 'subset':
		case 'address':
			return node.type === 'address' && podRefOf(source, node)
				? { kind: 'Pod', ...podRefOf(source, node)! }
				: { kind: 'Endpoints', namespace: node.namespace, name: node.name };
		case 'slice':
			return { kind: 'EndpointSlice', namespace: node.namespace, name: node.name };
		case 'endpoint': {
			const pod = podRefOf(source, node);
			return pod ? { kind: 'Pod', ...pod } : { kind: 'EndpointSlice', namespace: node.namespace, name: node.slice };
		}
		default:
			return undefined;
	}
}

// ---------------------------------------------------------------------------------------------------------------
// Presentation

/** `http 8080/TCP, metrics 9090/TCP`; a port without name shows as `8080/TCP`. */
export function portsText(ports: readonly (EndpointPort | EndpointsPort)[]): string {
	if (ports.length === 0) {
		return 'no ports';
	}
	return ports
		.map((p) => `${p.name ? `${p.name} ` : ''}${p.port ?? '*'}/${p.protocol ?? 'TCP'}`)
		.join(', ');
}

const stateIcons: Readonly<Record<EndpointState, NodeIcon>> = {
	ready: { id: 'pass-filled', color: 'testing.iconPassed' },
	terminatingServing: { id: 'history', color: 'list.warningForeground' },
	terminating: { id: 'circle-slash', color: 'disabledForeground' },
	notReady: { id: 'error', color: 'testing.iconFailed' },
};

const severityIcons: Readonly<Record<'error' | 'warning' | 'info' | 'loading', NodeIcon>> = {
	error: { id: 'error', color: 'list.errorForeground' },
	warning: { id: 'warning', color: 'list.warningForeground' },
	info: { id: 'info' },
	loading: { id: 'loading~spin' },
};

/** Escapes text for a Markdown tooltip: names and labels from clusters and manifests are never markup. */
export function md(text: string): string {
	const escaped = text.replace(markdownSpecial, '\\$&');
	return htmlSpecial.test(escaped) ? escaped.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : escaped;
}

const markdownSpecial = /[\\`*_{}[\]()#+\-.!|~]/g;
const htmlSpecial = /[<>&]/;

function plural(n: number, word: string): string {
	return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function serviceTooltip(svc: Service, s: ServiceSummary): string {
	const lines: string[] = [`**Service ${md(s.namespace)}/${md(s.name)}** (${md(s.type)}${s.headless && s.externalName === undefined ? ', headless' : ''})`, ''];
	if (s.externalName !== undefined) {
		lines.push(`ExternalName: \`${md(s.externalName)}\``);
	} else {
		const ips = svc.spec?.clusterIPs ?? (svc.spec?.clusterIP ? [svc.spec.clusterIP] : []);
		lines.push(`Cluster IPs: ${ips.length > 0 ? ips.map(md).join(', ') : 'none'}`);
		lines.push(
			`Ports: ${
				(svc.spec?.ports ?? [])
					.map((p) => `${md(p.name ? `${p.name} ` : '')}${p.port}→${md(String(p.targetPort ?? p.port))}/${md(p.protocol ?? 'TCP')}`)
					.join(', ') || 'none'
			}`,
		);
		lines.push(`Selector: ${s.selector !== undefined ? md(s.selector) : 'none (endpoints are written by hand)'}`);
		lines.push(`Pods selected: ${s.pods.selected} (${s.pods.ready} ready)`);
		lines.push(
			`Endpoints in slices: ${s.counts.ready} ready, ${s.counts.terminatingServing} terminating but serving, ${s.counts.terminating} terminating, ${s.counts.notReady} not ready`,
		);
		if (s.v1) {
			lines.push(`v1 Endpoints: ${s.v1.ready} ready, ${s.v1.notReady} not ready addresses`);
		}
		lines.push(`Slices: ${s.slices.length}${s.managedBy === 'mirroring' ? ' (mirrored from the Endpoints object)' : ''}`);
		if (svc.spec?.publishNotReadyAddresses) {
			lines.push('', 'publishNotReadyAddresses: every endpoint is published as ready, whatever its pod says.');
		}
	}
	for (const p of s.problems) {
		lines.push('', `${p.severity === 'info' ? 'ℹ' : '⚠'} ${md(p.message)}`);
	}
	return lines.join('  \n');
}

/** What the store knows of a target pod: its phase and why it is (not) ready, in one line. */
export function podLine(pod: Pod | undefined): string | undefined {
	if (!pod) {
		return undefined;
	}
	const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
	const why = ready && ready.status !== 'True' ? [ready.reason, ready.message].filter(Boolean).join(': ') : '';
	return [
		`Pod ${pod.metadata?.name ?? ''}: ${pod.status?.phase ?? 'Unknown'}`,
		ready ? `Ready=${ready.status}${why ? ` (${why})` : ''}` : 'no Ready condition',
		pod.metadata?.deletionTimestamp ? `deleting since ${pod.metadata.deletionTimestamp}` : '',
	]
		.filter(Boolean)
		.join(', ');
}

function endpointTooltip(e: Endpoint, slice: EndpointSlice | undefined, pod: Pod | undefined): string {
	const c = effectiveConditions(e);
	const state = endpointState(c);
	const lines = [`**${md(e.addresses?.join(', ') ?? '')}**`, '', md(endpointStateText[state].explanation), ''];
	lines.push(`Conditions: ready=${c.ready}, serving=${c.serving}, terminating=${c.terminating}`);
	if (e.targetRef?.name) {
		lines.push(`Target: ${md(e.targetRef.kind ?? 'Pod')} ${md(e.targetRef.name)}`);
	}
	const podText = podLine(pod);
	if (podText) {
		lines.push(md(podText));
	}
	if (e.hostname) {
		lines.push(`Hostname: ${md(e.hostname)}`);
	}
	if (e.nodeName) {
		lines.push(`Node: ${md(e.nodeName)}`);
	}
	if (e.zone) {
		lines.push(`Zone: ${md(e.zone)}`);
	}
	const zones = e.hints?.forZones?.map((z) => z.name) ?? [];
	const nodes = e.hints?.forNodes?.map((n) => n.name) ?? [];
	if (zones.length > 0 || nodes.length > 0) {
		lines.push(
			`Hints: ${[zones.length > 0 ? `for zones ${zones.map(md).join(', ')}` : '', nodes.length > 0 ? `for nodes ${nodes.map(md).join(', ')}` : ''].filter(Boolean).join('; ')} (kube-proxy in those zones prefers this endpoint)`,
		);
	}
	if (slice) {
		lines.push(`Slice: ${md(slice.metadata?.name ?? '')} (${md(slice.addressType)}; ${md(portsText(slice.ports ?? []))})`);
	}
	return lines.join('  \n');
}

function contextValue(type: string, flags: readonly (string | false | undefined)[]): string {
	const on = flags.filter((f): f is string => typeof f === 'string' && f.length > 0);
	return [`endpointLens:${type}`, ...on].join('+');
}

function podOf(store: StoreReader, namespace: string, ref: ObjectReference | undefined): Pod | undefined {
	return ref?.name && (ref.kind ?? 'Pod') === 'Pod' ? store.get('Pod', ref.namespace ?? namespace, ref.name) : undefined;
}

/** Label, description, tooltip and icon of a node, read from the store now. */
export function presentNode(sources: readonly TreeSource[], node: TreeNode): NodePresentation {
	const source = sources.find((s) => s.id === node.sourceId);
	const gone: NodePresentation = { label: '(gone)', icon: { id: 'circle-outline' }, collapsible: 'none', contextValue: 'endpointLens:gone' };
	if (!source) {
		return gone;
	}
	const store = source.store;
	switch (node.type) {
		case 'source': {
			const phase = source.state.phase;
			const kind = source.kind;
			if (source.active === false) {
				// A context that cannot connect (a kubeconfig problem) says so before it is clicked.
				const problem = phase === 'error' ? (source.state.message ?? 'cannot connect') : undefined;
				return {
					label: source.label,
					...(problem ? { description: 'error' } : source.detail ? { description: source.detail } : {}),
					tooltip: [
						source.tooltip ?? `Context **${md(source.label)}**: click to show it in this view.`,
						...(problem ? ['', `**Error:** ${md(problem)}`] : []),
					].join('  \n'),
					icon: problem ? { id: 'error', color: 'list.errorForeground' } : { id: 'cloud', color: 'disabledForeground' },
					collapsible: 'none',
					contextValue: contextValue('source', [kind, 'inactive']),
					command: { id: 'endpointLens.switchContext', title: 'Show this context', args: [source.id] },
				};
			}
			const services = phase === 'ready' ? store.namespaces().reduce((n, ns) => n + store.services(ns).length, 0) : 0;
			const description =
				phase === 'ready'
					? [source.detail, plural(services, 'Service')].filter(Boolean).join(' · ')
					: phase === 'error'
						? 'error'
						: phase === 'idle'
							? (source.detail ?? 'not started')
							: (source.state.message ?? 'loading…');
			return {
				label: source.label,
				description,
				...(source.tooltip ? { tooltip: source.tooltip } : {}),
				icon:
					phase === 'error'
						? { id: 'error', color: 'list.errorForeground' }
						: kind === 'playground'
							? { id: 'beaker' }
							: { id: 'cloud' },
				collapsible: source.expanded === false ? 'collapsed' : 'expanded',
				contextValue: contextValue('source', [kind, (source.namespaceFilter?.length ?? 0) > 0 && 'filtered', phase === 'error' && 'error']),
			};
		}
		case 'namespace': {
			const services = store.services(node.namespace);
			const flagged = services.filter((svc) => summarizeService(svc, store).problems.some((p) => p.severity !== 'info')).length;
			return {
				label: node.namespace,
				description: `${plural(services.length, 'Service')}${flagged > 0 ? ` · ${flagged} with problems` : ''}`,
				tooltip: `Namespace **${md(node.namespace)}**`,
				icon: flagged > 0 ? { id: 'symbol-namespace', color: 'list.warningForeground' } : { id: 'symbol-namespace' },
				collapsible: 'expanded',
				contextValue: contextValue('namespace', []),
			};
		}
		case 'service': {
			const svc = store.get('Service', node.namespace, node.name);
			if (!svc) {
				return gone;
			}
			const s = summarizeService(svc, store);
			const problem = s.problems.find((p) => p.severity !== 'info');
			return {
				label: node.name,
				description: serviceDescription(s),
				tooltip: serviceTooltip(svc, s),
				icon: problem
					? { id: 'warning', color: 'list.warningForeground' }
					: s.externalName !== undefined
						? { id: 'link-external' }
						: { id: 'plug' },
				collapsible: 'collapsed',
				contextValue: contextValue('service', [
					source.kind,
					s.headless && s.externalName === undefined && 'headless',
					s.externalName !== undefined && 'externalName',
					s.selector === undefined && 'noSelector',
					s.problems.some((p) => p.code === 'selector-matches-nothing') && 'selectsNothing',
					s.problems.some((p) => p.code === 'no-ready-endpoints') && 'noEndpoints',
					s.v1?.overCapacity !== undefined && 'overCapacity',
				]),
			};
		}
		case 'endpoints': {
			const ep = store.get('Endpoints', node.namespace, node.name);
			let ready = 0;
			let notReady = 0;
			for (const s of ep?.subsets ?? []) {
				ready += s.addresses?.length ?? 0;
				notReady += s.notReadyAddresses?.length ?? 0;
			}
			const over = ep?.metadata?.annotations?.[annotationOverCapacity];
			const trigger = ep?.metadata?.annotations?.[annotationTriggerTime];
			const managedBy = ep?.metadata?.labels?.[labelEndpointsManagedBy];
			const lines = [
				`**Endpoints ${md(node.namespace)}/${md(node.name)}** (core/v1, deprecated in favour of EndpointSlices since Kubernetes 1.33)`,
				'',
				`${ready} ready and ${notReady} not-ready addresses in ${plural(ep?.subsets?.length ?? 0, 'subset')}`,
				...(ep?.subsets ?? []).map((s, i) => `Subset ${i + 1}: ${md(portsText(s.ports ?? []))}`),
				managedBy ? `Managed by: ${md(managedBy)}` : 'Written by hand (no managed-by label)',
				...(trigger ? [`Last change trigger time: ${md(trigger)}`] : []),
				...(over ? ['', `⚠ Over capacity (${md(over)}): only the first 1000 addresses are kept here.`] : []),
			];
			return {
				label: 'Endpoints',
				description: `v1 · ${ready} ready${notReady > 0 ? `, ${notReady} not ready` : ''}${over ? ' · over capacity' : ''}`,
				tooltip: lines.join('  \n'),
				icon: over ? { id: 'warning', color: 'list.warningForeground' } : { id: 'list-flat' },
				collapsible: 'collapsed',
				contextValue: contextValue('endpoints', [over !== undefined && 'overCapacity']),
			};
		}
		case 'subset': {
			const s = store.get('Endpoints', node.namespace, node.name)?.subsets?.[node.index];
			return {
				label: `Subset ${node.index + 1}`,
				description: `${portsText(s?.ports ?? [])} · ${s?.addresses?.length ?? 0} ready${(s?.notReadyAddresses?.length ?? 0) > 0 ? `, ${s?.notReadyAddresses?.length} not ready` : ''}`,
				tooltip: 'Addresses that share one set of ports. A pod whose ports differ from the others lands in its own subset.',
				icon: { id: 'symbol-array' },
				collapsible: 'collapsed',
				contextValue: contextValue('subset', []),
			};
		}
		case 'address': {
			const a = addressOf(source, node);
			const state = node.ready ? 'ready' : 'notReady';
			const parts = [endpointStateText[state].label, a?.nodeName, a?.targetRef?.name].filter(Boolean) as string[];
			const lines = [
				`**${md(node.ip)}** (v1 Endpoints address)`,
				'',
				node.ready
					? 'In `addresses`: the pod is ready (or the Service publishes not-ready addresses).'
					: 'In `notReadyAddresses`: the pod is not ready (or is terminating); kube-proxy does not send it traffic.',
				...(a?.hostname ? [`Hostname: ${md(a.hostname)}`] : []),
				...(a?.nodeName ? [`Node: ${md(a.nodeName)}`] : []),
				...(a?.targetRef?.name ? [`Target: ${md(a.targetRef.kind ?? 'Pod')} ${md(a.targetRef.name)}`] : []),
				...[podLine(podOf(store, node.namespace, a?.targetRef))].filter((x): x is string => x !== undefined).map(md),
			];
			return {
				label: node.ip,
				description: parts.join(' · '),
				tooltip: lines.join('  \n'),
				icon: stateIcons[state],
				collapsible: 'none',
				contextValue: contextValue('address', [state, a?.targetRef?.name && 'pod', source.kind]),
			};
		}
		case 'slice': {
			const slice = store.get('EndpointSlice', node.namespace, node.name);
			if (!slice) {
				return gone;
			}
			const eps = slice.endpoints ?? [];
			const ready = eps.filter((e) => effectiveConditions(e).ready).length;
			const managedBy = slice.metadata?.labels?.[labelManagedBy];
			const trigger = slice.metadata?.annotations?.[annotationTriggerTime];
			const lines = [
				`**EndpointSlice ${md(node.namespace)}/${md(node.name)}**`,
				'',
				`Address type: ${md(slice.addressType)}`,
				`Ports: ${md(portsText(slice.ports ?? []))}`,
				`Endpoints: ${eps.length} (${ready} ready)`,
				`Managed by: ${managedBy ? md(managedBy) : 'nobody (hand-written)'}`,
				...(trigger ? [`Last change trigger time: ${md(trigger)}`] : []),
			];
			return {
				label: node.name,
				description: `${slice.addressType} · ${portsText(slice.ports ?? [])} · ${ready}/${eps.length} ready`,
				tooltip: lines.join('  \n'),
				icon: eps.length === 0 ? { id: 'layers', color: 'disabledForeground' } : { id: 'layers' },
				collapsible: 'collapsed',
				contextValue: contextValue('slice', [slice.addressType, eps.length === 0 && 'empty']),
			};
		}
		case 'endpoint': {
			const slice = store.get('EndpointSlice', node.namespace, node.slice);
			const e = slice?.endpoints?.find((x, i) => endpointKey(x, i) === node.key);
			if (!e) {
				return gone;
			}
			const state = endpointState(effectiveConditions(e));
			const hintZones = e.hints?.forZones?.map((z) => z.name) ?? [];
			const parts = [
				endpointStateText[state].label,
				e.nodeName,
				e.zone,
				e.targetRef?.name,
				hintZones.length > 0 ? `hints: ${hintZones.join(',')}` : undefined,
			].filter(Boolean) as string[];
			const extra = (e.addresses?.length ?? 0) > 1 ? ` (+${(e.addresses?.length ?? 1) - 1})` : '';
			return {
				label: `${e.addresses?.[0] ?? '(no address)'}${extra}`,
				description: parts.join(' · '),
				tooltip: endpointTooltip(e, slice, podOf(store, node.namespace, e.targetRef)),
				icon: stateIcons[state],
				collapsible: 'none',
				contextValue: contextValue('endpoint', [state, e.targetRef?.name && (e.targetRef.kind ?? 'Pod') === 'Pod' && 'pod', source.kind]),
			};
		}
		case 'message':
			return {
				label: node.text,
				...(node.detail ? { tooltip: md(node.detail) } : {}),
				icon: severityIcons[node.severity],
				collapsible: 'none',
				contextValue: contextValue('message', [node.severity]),
			};
	}
}

/** Services of a source, for quick picks. */
export function allServices(source: TreeSource): { namespace: string; name: string }[] {
	return source.store.namespaces().flatMap((ns) => source.store.services(ns).map((s) => ({ namespace: ns, name: s.metadata?.name ?? '' })));
}
