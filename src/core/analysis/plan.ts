/**
 * "Plan slices for this file", like `terraform plan` for EndpointSlices: what the endpoint controllers would write
 * against the live cluster once some manifest files are applied.
 *
 * For every Service the files define — and every live Service whose selector picks pods of a workload the files
 * define, since its endpoints change too — the controllers run once against a snapshot of the cluster:
 * - pods: the live pods of the namespace, with the files' workloads applied (`desiredPods`): a workload whose pod
 *   template is unchanged for endpoints keeps its live pods and scales to its replica count; a changed template is
 *   a rollout, every live pod replaced by the template's. The workloads are expanded again on the live nodes,
 *   avoiding the IPs live pods and Services hold, so their new pods can be placed and zoned like real ones;
 * - the Service: as the files write it, with what the API server keeps from the live object (uid, cluster IPs, IP
 *   families when the manifest does not set them), so the live slices stay owned by it;
 * - the EndpointSlice controller's reconciler runs against the Service's live slices and decides, as upstream does,
 *   which slices it creates, updates and deletes: an update is planned only when an endpoint or label differs
 *   semantically (server-set fields such as resourceVersion never count). Selector-less Services get the mirroring
 *   controller against their live mirrored slices; the v1 Endpoints change is summarised.
 *
 * Everything here is pure: the CLI and the extension read the snapshot (`cluster/live/snapshot.ts`) and pass it in.
 * Pods the files' workloads would create have placeholder names and IPs (the cluster picks them at apply); their
 * endpoints are marked `newPod`. The notes say, per workload, how many live pods it keeps, adds or replaces.
 */
import { stringify } from 'yaml';
import { EndpointSliceController, managedSlicesForService } from '../controllers/endpointslice/controller';
import { endpointKey, endpointsEqualBeyondHash } from '../controllers/endpointslice/endpointSet';
import { syncEndpoints } from '../controllers/endpoints/endpointsController';
import { endpointSlicesMirroredForService, syncMirroring } from '../controllers/mirroring/mirroringController';
import type { ClusterProfile } from '../k8s/defaulting';
import { ipFamilyOf } from '../k8s/ip';
import { podsForService } from '../k8s/selector';
import type {
	Endpoint,
	EndpointConditions,
	EndpointPort,
	EndpointSlice,
	Endpoints,
	IPFamily,
	Node,
	Pod,
	Service,
} from '../k8s/types';
import {
	annotationTopologyAwareHints,
	annotationTopologyMode,
	annotationTriggerTime,
	endpointSliceControllerName,
} from '../k8s/types';
import type { WorkloadModel, WorkspaceModel } from '../manifests/workspace';
import { expandWorkload } from '../manifests/workloads';
import { desiredPods } from './livePods';

// ---------------------------------------------------------------------------------------------------------------
// Types

/** What was read from the cluster: the input of a plan. */
export interface LiveSnapshot {
	/** The kube context it was read with. */
	context: string;
	/** The namespaces that were read (completely). */
	namespaces: string[];
	services: Service[];
	pods: Pod[];
	nodes: Node[];
	endpointSlices: EndpointSlice[];
	endpoints: Endpoints[];
	/** Namespaces that could not be read (forbidden…), with why. */
	unreadable?: { namespace: string; reason: string }[];
	/** The API server's URL, for messages. */
	server?: string;
	/** Problems that did not stop the read (Nodes could not be listed, …), one sentence each. */
	notes?: string[];
}

/** Options of {@link planWorkspace}. */
export interface PlanOptions {
	/** `--max-endpoints-per-slice` of the cluster's controller manager. Default 100. */
	maxEndpointsPerSlice?: number;
	/** Only Services and workloads defined in these files count as "in the file". Default: every file of the model. */
	files?: string[];
}

/** Options of {@link planService}. */
export interface ServicePlanOptions {
	maxEndpointsPerSlice?: number;
	/** The Service as written, to tell which fields the manifest sets; the cluster keeps the others (cluster IPs). */
	written?: Service;
	/** The Endpoints object the files define for a selector-less Service; else the live one is mirrored. */
	endpoints?: Endpoints;
	/** Whether the files define the Service (default true); false: a live Service whose pods the files change. */
	inFiles?: boolean;
	/** The nodes the pods run on. Default: the snapshot's. */
	nodes?: readonly Node[];
	/** Uids of the pods the files' workloads would create: their endpoints are marked `newPod`. */
	newPodUids?: ReadonlySet<string>;
}

/** How a slice (or the v1 Endpoints) fares: the write the controller makes, or none. */
export type PlanAction = 'create' | 'update' | 'delete' | 'unchanged';

/** One endpoint, as a plan shows it. */
export interface PlanEndpoint {
	addresses: string[];
	/** The targetRef's name (the pod), if any. */
	pod?: string;
	/** `ready`, `not ready`, `terminating, serving` or `terminating, not serving`. */
	state: string;
	nodeName?: string;
	zone?: string;
	hostname?: string;
	/** A pod the files' workloads would create: its name and IP are placeholders until the cluster assigns them. */
	newPod?: boolean;
}

/** An endpoint that stays in its slice but changes. */
export interface PlanEndpointChange extends PlanEndpoint {
	/** One entry per changed field: `ready → not ready`, `node node-a → node-b`, `pod re-created (new uid)`. */
	changes: string[];
}

/** One slice of a Service: what the controller does to it, down to the endpoints. */
export interface SlicePlan {
	action: PlanAction;
	/** The live name; for a create, the name the simulation generated (the API server picks its own). */
	name: string;
	/** For a create: the prefix the API server completes. */
	generateName?: string;
	addressType: string;
	controller: 'endpointslice-controller' | 'mirroring';
	endpointsBefore: number;
	endpointsAfter: number;
	added: PlanEndpoint[];
	removed: PlanEndpoint[];
	changed: PlanEndpointChange[];
	/** Present when the port list changes. */
	ports?: { before: EndpointPort[]; after: EndpointPort[] };
	/** Label changes: `+ key=value`, `- key=value`, `~ key: a → b`. */
	labels?: string[];
	/** The live slice (null for a create). */
	before: EndpointSlice | null;
	/** The slice as the controller would leave it (null for a delete). */
	after: EndpointSlice | null;
}

