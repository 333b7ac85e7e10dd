/**
 * Endpoint identity and comparison, after `k8s.io/endpointslice/util` (endpointset.go, controller_utils.go).
 *
 * Upstream hashes an endpoint with fnv over a printed struct; the hash is only ever used as a map key, so we use a
 * string key made of the same fields: the sorted addresses, the hostname and the targetRef namespace/name. Two pods
 * with the same IP are therefore two endpoints (kubernetes#115907). Port lists are keyed the same way
 * (`NewPortMapKey`): order-insensitive, and nil and `[]` give the same key (kubernetes#133474).
 */
import type { Endpoint, EndpointPort, ObjectReference } from '../../k8s/types';

/** `hashEndpoint`: the endpoint's identity. */
export function endpointKey(ep: Endpoint): string {
	const addresses = ep.addresses.length > 1 ? [...ep.addresses].sort() : ep.addresses;
	return `${addresses.join(',')}\u0000${ep.hostname ?? ''}\u0000${ep.targetRef?.namespace ?? ''}\u0000${ep.targetRef?.name ?? ''}`;
}

/**
 * Whether two endpoints have the same identity, that is `endpointKey(a) === endpointKey(b)`, without building the
 * keys in the common case: equal parts give equal keys. Parts that differ can still give equal keys when a part
 * contains a separator (`,` or NUL, which valid objects never do), so only then are the keys built and compared.
 */
export function sameEndpointIdentity(a: Endpoint, b: Endpoint): boolean {
	const ra = a.targetRef;
	const rb = b.targetRef;
	if (
		(ra?.name ?? '') === (rb?.name ?? '') &&
		(ra?.namespace ?? '') === (rb?.namespace ?? '') &&
		(a.hostname ?? '') === (b.hostname ?? '') &&
		sameSortedAddresses(a.addresses, b.addresses)
	) {
		return true;
	}
	return endpointKey(a) === endpointKey(b);
}

function sameSortedAddresses(a: readonly string[], b: readonly string[]): boolean {
	if (a.length !== b.length) {
		return false;
	}
	if (a.length === 1) {
		return a[0] === b[0];
	}
	const x = [...a].sort();
	const y = [...b].sort();
	return x.every((v, i) => v === y[i]);
}

/**
 * The bucket an endpoint is filed under in an {@link EndpointSet}: a function of its {@link endpointKey}, cheap to
 * get and nearly unique. Normally that is the pod name, a string the pod already holds (V8 keeps a string's hash, so
 * looking it up again costs no hashing). Precisely it is the key's last NUL-separated part — the name after its last
 * NUL, if it has one — and, when that part is empty, the whole key.
 */
function bucketOf(ep: Endpoint): string {
	const name = ep.targetRef?.name ?? '';
	const nul = name.lastIndexOf('\u0000');
	const last = nul < 0 ? name : name.slice(nul + 1);
	return last !== '' ? last : `\u0000${endpointKey(ep)}`;
}

/**
 * `EndpointSet`: endpoints keyed by identity ({@link endpointKey}), keeping insertion order (upstream's Go map has
 * none; we pick the order in which pods were given so that results are reproducible). Inserting an endpoint whose
 * identity is already present replaces it in place, as upstream's map assignment does.
 *
 * It behaves exactly as a `Map` from `endpointKey(ep)` to `ep` would (test/unit/endpointSet.test.ts checks this on
 * random operations), but building and hashing a fresh key string per endpoint was the largest cost of reconciling a
 * Service with 100k pods. Endpoints are filed by {@link bucketOf} instead, and compared with
 * {@link sameEndpointIdentity} within a bucket.
 */
export class EndpointSet {
	/** The endpoints in insertion order; one taken out leaves a hole (undefined). */
	private readonly slots: (Endpoint | undefined)[] = [];
	/** Bucket → the slot of its endpoint, or the slots of several endpoints that share the bucket. */
	private readonly index = new Map<string, number | number[]>();
	/** No endpoint is held in a slot before this one. */
	private head = 0;
	private count = 0;

	insert(ep: Endpoint): void {
		const bucket = bucketOf(ep);
		const at = this.index.get(bucket);
		const slot = this.slots.length;
		if (at === undefined) {
			this.index.set(bucket, slot);
		} else if (typeof at === 'number') {
			if (sameEndpointIdentity(this.slots[at]!, ep)) {
				this.slots[at] = ep;
				return;
			}
			this.index.set(bucket, [at, slot]);
		} else {
			for (const i of at) {
				if (sameEndpointIdentity(this.slots[i]!, ep)) {
					this.slots[i] = ep;
					return;
				}
			}
			at.push(slot);
		}
		this.slots.push(ep);
		this.count++;
	}

	/** The desired endpoint with the same identity as `ep`, if any. */
	get(ep: Endpoint): Endpoint | undefined {
		const slot = this.find(bucketOf(ep), ep);
		return slot < 0 ? undefined : this.slots[slot];
	}

	delete(ep: Endpoint): void {
		this.take(ep);
	}

