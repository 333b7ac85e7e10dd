/**
 * Slim records of live objects: what the live source keeps of what the API server sends, so that a store holding a
 * large cluster (30k pods) costs a fraction of the JSON it was read from (issue 7: ≤ 0.5× the list bytes).
 *
 * Two savings, both at the live source boundary (the playground feeds full objects and needs neither):
 *
 * 1. **Pods lose every field that nothing above the store reads.** What is read was found by reading every consumer
 *    of pods: the store's indexes, the three controllers (`controllers/podUtil.ts`, `endpointslice/utils.ts`,
 *    `endpointslice/reconciler.ts`, `endpoints/endpointsController.ts`, `triggerTime.ts`), the views
 *    (`servicesTree.ts` `podLine`), the analysis (`livePods.ts`, `lint.ts`, `plan.ts`), the hovers (`context.ts`,
 *    `ports.ts`, `serviceHover.ts`, `workloadHover.ts`), the diagrams (`flow.ts`, `timeline.ts`) and the extension's
 *    pickers. A slim Pod keeps exactly:
 *    - `apiVersion`, `kind`;
 *    - `metadata`: `name`, `namespace`, `uid`, `resourceVersion`, `creationTimestamp`, `deletionTimestamp`,
 *      `deletionGracePeriodSeconds`, `labels`, and `ownerReferences` (`apiVersion`, `kind`, `name`, `uid`,
 *      `controller`);
 *    - `spec`: `nodeName`, `hostname`, `subdomain`, `containers` and `initContainers` as `name`, `restartPolicy`
 *      (init containers: `Always` marks a sidecar) and `ports` (`name`, `containerPort`, `protocol`, `hostPort`);
 *    - `status`: `phase`, `hostIP`, `podIP`, `podIPs` (`ip`), and of the conditions only `Ready` (`type`, `status`,
 *      `reason`, `message`, `lastTransitionTime`).
 *
 *    Dropped, among others: annotations, `generateName`, `finalizers`, `managedFields`; images, commands, env,
 *    probes, resources, volume mounts of containers; volumes, tolerations, affinity, scheduling and security
 *    settings; the other conditions, container statuses, `hostIPs`, `qosClass`, `startTime`. A field that a new
 *    feature reads must be added here (and to the test that compares slim and full pods, `slim.test.ts`). The
 *    read-only YAML document of a live Pod says that it shows the slim record (extension/yamlDocuments.ts).
 * 2. **Repeated values are shared** (`Interner`): strings longer than V8's JSON.parse internalizes (timestamps,
 *    pod names, uids and addresses, which EndpointSlices and Endpoints repeat, annotation values), and value-equal
 *    small records that whole groups of objects carry alike — the pods of one owner (a ReplicaSet, …) the same
 *    labels, owner references and containers, most Services the same `ipFamilies` and port lists, most endpoints the
 *    same conditions. Shared records are plain objects like any
 *    other; the store's rule that objects handed to it are never mutated makes sharing them safe.
 *
 * Other kinds keep every field except `metadata.managedFields` (server-side-apply bookkeeping); their records are
 * interned the same way.
 */
import type {
	Container,
	ContainerPort,
	EndpointAddress,
	EndpointSlice,
	Endpoints,
	ObjectReference,
	OwnerReference,
	Pod,
	PodCondition,
	PodSpec,
	PodStatus,
	Service,
	TypedObject,
} from './types';

/** Strings up to this length are already shared by V8's JSON.parse (internalized); interning them gains nothing. */
const internalizedLength = 10;

/** Whether two plain-JSON values are equal. */
function sameJson(a: unknown, b: unknown): boolean {
	if (a === b) {
		return true;
	}
	if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
		return false;
	}
	if (Array.isArray(a)) {
		return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
	}
	if (Array.isArray(b)) {
		return false;
	}
	const ka = Object.keys(a);
	const kb = Object.keys(b);
	return (
		ka.length === kb.length &&
		ka.every((k, i) => k === kb[i] && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
	);
}

