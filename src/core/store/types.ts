/**
 * The contract between sources of cluster state (the playground control plane, live informers) and the store the
 * views read. Sources emit watch events exactly as the API server's watch stream carries them; the store reduces
 * them (see `store.ts`).
 */
import type { EndpointSlice, Endpoints, Node, Pod, Service, TypedObject } from '../k8s/types';

/** The kinds Endpoint Lens keeps in its store. */
export type ResourceKind = 'Namespace' | 'Service' | 'Endpoints' | 'EndpointSlice' | 'Pod' | 'Node';

/** Every kind the store holds, in a stable order (the order views and tests iterate). */
export const resourceKinds: readonly ResourceKind[] = ['Namespace', 'Service', 'Endpoints', 'EndpointSlice', 'Pod', 'Node'];

/** The object type of each kind. */
export interface ResourceTypes {
	Namespace: TypedObject;
	Service: Service;
	Endpoints: Endpoints;
	EndpointSlice: EndpointSlice;
	Pod: Pod;
	Node: Node;
}

/** One event of a watch stream (`watch=true`), tagged with the kind of the informer that received it. */
export interface WatchEvent<K extends ResourceKind = ResourceKind> {
	type: 'ADDED' | 'MODIFIED' | 'DELETED';
	kind: K;
	object: ResourceTypes[K];
}

/**
 * A full list of one kind (an informer's initial list or a relist after 410 Gone): the store replaces every object
 * of that kind — within `namespace` when given, else cluster-wide — by `objects`, and reports what was added,
 * changed and removed.
 */
export interface ListEvent<K extends ResourceKind = ResourceKind> {
	type: 'LIST';
	kind: K;
	/** The list's scope; undefined for a cluster-wide list. */
	namespace?: string;
	objects: ResourceTypes[K][];
	/** The list's metadata.resourceVersion. */
	resourceVersion?: string;
}

/** What a source feeds the store. */
export type StoreEvent = WatchEvent | ListEvent;

/** A Service's identity in the store and the views: `namespace/name`. */
export type ServiceKey = string;

/**
 * The key of a Service (or of the slices and Endpoints that belong to it): `namespace/name`. The store keeps
 * namespaced objects without a namespace in `default` and reads a key `/name` (an undefined namespace) as
 * `default/name`.
 */
export function serviceKey(namespace: string | undefined, name: string | undefined): ServiceKey {
	return `${namespace ?? ''}/${name ?? ''}`;
}

/**
 * A coalesced change notification: everything that changed since the previous one. Views refresh only what is
 * named here.
 */
export interface StoreChange {
	/** Kinds with at least one object added, modified or removed. */
	kinds: Set<ResourceKind>;
	/** Namespaces that gained or lost a Service, or whose Namespace object changed. */
	namespaces: Set<string>;
	/** Services whose own object, slices, Endpoints or selected pods changed. */
	services: Set<ServiceKey>;
	/** True when namespaces or services were added or removed (the top levels of the tree must be re-read). */
	structure: boolean;
}
