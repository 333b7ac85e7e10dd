/**
 * The workspace model: every manifest of a set of files turned into defaulted API objects, ready for the
 * controllers (Services, user-written Endpoints and EndpointSlices, Nodes, and the pods that the workloads and
 * bare Pods would run), plus where each came from and what is wrong with the files.
 *
 * No I/O: callers pass file texts (the extension from open documents and `workspace.fs`, the CLI from disk).
 * The build is deterministic: the same files and options always give the same names, uids and IPs. When an object
 * is defined twice (same kind, namespace and name), the later definition wins, as with `kubectl apply -f` over the
 * files in order, and the duplicate is reported.
 */
import type { ClusterProfile, DefaultingProblem } from '../k8s/defaulting';
import {
	defaultEndpointSlice,
	defaultEndpoints,
	defaultNode,
	defaultService,
	resolveClusterProfile,
} from '../k8s/defaulting';
import { parseIP } from '../k8s/ip';
import type { EndpointSlice, Endpoints, Node, Pod, Service, TypedObject } from '../k8s/types';
import type { ManifestDiagnostic, ParsedManifest, SourceRange } from './parse';
import { parseManifestFiles } from './parse';
import type { SimulateSpec, SyntheticNodeOptions } from './workloads';
import { expandWorkload, syntheticNodes, workloadKey } from './workloads';

/** A file's path (for diagnostics and source links) and its text. */
export interface WorkspaceFile {
	path: string;
	text: string;
}

/** Options of `buildWorkspaceModel`. */
export interface WorkspaceOptions {
	/** The cluster to assume (families, CIDRs, clock). Default `defaultClusterProfile`. */
	profile?: Partial<ClusterProfile>;
	/** Namespace of objects that name none (kubectl's context namespace). Default "default". */
	defaultNamespace?: string;
	/** Shape of the synthetic nodes used when the files define no Node. */
	nodes?: SyntheticNodeOptions;
	/** Pod states per workload, keyed by `workloadKey(kind, namespace, name)`; wins over the annotation. */
	simulate?: Readonly<Record<string, SimulateSpec>>;
}

/** A workload (or bare Pod) of the workspace with the pods it expands to. */
export interface WorkloadModel {
	kind: string;
	namespace: string | undefined;
	name: string;
	uid: string;
	/** The defaulted workload object. */
	object: TypedObject;
	/** Where it is defined (file, document, ranges for hovers). */
	manifest: ParsedManifest;
	pods: Pod[];
	/** Objects its controller creates in between: a Deployment's ReplicaSet, a CronJob's Job. */
	owned: TypedObject[];
	/** The pod states that were simulated, if any. */
	simulate?: SimulateSpec;
}

/** Everything the controllers and views need from the workspace files. */
export interface WorkspaceModel {
	profile: ClusterProfile;
	services: Service[];
	/** User-written v1 Endpoints (the input of the mirroring controller). */
	endpoints: Endpoints[];
	/** User-written EndpointSlices. */
	endpointSlices: EndpointSlice[];
	/** Candidate pods from workloads and bare Pods, in file order. */
	pods: Pod[];
	/** The files' Nodes, or synthetic ones when there are none. */
	nodes: Node[];
	/** Whether `nodes` are synthetic. */
	syntheticNodes: boolean;
	workloads: WorkloadModel[];
	/** Every object read from the files (including kinds Endpoint Lens ignores), as written. */
	manifests: ParsedManifest[];
	diagnostics: ManifestDiagnostic[];
	/** Object uid → its manifest, for Services, Endpoints, EndpointSlices, Nodes, workloads and bare Pods. */
	sources: Record<string, ParsedManifest>;
}

/** The kinds that expand into pods: the workload controllers' kinds and bare Pods. */
export const workloadKinds: ReadonlySet<string> = new Set([
	'Deployment',
	'ReplicaSet',
	'StatefulSet',
	'DaemonSet',
	'Job',
	'CronJob',
	'Pod',
]);

/**
 * The range of `path` (`spec.clusterIPs[0]`) in a manifest, falling back to the closest parent that has one, then
 * to the object itself.
 */
export function rangeOfPath(manifest: ParsedManifest, path: string | undefined): SourceRange {
	let p = path ?? '';
	while (p !== '') {
		const r = manifest.keyRanges[p];
		if (r) {
			return r;
		}
		const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
		p = cut > 0 ? p.slice(0, cut) : '';
	}
	return { start: manifest.range.start, end: manifest.range.start };
}

