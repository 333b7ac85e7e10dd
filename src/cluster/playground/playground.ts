/**
 * The playground: an in-memory control plane that needs no kubeconfig, the default source of the tree view.
 *
 * It takes the workspace's manifests, stores the objects they define, creates pods from the workloads, drives each
 * pod through a simulated scheduler and kubelet on a clock, runs the project's EndpointSlice, Endpoints and
 * EndpointSlice-mirroring controllers after every change, and emits every object change as a watch event — exactly
 * what a store would receive from a real API server's watch streams.
 *
 * ## Changes, batches and events
 * Every change is one batch: its own writes first, then the controllers for the Services and Endpoints keys it
 * touched (see `controlPlane.ts`), until they have nothing left to do, then garbage collection. A change is a user
 * action, one `apply`, or the kubelet transitions that fall due together (at the same instant, or already overdue
 * when the timer fires): the controllers' work queues coalesce a burst of pod updates the same way, and one sync
 * per pod would cost O(pods²) for a big Deployment (`coalesceTransitions: false` gives every transition its own
 * batch). Every write — the user's, the kubelet's, the controllers' — is a watch event with the next
 * `metadata.resourceVersion` (a string integer, strictly increasing across all kinds; a DELETED event carries a
 * new one too) and the object's uid. Events are delivered synchronously, in order, after the batch; a listener may
 * call back into the playground (its events follow the current ones).
 *
 * ## The simulated kubelet (see `kubelet.ts`)
 * A pod is created Pending without a node; `scheduleMs` later it is bound (nodeName, PodScheduled); `startMs` later
 * its containers run (Running, hostIP, podIP/podIPs, Ready=False); `readyMs` later it is Ready — unless its end state
 * from the `endpointlens.io/simulate` annotation says otherwise (`notReady` stays Running and not ready, `pending`
 * never gets an IP, `failed`/`succeeded` end terminal, `terminating`/`terminatingNotReady` end marked for deletion and
 * stay so: they are the annotation's picture of a rollout, frozen). A delay of 0 runs the step before the call that
 * scheduled it returns, in a batch after that call's own. Pod IPs are the ones the workspace model chose; replacement
 * and scale-up pods get fresh ones from the profile's pod CIDRs. Timestamps come from the clock, at the API's
 * whole-second precision (so the default delays keep a pod's start and Ready in different seconds: the trigger-time
 * tracker ignores a Ready change stamped in the same second as the previous one, as upstream's does).
 *
 * ## Termination
 * `terminatePod` is a graceful delete: `deletionTimestamp` (now + `terminationGraceMs`) and
 * `deletionGracePeriodSeconds` are set and the pod keeps running — its Ready condition stays as the readiness probe
 * left it, so a ready pod is a serving, terminating, not-ready endpoint in its slice, and (upstream semantics) is
 * dropped from the v1 Endpoints unless the Service publishes not-ready addresses. When the grace period ends the pod
 * is deleted. A pod whose containers never started (or already stopped) is deleted at once. `deletePod` is a force
 * delete (grace 0).
 *
 * ## Workload controllers
 * Each workload keeps its replica slots. A pod that leaves its slot (deleted, or graceful termination started) is
 * replaced as the real controllers do: a ReplicaSet, Deployment, DaemonSet or Job creates a pod with a new name at
 * once (a terminating pod no longer counts as active); a StatefulSet re-creates the same name once the old pod is
 * gone; a bare Pod is not replaced. Scaling keeps existing pods and adds or removes slots at the end (a StatefulSet's
 * highest ordinal first); removed pods terminate gracefully. Deployment pods are owned by the ReplicaSet the workspace
 * model names. StatefulSet pods start in parallel (no OrderedReady pacing).
 *
 * ## apply
 * Like `kubectl apply --prune` of the whole set: an object the files define is created when absent, updated when its
 * manifest changed since the last apply (and left alone otherwise, whatever the controllers did to it), and objects
 * an earlier apply created that the files no longer define are deleted. Objects from a file that now has errors are
 * kept rather than pruned, so half-typed YAML does not empty the cluster. A Service keeps its allocated cluster IPs
 * across applies unless the manifest sets them. For workloads: a changed pod template (or simulate annotation) rolls
 * the pods the simple way — every old pod starts terminating and the new set is created at once (no surge pacing);
 * a changed `replicas` scales; a scale done with `scale()` survives re-applying an unchanged manifest, as with kubectl.
 * Nodes come from the files, else the model's synthetic node-1..3; deleting a Node deletes the pods bound to it.
 * Namespaces are created as objects need them and deleted once unused.
 *
 * ## Errors
 * `apply` never throws: problems come back as diagnostics. The per-object actions (`scale`, `deletePod`,
 * `terminatePod`, `setPodReady`, `removeAllPods`) throw a {@link PlaygroundError} naming the object when it does not
 * exist or the request cannot apply, before changing anything.
 */
import { isPodReady } from '../../core/controllers/podUtil';
import type { ClusterProfile, Workload } from '../../core/k8s/defaulting';
import { allocateIPFromCIDR, cloneJSON, clusterFamilies, resolveClusterProfile } from '../../core/k8s/defaulting';
import { generateName } from '../../core/k8s/names';
import { selectorMatches } from '../../core/k8s/selector';
import type { ObjectMeta, Pod, PodTemplateSpec, Service, ServiceSpec, TypedObject } from '../../core/k8s/types';
import type { ManifestDiagnostic } from '../../core/manifests/parse';
import type { WorkloadModel, WorkspaceFile, WorkspaceModel } from '../../core/manifests/workspace';
import { buildWorkspaceModel } from '../../core/manifests/workspace';
import { eligibleNodes, expandWorkload, stableJSON, workloadKey } from '../../core/manifests/workloads';
import type { ListEvent, ResourceKind, ResourceTypes, WatchEvent } from '../../core/store/types';
import type { PodTarget } from './kubelet';
import {
	apiTime,
	containersCreatingStatus,
	createdStatus,
	hostIPOf,
	isReplicaTarget,
	podIPsOf,
	readinessStatus,
	scheduledStatus,
	startedStatus,
	targetOf,
	unschedulableStatus,
} from './kubelet';
import { ControlPlane } from './controlPlane';
import { ObjectStore, keyOf, objectKey } from './objectStore';
import type { PlaygroundClock, Task } from './scheduler';
import { TaskQueue, realClock } from './scheduler';

export type { PlaygroundClock } from './scheduler';

/** Simulated delays, in milliseconds of clock time. 0 runs the step at once. */
export interface PlaygroundKubeletOptions {
	/** Creation → bound to a node. Default 300. */
	scheduleMs?: number;
	/** Bound → containers running with an IP (not ready yet). Default 700. */
	startMs?: number;
	/**
	 * Running → Ready (the readiness probe passes). Default 1000: the API's timestamps have whole seconds, and the
	 * trigger-time tracker only sees a Ready change stamped in a later second than the previous one.
	 */
	readyMs?: number;
	/** Graceful termination → deleted. Default 2000. */
	terminationGraceMs?: number;
}

