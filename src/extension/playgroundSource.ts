/**
 * The playground as a tree source: reads the workspace's manifests (or the bundled examples), applies them to an
 * in-memory control plane (`src/cluster/playground`), and feeds the control plane's watch events into a store that
 * the views read. Nothing starts until the view first asks for its contents.
 */
import * as vscode from 'vscode';
import type { PlaygroundCluster } from '../cluster/playground/playground';
import { ClusterStore } from '../core/store/store';
import type { TreeSource } from '../core/views/servicesTree';
import { md } from '../core/views/servicesTree';
import type { EndpointLensConfig } from './config';
import { runtime } from './lazy';
import { Disposable, toDisposable } from './lifecycle';
import type { ManifestFile } from './manifestFiles';
import { looksLikeManifestText, matchesManifestGlobs, readWorkspaceManifests } from './manifestFiles';

interface LoadResult {
	files: ManifestFile[];
	from: 'workspace' | 'examples';
	skipped: { path: string; reason: string }[];
}

export class PlaygroundSource extends Disposable {
	readonly id = 'playground';
	readonly store = new ClusterStore();
	private cluster: PlaygroundCluster | undefined;
	private phase: TreeSource['state'] = { phase: 'idle' };
	private notices: TreeSource['notices'] = [];
	private from: LoadResult['from'] | undefined;
	private fileCount = 0;
	private starting: Promise<void> | undefined;
	/** Manifests applied on top of the files (the walk-through's): kept across re-applies until replaced. */
	private overlay: ManifestFile[] = [];
	/** Set by "Explore the Bundled Examples": read the examples whatever the setting says, until reloaded. */
	private examplesOverride = false;
	private readonly _onDidChangeState = this._register(new vscode.EventEmitter<void>());
	/** Fires when the source's state, notices or file set change (not for store changes: see `store.onDidChange`). */
	readonly onDidChangeState = this._onDidChangeState.event;

	constructor(
		private readonly extensionUri: vscode.Uri,
		private config: EndpointLensConfig,
		private readonly log: vscode.LogOutputChannel,
	) {
		super();
		this._register(toDisposable(() => this.cluster?.dispose()));
	}

	/** The running control plane; undefined until the view first shows. */
	get controlPlane(): PlaygroundCluster | undefined {
		return this.cluster;
	}

	get started(): boolean {
		return this.phase.phase !== 'idle';
	}

	/** The tree's view of this source. */
	treeSource(namespaceFilter: readonly string[]): TreeSource {
		const files = this.from === 'examples' ? 'bundled examples' : `${this.fileCount} workspace file${this.fileCount === 1 ? '' : 's'}`;
		return {
			id: this.id,
			kind: 'playground',
			label: 'Playground',
			...(this.from ? { detail: files } : {}),
			tooltip: [
				'**Playground**: an in-memory control plane, no cluster needed.',
				'',
				`It applies ${this.from === 'examples' ? "Endpoint Lens's bundled examples" : "this workspace's manifests"}, starts their pods with a simulated kubelet, and runs the EndpointSlice, Endpoints and mirroring controllers as Kubernetes does.`,
				...this.notices.map((n) => `- ${md(n.text)}`),
			].join('  \n'),
			state: this.phase,
			notices: this.notices,
			store: this.store,
			namespaceFilter,
		};
	}

	/** Starts the control plane on first call; later calls return the same promise. */
	start(): Promise<void> {
		this.starting ??= this.load(true);
		return this.starting;
	}

	/** Whether a saved document is one the playground reads (so saving it re-applies). */
	reads(doc: vscode.TextDocument): boolean {
		return this.from === 'workspace' && matchesManifestGlobs(doc, this.config.manifests) && looksLikeManifestText(doc.getText());
	}

	/** Re-reads the manifests and applies them (creating, updating and pruning), as `kubectl apply --prune` would. */
	reapply(): Promise<void> {
		if (!this.starting) {
			return this.start();
		}
		// Queue behind the load in progress: applies never overlap.
		this.starting = this.starting.then(() => this.load(false));
		return this.starting;
	}

	/**
	 * Applies these manifests on top of the workspace's (replacing the previous overlay; `[]` removes it, pruning its
	 * objects), and resolves once applied.
	 */
	setOverlay(files: readonly ManifestFile[]): Promise<void> {
		this.overlay = [...files];
		return this.reapply();
	}

	/** Switches this session to the bundled examples (the welcome view's button). */
	showExamples(): Promise<void> {
		this.examplesOverride = true;
		return this.restart();
	}

