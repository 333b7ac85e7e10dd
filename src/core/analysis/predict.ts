/**
 * Predictions for a workspace: for every Service in the files, the EndpointSlices and the v1 Endpoints that the
 * control plane would create if the files were applied to an empty namespace, and what is likely wrong.
 *
 * The three controllers run exactly as they would on a first sync: the EndpointSlice controller for Services with a
 * selector, the Endpoints controller beside it, and the mirroring controller for selector-less Services that come
 * with an Endpoints object. The CLI's `preview`, hovers and CodeLens all read these predictions.
 */
import { EndpointSliceController } from '../controllers/endpointslice/controller';
import { syncEndpoints } from '../controllers/endpoints/endpointsController';
import { syncMirroring } from '../controllers/mirroring/mirroringController';
import { findPort, isPodReady, shouldPodBeInEndpoints } from '../controllers/podUtil';
import { podsForService } from '../k8s/selector';
import type { EndpointSlice, Endpoints, Pod, Service } from '../k8s/types';
import { annotationOverCapacity } from '../k8s/types';
import type { ManifestDiagnostic, ParsedManifest } from '../manifests/parse';
import type { WorkspaceModel } from '../manifests/workspace';
import { rangeOfPath } from '../manifests/workspace';

/** A finding about one Service, located in its manifest when it has one. */
export interface PredictionDiagnostic {
	severity: 'error' | 'warning' | 'info';
	message: string;
	file?: string;
	/** 1-based. */
	line?: number;
	/** JSON path in the Service manifest the finding is about. */
	path?: string;
}

/** Which controller produces the Service's slices. */
export type SliceSource = 'endpointslice-controller' | 'mirroring' | 'none';

export interface ServicePrediction {
	namespace: string;
	name: string;
	type: string;
	headless: boolean;
	service: Service;
	manifest: ParsedManifest | undefined;
	source: SliceSource;
	/** The pods the selector picks (before eligibility), in file order. */
	selectedPods: Pod[];
	endpointSlices: EndpointSlice[];
	/** The v1 Endpoints the Endpoints controller writes (or the user's, for selector-less Services); null if none. */
	endpoints: Endpoints | null;
	diagnostics: PredictionDiagnostic[];
}

export interface PredictOptions {
	maxEndpointsPerSlice?: number;
}

function locate(
	manifest: ParsedManifest | undefined,
	severity: PredictionDiagnostic['severity'],
	message: string,
	path?: string,
): PredictionDiagnostic {
	if (!manifest) {
		return { severity, message, ...(path ? { path } : {}) };
	}
	const range = rangeOfPath(manifest, path);
	return { severity, message, file: manifest.file, line: range.start.line + 1, ...(path ? { path } : {}) };
}

function selectorText(selector: Record<string, string>): string {
	const entries = Object.entries(selector);
	return entries.length === 0 ? '{} (every pod)' : entries.map(([k, v]) => `${k}=${v}`).join(',');
}

/** What is worth telling about a Service with a selector, given what the controllers produced. */
function analyseSelected(p: ServicePrediction, error: string | null): void {
	const { service, manifest, selectedPods } = p;
	const selector = service.spec?.selector ?? {};
	if (selectedPods.length === 0) {
		p.diagnostics.push(
			locate(
				manifest,
				'warning',
				`Service ${p.namespace}/${p.name} selects no pods: nothing in these files runs pods labelled ${selectorText(selector)} in namespace ${p.namespace}. Its EndpointSlices will be empty placeholders and it will have no endpoints.`,
				'spec.selector',
			),
		);
		return;
	}
	const eligible = selectedPods.filter((pod) => shouldPodBeInEndpoints(pod, true));
	(service.spec?.ports ?? []).forEach((port, i) => {
		if (typeof port.targetPort !== 'string') {
			return;
		}
		const missing = eligible.filter((pod) => findPort(pod, port) === undefined);
		if (missing.length === 0) {
			return;
		}
		const declared = [
			...new Set(
				missing.flatMap((pod) =>
					[...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].flatMap((c) =>
						(c.ports ?? []).filter((cp) => cp.name).map((cp) => `${cp.name}/${cp.protocol ?? 'TCP'}`),
					),
				),
			),
		];
		const all = missing.length === eligible.length;
		p.diagnostics.push(
			locate(
				manifest,
				all ? 'error' : 'warning',
				`targetPort "${port.targetPort}" (port ${port.name ? `${port.name}, ` : ''}${port.port}/${port.protocol ?? 'TCP'}) does not resolve in ${missing.length} of ${eligible.length} pods: no container port named "${port.targetPort}" with protocol ${port.protocol ?? 'TCP'}` +
					`${declared.length ? ` (named ports there: ${declared.join(', ')})` : ' (their containers name no ports)'}. ` +
					(all ? 'No endpoint will carry this port.' : 'Those pods land in separate EndpointSlices without this port.'),
				`spec.ports[${i}].targetPort`,
			),
		);
	});
	const notReady = eligible.filter((pod) => !isPodReady(pod) || pod.metadata?.deletionTimestamp);
	if (eligible.length > 0 && notReady.length === eligible.length && !service.spec?.publishNotReadyAddresses) {
		p.diagnostics.push(locate(manifest, 'warning', `None of the ${eligible.length} selected pods is ready: the Service has no ready endpoints.`));
	} else if (notReady.length > 0) {
		p.diagnostics.push(
			locate(manifest, 'info', `${notReady.length} of ${eligible.length} selected pods are not ready (or terminating).`),
		);
	}
	if (p.endpoints?.metadata?.annotations?.[annotationOverCapacity]) {
		p.diagnostics.push(
			locate(
				manifest,
				'warning',
				'More than 1000 addresses: the v1 Endpoints object is truncated (endpoints.kubernetes.io/over-capacity: truncated). EndpointSlices carry them all.',
			),
		);
	}
	if (error) {
		p.diagnostics.push(locate(manifest, 'warning', `The EndpointSlice controller would report: ${error}`));
	}
}

