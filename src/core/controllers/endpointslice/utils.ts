/**
 * The EndpointSlice controller's helpers, after `k8s.io/endpointslice/utils.go`, one function each: how a Pod becomes
 * an Endpoint, which ports it serves, which address families a Service has, what a new slice looks like and which
 * labels it carries.
 */
import { canonicalizeIP, isCanonicalIPv4, parseIP } from '../../k8s/ip';
import { generateNamePrefix, newControllerRef } from '../../k8s/names';
import type {
	AddressType,
	Endpoint,
	EndpointPort,
	EndpointSlice,
	Node,
	ObjectReference,
	OwnerReference,
	Pod,
	PodStatus,
	Service,
} from '../../k8s/types';
import {
	annotationTopologyAwareHints,
	annotationTopologyMode,
	annotationTriggerTime,
	labelHeadless,
	labelManagedBy,
	labelServiceName,
	labelTopologyZone,
} from '../../k8s/types';
import { findPort, isPodReady, shouldSetHostname } from '../podUtil';

/** Upstream's `endpointMeta`: what slices are grouped on. */
export interface EndpointMeta {
	ports: EndpointPort[];
	addressType: AddressType;
}

/**
 * `getEndpointAddresses`: the pod's `status.podIPs` of this family, re-stringified canonically. Only podIPs count;
 * the singular podIP does not. An unparsable IP is not IPv6 to Go, so it lands in the IPv4 list as `"<nil>"`.
 */
export function getEndpointAddresses(status: PodStatus | undefined, addressType: AddressType): string[] {
	const podIPs = status?.podIPs ?? [];
	if (podIPs.length === 1) {
		// The usual case, as an array literal: one element, not the spare capacity a push would allocate.
		const text = addressOfType(podIPs[0]!.ip, addressType);
		return text === undefined ? [] : [text];
	}
	const out: string[] = [];
	for (const podIP of podIPs) {
		const text = addressOfType(podIP.ip, addressType);
		if (text !== undefined) {
			out.push(text);
		}
	}
	return out;
}

/** The canonical text of one pod IP if it is of `addressType` (an unparsable one counts as IPv4, `"<nil>"`). */
function addressOfType(raw: string, addressType: AddressType): string | undefined {
	if (isCanonicalIPv4(raw)) {
		// Already canonical IPv4 (canonicalizeIP's own fast path), without the intermediate object.
		return addressType === 'IPv4' ? raw : undefined;
	}
	const ip = canonicalizeIP(raw);
	const isIPv6 = ip?.family === 'IPv6';
	if (isIPv6 && addressType === 'IPv6') {
		return ip.text;
	}
	if (!isIPv6 && addressType === 'IPv4') {
		return ip ? ip.text : '<nil>';
	}
	return undefined;
}

/**
 * `podToEndpoint`: serving = Ready; terminating = has a deletionTimestamp; ready = publishNotReadyAddresses OR
 * (serving AND NOT terminating). Zone comes from the Node's label, nodeName from the pod, hostname only under
 * `ShouldSetHostname`. Fields are written in the order addresses, conditions, hostname, targetRef, nodeName, zone,
 * and absent ones are left out (not set to undefined).
 */
export function podToEndpoint(pod: Pod, node: Node | undefined, service: Service, addressType: AddressType): Endpoint {
	const serving = isPodReady(pod);
	const terminating = !!pod.metadata?.deletionTimestamp;
	const ready = !!service.spec?.publishNotReadyAddresses || (serving && !terminating);
	const addresses = getEndpointAddresses(pod.status, addressType);
	const conditions = { ready, serving, terminating };
	const targetRef = podReference(pod);
	const nodeName = pod.spec?.nodeName;
	const zone = node?.metadata?.labels?.[labelTopologyZone];
	const hostname = shouldSetHostname(pod, service);
	if (nodeName && zone && !hostname) {
		// The usual shape in one literal: every field in place at once, rather than added one by one.
		return { addresses, conditions, targetRef, nodeName, zone };
	}
	const ep: Endpoint = { addresses, conditions };
	if (hostname) {
		ep.hostname = pod.spec!.hostname;
	}
	ep.targetRef = targetRef;
	if (nodeName) {
		ep.nodeName = nodeName;
	}
	if (zone) {
		ep.zone = zone;
	}
	return ep;
}

/** The endpoint's Pod reference. ObjectReference fields are all omitempty on the wire. */
function podReference(pod: Pod): ObjectReference {
	const m = pod.metadata;
	if (m?.namespace && m.name && m.uid) {
		return { kind: 'Pod', namespace: m.namespace, name: m.name, uid: m.uid };
	}
	const ref: ObjectReference = { kind: 'Pod' };
	if (m?.namespace) {
		ref.namespace = m.namespace;
	}
	if (m?.name) {
		ref.name = m.name;
	}
	if (m?.uid) {
		ref.uid = m.uid;
	}
	return ref;
}

