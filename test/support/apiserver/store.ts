/**
 * The test API server's storage: objects by kind and key, one global resourceVersion (a string integer that every
 * write bumps, as etcd's revision does), and a bounded history of watch events so a watch can resume from any
 * resourceVersion still inside the window.
 *
 * ## History window
 * Every event with a resourceVersion greater than `floor` is in `history`. Trimming the oldest event (beyond
 * `historySize`) raises the floor to its resourceVersion; `compact()` raises it to the current one. A watch from a
 * resourceVersion below the floor has missed events we no longer have: the server answers 410 Gone ("Expired"),
 * and a client relists.
 *
 * Objects go in and out as deep copies; the server stamps `apiVersion`, `kind`, `uid`, `creationTimestamp` and
 * `resourceVersion` on every write, the way kube-apiserver does.
 */
import { randomUUID } from 'node:crypto';
import type { TypedObject } from '../../../src/core/k8s/types';
import type { ResourceKind } from '../../../src/core/store/types';
import { apiVersionOf, resourceOfKind, resources } from './resources';

/** One change, as the watch streams carry it. */
export interface StoredEvent {
	type: 'ADDED' | 'MODIFIED' | 'DELETED';
	kind: ResourceKind;
	/** The write's resourceVersion (also the object's metadata.resourceVersion). */
	rv: number;
	object: TypedObject;
	/** The object before a MODIFIED or DELETED (for selector transitions). */
	previous?: TypedObject;
}

/** Thrown by scripted writes that cannot apply (the server maps them to Status responses). */
export class StoreError extends Error {
	constructor(
		message: string,
		readonly code: number,
		readonly reason: string,
	) {
		super(message);
		this.name = 'StoreError';
	}
}

/** Whether a kind is one the server serves. */
export function isServedKind(kind: string | undefined): kind is ResourceKind {
	return resources.some((r) => r.kind === kind);
}

function keyOf(kind: ResourceKind, namespace: string | undefined, name: string): string {
	return resourceOfKind(kind).namespaced ? `${namespace ?? 'default'}/${name}` : name;
}

