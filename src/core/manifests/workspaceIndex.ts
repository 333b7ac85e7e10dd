/**
 * An incremental index of the workspace's manifests, for hovers, CodeLens and diagnostics that must answer in a few
 * milliseconds on thousands of documents while the user types. `buildWorkspaceModel` rebuilds everything from all
 * file texts (≈2 s on 2,000 documents); this index does the same work piece by piece and keeps each piece until
 * something it depends on changes:
 *
 * - **Parse, per file.** `setFile` parses that file only, and not at all when its `(path, version)` or its text is
 *   unchanged. Files above `maxFileBytes` are not parsed: one info diagnostic says so.
 * - **Cross-file maps, updated per change.** Every effective change bumps `generation`. `setFile` and `deleteFile`
 *   update, for the objects of that file only: object identity → definitions (the later one wins, files in sorted
 *   path order and documents in file order, like `kubectl apply -f` over the files) and namespace → the winning
 *   Services, workloads, Endpoints and EndpointSlices. A namespace whose winners change drops its derived caches
 *   (pods, predictions); other namespaces keep theirs. A change of the Nodes (the files' Node objects, or
 *   synthetic ones) or of the options drops them all.
 * - **Defaulting and expansion, per manifest.** A Service's defaulted object and a workload's pods are cached on the
 *   `ParsedManifest` object itself (a `WeakMap`), so they are recomputed only when their file is reparsed, the Nodes
 *   change, or the options do.
 * - **Pods, per namespace**, gathered from the cached expansions (each pod's `PodOrigin` is kept beside it).
 * - **Predictions, per Service**, computed only for the Service asked for, by the same controllers and analysis as
 *   `predictWorkspace` (which runs on a one-Service model built here), and kept until its namespace changes.
 *
 * Addresses differ from `buildWorkspaceModel` in one documented way. There, one allocation set spans the whole
 * workspace, so two objects whose hash-seeded addresses collide get distinct ones (the later takes the next free
 * address). Here each Service and each workload allocates from its own set, seeded with the addresses written in its
 * own file (Service cluster IPs, Pod IPs), so that editing one file never moves another file's addresses. Since
 * addresses are seeded by namespace/name hashes, both agree except on such collisions. Names and uids are the same.
 *
 * Pure: no I/O, no `vscode`. The extension feeds it document texts; the CLI can feed it files.
 */
import type { PodOrigin } from '../hover/types';
import type { PredictOptions, ServicePrediction } from '../analysis/predict';
import { predictWorkspace } from '../analysis/predict';
import type { ClusterProfile } from '../k8s/defaulting';
import { defaultEndpointSlice, defaultEndpoints, resolveClusterProfile } from '../k8s/defaulting';
import type { EndpointSlice, Endpoints, Node, Pod, Service } from '../k8s/types';
import { serviceSelects } from '../k8s/selector';
import { labelServiceName } from '../k8s/types';
import { tooLargeReason, utf8Length } from './fileText';
import { stableJSON } from './workloads';
import type { ManifestDiagnostic, ManifestParseResult, ParsedManifest } from './parse';
import { parseManifests } from './parse';
import type { WorkloadModel, WorkspaceModel, WorkspaceOptions } from './workspace';
import {
	defaultServiceManifest,
	duplicateDiagnostic,
	expandWorkloadManifest,
	manifestDiagnostic,
	manifestIdentity,
	workloadKinds,
	workspaceNodes,
	writtenIPs,
} from './workspace';

/** Options of the index: those of the workspace model, plus prediction and size limits. */
export interface WorkspaceIndexOptions extends WorkspaceOptions {
	/** `--max-endpoints-per-slice` of the predicted EndpointSlice controller. Default 100. */
	maxEndpointsPerSlice?: number;
	/** Files above are not parsed: one info diagnostic says so. Default 2 MiB. */
	maxFileBytes?: number;
}

/** The default of `WorkspaceIndexOptions.maxFileBytes`: 2 MiB. */
export const defaultMaxFileBytes = 2 * 1024 * 1024;

/** A Service of the workspace: its winning manifest and the defaulted object (undefined when rejected). */
export interface IndexedService {
	manifest: ParsedManifest;
	/** The defaulted Service, or undefined when the API server would reject it (see `diagnostics`). */
	service: Service | undefined;
	/** What defaulting found (rejections and caveats). */
	diagnostics: readonly ManifestDiagnostic[];
}