/** Ready and not-ready address counts of a v1 Endpoints object. */
export interface AddressCounts {
	ready: number;
	notReady: number;
}

/** The v1 Endpoints object's change, summarised. */
export interface EndpointsPlan {
	action: PlanAction;
	/** Who writes it: the Endpoints controller, or the files (for a selector-less Service). */
	writer: 'endpoints-controller' | 'files';
	before: AddressCounts | null;
	after: AddressCounts | null;
}

/** One Service's plan. */
export interface ServicePlan {
	namespace: string;
	name: string;
	/** The Service against the live one: `unknown` when its namespace could not be read (nothing is compared). */
	service: 'new' | 'changed' | 'unchanged' | 'unknown';
	/** The endpoint-relevant fields that differ from the live Service (`spec.ports`, `metadata.labels`, …). */
	serviceChanges: string[];
	/** Whether the files define it; false for a live Service that selects pods of the files' workloads. */
	inFiles: boolean;
	/** Which controller writes its slices. */
	source: 'endpointslice-controller' | 'mirroring' | 'none';
	/** Its slices: live ones (updated, deleted or unchanged) and created ones, by address type and name. */
	slices: SlicePlan[];
	/** Endpoints in its slices before and after, per address type. */
	endpointCounts: Record<string, { before: number; after: number }>;
	endpoints: EndpointsPlan | null;
	notes: string[];
	/** The controller's error, if it would report one. */
	error: string | null;
	/** Whether any slice is created, updated or deleted. */
	changed: boolean;
	/** Where the files define it (1-based line). */
	file?: string;
	line?: number;
}

/** Slice writes across the plan. */
export interface PlanSummary {
	create: number;
	update: number;
	delete: number;
	unchanged: number;
	/** Services that could not be compared (unreadable namespace). */
	notCompared: number;
}

/** A plan for a set of files against one snapshot. */
export interface WorkspacePlan {
	context: string;
	server?: string;
	/** The namespaces the plan covers (read or not), sorted. */
	namespaces: string[];
	services: ServicePlan[];
	summary: PlanSummary;
	/** Whether any slice is created, updated or deleted. */
	hasChanges: boolean;
	/** Notes about the whole plan (nodes, unreadable namespaces, placeholders). */
	notes: string[];
}

// ---------------------------------------------------------------------------------------------------------------
// Small helpers

const esController = 'endpointslice-controller';

function nsOf(o: { metadata?: { namespace?: string } }): string {
	return o.metadata?.namespace || 'default';
}

function keyOf(o: { metadata?: { namespace?: string; name?: string } }): string {
	return `${nsOf(o)}/${o.metadata?.name ?? ''}`;
}

function hasSelector(s: Service): boolean {
	return s.spec?.selector !== undefined && s.spec.selector !== null;
}

function sameJSON(a: unknown, b: unknown): boolean {
	return stableStringify(a) === stableStringify(b);
}

function stableStringify(v: unknown): string {
	if (Array.isArray(v)) {
		return `[${v.map(stableStringify).join(',')}]`;
	}
	if (typeof v === 'object' && v !== null) {
		const o = v as Record<string, unknown>;
		return `{${Object.keys(o)
			.filter((k) => o[k] !== undefined)
			.sort()
			.map((k) => `${JSON.stringify(k)}:${stableStringify(o[k])}`)
			.join(',')}}`;
	}
	return JSON.stringify(v) ?? 'null';
}

/** `ready`, `not ready`, `terminating, serving`, `terminating, not serving` (nil ready reads as ready, per the API). */
export function endpointState(c: EndpointConditions | undefined): string {
	const ready = c?.ready !== false;
	if (c?.terminating) {
		return `terminating, ${(c.serving ?? ready) ? 'serving' : 'not serving'}`;
	}
	return ready ? 'ready' : 'not ready';
}

function planEndpoint(ep: Endpoint, newPodUids: ReadonlySet<string> | undefined): PlanEndpoint {
	const out: PlanEndpoint = { addresses: [...ep.addresses], state: endpointState(ep.conditions) };
	if (ep.targetRef?.name) {
		out.pod = ep.targetRef.name;
	}
	if (ep.nodeName) {
		out.nodeName = ep.nodeName;
	}
	if (ep.zone) {
		out.zone = ep.zone;
	}
	if (ep.hostname) {
		out.hostname = ep.hostname;
	}
	if (ep.targetRef?.uid && newPodUids?.has(ep.targetRef.uid)) {
		out.newPod = true;
	}
	return out;
}

function endpointChanges(before: Endpoint, after: Endpoint): string[] {
	const changes: string[] = [];
	const sb = endpointState(before.conditions);
	const sa = endpointState(after.conditions);
	if (sb !== sa) {
		changes.push(`${sb} → ${sa}`);
	} else if (!sameJSON(before.conditions ?? {}, after.conditions ?? {})) {
		const text = (c: EndpointConditions | undefined) => stableStringify(c ?? {});
		changes.push(`conditions ${text(before.conditions)} → ${text(after.conditions)}`);
	}
	const field = (label: string, a: string | undefined, b: string | undefined) => {
		if ((a ?? '') !== (b ?? '')) {
			changes.push(`${label} ${a || '(none)'} → ${b || '(none)'}`);
		}
	};
	field('node', before.nodeName, after.nodeName);
	field('zone', before.zone, after.zone);
	field('hostname', before.hostname, after.hostname);
	if ((before.targetRef?.uid ?? '') !== (after.targetRef?.uid ?? '')) {
		changes.push('pod re-created (new uid)');
	}
	if (!sameJSON(before.hints ?? null, after.hints ?? null)) {
		changes.push('hints changed');
	}
	return changes;
}

function portsOf(slice: EndpointSlice | null): EndpointPort[] {
	return slice?.ports ?? [];
}

function portSort(ports: readonly EndpointPort[]): EndpointPort[] {
	return [...ports].sort(
		(a, b) =>
			(a.name ?? '').localeCompare(b.name ?? '') ||
			(a.protocol ?? '').localeCompare(b.protocol ?? '') ||
			(a.port ?? 0) - (b.port ?? 0),
	);
}

