/**
 * Deterministic stand-ins for names the API server and controllers generate at random.
 *
 * The API server completes `metadata.generateName` with 5 random characters from
 * `k8s.io/apimachinery/pkg/util/rand`'s alphabet (no vowels, no confusable digits). Endpoint Lens derives them from
 * a seed instead, so that the same input always gives the same names: predictions can be diffed and tests are
 * reproducible. Real clusters will show other suffixes; only the shape is the same.
 */
import type { OwnerReference, TypedObject } from './types';

/** The alphabet of `utilrand.String` (apimachinery). */
export const randAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** 32-bit FNV-1a of a string's UTF-16 code units. */
export function fnv1a32(s: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < s.length; i++) {
		h ^= s.charCodeAt(i);
		h = Math.imul(h, 0x01000193) >>> 0;
	}
	return h >>> 0;
}

/** `n` characters of the rand alphabet derived from `seed`. */
export function randString(seed: string, n: number): string {
	let out = '';
	let h = fnv1a32(seed);
	for (let i = 0; i < n; i++) {
		if (i > 0 && i % 6 === 0) {
			h = fnv1a32(`${seed}#${i}`);
		}
		out += randAlphabet[h % randAlphabet.length];
		h = Math.floor(h / randAlphabet.length);
	}
	return out;
}

/**
 * Completes a generateName prefix as the API server would (`prefix` + 5 characters), avoiding names in `taken`.
 * The name is cut so that it stays within the 253-character object-name limit, as `SimpleNameGenerator` does for
 * prefixes longer than 58 characters.
 */
export function generateName(prefix: string, seed: string, taken?: ReadonlySet<string>): string {
	const maxPrefix = 63 - 5;
	const base = prefix.length > maxPrefix ? prefix.slice(0, maxPrefix) : prefix;
	for (let attempt = 0; ; attempt++) {
		const name = base + randString(attempt === 0 ? seed : `${seed}/${attempt}`, 5);
		if (!taken?.has(name)) {
			return name;
		}
	}
}

const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * `getEndpointSlicePrefix` (both slice controllers): `<name>-`, or the bare name when the dashed prefix is not a
 * valid generateName prefix (`NameIsDNSSubdomain(prefix, true)` masks the trailing dash, then applies the DNS-1123
 * subdomain rules and the 253-character limit).
 */
export function generateNamePrefix(name: string): string {
	const masked = `${name}a`;
	return masked.length <= 253 && dns1123Subdomain.test(masked) ? `${name}-` : name;
}

/** `metav1.NewControllerRef(owner, {Version: v1, Kind: kind})`: controller and blockOwnerDeletion set. */
export function newControllerRef(kind: string, owner: TypedObject): OwnerReference {
	return {
		apiVersion: 'v1',
		kind,
		name: owner.metadata?.name ?? '',
		uid: owner.metadata?.uid ?? '',
		controller: true,
		blockOwnerDeletion: true,
	};
}
