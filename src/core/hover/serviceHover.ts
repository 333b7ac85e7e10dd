/**
 * Hovers on a Service manifest: what the control plane would create for it (its kind, name, selector and ports),
 * and how one port's targetPort resolves in each selected pod template.
 */
import { isPodReady } from '../controllers/podUtil';
import { selectorFromSet, selectorToString } from '../k8s/selector';
import type { Endpoint, EndpointSlice, Pod, Service, ServicePort } from '../k8s/types';
import type { ParsedManifest } from '../manifests/parse';
import { countEndpoints } from '../views/serviceSummary';
import type { ContextPrediction } from './context';
import { liveSlicesOf, predictInContext } from './context';
import {
	endpointStateLabel,
	isEndpointReady,
	md,
	missingPorts,
	originText,
	plural,
	predictedBanner,
	previewLink,
	servicePortLabel,
	slicePortText,
	sourceLink,
} from './format';
import { resolveTargetPort, resolutionText } from './ports';
import type { PreviewContext } from './types';

const defaultMaxHoverEndpoints = 10;

/** `app=web,tier=front`, or `{} (every pod in the namespace)`. */
export function selectorText(selector: Readonly<Record<string, string>>): string {
	return Object.keys(selector).length === 0
		? '{} (every pod in the namespace)'
		: selectorToString(selectorFromSet(selector));
}

function title(manifest: ParsedManifest): string {
	return `**Service ${md(manifest.namespace ?? '')}/${md(manifest.name)}**`;
}

/** A note when the hovered definition is not the one that wins. */
function overriddenNote(ctx: PreviewContext, hovered: ParsedManifest, winner: ParsedManifest): string[] {
	if (hovered === winner) {
		return [];
	}
	return [
		`⚠ Overridden by ${sourceLink(ctx.index, winner.file, winner.range.start.line)}: the later definition wins; the prediction below is for that one.`,
	];
}

function endpointLine(ctx: PreviewContext, cp: ContextPrediction, e: Endpoint): string {
	const name = e.targetRef?.name;
	const origin = name ? cp.origin(name) : undefined;
	let from: string;
	if (origin) {
		from = originText(ctx.index, origin);
	} else if (cp.prediction?.source === 'mirroring') {
		const ep = cp.prediction.endpoints;
		const m = ep ? ctx.index.find('Endpoints', cp.prediction.namespace, cp.prediction.name) : undefined;
		from = `from Endpoints${m ? ` (${sourceLink(ctx.index, m.file, m.range.start.line)})` : ''}${name ? `, target ${md(name)}` : ''}`;
	} else {
		from = name ? `pod ${md(name)}` : '';
	}
	const host = e.hostname ? ` · hostname ${md(e.hostname)}` : '';
	return `- ${md(e.addresses.join(', '))} — ${endpointStateLabel(e)}${host}${from ? ` · ${from}` : ''}`;
}

function portSetKey(slice: EndpointSlice): string {
	return JSON.stringify((slice.ports ?? []).map((p) => [p.name ?? '', p.port, p.protocol]));
}

function familySection(
	ctx: PreviewContext,
	cp: ContextPrediction,
	family: string,
	slices: EndpointSlice[],
	target: { file: string; namespace: string; name: string },
): string[] {
	const svcPorts = cp.prediction!.service.spec?.ports ?? [];
	const endpoints = slices.flatMap((s) => s.endpoints ?? []);
	const ready = endpoints.filter(isEndpointReady).length;
	const placeholder = endpoints.length === 0;
	const sizes = slices.length > 1 ? ` of ${slices.map((s) => s.endpoints?.length ?? 0).join(' + ')}` : '';
	const out: string[] = [
		`**${md(family)}** · ${plural(slices.length, 'slice')}${placeholder ? ' (empty placeholder)' : sizes} · ${plural(endpoints.length, 'endpoint')}${placeholder ? '' : ` (${ready} ready)`}`,
	];
	const sets = new Map<string, EndpointSlice[]>();
	for (const s of slices) {
		const k = portSetKey(s);
		sets.set(k, [...(sets.get(k) ?? []), s]);
	}
	const portsLine = (s: EndpointSlice): string => {
		const ports = s.ports ?? [];
		const parts = ports.map((sp) => slicePortText(svcPorts, sp));
		if (cp.prediction!.source === 'endpointslice-controller' && !placeholder) {
			for (const missing of missingPorts(svcPorts, ports)) {
				parts.push(`${md(servicePortLabel(missing))} → ${md(String(missing.targetPort))}: not resolved, left out`);
			}
		}
		return parts.length > 0 ? parts.join(', ') : 'none';
	};
	const blocks: string[] = [];
	if (!placeholder) {
		if (sets.size === 1) {
			out.push(`Ports: ${portsLine(slices[0]!)}`);
		} else {
			out.push(`Ports differ between pods (named targetPorts resolve differently): ${sets.size} port sets, one group of slices each:`);
			const groups: string[] = [];
			for (const group of sets.values()) {
				const n = group.reduce((sum, s) => sum + (s.endpoints?.length ?? 0), 0);
				groups.push(`- ${plural(group.length, 'slice')}, ${plural(n, 'endpoint')}: ${portsLine(group[0]!)}`);
			}
			blocks.push(groups.join('\n'));
		}
	}
	const max = ctx.maxHoverEndpoints ?? defaultMaxHoverEndpoints;
	const lines = endpoints.slice(0, max).map((e) => endpointLine(ctx, cp, e));
	if (endpoints.length > max) {
		lines.push(`- and ${endpoints.length - max} more — ${previewLink('full preview', target)}`);
	}
	return [out.join('  \n'), ...blocks, ...(lines.length > 0 ? [lines.join('\n')] : [])];
}

