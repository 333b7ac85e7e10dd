/**
 * Mermaid's own parser in Node, for the diagram tests. `mermaid.parse()` needs no DOM in Mermaid 11: it runs the
 * same preprocessing (front matter, directives, comments), `encodeEntities` and the sequence diagram's jison parser
 * and database as `mermaid.render()` does, and throws on anything the renderer would reject. After it succeeds we
 * build the diagram once more to read the sequence database (participants and messages, with Mermaid's entity
 * placeholders turned back into what a reader sees), so tests can assert on the structure Mermaid understood.
 */
import mermaid from 'mermaid';

mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', logLevel: 'fatal' });

/** Line types of Mermaid's sequence database (sequenceDb.ts LINETYPE) the tests look at. */
export const lineType = {
	solid: 0,
	dotted: 1,
	note: 2,
	solidCross: 3,
	dottedCross: 4,
	loopStart: 10,
	altStart: 12,
	altElse: 13,
	altEnd: 14,
	optStart: 15,
	parStart: 19,
	rectStart: 22,
	rectEnd: 23,
	criticalStart: 27,
	breakStart: 30,
	autonumber: 26,
} as const;

export interface ParsedMessage {
	from?: string;
	to?: string;
	/** The text as the reader sees it (entities decoded). */
	text: string;
	/** Mermaid's LINETYPE number. */
	type: number;
}

export interface ParsedSequence {
	diagramType: string;
	/** Participant id → its label as the reader sees it. */
	actors: Map<string, string>;
	messages: ParsedMessage[];
}

interface SequenceDb {
	getActors(): Map<string, { name: string; description: string }>;
	getMessages(): { from?: string; to?: string; message?: unknown; type?: number }[];
}

const namedEntities: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Mermaid's `decodeEntities` (placeholders → `&…;`), then the character references → characters. */
export function readerText(s: string): string {
	return s
		.replace(/\uFB02\u00B0\u00B0/g, '&#')
		.replace(/\uFB02\u00B0/g, '&')
		.replace(/\u00B6\u00DF/g, ';')
		.replace(/&(#\d+|[a-z]+);/gi, (whole, code: string) =>
			code.startsWith('#') ? String.fromCodePoint(Number(code.slice(1))) : (namedEntities[code] ?? whole),
		);
}

/** Parses with Mermaid; rejects with Mermaid's error when the text is not a valid diagram. */
export async function parseMermaid(text: string): Promise<ParsedSequence> {
	const result = await mermaid.parse(text);
	if (!result) {
		throw new Error('mermaid.parse returned false');
	}
	const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
	const actors = new Map<string, string>();
	const messages: ParsedMessage[] = [];
	if (result.diagramType === 'sequence') {
		const db = diagram.db as unknown as SequenceDb;
		for (const [id, actor] of db.getActors()) {
			actors.set(id, readerText(actor.description ?? actor.name));
		}
		for (const m of db.getMessages()) {
			const raw = typeof m.message === 'string' ? m.message : '';
			messages.push({ from: m.from, to: m.to, text: readerText(raw), type: m.type ?? -1 });
		}
	}
	return { diagramType: result.diagramType, actors, messages };
}
