/**
 * Canonical layout of core/v1 Endpoints subsets, after upstream `pkg/api/v1/endpoints/util.go` (RepackSubsets,
 * mapAddressesByPort, mapAddressByPort, SortSubsets, LessEndpointAddress).
 *
 * The algorithm, in our words:
 * 1. Expand every subset into (port → address → ready) facts. Addresses are identified by (ip, targetRef.uid); the
 *    first occurrence of an identity is the one kept (its hostname, nodeName and targetRef win). For one port, a
 *    not-ready fact always beats a ready one. A subset without ports files its addresses under a sentinel port so
 *    they are not lost; upstream treats every port whose number is not positive as that sentinel (`Port > 0` test),
 *    and so do we.
 * 2. Ports whose address sets (including readiness) are identical are merged into one subset. The sentinel never
 *    becomes a real port: if its address set matches a real port's, the addresses simply join that subset; otherwise
 *    they form a subset without ports.
 * 3. Sort. Addresses: by IP (byte order), then an address without targetRef first, then by targetRef.uid — exactly
 *    upstream's LessEndpointAddress.
 *
 * Deliberate differences from upstream (which cannot be reproduced or would be accidental):
 * - Upstream orders ports and subsets by the md5 of Go's spew-printed structs. We instead order ports by name, then
 *   port number, then protocol, then appProtocol (absent first); and subsets by their first address (the first ready
 *   address, or the first not-ready one when there is none) compared as above, then by their port lists element by
 *   element (a subset without ports first), then by their JSON text as a final tie-break. The set of subsets and their
 *   contents are the same as upstream; only the order of ports within a subset and of subsets may differ.
 * - Go keys ports by struct value, and `appProtocol` is a pointer there, so two equal appProtocol strings decoded
 *   from different subsets count as different ports. We compare appProtocol by value. For subsets built by the
 *   Endpoints controller the result is identical (one pointer per Service port).
 *
 * Output follows Go's `omitempty` JSON: `addresses`, `notReadyAddresses` and `ports` are omitted when empty. Input
 * objects are never mutated; addresses are copied.
 */
import type { EndpointAddress, EndpointSubset, EndpointsPort, ObjectReference } from './types';

/** Compares two strings by their UTF-8 bytes, like Go's `bytes.Compare` on `[]byte(s)`. */
function compareBytes(a: string, b: string): number {
	if (a === b) {
		return 0;
	}
	// For well-formed strings, code point order equals UTF-8 byte order.
	const ai = a[Symbol.iterator]();
	const bi = b[Symbol.iterator]();
	for (;;) {
		const x = ai.next();
		const y = bi.next();
		if (x.done || y.done) {
			return x.done && y.done ? 0 : x.done ? -1 : 1;
		}
		const cx = x.value.codePointAt(0)!;
		const cy = y.value.codePointAt(0)!;
		if (cx !== cy) {
			return cx < cy ? -1 : 1;
		}
	}
}

/** Three-way form of upstream `LessEndpointAddress`: IP, then "no targetRef" first, then targetRef.uid. */
export function compareEndpointAddresses(a: EndpointAddress, b: EndpointAddress): number {
	const byIP = compareBytes(a.ip ?? '', b.ip ?? '');
	if (byIP !== 0) {
		return byIP;
	}
	const ra = a.targetRef ?? undefined;
	const rb = b.targetRef ?? undefined;
	if (!ra || !rb) {
		return ra ? 1 : rb ? -1 : 0;
	}
	return compareBytes(ra.uid ?? '', rb.uid ?? '');
}

/** Our documented port order: name, port, protocol, appProtocol (absent before present). */
export function compareEndpointsPorts(a: EndpointsPort, b: EndpointsPort): number {
	return (
		compareBytes(a.name ?? '', b.name ?? '') ||
		(a.port ?? 0) - (b.port ?? 0) ||
		compareBytes(a.protocol ?? '', b.protocol ?? '') ||
		compareOptional(a.appProtocol, b.appProtocol)
	);
}

function compareOptional(a: string | null | undefined, b: string | null | undefined): number {
	if (a == null || b == null) {
		return a == null ? (b == null ? 0 : -1) : 1;
	}
	return compareBytes(a, b);
}

function comparePortLists(a: EndpointsPort[] | undefined, b: EndpointsPort[] | undefined): number {
	const pa = a ?? [];
	const pb = b ?? [];
	for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
		const c = compareEndpointsPorts(pa[i]!, pb[i]!);
		if (c !== 0) {
			return c;
		}
	}
	return pa.length - pb.length;
}

function firstAddress(s: EndpointSubset): EndpointAddress | undefined {
	return s.addresses?.[0] ?? s.notReadyAddresses?.[0];
}

/** Our documented subset order (see the module header). */
export function compareEndpointSubsets(a: EndpointSubset, b: EndpointSubset): number {
	const fa = firstAddress(a);
	const fb = firstAddress(b);
	if (fa && fb) {
		const c = compareEndpointAddresses(fa, fb);
		if (c !== 0) {
			return c;
		}
	} else if (fa || fb) {
		return fa ? 1 : -1;
	}
	return comparePortLists(a.ports, b.ports) || compareBytes(JSON.stringify(a), JSON.stringify(b));
}