/** Counters of the work done, for tests and benchmarks. */
export interface WorkspaceIndexStats {
	/** Files parsed (each `setFile` that was not a no-op, and reparses after option changes). */
	parses: number;
	/** Workloads expanded into pods. */
	expansions: number;
	/** Service predictions computed (cache misses). */
	predictions: number;
}

/** The candidates of a prediction: the workspace's, or those after apply on a connected cluster. */
export interface PredictionInputs {
	/** Candidate pods (every namespace is fine: the controllers select by namespace). */
	pods: readonly Pod[];
	nodes: readonly Node[];
}

interface FileEntry {
	path: string;
	text: string;
	version: number | undefined;
	manifests: ParsedManifest[];
	/** Parse and validation diagnostics (or the one "too large" note). */
	diagnostics: ManifestDiagnostic[];
	/** Addresses written in the file: the seed of its objects' allocations. */
	ips: Set<string>;
	/** Not parsed: above `maxFileBytes`. */
	tooLarge: boolean;
}

/** The winning objects of one namespace, by identity, and what is derived from them (dropped on change). */
interface NamespaceEntry {
	services: Map<string, ParsedManifest>;
	workloads: Map<string, ParsedManifest>;
	endpoints: Map<string, ParsedManifest>;
	endpointSlices: Map<string, ParsedManifest>;
	derived?: NamespaceDerived;
}

interface NamespaceDerived {
	services?: ParsedManifest[];
	workloads?: ParsedManifest[];
	endpointSlices?: ParsedManifest[];
	workloadModels?: WorkloadModel[];
	pods?: Pod[];
	/** Predictions by Service name. */
	predictions: Map<string, ServicePrediction | undefined>;
}

/** Apply order: files in sorted path order, then documents (and List items) in file order. */
function applyOrder(a: ParsedManifest, b: ParsedManifest): number {
	if (a.file !== b.file) {
		return a.file < b.file ? -1 : 1;
	}
	return a.docIndex - b.docIndex || (a.itemIndex ?? -1) - (b.itemIndex ?? -1);
}

interface CachedService {
	epoch: number;
	value: IndexedService;
}

interface CachedWorkload {
	epoch: number;
	workload: WorkloadModel;
	diagnostics: ManifestDiagnostic[];
}

/** The number of UTF-8 bytes of `text`, counting only as far as needed to know it is above `limit`. */
function utf8LengthAbove(text: string, limit: number): boolean {
	if (text.length * 3 <= limit) {
		return false;
	}
	if (text.length > limit) {
		return true;
	}
	let bytes = 0;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? 4 : 3;
		if (c >= 0xd800 && c <= 0xdbff) {
			i++;
		}
		if (bytes > limit) {
			return true;
		}
	}
	return false;
}

function dirOf(path: string): string {
	const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
	return cut >= 0 ? path.slice(0, cut + 1) : '';
}

/** The longest directory prefix every path shares. */
function commonDirOf(paths: readonly string[]): string {
	let common = paths.length > 0 ? dirOf(paths[0]!) : '';
	for (const p of paths) {
		while (common !== '' && !p.startsWith(common)) {
			common = dirOf(common.slice(0, -1));
		}
	}
	return common;
}

/** The options that change parsing, defaulting or expansion (not the prediction limit or the size limit). */
function modelOptionsKey(o: WorkspaceIndexOptions): string {
	return stableJSON({ profile: o.profile, nodes: o.nodes, simulate: o.simulate });
}

/** The incremental workspace index; see the module header. */
export class WorkspaceIndex {
	private readonly fileMap = new Map<string, FileEntry>();
	private opts: WorkspaceIndexOptions;
	private profileValue: ClusterProfile;
	private gen = 0;
	/** Bumped when options change what defaulting and expansion produce. */
	private optionsEpoch = 0;
	/** Bumped when the Nodes change. */
	private nodesEpoch = 0;
	/** Identity → every supported definition, in apply order; the last one wins. */
	private readonly defs = new Map<string, ParsedManifest[]>();
	/** Identity → the winning definition. */
	private readonly winners = new Map<string, ParsedManifest>();
	private readonly nsEntries = new Map<string, NamespaceEntry>();
	/** The winning Node manifests, by identity. */
	private readonly nodeWinners = new Map<string, ParsedManifest>();
	private nodesValue: { nodes: Node[]; synthetic: boolean } | undefined;
	private sortedPaths: string[] | undefined;
	private commonDirValue: string | undefined;
	private readonly serviceCache = new WeakMap<ParsedManifest, CachedService>();
	private readonly workloadCache = new WeakMap<ParsedManifest, CachedWorkload>();
	private readonly originMap = new WeakMap<Pod, PodOrigin>();
	private readonly endpointsCache = new WeakMap<ParsedManifest, { epoch: number; value: Endpoints }>();
	private readonly sliceCache = new WeakMap<ParsedManifest, { epoch: number; value: EndpointSlice }>();
	private readonly counters: WorkspaceIndexStats = { parses: 0, expansions: 0, predictions: 0 };