export interface PlaygroundOptions {
	/** Default: wall-clock time and Node's timers. */
	clock?: PlaygroundClock;
	kubelet?: PlaygroundKubeletOptions;
	/** `--max-endpoints-per-slice`, 1..1000. Default 100. */
	maxEndpointsPerSlice?: number;
	/** The cluster: families and CIDRs. `now` defaults to the clock's time at construction. */
	profile?: Partial<ClusterProfile>;
	/** Namespace of objects that name none. Default "default". */
	defaultNamespace?: string;
	/**
	 * Run the kubelet transitions that fall due at the same instant as one change (one controller batch), as the
	 * controllers' work queues coalesce a burst of pod updates into few syncs. Default true; false gives every
	 * transition its own batch (and costs one controller sync per pod: slow for hundreds of pods).
	 */
	coalesceTransitions?: boolean;
	/** Receives what a listener or a timer task threw. Default: `console.error`. */
	onError?: (error: unknown) => void;
}

/** What one `apply` did. */
export interface PlaygroundApplyResult {
	/** The workspace model's diagnostics, plus problems with the input itself. */
	diagnostics: ManifestDiagnostic[];
	/** Objects the files define that were created: Services, Endpoints, slices, Nodes, Namespaces, workloads. */
	created: number;
	/** Of those, the ones whose manifest changed since the previous apply. */
	updated: number;
	/** Objects an earlier apply created that the files no longer define. */
	deleted: number;
}

/** A workload (or bare Pod) as the playground runs it. */
export interface PlaygroundWorkload {
	kind: string;
	namespace: string;
	name: string;
	/** Desired replicas (pods beyond them, such as simulated terminating ones, are not counted). */
	replicas: number;
	/** Names of the Services in the workload's namespace whose selector picks its pods. */
	selectedBy: string[];
	/** Names of its pods, terminating ones included. */
	pods: string[];
}

/** A user action that cannot apply: an unknown pod, Service or workload, or an invalid argument. */
export class PlaygroundError extends Error {
	override readonly name = 'PlaygroundError';
}

interface Slot {
	/** Position in the workload: a StatefulSet's ordinal minus its start, a DaemonSet's node index, … */
	index: number;
	/** The state pods created for this slot end in. */
	state: PodTarget;
	/** The current pod, while it runs and is not terminating. */
	pod?: string;
	/** A pod of this name must be gone before the slot's pod can be created (StatefulSets, bare Pods). */
	waitingFor?: string;
	/** The pod to create once `waitingFor` is gone. */
	template?: Pod;
}

interface WorkloadRecord {
	kind: string;
	namespace: string;
	name: string;
	key: string;
	/** The defaulted workload object, re-expanded for replacements and scale-ups. */
	object: TypedObject;
	fingerprint: string;
	/** Replicas the manifest asked for at the last apply (a scale survives an unchanged re-apply). */
	modelReplicas: number;
	slots: Slot[];
	/** Pods beyond the replicas (simulated terminating, failed, succeeded), by name. */
	extras: Set<string>;
	/** Labels of the workload's pods (for `selectedBy` and `removeAllPods`). */
	podLabels: Record<string, string>;
	/** Every pod name it used: replacements get new names (except StatefulSets and bare Pods). */
	usedNames: Set<string>;
	/** Bumped for every generated name and IP seed. */
	serial: number;
	file: string;
}

type Stage = 'created' | 'scheduled' | 'running' | 'stopped';

interface PodRecord {
	key: string;
	namespace: string;
	name: string;
	target: PodTarget;
	stage: Stage;
	/** The pod reached its end state before running (simulated `pending`): `setPodReady` resumes it. */
	parked: boolean;
	nodeName: string | undefined;
	/** `spec.nodeName` was written in the manifest: the scheduler is bypassed. */
	pinned: boolean;
	hostIP: string | undefined;
	/** The IPs it runs (or will run) with. */
	ips: string[];
	workload: WorkloadRecord | undefined;
	slot: Slot | undefined;
	tasks: Task[];
	readyTask: Task | undefined;
	deletion: Task | undefined;
}

interface AppliedEntry {
	kind: ResourceKind;
	key: string;
	fingerprint: string;
	file: string;
}

const scalableKinds = new Set(['Deployment', 'ReplicaSet', 'StatefulSet']);
const workloadKinds = ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod'];
const maxReplicas = 10000;

/** An object's content without what the API server sets (uid, timestamps, resourceVersion, generation). */
function fingerprint(obj: TypedObject): string {
	const meta: ObjectMeta = { ...obj.metadata };
	delete meta.uid;
	delete meta.creationTimestamp;
	delete meta.resourceVersion;
	delete meta.generation;
	return stableJSON({ ...obj, metadata: meta });
}

/**
 * What a change of which rolls a workload's pods: the defaulted spec without `replicas` plus the simulate annotation;
 * for a bare Pod, the manifest as written.
 */
function workloadFingerprint(wm: WorkloadModel): string {
	if (wm.kind === 'Pod') {
		return stableJSON(wm.manifest.object);
	}
	const spec = { ...((wm.object as { spec?: Record<string, unknown> }).spec ?? {}) };
	delete spec['replicas'];
	return stableJSON({ spec, simulate: wm.object.metadata?.annotations?.['endpointlens.io/simulate'] ?? null });
}

/** The labels of the pods a workload creates, from its pod template. */
function templateLabels(obj: TypedObject): Record<string, string> {
	const spec = (
		obj as { spec?: { template?: PodTemplateSpec; jobTemplate?: { spec?: { template?: PodTemplateSpec } } } }
	).spec;
	if (obj.kind === 'Pod') {
		return { ...(obj.metadata?.labels ?? {}) };
	}
	const template = obj.kind === 'CronJob' ? spec?.jobTemplate?.spec?.template : spec?.template;
	return { ...(template?.metadata?.labels ?? {}) };
}

/** The workload with `count` pods asked for (replicas, or a Job's parallelism). */
function withPodCount(obj: TypedObject, count: number): TypedObject {
	const copy = cloneJSON(obj) as TypedObject & { spec?: Record<string, unknown> };
	const spec = (copy.spec ??= {});
	const jobSpec = (s: Record<string, unknown>) => {
		s['parallelism'] = count;
		if (typeof s['completions'] === 'number') {
			s['completions'] = Math.max(s['completions'], count);
		}
		s['suspend'] = false;
	};
	switch (copy.kind) {
		case 'Deployment':
		case 'ReplicaSet':
		case 'StatefulSet':
			spec['replicas'] = count;
			break;
		case 'Job':
			jobSpec(spec);
			break;
		case 'CronJob': {
			spec['suspend'] = false;
			const jt = (spec['jobTemplate'] ??= {}) as Record<string, unknown>;
			jobSpec((jt['spec'] ??= {}) as Record<string, unknown>);
			break;
		}
	}
	return copy;
}

function nonNegative(value: number | undefined, fallback: number, what: string): number {
	if (value === undefined) {
		return fallback;
	}
	if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
		throw new RangeError(`${what} must be a finite number of milliseconds ≥ 0, got ${String(value)}`);
	}
	return value;
}

