/**
 * `endpoint-lens preview`: the EndpointSlices and Endpoints the control plane would create for the Services in some
 * manifest files, as a `kubectl get endpointslices`-like table, YAML, or JSON. Pure: the CLI passes file texts in.
 */
import { stringify } from 'yaml';
import type { PredictionDiagnostic, ServicePrediction } from '../core/analysis/predict';
import { predictWorkspace } from '../core/analysis/predict';
import type { EndpointSlice, Endpoints } from '../core/k8s/types';
import type { WorkspaceFile } from '../core/manifests/workspace';
import { buildWorkspaceModel } from '../core/manifests/workspace';

export type PreviewFormat = 'table' | 'yaml' | 'json';

export interface PreviewDiagnostic {
	severity: 'error' | 'warning' | 'info';
	message: string;
	file: string | null;
	line: number | null;
}

export interface ServicePreview {
	namespace: string;
	name: string;
	type: string;
	headless: boolean;
	endpointSlices: EndpointSlice[];
	endpoints: Endpoints | null;
	diagnostics: PreviewDiagnostic[];
}

export interface PreviewResult {
	services: ServicePreview[];
	/** Problems in the files themselves (YAML, kinds, fields), with file and line. */
	diagnostics: PreviewDiagnostic[];
}

function withTypeMeta<T extends object>(apiVersion: string, kind: string, o: T): T {
	const { apiVersion: _a, kind: _k, ...rest } = o as T & { apiVersion?: string; kind?: string };
	return { apiVersion, kind, ...rest } as T;
}

function toPreviewDiagnostic(d: PredictionDiagnostic): PreviewDiagnostic {
	return { severity: d.severity, message: d.message, file: d.file ?? null, line: d.line ?? null };
}

function toServicePreview(p: ServicePrediction): ServicePreview {
	return {
		namespace: p.namespace,
		name: p.name,
		type: p.type,
		headless: p.headless,
		endpointSlices: p.endpointSlices.map((s) => withTypeMeta('discovery.k8s.io/v1', 'EndpointSlice', s)),
		endpoints: p.endpoints ? withTypeMeta('v1', 'Endpoints', p.endpoints) : null,
		diagnostics: p.diagnostics.map(toPreviewDiagnostic),
	};
}

/** Builds the preview of some manifest files. Never throws on bad input: problems become diagnostics. */
export function previewFiles(files: readonly WorkspaceFile[], options: { maxEndpointsPerSlice?: number } = {}): PreviewResult {
	const model = buildWorkspaceModel(files);
	const predictions = predictWorkspace(model, options);
	return {
		services: predictions.map(toServicePreview),
		diagnostics: model.diagnostics.map((d) => ({ severity: d.severity, message: d.message, file: d.file, line: d.line })),
	};
}

/** kubectl's `listWithMoreString`: at most 3 items, then "+ N more...", or `<unset>`. */
function listWithMore(items: string[], max = 3): string {
	if (items.length === 0) {
		return '<unset>';
	}
	const shown = items.slice(0, max).join(',');
	return items.length > max ? `${shown} + ${items.length - max} more...` : shown;
}

/** kubectl's PORTS column for an EndpointSlice. */
export function formatSlicePorts(slice: EndpointSlice): string {
	return listWithMore((slice.ports ?? []).map((p) => (p.port !== undefined ? String(p.port) : (p.name ?? '*'))));
}

/** kubectl's ENDPOINTS column for an EndpointSlice. */
export function formatSliceEndpoints(slice: EndpointSlice): string {
	return listWithMore((slice.endpoints ?? []).flatMap((e) => e.addresses));
}

/** kubectl's ENDPOINTS column for v1 Endpoints: ip:port pairs (ready addresses only). */
export function formatEndpoints(ep: Endpoints): string {
	const pairs: string[] = [];
	for (const subset of ep.subsets ?? []) {
		for (const a of subset.addresses ?? []) {
			if ((subset.ports ?? []).length === 0) {
				pairs.push(a.ip);
			}
			for (const port of subset.ports ?? []) {
				pairs.push(a.ip.includes(':') ? `[${a.ip}]:${port.port}` : `${a.ip}:${port.port}`);
			}
		}
	}
	return listWithMore(pairs);
}

function table(rows: string[][]): string {
	const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
	return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]! + 3))).join('').trimEnd()).join('\n');
}

function diagnosticLine(d: PreviewDiagnostic): string {
	const where = d.file ? `${d.file}${d.line ? `:${d.line}` : ''}: ` : '';
	return `${where}${d.severity}: ${d.message}`;
}

function readyCount(slices: readonly EndpointSlice[]): { ready: number; total: number } {
	let ready = 0;
	let total = 0;
	for (const s of slices) {
		for (const e of s.endpoints ?? []) {
			total++;
			if (e.conditions?.ready !== false) {
				ready++;
			}
		}
	}
	return { ready, total };
}

function formatTable(result: PreviewResult): string {
	const out: string[] = [];
	for (const d of result.diagnostics) {
		out.push(diagnosticLine(d));
	}
	if (result.diagnostics.length > 0) {
		out.push('');
	}
	if (result.services.length === 0) {
		out.push('No Services found in these files.');
	}
	for (const s of result.services) {
		const { ready, total } = readyCount(s.endpointSlices);
		const kind = s.type === 'ExternalName' ? 'ExternalName' : s.headless ? `${s.type}, headless` : s.type;
		const summary =
			s.type === 'ExternalName'
				? 'no endpoints'
				: `${ready}/${total} endpoints ready · ${s.endpointSlices.length} slice${s.endpointSlices.length === 1 ? '' : 's'}`;
		out.push(`Service ${s.namespace}/${s.name} (${kind}) — ${summary}`);
		if (s.endpointSlices.length > 0) {
			const rows = [['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS']];
			for (const slice of s.endpointSlices) {
				rows.push([slice.metadata?.name ?? '', slice.addressType, formatSlicePorts(slice), formatSliceEndpoints(slice)]);
			}
			out.push(table(rows).replace(/^/gm, '  '));
		}
		if (s.endpoints) {
			out.push(`  v1 Endpoints ${s.endpoints.metadata?.name ?? s.name}: ${formatEndpoints(s.endpoints)}`);
		}
		for (const d of s.diagnostics) {
			out.push(`  ${diagnosticLine(d)}`);
		}
		out.push('');
	}
	return `${out.join('\n').trimEnd()}\n`;
}

/** Renders a preview in one of the output formats. */
export function formatPreview(result: PreviewResult, format: PreviewFormat): string {
	switch (format) {
		case 'json':
			return `${JSON.stringify(result, null, 2)}\n`;
		case 'yaml': {
			const docs = result.services.flatMap((s) => [...s.endpointSlices, ...(s.endpoints ? [s.endpoints] : [])]);
			const comments = [...result.diagnostics, ...result.services.flatMap((s) => s.diagnostics)].map(
				(d) => `# ${diagnosticLine(d)}`,
			);
			const body = docs.map((d) => stringify(d, { lineWidth: 0 }).trimEnd()).join('\n---\n');
			return `${comments.length ? `${comments.join('\n')}\n` : ''}${body}\n`;
		}
		case 'table':
			return formatTable(result);
	}
}
