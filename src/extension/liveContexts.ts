/**
 * Kube contexts as tree sources. The kubeconfig is read when the view first shows (never at activation), every
 * context becomes a row, and the one the view shows — the kubeconfig's current context unless the user switched
 * with the status-bar item — connects through a `LiveClusterSource` into its own store. Informers run only while
 * the view is visible; the kubeconfig files are watched and re-read when they change. The user's kubeconfig is
 * never written: switching changes only what this view shows.
 */
import { homedir } from 'node:os';
import { existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import type { KubeConfig } from '@kubernetes/client-node';
import type { LiveClusterSource } from '../cluster/live/liveSource';
import type { ResolvedKubeconfigLocation } from '../cluster/live/kubeconfig';
import type { ContextInfo, LiveState } from '../cluster/live/types';
import { ClusterStore, liveStoreOptions } from '../core/store/store';
import type { StoreChange } from '../core/store/types';
import type { TreeSource } from '../core/views/servicesTree';
import { md } from '../core/views/servicesTree';
import { contextToFollow } from './kubernetesTools';
import { runtime } from './lazy';
import { settingForTrust } from './trust';
import { Disposable, toDisposable } from './lifecycle';

const chosenContextKey = 'endpointLens.context';

/** The source id of a context row. */
export function contextSourceId(name: string): string {
	return `context:${name}`;
}

export class LiveContexts extends Disposable {
	private location: ResolvedKubeconfigLocation | undefined;
	private kubeConfig: KubeConfig | undefined;
	private contexts: ContextInfo[] = [];
	private errors: string[] = [];
	/** The errors no context's row shows (the kubeconfig's own row shows them). */
	private fileErrors: string[] = [];
	private activeName: string | undefined;
	private source: LiveClusterSource | undefined;
	private store = new ClusterStore(liveStoreOptions);
	private readonly emptyStore = new ClusterStore();
	private state: LiveState = { phase: 'idle', limits: [] };
	private loaded = false;
	private visible = false;
	private readonly watchers: vscode.Disposable[] = [];
	private storeSub: { dispose(): void } | undefined;
	private statusBar: vscode.StatusBarItem | undefined;
	private progressDone: (() => void) | undefined;
	/** The kubeconfig the Kubernetes extension reports, when it is installed (it takes the vs-kubernetes step). */
	private kubernetesToolsKubeconfig: string | undefined;

	private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
	/** Fires when contexts, the active context or its connection state change (not on store changes). */
	readonly onDidChange = this._onDidChange.event;
	private readonly _onDidChangeStore = this._register(new vscode.EventEmitter<{ sourceId: string; change: StoreChange }>());
	/** Fires on every (coalesced) change of the active context's store. */
	readonly onDidChangeStore = this._onDidChangeStore.event;

	constructor(
		private readonly memento: vscode.Memento,
		private readonly log: vscode.LogOutputChannel,
	) {
		super();
		this._register(
			toDisposable(() => {
				this.progressDone?.();
				this.source?.dispose();
				this.storeSub?.dispose();
				this.watchers.forEach((w) => w.dispose());
				this.statusBar?.dispose();
			}),
		);
	}

	/** The contexts of the kubeconfig (empty until the view first shows). */
	get contextList(): readonly ContextInfo[] {
		return this.contexts;
	}

	get active(): string | undefined {
		return this.activeName;
	}

	/** The loaded kubeconfig (undefined until the view first shows or when there is none). */
	get loadedKubeConfig(): KubeConfig | undefined {
		return this.kubeConfig;
	}

	get activeStore(): ClusterStore {
		return this.store;
	}

	get connection(): LiveState {
		return this.state;
	}

	/** Whether a kubeconfig with at least one context was found. */
	get hasContexts(): boolean {
		return this.contexts.length > 0;
	}

	/** Reads the kubeconfig on first call (the view showed). */
	ensureLoaded(): void {
		if (!this.loaded) {
			this.loaded = true;
			this.reload();
		}
	}

	/** The view became visible or hidden: informers run only while it shows. */
	setVisible(visible: boolean): void {
		this.visible = visible;
		if (!visible) {
			this.source?.stop();
		} else if (this.source) {
			void this.source.start();
		}
	}

	/** Connects the active context (when its row is expanded and the view shows). */
	start(): void {
		this.ensureLoaded();
		if (!this.activeName || !this.kubeConfig) {
			return;
		}
		const problem = this.contexts.find((c) => c.name === this.activeName)?.problem;
		if (problem) {
			// Connecting would fail less clearly (or send no credentials at all): say what is wrong instead.
			if (this.state.phase !== 'error' || this.state.message !== problem) {
				this.log.error(`${this.activeName}: ${problem}`);
				this.state = { phase: 'error', message: problem, limits: [] };
				this.updateStatusBar();
				this._onDidChange.fire();
			}
			return;
		}
		if (!this.source) {
			this.source = new (runtime().LiveClusterSource)({
				kubeConfig: this.kubeConfig,
				context: this.activeName,
				store: this.store,
				log: (level, message) => this.log[level](`${this.activeName}: ${message}`),
				// After a 401: the kubeconfig as it is on disk now (a login command may have written new credentials).
				refreshCredentials: () => (this.location ? runtime().loadKubeconfig(this.location).kubeConfig : undefined),
			});
			this.source.onDidChangeState((s) => {
				this.state = s;
				this.showProgress();
				this.updateStatusBar();
				this._onDidChange.fire();
			});
		}
		if (this.visible) {
			void this.source.start();
		}
	}

	/** Lists and watches waiting out a retry delay try again now (the Refresh command). */
	retryNow(): void {
		this.source?.retryNow();
	}

	/** Shows another context in the view (the kubeconfig's current-context is not changed). */
	async switchTo(name: string): Promise<void> {
		if (!this.contexts.some((c) => c.name === name)) {
			throw new Error(`No context named ${name} in the kubeconfig.`);
		}
		await this.memento.update(chosenContextKey, name);
		this.disconnect();
		this.activeName = name;
		this.updateStatusBar();
		this._onDidChange.fire();
		this.start();
	}

	/** The Kubernetes extension's kubeconfig: takes the vs-kubernetes step; undefined falls back to the setting. */
	setKubernetesToolsKubeconfig(path: string | undefined): void {
		if (path === this.kubernetesToolsKubeconfig) {
			return;
		}
		this.kubernetesToolsKubeconfig = path;
		this.settingsChanged();
	}

	/** The Kubernetes extension switched context: follow unless the user picked another one; not recorded as a pick. */
	followContext(name: string | undefined): void {
		const target = contextToFollow({
			reported: name,
			chosen: this.memento.get<string>(chosenContextKey),
			active: this.activeName,
			contexts: this.contexts.map((c) => c.name),
		});
		if (target === undefined) {
			return;
		}
		this.log.info(`following the Kubernetes extension to context ${target}`);
		this.disconnect();
		this.activeName = target;
		this.updateStatusBar();
		this._onDidChange.fire();
		this.start();
	}

	/** A kubeconfig setting changed: re-read, if the kubeconfig was read at all. */
	settingsChanged(): void {
		if (this.loaded) {
			this.reload();
		}
	}

	/** Re-reads the kubeconfig files (they changed, or a setting did). */
	reload(): void {
		const cfg = vscode.workspace.getConfiguration();
		const trusted = vscode.workspace.isTrusted;
		const setting = settingForTrust(cfg.inspect<string>('endpointLens.kubeconfig'), trusted) || undefined;
		const vsKubernetes =
			this.kubernetesToolsKubeconfig ?? settingForTrust(cfg.inspect<Record<string, unknown>>('vs-kubernetes'), trusted)?.['vs-kubernetes.kubeconfig'];
		if (!trusted) {
			this.log.info('kubeconfig: untrusted workspace: kubeconfig settings from the workspace are ignored (only your user settings count)');
		}
		this.location = runtime().resolveKubeconfig({
			...(setting ? { setting } : {}),
			...(typeof vsKubernetes === 'string' && vsKubernetes ? { vsKubernetes } : {}),
			env: process.env,
			home: homedir(),
			exists: existsSync,
		});
		const loaded = runtime().loadKubeconfig(this.location);
		for (const e of loaded.errors) {
			this.log.warn(`kubeconfig: ${e}`);
		}
		const previous = this.activeName;
		this.kubeConfig = loaded.kubeConfig;
		this.contexts = loaded.contexts;
		this.errors = loaded.errors;
		this.fileErrors = loaded.fileErrors;
		const chosen = this.memento.get<string>(chosenContextKey);
		this.activeName = this.contexts.some((c) => c.name === chosen) ? chosen : loaded.currentContext;
		this.log.info(
			`kubeconfig: ${this.location.paths.join(', ') || '(none)'} (${this.location.source}): ${this.contexts.length} context(s), showing ${this.activeName ?? 'none'}`,
		);
		this.watchFiles(this.location.paths);
		this.disconnect();
		this.updateStatusBar();
		this._onDidChange.fire();
		if (previous !== undefined || this.visible) {
			this.start();
		}
	}

	/** The rows of the tree: one per context (the active one connected), or one that explains a kubeconfig problem. */
	treeSources(namespaceFilter: readonly string[]): TreeSource[] {
		if (!this.loaded) {
			return [];
		}
		const kubeconfigRow = (problems: readonly string[]): TreeSource => ({
			id: 'kubeconfig',
			kind: 'context',
			label: 'Kubeconfig',
			state: { phase: 'error', message: problems[0] },
			notices: problems.slice(1).map((text) => ({ severity: 'error' as const, text })),
			store: this.emptyStore,
			tooltip: this.location?.paths.length
				? `Read from ${this.location.paths.map(md).join(', ')}`
				: `Looked for ${(this.location?.looked ?? []).map(md).join(', ')}`,
		});
		if (this.contexts.length === 0) {
			if (this.errors.length === 0 || (this.location?.source === 'default' && this.location.paths.length === 0)) {
				// No kubeconfig at all is normal: the playground is the view then. The status bar says where we looked.
				// A kubeconfig that $KUBECONFIG or a setting names but that is missing is not: the row says so.
				return [];
			}
			return [kubeconfigRow(this.errors)];
		}
		// Problems of the files themselves (a corrupt file among several, a missing one) above the contexts.
		const head = this.fileErrors.length > 0 ? [kubeconfigRow(this.fileErrors)] : [];
		return [...head, ...this.contexts.map((c): TreeSource => {
			const active = c.name === this.activeName;
			const base = {
				id: contextSourceId(c.name),
				kind: 'context' as const,
				label: c.name,
				...(c.server ? { detail: c.server } : {}),
				tooltip: [
					`**Context ${md(c.name)}**${c.current ? ' (current-context)' : ''}`,
					'',
					`Cluster: ${md(c.cluster)}${c.server ? ` (${md(c.server)})` : ''}`,
					`User: ${md(c.user)}`,
					...(c.namespace ? [`Namespace: ${md(c.namespace)}`] : []),
					`Kubeconfig: ${this.location?.paths.map(md).join(', ')}`,
				].join('  \n'),
			};
			if (!active) {
				return {
					...base,
					state: c.problem ? { phase: 'error', message: c.problem } : { phase: 'idle' },
					notices: [],
					store: this.emptyStore,
					active: false,
				};
			}
			return {
				...base,
				state: toTreeState(this.state),
				notices: this.state.limits.map((l) => ({
					severity: 'warning' as const,
					text: `${l.reason === 'forbidden' ? 'Forbidden' : l.reason === 'unavailable' ? 'Not served' : 'Cannot read'}: ${l.kind}${l.namespace ? ` in ${l.namespace}` : ' (all namespaces)'}`,
					detail: l.message,
				})),
				store: this.store,
				namespaceFilter,
			};
		})];
	}

	/** The view's progress bar runs while the first lists load. */
	private showProgress(): void {
		const loading = this.state.phase === 'connecting' || this.state.phase === 'syncing';
		if (loading && !this.progressDone) {
			void vscode.window.withProgress(
				{ location: { viewId: 'endpointLens.services' } },
				() => new Promise<void>((resolve) => (this.progressDone = resolve)),
			);
		} else if (!loading && this.progressDone) {
			this.progressDone();
			this.progressDone = undefined;
		}
	}

	private disconnect(): void {
		this.progressDone?.();
		this.progressDone = undefined;
		this.source?.dispose();
		this.source = undefined;
		this.storeSub?.dispose();
		this.store = new ClusterStore(liveStoreOptions);
		const store = this.store;
		this.storeSub = store.onDidChange((change) => {
			if (store === this.store) {
				this._onDidChangeStore.fire({ sourceId: contextSourceId(this.activeName ?? ''), change });
			}
		});
		this.state = { phase: 'idle', limits: [] };
	}

	private watchFiles(paths: readonly string[]): void {
		this.watchers.splice(0).forEach((w) => w.dispose());
		for (const path of paths) {
			const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dirname(path)), basename(path)));
			let timer: ReturnType<typeof setTimeout> | undefined;
			const changed = () => {
				clearTimeout(timer);
				timer = setTimeout(() => this.reload(), 300);
			};
			watcher.onDidChange(changed);
			watcher.onDidCreate(changed);
			watcher.onDidDelete(changed);
			this.watchers.push(watcher, { dispose: () => clearTimeout(timer) });
		}
	}

	private updateStatusBar(): void {
		if (!this.loaded) {
			return;
		}
		this.statusBar ??= vscode.window.createStatusBarItem('endpointLens.context', vscode.StatusBarAlignment.Left, 10);
		const bar = this.statusBar;
		bar.name = 'Endpoint Lens context';
		bar.command = 'endpointLens.switchContext';
		if (this.contexts.length === 0) {
			bar.text = '$(cloud) no kubeconfig';
			bar.tooltip = this.errors.length > 0 ? this.errors.join('\n') : 'No kubeconfig found: the Endpoint Lens view shows the playground.';
		} else {
			const phase = this.state.phase;
			const icon = phase === 'error' ? '$(error)' : phase === 'connecting' || phase === 'syncing' ? '$(sync~spin)' : '$(cloud)';
			bar.text = `${icon} ${this.activeName ?? 'no context'}`;
			bar.tooltip = `Endpoint Lens shows ${this.activeName ?? 'no context'}${this.state.message ? `: ${this.state.message}` : ''}. Click to switch.`;
		}
		bar.show();
	}
}

function toTreeState(s: LiveState): TreeSource['state'] {
	switch (s.phase) {
		case 'idle':
			return { phase: 'idle' };
		case 'connecting':
			return { phase: 'loading', message: s.message ?? 'Connecting…' };
		case 'syncing':
			return {
				phase: 'loading',
				message: s.progress ? `Loading ${s.progress.listed}/${s.progress.total}…` : (s.message ?? 'Loading…'),
			};
		case 'ready':
			return { phase: 'ready' };
		case 'error':
			return { phase: 'error', message: s.message ?? 'Cannot read the cluster.' };
	}
}