export class PlaygroundCluster {
	private readonly clock: PlaygroundClock;
	private readonly delays: Required<PlaygroundKubeletOptions>;
	private readonly profile: ClusterProfile;
	private readonly defaultNamespace: string;
	private readonly onError: (error: unknown) => void;
	private readonly coalesce: boolean;
	private readonly controlPlane: ControlPlane;
	private readonly store: ObjectStore;
	private readonly queue: TaskQueue;
	private readonly listeners = new Set<(e: WatchEvent) => void>();
	private readonly podRecords = new Map<string, PodRecord>();
	private readonly workloadRecords = new Map<string, WorkloadRecord>();
	private readonly applied = new Map<string, AppliedEntry>();
	private desiredNamespaces = new Set<string>();
	private flushing = false;
	private draining = false;
	private drainEverything = false;
	private disposed = false;
	/** Set while a batch runs: everything in it happens at this instant. */
	private batchTime: number | undefined;

	constructor(options: PlaygroundOptions = {}) {
		this.clock = options.clock ?? realClock;
		const k = options.kubelet ?? {};
		this.delays = {
			scheduleMs: nonNegative(k.scheduleMs, 300, 'kubelet.scheduleMs'),
			startMs: nonNegative(k.startMs, 700, 'kubelet.startMs'),
			readyMs: nonNegative(k.readyMs, 1000, 'kubelet.readyMs'),
			terminationGraceMs: nonNegative(k.terminationGraceMs, 2000, 'kubelet.terminationGraceMs'),
		};
		const max = options.maxEndpointsPerSlice ?? 100;
		if (!Number.isInteger(max) || max < 1 || max > 1000) {
			throw new RangeError(`maxEndpointsPerSlice must be an integer between 1 and 1000, got ${String(max)}`);
		}
		this.profile = resolveClusterProfile({
			...options.profile,
			now: options.profile?.now ?? apiTime(this.clock.now()),
		});
		this.defaultNamespace = options.defaultNamespace || 'default';
		this.coalesce = options.coalesceTransitions ?? true;
		this.desiredNamespaces.add(this.defaultNamespace);
		this.onError = options.onError ?? ((e) => console.error('endpoint-lens playground:', e));
		this.store = new ObjectStore((kind, type, before, after) =>
			this.controlPlane.noteWrite(kind, type, before, after),
		);
		this.controlPlane = new ControlPlane(
			this.store,
			(kind, obj) => this.createObject(kind, obj, undefined),
			(e) => this.onError(e),
			{ maxEndpointsPerSlice: max },
		);
		this.queue = new TaskQueue(this.clock, () => this.runTasks(false));
		this.batch(() => this.ensureNamespace(this.defaultNamespace));
	}

	// -----------------------------------------------------------------------------------------------------------
	// Watching

	/** Calls `listener` with every change from now on, in order. Events are copies: changing them changes nothing. */
	onEvent(listener: (e: WatchEvent) => void): { dispose(): void } {
		this.listeners.add(listener);
		return { dispose: () => this.listeners.delete(listener) };
	}

	/** The current state: one LIST per kind (`resourceKinds` order), objects sorted by namespace and name. */
	snapshot(): ListEvent[] {
		return this.store.snapshot();
	}

	/** The latest resourceVersion handed out. */
	get resourceVersion(): string {
		return this.store.resourceVersion;
	}

	/** Copies of every object of a kind, optionally in one namespace, sorted by namespace and name. */
	list<K extends ResourceKind>(kind: K, namespace?: string): ResourceTypes[K][] {
		return this.store
			.sorted(kind)
			.filter((o) => namespace === undefined || (o.metadata?.namespace ?? '') === namespace)
			.map((o) => cloneJSON(o));
	}

	/** A copy of one object, or undefined. `namespace` is ignored for Nodes and Namespaces. */
	get<K extends ResourceKind>(kind: K, namespace: string | undefined, name: string): ResourceTypes[K] | undefined {
		const o = this.store.get(kind, objectKey(kind, namespace, name));
		return o ? cloneJSON(o) : undefined;
	}

	/** Copies of every pod, sorted by namespace and name. */
	pods(): Pod[] {
		return this.list('Pod');
	}

	/** The workloads (and bare Pods) of the applied files, sorted by namespace, kind and name. */
	workloads(): PlaygroundWorkload[] {
		const podsBy = new Map<WorkloadRecord, string[]>();
		for (const rec of this.podRecords.values()) {
			if (rec.workload) {
				const list = podsBy.get(rec.workload) ?? [];
				list.push(rec.name);
				podsBy.set(rec.workload, list);
			}
		}
		return [...this.workloadRecords.values()]
			.sort((a, b) => cmp(a.namespace, b.namespace) || cmp(a.kind, b.kind) || cmp(a.name, b.name))
			.map((w) => ({
				kind: w.kind,
				namespace: w.namespace,
				name: w.name,
				replicas: w.slots.length,
				selectedBy: this.store
					.list('Service', w.namespace)
					.filter((s) => s.spec?.type !== 'ExternalName' && selectorMatches(s.spec?.selector, w.podLabels))
					.map((s) => s.metadata?.name ?? '')
					.sort(),
				pods: (podsBy.get(w) ?? []).sort(),
			}));
	}

	/** Kubelet transitions and deletions still scheduled. */
	get pendingTransitions(): number {
		return this.queue.size;
	}

	// -----------------------------------------------------------------------------------------------------------
	// Applying manifests

	/**
	 * Applies the whole set of files like `kubectl apply --prune` (see the module header). Never throws: problems with
	 * the input or the manifests come back as diagnostics.
	 */
	apply(files: readonly WorkspaceFile[]): PlaygroundApplyResult {
		const diagnostics: ManifestDiagnostic[] = [];
		const result: PlaygroundApplyResult = { diagnostics, created: 0, updated: 0, deleted: 0 };
		if (this.disposed) {
			diagnostics.push(inputDiagnostic('<playground>', 'the playground was disposed; nothing was applied'));
			return result;
		}
		const valid: WorkspaceFile[] = [];
		if (!Array.isArray(files)) {
			diagnostics.push(inputDiagnostic('<input>', 'apply() takes a list of {path, text} files'));
			return result;
		}
		files.forEach((f: unknown, i) => {
			const file = f as Partial<WorkspaceFile> | null;
			if (file && typeof file.path === 'string' && typeof file.text === 'string') {
				valid.push({ path: file.path, text: file.text });
			} else {
				diagnostics.push(
					inputDiagnostic(`<input ${i}>`, `file ${i} is not a {path, text} pair of strings; skipped`),
				);
			}
		});
		let model: WorkspaceModel;
		try {
			model = buildWorkspaceModel(valid, { profile: this.profile, defaultNamespace: this.defaultNamespace });
		} catch (e) {
			diagnostics.push(
				inputDiagnostic(valid[0]?.path ?? '<input>', `the manifests could not be read: ${errorText(e)}`),
			);
			return result;
		}
		for (const d of model.diagnostics) {
			diagnostics.push(d); // not push(...): there may be more than the call stack holds
		}
		const brokenFiles = new Set(diagnostics.filter((d) => d.severity === 'error').map((d) => d.file));
		try {
			this.mutate(() => this.applyModel(model, brokenFiles, result));
		} catch (e) {
			// A bug, not bad input: report it, and keep the promise that apply() does not throw.
			this.onError(e);
			diagnostics.push(
				inputDiagnostic('<playground>', `the playground failed to apply the files: ${errorText(e)}`),
			);
		}
		return result;
	}