	updateConfig(config: EndpointLensConfig): void {
		const restart =
			config.maxEndpointsPerSlice !== this.config.maxEndpointsPerSlice ||
			config.playground.podStartupMs !== this.config.playground.podStartupMs ||
			config.playground.terminationGraceMs !== this.config.playground.terminationGraceMs ||
			config.playground.source !== this.config.playground.source ||
			config.manifests.include !== this.config.manifests.include ||
			config.manifests.exclude !== this.config.manifests.exclude ||
			config.manifests.maxFileBytes !== this.config.manifests.maxFileBytes;
		this.config = config;
		if (restart && this.starting) {
			this.log.info('playground: settings changed, restarting');
			void this.restart();
		}
	}

	/** Starts over with a new control plane and an empty store, after the load in progress. */
	private restart(): Promise<void> {
		// `load(true)` replaces the control plane and clears the store; it never rejects.
		this.starting = this.starting ? this.starting.then(() => this.load(true)) : this.load(true);
		return this.starting;
	}

	private newCluster(): PlaygroundCluster {
		const startup = this.config.playground.podStartupMs;
		const cluster = new (runtime().PlaygroundCluster)({
			maxEndpointsPerSlice: this.config.maxEndpointsPerSlice,
			kubelet: {
				scheduleMs: Math.round(startup * 0.2),
				startMs: Math.round(startup * 0.3),
				readyMs: Math.round(startup * 0.5),
				terminationGraceMs: this.config.playground.terminationGraceMs,
			},
		});
		cluster.onEvent((e) => this.store.apply(e));
		return cluster;
	}

	private async load(fresh: boolean): Promise<void> {
		this.log.info(`playground: ${fresh ? 'starting' : 're-applying'}`);
		if (fresh) {
			// A re-apply keeps showing the current state until the new one is in.
			this.setPhase({ phase: 'loading', message: 'Reading manifests…' });
		}
		try {
			const loaded = await this.readManifests();
			if (fresh || !this.cluster) {
				this.cluster?.dispose();
				this.store.clear();
				this.cluster = this.newCluster();
			}
			const t0 = Date.now();
			const result = this.cluster.apply([...loaded.files, ...this.overlay]);
			this.from = loaded.from;
			this.fileCount = loaded.files.length;
			const errors = result.diagnostics.filter((d) => d.severity === 'error');
			const notices: { severity: 'error' | 'warning' | 'info'; text: string; detail?: string }[] = [];
			if (errors.length > 0) {
				notices.push({
					severity: 'error',
					text: `${errors.length} manifest problem${errors.length === 1 ? '' : 's'}: those objects were not applied`,
					detail: errors
						.slice(0, 20)
						.map((d) => `${vscode.workspace.asRelativePath(d.file)}:${d.line}: ${d.message}`)
						.join('\n'),
				});
			}
			if (loaded.skipped.length > 0) {
				notices.push({
					severity: 'warning',
					text: `${loaded.skipped.length} file${loaded.skipped.length === 1 ? '' : 's'} skipped`,
					detail: loaded.skipped.map((s) => `${s.path}: ${s.reason}`).join('\n'),
				});
			}
			this.notices = notices;
			this.log.info(
				`playground: applied ${loaded.files.length} file(s) from ${loaded.from} in ${Date.now() - t0} ms: ` +
					`${result.created} created, ${result.updated} updated, ${result.deleted} deleted, ${errors.length} error(s)`,
			);
			for (const d of result.diagnostics) {
				this.log.debug(`${d.file}:${d.line}:${d.column} ${d.severity} ${d.message}`);
			}
			this.setPhase({ phase: 'ready' });
		} catch (err) {
			const message = err instanceof Error ? err.message : String(err);
			this.log.error(`playground: ${message}`);
			this.setPhase({ phase: 'error', message: `Playground failed: ${message}` });
		}
	}

	private setPhase(phase: TreeSource['state']): void {
		this.phase = phase;
		this._onDidChangeState.fire();
	}

	private async readManifests(): Promise<LoadResult> {
		const cfg = this.config.playground;
		let skipped: LoadResult['skipped'] = [];
		if (cfg.source !== 'examples' && !this.examplesOverride && (vscode.workspace.workspaceFolders?.length ?? 0) > 0) {
			const scan = await readWorkspaceManifests(this.config.manifests);
			skipped = scan.skipped;
			if (scan.files.length > 0 || cfg.source === 'workspace') {
				return { files: scan.files, from: 'workspace', skipped };
			}
		}
		return { files: await this.readExamples(), from: 'examples', skipped };
	}

	private async readExamples(): Promise<ManifestFile[]> {
		const dir = vscode.Uri.joinPath(this.extensionUri, 'examples');
		const entries = await vscode.workspace.fs.readDirectory(dir);
		const names = entries.filter(([n, t]) => t === vscode.FileType.File && /\.ya?ml$/.test(n)).map(([n]) => n).sort();
		const files: ManifestFile[] = [];
		for (const name of names) {
			const uri = vscode.Uri.joinPath(dir, name);
			files.push({ path: `examples/${name}`, text: new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)) });
		}
		return files;
	}
}