	constructor(options: WorkspaceIndexOptions = {}) {
		this.opts = { ...options };
		this.profileValue = resolveClusterProfile(options.profile);
	}

	/** Bumped on every effective change (files, options). */
	get generation(): number {
		return this.gen;
	}

	/** The options in effect. */
	get options(): Readonly<WorkspaceIndexOptions> {
		return this.opts;
	}

	/** The cluster profile predictions assume. */
	get profile(): ClusterProfile {
		return this.profileValue;
	}

	/** Work counters (parses, expansions, predictions), for tests and benchmarks. */
	get stats(): Readonly<WorkspaceIndexStats> {
		return { ...this.counters };
	}

	/** The namespace of objects that name none (what `parseManifests` must be given for `setFile`'s `parsed`). */
	get defaultNamespace(): string {
		return this.opts.defaultNamespace || 'default';
	}

	private get maxFileBytes(): number {
		return this.opts.maxFileBytes ?? defaultMaxFileBytes;
	}

	private changed(): void {
		this.gen++;
	}

	/** Drops everything derived from namespaces (pods, predictions): Nodes or options changed. */
	private dropAllDerived(): void {
		for (const e of this.nsEntries.values()) {
			e.derived = undefined;
		}
	}

	private entryOf(namespace: string): NamespaceEntry {
		let e = this.nsEntries.get(namespace);
		if (!e) {
			e = { services: new Map(), workloads: new Map(), endpoints: new Map(), endpointSlices: new Map() };
			this.nsEntries.set(namespace, e);
		}
		return e;
	}

	private bucketOf(m: ParsedManifest): Map<string, ParsedManifest> | undefined {
		switch (m.kind) {
			case 'Service':
				return this.entryOf(m.namespace ?? this.defaultNamespace).services;
			case 'Endpoints':
				return this.entryOf(m.namespace ?? this.defaultNamespace).endpoints;
			case 'EndpointSlice':
				return this.entryOf(m.namespace ?? this.defaultNamespace).endpointSlices;
			case 'Node':
				return this.nodeWinners;
			default:
				return workloadKinds.has(m.kind) ? this.entryOf(m.namespace ?? this.defaultNamespace).workloads : undefined;
		}
	}

	/** Replaces a file's objects in the cross-file maps (either side may be empty). */
	private reindex(before: readonly ParsedManifest[], after: readonly ParsedManifest[]): void {
		const touched = new Set<string>();
		for (const m of before) {
			if (!m.supported) {
				continue;
			}
			const id = manifestIdentity(m);
			const list = this.defs.get(id);
			if (list) {
				const i = list.indexOf(m);
				if (i >= 0) {
					list.splice(i, 1);
				}
				if (list.length === 0) {
					this.defs.delete(id);
				}
			}
			touched.add(id);
		}
		for (const m of after) {
			if (!m.supported) {
				continue;
			}
			const id = manifestIdentity(m);
			const list = this.defs.get(id);
			if (list) {
				list.push(m);
				list.sort(applyOrder);
			} else {
				this.defs.set(id, [m]);
			}
			touched.add(id);
		}
		let nodesChanged = false;
		for (const id of touched) {
			const prev = this.winners.get(id);
			const list = this.defs.get(id);
			const next = list?.[list.length - 1];
			if (prev === next) {
				continue;
			}
			for (const m of [prev, next]) {
				if (!m) {
					continue;
				}
				if (m.kind === 'Node') {
					nodesChanged = true;
				} else {
					const e = this.nsEntries.get(m.namespace ?? this.defaultNamespace);
					if (e) {
						e.derived = undefined;
					}
				}
			}
			if (prev) {
				this.bucketOf(prev)?.delete(id);
				this.winners.delete(id);
			}
			if (next) {
				this.bucketOf(next)?.set(id, next);
				this.winners.set(id, next);
			}
		}
		if (nodesChanged) {
			this.nodesValue = undefined;
			this.nodesEpoch++;
			this.dropAllDerived();
		}
	}

