/**
 * The legacy core/v1 Endpoints controller's `syncService` as a pure function, following upstream
 * `kubernetes:pkg/controller/endpoint/endpoints_controller.go` (v1.33+, with the `endpoints.kubernetes.io/managed-by`
 * label and canonical IPs) function by function: syncService, podToEndpointAddressForService, addEndpointSubset,
 * endpointPortFromServicePort, capacityAnnotationSetCorrectly, truncateEndpoints, addressSubset,
 * endpointSubsetsEqualIgnoreResourceVersion and labelsCorrectForEndpoints.
 *
 * The informers and the API client are replaced by values: the caller passes the Service (or null when it was
 * deleted), every pod in its store, and the current Endpoints object; the function returns the API writes the
 * controller would make and the Endpoints object as it would be stored afterwards. Errors are returned, never thrown.
 *
 * Where this differs from upstream, on purpose:
 * - A deleted Service with no Endpoints object produces no action. Upstream sends the DELETE anyway and ignores the
 *   404; the visible outcome is the same.
 * - "Create or update" is decided by whether an Endpoints object was passed. Upstream checks its resourceVersion,
 *   which informer objects always carry; manifests fed to a simulation often do not.
 * - When `spec.ipFamilies` is empty we keep the fallbacks of the v1.33 code (the clusterIP's family, or the family of
 *   `status.podIP` for a headless Service). The newest upstream assumes an API server that always sets ipFamilies.
 * - Subsets are ordered by {@link repackSubsets}' documented order instead of upstream's md5 order, so when the
 *   over-capacity truncation runs, which subset receives the rounded-down remainder may differ from a real cluster.
 *   The per-subset quotas themselves are computed exactly as upstream.
 * - Objects without a namespace are matched as namespace "" (as the other controllers here do); only the request
 *   path falls back to "default".
 */
import { podsForService } from '../../k8s/selector';
import { canonicalIP, formatIP, isCanonicalIPv4, isIPv6String, parseIP } from '../../k8s/ip';
import { repackSubsets } from '../../k8s/repackSubsets';
import type {
	EndpointAddress,
	Endpoints,
	EndpointsPort,
	EndpointSubset,
	ObjectReference,
	Pod,
	Service,
	ServicePort,
} from '../../k8s/types';
import {
	annotationOverCapacity,
	annotationTriggerTime,
	endpointsControllerName,
	endpointsMaxCapacity,
	labelEndpointsManagedBy,
	labelHeadless,
} from '../../k8s/types';
import { findPort, isHeadlessService, isPodReady, shouldPodBeInEndpoints, shouldSetHostname } from '../podUtil';
import { computeTriggerTime, formatRFC3339Nano } from '../triggerTime';

/** Value of `endpoints.kubernetes.io/over-capacity` when the controller truncated the object (upstream `truncated`). */
export const overCapacityTruncated = 'truncated';

/** One API write the controller would make. */
export interface EndpointsAction {
	verb: 'create' | 'update' | 'delete';
	/** `/api/v1/namespaces/NS/endpoints` for create, `/api/v1/namespaces/NS/endpoints/NAME` for update and delete. */
	path: string;
	/** The request body; null for a delete. */
	object: Endpoints | null;
}

/** Input of {@link syncEndpoints}: the contract of `endpoint-lens simulate` kind `endpoints-sync`. */
export interface EndpointsSyncInput {
	/** The Service, or null when it was deleted (its Endpoints object is then deleted). */
	service: Service | null;
	/** Namespace and name of a deleted Service; defaults to the existing Endpoints object's. */
	serviceKey?: { namespace: string; name: string };
	/** Every pod in the store. The controller selects by namespace and selector. */
	pods: Pod[];
	/** The Endpoints object of the same name, if one exists. */
	existingEndpoints: Endpoints | null | undefined;
	/** The managed-by label value; default `endpoint-controller`. */
	controllerName?: string;
	/**
	 * The trigger time to write (RFC3339; normalized to RFC3339Nano UTC). Empty string means "no trigger time", which
	 * removes the annotation. When absent, computed as a fresh controller would: the Service's creationTimestamp.
	 */
	triggerTime?: string;
}

/** Output of {@link syncEndpoints}. */
export interface EndpointsSyncResult {
	/** The writes, in order (at most one). Empty when nothing needs to change. */
	actions: EndpointsAction[];
	/**
	 * The Endpoints object as it would be stored after the writes: the request body of a create (with the namespace
	 * the request path gives it) or update, null after a delete, and the existing object when nothing was written.
	 */
	endpoints: Endpoints | null;
	/** Why the sync could not run, or null. */
	error: string | null;
}

