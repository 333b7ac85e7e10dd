/**
 * IP parsing with Go's `net.ParseIP` / `utilnet.ParseIPSloppy` semantics, and `net.IP.String()` canonical output.
 *
 * Upstream canonicalizes every pod and Endpoints address since v1.33 (kubernetes#130101): IPv4 leading zeros are
 * accepted and dropped ("010.001.0.1" → "10.1.0.1", read as decimal by ParseIPSloppy), IPv6 is lower-cased and the
 * longest run of two or more zero groups is compressed ("1234::5678:0000:0000:9abc:def0" → "1234::5678:0:0:9abc:def0").
 * An IPv4-mapped IPv6 address ("::ffff:1.2.3.4") is an IPv4 address to Go (`To4() != nil`) and prints as "1.2.3.4".
 */

export type ParsedIP = { family: 'IPv4'; bytes: number[] } | { family: 'IPv6'; bytes: number[] };

function parseIPv4(s: string): number[] | undefined {
	const parts = s.split('.');
	if (parts.length !== 4) {
		return undefined;
	}
	const out: number[] = [];
	for (const p of parts) {
		// Go's sloppy parser (k8s.io/utils forked net, dtoi) takes any number of leading zeros.
		if (!/^[0-9]+$/.test(p)) {
			return undefined;
		}
		const n = Number.parseInt(p, 10);
		if (n > 255) {
			return undefined;
		}
		out.push(n);
	}
	return out;
}

function parseIPv6(s: string): number[] | undefined {
	// A trailing embedded IPv4 (e.g. ::ffff:1.2.3.4) takes the last two groups.
	let tail: number[] = [];
	let head = s;
	const lastColon = s.lastIndexOf(':');
	if (lastColon >= 0 && s.indexOf('.', lastColon) > lastColon) {
		const v4 = parseIPv4(s.slice(lastColon + 1));
		if (!v4) {
			return undefined;
		}
		tail = v4;
		head = s.slice(0, lastColon + 1);
		if (!head.endsWith('::')) {
			head = head.slice(0, -1);
		}
	}
	const groupsNeeded = (16 - tail.length) / 2;
	const dbl = head.indexOf('::');
	if (dbl !== head.lastIndexOf('::')) {
		return undefined;
	}
	const parseGroups = (part: string): number[] | undefined => {
		if (part === '') {
			return [];
		}
		const groups = part.split(':');
		const out: number[] = [];
		for (const g of groups) {
			// xtoi reads any number of hex digits; only the value must fit in 16 bits.
			if (!/^[0-9a-fA-F]+$/.test(g)) {
				return undefined;
			}
			const n = Number.parseInt(g, 16);
			if (n > 0xffff) {
				return undefined;
			}
			out.push(n);
		}
		return out;
	};
	let groups: number[];
	if (dbl >= 0) {
		const left = parseGroups(head.slice(0, dbl));
		const right = parseGroups(head.slice(dbl + 2));
		// "::" must stand for at least one zero group.
		if (!left || !right || left.length + right.length > groupsNeeded - 1) {
			return undefined;
		}
		groups = [...left, ...new Array<number>(groupsNeeded - left.length - right.length).fill(0), ...right];
	} else {
		const all = parseGroups(head);
		if (!all || all.length !== groupsNeeded) {
			return undefined;
		}
		groups = all;
	}
	const bytes: number[] = [];
	for (const g of groups) {
		bytes.push(g >> 8, g & 0xff);
	}
	return [...bytes, ...tail];
}

/**
 * Whether `s` is an IPv4 address already in canonical form: four decimal numbers 0..255 without leading zeros,
 * joined by dots — the common case, answered without parsing. The same test as the pattern
 * `^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$`, a character loop because it runs
 * once per pod (test/unit/ip.test.ts compares the two on random strings).
 */
export function isCanonicalIPv4(s: string): boolean {
	const n = s.length;
	if (n < 7 || n > 15) {
		return false;
	}
	let i = 0;
	for (let part = 0; part < 4; part++) {
		if (part > 0) {
			if (s.charCodeAt(i) !== 0x2e) {
				return false;
			}
			i++;
		}
		const start = i;
		let value = 0;
		while (i < n && i - start < 3) {
			const c = s.charCodeAt(i);
			if (c < 0x30 || c > 0x39) {
				break;
			}
			value = value * 10 + (c - 0x30);
			i++;
		}
		const digits = i - start;
		if (digits === 0 || value > 255 || (digits > 1 && s.charCodeAt(start) === 0x30)) {
			return false;
		}
	}
	return i === n;
}

/**
 * The family and canonical text of an address in one step, with a fast path for canonical IPv4; undefined when the
 * address does not parse.
 */
export function canonicalizeIP(s: string): { family: 'IPv4' | 'IPv6'; text: string } | undefined {
	if (isCanonicalIPv4(s)) {
		return { family: 'IPv4', text: s };
	}
	const ip = parseIP(s);
	return ip ? { family: ip.family, text: formatIP(ip) } : undefined;
}

/** Parses an IP the way `utilnet.ParseIPSloppy` does; undefined when Go would return nil. */
export function parseIP(s: string): ParsedIP | undefined {
	if (s.includes(':')) {
		const bytes = parseIPv6(s);
		if (!bytes) {
			return undefined;
		}
		const isMapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
		return isMapped ? { family: 'IPv4', bytes: bytes.slice(12) } : { family: 'IPv6', bytes };
	}
	const v4 = parseIPv4(s);
	return v4 ? { family: 'IPv4', bytes: v4 } : undefined;
}

/** `net.IP.String()`. */
export function formatIP(ip: ParsedIP): string {
	if (ip.family === 'IPv4') {
		return ip.bytes.join('.');
	}
	const groups: number[] = [];
	for (let i = 0; i < 16; i += 2) {
		groups.push((ip.bytes[i]! << 8) | ip.bytes[i + 1]!);
	}
	// Longest run of >= 2 zero groups, leftmost on ties.
	let bestStart = -1;
	let bestLen = 0;
	for (let i = 0; i < 8; ) {
		if (groups[i] !== 0) {
			i++;
			continue;
		}
		let j = i;
		while (j < 8 && groups[j] === 0) {
			j++;
		}
		if (j - i > bestLen && j - i >= 2) {
			bestStart = i;
			bestLen = j - i;
		}
		i = j;
	}
	const hex = (g: number): string => g.toString(16);
	if (bestStart < 0) {
		return groups.map(hex).join(':');
	}
	const left = groups.slice(0, bestStart).map(hex).join(':');
	const right = groups
		.slice(bestStart + bestLen)
		.map(hex)
		.join(':');
	return `${left}::${right}`;
}

/** The canonical string form, or `"<nil>"` for an unparsable address (what Go prints for a nil net.IP). */
export function canonicalIP(s: string): string {
	return canonicalizeIP(s)?.text ?? '<nil>';
}

/** `utilnet.IsIPv6String`. */
export function isIPv6String(s: string): boolean {
	return parseIP(s)?.family === 'IPv6';
}

/** `utilnet.IsIPv4String`. */
export function isIPv4String(s: string): boolean {
	return parseIP(s)?.family === 'IPv4';
}

/** The family of an IP string, or undefined when it does not parse. */
export function ipFamilyOf(s: string): 'IPv4' | 'IPv6' | undefined {
	return parseIP(s)?.family;
}
