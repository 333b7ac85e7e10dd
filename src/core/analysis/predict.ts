/**
 * Predictions for a workspace: for every Service in the files, the EndpointSlices and the v1 Endpoints that the
 * control plane would create if the files were applied to an empty namespace, and what is likely wrong.
 *
 * The three controllers run exactly as they would on a first sync: the EndpointSlice controller for Services with a
 * selector, the Endpoints controller beside it, and the mirroring controller for selector-less Services that come
 * with an Endpoints object. The CLI's `preview`, hovers and CodeLens all read these predictions. What is likely wrong
 * comes from `serviceFindings` (lint.ts), the same findings the editor shows, kept here as `PredictionDiagnostic`s.
 */
import { EndpointSliceController } from '../controllers/endpointslice/controller';
import { syncEndpoints } from '../controllers/endpoints/endpointsController';
import { syncMirroring } from '../controllers/mirroring/mirroringController';
import { podsForService } from '../k8s/selector';
import type { EndpointSlice, Endpoints, Pod, Service } from '../k8s/types';
import type { ManifestDiagnostic, ParsedManifest } from '../manifests/parse';
import type { ManifestDiagnosticCode } from '../manifests/validate';
import type { WorkspaceModel } from '../manifests/workspace';
import { serviceFindings } from './lint';

/** A finding about one Service, located in its manifest when it has one. */
export interface PredictionDiagnostic {
	severity: 'error' | 'warning' | 'info';
	message: string;
	file?: string;
	/** 1-based. */
	line?: number;
	/** JSON path in the Service manifest the finding is about. */
	path?: string;
	/** What the finding is (see `lint.ts`). */
	code?: ManifestDiagnosticCode;
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
	/** What the controller reported on its sync, if one ran. */
	controller?: ControllerReport;
	/** `serviceFindings` (lint.ts) of this prediction, located in its manifest. */
	diagnostics: PredictionDiagnostic[];
}

export interface PredictOptions {
	maxEndpointsPerSlice?: number;
}

/** What the controller that produced the slices said about its sync. */
export interface ControllerReport {
	/** The sync's error (the EndpointSlice controller's, or the mirroring controller's), if any. */
	error: string | null;
	/** Events the controller would record. */
	events: readonly { type: 'Normal' | 'Warning'; reason: string; message: string }[];
	/** For mirroring: whether the Endpoints object is mirrored at all. */
	mirrored?: boolean;
}

function toPredictionDiagnostic(d: ManifestDiagnostic): PredictionDiagnostic {
	return {
		severity: d.severity,
		message: d.message,
		file: d.file,
		line: d.line,
		...(d.path ? { path: d.path } : {}),
		code: d.code,
	};
}

/** Predicts the slices and Endpoints of every Service in the workspace model. */
export function predictWorkspace(model: WorkspaceModel, options: PredictOptions = {}): ServicePrediction[] {
	const controller = new EndpointSliceController({ maxEndpointsPerSlice: options.maxEndpointsPerSlice });
	const candidates = podCandidates(model.pods);
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
		if (type !== 'ExternalName') {
			if (service.spec?.selector === undefined || service.spec.selector === null) {
				const endpoints = model.endpoints.find(
					(e) => (e.metadata?.namespace ?? 'default') === namespace && e.metadata?.name === name,
				);
				if (endpoints) {
					const mirrored = syncMirroring({ service, endpoints, existingSlices: [] });
					p.endpoints = endpoints;
					p.source = 'mirroring';
					p.endpointSlices = mirrored.slices;
					p.controller = { error: mirrored.error, events: mirrored.events, mirrored: mirrored.mirrored };
				}
			} else {
				p.source = 'endpointslice-controller';
				// The controllers select the same pods again: giving them only these keeps the result and saves a scan
				// of every pod per Service (quadratic on a file of 100,000 documents).
				const selected = podsForService(service, candidates(service));
				p.selectedPods = selected;
				const sync = controller.syncService(service, { pods: selected, nodes: model.nodes, endpointSlices: [] });
				p.endpointSlices = sync.slices;
				p.endpoints = syncEndpoints({ service, pods: selected, existingEndpoints: null }).endpoints;
				p.controller = { error: sync.error, events: [] };
			}
		}
		p.diagnostics = serviceFindings(p).map(toPredictionDiagnostic);
	}
	return out;
}

/**
 * Pods indexed by namespace and by label (`key`, `value`), in model order: `candidates(service)` is the shortest list
 * that holds every pod `podsForService` would select — the namespace's pods carrying the rarest of the selector's
 * labels — so that selecting is not a scan of every pod per Service.
 */
function podCandidates(pods: readonly Pod[]): (service: Service) => readonly Pod[] {
	const byNamespace = new Map<string, { all: Pod[]; byLabel: Map<string, Map<string, Pod[]>> }>();
	for (const pod of pods) {
		const ns = pod.metadata?.namespace ?? '';
		let entry = byNamespace.get(ns);
		if (!entry) {
			entry = { all: [], byLabel: new Map() };
			byNamespace.set(ns, entry);
		}
		entry.all.push(pod);
		for (const [key, value] of Object.entries(pod.metadata?.labels ?? {})) {
			if (typeof value !== 'string') {
				continue;
			}
			let values = entry.byLabel.get(key);
			if (!values) {
				values = new Map();
				entry.byLabel.set(key, values);
			}
			const list = values.get(value);
			if (list) {
				list.push(pod);
			} else {
				values.set(value, [pod]);
			}
		}
	}
	return (service) => {
		const entry = byNamespace.get(service.metadata?.namespace ?? '');
		const selector = service.spec?.selector;
		if (!entry || selector === undefined || selector === null) {
			return [];
		}
		let best: readonly Pod[] = entry.all;
		for (const [key, value] of Object.entries(selector)) {
			const list = entry.byLabel.get(key)?.get(value) ?? [];
			if (list.length < best.length) {
				best = list;
			}
		}
		return best;
	};
}

/** Diagnostics of the files themselves (parse, validation, expansion), for the given file. */
export function fileDiagnostics(model: WorkspaceModel, file?: string): ManifestDiagnostic[] {
	return file === undefined ? model.diagnostics : model.diagnostics.filter((d) => d.file === file);
}