	private parse(path: string, text: string, version: number | undefined, parsed?: ManifestParseResult): FileEntry {
		this.counters.parses++;
		if (utf8LengthAbove(text, this.maxFileBytes)) {
			const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
			return {
				path,
				text,
				version,
				manifests: [],
				diagnostics: [
					{
						severity: 'info',
						code: 'file-too-large',
						message: `This file is ${tooLargeReason(utf8Length(text), this.maxFileBytes)} by Endpoint Lens.`,
						file: path,
						line: 1,
						column: 1,
						docIndex: 0,
						range,
					},
				],
				ips: new Set(),
				tooLarge: true,
			};
		}
		const r = parsed ?? parseManifests(text, path, { defaultNamespace: this.defaultNamespace });
		return {
			path,
			text,
			version,
			manifests: r.manifests,
			diagnostics: r.diagnostics,
			ips: writtenIPs(r.manifests),
			tooLarge: false,
		};
	}

	/**
	 * Takes a file's text. A no-op (no parse, same generation) when the `(path, version)` pair or the text is
	 * unchanged. Parses this file only — or takes `parsed`, the result of `parseManifests(text, path,
	 * { defaultNamespace: index.defaultNamespace })` computed elsewhere (the extension parses large files in a worker).
	 */
	setFile(path: string, text: string, version?: number, parsed?: ManifestParseResult): void {
		const prev = this.fileMap.get(path);
		if (prev) {
			if (version !== undefined && prev.version === version) {
				return;
			}
			if (prev.text === text) {
				prev.version = version;
				return;
			}
		} else {
			this.sortedPaths = undefined;
			this.commonDirValue = undefined;
		}
		const entry = this.parse(path, text, version, parsed);
		this.fileMap.set(path, entry);
		this.reindex(prev?.manifests ?? [], entry.manifests);
		this.changed();
	}

	/** Forgets a file. */
	deleteFile(path: string): void {
		const prev = this.fileMap.get(path);
		if (prev) {
			this.fileMap.delete(path);
			this.sortedPaths = undefined;
			this.commonDirValue = undefined;
			this.reindex(prev.manifests, []);
			this.changed();
		}
	}

	hasFile(path: string): boolean {
		return this.fileMap.has(path);
	}

	/** Every indexed path, sorted (the order in which later definitions win). */
	files(): string[] {
		this.sortedPaths ??= [...this.fileMap.keys()].sort();
		return [...this.sortedPaths];
	}

	/** The objects read from a file (every kind, as written), in document order. */
	manifests(path: string): readonly ParsedManifest[] {
		return this.fileMap.get(path)?.manifests ?? [];
	}

	/** The version the file was indexed at (undefined when it was set without one, or is not indexed). */
	fileVersion(path: string): number | undefined {
		return this.fileMap.get(path)?.version;
	}

	/** The file's text as indexed. */
	text(path: string): string | undefined {
		return this.fileMap.get(path)?.text;
	}

	/**
	 * Replaces the options (as the constructor takes them). Only effective changes bump the generation: a new `maxEndpointsPerSlice` drops predictions,
	 * a new default namespace or size limit reparses, a new profile, node shape or simulate map re-expands.
	 */
	updateOptions(options: WorkspaceIndexOptions): void {
		const prev = this.opts;
		const next = { ...options };
		let effective = false;
		const reparseAll = (prev.defaultNamespace || 'default') !== (next.defaultNamespace || 'default');
		const sizeChanged = (prev.maxFileBytes ?? defaultMaxFileBytes) !== (next.maxFileBytes ?? defaultMaxFileBytes);
		if (modelOptionsKey(prev) !== modelOptionsKey(next)) {
			this.optionsEpoch++;
			this.nodesValue = undefined;
			effective = true;
		}
		if ((prev.maxEndpointsPerSlice ?? 100) !== (next.maxEndpointsPerSlice ?? 100)) {
			effective = true;
		}
		this.opts = next;
		this.profileValue = resolveClusterProfile(next.profile);
		if (reparseAll || sizeChanged) {
			for (const [path, entry] of this.fileMap) {
				const tooLarge = utf8LengthAbove(entry.text, this.maxFileBytes);
				if (reparseAll || tooLarge !== entry.tooLarge) {
					const fresh = this.parse(path, entry.text, entry.version);
					this.fileMap.set(path, fresh);
					this.reindex(entry.manifests, fresh.manifests);
					effective = true;
				}
			}
		}
		if (effective) {
			this.dropAllDerived();
			this.changed();
		}
	}