/** "Live now: 2 slices · 5 endpoints → after apply: 3 · 7". */
function liveComparison(ctx: PreviewContext, cp: ContextPrediction): string | undefined {
	const p = cp.prediction!;
	if (cp.liveNamespaceMissing !== undefined) {
		return `Live: namespace ${md(p.namespace)} not loaded from context ${md(cp.liveNamespaceMissing)}; this prediction uses the workspace only.`;
	}
	if (!cp.live) {
		return undefined;
	}
	const liveSlices = liveSlicesOf(ctx, p.namespace, p.name) ?? [];
	const exists = ctx.live!.services(p.namespace).some((s) => s.metadata?.name === p.name);
	const after = `${plural(p.endpointSlices.length, 'slice')} · ${plural(countEndpoints(p.endpointSlices).total, 'endpoint')}`;
	const context = md(cp.live.context);
	const replaced =
		cp.live.replaced.length > 0
			? ` (${plural(cp.live.replaced.length, 'live pod')} of workspace workloads replaced or scaled away)`
			: '';
	if (!exists) {
		return `Live now (context ${context}): no such Service → after apply: ${after}${replaced}`;
	}
	return `Live now (context ${context}): ${plural(liveSlices.length, 'slice')} · ${plural(countEndpoints(liveSlices).total, 'endpoint')} → after apply: ${p.endpointSlices.length} · ${countEndpoints(p.endpointSlices).total}${replaced}`;
}

/** How the slices come to be, in one line. */
function sourceLine(ctx: PreviewContext, cp: ContextPrediction): string {
	const p = cp.prediction!;
	const selector = p.service.spec?.selector;
	if (p.source === 'endpointslice-controller' && selector != null) {
		const ready = p.selectedPods.filter(isPodReady).length;
		const live = cp.live ? `, live pods of context ${md(cp.live.context)} included` : '';
		const publish = p.service.spec?.publishNotReadyAddresses
			? '  \npublishNotReadyAddresses: every endpoint is published as ready, whatever its pod says.'
			: '';
		const selected =
			p.selectedPods.length === 0
				? `selects no pods${cp.live ? ` (workspace, nor live in context ${md(cp.live.context)})` : ' in the workspace'}`
				: `selects ${plural(p.selectedPods.length, 'pod')} (${ready} ready${live})`;
		return `Selector ${md(selectorText(selector))} ${selected} — slices by the EndpointSlice controller${publish}`;
	}
	if (p.source === 'mirroring') {
		const m = ctx.index.find('Endpoints', p.namespace, p.name);
		return `No selector: the mirroring controller copies the Endpoints object${m ? ` (${sourceLink(ctx.index, m.file, m.range.start.line)})` : ''} into slices`;
	}
	const handWritten = ctx.index.endpointSlicesFor(p.namespace, p.name);
	const slices =
		handWritten.length > 0
			? ` ${plural(handWritten.length, 'EndpointSlice')} written in the workspace ${handWritten.length === 1 ? 'carries' : 'carry'} its kubernetes.io/service-name label: ${handWritten
					.map((h) => sourceLink(ctx.index, h.manifest.file, h.manifest.range.start.line))
					.join(', ')}.`
			: '';
	return `No selector and no Endpoints object named ${md(p.name)} in the workspace: no controller creates endpoints for it.${slices}`;
}