/** The records the pods of one owner (a ReplicaSet, a StatefulSet, …) have in common, as its last pod carried them. */
interface OwnerRecords {
	labels?: unknown;
	ownerReferences?: unknown;
	containers?: unknown;
	initContainers?: unknown;
}

/**
 * Shares equal strings and equal small records among the objects of one source. Bounded: when a table holds more
 * than `limit` entries it starts afresh (what is already shared stays shared; only new duplicates are missed), so a
 * long-lived source that sees ever new names does not grow it without end.
 */
export class Interner {
	private strings = new Map<string, string>();
	private records = new Map<string, unknown>();
	private owners = new Map<string, OwnerRecords>();

	constructor(private readonly limit = 300_000) {}

	/** The pooled copy of `s` (or `s`, pooled from now on). */
	str<T extends string | undefined>(s: T): T {
		if (s === undefined || s.length <= internalizedLength) {
			return s;
		}
		const pooled = this.strings.get(s);
		if (pooled !== undefined) {
			return pooled as T;
		}
		if (this.strings.size >= this.limit) {
			this.strings = new Map();
		}
		this.strings.set(s, s);
		return s;
	}

	/**
	 * The pooled record equal to `value`, or `value`, pooled from now on. Keyed by its JSON text, which the table
	 * keeps: only for records that few distinct values cover (port lists, endpoint conditions, ipFamilies).
	 */
	record<T>(value: T): T {
		if (value == null || typeof value !== 'object') {
			return value;
		}
		const key = JSON.stringify(value);
		const pooled = this.records.get(key);
		if (pooled !== undefined) {
			return pooled as T;
		}
		if (this.records.size >= this.limit) {
			this.records = new Map();
		}
		this.records.set(key, value);
		return value;
	}

	/**
	 * The record `field` of the previous pod of the same owner (`ownerUid`) when it equals `value`, else `value`
	 * (remembered for the owner's next pod). Keyed by the owner's (pooled) uid, so a table entry costs no key text.
	 */
	owned<T>(ownerUid: string | undefined, field: keyof OwnerRecords, value: T): T {
		if (ownerUid === undefined || value === undefined) {
			return value;
		}
		let entry = this.owners.get(ownerUid);
		if (entry === undefined) {
			if (this.owners.size >= this.limit) {
				this.owners = new Map();
			}
			entry = {};
			this.owners.set(ownerUid, entry);
		}
		const previous = entry[field];
		if (previous !== undefined && sameJson(previous, value)) {
			return previous as T;
		}
		entry[field] = value;
		return value;
	}
}

// ---------------------------------------------------------------------------------------------------------------
// Pods

function slimPorts(ports: readonly ContainerPort[] | undefined): ContainerPort[] | undefined {
	if (!ports) {
		return undefined;
	}
	return ports.map((p) => {
		const out: ContainerPort = { containerPort: p.containerPort };
		if (p.name !== undefined) {
			out.name = p.name;
		}
		if (p.protocol !== undefined) {
			out.protocol = p.protocol;
		}
		if (p.hostPort !== undefined) {
			out.hostPort = p.hostPort;
		}
		return out;
	});
}

function slimContainers(containers: readonly Container[] | undefined): Container[] | undefined {
	if (!containers) {
		return undefined;
	}
	return containers.map((c) => {
		const out: Container = { name: c.name };
		if (c.restartPolicy !== undefined) {
			out.restartPolicy = c.restartPolicy;
		}
		const ports = slimPorts(c.ports);
		if (ports !== undefined) {
			out.ports = ports;
		}
		return out;
	});
}

function slimOwners(refs: readonly OwnerReference[] | undefined): OwnerReference[] | undefined {
	return refs?.map((r) => {
		const out: OwnerReference = { apiVersion: r.apiVersion, kind: r.kind, name: r.name, uid: r.uid };
		if (r.controller !== undefined) {
			out.controller = r.controller;
		}
		return out;
	});
}

