/**
 * Hovers on EndpointSlice and v1 Endpoints objects written in YAML: what their fields mean here — which controller
 * would own or rewrite the object, how kube-proxy reads its conditions, hints and ports — given the Service of that
 * name in the workspace.
 *
 * The YAML extension (redhat.vscode-yaml) already shows each field's schema description; these hovers add only the
 * contextual meaning, and say nothing (undefined) on fields where there is nothing beyond the schema.
 */
import { ipFamilyOf } from '../k8s/ip';
import type { Endpoint, EndpointPort, EndpointsPort, Service, ServicePort } from '../k8s/types';
import {
	annotationLeader,
	endpointSliceControllerName,
	endpointsControllerName,
	labelManagedBy,
	labelServiceName,
	labelSkipMirror,
	maxEndpointsPerSubsetDefault,
	mirroringControllerName,
} from '../k8s/types';
import type { ParsedManifest } from '../manifests/parse';
import { isPlainObject } from '../manifests/validate';
import { effectiveConditions, endpointState } from '../views/serviceSummary';
import { md, plural, previewLink, servicePortLabel, sourceLink } from './format';
import type { PreviewContext } from './types';

const labelPath = (key: string) => `metadata.labels[${JSON.stringify(key)}]`;

function labelsOf(m: ParsedManifest): Record<string, unknown> {
	const meta = m.object.metadata as Record<string, unknown> | undefined;
	return isPlainObject(meta?.['labels']) ? meta['labels'] : {};
}

function annotationsOf(m: ParsedManifest): Record<string, unknown> {
	const meta = m.object.metadata as Record<string, unknown> | undefined;
	return isPlainObject(meta?.['annotations']) ? meta['annotations'] : {};
}

interface ServiceRef {
	name: string;
	manifest: ParsedManifest | undefined;
	service: Service | undefined;
}

function serviceRef(ctx: PreviewContext, namespace: string, name: string): ServiceRef {
	const manifest = ctx.index.find('Service', namespace, name);
	return { name, manifest, service: manifest ? ctx.index.service(manifest).service : undefined };
}

function serviceText(ctx: PreviewContext, ref: ServiceRef): string {
	return ref.manifest
		? `Service ${md(ref.name)} (${sourceLink(ctx.index, ref.manifest.file, ref.manifest.range.start.line)})`
		: `Service ${md(ref.name)} (not in the workspace)`;
}

const hasSelector = (s: Service | undefined) => s?.spec?.selector != null;

