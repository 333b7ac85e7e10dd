/**
 * The diagram webview: a browser app (bundled to dist/webview.js, an IIFE) that renders the host's Mermaid sequence
 * diagrams with the Mermaid build bundled beside it (never a CDN). It talks to the host only through
 * src/shared/protocol.ts: it posts `ready` first, renders each `render`, and answers with `rendered` (how long it took
 * and what the SVG shows, for tests and the benchmark).
 *
 * - Text from the host (title, subtitle, step, notes, errors) goes in with `textContent`; the only markup inserted is
 *   Mermaid's own SVG, which `securityLevel: 'strict'` has passed through DOMPurify.
 * - The CSP allows inline styles and nothing else inline: Mermaid styles its SVG with a `<style>` element and `style`
 *   attributes (diagramHtml.ts says why that exception stands). Scripts run only by nonce; nothing uses eval.
 * - The theme follows VS Code's body classes and re-renders when they change.
 * - There is no `retainContextWhenHidden`: the last diagram and the scroll position live in `setState`, so a page that
 *   comes back renders it at once, before the host's fresh copy arrives; a render with the same `id` keeps the scroll.
 */
import mermaid from 'mermaid';
import type { MermaidConfig } from 'mermaid';
import type { DiagramModel, HostToWebview, WebviewState, WebviewToHost } from '../shared/protocol';
import { elementIds } from './diagramHtml';

