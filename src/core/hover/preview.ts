/**
 * "Preview before apply": the pure entry points behind the editor's hovers, CodeLens, diagnostics and the full
 * preview document. Each takes the workspace index (plus, optionally, a live view) and a document, puts the document
 * into the index first (a no-op when its version is known), and answers from the index's caches: parsing is per
 * file, workload expansion per manifest, predictions per Service and generation (see `workspaceIndex.ts`).
 *
 * Hover ranges are the hovered key/value (`keyRanges` of the manifest); every name quoted in markdown is escaped.
 */
import { stringify } from 'yaml';
import { lintManifest, serviceFindings } from '../analysis/lint';
import type { ServicePrediction } from '../analysis/predict';
import { podsForService } from '../k8s/selector';
import type { ManifestDiagnostic, ParsedManifest, SourceRange } from '../manifests/parse';
import { rangeOfPath } from '../manifests/workspace';
import { countEndpoints } from '../views/serviceSummary';
import type { ContextPrediction } from './context';
import { liveNamespace, predictInContext } from './context';
import { endpointSliceHover, endpointsHover } from './objectHover';
import { isCommentOrBlank, manifestAtPosition, pathAt, positionAt } from './locate';
import { serviceSummaryHover, targetPortHover } from './serviceHover';
import type { CodeLensModel, HoverModel, PodOrigin, PreviewContext, PreviewDocument } from './types';
import { templatePath, workloadHover } from './workloadHover';

export type { PreviewContext, PreviewDocument } from './types';

// ---------------------------------------------------------------------------------------------------------------
// Hover

