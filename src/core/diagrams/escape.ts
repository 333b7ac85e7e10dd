/**
 * Escaping for Mermaid `sequenceDiagram` source. Every name that reaches a diagram (Services, pods, slices,
 * namespaces, label values, contexts) passes through `mermaidText` or `participantId`; nothing else is trusted.
 *
 * How Mermaid 11 reads a sequence diagram, and so what must not get through:
 * - Before parsing, `encodeEntities` turns every `#word;` into a placeholder that the renderer turns back into the HTML
 *   character reference `&word;` (decimal `#59;` becomes `&#59;`) in the finished SVG. That is Mermaid's own escape,
 *   and the only one it has: backslashes mean nothing. We use decimal codes, plus `lt`, `gt`, `amp` and `quot`, which
 *   are also valid in a standalone SVG file (XML knows no other named entities).
 * - A message or note text runs from `:` to the first `#`, `;` or newline (`;` separates statements, `#` starts a
 *   comment). A participant alias also stops at `<`, `>`, `:`, `,` and `@`.
 * - `%%{…}%%` anywhere is a directive (it can change the configuration), `%%` at a line start a comment; `$$…$$` is
 *   KaTeX; `<br>` breaks lines; a message starting `wrap:` changes wrapping.
 * - Keywords (`alt`, `end`, `note`, `participant`, …) only mean something at the start of a statement, which a name
 *   can reach only through a newline or a `;`.
 * So `mermaidText` maps each of `# ; : , @ < > & " ' % $ { } \` and the backtick to an entity, every line break
 * and control character to a space, and the placeholder characters of `encodeEntities` themselves (ﬂ ° ¶ ß) to
 * entities too, so that no input can forge a placeholder. In the `message` context (the text after a message's or
 * a note's `:`, which only `#`, `;` and a newline end) `:` `,` `@` and `'` stay as they are, for readable source,
 * except a leading `wrap:`/`nowrap:`, whose `:` is escaped.
 */

const named: Readonly<Record<string, string>> = { '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot' };

/** Characters that become `#code;`. */
const special = /[#;:,@<>&"'%${}\\`\uFB02\u00B0\u00B6\u00DF]/g;

/** The same, less what message and note texts may hold as they are. */
const specialInMessage = /[#;<>&"%${}\\`\uFB02\u00B0\u00B6\u00DF]/g;

/** Where a text goes: a participant alias (the strictest, and safe everywhere) or a message or note text. */
export type MermaidTextContext = 'alias' | 'message';

/** Line breaks and control characters (C0, DEL, C1, the Unicode line and paragraph separators) as spaces. */
function blankControls(s: string): string {
	let out = '';
	for (const c of s) {
		const code = c.charCodeAt(0);
		out += code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029 ? ' ' : c;
	}
	return out;
}

/**
 * Text that is safe anywhere Mermaid takes free text in a sequence diagram: a message, a note, a participant alias.
 * It renders as exactly the input (line breaks and control characters as spaces). Leading and trailing blanks are
 * trimmed (Mermaid trims them anyway); an empty result stays empty, so callers choose what to show instead.
 */
export function mermaidText(s: string, context: MermaidTextContext = 'alias'): string {
	const text = blankControls(String(s)).trim();
	const entity = (c: string): string => `#${named[c] ?? c.charCodeAt(0)};`;
	if (context === 'alias') {
		return text.replace(special, entity);
	}
	return text.replace(specialInMessage, entity).replace(/^((?:no)?wrap):/i, '$1#58;');
}

/** Words the sequence lexer takes as keywords when a statement starts with them (lower case; it ignores case). */
const keywords: ReadonlySet<string> = new Set([
	'box',
	'participant',
	'actor',
	'create',
	'destroy',
	'as',
	'loop',
	'rect',
	'opt',
	'alt',
	'else',
	'par',
	'par_over',
	'and',
	'critical',
	'option',
	'break',
	'end',
	'left',
	'right',
	'links',
	'link',
	'properties',
	'details',
	'over',
	'note',
	'activate',
	'deactivate',
	'title',
	'acctitle',
	'accdescr',
	'sequencediagram',
	'autonumber',
	'off',
	'x',
]);

/** A 53-bit string hash (cyrb53), in base 36. */
function hash(s: string): string {
	let h1 = 0xdeadbeef;
	let h2 = 0x41c6ce57;
	for (let i = 0; i < s.length; i++) {
		const ch = s.charCodeAt(i);
		h1 = Math.imul(h1 ^ ch, 2654435761);
		h2 = Math.imul(h2 ^ ch, 1597334677);
	}
	h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
	h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
	return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

const cleanId = /^[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*$/;

/**
 * A participant identifier: ASCII letters, digits and `_` only, starting with a letter, never a keyword. An input
 * that already is such an identifier without `__` is returned as it is; any other input is sanitised (runs of other
 * characters become `_`) and gets `__` and a hash of the whole input appended. Clean identifiers never contain `__`
 * and sanitised ones always do, so distinct inputs give distinct identifiers (up to a 53-bit hash collision).
 */
export function participantId(s: string): string {
	const input = String(s);
	if (cleanId.test(input) && !keywords.has(input.toLowerCase())) {
		return input;
	}
	const base = input
		.replace(/[^A-Za-z0-9]+/g, '_')
		.replace(/^_+|_+$/g, '')
		.slice(0, 40);
	const head = /^[A-Za-z]/.test(base) ? base : `p${base ? `_${base}` : ''}`;
	return `${head}__${hash(input)}`;
}
