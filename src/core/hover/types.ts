/**
 * The shapes the preview features share: hovers, CodeLens, diagnostics and the full preview document are pure
 * functions of the workspace index (and, when connected and allowed, a read-only view of the live cluster). The
 * extension only converts positions, markdown and commands (STYLE 2).
 */
import type { EndpointSlice, Endpoints, Node, Pod, Service } from '../k8s/types';
import type { SourceRange } from '../manifests/parse';
import type { WorkspaceIndex } from '../manifests/workspaceIndex';

/**
 * What a connected cluster shows, read from the live store. Only namespaces the store has listed are answered;
 * `hasNamespace` is false for a namespace that is not listed (yet) or forbidden, so callers can say so instead of
 * pretending it is empty.
 */
export interface LiveView {
	/** The kube context name, for "live pod web-7d9f-abcde (context kind-dev)". */
	readonly context: string;
	hasNamespace(namespace: string): boolean;
	services(namespace: string): readonly Service[];
	pods(namespace: string): readonly Pod[];
	endpointSlices(namespace: string): readonly EndpointSlice[];
	endpoints(namespace: string): readonly Endpoints[];
	nodes(): readonly Node[];
}

/** Where a candidate pod of a prediction comes from. */
export type PodOrigin =
	| {
			kind: 'workload';
			/** Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob or Pod. */
			workloadKind: string;
			workloadName: string;
			/** 1-based replica number and the replica count ("replica 2/3"). */
			replica: number;
			replicas: number;
			file: string;
			/** 0-based line of the workload's manifest. */
			line: number;
	  }
	| { kind: 'live'; context: string; podName: string };

/** A hover: markdown (already escaped where it quotes names) over a range of the document. */
export interface HoverModel {
	range: SourceRange;
	markdown: string;
}

/**
 * The commands a CodeLens can run; the extension maps them to its command ids. `summary` is the count itself
 * ("→ 2 slices · 5 endpoints (IPv4)"): text with a tooltip, not a command.
 */
export type LensCommand = 'summary' | 'previewSlices' | 'showFlow' | 'planFile';

/** A CodeLens above a Service manifest. */
export interface CodeLensModel {
	range: SourceRange;
	title: string;
	tooltip?: string;
	command: LensCommand;
	/** The Service the lens is about (and the file it is written in). */
	target: { file: string; namespace: string; name: string };
}

/** What the preview features are given: the index, and optionally a read-only view of a connected cluster. */
export interface PreviewContext {
	index: WorkspaceIndex;
	/** The connected cluster, when the user allows predictions to use it. */
	live?: LiveView;
	/** Endpoints listed in a hover before "and N more" (default 10). */
	maxHoverEndpoints?: number;
}

/** A document as the editor has it: its path (the index's key), text and version. */
export interface PreviewDocument {
	path: string;
	text: string;
	version?: number;
}
