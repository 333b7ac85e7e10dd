/**
 * Object builders and small predicates of the EndpointSlice mirroring controller, after upstream
 * `pkg/controller/endpointslicemirroring/utils.go` (newEndpointSlice, getEndpointSlicePrefix, addressToEndpoint,
 * epPortsToEpsPorts, skipMirror, hasLeaderElection, cloneAndRemoveKeys, managedByController).
 *
 * Everything here returns fresh objects shaped like Go's JSON output: keys Go marks `omitempty` are left out when
 * empty, required ones (`endpoints`, `ports`, an owner reference's `uid`) are always present, and label and
 * annotation maps are built with sorted keys, the order in which Go's encoder writes map keys.
 */
import { canonicalIP, parseIP } from '../../k8s/ip';
import { generateNamePrefix, newControllerRef } from '../../k8s/names';
import type {
	Endpoint,
	EndpointAddress,
	EndpointPort,
	Endpoints,
	EndpointSlice,
	EndpointsPort,
	ObjectReference,
	OwnerReference,
} from '../../k8s/types';
import {
	annotationLastApplied,
	annotationLeader,
	annotationTriggerTime,
	labelManagedBy,
	labelServiceName,
	labelSkipMirror,
} from '../../k8s/types';

/** The mirroring controller's default name, written to `endpointslice.kubernetes.io/managed-by`. */
export const defaultMirroringControllerName = 'endpointslicemirroring-controller.k8s.io';

/** Annotations of the Endpoints object that are never copied onto mirrored slices. */
const annotationsNotMirrored = [annotationTriggerTime, annotationLastApplied];

/** A copy of a string map with its keys in sorted order (the order Go's JSON encoder writes them in). */
export function sortedMap(m: Readonly<Record<string, string>>): Record<string, string> {
	const out: Record<string, string> = {};
	for (const key of Object.keys(m).sort()) {
		out[key] = m[key]!;
	}
	return out;
}

/**
 * `apiequality.Semantic.DeepEqual` on two string maps: a missing map and an empty one are equal, otherwise the same
 * keys with the same values.
 */
export function stringMapsEqual(
	a: Readonly<Record<string, string>> | null | undefined,
	b: Readonly<Record<string, string>> | null | undefined,
): boolean {
	const ka = Object.keys(a ?? {});
	const kb = Object.keys(b ?? {});
	if (ka.length !== kb.length) {
		return false;
	}
	return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && b![k] === a![k]);
}

/** `cloneAndRemoveKeys`: a copy of `m` (always a map, never undefined) without `keys`. */
export function cloneAndRemoveKeys(
	m: Readonly<Record<string, string>> | null | undefined,
	...keys: string[]
): Record<string, string> {
	const out: Record<string, string> = { ...(m ?? {}) };
	for (const key of keys) {
		delete out[key];
	}
	return out;
}

/** `skipMirror`: the `endpointslice.kubernetes.io/skip-mirror` label is exactly "true". */
export function skipMirror(labels: Readonly<Record<string, string>> | null | undefined): boolean {
	return labels?.[labelSkipMirror] === 'true';
}

/** `hasLeaderElection`: the leader-election record annotation is present (whatever its value). */
export function hasLeaderElection(annotations: Readonly<Record<string, string>> | null | undefined): boolean {
	return annotations != null && Object.prototype.hasOwnProperty.call(annotations, annotationLeader);
}

/** `managedByController`: the slice's managed-by label names the given controller. */
export function managedByController(slice: EndpointSlice, controllerName = defaultMirroringControllerName): boolean {
	return slice.metadata?.labels?.[labelManagedBy] === controllerName;
}

/** `getEndpointSlicePrefix`. */
export function getEndpointSlicePrefix(name: string): string {
	return generateNamePrefix(name);
}

/** `metav1.NewControllerRef(endpoints, {Version: v1, Kind: Endpoints})`. */
export function endpointsControllerRef(endpoints: Endpoints): OwnerReference {
	return newControllerRef('Endpoints', endpoints);
}