/** A diagnostic about `path` in a manifest (located with `rangeOfPath`). */
export function manifestDiagnostic(
	manifest: ParsedManifest,
	severity: ManifestDiagnostic['severity'],
	code: ManifestDiagnostic['code'],
	message: string,
	path?: string,
): ManifestDiagnostic {
	const range = rangeOfPath(manifest, path);
	return {
		severity,
		code,
		message,
		file: manifest.file,
		line: range.start.line + 1,
		column: range.start.character + 1,
		docIndex: manifest.docIndex,
		range,
		...(path ? { path } : {}),
		kind: manifest.kind,
		name: manifest.name,
	};
}

/** The identity of an object: `Kind/namespace/name`. Two manifests with one identity define the same object. */
export function manifestIdentity(m: ParsedManifest): string {
	return `${m.kind}/${m.namespace ?? ''}/${m.name}`;
}

/** The warning on a later definition of an object that `prev` already defines. */
export function duplicateDiagnostic(m: ParsedManifest, prev: ParsedManifest): ManifestDiagnostic {
	return manifestDiagnostic(
		m,
		'warning',
		'duplicate-object',
		`${m.kind} ${m.namespace ? `${m.namespace}/` : ''}${m.name} is also defined in ${prev.file}:${prev.range.start.line + 1}; this later definition wins`,
		'metadata.name',
	);
}

/** Addresses written in manifests (Service cluster IPs, Pod IPs): taken before anything is allocated. */
export function writtenIPs(manifests: Iterable<ParsedManifest>, into = new Set<string>()): Set<string> {
	for (const m of manifests) {
		if (m.kind === 'Service') {
			const spec = (m.object as Service).spec;
			for (const ip of [spec?.clusterIP, ...(spec?.clusterIPs ?? [])]) {
				if (typeof ip === 'string' && parseIP(ip)) {
					into.add(ip);
				}
			}
		} else if (m.kind === 'Pod') {
			for (const ip of (m.object as Pod).status?.podIPs ?? []) {
				if (typeof ip?.ip === 'string') {
					into.add(ip.ip);
				}
			}
		}
	}
	return into;
}

/**
 * Defaults a Service manifest as the API server would (allocating cluster IPs and node ports into the sets given).
 * The Service is undefined when the API server would reject it; `diagnostics` say why.
 */
export function defaultServiceManifest(
	m: ParsedManifest,
	profile: ClusterProfile,
	ctx: { defaultNamespace: string; allocatedIPs: Set<string>; allocatedNodePorts: Set<number> },
): { service: Service | undefined; diagnostics: ManifestDiagnostic[] } {
	const problems: DefaultingProblem[] = [];
	const svc = defaultService(m.object as Service, profile, { ...ctx, problems });
	const diagnostics = problems.map((p) =>
		manifestDiagnostic(m, p.severity, 'invalid-value', `${p.path}: ${p.message}`, p.path),
	);
	return { service: problems.some((p) => p.severity === 'error') ? undefined : svc, diagnostics };
}

/** Options of `expandWorkloadManifest`. */
export interface ExpandManifestOptions {
	profile: ClusterProfile;
	nodes: readonly Node[];
	/** Pod and service IPs already taken; updated in place. */
	allocatedIPs: Set<string>;
	defaultNamespace: string;
	simulate?: Readonly<Record<string, SimulateSpec>>;
}

/** Expands a workload (or bare Pod) manifest into its model and pods, with its problems as diagnostics. */
export function expandWorkloadManifest(
	m: ParsedManifest,
	options: ExpandManifestOptions,
): { workload: WorkloadModel; diagnostics: ManifestDiagnostic[] } {
	const override = options.simulate?.[workloadKey(m.kind, m.namespace, m.name)];
	const r = expandWorkload(m.object as Parameters<typeof expandWorkload>[0], {
		profile: options.profile,
		nodes: options.nodes,
		allocatedIPs: options.allocatedIPs,
		defaultNamespace: options.defaultNamespace,
		...(override ? { simulate: override } : {}),
	});
	return {
		workload: {
			kind: m.kind,
			namespace: m.namespace,
			name: r.workload.metadata?.name ?? m.name,
			uid: r.workload.metadata?.uid ?? '',
			object: r.workload,
			manifest: m,
			pods: r.pods,
			owned: r.owned,
			...(r.simulate ? { simulate: r.simulate } : {}),
		},
		diagnostics: r.problems.map((p) => manifestDiagnostic(m, p.severity, p.code, p.message, p.path)),
	};
}

