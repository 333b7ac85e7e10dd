/**
 * Bad input for the manifest reader and the preview models (fast-check): random text, real manifests mutated byte by
 * byte or line by line, binary content, deep nesting. Whatever the input, nothing throws, every diagnostic has a range
 * inside the document, and hovers, lenses and diagnostics come back for every offset asked.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { computeCodeLenses, computeDiagnostics, computeHover } from '../../src/core/hover/preview';
import { parseManifests } from '../../src/core/manifests/parse';
import type { SourceRange } from '../../src/core/manifests/parse';
import { WorkspaceIndex } from '../../src/core/manifests/workspaceIndex';

const examples = readdirSync('examples')
	.filter((f) => f.endsWith('.yaml'))
	.sort()
	.map((f) => readFileSync(join('examples', f), 'utf8'));
const fixtures = ['shop.yaml', 'helm-rendered.yaml', 'crlf.yaml', 'slices.yaml', 'workloads.yaml'].map((f) =>
	readFileSync(join('test/fixtures/hover', f), 'utf8'),
);
const corpus = [...examples, ...fixtures];

/** A real manifest with random edits: characters replaced, lines dropped or duplicated, text cut off. */
const mutatedArb = fc
	.record({
		base: fc.constantFrom(...corpus),
		edits: fc.array(
			fc.record({
				kind: fc.constantFrom('replace', 'dropLine', 'dupLine', 'truncate', 'indent', 'insert'),
				at: fc.nat(),
				text: fc.constantFrom(':', '-', ' ', '\t', '{', '[', '"', "'", '&a', '*a', '<<: *a', '---', '\n', '#', '|', '>', '%YAML 1.2', '{{ .Values.x }}', '\u0000', '\uFEFF', '\r\n'),
			}),
			{ maxLength: 8 },
		),
	})
	.map(({ base, edits }) => {
		let text = base;
		for (const e of edits) {
			const at = text.length === 0 ? 0 : e.at % text.length;
			const lines = text.split('\n');
			const line = lines.length === 0 ? 0 : e.at % lines.length;
			switch (e.kind) {
				case 'replace':
					text = text.slice(0, at) + e.text + text.slice(at + 1);
					break;
				case 'insert':
					text = text.slice(0, at) + e.text + text.slice(at);
					break;
				case 'dropLine':
					lines.splice(line, 1);
					text = lines.join('\n');
					break;
				case 'dupLine':
					lines.splice(line, 0, lines[line] ?? '');
					text = lines.join('\n');
					break;
				case 'indent':
					lines[line] = `  ${lines[line] ?? ''}`;
					text = lines.join('\n');
					break;
				case 'truncate':
					text = text.slice(0, at);
					break;
			}
		}
		return text;
	});

const randomArb = fc.oneof(
	fc.string({ maxLength: 400 }),
	fc.string({ unit: 'binary', maxLength: 400 }),
	fc.uint8Array({ maxLength: 400 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
);

function inside(range: SourceRange, lineCount: number): boolean {
	const ok = (p: { line: number; character: number }) =>
		Number.isInteger(p.line) && Number.isInteger(p.character) && p.line >= 0 && p.character >= 0 && p.line <= lineCount;
	return ok(range.start) && ok(range.end);
}

/** Everything the editor would ask of a document: diagnostics, lenses, and hovers at a spread of offsets. */
function exercise(text: string): void {
	const path = '/fuzz/doc.yaml';
	const lines = text.split(/\r\n|\r|\n/).length;
	const parsed = parseManifests(text, path);
	for (const d of parsed.diagnostics) {
		assert.ok(d.line >= 1 && d.column >= 1, `a 1-based position: ${JSON.stringify(d)}`);
		assert.ok(typeof d.message === 'string' && d.message.length > 0);
	}
	const index = new WorkspaceIndex();
	index.setFile('/fuzz/other.yaml', examples[0]!, 1);
	const ctx = { index };
	const doc = { path, text, version: 1 };
	for (const d of computeDiagnostics(ctx, doc)) {
		assert.ok(d.range && inside(d.range, lines), `a range inside the document: ${JSON.stringify(d)}`);
	}
	for (const lens of computeCodeLenses(ctx, doc)) {
		assert.ok(inside(lens.range, lines));
		assert.ok(lens.title.length > 0);
	}
	const step = Math.max(1, Math.floor(text.length / 25));
	for (let offset = 0; offset <= text.length; offset += step) {
		const hover = computeHover(ctx, doc, offset);
		if (hover) {
			assert.ok(inside(hover.range, lines));
			assert.ok(hover.markdown.length > 0);
		}
	}
}

describe('bad input: the manifest reader and the preview models', () => {
	it('mutated real manifests: no throw, ranges inside the document', () => {
		fc.assert(fc.property(mutatedArb, (text) => exercise(text)), { numRuns: 150, seed: 20261123 });
	});

	it('random and binary text: no throw', () => {
		fc.assert(fc.property(randomArb, (text) => exercise(text)), { numRuns: 150, seed: 7 });
	});

	it('deep nesting and many documents: a diagnostic or nothing, never a crash', () => {
		exercise(`${'- '.repeat(2000)}x\n`);
		exercise(`${'{a: '.repeat(500)}1${'}'.repeat(500)}\n`);
		exercise(`kind: Service\nmetadata: ${'['.repeat(1000)}\n`);
		const many = Array.from({ length: 3000 }, (_, i) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: s${i}\nspec:\n  ports: [{port: 80}]\n`).join('---\n');
		const r = parseManifests(many, '/fuzz/many.yaml');
		assert.equal(r.manifests.length, 3000, `every document read: ${r.diagnostics[0]?.message ?? ''}`);
	});

	it('an alias bomb ("billion laughs") is refused with a diagnostic, not expanded', () => {
		const bomb = [
			'a: &a ["x","x","x","x","x","x","x","x","x"]',
			'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
			'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
			'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
			'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
			'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
			'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
			'kind: ConfigMap',
			'metadata: {name: bomb}',
		].join('\n');
		const r = parseManifests(bomb, '/fuzz/bomb.yaml');
		assert.ok(r.diagnostics.length > 0 || r.manifests.length <= 1, 'a finite result');
		exercise(bomb);
	});
});
