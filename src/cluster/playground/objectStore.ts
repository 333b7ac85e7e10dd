/**
 * The playground's etcd and API server bookkeeping: the objects of every kind the store knows, a single
 * resourceVersion counter, uid allocation, and the outgoing watch events.
 *
 * Every write stores a private deep copy stamped with the next resourceVersion and queues a watch event carrying
 * another copy, so neither callers nor listeners can change what is stored. Deletions get a resourceVersion of their
 * own, as the API server's watch does. A write hook lets the control plane see each change with its old and new state.
 */
import { cloneJSON, deterministicUID, isNamespacedKind } from '../../core/k8s/defaulting';
import type { TypedObject } from '../../core/k8s/types';
import type { ListEvent, ResourceKind, ResourceTypes, WatchEvent } from '../../core/store/types';
import { resourceKinds } from '../../core/store/types';

/** `namespace/name` for namespaced kinds, `name` for cluster-scoped ones. */
/** The apiVersion each kind is served at. */
const apiVersions: Readonly<Record<ResourceKind, string>> = {
	Namespace: 'v1',
	Service: 'v1',
	Endpoints: 'v1',
	EndpointSlice: 'discovery.k8s.io/v1',
	Pod: 'v1',
	Node: 'v1',
};

export function objectKey(kind: ResourceKind, namespace: string | undefined, name: string): string {
	return isNamespacedKind(kind) ? `${namespace ?? ''}/${name}` : name;
}

/** The key of a stored object. */
export function keyOf(kind: ResourceKind, obj: TypedObject): string {
	return objectKey(kind, obj.metadata?.namespace, obj.metadata?.name ?? '');
}

/** Called after every write, with the stored states before and after (undefined when absent). */
export type WriteHook = <K extends ResourceKind>(
	kind: K,
	type: WatchEvent['type'],
	before: ResourceTypes[K] | undefined,
	after: ResourceTypes[K] | undefined,
) => void;

export class ObjectStore {
	private rv = 0;
	private readonly usedUIDs = new Set<string>();
	private readonly maps = new Map<ResourceKind, Map<string, TypedObject>>(resourceKinds.map((k) => [k, new Map()]));
	/** Events not yet delivered, in order. */
	readonly outbox: WatchEvent[] = [];

	constructor(private readonly onWrite: WriteHook) {}

	/** The current resourceVersion (the last one handed out). */
	get resourceVersion(): string {
		return String(this.rv);
	}

	/** The stored object (not a copy: callers must not change it). */
	get<K extends ResourceKind>(kind: K, key: string): ResourceTypes[K] | undefined {
		return this.maps.get(kind)!.get(key) as ResourceTypes[K] | undefined;
	}

	/** Every stored object of a kind (not copies), optionally in one namespace, in insertion order. */
	list<K extends ResourceKind>(kind: K, namespace?: string): ResourceTypes[K][] {
		const all = [...this.maps.get(kind)!.values()] as ResourceTypes[K][];
		return namespace === undefined ? all : all.filter((o) => (o.metadata?.namespace ?? '') === namespace);
	}

	/** Number of stored objects of a kind. */
	count(kind: ResourceKind): number {
		return this.maps.get(kind)!.size;
	}

	/**
	 * Creates an object: a uid (`preferredUID` when it was never used, else a fresh deterministic one), the
	 * creationTimestamp `now`, the next resourceVersion. Replaces nothing: the caller checks the key is free.
	 */
	create<K extends ResourceKind>(
		kind: K,
		obj: ResourceTypes[K],
		now: string,
		preferredUID?: string,
	): ResourceTypes[K] {
		const stored = cloneJSON(obj);
		const meta = { ...(stored.metadata ?? {}) };
		const key = keyOf(kind, stored);
		meta.uid = this.allocateUID(kind, key, preferredUID);
		meta.creationTimestamp = now;
		delete meta.resourceVersion;
		stored.metadata = meta;
		return this.write(kind, 'ADDED', undefined, stored);
	}

	/**
	 * Replaces a stored object: uid and creationTimestamp are kept from the stored one, the resourceVersion is the
	 * next one. Returns undefined when no object has that key.
	 */
	update<K extends ResourceKind>(kind: K, obj: ResourceTypes[K]): ResourceTypes[K] | undefined {
		const key = keyOf(kind, obj);
		const before = this.get(kind, key);
		if (!before) {
			return undefined;
		}
		const stored = cloneJSON(obj);
		stored.metadata = {
			...stored.metadata,
			uid: before.metadata?.uid,
			creationTimestamp: before.metadata?.creationTimestamp,
		};
		return this.write(kind, 'MODIFIED', before, stored);
	}

	/** Deletes a stored object; the DELETED event carries its last state with a new resourceVersion. */
	delete<K extends ResourceKind>(kind: K, key: string): ResourceTypes[K] | undefined {
		const before = this.get(kind, key);
		if (!before) {
			return undefined;
		}
		return this.write(kind, 'DELETED', before, cloneJSON(before));
	}

	/** One LIST per kind, in `resourceKinds` order, objects sorted by namespace and name (copies). */
	snapshot(): ListEvent[] {
		return resourceKinds.map((kind) => ({
			type: 'LIST' as const,
			kind,
			objects: this.sorted(kind).map((o) => cloneJSON(o)),
			resourceVersion: this.resourceVersion,
		}));
	}

	/** Every object of a kind sorted by namespace, then name (not copies). */
	sorted<K extends ResourceKind>(kind: K): ResourceTypes[K][] {
		return [...this.maps.get(kind)!.entries()]
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
			.map(([, o]) => o as ResourceTypes[K]);
	}

	private allocateUID(kind: ResourceKind, key: string, preferred: string | undefined): string {
		let uid = preferred && !this.usedUIDs.has(preferred) ? preferred : undefined;
		for (let attempt = 0; uid === undefined || this.usedUIDs.has(uid); attempt++) {
			uid = deterministicUID(`${kind}/${key}@${this.rv + 1}/${attempt}`);
		}
		this.usedUIDs.add(uid);
		return uid;
	}

	private write<K extends ResourceKind>(
		kind: K,
		type: WatchEvent['type'],
		before: ResourceTypes[K] | undefined,
		written: ResourceTypes[K],
	): ResourceTypes[K] {
		this.rv++;
		// As the API server serves it: apiVersion and kind first (controllers' create bodies may lack them).
		const { apiVersion: _a, kind: _k, ...rest } = written;
		const stored = { apiVersion: apiVersions[kind], kind, ...rest } as ResourceTypes[K];
		stored.metadata = { ...stored.metadata, resourceVersion: String(this.rv) };
		const map = this.maps.get(kind)!;
		const key = keyOf(kind, stored);
		if (type === 'DELETED') {
			map.delete(key);
		} else {
			map.set(key, stored);
		}
		this.outbox.push({ type, kind, object: cloneJSON(stored) } as WatchEvent);
		this.onWrite(kind, type, before, type === 'DELETED' ? undefined : stored);
		return stored;
	}
}