function collectionPath(namespace: string): string {
	return `/api/v1/namespaces/${namespace || 'default'}/endpoints`;
}

function objectPath(namespace: string, name: string): string {
	return `${collectionPath(namespace)}/${name}`;
}


/**
 * `podToEndpointAddressForService`: the pod's first IP of the Service's primary family, canonicalized, with nodeName
 * (always set, possibly "") and a Pod targetRef. Null when the pod has no IP of that family.
 */
export function podToEndpointAddressForService(svc: Service, pod: Pod): EndpointAddress | null {
	let wantIPv6: boolean;
	const families = svc.spec?.ipFamilies ?? [];
	if (families.length > 0) {
		wantIPv6 = families[0] === 'IPv6';
	} else {
		const clusterIP = svc.spec?.clusterIP ?? '';
		wantIPv6 =
			clusterIP !== '' && clusterIP !== 'None'
				? isIPv6String(clusterIP)
				: // Headless without ipFamilies: guess the family from the pod's primary IP.
					isIPv6String(pod.status?.podIP ?? '');
	}
	let endpointIP: string | undefined;
	for (const podIP of pod.status?.podIPs ?? []) {
		const ip = podIP.ip ?? '';
		if (isCanonicalIPv4(ip)) {
			// Already canonical IPv4, the usual case: what parsing and formatting it would give, without the work.
			if (!wantIPv6) {
				endpointIP = ip;
				break;
			}
			continue;
		}
		const parsed = parseIP(ip);
		// An unparsable IP is "not IPv6" to Go, so it matches IPv4 and prints as "<nil>" (canonicalIP).
		if (wantIPv6 === (parsed?.family === 'IPv6')) {
			endpointIP = parsed ? formatIP(parsed) : canonicalIP(ip);
			break;
		}
	}
	if (endpointIP === undefined) {
		return null;
	}
	const targetRef: ObjectReference = { kind: 'Pod' };
	if (pod.metadata?.namespace) {
		targetRef.namespace = pod.metadata.namespace;
	}
	if (pod.metadata?.name) {
		targetRef.name = pod.metadata.name;
	}
	if (pod.metadata?.uid) {
		targetRef.uid = pod.metadata.uid;
	}
	return { ip: endpointIP, nodeName: pod.spec?.nodeName ?? '', targetRef };
}

/** `endpointPortFromServicePort`: the Service port's name, protocol and appProtocol with the resolved number. */
export function endpointPortFromServicePort(servicePort: ServicePort, portNum: number): EndpointsPort {
	// Key order as Go marshals EndpointPort; name and protocol are omitempty strings, appProtocol a pointer.
	return {
		...(servicePort.name ? { name: servicePort.name } : {}),
		port: portNum,
		...(servicePort.protocol ? { protocol: servicePort.protocol } : {}),
		...(isAbsent(servicePort.appProtocol) ? {} : { appProtocol: servicePort.appProtocol }),
	};
}

/**
 * `addEndpointSubset`: one subset for one (pod, port) pair — or (pod, no port) for a headless Service without ports.
 * The address is ready when the Service tolerates unready endpoints or the pod is Ready.
 */
export function addEndpointSubset(
	subsets: EndpointSubset[],
	pod: Pod,
	epa: EndpointAddress,
	epp: EndpointsPort | undefined,
	tolerateUnreadyEndpoints: boolean,
): { ready: number; notReady: number } {
	const ports = epp ? [epp] : [];
	if (tolerateUnreadyEndpoints || isPodReady(pod)) {
		subsets.push({ addresses: [epa], ports });
		return { ready: 1, notReady: 0 };
	}
	subsets.push({ notReadyAddresses: [epa], ports });
	return { ready: 0, notReady: 1 };
}

function countAddresses(subsets: readonly EndpointSubset[] | null | undefined): { ready: number; notReady: number } {
	let ready = 0;
	let notReady = 0;
	for (const s of subsets ?? []) {
		ready += s.addresses?.length ?? 0;
		notReady += s.notReadyAddresses?.length ?? 0;
	}
	return { ready, notReady };
}

/**
 * `capacityAnnotationSetCorrectly`: false when the subsets hold more than 1000 addresses (they must be truncated),
 * otherwise true exactly when the over-capacity annotation is absent.
 */
export function capacityAnnotationSetCorrectly(
	annotations: Record<string, string> | null | undefined,
	subsets: readonly EndpointSubset[] | null | undefined,
): boolean {
	const { ready, notReady } = countAddresses(subsets);
	if (ready + notReady > endpointsMaxCapacity) {
		return false;
	}
	return !(annotations && Object.prototype.hasOwnProperty.call(annotations, annotationOverCapacity));
}