/** Predicts the slices and Endpoints of every Service in the workspace model. */
export function predictWorkspace(model: WorkspaceModel, options: PredictOptions = {}): ServicePrediction[] {
	const controller = new EndpointSliceController({ maxEndpointsPerSlice: options.maxEndpointsPerSlice });
	const out: ServicePrediction[] = [];
	for (const service of model.services) {
		const namespace = service.metadata?.namespace ?? 'default';
		const name = service.metadata?.name ?? '';
		const type = service.spec?.type ?? 'ClusterIP';
		const clusterIP = service.spec?.clusterIP ?? '';
		const manifest = service.metadata?.uid ? model.sources[service.metadata.uid] : undefined;
		const p: ServicePrediction = {
			namespace,
			name,
			type,
			headless: type !== 'ExternalName' && (clusterIP === 'None' || clusterIP === ''),
			service,
			manifest,
			source: 'none',
			selectedPods: [],
			endpointSlices: [],
			endpoints: null,
			diagnostics: [],
		};
		out.push(p);
		if (type === 'ExternalName') {
			p.diagnostics.push(
				locate(
					manifest,
					'info',
					`ExternalName Service: DNS answers with a CNAME to ${service.spec?.externalName ?? '(no externalName)'}; no controller creates endpoints for it.`,
				),
			);
			continue;
		}
		if (service.spec?.selector === undefined || service.spec.selector === null) {
			const endpoints = model.endpoints.find(
				(e) => (e.metadata?.namespace ?? 'default') === namespace && e.metadata?.name === name,
			);
			if (!endpoints) {
				p.diagnostics.push(
					locate(
						manifest,
						'info',
						`Service ${namespace}/${name} has no selector and these files hold no Endpoints object named ${name}: no controller will create endpoints; they must be written by hand or by another controller.`,
					),
				);
				continue;
			}
			const mirrored = syncMirroring({ service, endpoints, existingSlices: [] });
			p.endpoints = endpoints;
			p.source = 'mirroring';
			p.endpointSlices = mirrored.slices;
			if (mirrored.error) {
				p.diagnostics.push(locate(manifest, 'warning', `The mirroring controller would report: ${mirrored.error}`));
			}
			for (const ev of mirrored.events) {
				p.diagnostics.push(locate(manifest, ev.type === 'Warning' ? 'warning' : 'info', `${ev.reason}: ${ev.message}`));
			}
			if (!mirrored.mirrored) {
				p.diagnostics.push(
					locate(manifest, 'info', `The Endpoints object ${namespace}/${name} is not mirrored into EndpointSlices (skip-mirror label or leader-election annotation).`),
				);
			}
			continue;
		}
		p.source = 'endpointslice-controller';
		p.selectedPods = podsForService(service, model.pods);
		const sync = controller.syncService(service, { pods: model.pods, nodes: model.nodes, endpointSlices: [] });
		p.endpointSlices = sync.slices;
		p.endpoints = syncEndpoints({ service, pods: model.pods, existingEndpoints: null }).endpoints;
		analyseSelected(p, sync.error);
	}
	return out;
}

/** Diagnostics of the files themselves (parse, validation, expansion), for the given file. */
export function fileDiagnostics(model: WorkspaceModel, file?: string): ManifestDiagnostic[] {
	return file === undefined ? model.diagnostics : model.diagnostics.filter((d) => d.file === file);
}
