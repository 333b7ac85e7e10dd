/**
 * A small writer of `sequenceDiagram` source shared by the builders: participants are declared once, in the order
 * they are first declared, and every text goes through `mermaidText`; identifiers come from `participantId`. The
 * builders never concatenate Mermaid syntax with names themselves.
 */
import { mermaidText, participantId } from './escape';

/** Arrows the builders use: a request or write, an answer or a watch notification, a failure. */
export type Arrow = 'call' | 'reply' | 'fail';

const arrows: Readonly<Record<Arrow, string>> = { call: '->>', reply: '-->>', fail: '-x' };

/** What every builder returns. */
export interface BuiltDiagram {
	/** Mermaid `sequenceDiagram` source. */
	mermaid: string;
	/** The participants' labels as the reader sees them (plain text, unescaped), in declaration order. */
	participants: string[];
	/** Plain-text notes for under the diagram (what was left out, windowing, delays). */
	notes: string[];
}

/** Shown for a name that is empty (Mermaid cannot show an empty alias). */
const unnamed = '(unnamed)';

export class SequenceWriter {
	private readonly lines: string[] = ['sequenceDiagram'];
	private readonly declared = new Map<string, string>();
	private readonly labels: string[] = [];
	private depth = 1;

	constructor(options: { autonumber?: boolean } = {}) {
		if (options.autonumber ?? true) {
			this.line('autonumber');
		}
	}

	/** Declares a participant (once per key) and returns its identifier. */
	participant(key: string, label: string): string {
		const id = participantId(key);
		if (!this.declared.has(id)) {
			this.declared.set(id, label);
			this.labels.push(label || unnamed);
			this.line(`participant ${id} as ${mermaidText(label) || unnamed}`);
		}
		return id;
	}

	/** Whether a participant of that key was declared. */
	has(key: string): boolean {
		return this.declared.has(participantId(key));
	}

	message(from: string, to: string, text: string, arrow: Arrow = 'call'): void {
		this.line(`${from}${arrows[arrow]}${to}: ${mermaidText(text, 'message')}`);
	}

	/** A note over one participant or spanning two. */
	note(over: readonly string[], text: string): void {
		this.line(`Note over ${over.slice(0, 2).join(',')}: ${mermaidText(text, 'message')}`);
	}

	/** Runs `body` inside a `rect` (a highlighted band). `color` is ours, never user text. */
	rect(color: string, body: () => void): void {
		if (!/^rgba?\([0-9., ]+\)$/.test(color)) {
			throw new Error(`not a colour: ${color}`);
		}
		this.line(`rect ${color}`);
		this.depth++;
		try {
			body();
		} finally {
			this.depth--;
			this.line('end');
		}
	}

	private line(text: string): void {
		this.lines.push(`${'\t'.repeat(this.depth)}${text}`);
	}

	build(notes: readonly string[] = []): BuiltDiagram {
		return { mermaid: `${this.lines.join('\n')}\n`, participants: [...this.labels], notes: [...notes] };
	}
}

/** `n thing` / `n things`. */
export function plural(n: number, word: string, pluralWord = `${word}s`): string {
	return `${n} ${n === 1 ? word : pluralWord}`;
}

/** A list capped at `max` items, with `and N more` when longer. */
export function capped(items: readonly string[], max: number): string {
	if (items.length <= max) {
		return items.join(', ');
	}
	return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}