/** `addressSubset`: the first `maxNum` addresses. */
function addressSubset(addresses: EndpointAddress[], maxNum: number): EndpointAddress[] {
	return addresses.length <= maxNum ? addresses : addresses.slice(0, maxNum);
}

/**
 * `truncateEndpoints`: when the subsets hold more than 1000 addresses, cut them down in place and return true.
 * Ready addresses are kept first: with at most 1000 ready, all stay and the remaining room is shared among the
 * not-ready ones; with more, only ready ones are kept. Each subset's quota is its proportional share of the room,
 * rounded up, capped by what is still left — so the last subsets may get less.
 */
export function truncateEndpoints(endpoints: Endpoints): boolean {
	const subsets = endpoints.subsets ?? [];
	const { ready: totalReady, notReady: totalNotReady } = countAddresses(subsets);
	if (totalReady + totalNotReady <= endpointsMaxCapacity) {
		return false;
	}
	const truncateReady = totalReady > endpointsMaxCapacity;
	const max = truncateReady ? endpointsMaxCapacity : endpointsMaxCapacity - totalReady;
	const numTotal = truncateReady ? totalReady : totalNotReady;
	let canBeAdded = max;
	endpoints.subsets = subsets.map((subset) => {
		const numInSubset = truncateReady ? (subset.addresses?.length ?? 0) : (subset.notReadyAddresses?.length ?? 0);
		// Same float64 arithmetic as Go's math.Ceil(float64(n) / float64(total) * float64(max)).
		const toBeAdded = Math.min(Math.ceil((numInSubset / numTotal) * max), canBeAdded);
		const out: EndpointSubset = { ...subset };
		if (truncateReady) {
			const kept = addressSubset(subset.addresses ?? [], toBeAdded);
			if (kept.length > 0) {
				out.addresses = kept;
			} else {
				delete out.addresses;
			}
			delete out.notReadyAddresses;
			canBeAdded -= kept.length;
		} else {
			const kept = addressSubset(subset.notReadyAddresses ?? [], toBeAdded);
			if (kept.length > 0) {
				out.notReadyAddresses = kept;
			} else {
				delete out.notReadyAddresses;
			}
			canBeAdded -= kept.length;
		}
		return out;
	});
	return true;
}

// Semantic equality (apimachinery `conversion.Equalities.DeepEqual`): nil and empty lists are equal, pointers are
// compared by what they point to, and — for this controller — targetRef.resourceVersion is ignored.

function isAbsent(v: unknown): boolean {
	return v === undefined || v === null;
}

function sameString(a: string | null | undefined, b: string | null | undefined): boolean {
	return (a ?? '') === (b ?? '');
}

/** Equality of two `*string` fields: both nil, or both set and equal. */
function samePointer(a: string | null | undefined, b: string | null | undefined): boolean {
	return isAbsent(a) || isAbsent(b) ? isAbsent(a) && isAbsent(b) : a === b;
}

function sameReference(a: ObjectReference | null | undefined, b: ObjectReference | null | undefined): boolean {
	if (isAbsent(a) || isAbsent(b)) {
		return isAbsent(a) && isAbsent(b);
	}
	return (
		sameString(a!.kind, b!.kind) &&
		sameString(a!.namespace, b!.namespace) &&
		sameString(a!.name, b!.name) &&
		sameString(a!.uid, b!.uid) &&
		sameString(a!.apiVersion, b!.apiVersion) &&
		sameString(a!.fieldPath, b!.fieldPath)
	);
}

function sameAddress(a: EndpointAddress, b: EndpointAddress): boolean {
	return (
		sameString(a.ip, b.ip) &&
		sameString(a.hostname, b.hostname) &&
		samePointer(a.nodeName, b.nodeName) &&
		sameReference(a.targetRef, b.targetRef)
	);
}

function samePort(a: EndpointsPort, b: EndpointsPort): boolean {
	return (
		sameString(a.name, b.name) &&
		(a.port ?? 0) === (b.port ?? 0) &&
		sameString(a.protocol, b.protocol) &&
		samePointer(a.appProtocol, b.appProtocol)
	);
}

function sameList<T>(
	a: readonly T[] | null | undefined,
	b: readonly T[] | null | undefined,
	eq: (x: T, y: T) => boolean,
): boolean {
	const la = a ?? [];
	const lb = b ?? [];
	return la.length === lb.length && la.every((x, i) => eq(x, lb[i]!));
}