function portsEqual(a: readonly EndpointPort[], b: readonly EndpointPort[]): boolean {
	const norm = (ps: readonly EndpointPort[]) =>
		portSort(ps).map((p) => [p.name ?? '', p.port ?? null, p.protocol ?? 'TCP', p.appProtocol ?? '']);
	return sameJSON(norm(a), norm(b));
}

function labelChanges(before: Record<string, string>, after: Record<string, string>): string[] {
	const out: string[] = [];
	for (const k of Object.keys(after).sort()) {
		if (!(k in before)) {
			out.push(`+ ${k}=${after[k]}`);
		} else if (before[k] !== after[k]) {
			out.push(`~ ${k}: ${before[k]} → ${after[k]}`);
		}
	}
	for (const k of Object.keys(before).sort()) {
		if (!(k in after)) {
			out.push(`- ${k}=${before[k]}`);
		}
	}
	return out;
}

/** Compares a slice before and after down to the endpoints (matched by identity: addresses, hostname, pod). */
function diffSlice(
	action: PlanAction,
	controller: SlicePlan['controller'],
	before: EndpointSlice | null,
	after: EndpointSlice | null,
	newPodUids: ReadonlySet<string> | undefined,
): SlicePlan {
	const b = before?.endpoints ?? [];
	const a = after?.endpoints ?? [];
	const beforeByKey = new Map(b.map((ep) => [endpointKey(ep), ep]));
	const afterKeys = new Set(a.map(endpointKey));
	const added: PlanEndpoint[] = [];
	const changed: PlanEndpointChange[] = [];
	for (const ep of a) {
		const old = beforeByKey.get(endpointKey(ep));
		if (!old) {
			added.push(planEndpoint(ep, newPodUids));
		} else if (!endpointsEqualBeyondHash(old, ep) || !sameJSON(old.hints ?? null, ep.hints ?? null)) {
			changed.push({ ...planEndpoint(ep, newPodUids), changes: endpointChanges(old, ep) });
		}
	}
	const removed = b.filter((ep) => !afterKeys.has(endpointKey(ep))).map((ep) => planEndpoint(ep, newPodUids));
	const slice = after ?? before!;
	const plan: SlicePlan = {
		action,
		name: slice.metadata?.name ?? '',
		addressType: slice.addressType,
		controller,
		endpointsBefore: b.length,
		endpointsAfter: a.length,
		added,
		removed,
		changed,
		before,
		after,
	};
	if (action === 'create' && after?.metadata?.generateName) {
		plan.generateName = after.metadata.generateName;
	}
	if (before && after && !portsEqual(portsOf(before), portsOf(after))) {
		plan.ports = { before: portsOf(before), after: portsOf(after) };
	}
	if (before && after) {
		const labels = labelChanges(before.metadata?.labels ?? {}, after.metadata?.labels ?? {});
		if (labels.length > 0) {
			plan.labels = labels;
		}
	}
	return plan;
}

/**
 * Turns a controller's writes into slice plans: every slice it considers its own (`owned`, live) is updated,
 * deleted or unchanged; slices in `after` that were not live are created (in the order of the create actions).
 */
function slicePlans(
	controller: SlicePlan['controller'],
	owned: readonly EndpointSlice[],
	actions: readonly { verb: 'create' | 'update' | 'delete'; object: EndpointSlice }[],
	after: readonly EndpointSlice[],
	liveNames: ReadonlySet<string>,
	newPodUids: ReadonlySet<string> | undefined,
): SlicePlan[] {
	const updates = new Map<string, EndpointSlice>();
	const deletes = new Set<string>();
	for (const a of actions) {
		const name = a.object.metadata?.name ?? '';
		if (a.verb === 'update') {
			updates.set(name, a.object);
		} else if (a.verb === 'delete') {
			deletes.add(name);
		}
	}
	const out: SlicePlan[] = [];
	for (const s of owned) {
		const name = s.metadata?.name ?? '';
		if (deletes.has(name)) {
			out.push(diffSlice('delete', controller, s, null, newPodUids));
		} else if (updates.has(name)) {
			const stored = after.find((x) => x.metadata?.name === name) ?? updates.get(name)!;
			out.push(diffSlice('update', controller, s, stored, newPodUids));
		} else {
			out.push(diffSlice('unchanged', controller, s, s, newPodUids));
		}
	}
	const createBodies = actions.filter((a) => a.verb === 'create').map((a) => a.object);
	const created = after.filter((s) => !liveNames.has(s.metadata?.name ?? ''));
	created.forEach((s, i) => {
		const body = createBodies[i];
		const stored: EndpointSlice =
			body?.metadata?.generateName && !s.metadata?.generateName
				? { ...s, metadata: { ...s.metadata, generateName: body.metadata.generateName } }
				: s;
		out.push(diffSlice('create', controller, null, stored, newPodUids));
	});
	return out;
}

function addressCounts(ep: Endpoints | null | undefined): AddressCounts | null {
	if (!ep) {
		return null;
	}
	let ready = 0;
	let notReady = 0;
	for (const s of ep.subsets ?? []) {
		ready += (s.addresses ?? []).length;
		notReady += (s.notReadyAddresses ?? []).length;
	}
	return { ready, notReady };
}

/** Order-insensitive content of a v1 Endpoints object: (ip, ready, ports) tuples. */
function endpointsContent(ep: Endpoints | null | undefined): string[] {
	const out: string[] = [];
	for (const s of ep?.subsets ?? []) {
		const ports = (s.ports ?? [])
			.map((p) => `${p.name ?? ''}:${p.port}/${p.protocol ?? 'TCP'}:${p.appProtocol ?? ''}`)
			.sort()
			.join(',');
		for (const a of s.addresses ?? []) {
			out.push(`${a.ip}|ready|${a.hostname ?? ''}|${a.nodeName ?? ''}|${a.targetRef?.uid ?? ''}|${ports}`);
		}
		for (const a of s.notReadyAddresses ?? []) {
			out.push(`${a.ip}|notReady|${a.hostname ?? ''}|${a.nodeName ?? ''}|${a.targetRef?.uid ?? ''}|${ports}`);
		}
	}
	return out.sort();
}

