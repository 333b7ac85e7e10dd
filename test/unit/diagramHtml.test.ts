// The diagram webview's page (src/webview/diagramHtml.ts): its Content-Security-Policy is strict (STYLE 7) and every
// script carries the page's nonce.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diagramCsp, diagramHtml, elementIds } from '../../src/webview/diagramHtml';

const cspSource = 'https://file+.vscode-resource.vscode-cdn.net';
const nonce = 'cmFuZG9tLW5vbmNlLTEyMw==';
const html = diagramHtml({
	cspSource,
	nonce,
	scriptUri: `${cspSource}/ext/dist/webview.js`,
	styleUri: `${cspSource}/ext/media/diagram.css`,
});

/** The page's CSP as its meta tag carries it, unescaped, by directive. */
function cspOf(page: string): Map<string, string[]> {
	const content = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(page)?.[1];
	assert.ok(content, 'the page has a CSP meta tag');
	const text = content.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
	return new Map(
		text
			.split(';')
			.map((d) => d.trim().split(/\s+/))
			.filter((parts) => parts[0] !== '')
			.map(([name, ...sources]) => [name!, sources]),
	);
}

describe('diagram webview page', () => {
	const csp = cspOf(html);

	it('allows nothing by default', () => {
		assert.deepEqual(csp.get('default-src'), ["'none'"]);
	});

	it('runs scripts only by nonce, never eval', () => {
		assert.deepEqual(csp.get('script-src'), [`'nonce-${nonce}'`]);
		assert.ok(!html.includes('unsafe-eval'));
		const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]!);
		assert.ok(scripts.length > 0);
		for (const attributes of scripts) {
			assert.match(attributes, new RegExp(` nonce="${nonce.replace(/[+/=]/g, (c) => `\\${c}`)}"`));
			assert.match(attributes, / src="/, 'no inline script');
		}
		assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handlers');
	});

	it('allows styles from the extension and inline (Mermaid’s), with no nonce that would void unsafe-inline', () => {
		assert.deepEqual(csp.get('style-src'), [cspSource, "'unsafe-inline'"]);
	});

	it('loads images and fonts only from the extension (and data: images)', () => {
		assert.deepEqual(csp.get('img-src'), [cspSource, 'data:']);
		assert.deepEqual(csp.get('font-src'), [cspSource]);
		assert.deepEqual(
			[...csp.keys()].sort(),
			['default-src', 'font-src', 'img-src', 'script-src', 'style-src'],
			'no other directive (connect-src, frame-src, …) is opened',
		);
	});

	it('names no remote source', () => {
		for (const [directive, sources] of csp) {
			for (const source of sources) {
				assert.ok(!/^https?:/.test(source) || source === cspSource, `${directive} allows ${source}`);
				assert.notEqual(source, '*', `${directive} allows *`);
			}
		}
		const urls = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
		assert.deepEqual(urls, [`${cspSource}/ext/media/diagram.css`, `${cspSource}/ext/dist/webview.js`]);
	});

	it('escapes what it puts in attributes', () => {
		const page = diagramHtml({ cspSource, nonce: 'a"b', scriptUri: 'x"><script>alert(1)</script>', styleUri: 's' });
		assert.equal([...page.matchAll(/<script\b/g)].length, 1);
		assert.ok(page.includes('nonce="a&#34;b"'));
	});

	it('has every element main.ts looks up', () => {
		for (const id of Object.values(elementIds)) {
			assert.match(html, new RegExp(` id="${id}"`), id);
		}
	});

	it('builds the same CSP it documents', () => {
		assert.equal(
			diagramCsp('S', 'N'),
			"default-src 'none'; script-src 'nonce-N'; style-src S 'unsafe-inline'; img-src S data:; font-src S",
		);
	});
});