/**
 * `endpointSubsetsEqualIgnoreResourceVersion`: ordered semantic equality of two subset lists, ignoring
 * targetRef.resourceVersion and treating absent, null and empty lists alike.
 */
export function endpointSubsetsEqualIgnoreResourceVersion(
	subsets1: readonly EndpointSubset[] | null | undefined,
	subsets2: readonly EndpointSubset[] | null | undefined,
): boolean {
	return sameList(
		subsets1,
		subsets2,
		(a, b) =>
			sameList(a.addresses, b.addresses, sameAddress) &&
			sameList(a.notReadyAddresses, b.notReadyAddresses, sameAddress) &&
			sameList(a.ports, b.ports, samePort),
	);
}

/**
 * `labelsCorrectForEndpoints`: the Endpoints labels carry our managed-by value, and apart from the managed-by and
 * headless keys they are exactly the Service's labels.
 */
export function labelsCorrectForEndpoints(
	epLabels: Record<string, string> | null | undefined,
	svcLabels: Record<string, string> | null | undefined,
	controllerName: string = endpointsControllerName,
): boolean {
	const ep = epLabels ?? {};
	const svc = svcLabels ?? {};
	if (ep[labelEndpointsManagedBy] !== controllerName) {
		return false;
	}
	let skipped = 0;
	for (const [key, value] of Object.entries(ep)) {
		if (key === labelHeadless || key === labelEndpointsManagedBy) {
			skipped++;
		} else if (!Object.prototype.hasOwnProperty.call(svc, key) || svc[key] !== value) {
			return false;
		}
	}
	return Object.keys(svc).length === Object.keys(ep).length - skipped;
}

function deepCopy<T>(value: T): T {
	return JSON.parse(JSON.stringify(value)) as T;
}

/** The map, or undefined when it is empty (Go's `omitempty` on a map). */
function withoutEmpty(map: Record<string, string>): Record<string, string> | undefined {
	return Object.keys(map).length > 0 ? map : undefined;
}

/**
 * `syncService` of the Endpoints controller for one Service key. Returns the write it would make (create, update or
 * delete, or none) and the resulting Endpoints object; never throws.
 */
export function syncEndpoints(input: EndpointsSyncInput): EndpointsSyncResult {
	try {
		return syncService(input);
	} catch (e) {
		return {
			actions: [],
			endpoints: input.existingEndpoints ?? null,
			error: e instanceof Error ? e.message : String(e),
		};
	}
}