/**
 * `getEndpointPorts`: one EndpointPort per Service port that resolves for this pod, in Service order. A headless
 * Service (clusterIP exactly "None") with no ports gets an empty list. Name and protocol are always written.
 */
export function getEndpointPorts(service: Service, pod: Pod): EndpointPort[] {
	return endpointPortsFromNumbers(service, resolvePortNumbers(service, pod));
}

/**
 * The first half of `getEndpointPorts`: the number each Service port resolves to for this pod (undefined when a
 * named port does not resolve). Two pods with the same numbers get the same port list, which lets the reconciler
 * build each distinct list once instead of once per pod.
 */
export function resolvePortNumbers(service: Service, pod: Pod): (number | undefined)[] {
	const svcPorts = service.spec?.ports ?? [];
	const out: (number | undefined)[] = new Array<number | undefined>(svcPorts.length);
	for (let i = 0; i < svcPorts.length; i++) {
		out[i] = findPort(pod, svcPorts[i]!);
	}
	return out;
}

/** The second half of `getEndpointPorts`: EndpointPorts from resolved numbers. */
export function endpointPortsFromNumbers(service: Service, numbers: readonly (number | undefined)[]): EndpointPort[] {
	const ports: EndpointPort[] = [];
	const svcPorts = service.spec?.ports ?? [];
	if (svcPorts.length === 0 && service.spec?.clusterIP === 'None') {
		return ports;
	}
	svcPorts.forEach((sp, i) => {
		const port = numbers[i];
		if (port === undefined) {
			return;
		}
		const ep: EndpointPort = { name: sp.name ?? '', port, protocol: sp.protocol ?? '' };
		if (sp.appProtocol !== undefined) {
			ep.appProtocol = sp.appProtocol;
		}
		ports.push(ep);
	});
	return ports;
}

/** `getEndpointSlicePrefix`. */
export function getEndpointSlicePrefix(serviceName: string): string {
	return generateNamePrefix(serviceName);
}

/** `metav1.NewControllerRef(service, v1/Service)`. */
export function serviceControllerRef(service: Service): OwnerReference {
	return newControllerRef('Service', service);
}

/** `ownedBy`: some ownerReference has the Service's uid, kind Service and apiVersion v1. */
export function ownedBy(slice: EndpointSlice, service: Service): boolean {
	return (slice.metadata?.ownerReferences ?? []).some(
		(o) => o.uid === (service.metadata?.uid ?? '') && o.kind === 'Service' && o.apiVersion === 'v1',
	);
}

/** `isServiceIPSet`. */
export function isServiceIPSet(service: Service): boolean {
	const ip = service.spec?.clusterIP ?? '';
	return ip !== 'None' && ip !== '';
}

function isReservedLabelKey(key: string): boolean {
	return key === labelServiceName || key === labelManagedBy || key === labelHeadless;
}

/**
 * `setEndpointSliceLabels`: the Service's labels without the reserved keys, then the headless label (when the
 * Service has no cluster IP), service-name and managed-by. `changed` is true only when the non-reserved labels differ.
 */
export function setEndpointSliceLabels(
	slice: EndpointSlice,
	service: Service,
	controllerName: string,
): { labels: Record<string, string>; changed: boolean } {
	const sliceLabels = new Map<string, string>();
	for (const [k, v] of Object.entries(slice.metadata?.labels ?? {})) {
		if (!isReservedLabelKey(k)) {
			sliceLabels.set(k, v);
		}
	}
	const labels: Record<string, string> = {};
	let count = 0;
	let changed = false;
	for (const [k, v] of Object.entries(service.metadata?.labels ?? {})) {
		if (isReservedLabelKey(k)) {
			continue;
		}
		labels[k] = v;
		count++;
		if (sliceLabels.get(k) !== v) {
			changed = true;
		}
	}
	if (count !== sliceLabels.size) {
		changed = true;
	}
	if (!isServiceIPSet(service)) {
		labels[labelHeadless] = '';
	}
	labels[labelServiceName] = service.metadata?.name ?? '';
	labels[labelManagedBy] = controllerName;
	return { labels, changed };
}

/** `newEndpointSlice`: generateName, the Service's controller ref, namespace, labels; no endpoints yet. */
export function newEndpointSlice(service: Service, meta: EndpointMeta, controllerName: string): EndpointSlice {
	const slice: EndpointSlice = {
		metadata: {
			generateName: getEndpointSlicePrefix(service.metadata?.name ?? ''),
			namespace: service.metadata?.namespace ?? '',
			labels: {},
			ownerReferences: [serviceControllerRef(service)],
		},
		addressType: meta.addressType,
		endpoints: [],
		ports: meta.ports,
	};
	slice.metadata!.labels = setEndpointSliceLabels(slice, service, controllerName).labels;
	return slice;
}