/** What `acquireVsCodeApi()` gives a webview (typed with the protocol). */
interface VsCodeApi {
	postMessage(message: WebviewToHost): void;
	getState(): WebviewState | undefined;
	setState(state: WebviewState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();

function element<T extends HTMLElement = HTMLElement>(id: string): T {
	const found = document.getElementById(id);
	if (!found) {
		throw new Error(`the page has no #${id}`);
	}
	return found as T;
}

const ui = {
	title: element(elementIds.title),
	subtitle: element(elementIds.subtitle),
	copySource: element<HTMLButtonElement>(elementIds.copySource),
	exportSvg: element<HTMLButtonElement>(elementIds.exportSvg),
	stepBar: element(elementIds.stepBar),
	stepLabel: element(elementIds.stepLabel),
	stepExplanation: element(elementIds.stepExplanation),
	previous: element<HTMLButtonElement>(elementIds.previous),
	next: element<HTMLButtonElement>(elementIds.next),
	restart: element<HTMLButtonElement>(elementIds.restart),
	status: element(elementIds.status),
	diagram: element(elementIds.diagram),
	notes: element(elementIds.notes),
};

// ---- theme ----------------------------------------------------------------------------------------------------------

type ThemeKind = 'light' | 'dark' | 'highContrast' | 'highContrastLight';

/** VS Code's theme kind, from the classes (and `data-vscode-theme-kind`) it puts on <body>. */
function themeKind(): ThemeKind {
	const classes = document.body.classList;
	const kind = document.body.dataset.vscodeThemeKind;
	if (classes.contains('vscode-high-contrast-light') || kind === 'vscode-high-contrast-light') {
		return 'highContrastLight';
	}
	if (classes.contains('vscode-high-contrast') || kind === 'vscode-high-contrast') {
		return 'highContrast';
	}
	if (classes.contains('vscode-dark') || kind === 'vscode-dark') {
		return 'dark';
	}
	return 'light';
}

function cssVariable(name: string, fallback: string): string {
	const value = getComputedStyle(document.body).getPropertyValue(name).trim();
	return value === '' ? fallback : value;
}

/** Mermaid's configuration for the current theme: its stock themes, and `base` with VS Code's colours for contrast. */
function mermaidConfig(kind: ThemeKind): MermaidConfig {
	const base: MermaidConfig = {
		startOnLoad: false,
		securityLevel: 'strict',
		// Errors are shown as text by this page, not as Mermaid's error picture.
		suppressErrorRendering: true,
		fontFamily: cssVariable('--vscode-font-family', 'sans-serif'),
		// The host windows its diagrams; a 300-message diagram is ~20k characters.
		maxTextSize: 500_000,
		// Fit the panel's width (scaled down when wider), as the Markdown preview does with Mermaid.
		sequence: { useMaxWidth: true, mirrorActors: true },
	};
	switch (kind) {
		case 'light':
			return { ...base, theme: 'default' };
		case 'dark':
			return { ...base, theme: 'dark' };
		case 'highContrast':
		case 'highContrastLight': {
			const dark = kind === 'highContrast';
			const background = cssVariable('--vscode-editor-background', dark ? '#000000' : '#ffffff');
			const foreground = cssVariable('--vscode-editor-foreground', dark ? '#ffffff' : '#000000');
			const border = cssVariable('--vscode-contrastBorder', dark ? '#6fc3df' : '#0f4a85');
			return {
				...base,
				theme: 'base',
				themeVariables: {
					darkMode: dark,
					background,
					primaryColor: background,
					primaryTextColor: foreground,
					primaryBorderColor: border,
					lineColor: foreground,
					textColor: foreground,
					actorBkg: background,
					actorBorder: border,
					actorTextColor: foreground,
					actorLineColor: foreground,
					signalColor: foreground,
					signalTextColor: foreground,
					labelBoxBkgColor: background,
					labelBoxBorderColor: border,
					labelTextColor: foreground,
					loopTextColor: foreground,
					noteBkgColor: background,
					noteBorderColor: border,
					noteTextColor: foreground,
					activationBkgColor: background,
					activationBorderColor: border,
					sequenceNumberColor: background,
				},
			};
		}
	}
}

let appliedTheme: ThemeKind | undefined;

function applyTheme(): void {
	const kind = themeKind();
	if (kind !== appliedTheme) {
		appliedTheme = kind;
		mermaid.initialize(mermaidConfig(kind));
	}
}

// ---- rendering ------------------------------------------------------------------------------------------------------

/** The diagram on screen (or being rendered), and the SVG element Mermaid made for it. */
let current: DiagramModel | undefined;
let currentSvg: SVGSVGElement | undefined;
let renderCount = 0;

function post(message: WebviewToHost): void {
	vscode.postMessage(message);
}

function saveState(extra: Partial<WebviewState> = {}): void {
	vscode.setState({ diagram: current, scrollX: window.scrollX, scrollY: window.scrollY, ...extra });
}

/** Fills the frame around the diagram: title, subtitle, walk-through bar, notes. All as text. */
function showFrame(diagram: DiagramModel): void {
	ui.title.textContent = diagram.title;
	document.title = diagram.title;
	ui.subtitle.textContent = diagram.subtitle ?? '';
	ui.subtitle.hidden = !diagram.subtitle;
	const step = diagram.step;
	ui.stepBar.hidden = step === undefined;
	if (step) {
		ui.stepLabel.textContent = `Step ${step.index + 1} of ${step.total}: ${step.title}`;
		ui.stepExplanation.textContent = step.explanation;
		ui.previous.disabled = !step.canPrevious;
		ui.next.disabled = !step.canNext;
	}
	ui.notes.replaceChildren(
		...(diagram.notes ?? []).map((note) => {
			const li = document.createElement('li');
			li.textContent = note;
			return li;
		}),
	);
	ui.notes.hidden = (diagram.notes ?? []).length === 0;
	ui.copySource.disabled = false;
}

function showError(message: string): void {
	ui.status.textContent = message;
	ui.status.classList.toggle('error', message !== '');
}

/** Mermaid's SVG text (sanitised by Mermaid's DOMPurify pass) as an element of this page, parsed in an inert document. */
function toSvgElement(svgText: string): SVGSVGElement {
	const parsed = new DOMParser().parseFromString(`<!DOCTYPE html><body>${svgText}`, 'text/html');
	const svg = parsed.body.querySelector('svg');
	if (!svg) {
		throw new Error('Mermaid produced no SVG');
	}
	return document.adoptNode(svg);
}

/** The participants (left to right, once each) and the number of messages that a sequence-diagram SVG shows. */
function readSvg(svg: SVGSVGElement): { participants: string[]; messages: number } {
	// Each participant's name is a `text.actor` in its box, at the top and (mirrored) at the bottom; the DOM order is
	// not the screen order, so sort by position.
	const leftmost = new Map<string, number>();
	for (const text of Array.from(svg.querySelectorAll('text.actor'))) {
		const name = text.textContent?.trim() ?? '';
		const x = Number(text.getAttribute('x') ?? 0);
		if (name !== '' && !(x >= (leftmost.get(name) ?? Infinity))) {
			leftmost.set(name, x);
		}
	}
	const participants = [...leftmost].sort((a, b) => a[1] - b[1]).map(([name]) => name);
	// Every message is one line or (to itself) one path, classed by its arrow style.
	const messages = svg.querySelectorAll('.messageLine0, .messageLine1').length;
	return { participants, messages };
}

/** Renders one diagram; keeps the scroll position when it updates the diagram on screen (same id). */
async function render(diagram: DiagramModel, scroll?: { x: number; y: number }): Promise<void> {
	const started = performance.now();
	const sameView = current?.id === diagram.id;
	const keep = scroll ?? (sameView ? { x: window.scrollX, y: window.scrollY } : { x: 0, y: 0 });
	current = diagram;
	showFrame(diagram);
	saveState({ scrollX: keep.x, scrollY: keep.y });
	applyTheme();
	const renderId = `endpoint-lens-diagram-${++renderCount}`;
	try {
		// parse() first: a rejected source throws here with Mermaid's message, and nothing is drawn.
		// render() parses first: a rejected source throws with Mermaid's message, and nothing is drawn.
		const { svg: svgText } = await mermaid.render(renderId, diagram.mermaid);
		const svg = toSvgElement(svgText);
		// Keep the page's height while the old SVG is swapped out, so the scroll position is not clamped.
		ui.diagram.style.minHeight = `${ui.diagram.offsetHeight}px`;
		ui.diagram.replaceChildren(svg);
		currentSvg = svg;
		ui.diagram.style.minHeight = '';
		window.scrollTo(keep.x, keep.y);
		showError('');
		ui.exportSvg.disabled = false;
		const ms = performance.now() - started;
		post({ type: 'rendered', id: diagram.id, ok: true, ms, ...readSvg(svg) });
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		ui.diagram.replaceChildren();
		currentSvg = undefined;
		ui.exportSvg.disabled = true;
		showError(`Mermaid could not render this diagram: ${message}`);
		post({ type: 'rendered', id: diagram.id, ok: false, error: message });
	} finally {
		// Mermaid renders in a scratch element of its own; on an error it may leave it behind.
		document.getElementById(`d${renderId}`)?.remove();
		const stray = document.getElementById(renderId);
		if (stray && !ui.diagram.contains(stray)) {
			stray.remove();
		}
	}
}

/** One render at a time; while one runs, only the latest request waits. */
let rendering = false;
let queued: { diagram: DiagramModel; scroll?: { x: number; y: number } } | undefined;

function requestRender(diagram: DiagramModel, scroll?: { x: number; y: number }): void {
	queued = { diagram, scroll };
	if (!rendering) {
		void drain();
	}
}

async function drain(): Promise<void> {
	rendering = true;
	try {
		while (queued) {
			const next = queued;
			queued = undefined;
			await render(next.diagram, next.scroll);
		}
	} finally {
		rendering = false;
	}
}

function clear(message: string): void {
	current = undefined;
	currentSvg = undefined;
	ui.diagram.replaceChildren();
	ui.title.textContent = '';
	ui.subtitle.hidden = true;
	ui.stepBar.hidden = true;
	ui.notes.hidden = true;
	ui.copySource.disabled = true;
	ui.exportSvg.disabled = true;
	showError('');
	ui.status.textContent = message;
	vscode.setState({});
}

// ---- messages and controls ------------------------------------------------------------------------------------------

function isHostMessage(data: unknown): data is HostToWebview {
	if (typeof data !== 'object' || data === null) {
		return false;
	}
	const message = data as Partial<HostToWebview>;
	if (message.type === 'render') {
		const d = (message as { diagram?: Partial<DiagramModel> }).diagram;
		return typeof d === 'object' && d !== null && typeof d.id === 'string' && typeof d.mermaid === 'string';
	}
	return message.type === 'clear' && typeof (message as { message?: unknown }).message === 'string';
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
	const message = event.data;
	if (!isHostMessage(message)) {
		return;
	}
	switch (message.type) {
		case 'render':
			requestRender(message.diagram);
			break;
		case 'clear':
			queued = undefined;
			clear(message.message);
			break;
	}
});

/** The SVG as a standalone file, serialised from the page. */
function serializeSvg(svg: SVGSVGElement): string {
	return new XMLSerializer().serializeToString(svg);
}

ui.copySource.addEventListener('click', () => post({ type: 'copySource' }));
ui.exportSvg.addEventListener('click', () => {
	if (currentSvg) {
		post({ type: 'exportSvg', svg: serializeSvg(currentSvg) });
	}
});
ui.previous.addEventListener('click', () => post({ type: 'step', direction: 'previous' }));
ui.next.addEventListener('click', () => post({ type: 'step', direction: 'next' }));
ui.restart.addEventListener('click', () => post({ type: 'step', direction: 'restart' }));

let scrollSave: number | undefined;
window.addEventListener(
	'scroll',
	() => {
		if (scrollSave === undefined) {
			scrollSave = requestAnimationFrame(() => {
				scrollSave = undefined;
				if (current) {
					saveState();
				}
			});
		}
	},
	{ passive: true },
);

// VS Code switches the theme by changing <body>'s classes: re-render what is on screen in the new colours.
new MutationObserver(() => {
	if (themeKind() !== appliedTheme && current) {
		requestRender(current, { x: window.scrollX, y: window.scrollY });
	}
}).observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });

// ---- start ----------------------------------------------------------------------------------------------------------

post({ type: 'ready' });
const saved = vscode.getState();
if (saved?.diagram) {
	// The page came back (hidden and shown, or the window reloaded): show the last diagram now, where it was scrolled.
	requestRender(saved.diagram, { x: saved.scrollX ?? 0, y: saved.scrollY ?? 0 });
}