function endpointsPlan(
	writer: EndpointsPlan['writer'],
	before: Endpoints | null | undefined,
	after: Endpoints | null | undefined,
): EndpointsPlan {
	const action: PlanAction = !before
		? after
			? 'create'
			: 'unchanged'
		: !after
			? 'delete'
			: sameJSON(endpointsContent(before), endpointsContent(after)) &&
				  sameJSON(before.metadata?.labels ?? {}, after.metadata?.labels ?? {})
				? 'unchanged'
				: 'update';
	return { action, writer, before: addressCounts(before), after: addressCounts(after) };
}

// ---------------------------------------------------------------------------------------------------------------
// The Service as it would be after apply

/**
 * The Service the controllers see after apply: the files' Service with the live object's uid and creation time
 * (so the live slices stay owned by it), and the live cluster IPs and IP families unless the manifest sets them.
 */
export function plannedService(service: Service, live: Service | undefined, written?: Service): Service {
	if (!live) {
		return service;
	}
	const s = structuredClone(service);
	s.metadata = {
		...s.metadata,
		...(live.metadata?.uid ? { uid: live.metadata.uid } : {}),
		...(live.metadata?.creationTimestamp ? { creationTimestamp: live.metadata.creationTimestamp } : {}),
	};
	const w = written?.spec ?? {};
	const spec = (s.spec ??= {});
	const ls = live.spec ?? {};
	if (spec.type !== 'ExternalName' && ls.type !== 'ExternalName') {
		if (!w.clusterIP && !(w.clusterIPs ?? []).length) {
			if (ls.clusterIP !== undefined) {
				spec.clusterIP = ls.clusterIP;
			}
			if (ls.clusterIPs !== undefined) {
				spec.clusterIPs = [...ls.clusterIPs];
			}
		}
		const policyKept = !w.ipFamilyPolicy || w.ipFamilyPolicy === ls.ipFamilyPolicy;
		if (!w.ipFamilies && policyKept) {
			if (ls.ipFamilies !== undefined) {
				spec.ipFamilies = [...ls.ipFamilies];
			}
			if (ls.ipFamilyPolicy !== undefined) {
				spec.ipFamilyPolicy = ls.ipFamilyPolicy;
			}
		}
	}
	return s;
}

function normalizedPorts(s: Service): unknown[] {
	return (s.spec?.ports ?? []).map((p) => ({
		name: p.name ?? '',
		protocol: p.protocol || 'TCP',
		port: p.port,
		targetPort: p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '' ? p.port : p.targetPort,
		appProtocol: p.appProtocol ?? '',
	}));
}

/** The fields that decide endpoints and differ between the planned and the live Service. */
export function serviceChanges(planned: Service, live: Service): string[] {
	const out: string[] = [];
	const ps = planned.spec ?? {};
	const ls = live.spec ?? {};
	const check = (path: string, a: unknown, b: unknown) => {
		if (!sameJSON(a, b)) {
			out.push(path);
		}
	};
	check('spec.type', ps.type || 'ClusterIP', ls.type || 'ClusterIP');
	check('spec.selector', ps.selector ?? null, ls.selector ?? null);
	check('spec.ports', normalizedPorts(planned), normalizedPorts(live));
	check('spec.publishNotReadyAddresses', !!ps.publishNotReadyAddresses, !!ls.publishNotReadyAddresses);
	check('spec.clusterIP', ps.clusterIP ?? '', ls.clusterIP ?? '');
	check('spec.ipFamilies', ps.ipFamilies ?? [], ls.ipFamilies ?? []);
	check('spec.trafficDistribution', ps.trafficDistribution ?? '', ls.trafficDistribution ?? '');
	check('spec.externalName', ps.externalName ?? '', ls.externalName ?? '');
	check('metadata.labels', planned.metadata?.labels ?? {}, live.metadata?.labels ?? {});
	for (const a of [annotationTopologyMode, annotationTopologyAwareHints]) {
		const value = (o: Service) => o.metadata?.annotations?.[a] ?? null;
		check(`metadata.annotations["${a}"]`, value(planned), value(live));
	}
	return out;
}

// ---------------------------------------------------------------------------------------------------------------
// One Service

function unreadableReason(live: LiveSnapshot, namespace: string): string | undefined {
	const u = live.unreadable?.find((x) => x.namespace === namespace);
	if (u) {
		return u.reason;
	}
	return live.namespaces.includes(namespace) ? undefined : 'it was not read';
}

/**
 * Plans one Service against the snapshot: `service` as the files define it (defaulted), `pods` the pods the
 * namespace would run after apply. Runs the EndpointSlice controller (Services with a selector) and the mirroring
 * controller (selector-less Services, and Services whose live mirrored slices would go) against the live slices.
 */
export function planService(
	service: Service,
	pods: readonly Pod[],
	live: LiveSnapshot,
	options: ServicePlanOptions = {},
): ServicePlan {
	const controller = new EndpointSliceController({ maxEndpointsPerSlice: options.maxEndpointsPerSlice });
	return planServiceWith(controller, service, pods, live, options);
}

