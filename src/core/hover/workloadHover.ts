/**
 * Hovers on a workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob) or a bare Pod: which Services
 * select its pods (in the workspace, and live ones when connected), which slice each pod would land in, and how each
 * Service's targetPorts resolve against its template.
 */
import { shouldPodBeInEndpoints } from '../controllers/podUtil';
import { serviceSelects } from '../k8s/selector';
import type { Pod, PodTemplateSpec, Service } from '../k8s/types';
import type { ParsedManifest } from '../manifests/parse';
import type { WorkloadModel } from '../manifests/workspace';
import type { LiveNamespace } from './context';
import { liveNamespace, predictObject } from './context';
import { md, plural, predictedBanner, servicePortLabel, slicePortText, sourceLink } from './format';
import { resolveTargetPort, resolutionText } from './ports';
import { selectorText } from './serviceHover';
import type { PreviewContext } from './types';

/** The JSON path of the pod template in a manifest of this kind ('' for a bare Pod). */
export function templatePath(kind: string): string | undefined {
	switch (kind) {
		case 'Deployment':
		case 'ReplicaSet':
		case 'StatefulSet':
		case 'DaemonSet':
		case 'Job':
			return 'spec.template';
		case 'CronJob':
			return 'spec.jobTemplate.spec.template';
		case 'Pod':
			return '';
		default:
			return undefined;
	}
}

function templateOf(w: WorkloadModel): PodTemplateSpec {
	const o = w.object as { metadata?: PodTemplateSpec['metadata']; spec?: Record<string, unknown> };
	switch (w.kind) {
		case 'Pod':
			return { metadata: o.metadata ?? {}, spec: o.spec as PodTemplateSpec['spec'] };
		case 'CronJob': {
			const jt = o.spec?.['jobTemplate'] as { spec?: { template?: PodTemplateSpec } } | undefined;
			return jt?.spec?.template ?? {};
		}
		default:
			return (o.spec?.['template'] as PodTemplateSpec | undefined) ?? {};
	}
}

/** A pod standing for the workload's template: its first pod, or one built from the template when it runs none. */
function samplePod(w: WorkloadModel): Pod {
	if (w.pods[0]) {
		return w.pods[0];
	}
	const t = templateOf(w);
	return {
		apiVersion: 'v1',
		kind: 'Pod',
		metadata: { namespace: w.namespace ?? 'default', labels: { ...(t.metadata?.labels ?? {}) } },
		...(t.spec ? { spec: t.spec } : {}),
	};
}

interface Selecting {
	service: Service;
	manifest: ParsedManifest | undefined;
}

/** Workspace Services (and live ones when connected) whose selector picks the workload's pods. */
function selectingServices(ctx: PreviewContext, w: WorkloadModel, live: LiveNamespace | undefined): Selecting[] {
	const namespace = w.namespace ?? 'default';
	const probes = w.pods.length > 0 ? w.pods : [samplePod(w)];
	const selects = (s: Service) =>
		s.spec?.type !== 'ExternalName' && s.spec?.selector != null && probes.some((p) => serviceSelects(s, p));
	const out: Selecting[] = [];
	const names = new Set<string>();
	for (const indexed of ctx.index.serviceObjects(namespace)) {
		names.add(indexed.manifest.name);
		if (selects(indexed.service!)) {
			out.push({ service: indexed.service!, manifest: indexed.manifest });
		}
	}
	if (live && ctx.live) {
		for (const s of ctx.live.services(namespace)) {
			if (!names.has(s.metadata?.name ?? '') && selects(s)) {
				out.push({ service: s, manifest: undefined });
			}
		}
	}
	return out;
}

/** Which slices of the Service the workload's pods land in: `IPv4 slice web-abcde (http 80 → 8080/TCP): 3 pods`. */
function landing(ctx: PreviewContext, w: WorkloadModel, s: Selecting, live: LiveNamespace | undefined): string[] {
	const p = predictObject(ctx, s.service, s.manifest, live);
	const names = new Set(w.pods.map((pod) => pod.metadata?.name ?? ''));
	const out: string[] = [];
	let placed = 0;
	for (const slice of p.endpointSlices) {
		const n = (slice.endpoints ?? []).filter((e) => names.has(e.targetRef?.name ?? '')).length;
		if (n === 0) {
			continue;
		}
		placed += n;
		const ports = (slice.ports ?? []).map((sp) => slicePortText(s.service.spec?.ports ?? [], sp)).join(', ') || 'no ports';
		out.push(`${md(slice.addressType)} slice ${md(slice.metadata?.name ?? '')} (${ports}): ${plural(n, 'pod')}`);
	}
	const outside = w.pods.filter((pod) => !shouldPodBeInEndpoints(pod, true)).length;
	if (outside > 0) {
		out.push(`${plural(outside, 'pod')} in no slice (no IP yet, or finished)`);
	}
	if (placed === 0 && outside === 0 && w.pods.length > 0) {
		out.push('in no slice');
	}
	return out;
}

