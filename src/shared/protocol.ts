/**
 * The messages between the extension host and the diagram webview (STYLE 8). The webview posts `ready` first; the
 * host posts nothing before it. Both sides import these types; nothing else crosses.
 */

/** What a diagram shows, built by the pure builders in src/core/diagrams. */
export type DiagramKind = 'flow' | 'timeline' | 'walkthrough';

/** One step of the playground's walk-through. */
export interface WalkthroughStep {
	/** 0-based. */
	index: number;
	total: number;
	title: string;
	/** One line: what happened and why. */
	explanation: string;
}

/** A diagram to render: Mermaid source (every name already escaped by the builder) and what frames it. */
export interface DiagramModel {
	/** Stable across updates of the same view (the webview keeps its scroll position when it matches). */
	id: string;
	kind: DiagramKind;
	/** Plain text (the webview escapes it for HTML). */
	title: string;
	subtitle?: string;
	/** Mermaid `sequenceDiagram` source. */
	mermaid: string;
	/** Plain-text notes under the diagram (what was left out, windowing, delays). */
	notes?: string[];
	/** Set for the walk-through: which step, and whether the host can go back or on. */
	step?: WalkthroughStep & { canPrevious: boolean; canNext: boolean };
}

export type HostToWebview = { type: 'render'; diagram: DiagramModel } | { type: 'clear'; message: string };

export type WebviewToHost =
	| { type: 'ready' }
	/** After each render: how it went and what it drew (for tests and the benchmark). */
	| { type: 'rendered'; id: string; ok: true; ms: number; participants: string[]; messages: number }
	| { type: 'rendered'; id: string; ok: false; error: string }
	/** Save the rendered SVG (the host asks where). */
	| { type: 'exportSvg'; svg: string }
	/** Copy the Mermaid source to the clipboard. */
	| { type: 'copySource' }
	| { type: 'step'; direction: 'previous' | 'next' | 'restart' };

/** What the webview keeps through `setState` (no `retainContextWhenHidden`). */
export interface WebviewState {
	diagram?: DiagramModel;
	scrollX?: number;
	scrollY?: number;
}