	private get epoch(): number {
		// Both counters only grow: a pair encoded as one number that changes whenever either does.
		return this.optionsEpoch * 1_000_003 + this.nodesEpoch;
	}

	/** The namespace's derived caches, created on demand. */
	private derived(namespace: string): NamespaceDerived | undefined {
		const e = this.nsEntries.get(namespace);
		if (!e) {
			return undefined;
		}
		e.derived ??= { predictions: new Map() };
		return e.derived;
	}

	// -----------------------------------------------------------------------------------------------------------
	// Queries

	/** Namespaces with at least one Service, workload, Endpoints or EndpointSlice, sorted. */
	namespaces(): string[] {
		return [...this.nsEntries]
			.filter(([, e]) => e.services.size + e.workloads.size + e.endpoints.size + e.endpointSlices.size > 0)
			.map(([ns]) => ns)
			.sort();
	}

	/** The Nodes predictions run on: the files' Nodes, or synthetic ones. */
	nodes(): readonly Node[] {
		return this.nodeState().nodes;
	}

	/** Whether `nodes()` are synthetic (the files define no Node). */
	get syntheticNodes(): boolean {
		return this.nodeState().synthetic;
	}

	private nodeState(): { nodes: Node[]; synthetic: boolean } {
		if (!this.nodesValue) {
			const built = workspaceNodes([...this.nodeWinners.values()].sort(applyOrder), this.profileValue, {
				defaultNamespace: this.defaultNamespace,
				...(this.opts.nodes ? { nodes: this.opts.nodes } : {}),
			});
			this.nodesValue = { nodes: built.nodes, synthetic: built.synthetic };
		}
		return this.nodesValue;
	}

	/** Every supported definition of the object `m` defines, in apply order (the last one wins). */
	definitions(m: ParsedManifest): readonly ParsedManifest[] {
		return this.defs.get(manifestIdentity(m)) ?? [];
	}

	/** The definition that wins for the object `m` defines (`m` itself unless a later one overrides it). */
	winner(m: ParsedManifest): ParsedManifest | undefined {
		const defs = this.definitions(m);
		return defs[defs.length - 1];
	}

	/** The winning manifest of an object, by kind and name. */
	find(kind: string, namespace: string | undefined, name: string): ParsedManifest | undefined {
		return this.winners.get(`${kind}/${namespace ?? ''}/${name}`);
	}

	/** The Service manifests that win in a namespace, in apply order. */
	services(namespace: string): readonly ParsedManifest[] {
		const d = this.derived(namespace);
		if (!d) {
			return [];
		}
		d.services ??= [...this.nsEntries.get(namespace)!.services.values()].sort(applyOrder);
		return d.services;
	}

	/** A Service manifest, defaulted (cached per manifest). */
	service(manifest: ParsedManifest): IndexedService {
		const cached = this.serviceCache.get(manifest);
		if (cached && cached.epoch === this.optionsEpoch) {
			return cached.value;
		}
		const file = this.fileMap.get(manifest.file);
		const r = defaultServiceManifest(manifest, this.profileValue, {
			defaultNamespace: this.defaultNamespace,
			allocatedIPs: new Set(file?.ips ?? []),
			allocatedNodePorts: new Set(),
		});
		const value: IndexedService = { manifest, service: r.service, diagnostics: r.diagnostics };
		this.serviceCache.set(manifest, { epoch: this.optionsEpoch, value });
		return value;
	}

	/** The defaulted Services of a namespace (those the API server would accept). */
	serviceObjects(namespace: string): IndexedService[] {
		return this.services(namespace)
			.map((m) => this.service(m))
			.filter((s) => s.service !== undefined);
	}