/**
 * `getSliceToFill`: the slice that would be closest to full after taking all `numEndpoints`; a slice with exactly
 * enough room wins at once, and a slice that cannot take them all is never chosen.
 */
export function getSliceToFill(
	slices: readonly EndpointSlice[],
	numEndpoints: number,
	maxEndpoints: number,
): EndpointSlice | undefined {
	let closestDiff = maxEndpoints;
	let closest: EndpointSlice | undefined;
	for (const slice of slices) {
		const diff = maxEndpoints - (numEndpoints + (slice.endpoints?.length ?? 0));
		if (diff >= 0 && diff < closestDiff) {
			closestDiff = diff;
			closest = slice;
			if (diff === 0) {
				return closest;
			}
		}
	}
	return closest;
}

/** `addTriggerTimeAnnotation`: set to the trigger time (RFC3339Nano, UTC), or removed when there is none. */
export function addTriggerTimeAnnotation(slice: EndpointSlice, triggerTime: string | undefined): void {
	const meta = (slice.metadata ??= {});
	const annotations = { ...(meta.annotations ?? {}) };
	if (triggerTime) {
		annotations[annotationTriggerTime] = triggerTime;
	} else {
		delete annotations[annotationTriggerTime];
	}
	if (Object.keys(annotations).length > 0) {
		meta.annotations = annotations;
	} else {
		delete meta.annotations;
	}
}

/**
 * `getAddressTypesForService`: one address type per `spec.ipFamilies` entry; without ipFamilies, the clusterIP's
 * family, or both families for a headless Service.
 */
export function getAddressTypesForService(service: Service): AddressType[] {
	const types: AddressType[] = [];
	for (const family of service.spec?.ipFamilies ?? []) {
		if ((family === 'IPv4' || family === 'IPv6') && !types.includes(family)) {
			types.push(family);
		}
	}
	if (types.length > 0) {
		return types;
	}
	const clusterIP = service.spec?.clusterIP ?? '';
	if (clusterIP !== '' && clusterIP !== 'None') {
		return [parseIP(clusterIP)?.family === 'IPv6' ? 'IPv6' : 'IPv4'];
	}
	return ['IPv4', 'IPv6'];
}

/** `unchangedSlices`: existing slices that are neither updated nor deleted (matched by name). */
export function unchangedSlices(
	existing: readonly EndpointSlice[],
	toUpdate: readonly EndpointSlice[],
	toDelete: readonly EndpointSlice[],
): EndpointSlice[] {
	const changed = new Set<string | undefined>();
	for (const s of toUpdate) {
		changed.add(s.metadata?.name);
	}
	for (const s of toDelete) {
		changed.add(s.metadata?.name);
	}
	return existing.filter((s) => !changed.has(s.metadata?.name));
}

/**
 * `hintsEnabled`: the deprecated `service.kubernetes.io/topology-aware-hints` annotation wins when present,
 * whatever its value; only "Auto" and "auto" enable hints.
 */
export function hintsEnabled(annotations: Record<string, string> | undefined): boolean {
	const a = annotations ?? {};
	const value = annotationTopologyAwareHints in a ? a[annotationTopologyAwareHints] : a[annotationTopologyMode];
	return value === 'Auto' || value === 'auto';
}

function sameList<T>(a: readonly T[] | null | undefined, b: readonly T[] | null | undefined, eq: (x: T, y: T) => boolean): boolean {
	const x = a ?? [];
	const y = b ?? [];
	return x.length === y.length && x.every((v, i) => eq(v, y[i]!));
}

/**
 * `placeholderSliceCompare`: compares namespace, labels (exactly), addressType, ports and endpoints; ignores name,
 * annotations and timestamps. Its ObjectMeta equality stops at namespace and labels, so ownerReferences are never
 * reached (its OwnerReference function is dead code). nil and empty lists are equal, as in apimachinery's forked
 * DeepEqual.
 */
export function placeholderSliceEqual(a: EndpointSlice, b: EndpointSlice): boolean {
	if ((a.metadata?.namespace ?? '') !== (b.metadata?.namespace ?? '')) {
		return false;
	}
	const la = a.metadata?.labels ?? {};
	const lb = b.metadata?.labels ?? {};
	if (Object.keys(la).length !== Object.keys(lb).length || Object.entries(la).some(([k, v]) => lb[k] !== v)) {
		return false;
	}
	if (a.addressType !== b.addressType) {
		return false;
	}
	const jsonEq = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
	return sameList(a.ports, b.ports, jsonEq) && sameList(a.endpoints, b.endpoints, jsonEq);
}