/** {@link planService} with a controller shared across the Services of one plan (one first sync each). */
function planServiceWith(
	controller: EndpointSliceController,
	service: Service,
	pods: readonly Pod[],
	live: LiveSnapshot,
	options: ServicePlanOptions,
): ServicePlan {
	const namespace = nsOf(service);
	const name = service.metadata?.name ?? '';
	const inFiles = options.inFiles ?? true;
	const plan: ServicePlan = {
		namespace,
		name,
		service: 'unknown',
		serviceChanges: [],
		inFiles,
		source: 'none',
		slices: [],
		endpointCounts: {},
		endpoints: null,
		notes: [],
		error: null,
		changed: false,
	};
	const unreadable = unreadableReason(live, namespace);
	if (unreadable !== undefined) {
		plan.notes.push(`namespace ${namespace} could not be read: ${unreadable}`);
		return plan;
	}
	const liveService = live.services.find((s) => keyOf(s) === `${namespace}/${name}`);
	const svc = plannedService(service, liveService, options.written);
	if (!liveService) {
		plan.service = 'new';
		plan.notes.push('the Service is not in the cluster yet');
	} else {
		plan.serviceChanges = serviceChanges(svc, liveService);
		plan.service = plan.serviceChanges.length > 0 ? 'changed' : 'unchanged';
		const writtenIP = options.written?.spec?.clusterIP;
		const liveIP = liveService.spec?.clusterIP;
		if (writtenIP && liveIP && writtenIP !== liveIP) {
			plan.notes.push(
				`spec.clusterIP is immutable: the API server would reject changing it from ${liveIP} to ${writtenIP}`,
			);
		}
	}
	const slices = live.endpointSlices.filter((s) => nsOf(s) === namespace);
	const liveNames = new Set(slices.map((s) => s.metadata?.name ?? ''));
	const nodes = options.nodes ?? live.nodes;
	const newPodUids = options.newPodUids;
	const isExternalName = svc.spec?.type === 'ExternalName';
	const liveEndpoints = live.endpoints.find((e) => keyOf(e) === `${namespace}/${name}`);

	// The EndpointSlice controller.
	const esOwned = managedSlicesForService(svc, slices, endpointSliceControllerName);
	if (hasSelector(svc) && !isExternalName) {
		plan.source = 'endpointslice-controller';
		const sync = controller.syncService(svc, { pods, nodes, endpointSlices: slices });
		plan.slices.push(...slicePlans(esController, esOwned, sync.actions, sync.slices, liveNames, newPodUids));
		plan.error = sync.error;
		if (sync.error) {
			plan.notes.push(`the EndpointSlice controller would report: ${sync.error}`);
		}
		for (const ev of sync.events) {
			if (ev.reason !== 'FailedToUpdateEndpointSlices') {
				plan.notes.push(`${ev.reason}: ${ev.message}`);
			}
		}
		const ep = syncEndpoints({ service: svc, pods: [...pods], existingEndpoints: liveEndpoints ?? null });
		plan.endpoints = endpointsPlan('endpoints-controller', liveEndpoints, ep.endpoints);
	} else {
		// The controller leaves the slices it wrote earlier alone (upstream returns early).
		plan.slices.push(...esOwned.map((s) => diffSlice('unchanged', esController, s, s, newPodUids)));
	}

	// The mirroring controller.
	const mirrored = endpointSlicesMirroredForService(slices, namespace, name);
	// Applying an Endpoints object keeps the live one's uid, which the mirrored slices' owner reference names.
	const endpoints =
		options.endpoints && liveEndpoints?.metadata?.uid
			? { ...options.endpoints, metadata: { ...options.endpoints.metadata, uid: liveEndpoints.metadata.uid } }
			: (options.endpoints ?? liveEndpoints);
	if ((!hasSelector(svc) && endpoints) || mirrored.length > 0) {
		const m = syncMirroring({
			service: svc,
			endpoints: endpoints ?? null,
			existingSlices: slices,
			namespace,
			name,
		});
		if (m.mirrored) {
			plan.source = 'mirroring';
		}
		const after = m.slices.filter((s) => nsOf(s) === namespace);
		plan.slices.push(...slicePlans('mirroring', mirrored, m.actions, after, liveNames, newPodUids));
		if (m.error) {
			plan.error ??= m.error;
			plan.notes.push(`the mirroring controller would report: ${m.error}`);
		}
		for (const ev of m.events) {
			plan.notes.push(`${ev.reason}: ${ev.message}`);
		}
		if (!hasSelector(svc) && options.endpoints) {
			plan.endpoints = endpointsPlan('files', liveEndpoints, options.endpoints);
		}
	} else if (!hasSelector(svc) && !isExternalName) {
		plan.notes.push(
			`no selector and no Endpoints object ${name}: no controller writes endpoints for this Service`,
		);
	}
	if (isExternalName) {
		plan.notes.push('ExternalName Service: no controller writes endpoints for it');
	}

	plan.slices.sort(
		(a, b) =>
			a.controller.localeCompare(b.controller) ||
			a.addressType.localeCompare(b.addressType) ||
			a.name.localeCompare(b.name),
	);
	for (const s of plan.slices) {
		const c = (plan.endpointCounts[s.addressType] ??= { before: 0, after: 0 });
		c.before += s.endpointsBefore;
		c.after += s.endpointsAfter;
	}
	plan.changed = plan.slices.some((s) => s.action !== 'unchanged');
	return plan;
}

// ---------------------------------------------------------------------------------------------------------------
// The workspace

function podIPs(pod: Pod): string[] {
	const ips = (pod.status?.podIPs ?? []).map((p) => p.ip);
	return [...new Set(pod.status?.podIP ? [...ips, pod.status.podIP] : ips)];
}

/** The workloads of the files, expanded again on `nodes`, their pods avoiding the IPs in `taken`. */
function expandOn(
	workloads: readonly WorkloadModel[],
	model: WorkspaceModel,
	nodes: readonly Node[],
	taken: Set<string>,
): WorkloadModel[] {
	return workloads.map((w) => {
		const r = expandWorkload(w.manifest.object as Parameters<typeof expandWorkload>[0], {
			profile: model.profile,
			nodes,
			allocatedIPs: taken,
			defaultNamespace: w.namespace ?? 'default',
			...(w.simulate ? { simulate: w.simulate } : {}),
		});
		return { ...w, object: r.workload, pods: r.pods, owned: r.owned };
	});
}

function describeWorkload(w: WorkloadModel): string {
	return `${w.kind} ${w.name}`;
}

/**
 * The namespaces a snapshot must cover to plan the files: those of their Services, Endpoints and workloads.
 * `files` as in {@link PlanOptions}.
 */
export function planNamespaces(model: WorkspaceModel, files?: readonly string[]): string[] {
	const only = files ? new Set(files) : undefined;
	const inFiles = (uid: string | undefined) => !only || only.has(model.sources[uid ?? '']?.file ?? '');
	const out = new Set<string>();
	for (const o of [...model.services, ...model.endpoints]) {
		if (inFiles(o.metadata?.uid)) {
			out.add(nsOf(o));
		}
	}
	for (const w of model.workloads) {
		if (!only || only.has(w.manifest.file)) {
			out.add(w.namespace ?? 'default');
		}
	}
	return [...out].sort();
}

/**
 * Plans every Service the files define, plus the live Services that select pods of the files' workloads, against
 * the snapshot. See the module header for the semantics.
 */