	private expand(manifest: ParsedManifest): CachedWorkload {
		const cached = this.workloadCache.get(manifest);
		const epoch = this.epoch;
		if (cached && cached.epoch === epoch) {
			return cached;
		}
		this.counters.expansions++;
		const file = this.fileMap.get(manifest.file);
		const r = expandWorkloadManifest(manifest, {
			profile: this.profileValue,
			nodes: this.nodes(),
			allocatedIPs: new Set(file?.ips ?? []),
			defaultNamespace: this.defaultNamespace,
			...(this.opts.simulate ? { simulate: this.opts.simulate } : {}),
		});
		const pods = r.workload.pods;
		pods.forEach((pod, i) => {
			this.originMap.set(pod, {
				kind: 'workload',
				workloadKind: manifest.kind,
				workloadName: r.workload.name,
				replica: i + 1,
				replicas: pods.length,
				file: manifest.file,
				line: manifest.range.start.line,
			});
		});
		const entry: CachedWorkload = { epoch, workload: r.workload, diagnostics: r.diagnostics };
		this.workloadCache.set(manifest, entry);
		return entry;
	}

	/** A workload (or bare Pod) manifest expanded into its pods (cached per manifest). */
	workload(manifest: ParsedManifest): WorkloadModel | undefined {
		return workloadKinds.has(manifest.kind) && manifest.supported ? this.expand(manifest).workload : undefined;
	}

	/** The workloads (and bare Pods) of a namespace that win, expanded, in apply order. */
	workloads(namespace: string): readonly WorkloadModel[] {
		const d = this.derived(namespace);
		if (!d) {
			return [];
		}
		d.workloads ??= [...this.nsEntries.get(namespace)!.workloads.values()].sort(applyOrder);
		d.workloadModels ??= d.workloads.map((m) => this.expand(m).workload);
		return d.workloadModels;
	}

	/** The candidate pods of a namespace: every pod its workloads and bare Pods would run, in apply order. */
	pods(namespace: string): readonly Pod[] {
		const d = this.derived(namespace);
		if (!d) {
			return [];
		}
		d.pods ??= this.workloads(namespace).flatMap((w) => w.pods);
		return d.pods;
	}

	/** The workloads (and bare Pods) of the Service's namespace that run at least one pod its selector picks. */
	workloadsSelectedBy(namespace: string, name: string): WorkloadModel[] {
		const manifest = this.find('Service', namespace, name);
		const service = manifest ? this.service(manifest).service : undefined;
		if (!service || service.spec?.selector == null) {
			return [];
		}
		return this.workloads(namespace).filter((w) => w.pods.some((p) => serviceSelects(service, p)));
	}

	/**
	 * Expands every namespace's workloads now (after the first scan, say), so that the first hover in a large
	 * namespace does not pay for it. Optional: everything is computed on demand anyway.
	 */
	warm(): void {
		for (const namespace of this.nsEntries.keys()) {
			this.pods(namespace);
		}
	}

	/** Where a pod of this index comes from (a workload replica), if it is one. */
	podOrigin(pod: Pod): PodOrigin | undefined {
		return this.originMap.get(pod);
	}

	/** The user-written Endpoints object of that name, defaulted, if the workspace has one. */
	endpointsObject(namespace: string, name: string): { manifest: ParsedManifest; endpoints: Endpoints } | undefined {
		const manifest = this.find('Endpoints', namespace, name);
		if (!manifest) {
			return undefined;
		}
		const cached = this.endpointsCache.get(manifest);
		if (cached && cached.epoch === this.optionsEpoch) {
			return { manifest, endpoints: cached.value };
		}
		const value = defaultEndpoints(manifest.object as Endpoints, this.profileValue, {
			defaultNamespace: this.defaultNamespace,
		});
		this.endpointsCache.set(manifest, { epoch: this.optionsEpoch, value });
		return { manifest, endpoints: value };
	}

	/** The user-written EndpointSlices of a namespace labelled for a Service, defaulted. */
	endpointSlicesFor(
		namespace: string,
		serviceName: string,
	): { manifest: ParsedManifest; slice: EndpointSlice }[] {
		const d = this.derived(namespace);
		const out: { manifest: ParsedManifest; slice: EndpointSlice }[] = [];
		if (!d) {
			return out;
		}
		d.endpointSlices ??= [...this.nsEntries.get(namespace)!.endpointSlices.values()].sort(applyOrder);
		for (const manifest of d.endpointSlices) {
			const labels = (manifest.object.metadata?.labels ?? {}) as Record<string, unknown>;
			if (labels[labelServiceName] !== serviceName) {
				continue;
			}
			let cached = this.sliceCache.get(manifest);
			if (!cached || cached.epoch !== this.optionsEpoch) {
				cached = {
					epoch: this.optionsEpoch,
					value: defaultEndpointSlice(manifest.object as unknown as EndpointSlice, this.profileValue, {
						defaultNamespace: this.defaultNamespace,
					}),
				};
				this.sliceCache.set(manifest, cached);
			}
			out.push({ manifest, slice: cached.value });
		}
		return out;
	}