/** The cluster's nodes: the files' Node manifests (defaulted), or synthetic ones when there are none. */
export function workspaceNodes(
	nodeManifests: readonly ParsedManifest[],
	profile: ClusterProfile,
	options: { defaultNamespace: string; nodes?: SyntheticNodeOptions },
): { nodes: Node[]; synthetic: boolean; sources: Map<string, ParsedManifest> } {
	const sources = new Map<string, ParsedManifest>();
	if (nodeManifests.length === 0) {
		return { nodes: syntheticNodes({ ...options.nodes, profile }), synthetic: true, sources };
	}
	const nodes = nodeManifests.map((m) => {
		const n = defaultNode(m.object as Node, profile, { defaultNamespace: options.defaultNamespace });
		sources.set(n.metadata!.uid!, m);
		return n;
	});
	return { nodes, synthetic: false, sources };
}

/**
 * Builds the workspace model from file texts: parse every file, keep the last definition of each object, default
 * Services (allocating cluster IPs), Endpoints, EndpointSlices and Nodes, and expand workloads and bare Pods into
 * pods on the files' Nodes (or synthetic ones). Services the API server would reject after defaulting (for
 * example `RequireDualStack` on a single-stack profile) are reported and left out. Never throws.
 */
export function buildWorkspaceModel(files: readonly WorkspaceFile[], options: WorkspaceOptions = {}): WorkspaceModel {
	const profile = resolveClusterProfile(options.profile);
	const defaultNamespace = options.defaultNamespace || 'default';
	const parsed = parseManifestFiles(files, { defaultNamespace });
	const diagnostics = [...parsed.diagnostics];

	// The last definition of an object wins.
	const latest = new Map<string, ParsedManifest>();
	for (const m of parsed.manifests) {
		if (!m.supported) {
			continue;
		}
		const key = manifestIdentity(m);
		const prev = latest.get(key);
		if (prev) {
			diagnostics.push(duplicateDiagnostic(m, prev));
			latest.delete(key);
		}
		latest.set(key, m);
	}
	const chosen = parsed.manifests.filter((m) => m.supported && latest.get(manifestIdentity(m)) === m);
	const sources: Record<string, ParsedManifest> = Object.create(null) as Record<string, ParsedManifest>;
	const dctx = { defaultNamespace };

	// Addresses written in the files are taken before anything is allocated.
	const allocatedIPs = writtenIPs(chosen);
	const allocatedNodePorts = new Set<number>();

	const fileNodes = chosen.filter((m) => m.kind === 'Node');
	const workspace = workspaceNodes(fileNodes, profile, { ...dctx, ...(options.nodes ? { nodes: options.nodes } : {}) });
	for (const [uid, m] of workspace.sources) {
		sources[uid] = m;
	}
	const nodes = workspace.nodes;

	const services: Service[] = [];
	const endpoints: Endpoints[] = [];
	const endpointSlices: EndpointSlice[] = [];
	const pods: Pod[] = [];
	const workloads: WorkloadModel[] = [];

	for (const m of chosen) {
		switch (m.kind) {
			case 'Service': {
				const r = defaultServiceManifest(m, profile, { ...dctx, allocatedIPs, allocatedNodePorts });
				diagnostics.push(...r.diagnostics);
				if (r.service) {
					services.push(r.service);
					sources[r.service.metadata!.uid!] = m;
				}
				break;
			}
			case 'Endpoints': {
				const ep = defaultEndpoints(m.object as Endpoints, profile, dctx);
				endpoints.push(ep);
				sources[ep.metadata!.uid!] = m;
				break;
			}
			case 'EndpointSlice': {
				const slice = defaultEndpointSlice(m.object as unknown as EndpointSlice, profile, dctx);
				endpointSlices.push(slice);
				sources[slice.metadata!.uid!] = m;
				break;
			}
		}
	}

	for (const m of chosen) {
		if (!workloadKinds.has(m.kind)) {
			continue;
		}
		const r = expandWorkloadManifest(m, {
			profile,
			nodes,
			allocatedIPs,
			defaultNamespace,
			...(options.simulate ? { simulate: options.simulate } : {}),
		});
		diagnostics.push(...r.diagnostics);
		sources[r.workload.uid] = m;
		for (const pod of r.workload.pods) {
			pods.push(pod); // not push(...pods): `replicas: 500000` would overflow the call stack
		}
		workloads.push(r.workload);
	}

	return {
		profile,
		services,
		endpoints,
		endpointSlices,
		pods,
		nodes,
		syntheticNodes: workspace.synthetic,
		workloads,
		manifests: parsed.manifests,
		diagnostics,
		sources,
	};
}