/** Identity of an address for de-duplication (upstream `addressKey{ip, uid}`; a missing targetRef has uid ""). */
function addressKey(addr: EndpointAddress): string {
	return `${addr.ip ?? ''}\u0000${addr.targetRef?.uid ?? ''}`;
}

/** Value identity of a port (the Go map key `v1.EndpointPort`, but with appProtocol by value). */
function portKey(port: EndpointsPort): string {
	return JSON.stringify([port.name ?? '', port.port ?? 0, port.protocol ?? '', port.appProtocol ?? null]);
}

const sentinelKey = 'sentinel';

function copyReference(ref: ObjectReference): ObjectReference {
	return { ...ref };
}

function copyAddress(addr: EndpointAddress): EndpointAddress {
	const out: EndpointAddress = { ...addr };
	if (addr.targetRef) {
		out.targetRef = copyReference(addr.targetRef);
	}
	return out;
}

function copyPort(port: EndpointsPort): EndpointsPort {
	return { ...port };
}

interface PortGroup {
	/** Undefined for the sentinel (a subset without ports, or a port number that is not positive). */
	port: EndpointsPort | undefined;
	/** address key → ready. Insertion order is irrelevant: everything is sorted at the end. */
	ready: Map<string, boolean>;
}

/**
 * `RepackSubsets`: expands the subsets to (address, port) facts, de-duplicates addresses by (ip, targetRef.uid),
 * lets not-ready win over ready for the same port, merges ports that share an identical address set, and returns the
 * result sorted in our documented order. A newly allocated array; the input is left untouched.
 */
export function repackSubsets(subsets: EndpointSubset[]): EndpointSubset[] {
	const allAddrs = new Map<string, EndpointAddress>();
	const byPort = new Map<string, PortGroup>();

	// mapAddressByPort: register the address once, and record its readiness for this port (not-ready wins).
	const mapAddressByPort = (addr: EndpointAddress, group: PortGroup, ready: boolean): void => {
		const key = addressKey(addr);
		if (!allAddrs.has(key)) {
			allAddrs.set(key, copyAddress(addr));
		}
		const was = group.ready.get(key);
		if (was === undefined || was) {
			group.ready.set(key, ready);
		}
	};

	// mapAddressesByPort: every ready and not-ready address of the subset under one port.
	const mapAddressesByPort = (subset: EndpointSubset, port: EndpointsPort | undefined): void => {
		const addresses = subset.addresses ?? [];
		const notReady = subset.notReadyAddresses ?? [];
		if (addresses.length === 0 && notReady.length === 0) {
			// Upstream only creates a port entry when it records an address.
			return;
		}
		const isSentinel = port === undefined || !((port.port ?? 0) > 0);
		const key = port === undefined ? sentinelKey : portKey(port);
		let group = byPort.get(key);
		if (!group) {
			group = { port: isSentinel ? undefined : port, ready: new Map() };
			byPort.set(key, group);
		}
		for (const addr of addresses) {
			mapAddressByPort(addr, group, true);
		}
		for (const addr of notReady) {
			mapAddressByPort(addr, group, false);
		}
	};

	for (const subset of subsets) {
		const ports = subset.ports ?? [];
		if (ports.length === 0) {
			mapAddressesByPort(subset, undefined);
		} else {
			for (const port of ports) {
				mapAddressesByPort(subset, port);
			}
		}
	}

	// Group ports by their exact (address, readiness) set. Sentinel groups contribute addresses but no port.
	const bySet = new Map<string, { ready: Map<string, boolean>; ports: EndpointsPort[] }>();
	for (const group of byPort.values()) {
		const setKey = [...group.ready.entries()]
			.map(([k, r]) => `${k}\u0001${r ? '1' : '0'}`)
			.sort()
			.join('\u0002');
		let entry = bySet.get(setKey);
		if (!entry) {
			entry = { ready: group.ready, ports: [] };
			bySet.set(setKey, entry);
		}
		if (group.port) {
			entry.ports.push(copyPort(group.port));
		}
	}

	const result: EndpointSubset[] = [];
	for (const { ready, ports } of bySet.values()) {
		const readyAddrs: EndpointAddress[] = [];
		const notReadyAddrs: EndpointAddress[] = [];
		for (const [key, isReady] of ready) {
			const addr = copyAddress(allAddrs.get(key)!);
			(isReady ? readyAddrs : notReadyAddrs).push(addr);
		}
		const subset: EndpointSubset = {};
		if (readyAddrs.length > 0) {
			subset.addresses = readyAddrs.sort(compareEndpointAddresses);
		}
		if (notReadyAddrs.length > 0) {
			subset.notReadyAddresses = notReadyAddrs.sort(compareEndpointAddresses);
		}
		if (ports.length > 0) {
			subset.ports = ports.sort(compareEndpointsPorts);
		}
		result.push(subset);
	}
	return result.sort(compareEndpointSubsets);
}
