/**
 * Preview before apply: hovers, CodeLens and diagnostics on manifests, and the full predicted slices as read-only
 * YAML. Everything is computed by the pure models in `src/core/hover` over one incremental `WorkspaceIndex`; this
 * file only feeds the index (workspace files, open documents, file events), converts positions and markdown, and
 * decides when to recompute.
 *
 * Nothing happens until a YAML document that looks like a manifest is open: then the index (in dist/runtime.js) is
 * created and the workspace's manifest files are read once, yielding to the event loop between files. Open
 * documents win over the disk. Documents larger than `endpointLens.manifests.maxFileSizeKB` are left alone.
 * With `endpointLens.preview.useLiveCluster`, the predictions also read the connected context's store (never a
 * connection of their own).
 */
import * as vscode from 'vscode';
import type { ServicePrediction } from '../core/analysis/predict';
import type { CodeLensModel, LiveView } from '../core/hover/types';
import type { WorkspaceIndex } from '../core/manifests/workspaceIndex';
import type { ManifestDiagnostic, SourceRange } from '../core/manifests/parse';
import type { EndpointLensConfig } from './config';
import { runtime } from './lazy';
import { Disposable, toDisposable } from './lifecycle';
import type { LiveContexts } from './liveContexts';
import { liveViewOf } from './liveView';
import { documentLength, fileSize, looksLikeManifestText, matchesManifestGlobs, readText, readWorkspaceManifests } from './manifestFiles';
import { ParseWorker, workerParseThreshold } from './parseWorker';
import { binaryContent, tooLargeReason } from '../core/manifests/fileText';

export const previewScheme = 'endpoint-lens-preview';

/** The Service a preview is about. */
export interface PreviewTarget {
	/** The index path of the file that defines it (fsPath, or the URI of an untitled document). */
	file?: string;
	namespace: string;
	name: string;
}

const selector: vscode.DocumentSelector = [
	{ language: 'yaml', scheme: 'file' },
	{ language: 'yaml', scheme: 'untitled' },
];

/** The commands CodeLens models map to (`''`: a lens that is only text, with a tooltip). */
const lensCommands: Partial<Record<CodeLensModel['command'], string>> = {
	summary: '',
	previewSlices: 'endpointLens.previewSlices',
	showFlow: 'endpointLens.showFlow',
	planFile: 'endpointLens.planFile',
};

/** How long a hover waits for the first workspace scan before answering with what is indexed. */
const scanWaitMs = 3000;

