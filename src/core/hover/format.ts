/**
 * Markdown pieces the preview hovers share: source links, command links, ports and endpoint lines. Every name that
 * comes from a manifest or a cluster goes through `md()` (the tree's escape), so a label like `a_b*` is never markup.
 */
import type { Endpoint, EndpointPort, Pod, ServicePort } from '../k8s/types';
import type { WorkspaceIndex } from '../manifests/workspaceIndex';
import { effectiveConditions, endpointState, endpointStateText } from '../views/serviceSummary';
import { md } from '../views/servicesTree';
import type { PodOrigin } from './types';

export { md };

/** The banner every prediction carries. */
export const predictedBanner = '_Predicted — not applied_';

/** The command id the full-preview links run (the extension registers it). */
export const previewSlicesCommand = 'endpointLens.previewSlices';

export function plural(n: number, one: string, many = `${one}s`): string {
	return `${n} ${n === 1 ? one : many}`;
}

/** A URI for a path as the index knows it: a file system path, or already a URI (`untitled:Untitled-1`). */
export function uriOf(path: string): string {
	let uri: string;
	if (path.startsWith('/')) {
		uri = `file://${encodeURI(path)}`;
	} else if (/^[A-Za-z]:[\\/]/.test(path)) {
		uri = `file:///${encodeURI(path.replace(/\\/g, '/'))}`;
	} else if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(path)) {
		uri = path;
	} else {
		uri = encodeURI(path);
	}
	// Parentheses would end the markdown link target.
	return uri.replace(/\(/g, '%28').replace(/\)/g, '%29');
}

/** `[web.yaml:12](file:///…/web.yaml#L12)`: a link that opens the file at a 0-based line. */
export function sourceLink(index: WorkspaceIndex, file: string, line: number): string {
	return `[${md(`${index.displayPath(file)}:${line + 1}`)}](${uriOf(file)}#L${line + 1})`;
}

/** A markdown link that runs a command with JSON arguments (the extension trusts the commands it lists). */
export function commandLink(label: string, command: string, args: readonly unknown[]): string {
	// encodeURIComponent leaves parentheses alone; in a markdown link target they would end it.
	const query = encodeURIComponent(JSON.stringify(args)).replace(/\(/g, '%28').replace(/\)/g, '%29');
	return `[${label}](command:${command}?${query})`;
}

/** The link to the full preview document of a Service. */
export function previewLink(label: string, target: { file?: string; namespace: string; name: string }): string {
	return commandLink(label, previewSlicesCommand, [target]);
}

/** "Deployment web, replica 2/3 (web.yaml:12)" or "live pod web-7d9f-abcde (context kind-dev)", as markdown. */
export function originText(index: WorkspaceIndex, origin: PodOrigin | undefined, pod?: Pod): string {
	if (!origin) {
		return pod?.metadata?.name ? `pod ${md(pod.metadata.name)}` : '';
	}
	if (origin.kind === 'live') {
		return `live pod ${md(origin.podName)} (context ${md(origin.context)})`;
	}
	const replica = origin.workloadKind === 'Pod' ? '' : `, replica ${origin.replica}/${origin.replicas}`;
	return `${md(origin.workloadKind)} ${md(origin.workloadName)}${replica} (${sourceLink(index, origin.file, origin.line)})`;
}

/** The state of an endpoint in words: ready, not ready, terminating, terminating (still serving). */
export function endpointStateLabel(e: Endpoint): string {
	return endpointStateText[endpointState(effectiveConditions(e))].label;
}

/** Whether a slice endpoint counts as ready (nil = ready). */
export function isEndpointReady(e: Endpoint): boolean {
	return effectiveConditions(e).ready;
}

/** `http 80` or `80`, the way people name a Service port. */
export function servicePortLabel(port: ServicePort): string {
	return `${port.name ? `${port.name} ` : ''}${port.port}`;
}

/**
 * One slice port against the Service's ports: `http 80 → http → 8080/TCP` for a named targetPort, `80 → 8080/TCP`
 * for a numeric one, `8080/TCP` when no Service port has its name (hand-written or mirrored ports).
 */
export function slicePortText(servicePorts: readonly ServicePort[], sp: EndpointPort): string {
	const svcPort = servicePorts.find((p) => (p.name ?? '') === (sp.name ?? ''));
	const resolved = `${sp.port ?? '*'}/${sp.protocol ?? 'TCP'}`;
	if (!svcPort) {
		return md(`${sp.name ? `${sp.name} ` : ''}${resolved}`);
	}
	const named = typeof svcPort.targetPort === 'string' ? `${svcPort.targetPort} → ` : '';
	return md(`${servicePortLabel(svcPort)} → ${named}${resolved}`);
}

/** The Service ports a slice's port list lacks (named targetPorts that did not resolve for its pods). */
export function missingPorts(servicePorts: readonly ServicePort[], ports: readonly EndpointPort[]): ServicePort[] {
	return servicePorts.filter((p) => !ports.some((sp) => (sp.name ?? '') === (p.name ?? '')));
}
