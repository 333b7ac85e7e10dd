/**
 * The diagram webview's page: its Content-Security-Policy and the skeleton that src/webview/main.ts fills in. Pure (no
 * DOM, no `vscode`, no Node): the host (src/extension/flowPanel.ts) calls it with the webview's `cspSource`, a fresh
 * nonce and the `asWebviewUri` of dist/webview.js and media/diagram.css, and test/unit/diagramHtml.test.ts checks it.
 * Every piece of text from the host is filled in later by main.ts with `textContent`, never here.
 */

/** The ids of the page's elements, shared with main.ts. */
export const elementIds = {
	title: 'title',
	subtitle: 'subtitle',
	copySource: 'copy-source',
	exportSvg: 'export-svg',
	stepBar: 'step-bar',
	stepLabel: 'step-label',
	stepExplanation: 'step-explanation',
	previous: 'step-previous',
	next: 'step-next',
	restart: 'step-restart',
	status: 'status',
	diagram: 'diagram',
	notes: 'notes',
} as const;

export interface DiagramHtmlOptions {
	/** `webview.cspSource`: where the webview's own resources (dist/, media/) are served from. */
	cspSource: string;
	/** A fresh random nonce (base64 or hex) for this page load. */
	nonce: string;
	/** `asWebviewUri(dist/webview.js)`, as a string. */
	scriptUri: string;
	/** `asWebviewUri(media/diagram.css)`, as a string. */
	styleUri: string;
}

/**
 * The page's Content-Security-Policy (STYLE 7): nothing by default; our one script by nonce, never `unsafe-eval`
 * (Mermaid 11 runs without it); images and fonts only from the extension's own folders.
 *
 * `style-src 'unsafe-inline'` is the one documented exception, and the spike that confirmed it (Mermaid 11.17 in
 * Chromium, the same engine as code-server's webviews; layout compared with and without it):
 * - Mermaid styles every SVG it draws with a `<style>` element (its theme, scoped to the diagram's id) and with
 *   `style="…"` attributes (d3's `.attr('style', …)` on text, lines and the SVG itself), first in a scratch element
 *   of the live page while it measures and lays out, then in the SVG it returns.
 * - With `style-src 'nonce-…'` instead, the layout came out identical (Mermaid measures text through attributes and the
 *   CSSOM), and the page could restore the looks itself (the nonce on the returned `<style>`, the attributes moved to
 *   `element.style`), but Mermaid's own scratch rendering still broke the policy: 45 violations logged for a
 *   5-message diagram and 1,221 for a 300-message one, on every render, which also made renders ~2× slower.
 * So inline styles are allowed, and only they. The nonce is deliberately NOT in `style-src`: a nonce there makes
 * browsers ignore `'unsafe-inline'`. Inline styles cannot run code; the SVG itself is DOMPurify-sanitised by Mermaid
 * (`securityLevel: 'strict'`) and all host text goes in as text.
 */
export function diagramCsp(cspSource: string, nonce: string): string {
	return [
		`default-src 'none'`,
		`script-src 'nonce-${nonce}'`,
		`style-src ${cspSource} 'unsafe-inline'`,
		`img-src ${cspSource} data:`,
		`font-src ${cspSource}`,
	].join('; ');
}

/** HTML-escapes text for an attribute value or element content. */
function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The whole page. Every dynamic piece of text is filled in by main.ts with `textContent`, never here. */
export function diagramHtml({ cspSource, nonce, scriptUri, styleUri }: DiagramHtmlOptions): string {
	const ids = elementIds;
	return `<!DOCTYPE html>
<html lang="en">
<head>
	<meta charset="UTF-8">
	<meta http-equiv="Content-Security-Policy" content="${escapeHtml(diagramCsp(cspSource, nonce))}">
	<meta name="viewport" content="width=device-width, initial-scale=1.0">
	<link rel="stylesheet" href="${escapeHtml(styleUri)}">
	<title>Endpoint Lens diagram</title>
</head>
<body>
	<header class="header">
		<div class="heading">
			<h1 id="${ids.title}"></h1>
			<p id="${ids.subtitle}" class="subtitle" hidden></p>
		</div>
		<div class="toolbar" role="toolbar" aria-label="Diagram actions">
			<button id="${ids.copySource}" type="button" disabled>Copy Mermaid source</button>
			<button id="${ids.exportSvg}" type="button" disabled>Export SVG</button>
		</div>
	</header>
	<section id="${ids.stepBar}" class="step-bar" aria-label="Walk-through" hidden>
		<div class="step-buttons">
			<button id="${ids.previous}" type="button">Previous</button>
			<button id="${ids.next}" type="button">Next</button>
			<button id="${ids.restart}" type="button">Restart</button>
		</div>
		<p id="${ids.stepLabel}" class="step-label"></p>
		<p id="${ids.stepExplanation}" class="step-explanation"></p>
	</section>
	<p id="${ids.status}" class="status" role="status"></p>
	<main id="${ids.diagram}" class="diagram"></main>
	<ul id="${ids.notes}" class="notes" hidden></ul>
	<script nonce="${escapeHtml(nonce)}" src="${escapeHtml(scriptUri)}"></script>
</body>
</html>
`;
}