/** Slice or Endpoints ports against the Service's, by name, as kube-proxy matches them. */
function portMatches(ctx: PreviewContext, ref: ServiceRef, ports: readonly (EndpointPort | EndpointsPort)[]): string {
	const svcPorts: readonly ServicePort[] = ref.service?.spec?.ports ?? [];
	if (!ref.service) {
		return `kube-proxy matches these ports to the ports of ${serviceText(ctx, ref)} by name.`;
	}
	const lines = ports.map((p) => {
		const sp = svcPorts.find((s) => (s.name ?? '') === (p.name ?? ''));
		const label = md(`${p.name ? `${p.name} ` : '(unnamed) '}${p.port ?? '*'}/${p.protocol ?? 'TCP'}`);
		if (!sp) {
			return `- ${label}: no Service port is named ${md(JSON.stringify(p.name ?? ''))}, so no traffic uses it`;
		}
		if ((sp.protocol ?? 'TCP') !== (p.protocol ?? 'TCP')) {
			return `- ${label}: Service port ${md(servicePortLabel(sp))} is ${md(sp.protocol ?? 'TCP')}, not ${md(p.protocol ?? 'TCP')}: no traffic uses it`;
		}
		return `- ${label} ← Service port ${md(servicePortLabel(sp))}: traffic to the Service's port ${sp.port} goes to ${p.port ?? '*'} here`;
	});
	const unmatched = svcPorts.filter((s) => !ports.some((p) => (p.name ?? '') === (s.name ?? '')));
	for (const s of unmatched) {
		lines.push(`- Service port ${md(servicePortLabel(s))} has no port here: these endpoints take no traffic for it`);
	}
	return [`Matched by name to the ports of ${serviceText(ctx, ref)} (all endpoints here share them):`, ...lines].join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// EndpointSlice

function sliceOwnership(ctx: PreviewContext, m: ParsedManifest): string {
	const labels = labelsOf(m);
	const managedBy = typeof labels[labelManagedBy] === 'string' ? (labels[labelManagedBy] as string) : undefined;
	const svcName = typeof labels[labelServiceName] === 'string' ? (labels[labelServiceName] as string) : undefined;
	const namespace = m.namespace ?? 'default';
	const ref = svcName ? serviceRef(ctx, namespace, svcName) : undefined;
	const out: string[] = [`**EndpointSlice ${md(namespace)}/${md(m.name)}** (written by hand)`];
	if (!ref) {
		out.push(
			'No `kubernetes.io/service-name` label: no Service uses these endpoints. kube-proxy and cluster DNS find a Service\'s slices by that label.',
		);
	}
	if (managedBy === endpointSliceControllerName) {
		if (ref && hasSelector(ref.service)) {
			out.push(
				`Labelled as managed by the EndpointSlice controller, and ${serviceText(ctx, ref)} has a selector: at its next sync the controller lists this slice, and since it is not owned by the Service (ownerReference with the Service's uid) it is deleted and replaced by the controller's own. Hand edits do not last.`,
			);
		} else {
			out.push(
				`Labelled as managed by the EndpointSlice controller, but ${ref ? `${serviceText(ctx, ref)} has no selector` : 'no Service is named'}: the controller does not sync it, so the slice stays as written.`,
			);
		}
	} else if (managedBy === mirroringControllerName) {
		const ep = ref ? ctx.index.find('Endpoints', namespace, ref.name) : undefined;
		out.push(
			ep && ref?.service && !hasSelector(ref.service)
				? `Labelled as managed by the mirroring controller: it keeps its slices equal to the Endpoints object (${sourceLink(ctx.index, ep.file, ep.range.start.line)}) and rewrites or deletes this one.`
				: 'Labelled as managed by the mirroring controller, but it mirrors nothing here (it needs an Endpoints object and a Service of that name without selector): it deletes slices it manages and no longer wants.',
		);
	} else {
		out.push(
			`${managedBy ? `Managed by ${md(managedBy)}, not a control-plane controller` : 'No managed-by label'}: no control-plane controller touches this slice; it stays as written.`,
		);
	}
	if (ref && managedBy !== endpointSliceControllerName && managedBy !== mirroringControllerName) {
		out.push(
			`kube-proxy reads every EndpointSlice labelled kubernetes\\.io/service\\-name=${md(ref.name)}, whoever manages it: these endpoints take traffic for ${serviceText(ctx, ref)}${hasSelector(ref.service) ? ', alongside the slices the EndpointSlice controller creates from its selector' : ''}.`,
		);
	}
	return out.join('\n\n');
}

function serviceNameLabelHover(ctx: PreviewContext, m: ParsedManifest): string | undefined {
	const name = labelsOf(m)[labelServiceName];
	if (typeof name !== 'string') {
		return undefined;
	}
	const ref = serviceRef(ctx, m.namespace ?? 'default', name);
	if (!ref.manifest) {
		return `Links this slice to Service ${md(name)}, which is not in the workspace: until it exists (in namespace ${md(m.namespace ?? 'default')}), no Service uses these endpoints.`;
	}
	return `Links this slice to ${serviceText(ctx, ref)}: kube-proxy and cluster DNS add its endpoints to that Service's.${ref.service?.spec?.type === 'ExternalName' ? ' It is an ExternalName Service, though: DNS answers with a CNAME and kube-proxy ignores its endpoints.' : ''}`;
}

function managedByLabelHover(ctx: PreviewContext, m: ParsedManifest): string | undefined {
	return sliceOwnership(ctx, m).split('\n\n').slice(1).join('\n\n') || undefined;
}

function addressTypeHover(ctx: PreviewContext, m: ParsedManifest): string | undefined {
	const type = m.object['addressType'];
	if (typeof type !== 'string') {
		return undefined;
	}
	if (type === 'FQDN') {
		return 'FQDN slices are deprecated: no controller creates them and kube-proxy ignores them.';
	}
	const endpoints = Array.isArray(m.object['endpoints']) ? (m.object['endpoints'] as Endpoint[]) : [];
	const wrong = endpoints
		.flatMap((e) => (Array.isArray(e?.addresses) ? e.addresses : []))
		.filter((a) => typeof a === 'string' && ipFamilyOf(a) !== type);
	const out: string[] = [];
	if (wrong.length > 0) {
		out.push(`${plural(wrong.length, 'address', 'addresses')} here ${wrong.length === 1 ? 'is' : 'are'} not ${md(type)} (${md(wrong.slice(0, 3).join(', '))}): the API server rejects the slice.`);
	}
	const name = labelsOf(m)[labelServiceName];
	if (typeof name === 'string') {
		const ref = serviceRef(ctx, m.namespace ?? 'default', name);
		const families = ref.service?.spec?.ipFamilies;
		if (families && !families.includes(type as 'IPv4' | 'IPv6')) {
			out.push(
				`${serviceText(ctx, ref)} has ipFamilies ${md(families.join(', '))}: kube-proxy programs only those families, so this ${md(type)} slice carries no traffic.`,
			);
		} else if (families) {
			out.push(`kube-proxy uses these endpoints for the ${md(type)} cluster IP of ${serviceText(ctx, ref)}.`);
		}
	}
	return out.length > 0 ? out.join('\n\n') : undefined;
}

function conditionsHover(m: ParsedManifest, i: number): string | undefined {
	const endpoints = Array.isArray(m.object['endpoints']) ? (m.object['endpoints'] as Endpoint[]) : [];
	const e = endpoints[i];
	if (!isPlainObject(e)) {
		return undefined;
	}
	const raw = isPlainObject(e.conditions) ? (e.conditions as Record<string, unknown>) : {};
	const c = effectiveConditions(e);
	const show = (k: string) => (typeof raw[k] === 'boolean' ? String(raw[k]) : 'unset');
	const out: string[] = [`**Endpoint ${md((e.addresses ?? []).join(', '))}**: ready ${show('ready')}, serving ${show('serving')}, terminating ${show('terminating')}`];
	switch (endpointState(c)) {
		case 'ready':
			out.push('Ready: kube-proxy sends new connections here.');
			break;
		case 'terminatingServing':
			out.push(
				'Terminating but still serving: kube-proxy uses it only when no ready endpoint exists (graceful termination), so connections are not dropped while the last pods shut down.',
			);
			break;
		case 'terminating':
			out.push('Terminating and no longer serving: no new traffic goes here.');
			break;
		case 'notReady':
			out.push('Not ready: no traffic goes here (the EndpointSlice controller would write ready=true only for a Service with publishNotReadyAddresses).');
			break;
	}
	const notes: string[] = [];
	if (raw['ready'] === undefined) {
		notes.push('ready is unset, which consumers read as true');
	}
	if (raw['serving'] === undefined) {
		notes.push(`serving is unset, so it follows ready (${c.serving})`);
	}
	if (c.ready && c.terminating) {
		notes.push('the EndpointSlice controller writes ready=true on a terminating endpoint only when the Service publishes not-ready addresses');
	}
	if (c.ready && raw['serving'] === false) {
		notes.push('ready=true with serving=false never comes from the controllers: ready implies serving');
	}
	if (notes.length > 0) {
		out.push(`Note: ${notes.join('; ')}.`);
	}
	const managedBy = labelsOf(m)[labelManagedBy];
	if (managedBy === endpointSliceControllerName) {
		out.push('The EndpointSlice controller recomputes these from the pod (Ready condition, deletionTimestamp) at every sync.');
	}
	return out.join('\n\n');
}

function hintsHover(m: ParsedManifest, i: number): string | undefined {
	const endpoints = Array.isArray(m.object['endpoints']) ? (m.object['endpoints'] as Endpoint[]) : [];
	const hints = endpoints[i]?.hints;
	if (!isPlainObject(hints)) {
		return undefined;
	}
	const names = (list: unknown): string[] =>
		(Array.isArray(list) ? list : [])
			.map((x: unknown) => (isPlainObject(x) ? x['name'] : undefined))
			.filter((x): x is string => typeof x === 'string');
	const zones = names(hints['forZones']);
	const nodes = names(hints['forNodes']);
	const out: string[] = [];
	if (zones.length > 0) {
		out.push(`kube-proxy in zone${zones.length === 1 ? '' : 's'} ${md(zones.join(', '))} prefers this endpoint (topology-aware routing).`);
	}
	if (nodes.length > 0) {
		out.push(`kube-proxy on node${nodes.length === 1 ? '' : 's'} ${md(nodes.join(', '))} prefers it (trafficDistribution: PreferSameNode, Kubernetes 1.33+).`);
	}
	out.push('kube-proxy ignores hints for the whole Service as soon as one ready endpoint has none.');
	if (labelsOf(m)[labelManagedBy] === endpointSliceControllerName) {
		out.push('The EndpointSlice controller rewrites hints from the Service\'s trafficDistribution or topology-mode annotation at every sync, and removes them when neither asks for them.');
	}
	return out.join('\n\n');
}

/** The hover of an EndpointSlice manifest at a path, or undefined where the schema says it all. */
export function endpointSliceHover(ctx: PreviewContext, m: ParsedManifest, path: string): string | undefined {
	if (path === 'kind' || path === 'metadata.name') {
		return sliceOwnership(ctx, m);
	}
	if (path.startsWith(labelPath(labelServiceName))) {
		return serviceNameLabelHover(ctx, m);
	}
	if (path.startsWith(labelPath(labelManagedBy))) {
		return managedByLabelHover(ctx, m);
	}
	if (path === 'addressType') {
		return addressTypeHover(ctx, m);
	}
	let match = /^endpoints\[(\d+)\]\.conditions(\.|$)/.exec(path);
	if (match) {
		return conditionsHover(m, Number(match[1]));
	}
	match = /^endpoints\[(\d+)\]\.hints(\.|\[|$)/.exec(path);
	if (match) {
		return hintsHover(m, Number(match[1]));
	}
	if (path === 'ports' || path.startsWith('ports[')) {
		const name = labelsOf(m)[labelServiceName];
		const ports = Array.isArray(m.object['ports']) ? (m.object['ports'] as EndpointPort[]).filter(isPlainObject) : [];
		if (typeof name !== 'string') {
			return 'No `kubernetes.io/service-name` label: no Service uses these ports.';
		}
		return portMatches(ctx, serviceRef(ctx, m.namespace ?? 'default', name), ports);
	}
	return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Endpoints (v1)

interface MirrorState {
	ref: ServiceRef;
	/** Whether the mirroring controller would mirror the object. */
	mirrored: boolean;
	/** Why it is not, or who owns it instead. */
	why: string;
}

function mirrorState(ctx: PreviewContext, m: ParsedManifest): MirrorState {
	const namespace = m.namespace ?? 'default';
	const ref = serviceRef(ctx, namespace, m.name);
	if (labelsOf(m)[labelSkipMirror] === 'true') {
		return { ref, mirrored: false, why: 'Labelled `endpointslice.kubernetes.io/skip-mirror: "true"`: never mirrored into EndpointSlices, so kube-proxy (which reads only slices) ignores it.' };
	}
	if (annotationsOf(m)[annotationLeader] !== undefined) {
		return { ref, mirrored: false, why: 'Carries the leader-election annotation: a lock, not endpoints; never mirrored.' };
	}
	if (!ref.manifest) {
		return {
			ref,
			mirrored: false,
			why: `No Service named ${md(m.name)} in the workspace: nothing reads this object, and the mirroring controller waits for a Service of that name without selector.`,
		};
	}
	if (hasSelector(ref.service)) {
		return {
			ref,
			mirrored: false,
			why: `${serviceText(ctx, ref)} has a selector: the Endpoints controller owns the Endpoints object of that name and overwrites this one from the selected pods at its next sync; it is not mirrored.`,
		};
	}
	return {
		ref,
		mirrored: true,
		why: `${serviceText(ctx, ref)} has no selector: the mirroring controller copies this object into EndpointSlices (managed-by ${md(mirroringControllerName)}, owned by this Endpoints object); kube-proxy reads those slices.`,
	};
}

function endpointsOwnership(ctx: PreviewContext, m: ParsedManifest): string {
	const s = mirrorState(ctx, m);
	const out = [`**Endpoints ${md(m.namespace ?? 'default')}/${md(m.name)}** (v1, deprecated since Kubernetes 1.33)`, s.why];
	if (s.mirrored) {
		const p = ctx.index.predict(m.namespace ?? 'default', m.name);
		if (p && p.source === 'mirroring') {
			const n = p.endpointSlices.reduce((sum, sl) => sum + (sl.endpoints?.length ?? 0), 0);
			out.push(
				`Mirrored: ${plural(p.endpointSlices.length, 'slice')} (one per address type and port set) with ${plural(n, 'endpoint')} — ${previewLink('preview them', { file: s.ref.manifest!.file, namespace: p.namespace, name: p.name })}`,
			);
		}
	}
	return out.join('\n\n');
}

function addressesHover(ctx: PreviewContext, m: ParsedManifest, subset: number, notReady: boolean): string | undefined {
	const s = mirrorState(ctx, m);
	if (!s.mirrored) {
		return s.why;
	}
	const subsets = Array.isArray(m.object['subsets']) ? (m.object['subsets'] as Record<string, unknown>[]) : [];
	const sub = subsets[subset];
	const count = (k: string) => (isPlainObject(sub) && Array.isArray(sub[k]) ? (sub[k] as unknown[]).length : 0);
	const total = count('addresses') + count('notReadyAddresses');
	const out = [
		notReady
			? 'Mirrored as endpoints with `ready: false` (serving and terminating unset): kube-proxy sends them no traffic.'
			: 'Mirrored as endpoints with `ready: true` (serving and terminating unset): kube-proxy sends them traffic.',
		'hostname, nodeName and targetRef are copied; mirrored endpoints have no zone, so topology hints never apply.',
	];
	if (total > maxEndpointsPerSubsetDefault) {
		out.push(
			`This subset has ${total} addresses: only the first ${maxEndpointsPerSubsetDefault} (addresses first, then notReadyAddresses) are mirrored, with a TooManyAddressesToMirror warning event.`,
		);
	}
	return out.join('\n\n');
}

/** The hover of a v1 Endpoints manifest at a path, or undefined where the schema says it all. */
export function endpointsHover(ctx: PreviewContext, m: ParsedManifest, path: string): string | undefined {
	if (path === 'kind' || path === 'metadata.name') {
		return endpointsOwnership(ctx, m);
	}
	if (path.startsWith(labelPath(labelSkipMirror))) {
		const v = labelsOf(m)[labelSkipMirror];
		return v === 'true'
			? mirrorState(ctx, m).why
			: `Only the value "true" stops mirroring: ${md(JSON.stringify(v))} does not.`;
	}
	if (path.startsWith(labelPath('endpoints.kubernetes.io/managed-by'))) {
		const v = labelsOf(m)['endpoints.kubernetes.io/managed-by'];
		return v === endpointsControllerName
			? 'The Endpoints controller sets this label (Kubernetes 1.33+) on the Endpoints it generates from a Service\'s selector. On a hand-written object it only misleads readers; the controller decides ownership from the Service, not from this label.'
			: undefined;
	}
	if (path.startsWith('metadata.annotations["endpoints.kubernetes.io/over-capacity"]')) {
		return 'Set by the Endpoints controller when it truncated the object to 1000 addresses; the EndpointSlices carry every endpoint.';
	}
	let match = /^subsets\[(\d+)\]\.(addresses|notReadyAddresses)(\[|\.|$)/.exec(path);
	if (match) {
		return addressesHover(ctx, m, Number(match[1]), match[2] === 'notReadyAddresses');
	}
	match = /^subsets\[(\d+)\]\.ports(\[|\.|$)/.exec(path);
	if (match) {
		const subsets = Array.isArray(m.object['subsets']) ? (m.object['subsets'] as Record<string, unknown>[]) : [];
		const sub = subsets[Number(match[1])];
		const ports = isPlainObject(sub) && Array.isArray(sub['ports']) ? (sub['ports'] as EndpointsPort[]).filter(isPlainObject) : [];
		return portMatches(ctx, serviceRef(ctx, m.namespace ?? 'default', m.name), ports);
	}
	return undefined;
}