	private applyModel(model: WorkspaceModel, brokenFiles: Set<string>, counts: PlaygroundApplyResult): void {
		const desired = new Set<string>();
		const count = (outcome: 'created' | 'updated' | undefined) => {
			if (outcome) {
				counts[outcome]++;
			}
		};
		const fileOf = (uid: string | undefined) => (uid ? (model.sources[uid]?.file ?? '') : '');

		// Namespaces: those the files define, and those their objects live in.
		const namespaces = new Set<string>([this.defaultNamespace]);
		for (const m of model.manifests) {
			if (m.kind === 'Namespace' && m.name) {
				namespaces.add(m.name);
				const labels = { ...(m.object.metadata?.labels ?? {}), 'kubernetes.io/metadata.name': m.name };
				const ns: TypedObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: m.name, labels } };
				desired.add(`Namespace/${m.name}`);
				count(this.applyObject('Namespace', namespaceObject(ns), m.file));
			}
		}
		for (const o of [...model.services, ...model.endpoints, ...model.endpointSlices]) {
			namespaces.add(o.metadata?.namespace ?? this.defaultNamespace);
		}
		for (const w of model.workloads) {
			namespaces.add(w.namespace ?? this.defaultNamespace);
		}
		this.desiredNamespaces = namespaces;
		for (const ns of namespaces) {
			this.ensureNamespace(ns);
		}

		for (const node of model.nodes) {
			desired.add(appliedKey('Node', node));
			count(this.applyObject('Node', node, model.syntheticNodes ? '' : fileOf(node.metadata?.uid)));
		}
		for (const svc of model.services) {
			desired.add(appliedKey('Service', svc));
			const live = this.store.get('Service', keyOf('Service', svc));
			const raw = model.sources[svc.metadata?.uid ?? '']?.object;
			count(this.applyObject('Service', keepClusterIPs(svc, live, raw), fileOf(svc.metadata?.uid)));
		}
		for (const ep of model.endpoints) {
			desired.add(appliedKey('Endpoints', ep));
			count(this.applyObject('Endpoints', ep, fileOf(ep.metadata?.uid)));
		}
		for (const slice of model.endpointSlices) {
			desired.add(appliedKey('EndpointSlice', slice));
			count(this.applyObject('EndpointSlice', slice, fileOf(slice.metadata?.uid)));
		}
		const desiredWorkloads = new Set<string>();
		for (const wm of model.workloads) {
			desiredWorkloads.add(workloadKey(wm.kind, wm.namespace, wm.name));
			count(this.applyWorkload(wm));
		}

		// Prune, workloads first (their pods terminate), Nodes last.
		for (const w of [...this.workloadRecords.values()]) {
			if (desiredWorkloads.has(w.key) || brokenFiles.has(w.file)) {
				continue;
			}
			this.workloadRecords.delete(w.key);
			this.stopWorkload(w);
			counts.deleted++;
		}
		const order: ResourceKind[] = ['EndpointSlice', 'Endpoints', 'Service', 'Namespace', 'Node'];
		const stale = [...this.applied.entries()]
			.filter(([key, entry]) => !desired.has(key) && !brokenFiles.has(entry.file))
			.sort(([, a], [, b]) => order.indexOf(a.kind) - order.indexOf(b.kind));
		for (const [key, entry] of stale) {
			this.applied.delete(key);
			if (entry.kind === 'Namespace') {
				// Deleted once empty (cleanupNamespaces), like any namespace nothing needs.
				continue;
			}
			if (this.store.get(entry.kind, entry.key)) {
				counts.deleted++;
				this.store.delete(entry.kind, entry.key);
				if (entry.kind === 'Node') {
					this.evictPodsOf(entry.key);
				}
			}
		}
	}

	/** Creates or updates one object the files define; undefined when it is unchanged since the last apply. */
	private applyObject<K extends ResourceKind>(
		kind: K,
		obj: ResourceTypes[K],
		file: string,
	): 'created' | 'updated' | undefined {
		const key = keyOf(kind, obj);
		const entryKey = appliedKey(kind, obj);
		const print = fingerprint(obj);
		const previous = this.applied.get(entryKey);
		this.applied.set(entryKey, { kind, key, fingerprint: print, file });
		if (!this.store.get(kind, key)) {
			this.createObject(kind, obj, obj.metadata?.uid);
			return 'created';
		}
		if (previous?.fingerprint === print) {
			return undefined;
		}
		this.store.update(kind, obj);
		return 'updated';
	}

	private applyWorkload(wm: WorkloadModel): 'created' | 'updated' | undefined {
		const key = workloadKey(wm.kind, wm.namespace, wm.name);
		const asWritten = wm.kind === 'Pod' && (wm.manifest.object as { status?: unknown }).status !== undefined;
		const targets: PodTarget[] = wm.pods.map((p) => (asWritten ? 'asWritten' : targetOf(p)));
		const replicas = targets.filter((t) => t === 'asWritten' || isReplicaTarget(t)).length;
		const print = workloadFingerprint(wm);
		let w = this.workloadRecords.get(key);
		if (!w) {
			w = {
				kind: wm.kind,
				namespace: wm.namespace ?? this.defaultNamespace,
				name: wm.name,
				key,
				object: wm.object,
				fingerprint: print,
				modelReplicas: replicas,
				slots: [],
				extras: new Set(),
				podLabels: { ...(wm.pods[0]?.metadata?.labels ?? templateLabels(wm.object)) },
				usedNames: new Set(),
				serial: 0,
				file: wm.manifest.file,
			};
			this.workloadRecords.set(key, w);
			this.startPods(w, wm, targets);
			return 'created';
		}
		w.file = wm.manifest.file;
		if (w.fingerprint !== print) {
			this.rollWorkload(w, wm, targets, print, replicas);
			return 'updated';
		}
		if (w.modelReplicas !== replicas) {
			w.modelReplicas = replicas;
			w.object = wm.object;
			this.scaleWorkload(w, replicas);
			return 'updated';
		}
		if (w.kind === 'Pod' && w.slots.length === 0 && w.extras.size === 0) {
			// kubectl apply re-creates a bare Pod that was deleted.
			this.startPods(w, wm, targets);
			return 'created';
		}
		return undefined;
	}

	/** Creates a workload's pods as the workspace model built them: replica slots first, then extras. */
	private startPods(w: WorkloadRecord, wm: WorkloadModel, targets: PodTarget[]): void {
		const pinned = w.kind === 'Pod' && !!(wm.manifest.object as Pod).spec?.nodeName;
		wm.pods.forEach((pod, i) => {
			const target = targets[i]!;
			if (target === 'asWritten' || isReplicaTarget(target)) {
				const slot: Slot = { index: w.slots.length, state: target === 'unschedulable' ? 'ready' : target };
				w.slots.push(slot);
				this.spawn(w, slot, pod, target, { keepIPs: true, pinned });
			} else {
				this.spawn(w, undefined, pod, target, { keepIPs: true, pinned });
			}
		});
	}

	/** A changed template: every current pod starts terminating, and the new set is created at once. */
	private rollWorkload(
		w: WorkloadRecord,
		wm: WorkloadModel,
		targets: PodTarget[],
		print: string,
		replicas: number,
	): void {
		this.stopWorkload(w);
		w.slots = [];
		w.extras = new Set();
		w.object = wm.object;
		w.fingerprint = print;
		w.modelReplicas = replicas;
		w.podLabels = { ...(wm.pods[0]?.metadata?.labels ?? templateLabels(wm.object)) };
		this.startPods(w, wm, targets);
	}

	/** Terminates every pod of a workload without replacing any. */
	private stopWorkload(w: WorkloadRecord): void {
		const names = new Set<string>(w.extras);
		for (const slot of w.slots) {
			if (slot.pod) {
				names.add(slot.pod);
			}
			slot.waitingFor = undefined;
			slot.template = undefined;
		}
		w.slots = [];
		w.extras.clear();
		for (const name of [...names].sort()) {
			const rec = this.podRecords.get(`${w.namespace}/${name}`);
			if (rec) {
				rec.slot = undefined;
				this.terminate(rec, false);
			}
		}
	}

	// -----------------------------------------------------------------------------------------------------------
	// User actions

	/**
	 * Sets a Deployment's, ReplicaSet's or StatefulSet's replicas: existing pods stay, slots are added or removed at
	 * the end (a StatefulSet's highest ordinals go first), removed pods terminate gracefully.
	 * @throws PlaygroundError for an unknown workload, a kind that cannot be scaled, or a bad count
	 */
	scale(kind: string, namespace: string, name: string, replicas: number): void {
		this.assertUsable();
		const w = this.requireWorkload(kind, namespace, name);
		if (!scalableKinds.has(w.kind)) {
			throw new PlaygroundError(
				`${w.kind} ${w.namespace}/${w.name} cannot be scaled (only Deployments, ReplicaSets, StatefulSets)`,
			);
		}
		if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0 || replicas > maxReplicas) {
			throw new PlaygroundError(
				`cannot scale ${w.kind} ${w.namespace}/${w.name} to ${String(replicas)}: ` +
					`replicas must be an integer from 0 to ${maxReplicas}`,
			);
		}
		this.mutate(() => this.scaleWorkload(w, replicas));
	}

	/**
	 * Force-deletes a pod (grace period 0). Its workload's controller replaces it: a new name for ReplicaSet-like
	 * pods, the same name for a StatefulSet's; a bare Pod is gone.
	 * @throws PlaygroundError when the pod does not exist
	 */
	deletePod(namespace: string, name: string): void {
		this.assertUsable();
		const rec = this.requirePod(namespace, name);
		this.mutate(() => this.deleteNow(rec));
	}

	/**
	 * Deletes a pod gracefully: it is marked for deletion and keeps running (a serving, terminating endpoint while
	 * ready) until `terminationGraceMs` have passed, then it is deleted. Its workload replaces it (see the module
	 * header for when). A pod already terminating is left alone; a simulated terminating pod starts its countdown.
	 * @throws PlaygroundError when the pod does not exist
	 */
	terminatePod(namespace: string, name: string): void {
		this.assertUsable();
		const rec = this.requirePod(namespace, name);
		this.mutate(() => this.terminate(rec, true));
	}

	/**
	 * Makes a running pod's readiness probe pass or fail (Ready and ContainersReady follow). For a pod whose
	 * containers have not started yet, sets the readiness it will reach; a simulated `pending` pod starts.
	 * @throws PlaygroundError when the pod does not exist, has terminated (Failed/Succeeded) or can never be scheduled
	 */
	setPodReady(namespace: string, name: string, ready: boolean): void {
		this.assertUsable();
		const rec = this.requirePod(namespace, name);
		const pod = this.store.get('Pod', rec.key)!;
		const phase = pod.status?.phase;
		if (phase === 'Failed' || phase === 'Succeeded') {
			throw new PlaygroundError(`Pod ${rec.key} has terminated (phase ${phase}); its readiness cannot change`);
		}
		if (rec.target === 'unschedulable') {
			throw new PlaygroundError(`Pod ${rec.key} cannot be scheduled on any node; it never runs`);
		}
		this.mutate(() => this.changeReadiness(rec, ready === true));
	}

	/**
	 * "No pods left" for a Service: every workload whose pods it selects is scaled to 0 and every other pod it selects
	 * is deleted, all gracefully. Does nothing for a Service without a selector.
	 * @throws PlaygroundError when the Service does not exist
	 */
	removeAllPods(namespace: string, serviceName: string): void {
		this.assertUsable();
		const svc = this.store.get('Service', `${namespace}/${serviceName}`);
		if (!svc) {
			throw new PlaygroundError(`Service ${namespace}/${serviceName} does not exist in the playground`);
		}
		const selector = svc.spec?.selector;
		if (selector === undefined || selector === null) {
			return;
		}
		this.mutate(() => {
			for (const w of this.workloadRecords.values()) {
				if (w.namespace !== namespace) {
					continue;
				}
				const selectsPods = [...this.podRecords.values()].some(
					(r) =>
						r.workload === w && selectorMatches(selector, this.store.get('Pod', r.key)?.metadata?.labels),
				);
				if (selectorMatches(selector, w.podLabels) || selectsPods) {
					this.stopWorkload(w);
				}
			}
			for (const pod of this.store.list('Pod', namespace)) {
				const rec = this.podRecords.get(keyOf('Pod', pod));
				if (rec && !rec.deletion && selectorMatches(selector, pod.metadata?.labels)) {
					this.terminate(rec, false);
				}
			}
		});
	}

	/** Runs every scheduled kubelet transition and deletion now, in order (timestamps are the clock's now). */
	settle(): void {
		this.assertUsable();
		this.runTasks(true);
	}

	/** Stops the timers and drops the listeners. The playground cannot be used afterwards. */
	dispose(): void {
		this.disposed = true;
		this.queue.dispose();
		this.listeners.clear();
	}

	// -----------------------------------------------------------------------------------------------------------
	// Workload controllers

	private scaleWorkload(w: WorkloadRecord, replicas: number): void {
		const added: Slot[] = [];
		while (w.slots.length < replicas) {
			const slot: Slot = { index: w.slots.length, state: 'ready' };
			w.slots.push(slot);
			added.push(slot);
		}
		this.fillSlots(w, added);
		while (w.slots.length > replicas) {
			const slot = w.slots.pop()!;
			slot.waitingFor = undefined;
			slot.template = undefined;
			const rec = slot.pod ? this.podRecords.get(`${w.namespace}/${slot.pod}`) : undefined;
			slot.pod = undefined;
			if (rec) {
				rec.slot = undefined;
				this.terminate(rec, false);
			}
		}
	}

	/** Creates the pods of empty slots from the workload's current template (expanded once for all of them). */
	private fillSlots(w: WorkloadRecord, slots: readonly Slot[]): void {
		if (w.kind === 'Pod') {
			w.slots = w.slots.filter((s) => !slots.includes(s));
			return;
		}
		if (slots.length === 0) {
			return;
		}
		const count = Math.max(...slots.map((s) => s.index)) + 1;
		const expansion = expandWorkload(withPodCount(w.object, count) as Workload, {
			profile: this.profile,
			nodes: this.store.list('Node'),
			allocatedIPs: this.liveIPs(),
			simulate: { ready: count },
			defaultNamespace: this.defaultNamespace,
		});
		for (const slot of slots) {
			const template = expansion.pods[slot.index];
			if (template && !slot.pod) {
				this.spawn(w, slot, template, slot.state, { keepIPs: false, pinned: false });
			}
		}
	}

	/** A pod left its slot: the workload's controller creates a replacement (a bare Pod's slot just goes). */
	private refill(w: WorkloadRecord, slot: Slot): void {
		if (this.workloadRecords.get(w.key) !== w || !w.slots.includes(slot)) {
			return;
		}
		this.fillSlots(w, [slot]);
	}

	/** Creates the slots waiting for `namespace/name` to be gone. */
	private releaseWaiters(namespace: string, name: string): void {
		for (const w of this.workloadRecords.values()) {
			if (w.namespace !== namespace) {
				continue;
			}
			for (const slot of w.slots) {
				if (slot.waitingFor === name && !slot.pod) {
					const template = slot.template;
					slot.waitingFor = undefined;
					slot.template = undefined;
					if (template) {
						this.spawn(w, slot, template, slot.state, {
							keepIPs: false,
							pinned: w.kind === 'Pod' && !!template.spec?.nodeName,
						});
					} else {
						this.fillSlots(w, [slot]);
					}
				}
			}
		}
	}

	// -----------------------------------------------------------------------------------------------------------
	// Pods and the kubelet

	/**
	 * Creates a pod from `template` (a pod as the workspace model builds it) and starts its kubelet timeline. A
	 * StatefulSet or bare Pod whose name is still taken waits for it; other pods get a new name.
	 */
	private spawn(
		w: WorkloadRecord | undefined,
		slot: Slot | undefined,
		template: Pod,
		target: PodTarget,
		options: { keepIPs: boolean; pinned: boolean },
	): void {
		const namespace = template.metadata?.namespace ?? this.defaultNamespace;
		let name = template.metadata?.name ?? '';
		const fixedName = !w || w.kind === 'StatefulSet' || w.kind === 'Pod';
		const taken = (n: string) => !!this.store.get('Pod', `${namespace}/${n}`);
		if (fixedName && taken(name)) {
			if (slot) {
				slot.waitingFor = name;
				slot.template = template;
			}
			return;
		}
		let renamed = false;
		if (w && !fixedName && (taken(name) || w.usedNames.has(name))) {
			const prefix = template.metadata?.generateName ?? `${w.name}-`;
			const names = new Set([
				...w.usedNames,
				...this.store.list('Pod', namespace).map((p) => p.metadata?.name ?? ''),
			]);
			name = generateName(prefix, `${w.key}/${w.serial++}`, names);
			renamed = true;
		}
		w?.usedNames.add(name);

		const key = `${namespace}/${name}`;
		// A pod no node can take never runs; one without a node in the template is such a pod.
		const effective: PodTarget = target === 'asWritten' || template.spec?.nodeName ? target : 'unschedulable';
		// The model's IPs are kept for the pods it built, unless another live pod holds them by now; replacements and
		// scale-ups get fresh ones.
		const live = this.liveIPs();
		let ips = podIPsOf(template);
		if (effective === 'unschedulable') {
			ips = [];
		} else if (!options.keepIPs || renamed || ips.some((ip) => live.has(ip))) {
			ips = ips.length > 0 || !options.keepIPs ? this.allocateIPs(`${key}#${w ? w.serial++ : 0}`, live) : [];
		}
		const meta = template.metadata ?? {};
		const pod: Pod = {
			apiVersion: 'v1',
			kind: 'Pod',
			metadata: {
				name,
				...(meta.generateName ? { generateName: meta.generateName } : {}),
				namespace,
				...(meta.labels ? { labels: { ...meta.labels } } : {}),
				...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
				...(meta.ownerReferences ? { ownerReferences: cloneJSON(meta.ownerReferences) } : {}),
			},
			spec: cloneJSON(template.spec ?? {}),
			status: createdStatus(),
		};
		const nodeName = template.spec?.nodeName;
		if (effective === 'asWritten') {
			pod.metadata = { ...cloneJSON(meta), ...pod.metadata };
			delete pod.metadata!.uid;
			pod.status = cloneJSON(template.status ?? {});
		} else if (!options.pinned) {
			delete pod.spec!.nodeName;
		}
		const rec: PodRecord = {
			key,
			namespace,
			name,
			target: effective,
			stage: 'created',
			parked: false,
			nodeName,
			pinned: options.pinned,
			hostIP: undefined,
			ips,
			workload: w,
			slot,
			tasks: [],
			readyTask: undefined,
			deletion: undefined,
		};
		this.podRecords.set(key, rec);
		if (slot) {
			slot.pod = name;
		} else if (w) {
			w.extras.add(name);
		}
		this.createObject('Pod', pod, renamed ? undefined : meta.uid);
		if (effective === 'asWritten') {
			rec.stage = pod.status?.phase === 'Running' ? 'running' : 'stopped';
			return;
		}
		this.after(rec, this.delays.scheduleMs, () => this.stepSchedule(rec));
	}

	/** Schedules a kubelet step for a pod; it is skipped if the pod is gone by then. */
	private after(rec: PodRecord, ms: number, step: () => void): Task {
		const task = this.queue.schedule(
			ms,
			() => {
				if (this.podRecords.get(rec.key) === rec) {
					step();
				}
			},
			this.nowMs(),
		);
		rec.tasks.push(task);
		return task;
	}

	private cancelKubelet(rec: PodRecord): void {
		for (const t of rec.tasks) {
			t.cancelled = true;
		}
		rec.tasks = [];
		rec.readyTask = undefined;
	}

	/** The time of the current batch (a batch happens at one instant), else the clock's. */
	private nowMs(): number {
		return this.batchTime ?? this.clock.now();
	}

	private now(): string {
		return apiTime(this.nowMs());
	}

	private livePod(rec: PodRecord): Pod {
		return cloneJSON(this.store.get('Pod', rec.key)!);
	}

	/** The scheduler binds the pod (or reports that no node fits). */
	private stepSchedule(rec: PodRecord): void {
		const pod = this.livePod(rec);
		const nodes = this.store.list('Node');
		let nodeName = rec.nodeName;
		if (rec.target !== 'unschedulable' && !rec.pinned && (!nodeName || !this.store.get('Node', nodeName))) {
			nodeName = this.pickNode(pod);
		}
		if (rec.target === 'unschedulable' || !nodeName) {
			rec.target = 'unschedulable';
			pod.status = unschedulableStatus(pod, nodes.length, this.now());
			this.store.update('Pod', pod);
			return;
		}
		rec.nodeName = nodeName;
		rec.hostIP = hostIPOf(this.store.get('Node', nodeName), this.profile.primaryFamily);
		pod.spec = { ...pod.spec, nodeName };
		pod.status = scheduledStatus(pod, this.now());
		rec.stage = 'scheduled';
		this.store.update('Pod', pod);
		this.after(rec, this.delays.startMs, () => this.stepStart(rec));
	}

	/** The kubelet starts the containers (or, for a simulated `pending` pod, reports them not started, and stops). */
	private stepStart(rec: PodRecord): void {
		const pod = this.livePod(rec);
		const now = this.now();
		if (rec.target === 'pending') {
			pod.status = containersCreatingStatus(pod, rec.hostIP, now);
			rec.parked = true;
			this.store.update('Pod', pod);
			return;
		}
		rec.parked = false;
		if (rec.ips.length === 0) {
			rec.ips = this.allocateIPs(`${rec.key}#start`, this.liveIPs());
		}
		const phase = rec.target === 'failed' ? 'Failed' : rec.target === 'succeeded' ? 'Succeeded' : 'Running';
		pod.status = startedStatus(pod, { hostIP: rec.hostIP, ips: rec.ips, phase, now });
		rec.stage = phase === 'Running' ? 'running' : 'stopped';
		this.store.update('Pod', pod);
		if (rec.target === 'ready' || rec.target === 'terminating') {
			rec.readyTask = this.after(rec, this.delays.readyMs, () => this.stepReady(rec));
		} else if (rec.target === 'terminatingNotReady') {
			this.after(rec, 0, () => this.stepFreezeTermination(rec));
		}
	}

	/** The readiness probe passes. */
	private stepReady(rec: PodRecord): void {
		rec.readyTask = undefined;
		const pod = this.livePod(rec);
		pod.status = readinessStatus(pod, true, this.now());
		this.store.update('Pod', pod);
		if (rec.target === 'terminating') {
			this.after(rec, 0, () => this.stepFreezeTermination(rec));
		}
	}

	/** A simulated terminating pod: marked for deletion with its spec's grace period, and left so. */
	private stepFreezeTermination(rec: PodRecord): void {
		const pod = this.livePod(rec);
		const grace = pod.spec?.terminationGracePeriodSeconds ?? 30;
		pod.metadata = {
			...pod.metadata,
			deletionTimestamp: apiTime(this.nowMs() + grace * 1000),
			deletionGracePeriodSeconds: grace,
		};
		this.store.update('Pod', pod);
	}

	private changeReadiness(rec: PodRecord, ready: boolean): void {
		const terminatingTarget = rec.target === 'terminating' || rec.target === 'terminatingNotReady';
		const next: PodTarget = ready
			? terminatingTarget
				? 'terminating'
				: 'ready'
			: terminatingTarget
				? 'terminatingNotReady'
				: 'notReady';
		if (rec.target !== 'asWritten') {
			rec.target = next;
		}
		if (rec.stage === 'running') {
			if (rec.readyTask) {
				rec.readyTask.cancelled = true;
				rec.readyTask = undefined;
			}
			const pod = this.livePod(rec);
			if (isPodReady(pod) !== ready) {
				pod.status = readinessStatus(pod, ready, this.now());
				this.store.update('Pod', pod);
			}
		} else if (rec.parked) {
			rec.parked = false;
			this.after(rec, this.delays.startMs, () => this.stepStart(rec));
		}
	}

	/**
	 * Graceful deletion. `refill`: the pod's workload replaces it (a user's terminatePod) rather than dropping its
	 * slot (scale-down, removeAllPods, prune).
	 */
	private terminate(rec: PodRecord, refill: boolean): void {
		const pod = this.livePod(rec);
		const slot = rec.slot;
		const w = rec.workload;
		rec.slot = undefined;
		if (slot) {
			slot.pod = undefined;
		}
		if (pod.metadata?.deletionTimestamp) {
			// Already terminating (a simulated one is frozen): let the grace period run out.
			if (!rec.deletion) {
				rec.deletion = this.queue.schedule(
					this.delays.terminationGraceMs,
					() => this.deleteIfLive(rec),
					this.nowMs(),
				);
			}
		} else if (rec.stage !== 'running' || this.delays.terminationGraceMs === 0) {
			// No container runs: nothing to wait for.
			this.deleteNow(rec);
		} else {
			this.cancelKubelet(rec);
			const graceMs = this.delays.terminationGraceMs;
			pod.metadata = {
				...pod.metadata,
				deletionTimestamp: apiTime(this.nowMs() + graceMs),
				deletionGracePeriodSeconds: Math.ceil(graceMs / 1000),
			};
			this.store.update('Pod', pod);
			rec.deletion = this.queue.schedule(graceMs, () => this.deleteIfLive(rec), this.nowMs());
		}
		if (slot && w) {
			if (refill && w.kind !== 'Pod') {
				this.refill(w, slot);
			} else {
				w.slots = w.slots.filter((s) => s !== slot);
			}
		}
	}

	private deleteIfLive(rec: PodRecord): void {
		if (this.podRecords.get(rec.key) === rec) {
			this.deleteNow(rec);
		}
	}

	/** Removes the pod now; its workload replaces it if it still held a slot. */
	private deleteNow(rec: PodRecord): void {
		this.cancelKubelet(rec);
		if (rec.deletion) {
			rec.deletion.cancelled = true;
		}
		this.podRecords.delete(rec.key);
		this.store.delete('Pod', rec.key);
		const w = rec.workload;
		const slot = rec.slot;
		rec.slot = undefined;
		w?.extras.delete(rec.name);
		if (w && slot && slot.pod === rec.name) {
			slot.pod = undefined;
			if (w.kind === 'Pod') {
				w.slots = w.slots.filter((s) => s !== slot);
			} else {
				this.refill(w, slot);
			}
		}
		this.releaseWaiters(rec.namespace, rec.name);
	}

	/** The pod garbage collector: pods bound to a deleted Node are deleted (and replaced elsewhere). */
	private evictPodsOf(nodeName: string): void {
		for (const pod of this.store.list('Pod')) {
			if (pod.spec?.nodeName === nodeName) {
				const rec = this.podRecords.get(keyOf('Pod', pod));
				if (rec) {
					this.deleteNow(rec);
				}
			}
		}
	}

	/** The eligible node running the fewest pods (ties: by name). */
	private pickNode(pod: Pod): string | undefined {
		const candidates = eligibleNodes(this.store.list('Node'), pod.spec);
		const load = new Map<string, number>();
		for (const p of this.store.list('Pod')) {
			const n = p.spec?.nodeName;
			if (n) {
				load.set(n, (load.get(n) ?? 0) + 1);
			}
		}
		let best: string | undefined;
		for (const node of candidates) {
			const name = node.metadata?.name ?? '';
			if (
				best === undefined ||
				(load.get(name) ?? 0) < (load.get(best) ?? 0) ||
				((load.get(name) ?? 0) === (load.get(best) ?? 0) && name < best)
			) {
				best = name;
			}
		}
		return best;
	}

	/** Every IP a live pod runs or will run with. */
	private liveIPs(): Set<string> {
		const ips = new Set<string>();
		for (const rec of this.podRecords.values()) {
			for (const ip of rec.ips) {
				ips.add(ip);
			}
		}
		return ips;
	}

	/** One free IP per cluster family (primary first) from the pod CIDRs. */
	private allocateIPs(seed: string, taken: Set<string>): string[] {
		const out: string[] = [];
		for (const family of clusterFamilies(this.profile)) {
			const cidr = this.profile.podCIDRs[family];
			const ip = cidr ? allocateIPFromCIDR(cidr, seed, taken) : undefined;
			if (ip) {
				out.push(ip);
			}
		}
		return out;
	}

	// -----------------------------------------------------------------------------------------------------------
	// Plumbing

	/** Creates an object, creating its namespace first when needed. */
	private createObject<K extends ResourceKind>(
		kind: K,
		obj: ResourceTypes[K],
		preferredUID: string | undefined,
	): void {
		const ns = obj.metadata?.namespace;
		if (kind !== 'Namespace' && kind !== 'Node' && ns) {
			this.ensureNamespace(ns);
		}
		this.store.create(kind, obj, this.now(), preferredUID);
	}

	private ensureNamespace(name: string): void {
		if (!this.store.get('Namespace', name)) {
			this.store.create(
				'Namespace',
				namespaceObject({ metadata: { name, labels: { 'kubernetes.io/metadata.name': name } } }),
				this.now(),
			);
		}
	}

	/** Deletes the namespaces no file needs any more once nothing lives in them. */
	private cleanupNamespaces(): void {
		for (const ns of this.store.list('Namespace')) {
			const name = ns.metadata?.name ?? '';
			if (this.desiredNamespaces.has(name) || this.applied.has(`Namespace/${name}`)) {
				continue;
			}
			const used = (['Service', 'Endpoints', 'EndpointSlice', 'Pod'] as const).some(
				(kind) => this.store.list(kind, name).length > 0,
			);
			if (!used) {
				this.store.delete('Namespace', name);
			}
		}
	}

	/** One change: the writes, then the controllers, then the events. */
	private batch(change: () => void): void {
		const outermost = this.batchTime === undefined;
		if (outermost) {
			this.batchTime = this.clock.now();
		}
		try {
			try {
				change();
			} finally {
				this.controlPlane.run();
				this.cleanupNamespaces();
			}
		} finally {
			if (outermost) {
				this.batchTime = undefined;
			}
			this.flush();
		}
	}

	/** A user change, then whatever kubelet steps are due now (0 ms delays). */
	private mutate(change: () => void): void {
		try {
			this.batch(change);
		} finally {
			this.runTasks(false);
		}
	}

	/** Runs due tasks (or all of them), each as a batch. Re-entrant calls fold into the running loop. */
	private runTasks(all: boolean): void {
		if (this.disposed) {
			return;
		}
		if (this.draining) {
			this.drainEverything ||= all;
			return;
		}
		this.draining = true;
		this.drainEverything = all;
		try {
			for (;;) {
				const first = this.drainEverything ? this.queue.popNext() : this.queue.popDue();
				if (!first) {
					break;
				}
				// Coalesce what is due together: everything already due, or (settling) what is due at the same instant.
				const until = this.drainEverything ? first.due : Math.max(first.due, this.clock.now());
				const group = [first];
				while (this.coalesce && (this.queue.peek()?.due ?? Infinity) <= until) {
					group.push(this.queue.popNext()!);
				}
				this.batch(() => {
					for (const task of group) {
						if (task.cancelled) {
							continue;
						}
						try {
							task.run();
						} catch (e) {
							this.onError(e);
						}
					}
				});
				if (this.disposed) {
					return;
				}
			}
		} finally {
			this.draining = false;
			this.drainEverything = false;
			this.queue.arm();
		}
	}

	/** Delivers the queued events, in order. Re-entrant calls (from a listener) leave it to the running loop. */
	private flush(): void {
		if (this.flushing) {
			return;
		}
		this.flushing = true;
		const outbox = this.store.outbox;
		try {
			// A listener's own changes append to the outbox; the array iterator picks them up.
			for (const event of outbox) {
				for (const listener of [...this.listeners]) {
					try {
						listener(event);
					} catch (e) {
						this.onError(e);
					}
				}
			}
		} finally {
			outbox.length = 0;
			this.flushing = false;
		}
	}

	private assertUsable(): void {
		if (this.disposed) {
			throw new PlaygroundError('the playground was disposed');
		}
	}

	private requirePod(namespace: string, name: string): PodRecord {
		const rec = this.podRecords.get(`${namespace}/${name}`);
		if (!rec) {
			throw new PlaygroundError(`Pod ${namespace}/${name} does not exist in the playground`);
		}
		return rec;
	}

	private requireWorkload(kind: string, namespace: string, name: string): WorkloadRecord {
		const canonical = workloadKinds.find((k) => k.toLowerCase() === String(kind).toLowerCase());
		const w = canonical ? this.workloadRecords.get(workloadKey(canonical, namespace, name)) : undefined;
		if (!w) {
			throw new PlaygroundError(`${canonical ?? kind} ${namespace}/${name} does not exist in the playground`);
		}
		return w;
	}
}

