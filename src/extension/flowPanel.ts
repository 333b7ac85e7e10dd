/**
 * The diagram panel: the host side of the webview in src/webview (one `WebviewPanel` of type `endpointLens.diagram`,
 * reused for every diagram). It speaks only src/shared/protocol.ts and follows its handshake (STYLE 8): nothing is
 * posted until the page says `ready`; until then the latest diagram waits, and every fresh page (the panel shown again
 * after being hidden, with no `retainContextWhenHidden`, or restored after a window reload) gets it on its `ready`.
 *
 * The page's HTML and CSP come from the pure `diagramHtml` (src/webview/diagramHtml.ts); the nonce is fresh per page,
 * from `crypto.randomBytes`, and the webview may load files only from dist/ and media/ (STYLE 7). The panel's
 * registrations end with it through `onDidDispose`, and the panel ends with this object (STYLE 6).
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { DiagramModel, HostToWebview, WebviewState, WebviewToHost } from '../shared/protocol';
import { diagramHtml } from '../webview/diagramHtml';
import { Disposable } from './lifecycle';

/** The webview panel's type, also the serializer's (package.json needs `onWebviewPanel:endpointLens.diagram`). */
export const diagramViewType = 'endpointLens.diagram';

/** What the webview reports after each render (`ok` with what it drew, or the error). */
export type RenderedMessage = Extract<WebviewToHost, { type: 'rendered' }>;

/** A walk-through button the user pressed. */
export type StepDirection = Extract<WebviewToHost, { type: 'step' }>['direction'];

/** Whether a value (from a webview message or restored state) is a {@link DiagramModel}, as far as the host uses it. */
export function isDiagramModel(value: unknown): value is DiagramModel {
	if (typeof value !== 'object' || value === null) {
		return false;
	}
	const d = value as Record<string, unknown>;
	return typeof d.id === 'string' && typeof d.kind === 'string' && typeof d.title === 'string' && typeof d.mermaid === 'string';
}

/** Whether a message from the webview is one of the protocol's, with the fields the host reads. */
export function isWebviewMessage(value: unknown): value is WebviewToHost {
	if (typeof value !== 'object' || value === null) {
		return false;
	}
	const m = value as Record<string, unknown>;
	switch (m.type) {
		case 'ready':
		case 'copySource':
			return true;
		case 'rendered':
			return (
				typeof m.id === 'string' &&
				(m.ok === true
					? typeof m.ms === 'number' && Array.isArray(m.participants) && typeof m.messages === 'number'
					: m.ok === false && typeof m.error === 'string')
			);
		case 'exportSvg':
			return typeof m.svg === 'string';
		case 'step':
			return m.direction === 'previous' || m.direction === 'next' || m.direction === 'restart';
		default:
			return false;
	}
}

/** A file name for an exported diagram: its title, in lower case with dashes. */
function fileName(diagram: DiagramModel): string {
	const base = (diagram.title || diagram.id)
		.toLowerCase()
		.replace(/[^a-z0-9._-]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 80);
	return `${base || 'diagram'}.svg`;
}

/** Owns the diagram webview panel (at most one at a time) and speaks the protocol with its page. */
export class DiagramPanel extends Disposable {
	private panel: vscode.WebviewPanel | undefined;
	/** What ends with the current panel. */
	private panelDisposables: vscode.Disposable[] = [];
	/** Whether the current page has said `ready` (and has not been hidden, which discards it, since). */
	private ready = false;
	private current: DiagramModel | undefined;
	private lastRendered: RenderedMessage | undefined;

	private readonly renderEmitter = this._register(new vscode.EventEmitter<RenderedMessage>());
	/** Each `rendered` report of the page: what it drew, or why it could not (tests and the benchmark read it). */
	readonly onDidRender = this.renderEmitter.event;
	private readonly stepEmitter = this._register(new vscode.EventEmitter<StepDirection>());
	/** The walk-through's Previous / Next / Restart buttons. */
	readonly onDidRequestStep = this.stepEmitter.event;
	private readonly closeEmitter = this._register(new vscode.EventEmitter<void>());
	/** The panel was closed (by the user, or by {@link close}). */
	readonly onDidClose = this.closeEmitter.event;

	constructor(
		private readonly extensionUri: vscode.Uri,
		private readonly log?: vscode.LogOutputChannel,
	) {
		super();
		this._register(
			vscode.window.registerWebviewPanelSerializer(diagramViewType, {
				deserializeWebviewPanel: async (panel, state: unknown) => this.restore(panel, state),
			}),
		);
		this._register({ dispose: () => this.panel?.dispose() });
	}

	/** The diagram the panel shows (or will show once its page is ready). */
	get diagram(): DiagramModel | undefined {
		return this.current;
	}

	/** The page's last `rendered` report. */
	get rendered(): RenderedMessage | undefined {
		return this.lastRendered;
	}

	/** The editor column of the open panel. */
	get viewColumn(): vscode.ViewColumn | undefined {
		return this.panel?.viewColumn;
	}

	/** Whether the panel exists and is on screen. */
	get visible(): boolean {
		return this.panel?.visible ?? false;
	}