function syncService(input: EndpointsSyncInput): EndpointsSyncResult {
	const controllerName = input.controllerName || endpointsControllerName;
	const existing = input.existingEndpoints ?? null;
	const service = input.service;

	if (!service) {
		// The Service is gone: delete its Endpoints object.
		const namespace = input.serviceKey?.namespace ?? existing?.metadata?.namespace ?? '';
		const name = input.serviceKey?.name ?? existing?.metadata?.name ?? '';
		if (!existing) {
			return { actions: [], endpoints: null, error: null };
		}
		if (!name) {
			return {
				actions: [],
				endpoints: existing,
				error: 'cannot delete Endpoints: no name in serviceKey or existingEndpoints',
			};
		}
		return {
			actions: [{ verb: 'delete', path: objectPath(namespace, name), object: null }],
			endpoints: null,
			error: null,
		};
	}

	const namespace = service.metadata?.namespace ?? input.serviceKey?.namespace ?? existing?.metadata?.namespace ?? '';
	const name = service.metadata?.name ?? input.serviceKey?.name ?? '';
	if (!name) {
		return { actions: [], endpoints: existing, error: 'the Service has no metadata.name' };
	}
	if (existing?.metadata?.name && existing.metadata.name !== name) {
		return {
			actions: [],
			endpoints: existing,
			error: `existingEndpoints is named "${existing.metadata.name}", not "${name}" like its Service`,
		};
	}
	if (service.spec?.type === 'ExternalName') {
		// ExternalName Services receive no endpoints from this controller (kubernetes#105986).
		return { actions: [], endpoints: existing, error: null };
	}
	const selector = service.spec?.selector;
	if (selector === undefined || selector === null) {
		// No selector: the Endpoints object is someone else's to write.
		return { actions: [], endpoints: existing, error: null };
	}

	// podLister.Pods(namespace).List(selector); `{}` selects every pod of the namespace.
	const pods = podsForService(service, input.pods);

	// ComputeEndpointLastChangeTriggerTime runs before the no-op check upstream, on all selected pods.
	let triggerTime: string | undefined;
	if (input.triggerTime !== undefined) {
		triggerTime =
			input.triggerTime === '' ? undefined : (formatRFC3339Nano(input.triggerTime) ?? input.triggerTime);
	} else {
		triggerTime = computeTriggerTime(service, pods).time;
	}

	const publishNotReady = service.spec?.publishNotReadyAddresses === true;
	const servicePorts = service.spec?.ports ?? [];
	// One EndpointPort object per (Service port, resolved number), shared by all pods, as Go shares the appProtocol
	// pointer. repackSubsets copies what it outputs.
	const portCache = servicePorts.map(() => new Map<number, EndpointsPort>());
	const endpointPortFor = (index: number, portNum: number): EndpointsPort => {
		const cache = portCache[index]!;
		let port = cache.get(portNum);
		if (!port) {
			port = endpointPortFromServicePort(servicePorts[index]!, portNum);
			cache.set(portNum, port);
		}
		return port;
	};
	let subsets: EndpointSubset[] = [];
	for (const pod of pods) {
		if (!shouldPodBeInEndpoints(pod, publishNotReady)) {
			continue;
		}
		const ep = podToEndpointAddressForService(service, pod);
		if (!ep) {
			// No IP of the Service's family (e.g. a single-stack pod behind an IPv6 Service).
			continue;
		}
		// Field order as Go marshals EndpointAddress: ip, hostname, nodeName, targetRef.
		const epa: EndpointAddress = shouldSetHostname(pod, service)
			? { ip: ep.ip, hostname: pod.spec?.hostname ?? '', nodeName: ep.nodeName ?? '', targetRef: ep.targetRef }
			: ep;

		if (servicePorts.length === 0) {
			// Only a Service with clusterIP "None" may have no ports (an empty clusterIP does not count here).
			if (service.spec?.clusterIP === 'None') {
				addEndpointSubset(subsets, pod, epa, undefined, publishNotReady);
			}
		} else {
			servicePorts.forEach((servicePort, index) => {
				const portNum = findPort(pod, servicePort);
				if (portNum === undefined) {
					// A named targetPort this pod does not expose: skip that port for this pod only.
					return;
				}
				addEndpointSubset(subsets, pod, epa, endpointPortFor(index, portNum), publishNotReady);
			});
		}
	}
	subsets = repackSubsets(subsets);

	// See if there's actually an update here.
	const createEndpoints = existing === null;
	if (
		!createEndpoints &&
		endpointSubsetsEqualIgnoreResourceVersion(existing.subsets, subsets) &&
		labelsCorrectForEndpoints(existing.metadata?.labels, service.metadata?.labels, controllerName) &&
		capacityAnnotationSetCorrectly(existing.metadata?.annotations, existing.subsets)
	) {
		return { actions: [], endpoints: existing, error: null };
	}

	// Start from a copy of the current object, or for a create a fresh one holding only the name.
	const current: Endpoints = createEndpoints ? { metadata: { name } } : deepCopy(existing);
	const annotations: Record<string, string> = { ...(current.metadata?.annotations ?? {}) };
	if (triggerTime !== undefined) {
		annotations[annotationTriggerTime] = triggerTime;
	} else {
		delete annotations[annotationTriggerTime];
	}

	const newEndpoints: Endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata: { ...current.metadata } };
	if (subsets.length > 0) {
		newEndpoints.subsets = subsets;
	}
	if (truncateEndpoints(newEndpoints)) {
		annotations[annotationOverCapacity] = overCapacityTruncated;
	} else {
		delete annotations[annotationOverCapacity];
	}

	const labels: Record<string, string> = { ...(service.metadata?.labels ?? {}) };
	if (isHeadlessService(service)) {
		labels[labelHeadless] = '';
	} else {
		delete labels[labelHeadless];
	}
	labels[labelEndpointsManagedBy] = controllerName;

	const metadata = { ...newEndpoints.metadata, labels };
	const finalAnnotations = withoutEmpty(annotations);
	if (finalAnnotations) {
		metadata.annotations = finalAnnotations;
	} else {
		delete metadata.annotations;
	}
	newEndpoints.metadata = metadata;
	if (newEndpoints.subsets?.length === 0) {
		delete newEndpoints.subsets;
	}

	if (createEndpoints) {
		const stored = deepCopy(newEndpoints);
		stored.metadata = { name, ...(namespace ? { namespace } : {}), ...stored.metadata };
		return {
			actions: [{ verb: 'create', path: collectionPath(namespace), object: newEndpoints }],
			endpoints: stored,
			error: null,
		};
	}
	return {
		actions: [{ verb: 'update', path: objectPath(namespace, name), object: newEndpoints }],
		endpoints: deepCopy(newEndpoints),
		error: null,
	};
}