	/** `Get` then `Delete` with one lookup: the endpoint taken out of the set, if it was there. */
	take(ep: Endpoint): Endpoint | undefined {
		const bucket = bucketOf(ep);
		const at = this.index.get(bucket);
		if (at === undefined) {
			return undefined;
		}
		if (typeof at === 'number') {
			// The usual case, a bucket of one: no second lookup to remove it.
			const got = this.slots[at]!;
			if (!sameEndpointIdentity(got, ep)) {
				return undefined;
			}
			this.index.delete(bucket);
			this.slots[at] = undefined;
			this.count--;
			return got;
		}
		const slot = this.find(bucket, ep);
		return slot < 0 ? undefined : this.remove(bucket, slot);
	}

	get size(): number {
		return this.count;
	}

	/** `PopAny`: removes and returns one endpoint (deterministically the oldest). */
	popAny(): Endpoint | undefined {
		while (this.head < this.slots.length && this.slots[this.head] === undefined) {
			this.head++;
		}
		if (this.head >= this.slots.length) {
			return undefined;
		}
		return this.remove(bucketOf(this.slots[this.head]!), this.head);
	}

	/**
	 * `PopAny` until the set is empty, in one go: every endpoint, oldest first (the order repeated {@link popAny}
	 * calls return them in).
	 */
	popAll(): Endpoint[] {
		const out: Endpoint[] = [];
		for (let i = this.head; i < this.slots.length; i++) {
			const ep = this.slots[i];
			if (ep !== undefined) {
				out.push(ep);
			}
		}
		this.slots.length = 0;
		this.index.clear();
		this.head = 0;
		this.count = 0;
		return out;
	}

	/** The endpoints, oldest first. */
	*values(): IterableIterator<Endpoint> {
		for (let i = this.head; i < this.slots.length; i++) {
			const ep = this.slots[i];
			if (ep !== undefined) {
				yield ep;
			}
		}
	}

	/** The slot of the endpoint in `bucket` with the identity of `ep`, or -1. */
	private find(bucket: string, ep: Endpoint): number {
		const at = this.index.get(bucket);
		if (at === undefined) {
			return -1;
		}
		if (typeof at === 'number') {
			return sameEndpointIdentity(this.slots[at]!, ep) ? at : -1;
		}
		for (const i of at) {
			if (sameEndpointIdentity(this.slots[i]!, ep)) {
				return i;
			}
		}
		return -1;
	}

	private remove(bucket: string, slot: number): Endpoint {
		const ep = this.slots[slot]!;
		const at = this.index.get(bucket)!;
		if (typeof at === 'number') {
			this.index.delete(bucket);
		} else {
			at.splice(at.indexOf(slot), 1);
			if (at.length === 1) {
				this.index.set(bucket, at[0]!);
			}
		}
		this.slots[slot] = undefined;
		this.count--;
		return ep;
	}
}

/** One port's part of a key; absent fields differ from empty ones, as nil pointers do upstream. */
function portKey(p: EndpointPort): string {
	const f = (v: string | number | undefined) => (v === undefined ? '\u0002' : String(v));
	return `${f(p.name)}\u0001${f(p.port)}\u0001${f(p.protocol)}\u0001${f(p.appProtocol)}`;
}

/** `NewPortMapKey`: an order-insensitive key for a port list; nil and empty lists share a key. */
export function portMapKey(ports: readonly EndpointPort[] | null | undefined): string {
	if (!ports || ports.length === 0) {
		return '';
	}
	return ports.length === 1 ? portKey(ports[0]!) : ports.map(portKey).sort().join('\u0000');
}

function stringPtrChanged(a: string | undefined, b: string | undefined): boolean {
	return a !== b;
}

function boolPtrChanged(a: boolean | undefined, b: boolean | undefined): boolean {
	return a !== b;
}

/** Semantic ObjectReference equality ignoring resourceVersion (`semanticIgnoreResourceVersion`). */
export function objectRefsEqualIgnoringResourceVersion(
	a: ObjectReference | undefined,
	b: ObjectReference | undefined,
): boolean {
	if (!a || !b) {
		return !a && !b;
	}
	return (
		(a.kind ?? '') === (b.kind ?? '') &&
		(a.namespace ?? '') === (b.namespace ?? '') &&
		(a.name ?? '') === (b.name ?? '') &&
		(a.uid ?? '') === (b.uid ?? '') &&
		(a.apiVersion ?? '') === (b.apiVersion ?? '') &&
		(a.fieldPath ?? '') === (b.fieldPath ?? '')
	);
}

/**
 * `EndpointsEqualBeyondHash`: true when nodeName, zone, the three conditions (nil differs from a value) and the
 * targetRef (ignoring resourceVersion, so a UID change counts) are all equal. Hints are deliberately not compared.
 */
export function endpointsEqualBeyondHash(a: Endpoint, b: Endpoint): boolean {
	return !(
		stringPtrChanged(a.nodeName, b.nodeName) ||
		stringPtrChanged(a.zone, b.zone) ||
		boolPtrChanged(a.conditions?.ready, b.conditions?.ready) ||
		boolPtrChanged(a.conditions?.serving, b.conditions?.serving) ||
		boolPtrChanged(a.conditions?.terminating, b.conditions?.terminating) ||
		!objectRefsEqualIgnoringResourceVersion(a.targetRef, b.targetRef)
	);
}