	/** Shows `diagram`: in the open panel (revealed in `column`, or where it is), else in a new one beside the editor. */
	show(diagram: DiagramModel, column?: vscode.ViewColumn): void {
		if (this.isDisposed) {
			return;
		}
		this.current = diagram;
		if (this.panel) {
			this.panel.title = diagram.title;
			this.panel.reveal(column ?? this.panel.viewColumn, true);
			this.post();
			return;
		}
		const panel = vscode.window.createWebviewPanel(
			diagramViewType,
			diagram.title,
			{ viewColumn: column ?? vscode.ViewColumn.Beside, preserveFocus: true },
			{ ...this.webviewOptions(), enableFindWidget: true, retainContextWhenHidden: false },
		);
		this.attach(panel);
	}

	/** Replaces the diagram of the open panel (same `id`: the page keeps its scroll position); no panel, no-op. */
	update(diagram: DiagramModel): void {
		if (!this.panel) {
			return;
		}
		this.current = diagram;
		this.panel.title = diagram.title;
		this.post();
	}

	/** Closes the panel, if open. */
	close(): void {
		this.panel?.dispose();
	}

	private webviewOptions(): vscode.WebviewOptions {
		return {
			enableScripts: true,
			enableCommandUris: false,
			localResourceRoots: [
				vscode.Uri.joinPath(this.extensionUri, 'dist'),
				vscode.Uri.joinPath(this.extensionUri, 'media'),
			],
		};
	}

	private attach(panel: vscode.WebviewPanel): void {
		this.panel = panel;
		this.ready = false;
		panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'activitybar.svg');
		const webview = panel.webview;
		webview.options = this.webviewOptions();
		webview.html = diagramHtml({
			cspSource: webview.cspSource,
			nonce: randomBytes(16).toString('base64'),
			scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview.js')).toString(),
			styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'diagram.css')).toString(),
		});
		this.panelDisposables.push(
			webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
			// A hidden page is discarded (no retainContextWhenHidden): the next one says `ready` when it is shown.
			panel.onDidChangeViewState(({ webviewPanel }) => {
				if (!webviewPanel.visible) {
					this.ready = false;
				}
			}),
			panel.onDidDispose(() => this.detach(panel)),
		);
	}

	private detach(panel: vscode.WebviewPanel): void {
		if (this.panel !== panel) {
			return;
		}
		for (const d of this.panelDisposables.splice(0)) {
			d.dispose();
		}
		this.panel = undefined;
		this.ready = false;
		this.closeEmitter.fire();
	}

	/** After a window reload: the panel VS Code restored, with the state its page last saved. */
	private restore(panel: vscode.WebviewPanel, state: unknown): void {
		if (this.isDisposed) {
			panel.dispose();
			return;
		}
		this.panel?.dispose();
		const saved = (typeof state === 'object' && state !== null ? state : {}) as WebviewState;
		if (isDiagramModel(saved.diagram)) {
			this.current = saved.diagram;
			panel.title = saved.diagram.title;
		}
		this.attach(panel);
	}

	/** Posts the current diagram when the page is ready; before that it waits for `ready`. */
	private post(): void {
		if (!this.panel || !this.ready || !this.current) {
			return;
		}
		const message: HostToWebview = { type: 'render', diagram: this.current };
		void this.panel.webview.postMessage(message);
	}

	private receive(message: unknown): void {
		if (!isWebviewMessage(message)) {
			this.log?.warn(`diagram: ignored an unexpected message from the webview: ${JSON.stringify(message)}`);
			return;
		}
		switch (message.type) {
			case 'ready':
				this.ready = true;
				this.post();
				break;
			case 'rendered':
				this.lastRendered = message;
				if (message.ok) {
					this.log?.debug(`diagram ${message.id}: rendered in ${message.ms.toFixed(0)} ms`);
				} else {
					this.log?.warn(`diagram ${message.id}: Mermaid could not render it: ${message.error}`);
				}
				this.renderEmitter.fire(message);
				break;
			case 'copySource':
				void this.copySource();
				break;
			case 'exportSvg':
				void this.exportSvg(message.svg);
				break;
			case 'step':
				this.stepEmitter.fire(message.direction);
				break;
		}
	}

	private async copySource(): Promise<void> {
		if (!this.current) {
			return;
		}
		await vscode.env.clipboard.writeText(this.current.mermaid);
		vscode.window.setStatusBarMessage('$(copy) Mermaid source copied', 3000);
	}

	private async exportSvg(svg: string): Promise<void> {
		const diagram = this.current;
		if (!diagram || !svg.trimStart().startsWith('<svg')) {
			return;
		}
		const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
		const target = await vscode.window.showSaveDialog({
			title: 'Export Diagram as SVG',
			saveLabel: 'Export',
			filters: { 'SVG image': ['svg'] },
			...(folder ? { defaultUri: vscode.Uri.joinPath(folder, fileName(diagram)) } : {}),
		});
		if (!target) {
			return;
		}
		try {
			await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(svg));
			vscode.window.setStatusBarMessage(`$(check) Saved ${vscode.workspace.asRelativePath(target)}`, 5000);
		} catch (error) {
			const reason = error instanceof Error ? error.message : String(error);
			this.log?.error(`diagram: could not write ${target.toString()}: ${reason}`);
			void vscode.window.showErrorMessage(`Could not save the SVG: ${reason}`);
		}
	}
}

/**
 * Creates the diagram panel host and registers its serializer (so a panel open at a window reload comes back). The
 * caller registers the result for disposal and exposes it as `EndpointLensApi.diagrams`.
 */
export function registerDiagramPanel(extensionUri: vscode.Uri, log?: vscode.LogOutputChannel): DiagramPanel {
	return new DiagramPanel(extensionUri, log);
}