/**
 * `newEndpointSlice`: an empty slice for one (addressType, ports) group. Labels are all the Endpoints labels with
 * service-name and managed-by overriding; annotations are all the Endpoints annotations except the trigger time and
 * kubectl's last-applied-configuration; the only owner is the Endpoints object. With `sliceName` the slice is named
 * (an update); without, it carries `generateName` (a create).
 */
export function newEndpointSlice(
	endpoints: Endpoints,
	ports: readonly EndpointPort[],
	addressType: string,
	sliceName: string,
	controllerName = defaultMirroringControllerName,
): EndpointSlice {
	const name = endpoints.metadata?.name ?? '';
	const namespace = endpoints.metadata?.namespace;
	const labels = sortedMap({
		...(endpoints.metadata?.labels ?? {}),
		[labelServiceName]: name,
		[labelManagedBy]: controllerName,
	});
	const annotations = sortedMap(cloneAndRemoveKeys(endpoints.metadata?.annotations, ...annotationsNotMirrored));

	const metadata: NonNullable<EndpointSlice['metadata']> = {};
	if (sliceName !== '') {
		metadata.name = sliceName;
	} else {
		metadata.generateName = getEndpointSlicePrefix(name);
	}
	if (namespace) {
		metadata.namespace = namespace;
	}
	metadata.labels = labels;
	if (Object.keys(annotations).length > 0) {
		metadata.annotations = annotations;
	}
	metadata.ownerReferences = [endpointsControllerRef(endpoints)];

	return {
		apiVersion: 'discovery.k8s.io/v1',
		kind: 'EndpointSlice',
		metadata,
		addressType,
		endpoints: [],
		ports: ports.map((p) => ({ ...p })),
	};
}

/** A copy of an ObjectReference without the keys Go's `omitempty` drops (empty strings). */
export function copyObjectReference(ref: ObjectReference): ObjectReference {
	const out: ObjectReference = {};
	const keys = ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'] as const;
	for (const key of keys) {
		const value = ref[key];
		if (value != null && value !== '') {
			out[key] = value;
		}
	}
	return out;
}

/**
 * `addressToEndpoint`: the endpoint for one Endpoints address, and its address type; undefined when the IP does not
 * parse (`ParseIPSloppy` returns nil). The IP is re-printed canonically (kubernetes#130101); an IPv4-mapped IPv6
 * address is IPv4. Only `ready` is set among the conditions; hostname (if non-empty), nodeName (if set, even empty)
 * and targetRef are copied; there is never a zone.
 */
export function addressToEndpoint(
	address: EndpointAddress,
	ready: boolean,
): { endpoint: Endpoint; addressType: 'IPv4' | 'IPv6' } | undefined {
	const parsed = parseIP(address.ip ?? '');
	if (!parsed) {
		return undefined;
	}
	const endpoint: Endpoint = { addresses: [canonicalIP(address.ip)], conditions: { ready } };
	if (address.hostname) {
		endpoint.hostname = address.hostname;
	}
	if (address.targetRef) {
		endpoint.targetRef = copyObjectReference(address.targetRef);
	}
	if (address.nodeName != null) {
		endpoint.nodeName = address.nodeName;
	}
	return { endpoint, addressType: parsed.family };
}

/**
 * `epPortsToEpsPorts`: Endpoints ports as EndpointSlice ports. Name, port and protocol are always written (Go takes
 * their address); appProtocol only when set. A missing protocol reads as TCP, the API server's default for
 * Endpoints ports, so un-defaulted manifests mirror like stored objects do.
 */
export function epPortsToEpsPorts(ports: readonly EndpointsPort[] | null | undefined): EndpointPort[] {
	return (ports ?? []).map((p) => {
		const out: EndpointPort = { name: p.name ?? '', protocol: p.protocol || 'TCP', port: p.port ?? 0 };
		if (p.appProtocol != null) {
			out.appProtocol = p.appProtocol;
		}
		return out;
	});
}