export function planWorkspace(model: WorkspaceModel, live: LiveSnapshot, options: PlanOptions = {}): WorkspacePlan {
	const files = options.files ? new Set(options.files) : undefined;
	const inFiles = (file: string | undefined) => files === undefined || (file !== undefined && files.has(file));
	const notes: string[] = [...(live.notes ?? [])];

	const nodes = live.nodes.length > 0 ? live.nodes : model.nodes;
	if (live.nodes.length === 0) {
		const where = model.syntheticNodes ? 'synthetic nodes' : "the files' Nodes";
		notes.push(`the cluster returned no Nodes: pods are placed on ${where} (zones may differ)`);
	}

	// Pods: the live ones, with the files' workloads applied (`desiredPods`): their templates are expanded on the
	// live nodes, avoiding the IPs that live pods and Services hold. Every live pod's IP is reserved, not only those
	// of the pods that stay: which pods stay is only known once the workloads are expanded on the live nodes (a
	// DaemonSet keeps a pod per node), and a pod a rollout replaces still holds its IP while the new ones start.
	const fileWorkloads = model.workloads.filter((w) => inFiles(w.manifest.file));
	const taken = new Set<string>();
	for (const p of live.pods) {
		podIPs(p).forEach((ip) => taken.add(ip));
	}
	for (const s of [...live.services, ...model.services]) {
		for (const ip of [s.spec?.clusterIP, ...(s.spec?.clusterIPs ?? [])]) {
			if (ip && ip !== 'None') {
				taken.add(ip);
			}
		}
	}
	const planned = expandOn(fileWorkloads, model, nodes, taken);
	const desired = desiredPods(live.pods, planned);
	const liveUids = new Set(live.pods.map((p) => p.metadata?.uid ?? '').filter((u) => u !== ''));
	const newPodUids = new Set(desired.added.map((p) => p.metadata?.uid ?? '').filter((u) => u !== '' && !liveUids.has(u)));

	const controller = new EndpointSliceController({ maxEndpointsPerSlice: options.maxEndpointsPerSlice });
	const services: ServicePlan[] = [];
	const seen = new Set<string>();
	const workloadNotes = (svc: Service): string[] => {
		const out: string[] = [];
		for (const { workload: w, live: liveOnes, removed: gone, added, rollout } of desired.byWorkload) {
			if ((w.namespace ?? 'default') !== nsOf(svc)) {
				continue;
			}
			if (podsForService(svc, [...gone, ...added]).length === 0) {
				continue;
			}
			const what = describeWorkload(w);
			// Terminating pods stay until they are gone but do not count as the workload's pods (nor do the notes).
			const running = liveOnes.filter((p) => !p.metadata?.deletionTimestamp).length;
			if (w.kind === 'Pod') {
				out.push(gone.length > 0 ? `${what} is replaced` : `${what} is not in the cluster yet`);
			} else if (rollout) {
				out.push(`${what}'s template changed: its ${gone.length} live pods are replaced by ${added.length} new pods (a rollout)`);
			} else if (gone.length > 0 && added.length === 0) {
				out.push(`${what} keeps ${running - gone.length} of its ${running} live pods`);
			} else if (running === 0) {
				out.push(`${what} has no live pods yet: ${added.length} new pods`);
			} else {
				out.push(`${what} keeps its ${running - gone.length} live pods and adds ${added.length}`);
			}
		}
		return out;
	};

	// Services the files define.
	const fileEndpoints = model.endpoints.filter((e) => inFiles(model.sources[e.metadata?.uid ?? '']?.file));
	for (const svc of model.services) {
		const manifest = svc.metadata?.uid ? model.sources[svc.metadata.uid] : undefined;
		if (!inFiles(manifest?.file)) {
			continue;
		}
		const key = keyOf(svc);
		seen.add(key);
		const endpoints = fileEndpoints.find((e) => keyOf(e) === key);
		const p = planServiceWith(controller, svc, desired.pods, live, {
			...(manifest ? { written: manifest.object as Service } : {}),
			...(endpoints ? { endpoints } : {}),
			nodes,
			newPodUids,
		});
		if (p.service !== 'unknown') {
			p.notes.push(...workloadNotes(svc));
		}
		if (manifest) {
			p.file = manifest.file;
			p.line = manifest.range.start.line + 1;
		}
		services.push(p);
	}

	// Live Services the files do not define: selector-less ones whose Endpoints the files define, and those whose
	// selector picks pods the files' workloads replace or add.
	const touched = [
		...desired.replaced,
		...desired.added,
	];
	for (const svc of [...live.services].sort((a, b) => keyOf(a).localeCompare(keyOf(b)))) {
		const key = keyOf(svc);
		if (seen.has(key) || svc.spec?.type === 'ExternalName') {
			continue;
		}
		const endpoints = !hasSelector(svc) ? fileEndpoints.find((e) => keyOf(e) === key) : undefined;
		if (!endpoints && podsForService(svc, touched).length === 0) {
			continue;
		}
		seen.add(key);
		const p = planServiceWith(controller, svc, desired.pods, live, {
			inFiles: false,
			nodes,
			newPodUids,
			...(endpoints ? { endpoints } : {}),
		});
		p.notes.unshift(
			endpoints
				? 'not in the files: its Endpoints object is'
				: "not in the files: its selector picks pods of the files' workloads",
		);
		p.notes.push(...workloadNotes(svc));
		services.push(p);
	}

	services.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
	const summary: PlanSummary = { create: 0, update: 0, delete: 0, unchanged: 0, notCompared: 0 };
	for (const s of services) {
		if (s.service === 'unknown') {
			summary.notCompared++;
			continue;
		}
		for (const slice of s.slices) {
			summary[slice.action]++;
		}
	}
	const namespaces = new Set<string>([
		...services.map((s) => s.namespace),
		...fileWorkloads.map((w) => w.namespace ?? 'default'),
	]);
	for (const u of live.unreadable ?? []) {
		// Services of the namespace say it themselves.
		if (namespaces.has(u.namespace) && !services.some((s) => s.namespace === u.namespace)) {
			notes.push(`namespace ${u.namespace} could not be read: ${u.reason}`);
		}
	}
	if (services.some((s) => s.slices.some((sl) => [...sl.added, ...sl.changed].some((e) => e.newPod)))) {
		notes.push('new pods have placeholder names and IPs: the cluster assigns them at apply');
	}
	return {
		context: live.context,
		...(live.server ? { server: live.server } : {}),
		namespaces: [...namespaces].sort(),
		services,
		summary,
		hasChanges: summary.create + summary.update + summary.delete > 0,
		notes,
	};
}