function slimReady(conditions: readonly PodCondition[] | undefined, interner: Interner): PodCondition[] | undefined {
	if (!conditions) {
		return undefined;
	}
	// Consumers read the first Ready condition (`podutil.IsPodReady`): keep that one only.
	const ready = conditions.find((c) => c.type === 'Ready');
	if (!ready) {
		return [];
	}
	const out: PodCondition = { type: 'Ready', status: ready.status };
	if (ready.reason !== undefined) {
		out.reason = ready.reason;
	}
	if (ready.message !== undefined) {
		out.message = ready.message;
	}
	if (ready.lastTransitionTime !== undefined) {
		out.lastTransitionTime = interner.str(ready.lastTransitionTime);
	}
	return [out];
}

/**
 * Deletes the properties whose value is undefined. The slim records are built as object literals of the fields an
 * API server always sends (one compact shape for all of them); a field that is absent is then removed, so that
 * absent stays absent.
 */
function dropUndefined<T extends object>(o: T): T {
	for (const k of Object.keys(o)) {
		if ((o as Record<string, unknown>)[k] === undefined) {
			delete (o as Record<string, unknown>)[k];
		}
	}
	return o;
}

/**
 * The slim record of a pod (see the file comment for what it keeps), sharing repeated values through `interner`.
 * A new object: `pod` is not modified.
 */
export function slimPod(pod: Pod, interner: Interner = new Interner()): Pod {
	const m = pod.metadata;
	let metadata: Pod['metadata'];
	if (m) {
		const owner = m.ownerReferences?.find((r) => r.controller)?.uid;
		const ownerUid = owner === undefined ? undefined : interner.str(owner);
		metadata = dropUndefined({
			name: interner.str(m.name),
			namespace: interner.str(m.namespace),
			uid: interner.str(m.uid),
			resourceVersion: m.resourceVersion,
			creationTimestamp: interner.str(m.creationTimestamp),
			labels: interner.owned(ownerUid, 'labels', m.labels),
			ownerReferences: interner.owned(ownerUid, 'ownerReferences', slimOwners(m.ownerReferences)),
		});
		if (m.deletionTimestamp !== undefined) {
			metadata.deletionTimestamp = interner.str(m.deletionTimestamp);
		}
		if (m.deletionGracePeriodSeconds !== undefined) {
			metadata.deletionGracePeriodSeconds = m.deletionGracePeriodSeconds;
		}
		const s = pod.spec;
		const spec: PodSpec | undefined = s && {};
		if (s && spec) {
			if (s.nodeName !== undefined) {
				spec.nodeName = interner.str(s.nodeName);
			}
			if (s.containers !== undefined) {
				spec.containers = interner.owned(ownerUid, 'containers', slimContainers(s.containers));
			}
			if (s.hostname !== undefined) {
				spec.hostname = s.hostname;
			}
			if (s.subdomain !== undefined) {
				spec.subdomain = interner.str(s.subdomain);
			}
			if (s.initContainers !== undefined) {
				spec.initContainers = interner.owned(ownerUid, 'initContainers', slimContainers(s.initContainers));
			}
		}
		return assemble(pod, metadata, spec, interner);
	}
	return assemble(pod, undefined, pod.spec && slimSpecWithoutOwner(pod.spec, interner), interner);
}

function slimSpecWithoutOwner(s: PodSpec, interner: Interner): PodSpec {
	const spec: PodSpec = {};
	if (s.nodeName !== undefined) {
		spec.nodeName = interner.str(s.nodeName);
	}
	if (s.containers !== undefined) {
		spec.containers = slimContainers(s.containers);
	}
	if (s.hostname !== undefined) {
		spec.hostname = s.hostname;
	}
	if (s.subdomain !== undefined) {
		spec.subdomain = s.subdomain;
	}
	if (s.initContainers !== undefined) {
		spec.initContainers = slimContainers(s.initContainers);
	}
	return spec;
}

function assemble(pod: Pod, metadata: Pod['metadata'], spec: PodSpec | undefined, interner: Interner): Pod {
	const st = pod.status;
	const status: PodStatus | undefined =
		st &&
		dropUndefined({
			phase: st.phase,
			hostIP: interner.str(st.hostIP),
			podIP: interner.str(st.podIP),
			podIPs: st.podIPs?.map((p) => ({ ip: interner.str(p.ip) })),
			conditions: slimReady(st.conditions, interner),
		});
	return dropUndefined({ apiVersion: pod.apiVersion, kind: pod.kind, metadata, spec, status });
}