function toRange(r: SourceRange): vscode.Range {
	return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

const severities: Record<ManifestDiagnostic['severity'], vscode.DiagnosticSeverity> = {
	error: vscode.DiagnosticSeverity.Error,
	warning: vscode.DiagnosticSeverity.Warning,
	info: vscode.DiagnosticSeverity.Information,
};

export function toDiagnostic(d: ManifestDiagnostic): vscode.Diagnostic {
	const range = d.range
		? toRange(d.range)
		: new vscode.Range(Math.max(0, d.line - 1), Math.max(0, d.column - 1), Math.max(0, d.line - 1), Math.max(0, d.column - 1));
	const out = new vscode.Diagnostic(range, d.message, severities[d.severity]);
	out.source = 'Endpoint Lens';
	out.code = d.code;
	return out;
}

/** The URI of the full preview of a Service's slices. */
export function previewUri(target: PreviewTarget): vscode.Uri {
	return vscode.Uri.from({
		scheme: previewScheme,
		path: `/${encodeURIComponent(target.namespace)}/${encodeURIComponent(target.name)}.slices.yaml`,
		query: target.file ? new URLSearchParams({ file: target.file }).toString() : '',
	});
}

function parsePreviewUri(uri: vscode.Uri): PreviewTarget | undefined {
	const m = /^\/([^/]+)\/([^/]+)\.slices\.yaml$/.exec(uri.path);
	if (!m) {
		return undefined;
	}
	const file = new URLSearchParams(uri.query).get('file') ?? undefined;
	return { namespace: decodeURIComponent(m[1]!), name: decodeURIComponent(m[2]!), ...(file ? { file } : {}) };
}

export class PreviewFeatures
	extends Disposable
	implements vscode.HoverProvider, vscode.CodeLensProvider, vscode.TextDocumentContentProvider
{
	private index: WorkspaceIndex | undefined;
	private scan: Promise<void> | undefined;
	private scanned = false;
	private readonly diagnostics = this._register(vscode.languages.createDiagnosticCollection('endpointLens'));
	private readonly _onDidChangeCodeLenses = this._register(new vscode.EventEmitter<void>());
	readonly onDidChangeCodeLenses = this._onDidChangeCodeLenses.event;
	private readonly _onDidChange = this._register(new vscode.EventEmitter<vscode.Uri>());
	/** Open previews re-render when the index changes. */
	readonly onDidChange = this._onDidChange.event;
	private readonly _onDidUpdate = this._register(new vscode.EventEmitter<void>());
	/** Fires after the index took a change and diagnostics were recomputed (for tests and the status of previews). */
	readonly onDidUpdate = this._onDidUpdate.event;
	private readonly dirty = new Map<string, vscode.TextDocument>();
	private refreshTimer: ReturnType<typeof setTimeout> | undefined;
	private liveTimer: ReturnType<typeof setTimeout> | undefined;
	private readonly worker = new ParseWorker();
	/** Large documents being parsed on the worker, by index key. */
	private readonly parsing = new Map<string, { version: number | undefined; text: string; done: Promise<void> }>();

	constructor(
		private config: EndpointLensConfig,
		private readonly live: LiveContexts,
		private readonly log: vscode.LogOutputChannel,
	) {
		super();
		this._register(vscode.languages.registerHoverProvider(selector, this));
		this._register(vscode.languages.registerCodeLensProvider(selector, this));
		this._register(vscode.workspace.registerTextDocumentContentProvider(previewScheme, this));
		this._register(
			toDisposable(() => {
				clearTimeout(this.refreshTimer);
				clearTimeout(this.liveTimer);
				this.worker.dispose();
			}),
		);
		this._register(vscode.workspace.onDidOpenTextDocument((doc) => this.documentChanged(doc)));
		this._register(vscode.workspace.onDidChangeTextDocument((e) => this.documentChanged(e.document)));
		this._register(vscode.workspace.onDidCloseTextDocument((doc) => void this.documentClosed(doc)));
		this._register(this.live.onDidChange(() => this.liveChanged()));
		this._register(this.live.onDidChangeStore(() => this.liveChanged()));
		for (const doc of vscode.workspace.textDocuments) {
			this.documentChanged(doc);
		}
	}

	updateConfig(config: EndpointLensConfig): void {
		const previous = this.config;
		this.config = config;
		if (!this.index) {
			return;
		}
		if (
			config.manifests.include !== previous.manifests.include ||
			config.manifests.exclude !== previous.manifests.exclude ||
			config.manifests.maxFileBytes !== previous.manifests.maxFileBytes
		) {
			// Another file set: start over.
			this.index = undefined;
			this.scan = undefined;
			this.scanned = false;
			this.diagnostics.clear();
			this.ensureIndex();
			return;
		}
		if (config.maxEndpointsPerSlice !== previous.maxEndpointsPerSlice) {
			this.index.updateOptions({ maxEndpointsPerSlice: config.maxEndpointsPerSlice, maxFileBytes: config.manifests.maxFileBytes });
		}
		this.scheduleRefresh();
	}

	/**
	 * Puts a file's text into the index. Large texts are parsed on the worker thread first (the index keeps the
	 * previous parse meanwhile); when the index has moved on (a newer version, another index) the result is dropped.
	 */
	private put(index: WorkspaceIndex, key: string, text: string, version?: number): Promise<void> {
		if (text.length <= workerParseThreshold) {
			index.setFile(key, text, version);
			return Promise.resolve();
		}
		if ((version !== undefined && index.fileVersion(key) === version) || index.text(key) === text) {
			index.setFile(key, text, version); // the same text: no parse, only the version is taken
			return Promise.resolve();
		}
		const running = this.parsing.get(key);
		if (running && running.version === version && running.text === text) {
			return running.done;
		}
		const job: { version: number | undefined; text: string; done: Promise<void> } = { version, text, done: Promise.resolve() };
		const current = () => this.index === index && this.parsing.get(key) === job;
		job.done = this.worker
			.parse(key, text, index.defaultNamespace)
			.then(
				(parsed) => {
					if (current()) {
						index.setFile(key, text, version, parsed);
						this.scheduleRefresh(0);
					}
				},
				(err: unknown) => {
					// Without the worker, parse in place: slower for the host, but the previews stay right.
					this.log.error(`previews: parsing ${key} on the worker failed, parsing in place: ${err instanceof Error ? err.message : String(err)}`);
					if (current()) {
						index.setFile(key, text, version);
						this.scheduleRefresh(0);
					}
				},
			)
			.finally(() => {
				if (this.parsing.get(key) === job) {
					this.parsing.delete(key);
				}
			});
		this.parsing.set(key, job);
		return job.done;
	}

	/** Whether the index holds this version of the document (so computing over it parses nothing). */
	private indexed(index: WorkspaceIndex, doc: vscode.TextDocument): boolean {
		return index.hasFile(keyOf(doc.uri)) && index.fileVersion(keyOf(doc.uri)) === doc.version;
	}

	/** The index, created (and the workspace scan started) on first use. */
	private ensureIndex(): WorkspaceIndex {
		if (!this.index) {
			const index = new (runtime().WorkspaceIndex)({
				maxEndpointsPerSlice: this.config.maxEndpointsPerSlice,
				maxFileBytes: this.config.manifests.maxFileBytes,
			});
			this.index = index;
			this.scan = this.scanWorkspace(index);
		}
		return this.index;
	}

	/** Reads the workspace's manifests into the index, then the open documents over them. */
	private async scanWorkspace(index: WorkspaceIndex): Promise<void> {
		const t0 = performance.now();
		try {
			const scan = await readWorkspaceManifests(this.config.manifests);
			const read = performance.now();
			const open = new Set(vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'file').map((d) => d.uri.fsPath));
			let last = performance.now();
			for (const f of scan.files) {
				if (this.index !== index) {
					return;
				}
				if (!open.has(f.path)) {
					await this.put(index, f.path, f.text);
				}
				if (performance.now() - last > 15) {
					await new Promise<void>((resolve) => setImmediate(resolve));
					last = performance.now();
				}
			}
			for (const s of scan.skipped) {
				this.log.warn(`previews: skipped ${s.path}: ${s.reason}`);
			}
			this.log.info(
				`previews: indexed ${scan.files.length} manifest file(s) in ${Math.round(performance.now() - t0)} ms ` +
					`(finding ${Math.round(scan.findMs)} ms, reading ${Math.round(scan.readMs)} ms, waiting ${Math.round(read - t0 - scan.findMs - scan.readMs)} ms)` +
					(scan.skipped.length ? `, ${scan.skipped.length} skipped` : ''),
			);
		} catch (err) {
			this.log.error(`previews: reading the workspace failed: ${err instanceof Error ? err.message : String(err)}`);
		}
		if (this.index !== index) {
			return;
		}
		this.scanned = true;
		for (const doc of vscode.workspace.textDocuments) {
			if (this.isCandidate(doc)) {
				void this.put(index, keyOf(doc.uri), doc.getText(), doc.version);
			}
		}
		this.scheduleRefresh(0);
	}

	/** The index once the first scan is done (or after `scanWaitMs`, with what is indexed by then). */
	private async ready(token?: vscode.CancellationToken): Promise<WorkspaceIndex> {
		const index = this.ensureIndex();
		if (!this.scanned && this.scan) {
			let timer: ReturnType<typeof setTimeout> | undefined;
			const cancelled = new Promise<void>((resolve) => token?.onCancellationRequested(() => resolve()));
			await Promise.race([this.scan, new Promise<void>((resolve) => (timer = setTimeout(resolve, scanWaitMs))), cancelled]);
			clearTimeout(timer);
		}
		return index;
	}

	/** How many documents were parsed on the worker thread (the large ones). */
	get workerParses(): number {
		return this.worker.parsed;
	}

	/** Resolves when the workspace scan is done and pending changes are in (tests). */
	async whenIdle(): Promise<void> {
		this.ensureIndex();
		await this.scan;
		if (this.dirty.size > 0 || this.refreshTimer !== undefined) {
			await new Promise<void>((resolve) => {
				const sub = this.onDidUpdate(() => {
					sub.dispose();
					resolve();
				});
			});
		}
	}

	private liveView(): LiveView | undefined {
		return this.config.preview.useLiveCluster ? liveViewOf(this.live) : undefined;
	}

	private context(index: WorkspaceIndex) {
		const live = this.liveView();
		return { index, maxHoverEndpoints: this.config.preview.maxHoverEndpoints, ...(live ? { live } : {}) };
	}

	/** An open YAML document small enough to read that looks like a manifest (or is binary: one diagnostic says so). */
	private isCandidate(doc: vscode.TextDocument): boolean {
		return this.candidacy(doc) === 'read';
	}

	/**
	 * `read`: an open YAML document to index; `tooLarge`: a manifest over `maxFileSizeKB`, which gets one diagnostic
	 * saying so and nothing else; undefined: not ours.
	 */
	private candidacy(doc: vscode.TextDocument): 'read' | 'tooLarge' | undefined {
		if ((doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled') || doc.languageId !== 'yaml') {
			return undefined;
		}
		if (documentLength(doc) > this.config.manifests.maxFileBytes) {
			// Only the start is looked at: this runs on every refresh.
			const head = doc.getText(new vscode.Range(0, 0, Math.min(doc.lineCount, 2000), 0));
			return looksLikeManifestText(head) ? 'tooLarge' : undefined;
		}
		const text = doc.getText();
		return looksLikeManifestText(text) || binaryContent(text) ? 'read' : undefined;
	}

	private documentChanged(doc: vscode.TextDocument): void {
		if (doc.languageId !== 'yaml' || (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled')) {
			return;
		}
		if (!this.index && this.candidacy(doc) === undefined) {
			return;
		}
		this.dirty.set(doc.uri.toString(), doc);
		this.scheduleRefresh();
	}

	private async documentClosed(doc: vscode.TextDocument): Promise<void> {
		this.diagnostics.delete(doc.uri);
		this.dirty.delete(doc.uri.toString());
		const index = this.index;
		if (!index || !index.hasFile(keyOf(doc.uri))) {
			return;
		}
		// Unsaved edits are gone: the disk (if the file is one of the workspace's manifests) is the truth again.
		if (doc.uri.scheme === 'file' && matchesManifestGlobs(doc, this.config.manifests)) {
			try {
				const text = (await fileSize(doc.uri)) <= this.config.manifests.maxFileBytes ? await readText(doc.uri) : '';
				await this.put(index, keyOf(doc.uri), text);
			} catch {
				index.deleteFile(keyOf(doc.uri));
			}
		} else {
			index.deleteFile(keyOf(doc.uri));
		}
		this.scheduleRefresh();
	}

	/** Files changed on disk (not through an open editor). */
	fileChanged(uri: vscode.Uri, deleted: boolean): void {
		const index = this.index;
		if (!index || vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) {
			return;
		}
		if (deleted) {
			index.deleteFile(keyOf(uri));
			this.scheduleRefresh();
			return;
		}
		void (async () => {
			try {
				if ((await fileSize(uri)) > this.config.manifests.maxFileBytes) {
					index.deleteFile(keyOf(uri));
				} else {
					const text = await readText(uri);
					if (looksLikeManifestText(text) || index.hasFile(keyOf(uri))) {
						await this.put(index, keyOf(uri), text);
					}
				}
			} catch {
				index.deleteFile(keyOf(uri));
			}
			this.scheduleRefresh();
		})();
	}

	private liveChanged(): void {
		if (!this.index || !this.config.preview.useLiveCluster) {
			return;
		}
		// Live stores change often: one recompute per second at most.
		this.liveTimer ??= setTimeout(() => {
			this.liveTimer = undefined;
			this.scheduleRefresh(0);
		}, 1000);
	}

	private scheduleRefresh(delayMs = 250): void {
		clearTimeout(this.refreshTimer);
		this.refreshTimer = setTimeout(() => {
			this.refreshTimer = undefined;
			this.refresh();
		}, delayMs);
	}

	/** Takes the pending document changes into the index, then recomputes diagnostics, lenses and open previews. */
	private refresh(): void {
		const index = this.ensureIndex();
		for (const doc of this.dirty.values()) {
			if (doc.isClosed) {
				continue;
			}
			if (this.isCandidate(doc)) {
				void this.put(index, keyOf(doc.uri), doc.getText(), doc.version);
			} else if (index.hasFile(keyOf(doc.uri))) {
				index.deleteFile(keyOf(doc.uri));
				this.diagnostics.delete(doc.uri);
			}
		}
		this.dirty.clear();
		const ctx = this.context(index);
		for (const doc of vscode.workspace.textDocuments) {
			const candidacy = this.config.preview.diagnostics ? this.candidacy(doc) : undefined;
			if (candidacy === undefined) {
				this.diagnostics.delete(doc.uri);
				continue;
			}
			if (candidacy === 'tooLarge') {
				this.diagnostics.set(doc.uri, [this.tooLargeDiagnostic(doc)]);
				continue;
			}
			if (!this.indexed(index, doc)) {
				continue; // a large document still parsing: its parse schedules another refresh
			}
			const found = this.guard('diagnostics', doc, () =>
				runtime().computeDiagnostics(ctx, { path: keyOf(doc.uri), text: doc.getText(), version: doc.version }),
			);
			if (found) {
				this.diagnostics.set(doc.uri, found.map(toDiagnostic));
			}
		}
		this._onDidChangeCodeLenses.fire();
		for (const doc of vscode.workspace.textDocuments) {
			if (doc.uri.scheme === previewScheme) {
				this._onDidChange.fire(doc.uri);
			}
		}
		this._onDidUpdate.fire();
	}

	/** The one diagnostic of a manifest over the size limit: its size, the limit, the setting. */
	private tooLargeDiagnostic(doc: vscode.TextDocument): vscode.Diagnostic {
		const d = new vscode.Diagnostic(
			new vscode.Range(0, 0, 0, 0),
			`This document is ${tooLargeReason(documentLength(doc), this.config.manifests.maxFileBytes)} by Endpoint Lens: no hovers, CodeLens or diagnostics.`,
			vscode.DiagnosticSeverity.Information,
		);
		d.source = 'Endpoint Lens';
		d.code = 'file-too-large';
		return d;
	}

	/** Runs a model; a bug in one (it never should throw) is logged with its stack, and the feature shows nothing. */
	private guard<T>(what: string, doc: vscode.TextDocument, compute: () => T): T | undefined {
		try {
			return compute();
		} catch (err) {
			this.log.error(`previews: ${what} of ${doc.uri.toString()} failed: ${err instanceof Error ? err.stack : String(err)}`);
			return undefined;
		}
	}

	async provideHover(
		doc: vscode.TextDocument,
		position: vscode.Position,
		token: vscode.CancellationToken,
	): Promise<vscode.Hover | undefined> {
		if (!this.config.preview.hover || !this.isCandidate(doc)) {
			return undefined;
		}
		const index = await this.ready(token);
		await this.put(index, keyOf(doc.uri), doc.getText(), doc.version);
		if (token.isCancellationRequested || !this.indexed(index, doc)) {
			return undefined;
		}
		const model = this.guard('hover', doc, () =>
			runtime().computeHover(
				this.context(index),
				{ path: keyOf(doc.uri), text: doc.getText(), version: doc.version },
				doc.offsetAt(position),
			),
		);
		if (!model) {
			return undefined;
		}
		const markdown = new vscode.MarkdownString(model.markdown);
		markdown.isTrusted = { enabledCommands: ['endpointLens.previewSlices', 'endpointLens.planFile', 'endpointLens.showFlow'] };
		markdown.supportHtml = false;
		return new vscode.Hover(markdown, toRange(model.range));
	}

	async provideCodeLenses(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
		if (!this.config.preview.codeLens || !this.isCandidate(doc)) {
			return [];
		}
		const index = await this.ready(token);
		await this.put(index, keyOf(doc.uri), doc.getText(), doc.version);
		if (token.isCancellationRequested || !this.indexed(index, doc)) {
			return [];
		}
		const lenses =
			this.guard('CodeLens', doc, () =>
				runtime().computeCodeLenses(this.context(index), { path: keyOf(doc.uri), text: doc.getText(), version: doc.version }),
			) ?? [];
		const out: vscode.CodeLens[] = [];
		for (const lens of lenses) {
			const command = lensCommands[lens.command];
			if (command === undefined) {
				continue;
			}
			out.push(
				new vscode.CodeLens(toRange(lens.range), {
					title: lens.title,
					command,
					...(lens.tooltip ? { tooltip: lens.tooltip } : {}),
					...(command ? { arguments: lens.command === 'planFile' ? [doc.uri] : [lens.target] } : {}),
				}),
			);
		}
		return out;
	}

	provideTextDocumentContent(uri: vscode.Uri): string {
		const target = parsePreviewUri(uri);
		if (!target) {
			return `# Endpoint Lens: ${uri.toString()} does not name a Service.\n`;
		}
		const index = this.ensureIndex();
		const text = runtime().previewSlicesYaml(this.context(index), target);
		return text ?? `# Endpoint Lens: no Service ${target.namespace}/${target.name} in the workspace's manifests (any more).\n`;
	}

	/** Opens the full predicted slices of a Service beside the editor. */
	async openPreview(target: PreviewTarget): Promise<vscode.TextEditor> {
		await this.ready();
		const doc = await vscode.workspace.openTextDocument(previewUri(target));
		await vscode.languages.setTextDocumentLanguage(doc, 'yaml');
		return vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: false });
	}

	/** The workspace prediction of a Service (the flow diagram of a manifest draws it). */
	async prediction(target: PreviewTarget): Promise<ServicePrediction | undefined> {
		const index = await this.ready();
		return index.predict(target.namespace, target.name);
	}

	/**
	 * The Services a document defines, for the commands run from the palette: the one under the cursor first, and
	 * whether the cursor is in one.
	 */
	async servicesIn(
		doc: vscode.TextDocument,
		position?: vscode.Position,
	): Promise<{ services: PreviewTarget[]; underCursor: boolean }> {
		const index = await this.ready();
		const path = keyOf(doc.uri);
		await this.put(index, path, doc.getText(), doc.version);
		const services = index.manifests(path).filter((m) => m.kind === 'Service');
		const line = position?.line ?? -1;
		const under = services.findIndex((m) => m.range.start.line <= line && line <= m.range.end.line);
		if (under > 0) {
			services.unshift(...services.splice(under, 1));
		}
		return {
			services: services.map((m) => ({ file: path, namespace: m.namespace ?? 'default', name: m.name })),
			underCursor: under >= 0,
		};
	}
}

/** The index's key of a document: the file path, or the URI of an untitled document. */
export function keyOf(uri: vscode.Uri): string {
	return uri.scheme === 'file' ? uri.fsPath : uri.toString();
}
