/**
 * Port-list keys and port order for the EndpointSlice and mirroring controllers, after upstream
 * `NewPortMapKey` / `portsInOrder` / `deepHashObjectToString` (k8s.io/endpointslice/util/controller_utils.go) and
 * `newAddrTypePortMapKey` (endpointslicemirroring/utils.go).
 *
 * Upstream groups slices by "<addressType>-<hash of the port list>", and, as a side effect that is visible in every
 * slice it writes, sorts the port list in place by the hash of each port before hashing the list. The hash is
 * 128-bit FNV-1a (md5 before v1.35) over the text that go-spew prints for the Go value with `%#v`, types shown and
 * methods disabled. We render that text for `discovery/v1.EndpointPort` ourselves, so the order of ports in a
 * mirrored slice is the one a real controller writes, and keys compare the way upstream's do: by value, regardless of
 * the order of the input ports, with an absent field (nil pointer) distinct from an empty one. As in v1.36
 * (kubernetes#133474), a nil port list and an empty one give the same key.
 */
import type { EndpointPort } from '../../k8s/types';

/** FNV-1a 128-bit offset basis and prime (Go's hash/fnv `New128a`). */
const fnv128Offset = 0x6c62272e07bb014262b821756295c58dn;
const fnv128Prime = 0x0000000001000000000000000000013bn;
const mask128 = (1n << 128n) - 1n;

const utf8 = new TextEncoder();

/** 128-bit FNV-1a of the UTF-8 bytes of `text`, as 32 lowercase hex digits (`hex.EncodeToString(h.Sum(nil))`). */
export function fnv1a128Hex(text: string): string {
	let h = fnv128Offset;
	for (const byte of utf8.encode(text)) {
		h ^= BigInt(byte);
		h = (h * fnv128Prime) & mask128;
	}
	return h.toString(16).padStart(32, '0');
}

/** go-spew's `%#v` rendering of a pointer field: `(*T)value`, or `(*T)<nil>` when the pointer is nil. */
function spewPointer(typeName: string, value: string | number | null | undefined): string {
	return value == null ? `(*${typeName})<nil>` : `(*${typeName})${String(value)}`;
}

/**
 * go-spew's `%#v` text for one `discovery/v1.EndpointPort` (fields in declaration order: Name, Protocol, Port,
 * AppProtocol). `withType` prefixes the struct's type, as spew does for a top-level value but not for a slice element.
 */
export function spewEndpointPort(port: EndpointPort, withType: boolean): string {
	const body =
		`{Name:${spewPointer('string', port.name)}` +
		` Protocol:${spewPointer('v1.Protocol', port.protocol)}` +
		` Port:${spewPointer('int32', port.port)}` +
		` AppProtocol:${spewPointer('string', port.appProtocol)}}`;
	return withType ? `(v1.EndpointPort)${body}` : body;
}

/** go-spew's `%#v` text for a non-nil `[]discovery/v1.EndpointPort`. */
function spewEndpointPorts(ports: readonly EndpointPort[]): string {
	return `([]v1.EndpointPort)[${ports.map((p) => spewEndpointPort(p, false)).join(' ')}]`;
}

/**
 * The ports in upstream's `portsInOrder` order: ascending by the hex hash of each port. Returns a new array; the
 * input (upstream sorts in place) is left as it is.
 */
export function sortPortsByHash(ports: readonly EndpointPort[]): EndpointPort[] {
	return ports
		.map((port) => ({ port, hash: fnv1a128Hex(spewEndpointPort(port, true)) }))
		.sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0))
		.map((x) => x.port);
}

/** `NewPortMapKey`: the hash of the hash-sorted port list; nil and empty lists share a key. */
export function newPortMapKey(ports: readonly EndpointPort[] | null | undefined): string {
	return fnv1a128Hex(spewEndpointPorts(sortPortsByHash(ports ?? [])));
}

/** `newAddrTypePortMapKey`: "<addressType>-<NewPortMapKey>". */
export function newAddrTypePortMapKey(ports: readonly EndpointPort[] | null | undefined, addressType: string): string {
	return `${addressType}-${newPortMapKey(ports)}`;
}
