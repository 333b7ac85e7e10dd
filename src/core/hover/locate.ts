/**
 * From a UTF-16 offset in a document to what is under the cursor: the LSP position, whether it is a comment or
 * blank space, and the deepest JSON path of a parsed manifest whose key/value range holds it.
 *
 * Positions count lines by `\n` only, like the `yaml` package's `LineCounter` that produced the manifests' ranges,
 * so CRLF files agree (the `\r` is the last character of its line).
 */
import type { ParsedManifest, SourcePosition, SourceRange } from '../manifests/parse';

let cachedText: string | undefined;
let cachedStarts: number[] = [];

/** Offsets where each line starts (cached for the last text asked about). */
function lineStarts(text: string): number[] {
	if (cachedText === text) {
		return cachedStarts;
	}
	const starts = [0];
	for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
		starts.push(i + 1);
	}
	cachedText = text;
	cachedStarts = starts;
	return starts;
}

/** The 0-based position of a UTF-16 offset (clamped to the text). */
export function positionAt(text: string, offset: number): SourcePosition {
	const at = Math.max(0, Math.min(offset, text.length));
	const starts = lineStarts(text);
	let lo = 0;
	let hi = starts.length - 1;
	while (lo < hi) {
		const mid = (lo + hi + 1) >> 1;
		if (starts[mid]! <= at) {
			lo = mid;
		} else {
			hi = mid - 1;
		}
	}
	return { line: lo, character: at - starts[lo]! };
}

/** Whether `a` is before or at `b`. */
function beforeOrAt(a: SourcePosition, b: SourcePosition): boolean {
	return a.line < b.line || (a.line === b.line && a.character <= b.character);
}

/** Whether the range holds the position (start inclusive, end exclusive). */
export function rangeContains(range: SourceRange, pos: SourcePosition): boolean {
	return beforeOrAt(range.start, pos) && !beforeOrAt(range.end, pos);
}

/**
 * Whether the offset is in a comment, or on blank space (indentation, past the end of the line's content): places
 * where no hover belongs even inside an object.
 */
export function isCommentOrBlank(text: string, offset: number): boolean {
	const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
	let lineEnd = text.indexOf('\n', offset);
	if (lineEnd < 0) {
		lineEnd = text.length;
	}
	const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
	const col = offset - lineStart;
	if (col >= line.trimEnd().length || line.slice(0, col + 1).trim() === '') {
		return true;
	}
	// A `#` that starts the line or follows whitespace, outside quotes, starts a comment.
	let quote: string | undefined;
	for (let i = 0; i < Math.min(col + 1, line.length); i++) {
		const c = line[i]!;
		if (quote) {
			if (c === quote) {
				quote = undefined;
			}
		} else if (c === '"' || c === "'") {
			const prev = line.slice(0, i).trimEnd();
			// Quotes open a scalar only at its start (after `:`, `-`, `[`, `{`, `,` or at the line start).
			if (prev === '' || /[:\-[{,]$/.test(prev)) {
				quote = c;
			}
		} else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) {
			return true;
		}
	}
	return false;
}

/** What is under the cursor in one manifest: the deepest path and its key/value range. */
export interface PathAt {
	/** JSON path (`spec.ports[0].targetPort`), or '' when on the object but on no key. */
	path: string;
	range: SourceRange;
}

/** The deepest key or list item of the manifest whose range holds the position. */
export function pathAt(manifest: ParsedManifest, pos: SourcePosition): PathAt | undefined {
	if (!beforeOrAt(manifest.range.start, pos) || !beforeOrAt(pos, manifest.range.end)) {
		return undefined;
	}
	let best: PathAt | undefined;
	for (const [path, range] of Object.entries(manifest.keyRanges)) {
		if (!rangeContains(range, pos)) {
			continue;
		}
		// Ranges nest: the deepest is the one inside all the others (a list item and its first key can start
		// together; the key ends first).
		if (!best || (beforeOrAt(best.range.start, range.start) && beforeOrAt(range.end, best.range.end))) {
			best = { path, range };
		}
	}
	return best;
}

/** The manifest of a file whose range holds the position (List items are manifests of their own). */
export function manifestAtPosition(
	manifests: readonly ParsedManifest[],
	pos: SourcePosition,
): ParsedManifest | undefined {
	let found: ParsedManifest | undefined;
	for (const m of manifests) {
		if (beforeOrAt(m.range.start, pos) && beforeOrAt(pos, m.range.end)) {
			// A List item is inside its list's document: the innermost wins.
			if (!found || beforeOrAt(found.range.start, m.range.start)) {
				found = m;
			}
		}
	}
	return found;
}
