/**
 * Predictions as the preview features show them: from the workspace index alone, or — when a live view is given and
 * has listed the Service's namespace — over the pods the namespace would run after apply (`desiredPods` of
 * livePods.ts: the live pods that stay, and the workspace templates' pods that replace or join them) and the live
 * Nodes (plus the workspace's, for the templates' pods).
 *
 * Workspace predictions are cached by the index until their namespace changes. The live side of a namespace is
 * memoized by the live objects' uids and resourceVersions (and the index generation); predictions over it are
 * computed per call.
 */
import type { ServicePrediction } from '../analysis/predict';
import { desiredPods, workloadOwningLivePod } from '../analysis/livePods';
import type { EndpointSlice, Node, Pod, Service } from '../k8s/types';
import { labelServiceName } from '../k8s/types';
import type { ParsedManifest } from '../manifests/parse';
import type { WorkloadModel } from '../manifests/workspace';
import type { IndexedService } from '../manifests/workspaceIndex';
import type { PodOrigin, PreviewContext } from './types';

/** The live side of a namespace, when the live view has listed it. */
export interface LiveNamespace {
	context: string;
	/** Live pods that stay after apply: those no workspace workload owns, and those its controller keeps. */
	kept: Pod[];
	/** Live pods of workspace workloads that go: replaced by a changed template, or scaled away. */
	replaced: Pod[];
	/** Candidate pods after apply: the kept live pods, then the workspace pods that join them. */
	pods: Pod[];
	nodes: Node[];
}

/** A Service's prediction in context. */
export interface ContextPrediction {
	/** The winning Service manifest. */
	manifest: ParsedManifest;
	indexed: IndexedService;
	/** Undefined when the API server would reject the Service (see `indexed.diagnostics`). */
	prediction: ServicePrediction | undefined;
	/** Set when the live view's namespace took part. */
	live?: LiveNamespace;
	/** Set when a live view is given but has not listed the namespace: its context name. */
	liveNamespaceMissing?: string;
	/** Where a selected pod comes from, by pod name. */
	origin(podName: string): PodOrigin | undefined;
}

/** Candidate pods and nodes of a namespace after apply, when the live view has listed it. */
export function liveNamespace(ctx: PreviewContext, namespace: string): LiveNamespace | undefined {
	const live = ctx.live;
	if (!live?.hasNamespace(namespace)) {
		return undefined;
	}
	const livePods = live.pods(namespace);
	const liveNodes = live.nodes();
	const key = liveKey(ctx, namespace, livePods, liveNodes);
	const cached = key === undefined ? undefined : liveMemo.get(key);
	if (cached) {
		return cached;
	}
	const result = computeLiveNamespace(ctx, namespace, livePods, liveNodes);
	if (key !== undefined) {
		liveMemo.set(key, result);
		if (liveMemo.size > liveMemoSize) {
			liveMemo.delete(liveMemo.keys().next().value!);
		}
	}
	return result;
}

/**
 * The last few live namespaces computed, by what they were computed from: the live store hands out new arrays on
 * every call, so the key is the objects' uids and resourceVersions (no key, no memo, when some lack them), the
 * index and its generation.
 */
const liveMemo = new Map<string, LiveNamespace>();
const liveMemoSize = 8;
const indexIds = new WeakMap<object, number>();
let nextIndexId = 1;

function liveKey(ctx: PreviewContext, namespace: string, pods: readonly Pod[], nodes: readonly Node[]): string | undefined {
	const parts: string[] = [];
	for (const o of [...pods, ...nodes]) {
		const uid = o.metadata?.uid;
		const rv = o.metadata?.resourceVersion;
		if (!uid || !rv) {
			return undefined;
		}
		parts.push(`${uid}@${rv}`);
	}
	let id = indexIds.get(ctx.index);
	if (id === undefined) {
		id = nextIndexId++;
		indexIds.set(ctx.index, id);
	}
	return `${id}|${ctx.index.generation}|${ctx.live!.context}|${namespace}|${pods.length}|${parts.join(',')}`;
}