// ---------------------------------------------------------------------------------------------------------------
// The cluster profile

/**
 * The families of the live cluster, to build the workspace model with (so new Services and template pods get the
 * cluster's IP families): from the Nodes' pod CIDRs, else the pods' IPs, else the Services' cluster IPs. Empty
 * when the snapshot tells nothing.
 */
export function inferClusterProfile(live: LiveSnapshot): Partial<ClusterProfile> {
	const cidrs = (n: Node) => (n.spec as { podCIDRs?: string[] } | undefined)?.podCIDRs ?? [];
	const clusterIPs = (s: Service) => s.spec?.clusterIPs ?? (s.spec?.clusterIP ? [s.spec.clusterIP] : []);
	const lists: string[][] = [
		...live.nodes.map((n) => cidrs(n).map((c) => c.split('/')[0]!)),
		...live.pods.map(podIPs),
		...live.services.map((s) => clusterIPs(s).filter((ip) => ip !== 'None')),
	];
	let primary: IPFamily | undefined;
	let dualStack = false;
	for (const ips of lists) {
		const families = ips.map(ipFamilyOf).filter((f): f is IPFamily => f !== undefined);
		if (families.length === 0) {
			continue;
		}
		primary ??= families[0];
		if (new Set(families).size > 1) {
			dualStack = true;
		}
	}
	return primary ? { primaryFamily: primary, dualStack } : {};
}

// ---------------------------------------------------------------------------------------------------------------
// Text

const maxEndpointLines = 30;

function portText(p: EndpointPort): string {
	const app = p.appProtocol ? ` (${p.appProtocol})` : '';
	return `${p.name ? `${p.name} ` : ''}${p.port ?? '*'}/${p.protocol ?? 'TCP'}${app}`;
}

function portsText(ports: readonly EndpointPort[]): string {
	return ports.length === 0 ? '(none)' : portSort(ports).map(portText).join(', ');
}

function endpointText(e: PlanEndpoint): string {
	const tags = [e.state, ...(e.newPod ? ['new pod'] : [])].join(', ');
	return `${e.addresses.join(',')}${e.pod ? ` ${e.pod}` : ''} (${tags})`;
}

function countText(counts: ServicePlan['endpointCounts']): string {
	const types = Object.keys(counts).sort();
	if (types.length === 0) {
		return '';
	}
	if (types.length === 1) {
		const c = counts[types[0]!]!;
		return ` · endpoints ${c.before} → ${c.after}`;
	}
	return ` · endpoints ${types.map((t) => `${t} ${counts[t]!.before} → ${counts[t]!.after}`).join(', ')}`;
}

const verbSymbol: Record<PlanAction, string> = { create: '+', update: '~', delete: '-', unchanged: ' ' };

function sliceLines(s: SlicePlan): string[] {
	const what = `EndpointSlice ${s.name}${s.action === 'create' ? ' (name generated at apply)' : ''}`;
	const kind = `${s.addressType}${s.controller === 'mirroring' ? ', mirrored' : ''}`;
	const counts = `endpoints ${s.endpointsBefore} → ${s.endpointsAfter}`;
	const out = [`  ${verbSymbol[s.action]} ${s.action} ${what} (${kind}) · ${counts}`];
	if (s.ports) {
		out.push(`      ports: ${portsText(s.ports.before)} → ${portsText(s.ports.after)}`);
	} else if (s.action === 'create' && (s.after?.ports ?? []).length > 0) {
		out.push(`      ports: ${portsText(s.after!.ports!)}`);
	}
	if (s.labels) {
		out.push(`      labels: ${s.labels.join(', ')}`);
	}
	const lines = [
		...s.added.map((e) => `+ ${endpointText(e)}`),
		...s.removed.map((e) => `- ${endpointText(e)}`),
		...s.changed.map((e) => `~ ${e.addresses.join(',')}${e.pod ? ` ${e.pod}` : ''}: ${e.changes.join('; ')}`),
	];
	for (const l of lines.slice(0, maxEndpointLines)) {
		out.push(`      ${l}`);
	}
	if (lines.length > maxEndpointLines) {
		out.push(`      … ${lines.length - maxEndpointLines} more endpoint changes (--output json has them all)`);
	}
	return out;
}

function endpointsLine(e: EndpointsPlan): string {
	const total = (c: AddressCounts | null) => (c ? c.ready + c.notReady : 0);
	const ready = `ready ${e.before?.ready ?? 0} → ${e.after?.ready ?? 0}`;
	const writer = e.writer === 'files' ? ' (written by the files)' : '';
	return `    v1 Endpoints: ${e.action}${writer} · addresses ${total(e.before)} → ${total(e.after)} (${ready})`;
}

function serviceHeader(s: ServicePlan): string {
	const id = `Service ${s.namespace}/${s.name}`;
	if (s.service === 'unknown') {
		return `? ${id}: not compared`;
	}
	const status =
		s.service === 'new'
			? ' (new)'
			: s.service === 'changed'
				? ` (changed: ${s.serviceChanges.join(', ')})`
				: '';
	if (!s.changed) {
		const n = s.slices.length;
		const eps = s.slices.reduce((sum, x) => sum + x.endpointsAfter, 0);
		return `${id}${status}: no changes · ${n} slice${n === 1 ? '' : 's'}, ${eps} endpoint${eps === 1 ? '' : 's'}`;
	}
	return `${id}${status}${countText(s.endpointCounts)}`;
}