function cmp(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

function errorText(e: unknown): string {
	return e instanceof Error ? e.message : String(e);
}

function appliedKey(kind: ResourceKind, obj: TypedObject): string {
	return `${kind}/${keyOf(kind, obj)}`;
}

/** A Namespace object as the API server stores it: Active, with the kubernetes finalizer. */
function namespaceObject(obj: TypedObject): TypedObject {
	return {
		apiVersion: 'v1',
		kind: 'Namespace',
		metadata: { ...obj.metadata },
		spec: { finalizers: ['kubernetes'] },
		status: { phase: 'Active' },
	} as TypedObject;
}

/**
 * A Service keeps the cluster IPs it was allocated, as the API server does, unless the manifest sets them or the
 * Service's families or headlessness changed.
 */
function keepClusterIPs(svc: Service, live: Service | undefined, raw: TypedObject | undefined): Service {
	const rawSpec = (raw as { spec?: ServiceSpec } | undefined)?.spec;
	const a = svc.spec;
	const b = live?.spec;
	if (!a || !b || rawSpec?.clusterIP || (rawSpec?.clusterIPs?.length ?? 0) > 0) {
		return svc;
	}
	const hasIP = (s: ServiceSpec) => s.type !== 'ExternalName' && !!s.clusterIP && s.clusterIP !== 'None';
	if (!hasIP(a) || !hasIP(b) || stableJSON(a.ipFamilies ?? []) !== stableJSON(b.ipFamilies ?? [])) {
		return svc;
	}
	return {
		...svc,
		spec: { ...a, clusterIP: b.clusterIP, ...(b.clusterIPs ? { clusterIPs: [...b.clusterIPs] } : {}) },
	};
}

function inputDiagnostic(file: string, message: string): ManifestDiagnostic {
	return { severity: 'error', code: 'not-a-manifest', message, file, line: 1, column: 1, docIndex: 0 };
}