function computeLiveNamespace(
	ctx: PreviewContext,
	namespace: string,
	livePods: readonly Pod[],
	liveNodes: readonly Node[],
): LiveNamespace {
	const live = ctx.live!;
	const workloads = ctx.index.workloads(namespace);
	// `desiredPods` over the whole namespace looks every live pod's owner up among all workloads (pods × workloads).
	// The same answer, per workload: each live pod's owner is looked up among the few workloads whose names
	// ownership goes by, then each workload gets `desiredPods` over its own pods.
	const workloadsByName = new Map<string, WorkloadModel[]>();
	for (const w of workloads) {
		workloadsByName.set(w.name, [...(workloadsByName.get(w.name) ?? []), w]);
	}
	const owned = new Map<WorkloadModel, Pod[]>();
	const unowned: Pod[] = [];
	for (const pod of livePods) {
		const names = [pod.metadata?.name ?? ''];
		for (const ref of pod.metadata?.ownerReferences ?? []) {
			if (ref.controller && ref.name) {
				// The owner itself, or the workload above it: a ReplicaSet `<deployment>-<hash>`, a Job `<cronjob>-<minutes>`.
				names.push(ref.name, ref.name.slice(0, Math.max(0, ref.name.lastIndexOf('-'))));
			}
		}
		const candidates = [...new Set(names.flatMap((n) => workloadsByName.get(n) ?? []))];
		const owner = candidates.length > 0 ? workloadOwningLivePod(pod, candidates) : undefined;
		if (owner) {
			owned.set(owner, [...(owned.get(owner) ?? []), pod]);
		} else {
			unowned.push(pod);
		}
	}
	const perWorkload = workloads.map((w) => desiredPods(owned.get(w) ?? [], [w]));
	const kept = [...unowned, ...perWorkload.flatMap((r) => r.kept)];
	const d = {
		kept,
		replaced: perWorkload.flatMap((r) => r.replaced),
		pods: [...kept, ...perWorkload.flatMap((r) => r.pods.slice(r.kept.length))],
	};
	// Live nodes win over the workspace's (synthetic) ones of the same name; a live pod on a node the view does
	// not list (nodes not readable) gets a bare stand-in, so the controller does not drop it (no zone then).
	const byName = new Map<string, Node>();
	for (const n of ctx.index.nodes()) {
		byName.set(n.metadata?.name ?? '', n);
	}
	for (const n of liveNodes) {
		byName.set(n.metadata?.name ?? '', n);
	}
	for (const p of d.kept) {
		const nodeName = p.spec?.nodeName;
		if (nodeName && !byName.has(nodeName)) {
			byName.set(nodeName, { apiVersion: 'v1', kind: 'Node', metadata: { name: nodeName } });
		}
	}
	return { context: live.context, kept: d.kept, replaced: d.replaced, pods: d.pods, nodes: [...byName.values()] };
}

/** The origin of a pod: a workspace workload replica, or a live pod. */
export function podOrigin(ctx: PreviewContext, pod: Pod, live: LiveNamespace | undefined): PodOrigin | undefined {
	const fromIndex = ctx.index.podOrigin(pod);
	if (fromIndex) {
		return fromIndex;
	}
	return live ? { kind: 'live', context: live.context, podName: pod.metadata?.name ?? '' } : undefined;
}

/** Predicts a Service object (workspace or live) in context. */
export function predictObject(
	ctx: PreviewContext,
	service: Service,
	manifest: ParsedManifest | undefined,
	live: LiveNamespace | undefined,
): ServicePrediction {
	if (!live && manifest) {
		const cached = ctx.index.predict(service.metadata?.namespace ?? '', service.metadata?.name ?? '');
		if (cached && cached.service === service) {
			return cached;
		}
	}
	const namespace = service.metadata?.namespace ?? '';
	return ctx.index.predictService(service, manifest, {
		pods: live ? live.pods : ctx.index.pods(namespace),
		nodes: live ? live.nodes : ctx.index.nodes(),
	});
}

/** The prediction of a workspace Service (by namespace and name) in context; undefined if there is none. */
export function predictInContext(ctx: PreviewContext, namespace: string, name: string): ContextPrediction | undefined {
	const manifest = ctx.index.find('Service', namespace, name);
	if (!manifest) {
		return undefined;
	}
	const indexed = ctx.index.service(manifest);
	const live = liveNamespace(ctx, namespace);
	const prediction = indexed.service ? predictObject(ctx, indexed.service, manifest, live) : undefined;
	const byName = new Map<string, Pod>();
	for (const pod of prediction?.selectedPods ?? []) {
		byName.set(pod.metadata?.name ?? '', pod);
	}
	return {
		manifest,
		indexed,
		prediction,
		...(live ? { live } : {}),
		...(ctx.live && !live ? { liveNamespaceMissing: ctx.live.context } : {}),
		origin: (podName) => {
			const pod = byName.get(podName);
			return pod ? podOrigin(ctx, pod, live) : undefined;
		},
	};
}

/** The live EndpointSlices of a Service (any controller), when the live view has listed its namespace. */
export function liveSlicesOf(ctx: PreviewContext, namespace: string, name: string): EndpointSlice[] | undefined {
	if (!ctx.live?.hasNamespace(namespace)) {
		return undefined;
	}
	return ctx.live.endpointSlices(namespace).filter((s) => s.metadata?.labels?.[labelServiceName] === name);
}
