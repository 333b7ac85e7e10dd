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
import type { EndpointAddress, EndpointSubset, EndpointsPort } from './types';

/** Compares two strings by their UTF-8 bytes, like Go's `bytes.Compare` on `[]byte(s)`. */
function compareBytes(a: string, b: string): number {
	if (a === b) {
		return 0;
	}
	const n = Math.min(a.length, b.length);
	for (let i = 0; i < n; i++) {
		const x = a.charCodeAt(i);
		const y = b.charCodeAt(i);
		if (x !== y) {
			// UTF-16 unit order matches UTF-8 byte order except around surrogates; compare code points there.
			if ((x >= 0xd800 && x <= 0xdfff) || (y >= 0xd800 && y <= 0xdfff)) {
				return a.codePointAt(i)! < b.codePointAt(i)! ? -1 : 1;
			}
			return x < y ? -1 : 1;
		}
	}
	return a.length - b.length;
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

/** Value identity of a port (the Go map key `v1.EndpointPort`, but with appProtocol by value). */
function portKey(port: EndpointsPort): string {
	return JSON.stringify([port.name ?? '', port.port ?? 0, port.protocol ?? '', port.appProtocol ?? null]);
}

function copyAddress(addr: EndpointAddress): EndpointAddress {
	const out: EndpointAddress = { ...addr };
	if (addr.targetRef) {
		out.targetRef = { ...addr.targetRef };
	}
	return out;
}

interface PortGroup {
	/** Undefined for the sentinel (a subset without ports, or a port number that is not positive). */
	port: EndpointsPort | undefined;
	/** Address id → ready. */
	ready: Map<number, boolean>;
}

/** Ports sharing one exact address set. */
interface SetGroup {
	ready: Map<number, boolean>;
	ports: EndpointsPort[];
}

/** An order-independent fingerprint of an address set; equal sets always share it, and it rarely collides. */
function setSignature(ready: Map<number, boolean>): string {
	let sum = 0;
	let mix = 0;
	for (const [id, isReady] of ready) {
		const v = id * 2 + (isReady ? 1 : 0);
		sum = (sum + v) | 0;
		mix = (mix + Math.imul(v ^ (v >>> 15), 0x2c1b3c6d)) | 0;
	}
	return `${ready.size}:${sum}:${mix}`;
}

function sameSet(a: Map<number, boolean>, b: Map<number, boolean>): boolean {
	if (a.size !== b.size) {
		return false;
	}
	for (const [id, isReady] of a) {
		if (b.get(id) !== isReady) {
			return false;
		}
	}
	return true;
}

/**
 * `RepackSubsets`: expands the subsets to (address, port) facts, de-duplicates addresses by (ip, targetRef.uid),
 * lets not-ready win over ready for the same port, merges ports that share an identical address set, and returns the
 * result sorted in our documented order. A newly allocated array; the input is left untouched.
 */
export function repackSubsets(subsets: EndpointSubset[]): EndpointSubset[] {
	// allAddrs: upstream keys addresses by addressKey{ip, targetRef.uid} (a missing targetRef has uid ""). Here:
	// ip → id (or uid → id once an IP has several UIDs), and id → the first occurrence (copied only when output).
	// The object cache skips the lookup when one address object is listed under several ports, as the controller
	// does.
	const addrIds = new Map<string, number | Map<string, number>>();
	const idOfObject = new Map<EndpointAddress, number>();
	const addrs: EndpointAddress[] = [];
	const uidOf = (addr: EndpointAddress): string => addr.targetRef?.uid ?? '';
	const newId = (addr: EndpointAddress): number => {
		addrs.push(addr);
		return addrs.length - 1;
	};
	const addressId = (addr: EndpointAddress): number => {
		let id = idOfObject.get(addr);
		if (id !== undefined) {
			return id;
		}
		const ip = addr.ip ?? '';
		const uid = uidOf(addr);
		const known = addrIds.get(ip);
		if (known === undefined) {
			id = newId(addr);
			addrIds.set(ip, id);
		} else if (typeof known === 'number') {
			if (uidOf(addrs[known]!) === uid) {
				id = known;
			} else {
				id = newId(addr);
				addrIds.set(
					ip,
					new Map([
						[uidOf(addrs[known]!), known],
						[uid, id],
					]),
				);
			}
		} else {
			id = known.get(uid);
			if (id === undefined) {
				id = newId(addr);
				known.set(uid, id);
			}
		}
		idOfObject.set(addr, id);
		return id;
	};
	const byPort = new Map<string, PortGroup>();
	let sentinel: PortGroup | undefined;
	// Port objects are often shared between subsets (the controller reuses one per Service port): key them once.
	const portKeys = new Map<EndpointsPort, string>();

	// mapAddressByPort: register the address once, and record its readiness for this port (not-ready wins).
	const mapAddressByPort = (addr: EndpointAddress, group: PortGroup, ready: boolean): void => {
		const id = addressId(addr);
		if (group.ready.get(id) !== false) {
			group.ready.set(id, ready);
		}
	};

	const groupFor = (port: EndpointsPort | undefined): PortGroup => {
		if (port === undefined) {
			sentinel ??= { port: undefined, ready: new Map() };
			return sentinel;
		}
		let key = portKeys.get(port);
		if (key === undefined) {
			key = portKey(port);
			portKeys.set(port, key);
		}
		let group = byPort.get(key);
		if (!group) {
			// Upstream keeps non-positive port numbers out of the result, like its -1 sentinel.
			group = { port: (port.port ?? 0) > 0 ? port : undefined, ready: new Map() };
			byPort.set(key, group);
		}
		return group;
	};

	// mapAddressesByPort: every ready and not-ready address of the subset under one port.
	const mapAddressesByPort = (subset: EndpointSubset, port: EndpointsPort | undefined): void => {
		const addresses = subset.addresses ?? [];
		const notReady = subset.notReadyAddresses ?? [];
		if (addresses.length === 0 && notReady.length === 0) {
			// Upstream only creates a port entry when it records an address.
			return;
		}
		const group = groupFor(port);
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
	const bySignature = new Map<string, SetGroup[]>();
	const sets: SetGroup[] = [];
	for (const group of sentinel ? [...byPort.values(), sentinel] : byPort.values()) {
		const signature = setSignature(group.ready);
		let candidates = bySignature.get(signature);
		if (!candidates) {
			candidates = [];
			bySignature.set(signature, candidates);
		}
		let entry = candidates.find((c) => sameSet(c.ready, group.ready));
		if (!entry) {
			entry = { ready: group.ready, ports: [] };
			candidates.push(entry);
			sets.push(entry);
		}
		if (group.port) {
			entry.ports.push({ ...group.port });
		}
	}

	const result: EndpointSubset[] = [];
	for (const { ready, ports } of sets) {
		const readyAddrs: EndpointAddress[] = [];
		const notReadyAddrs: EndpointAddress[] = [];
		for (const [id, isReady] of ready) {
			(isReady ? readyAddrs : notReadyAddrs).push(copyAddress(addrs[id]!));
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
