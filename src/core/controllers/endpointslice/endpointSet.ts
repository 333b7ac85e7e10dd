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
 * `EndpointSet`: endpoints keyed by identity, keeping insertion order (upstream's Go map has none; we pick the
 * order in which pods were given so that results are reproducible). Inserting an endpoint whose identity is already
 * present replaces it, as upstream's map assignment does.
 */
export class EndpointSet {
	private readonly items = new Map<string, Endpoint>();
	/**
	 * A live iterator for popAny. Popping the first entry of a Map over and over is quadratic in V8 (deleted entries
	 * stay as holes until the table is rebuilt); an iterator that is kept open skips them once.
	 */
	private cursor: Iterator<[string, Endpoint]> | undefined;

	insert(ep: Endpoint): void {
		this.cursor = undefined;
		this.items.set(endpointKey(ep), ep);
	}

	/** The desired endpoint with the same identity as `ep`, if any. */
	get(ep: Endpoint): Endpoint | undefined {
		return this.items.get(endpointKey(ep));
	}

	delete(ep: Endpoint): void {
		this.items.delete(endpointKey(ep));
	}

	/** `Get` then `Delete` with one identity computation: the endpoint taken out of the set, if it was there. */
	take(ep: Endpoint): Endpoint | undefined {
		const key = endpointKey(ep);
		const got = this.items.get(key);
		if (got !== undefined) {
			this.items.delete(key);
		}
		return got;
	}

	get size(): number {
		return this.items.size;
	}

	/** `PopAny`: removes and returns one endpoint (deterministically the oldest). */
	popAny(): Endpoint | undefined {
		this.cursor ??= this.items.entries();
		const next = this.cursor.next();
		if (next.done) {
			this.cursor = undefined;
			return undefined;
		}
		this.items.delete(next.value[0]);
		return next.value[1];
	}

	values(): IterableIterator<Endpoint> {
		return this.items.values();
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