const servicePortField = /^spec\.ports(\[\d+\](\.(name|port|protocol|appProtocol|nodePort))?)?$/;
const serviceSelectorField = /^spec\.selector(\.|\[|$)/;
const targetPortField = /^spec\.ports\[(\d+)\]\.targetPort$/;

function get(v: unknown, key: string | number): unknown {
	return typeof v === 'object' && v !== null ? (v as Record<string | number, unknown>)[key] : undefined;
}

function workloadMarkdown(ctx: PreviewContext, m: ParsedManifest, path: string): string | undefined {
	const tpl = templatePath(m.kind);
	if (tpl === undefined) {
		return undefined;
	}
	if (path === 'kind' || path === 'metadata.name') {
		return workloadHover(ctx, m);
	}
	const prefix = tpl === '' ? '' : `${tpl}.`;
	if (path === `${prefix}metadata.labels` || path.startsWith(`${prefix}metadata.labels.`) || path.startsWith(`${prefix}metadata.labels[`)) {
		return workloadHover(ctx, m);
	}
	const portsPath = new RegExp(`^${prefix.replace(/\./g, '\\.')}spec\\.(containers|initContainers)\\[(\\d+)\\]\\.ports(\\[(\\d+)\\](\\..*)?)?$`);
	const match = portsPath.exec(path);
	if (!match) {
		return undefined;
	}
	if (match[4] === undefined) {
		return workloadHover(ctx, m);
	}
	let template: unknown = m.object;
	for (const key of tpl === '' ? [] : tpl.split('.')) {
		template = get(template, key);
	}
	const port = get(get(get(get(get(template, 'spec'), match[1]!), Number(match[2])), 'ports'), Number(match[4]));
	const containerPort = get(port, 'containerPort');
	if (typeof containerPort !== 'number') {
		return workloadHover(ctx, m);
	}
	const name = get(port, 'name');
	const protocol = get(port, 'protocol');
	return workloadHover(ctx, m, {
		containerPort: {
			containerPort,
			...(typeof name === 'string' ? { name } : {}),
			...(typeof protocol === 'string' ? { protocol } : {}),
		},
	});
}

function hoverMarkdown(ctx: PreviewContext, m: ParsedManifest, path: string): string | undefined {
	switch (m.kind) {
		case 'Service': {
			const target = targetPortField.exec(path);
			if (target) {
				return targetPortHover(ctx, m, Number(target[1]));
			}
			if (path === 'kind' || path === 'metadata.name' || serviceSelectorField.test(path) || servicePortField.test(path)) {
				return serviceSummaryHover(ctx, m);
			}
			return undefined;
		}
		case 'EndpointSlice':
			return endpointSliceHover(ctx, m, path);
		case 'Endpoints':
			return endpointsHover(ctx, m, path);
		default:
			return workloadMarkdown(ctx, m, path);
	}
}

/**
 * The hover at a UTF-16 offset of a document, or undefined (comments, blank space, unsupported kinds, fields where
 * the YAML extension's schema hover says it all). Puts the document into the index first.
 */
export function computeHover(ctx: PreviewContext, doc: PreviewDocument, offset: number): HoverModel | undefined {
	ctx.index.setFile(doc.path, doc.text, doc.version);
	const manifests = ctx.index.manifests(doc.path).filter((m) => m.supported);
	if (manifests.length === 0 || offset < 0 || offset >= doc.text.length || isCommentOrBlank(doc.text, offset)) {
		return undefined;
	}
	const pos = positionAt(doc.text, offset);
	const m = manifestAtPosition(manifests, pos);
	const at = m ? pathAt(m, pos) : undefined;
	if (!m || !at) {
		return undefined;
	}
	const markdown = hoverMarkdown(ctx, m, at.path);
	return markdown === undefined ? undefined : { range: at.range, markdown };
}

// ---------------------------------------------------------------------------------------------------------------
// CodeLens

function families(p: ServicePrediction): string {
	const seen: string[] = [];
	for (const s of p.endpointSlices) {
		if (!seen.includes(s.addressType)) {
			seen.push(s.addressType);
		}
	}
	return seen.join(' + ');
}

function slicesTitle(p: ServicePrediction): string {
	const n = countEndpoints(p.endpointSlices).total;
	const fam = families(p);
	return `→ ${p.endpointSlices.length} slice${p.endpointSlices.length === 1 ? '' : 's'} · ${n} endpoint${n === 1 ? '' : 's'}${fam ? ` (${fam})` : ''}`;
}

function lensTitle(ctx: PreviewContext, m: ParsedManifest): { title: string; tooltip: string } {
	const winner = ctx.index.winner(m) ?? m;
	if (winner !== m) {
		return {
			title: `→ overridden by ${ctx.index.displayPath(winner.file)}:${winner.range.start.line + 1}`,
			tooltip: 'A later definition of this Service wins (kubectl apply over the files in order).',
		};
	}
	const cp = predictInContext(ctx, m.namespace ?? 'default', m.name);
	const p = cp?.prediction;
	if (!p) {
		return {
			title: '→ not predicted: the API server would reject this Service',
			tooltip: (cp?.indexed.diagnostics ?? []).map((d) => d.message).join('\n'),
		};
	}
	const tooltip = `Predicted — not applied${cp.live ? ` (with the live pods of context ${cp.live.context})` : ''}. Click for the full preview.`;
	if (p.type === 'ExternalName') {
		return { title: `ExternalName → CNAME ${p.service.spec?.externalName ?? ''}`, tooltip: 'Cluster DNS answers with a CNAME; no endpoints.' };
	}
	if (p.source === 'none') {
		const handWritten = ctx.index.endpointSlicesFor(p.namespace, p.name);
		if (handWritten.length > 0) {
			const n = countEndpoints(handWritten.map((h) => h.slice)).total;
			return {
				title: `→ no selector: ${handWritten.length} hand-written slice${handWritten.length === 1 ? '' : 's'} · ${n} endpoint${n === 1 ? '' : 's'}`,
				tooltip: 'No controller manages this Service\'s endpoints: kube-proxy uses the EndpointSlices written in the workspace.',
			};
		}
		return { title: '→ no endpoints: no selector and no Endpoints object', tooltip };
	}
	if (p.source === 'mirroring') {
		return { title: `${slicesTitle(p)}, mirrored from Endpoints`, tooltip };
	}
	if (p.selectedPods.length === 0) {
		return { title: '→ no endpoints: selector matches no pods', tooltip };
	}
	const ready = countEndpoints(p.endpointSlices).ready;
	return { title: slicesTitle(p), tooltip: `${tooltip} ${ready} ready.` };
}

/** The CodeLens of each Service manifest of the document, on its first line. */
export function computeCodeLenses(ctx: PreviewContext, doc: PreviewDocument): CodeLensModel[] {
	ctx.index.setFile(doc.path, doc.text, doc.version);
	const out: CodeLensModel[] = [];
	for (const m of ctx.index.manifests(doc.path)) {
		if (m.kind !== 'Service' || !m.supported) {
			continue;
		}
		const range: SourceRange = { start: m.range.start, end: m.range.start };
		const target = { file: doc.path, namespace: m.namespace ?? 'default', name: m.name };
		const { title, tooltip } = lensTitle(ctx, m);
		out.push({ range, title, tooltip, command: 'summary', target });
		out.push({ range, title: 'Preview slices', tooltip: 'The predicted EndpointSlices and v1 Endpoints, as read-only YAML', command: 'previewSlices', target });
		out.push({ range, title: 'Show flow', tooltip: 'How a request reaches the endpoints of this Service', command: 'showFlow', target });
		if (ctx.live) {
			out.push({
				range,
				title: 'Plan against cluster',
				tooltip: `What applying this file would change in context ${ctx.live.context}`,
				command: 'planFile',
				target,
			});
		}
	}
	return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Diagnostics

function withRange(d: ManifestDiagnostic, byDoc: ReadonlyMap<number, ParsedManifest>): ManifestDiagnostic {
	if (d.range) {
		return d;
	}
	const m = byDoc.get(d.docIndex);
	if (m && d.path) {
		return { ...d, range: rangeOfPath(m, d.path) };
	}
	const at = { line: Math.max(0, d.line - 1), character: Math.max(0, d.column - 1) };
	return { ...d, range: { start: at, end: at } };
}

/**
 * Every diagnostic of the document, each with a `range`: parse and validation, duplicates across files, defaulting
 * and expansion, `lintManifest` of each object, and `serviceFindings` of each Service it defines (with the live
 * pods' count when a live view has the namespace). Findings depend on other files: they follow the index.
 */
export function computeDiagnostics(ctx: PreviewContext, doc: PreviewDocument): ManifestDiagnostic[] {
	ctx.index.setFile(doc.path, doc.text, doc.version);
	const manifests = ctx.index.manifests(doc.path);
	const out: ManifestDiagnostic[] = [...ctx.index.fileDiagnostics(doc.path)];
	for (const m of manifests) {
		out.push(...lintManifest(m));
		if (m.kind !== 'Service' || !m.supported || ctx.index.winner(m) !== m) {
			continue;
		}
		const namespace = m.namespace ?? 'default';
		const p = ctx.index.predict(namespace, m.name);
		if (!p) {
			continue;
		}
		const live = liveNamespace(ctx, namespace);
		out.push(
			...serviceFindings(
				p,
				live ? { live: { context: live.context, podCount: podsForService(p.service, live.kept).length } } : {},
			),
		);
	}
	const byDoc = new Map<number, ParsedManifest>();
	for (const m of manifests) {
		if (!byDoc.has(m.docIndex)) {
			byDoc.set(m.docIndex, m);
		}
	}
	const seen = new Set<string>();
	const result: ManifestDiagnostic[] = [];
	for (const d of out) {
		const r = withRange(d, byDoc);
		const key = `${r.severity}|${r.code}|${r.message}|${JSON.stringify(r.range)}`;
		if (!seen.has(key)) {
			seen.add(key);
			result.push(r);
		}
	}
	return result;
}

// ---------------------------------------------------------------------------------------------------------------
// The full preview document

function withTypeMeta<T extends object>(apiVersion: string, kind: string, o: T): T {
	const { apiVersion: _a, kind: _k, ...rest } = o as T & { apiVersion?: string; kind?: string };
	return { apiVersion, kind, ...rest } as T;
}

/** "3 from Deployment web (web.yaml:12)", "2 live pods of context kind-dev". */
function podSources(ctx: PreviewContext, cp: ContextPrediction): string[] {
	const groups = new Map<string, { text: string; n: number }>();
	const add = (key: string, text: string) => {
		const g = groups.get(key);
		if (g) {
			g.n++;
		} else {
			groups.set(key, { text, n: 1 });
		}
	};
	for (const pod of cp.prediction?.selectedPods ?? []) {
		const origin: PodOrigin | undefined = cp.origin(pod.metadata?.name ?? '');
		if (origin?.kind === 'workload') {
			add(
				`w:${origin.workloadKind}/${origin.workloadName}`,
				`${origin.workloadKind} ${origin.workloadName} (${ctx.index.displayPath(origin.file)}:${origin.line + 1})`,
			);
		} else {
			add('live', `live pods of context ${origin?.kind === 'live' ? origin.context : ctx.live?.context ?? ''}`);
		}
	}
	return [...groups.values()].map((g) => `${g.n} from ${g.text}`);
}

function nodesText(ctx: PreviewContext, cp: ContextPrediction): string {
	if (cp.live) {
		return `the live Nodes of context ${cp.live.context} (and the workspace's for its own pods)`;
	}
	const nodes = ctx.index.nodes();
	if (ctx.index.syntheticNodes) {
		const zones = [...new Set(nodes.map((n) => n.metadata?.labels?.['topology.kubernetes.io/zone'] ?? ''))].filter(Boolean);
		return `${nodes.length} synthetic Nodes (zones ${zones.join(', ')}): the workspace defines none`;
	}
	return `the workspace's ${nodes.length} Node${nodes.length === 1 ? '' : 's'}`;
}

/**
 * The full preview of a Service as multi-document YAML: a `#` header (a prediction, where its pods come from, the
 * findings), then the predicted EndpointSlices and the v1 Endpoints. Undefined when the workspace has no such
 * Service.
 */
export function previewSlicesYaml(
	ctx: PreviewContext,
	target: { file?: string; namespace: string; name: string },
): string | undefined {
	const cp = predictInContext(ctx, target.namespace, target.name);
	if (!cp) {
		return undefined;
	}
	const m = cp.manifest;
	const header = [
		`# Endpoint Lens preview of Service ${target.namespace}/${target.name}: PREDICTED — NOT APPLIED.`,
		`# Defined in ${m.file}:${m.range.start.line + 1}${target.file && target.file !== m.file ? ` (the definition in ${target.file} is overridden by this later one)` : ''}.`,
	];
	const p = cp.prediction;
	if (!p) {
		header.push(
			'# The API server would reject this Service:',
			...cp.indexed.diagnostics.filter((d) => d.severity === 'error').map((d) => `#   ${d.message}`),
		);
		return `${header.join('\n')}\n`;
	}
	header.push(
		cp.live
			? `# What the control plane would create if the workspace manifests were applied to context ${cp.live.context}: ${cp.live.kept.length} live pod(s) of namespace ${target.namespace} stay, ${cp.live.replaced.length} live pod(s) of workspace workloads are replaced or scaled away.`
			: `# What the control plane would create if the workspace manifests were applied to an empty namespace${cp.liveNamespaceMissing !== undefined ? ` (namespace ${target.namespace} is not loaded from context ${cp.liveNamespaceMissing})` : ''}.`,
	);
	if (p.type === 'ExternalName') {
		header.push(`# ExternalName → CNAME ${p.service.spec?.externalName ?? ''}: no controller creates EndpointSlices or Endpoints.`);
	} else if (p.source === 'endpointslice-controller') {
		const sources = podSources(ctx, cp);
		header.push(
			`# Pods: ${p.selectedPods.length} selected${sources.length > 0 ? `: ${sources.join('; ')}` : ''}.`,
			`# Nodes: ${nodesText(ctx, cp)}.`,
			`# EndpointSlice controller with --max-endpoints-per-slice=${ctx.index.options.maxEndpointsPerSlice ?? 100}; the Endpoints controller beside it.`,
		);
	} else if (p.source === 'mirroring') {
		const ep = ctx.index.find('Endpoints', target.namespace, target.name);
		header.push(`# No selector: the mirroring controller copies the Endpoints object${ep ? ` of ${ep.file}:${ep.range.start.line + 1}` : ''} into these slices.`);
	} else {
		header.push('# No selector and no Endpoints object of that name: no controller creates endpoints.');
	}
	header.push('# Names, uids and IPs are deterministic stand-ins: the API server and the kubelet pick their own.');
	for (const d of p.diagnostics) {
		header.push(`# ${d.severity}: ${d.message.replace(/\s*\n\s*/g, ' ')}`);
	}
	const docs: object[] = p.endpointSlices.map((s) => withTypeMeta('discovery.k8s.io/v1', 'EndpointSlice', s));
	if (p.endpoints && p.source === 'endpointslice-controller') {
		docs.push(withTypeMeta('v1', 'Endpoints', p.endpoints));
	}
	const body = docs.map((d) => stringify(d, { lineWidth: 0 }).trimEnd()).join('\n---\n');
	return `${header.join('\n')}\n${body ? `---\n${body}\n` : ''}`;
}