/** Which Service ports target one container port of the template. */
function containerPortTargets(
	ctx: PreviewContext,
	selecting: readonly Selecting[],
	cp: { name?: string; containerPort: number; protocol?: string },
): string {
	const protocol = cp.protocol ?? 'TCP';
	const hits: string[] = [];
	for (const s of selecting) {
		for (const port of s.service.spec?.ports ?? []) {
			if ((port.protocol ?? 'TCP') !== protocol) {
				continue;
			}
			const t = port.targetPort;
			if ((typeof t === 'string' && t === cp.name) || (typeof t !== 'string' && (t ?? port.port) === cp.containerPort)) {
				const where = s.manifest ? sourceLink(ctx.index, s.manifest.file, s.manifest.range.start.line) : 'live';
				hits.push(`Service ${md(s.service.metadata?.name ?? '')} port ${md(servicePortLabel(port))} (${where})`);
			}
		}
	}
	const label = md(`${cp.name ? `${cp.name} ` : ''}${cp.containerPort}/${protocol}`);
	return hits.length > 0
		? `This container port (${label}) is the target of ${hits.join(', ')}.`
		: `No selecting Service targets this container port (${label}).`;
}

/** The focus of a workload hover: a specific container port, when the cursor is on one. */
export interface WorkloadFocus {
	containerPort?: { name?: string; containerPort: number; protocol?: string };
}

/** The hover of a workload or bare Pod manifest. */
export function workloadHover(ctx: PreviewContext, hovered: ParsedManifest, focus: WorkloadFocus = {}): string | undefined {
	const winner = ctx.index.winner(hovered) ?? hovered;
	const w = ctx.index.workload(winner);
	if (!w) {
		return undefined;
	}
	const namespace = w.namespace ?? 'default';
	const live = liveNamespace(ctx, namespace);
	const ready = w.pods.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
	const blocks: string[] = [
		`**${md(w.kind)} ${md(w.name)}** · ${plural(w.pods.length, 'pod')} (${ready} ready) · ${predictedBanner}`,
	];
	if (winner !== hovered) {
		blocks.push(
			`⚠ Overridden by ${sourceLink(ctx.index, winner.file, winner.range.start.line)}: the later definition wins; shown for that one.`,
		);
	}
	const sample = samplePod(w);
	const templateLabels = templateOf(w).metadata?.labels ?? {};
	const added = Object.keys(sample.metadata?.labels ?? {}).filter((k) => !(k in templateLabels));
	blocks.push(
		(Object.keys(templateLabels).length > 0
			? `Pod labels: ${md(selectorText(templateLabels))}`
			: 'Pod labels: none in the template') +
			(added.length > 0 ? ` (and ${md(added.join(', '))}, set by the controller on each pod)` : ''),
	);
	if (ctx.live && !live) {
		blocks.push(`Live: namespace ${md(namespace)} not loaded from context ${md(ctx.live.context)}; live Services are not shown.`);
	}
	const selecting = selectingServices(ctx, w, live);
	if (selecting.length === 0) {
		blocks.push(
			`No Service ${live ? `in the workspace or in namespace ${md(namespace)} of context ${md(live.context)}` : 'in the workspace'} selects these pods.`,
		);
	} else {
		const max = ctx.maxHoverEndpoints ?? 10;
		const lines = selecting.slice(0, max).map((s) => {
			const name = md(s.service.metadata?.name ?? '');
			const where = s.manifest
				? `Service ${name} (${sourceLink(ctx.index, s.manifest.file, s.manifest.range.start.line)})`
				: `live Service ${name} (context ${md(live?.context ?? '')})`;
			const parts = [`- ${where}: ${landing(ctx, w, s, live).join('; ') || 'in no slice'}`];
			for (const port of s.service.spec?.ports ?? []) {
				if (typeof port.targetPort === 'string') {
					parts.push(
						`  targetPort ${md(port.targetPort)} (port ${md(servicePortLabel(port))}) ${resolutionText(resolveTargetPort(sample, port), port)}`,
					);
				}
			}
			return parts.join('  \n');
		});
		if (selecting.length > max) {
			lines.push(`- and ${selecting.length - max} more Services`);
		}
		blocks.push(`Selected by ${plural(selecting.length, 'Service')}:\n\n${lines.join('\n')}`);
	}
	if (focus.containerPort) {
		blocks.push(containerPortTargets(ctx, selecting, focus.containerPort));
	}
	return blocks.join('\n\n');
}