/** The EndpointSlices (and v1 Endpoints) the control plane would create for the Service. */
export function serviceSummaryHover(ctx: PreviewContext, hovered: ParsedManifest): string | undefined {
	const namespace = hovered.namespace ?? 'default';
	const cp = predictInContext(ctx, namespace, hovered.name);
	if (!cp) {
		return undefined;
	}
	const header = `${title(cp.manifest)} · ${predictedBanner}`;
	const blocks: string[] = [header, ...overriddenNote(ctx, hovered, cp.manifest)];
	const p = cp.prediction;
	if (!p) {
		const errors = cp.indexed.diagnostics.filter((d) => d.severity === 'error').map((d) => md(d.message));
		blocks.push(`The API server would reject this Service: ${errors.join('; ')}`);
		return blocks.join('\n\n');
	}
	if (p.type === 'ExternalName') {
		blocks.push(
			`ExternalName → CNAME ${md(p.service.spec?.externalName ?? '(none)')}: cluster DNS answers with a CNAME; no controller creates EndpointSlices or Endpoints for it.`,
		);
		return blocks.join('\n\n');
	}
	blocks.push(sourceLine(ctx, cp));
	const target = { file: cp.manifest.file, namespace, name: hovered.name };
	const families = new Map<string, EndpointSlice[]>();
	for (const s of p.endpointSlices) {
		families.set(s.addressType, [...(families.get(s.addressType) ?? []), s]);
	}
	for (const [family, slices] of families) {
		blocks.push(...familySection(ctx, cp, family, slices, target));
	}
	if (p.source === 'endpointslice-controller' && p.endpoints) {
		let ready = 0;
		let notReady = 0;
		for (const s of p.endpoints.subsets ?? []) {
			ready += s.addresses?.length ?? 0;
			notReady += s.notReadyAddresses?.length ?? 0;
		}
		blocks.push(
			`v1 Endpoints (deprecated since Kubernetes 1.33, primary family only): ${ready} ready, ${notReady} not ready ${notReady === 1 ? 'address' : 'addresses'}`,
		);
	}
	const live = liveComparison(ctx, cp);
	if (live) {
		blocks.push(live);
	}
	blocks.push(previewLink('Open the full preview', target));
	return blocks.join('\n\n');
}

/** A group of selected pods that share a template: a workspace workload, or live pods of one controller. */
interface PodGroup {
	label: string;
	pods: Pod[];
}

function groupSelectedPods(ctx: PreviewContext, cp: ContextPrediction): PodGroup[] {
	const groups = new Map<string, PodGroup>();
	for (const pod of cp.prediction?.selectedPods ?? []) {
		const origin = cp.origin(pod.metadata?.name ?? '');
		let key: string;
		let label: string;
		if (origin?.kind === 'workload') {
			key = `w:${origin.workloadKind}/${origin.workloadName}`;
			label = `${md(origin.workloadKind)} ${md(origin.workloadName)} (${sourceLink(ctx.index, origin.file, origin.line)})`;
		} else {
			const owner = pod.metadata?.ownerReferences?.find((o) => o.controller);
			const context = origin?.kind === 'live' ? ` (context ${md(origin.context)})` : '';
			key = owner ? `l:${owner.kind}/${owner.name}` : `p:${pod.metadata?.name ?? ''}`;
			label = owner ? `live ${md(owner.kind)} ${md(owner.name)}${context}` : `live pod ${md(pod.metadata?.name ?? '')}${context}`;
		}
		const g = groups.get(key);
		if (g) {
			g.pods.push(pod);
		} else {
			groups.set(key, { label, pods: [pod] });
		}
	}
	return [...groups.values()];
}

/** How `spec.ports[i].targetPort` resolves in each selected pod template. */
export function targetPortHover(ctx: PreviewContext, hovered: ParsedManifest, portIndex: number): string | undefined {
	const cp = predictInContext(ctx, hovered.namespace ?? 'default', hovered.name);
	const p = cp?.prediction;
	if (!cp || !p) {
		return undefined;
	}
	const service: Service = p.service;
	const port: ServicePort | undefined = service.spec?.ports?.[portIndex];
	if (!port) {
		return undefined;
	}
	const header = `**targetPort ${md(String(port.targetPort))}** of port ${md(servicePortLabel(port))}/${md(port.protocol ?? 'TCP')} · ${predictedBanner}`;
	const blocks = [header, ...overriddenNote(ctx, hovered, cp.manifest)];
	if (p.type === 'ExternalName') {
		blocks.push('ExternalName Service: no endpoints, so no targetPort is resolved.');
		return blocks.join('\n\n');
	}
	if (p.source !== 'endpointslice-controller') {
		blocks.push(
			'No selector: targetPort is not resolved against pods. The endpoints take the ports written in the Endpoints object (or EndpointSlices), matched to Service ports by name.',
		);
		return blocks.join('\n\n');
	}
	const groups = groupSelectedPods(ctx, cp);
	if (groups.length === 0) {
		blocks.push(
			`Selector ${md(selectorText(service.spec?.selector ?? {}))} selects no pods${cp.live ? '' : ' in the workspace'}: nothing to resolve against.`,
		);
		return blocks.join('\n\n');
	}
	const max = ctx.maxHoverEndpoints ?? defaultMaxHoverEndpoints;
	const lines = groups.slice(0, max).map((g) => {
		const results = new Map<string, number>();
		for (const pod of g.pods) {
			const text = resolutionText(resolveTargetPort(pod, port), port);
			results.set(text, (results.get(text) ?? 0) + 1);
		}
		const parts = [...results].map(([text, n]) => (results.size > 1 ? `${n}: ${text}` : text));
		return `- ${g.label}, ${plural(g.pods.length, 'pod')}: ${parts.join('; ')}`;
	});
	if (groups.length > max) {
		lines.push(`- and ${groups.length - max} more pod templates`);
	}
	blocks.push(lines.join('\n'));
	return blocks.join('\n\n');
}