/** `2025-01-01T00:00:00Z`: the API's whole-second RFC 3339. */
export function apiTimestamp(ms: number): string {
	return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** The object store with resourceVersions and watch history. */
export class ApiStore {
	private rv = 0;
	private floor = 0;
	private history: StoredEvent[] = [];
	private readonly objects = new Map<ResourceKind, Map<string, TypedObject>>();
	private readonly listeners = new Set<(e: StoredEvent) => void>();

	constructor(
		private readonly historySize: number,
		private readonly now: () => number = Date.now,
	) {
		for (const r of resources) {
			this.objects.set(r.kind, new Map());
		}
	}

	/** The latest resourceVersion handed out. */
	get resourceVersion(): number {
		return this.rv;
	}

	/** The oldest resourceVersion a watch can still resume from. */
	get oldestResumable(): number {
		return this.floor;
	}

	/** A copy of one object, or undefined. */
	get(kind: ResourceKind, namespace: string | undefined, name: string): TypedObject | undefined {
		const o = this.objects.get(kind)!.get(keyOf(kind, namespace, name));
		return o ? structuredClone(o) : undefined;
	}

	/** Copies of the objects of a kind (in one namespace when given), in key order (namespace, then name). */
	list(kind: ResourceKind, namespace?: string): TypedObject[] {
		const all = [...this.objects.get(kind)!.entries()]
			.filter(([, o]) => namespace === undefined || o.metadata?.namespace === namespace)
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return all.map(([, o]) => structuredClone(o));
	}

	/** The store key of an object (`namespace/name`, or `name` for cluster-scoped kinds): the list order. */
	keyOf(kind: ResourceKind, obj: TypedObject): string {
		return keyOf(kind, obj.metadata?.namespace, obj.metadata?.name ?? '');
	}

	/** Creates an object; 409 AlreadyExists when it exists. Returns the stored copy. */
	create(obj: TypedObject): TypedObject {
		const kind = this.kindOf(obj);
		const key = this.keyOf(kind, this.normalize(kind, obj));
		if (this.objects.get(kind)!.has(key)) {
			throw new StoreError(
				`${resourceOfKind(kind).resource} "${obj.metadata?.name}" already exists`,
				409,
				'AlreadyExists',
			);
		}
		return this.write(kind, obj, undefined);
	}

	/** Replaces an object; 404 NotFound when it does not exist. Returns the stored copy. */
	update(obj: TypedObject): TypedObject {
		const kind = this.kindOf(obj);
		const key = this.keyOf(kind, this.normalize(kind, obj));
		const previous = this.objects.get(kind)!.get(key);
		if (!previous) {
			throw new StoreError(`${resourceOfKind(kind).resource} "${obj.metadata?.name}" not found`, 404, 'NotFound');
		}
		return this.write(kind, obj, previous);
	}

	/** Creates or replaces an object. */
	upsert(obj: TypedObject): TypedObject {
		const kind = this.kindOf(obj);
		const key = this.keyOf(kind, this.normalize(kind, obj));
		return this.write(kind, obj, this.objects.get(kind)!.get(key));
	}

	/** Deletes an object; returns whether it existed. */
	remove(kind: ResourceKind, namespace: string | undefined, name: string): boolean {
		const key = keyOf(kind, namespace, name);
		const previous = this.objects.get(kind)!.get(key);
		if (!previous) {
			return false;
		}
		this.objects.get(kind)!.delete(key);
		const rv = ++this.rv;
		const object = structuredClone(previous);
		object.metadata = { ...object.metadata, resourceVersion: String(rv) };
		this.record({ type: 'DELETED', kind, rv, object, previous });
		return true;
	}

	/** Calls `listener` with every event from now on; returns the unsubscribe function. */
	subscribe(listener: (e: StoredEvent) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/** The events after `rv`, or `expired` when some of them fell out of the history window. */
	eventsSince(rv: number): StoredEvent[] | 'expired' {
		if (rv < this.floor) {
			return 'expired';
		}
		return this.history.filter((e) => e.rv > rv);
	}

	/** Forgets the history: every resourceVersion before now is too old to watch from. */
	compact(): void {
		this.history = [];
		this.floor = this.rv;
	}

	private kindOf(obj: TypedObject): ResourceKind {
		if (!isServedKind(obj.kind)) {
			throw new StoreError(`the server does not serve kind ${JSON.stringify(obj.kind)}`, 400, 'BadRequest');
		}
		if (!obj.metadata?.name) {
			throw new StoreError(`${obj.kind}: metadata.name is required`, 422, 'Invalid');
		}
		return obj.kind;
	}

	/** Fills the namespace of a namespaced object (default) and drops it from cluster-scoped ones. */
	private normalize(kind: ResourceKind, obj: TypedObject): TypedObject {
		const metadata = { ...obj.metadata };
		if (resourceOfKind(kind).namespaced) {
			metadata.namespace ||= 'default';
		} else {
			delete metadata.namespace;
		}
		return { ...obj, metadata };
	}

	private write(kind: ResourceKind, input: TypedObject, previous: TypedObject | undefined): TypedObject {
		const rv = ++this.rv;
		const r = resourceOfKind(kind);
		const { apiVersion: _a, kind: _k, metadata: _m, ...rest } = structuredClone(this.normalize(kind, input));
		const metadata = { ...structuredClone(this.normalize(kind, input).metadata) };
		metadata.uid = metadata.uid || previous?.metadata?.uid || randomUUID();
		metadata.creationTimestamp =
			metadata.creationTimestamp || previous?.metadata?.creationTimestamp || apiTimestamp(this.now());
		metadata.resourceVersion = String(rv);
		const stored = { apiVersion: apiVersionOf(r), kind, metadata, ...rest } as TypedObject;
		if (kind === 'Namespace') {
			const ns = stored as TypedObject & { spec?: unknown; status?: { phase?: string } };
			ns.spec ??= { finalizers: ['kubernetes'] };
			ns.status ??= { phase: 'Active' };
		}
		this.objects.get(kind)!.set(this.keyOf(kind, stored), stored);
		this.record({
			type: previous ? 'MODIFIED' : 'ADDED',
			kind,
			rv,
			object: structuredClone(stored),
			...(previous ? { previous: structuredClone(previous) } : {}),
		});
		return structuredClone(stored);
	}

	private record(e: StoredEvent): void {
		this.history.push(e);
		while (this.history.length > this.historySize) {
			this.floor = this.history.shift()!.rv;
		}
		for (const l of [...this.listeners]) {
			l(e);
		}
	}
}