	/**
	 * The prediction for a Service of the workspace (by namespace and name), from the workspace alone: cached until
	 * its namespace, the Nodes or the options change. Undefined when there is no such Service or the API server would
	 * reject it.
	 */
	predict(namespace: string, name: string): ServicePrediction | undefined {
		const d = this.derived(namespace);
		if (!d) {
			return undefined;
		}
		if (d.predictions.has(name)) {
			return d.predictions.get(name);
		}
		const manifest = this.find('Service', namespace, name);
		const svc = manifest ? this.service(manifest) : undefined;
		const p = svc?.service
			? this.predictService(svc.service, manifest, { pods: this.pods(namespace), nodes: this.nodes() })
			: undefined;
		d.predictions.set(name, p);
		return p;
	}

	/**
	 * Predicts one Service (a workspace one, or a live one) over the given candidate pods and nodes, exactly as
	 * `predictWorkspace` would. Not cached: the inputs may come from a live cluster.
	 */
	predictService(service: Service, manifest: ParsedManifest | undefined, inputs: PredictionInputs): ServicePrediction {
		this.counters.predictions++;
		const namespace = service.metadata?.namespace ?? this.defaultNamespace;
		const name = service.metadata?.name ?? '';
		const endpoints = service.spec?.selector == null ? this.endpointsObject(namespace, name)?.endpoints : undefined;
		const uid = service.metadata?.uid ?? '';
		const sources = Object.create(null) as Record<string, ParsedManifest>;
		if (manifest) {
			sources[uid] = manifest;
		}
		const model: WorkspaceModel = {
			profile: this.profileValue,
			services: [service],
			endpoints: endpoints ? [endpoints] : [],
			endpointSlices: [],
			pods: [...inputs.pods],
			nodes: [...inputs.nodes],
			syntheticNodes: this.syntheticNodes,
			workloads: [],
			manifests: [],
			diagnostics: [],
			sources,
		};
		const options: PredictOptions =
			this.opts.maxEndpointsPerSlice !== undefined ? { maxEndpointsPerSlice: this.opts.maxEndpointsPerSlice } : {};
		return predictWorkspace(model, options)[0]!;
	}

	/**
	 * Every diagnostic of the file that the index itself finds: parse and validation, duplicates across files,
	 * Service defaulting, workload expansion. Each has a `range`.
	 */
	fileDiagnostics(path: string): ManifestDiagnostic[] {
		const entry = this.fileMap.get(path);
		if (!entry) {
			return [];
		}
		const out = [...entry.diagnostics];
		for (const m of entry.manifests) {
			if (!m.supported) {
				continue;
			}
			const defs = this.definitions(m);
			const i = defs.indexOf(m);
			if (i > 0) {
				out.push(duplicateDiagnostic(m, defs[i - 1]!));
			}
			if (i >= 0 && i < defs.length - 1) {
				const later = defs[defs.length - 1]!;
				out.push(
					manifestDiagnostic(
						m,
						'info',
						'duplicate-object',
						`${m.kind} ${m.namespace ? `${m.namespace}/` : ''}${m.name} is defined again in ${later.file}:${later.range.start.line + 1}; that later definition wins and this one is not used`,
						'metadata.name',
					),
				);
				continue;
			}
			if (m.kind === 'Service') {
				out.push(...this.service(m).diagnostics);
			} else if (workloadKinds.has(m.kind)) {
				out.push(...this.expand(m).diagnostics);
			}
		}
		return out;
	}

	/** A path for display: relative to the directory every indexed file shares (the file name for one file). */
	displayPath(path: string): string {
		this.commonDirValue ??= commonDirOf(this.files());
		const common = this.commonDirValue;
		return common !== '' && path.startsWith(common) && path.length > common.length ? path.slice(common.length) : path;
	}
}
