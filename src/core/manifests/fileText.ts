/**
 * A manifest file's bytes → text, and the words for a file that is not read. Shared by the CLI and the extension so
 * that both decode alike (kubectl's rules: UTF-8, or UTF-16 with a byte-order mark, as PowerShell's `>` writes it) and
 * say alike why a file was skipped. Bytes that are not UTF-8 become U+FFFD and NUL bytes stay: `parseManifests` points
 * at both (a binary file gets one "binary file, not YAML" error). Pure: no fs.
 */

/** Decodes a manifest file's bytes: UTF-16 (LE or BE) when it starts with that byte-order mark, else UTF-8. */
export function decodeManifestBytes(bytes: Uint8Array): string {
	if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
		return new TextDecoder('utf-16le').decode(bytes.subarray(2));
	}
	if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
		return new TextDecoder('utf-16be').decode(bytes.subarray(2));
	}
	// The UTF-8 byte-order mark is dropped (ignoreBOM: false), as VS Code does for an open document.
	return new TextDecoder('utf-8').decode(bytes);
}

/** `812 bytes`, `12.3 KB`, `50.0 MB` (1 KB = 1024 bytes, as the `maxFileSizeKB` setting counts). */
export function formatBytes(n: number): string {
	if (n < 1024) {
		return `${n} byte${n === 1 ? '' : 's'}`;
	}
	if (n < 1024 * 1024) {
		return `${(n / 1024).toFixed(1)} KB`;
	}
	return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Why a file over the size limit is not read: its size, the limit, and the setting that raises it. */
export function tooLargeReason(size: number, maxBytes: number): string {
	const limit = maxBytes % 1024 === 0 ? `${maxBytes / 1024} KB` : formatBytes(maxBytes);
	return `${formatBytes(size)}, over the ${limit} limit (setting endpointLens.manifests.maxFileSizeKB): not read`;
}

/** The UTF-8 length of a text in bytes (what the file takes on disk), without encoding it. */
export function utf8Length(text: string): number {
	let bytes = 0;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c < 0x80) {
			bytes += 1;
		} else if (c < 0x800) {
			bytes += 2;
		} else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
			bytes += 4;
			i++;
		} else {
			bytes += 3;
		}
	}
	return bytes;
}

/** How much of a file `binaryContent` samples (as git does: the first 8,000 bytes). */
const binarySample = 8000;

/**
 * Why a text is binary data rather than YAML, with the offset of the evidence: a NUL character anywhere, or a start
 * in which more than a tenth of the characters are control or replacement characters (a file that is not text
 * decoded as UTF-8). Undefined for text.
 */
export function binaryContent(text: string): { offset: number; reason: string } | undefined {
	const nul = text.indexOf('\u0000');
	if (nul >= 0) {
		return { offset: nul, reason: 'a NUL byte' };
	}
	const sample = text.slice(0, binarySample);
	let odd = 0;
	let first = -1;
	// eslint-disable-next-line no-control-regex -- control characters are what it looks for
	for (const m of sample.matchAll(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFD]/g)) {
		if (m[0] === '\u0085') {
			continue;
		}
		odd++;
		first = first < 0 ? m.index : first;
	}
	return sample.length > 0 && odd * 10 > sample.length
		? { offset: first, reason: `${odd} control or non-UTF-8 characters in its first ${sample.length}` }
		: undefined;
}