/** The plan as text, terraform-like: per Service, the slice writes with endpoint detail, then a summary line. */
export function formatPlan(plan: WorkspacePlan): string {
	const out: string[] = [];
	const namespaces = plan.namespaces.length > 0 ? ` · namespaces: ${plan.namespaces.join(', ')}` : '';
	out.push(`Plan against context "${plan.context}"${plan.server ? ` (${plan.server})` : ''}${namespaces}`);
	out.push('');
	if (plan.services.length === 0) {
		out.push('No Services in these files, and no live Service selects pods of their workloads.');
		out.push('');
	}
	for (const s of plan.services) {
		out.push(serviceHeader(s));
		for (const n of s.notes) {
			out.push(`    ${n}`);
		}
		if (s.service !== 'unknown' && s.changed) {
			for (const slice of s.slices) {
				if (slice.action !== 'unchanged') {
					out.push(...sliceLines(slice));
				}
			}
			const unchanged = s.slices.filter((x) => x.action === 'unchanged');
			if (unchanged.length > 0) {
				out.push(`    unchanged: ${unchanged.map((x) => `EndpointSlice ${x.name}`).join(', ')}`);
			}
		}
		if (s.endpoints && s.endpoints.action !== 'unchanged') {
			out.push(endpointsLine(s.endpoints));
		}
		out.push('');
	}
	if (plan.notes.length > 0) {
		out.push('Notes:');
		for (const n of plan.notes) {
			out.push(`  ${n}`);
		}
		out.push('');
	}
	const { create, update, delete: del, notCompared } = plan.summary;
	const skipped = notCompared > 0 ? ` ${notCompared} Service${notCompared === 1 ? '' : 's'} not compared.` : '';
	out.push(
		plan.hasChanges
			? `Plan: ${create} to create, ${update} to update, ${del} to delete.${skipped}`
			: `No changes. The EndpointSlices match the live cluster.${skipped}`,
	);
	return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// YAML for a diff editor

const noisyMetadata = ['managedFields', 'resourceVersion', 'uid', 'creationTimestamp', 'generation', 'selfLink'];

function sortedRecord(r: Record<string, unknown>): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const k of Object.keys(r).sort()) {
		out[k] = canonical(r[k]);
	}
	return out;
}

function canonical(v: unknown): unknown {
	if (Array.isArray(v)) {
		return v.map(canonical);
	}
	if (typeof v === 'object' && v !== null) {
		return sortedRecord(v as Record<string, unknown>);
	}
	return v;
}

/** Copies the keys of `order` first (in that order), then the others sorted; undefined values are dropped. */
function ordered(
	o: Record<string, unknown>,
	order: readonly string[],
	map: (k: string, v: unknown) => unknown = (_k, v) => canonical(v),
): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const k of [...order.filter((k) => k in o), ...Object.keys(o).filter((k) => !order.includes(k)).sort()]) {
		const v = map(k, o[k]);
		if (v !== undefined) {
			out[k] = v;
		}
	}
	return out;
}

const endpointOrder = ['addresses', 'conditions', 'hostname', 'nodeName', 'zone', 'targetRef', 'hints'];
const portOrder = ['name', 'protocol', 'port', 'appProtocol'];

/** A slice in a stable shape for diffing: fixed key order, sorted endpoints and ports, no server-set noise. */
export function canonicalSlice(slice: EndpointSlice): Record<string, unknown> {
	const meta = { ...(slice.metadata ?? {}) } as Record<string, unknown>;
	for (const k of noisyMetadata) {
		delete meta[k];
	}
	const annotations = { ...((meta.annotations as Record<string, string> | undefined) ?? {}) };
	delete annotations[annotationTriggerTime];
	meta.annotations = Object.keys(annotations).length > 0 ? annotations : undefined;
	if (meta.name) {
		delete meta.generateName;
	}
	const endpoints = [...(slice.endpoints ?? [])].sort(
		(a, b) =>
			(a.addresses[0] ?? '').localeCompare(b.addresses[0] ?? '') ||
			(a.targetRef?.name ?? '').localeCompare(b.targetRef?.name ?? ''),
	);
	const body = {
		apiVersion: slice.apiVersion ?? 'discovery.k8s.io/v1',
		kind: slice.kind ?? 'EndpointSlice',
		...slice,
		metadata: meta,
		endpoints: endpoints.map((e) =>
			ordered(e as unknown as Record<string, unknown>, endpointOrder, (k, v) => {
				if (k === 'conditions') {
					return ordered(v as Record<string, unknown>, ['ready', 'serving', 'terminating']);
				}
				if (k === 'targetRef') {
					const { resourceVersion: _rv, ...ref } = v as Record<string, unknown>;
					return ordered(ref, ['kind', 'namespace', 'name', 'uid']);
				}
				return canonical(v);
			}),
		),
		ports: portSort(slice.ports ?? []).map((p) => ordered(p as Record<string, unknown>, portOrder)),
	};
	const top = ['apiVersion', 'kind', 'metadata', 'addressType', 'endpoints', 'ports'];
	const metaOrder = ['name', 'generateName', 'namespace', 'labels', 'annotations', 'ownerReferences'];
	return ordered(body as unknown as Record<string, unknown>, top, (k, v) =>
		k === 'metadata'
			? ordered(v as Record<string, unknown>, metaOrder)
			: k === 'endpoints' || k === 'ports'
				? v
				: canonical(v),
	);
}

/**
 * The live slices (`before`) and the planned ones (`after`) of every compared Service, as multi-document YAML in a
 * stable order (namespace, Service, address type, name) and stripped of server-set noise (managedFields,
 * resourceVersion, uid, creationTimestamp, generation, the trigger-time annotation), so that a diff editor shows
 * only what the controllers would change.
 */
export function planYaml(plan: WorkspacePlan): { before: string; after: string } {
	const before: Record<string, unknown>[] = [];
	const after: Record<string, unknown>[] = [];
	for (const s of plan.services) {
		if (s.service === 'unknown') {
			continue;
		}
		const slices = [...s.slices].sort(
			(a, b) => a.addressType.localeCompare(b.addressType) || a.name.localeCompare(b.name),
		);
		for (const slice of slices) {
			if (slice.before) {
				before.push(canonicalSlice(slice.before));
			}
			if (slice.after) {
				after.push(canonicalSlice(slice.after));
			}
		}
	}
	const text = (docs: Record<string, unknown>[]) =>
		docs.length === 0 ? '' : `${docs.map((d) => stringify(d, { lineWidth: 0 }).trimEnd()).join('\n---\n')}\n`;
	return { before: text(before), after: text(after) };
}