// ---------------------------------------------------------------------------------------------------------------
// Other kinds: every field, values shared

/** Interns, in place, the strings of a freshly parsed metadata that objects repeat (timestamps, annotation values). */
function internMeta(meta: TypedObject['metadata'], interner: Interner): void {
	if (!meta) {
		return;
	}
	if (meta.name !== undefined) {
		meta.name = interner.str(meta.name);
	}
	if (meta.uid !== undefined) {
		meta.uid = interner.str(meta.uid);
	}
	if (meta.creationTimestamp !== undefined) {
		meta.creationTimestamp = interner.str(meta.creationTimestamp);
	}
	const annotations = meta.annotations;
	if (annotations) {
		for (const k of Object.keys(annotations)) {
			annotations[k] = interner.str(annotations[k]!);
		}
	}
}

function internRef(ref: ObjectReference | undefined, interner: Interner): void {
	if (ref?.name !== undefined) {
		ref.name = interner.str(ref.name);
	}
	if (ref?.uid !== undefined) {
		ref.uid = interner.str(ref.uid);
	}
}

function internSlice(slice: EndpointSlice, interner: Interner): void {
	for (const ep of slice.endpoints ?? []) {
		ep.addresses = ep.addresses.length === 1 ? [interner.str(ep.addresses[0]!)] : ep.addresses.map((a) => interner.str(a));
		if (ep.conditions !== undefined) {
			ep.conditions = interner.record(ep.conditions);
		}
		if (ep.nodeName !== undefined) {
			ep.nodeName = interner.str(ep.nodeName);
		}
		internRef(ep.targetRef, interner);
	}
	if (slice.ports) {
		slice.ports = interner.record(slice.ports);
	}
}

function internAddresses(addresses: EndpointAddress[] | undefined, interner: Interner): void {
	for (const a of addresses ?? []) {
		a.ip = interner.str(a.ip);
		if (a.nodeName !== undefined) {
			a.nodeName = interner.str(a.nodeName);
		}
		internRef(a.targetRef, interner);
	}
}

function internEndpoints(endpoints: Endpoints, interner: Interner): void {
	for (const subset of endpoints.subsets ?? []) {
		internAddresses(subset.addresses, interner);
		internAddresses(subset.notReadyAddresses, interner);
		if (subset.ports) {
			subset.ports = interner.record(subset.ports);
		}
	}
}

function internService(service: Service, interner: Interner): void {
	const spec = service.spec;
	if (spec) {
		if (spec.ports) {
			spec.ports = interner.record(spec.ports);
		}
		if (spec.ipFamilies) {
			spec.ipFamilies = interner.record(spec.ipFamilies);
		}
	}
	if (service.status !== undefined) {
		service.status = interner.record(service.status);
	}
}

/**
 * What the live source keeps of an object it just parsed (and owns: it is changed in place): a slim record of a Pod,
 * any other kind without `metadata.managedFields`; repeated values shared through `interner` (see the file comment).
 */
export function slimObject<T extends TypedObject>(kind: string, obj: T, interner: Interner): T {
	if (kind === 'Pod') {
		return slimPod(obj as Pod, interner) as T;
	}
	const out = withoutManagedFields(obj);
	internMeta(out.metadata, interner);
	switch (kind) {
		case 'EndpointSlice':
			internSlice(out as unknown as EndpointSlice, interner);
			break;
		case 'Endpoints':
			internEndpoints(out as unknown as Endpoints, interner);
			break;
		case 'Service':
			internService(out as Service, interner);
			break;
		default:
			break;
	}
	return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Any kind

/** The object without `metadata.managedFields`. A new metadata object, so V8 keeps one shape for all of them. */
export function withoutManagedFields<T extends TypedObject>(obj: T): T {
	const meta = obj.metadata as (TypedObject['metadata'] & { managedFields?: unknown }) | undefined;
	if (!meta || meta.managedFields === undefined) {
		return obj;
	}
	const { managedFields: _dropped, ...rest } = meta;
	return { ...obj, metadata: rest };
}
