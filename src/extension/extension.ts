/**
 * Activation: wires sources → store → views. Activation does no I/O and starts nothing: the playground reads
 * manifests and starts its control plane only when the Services view first shows (STYLE 5).
 */
import * as vscode from 'vscode';
import type { TreeNode, TreeSource } from '../core/views/servicesTree';
import { registerCommands } from './commands';
import { connectKubernetesTools } from './kubernetesTools';
import { readConfiguration } from './config';
import type { SourceTarget } from './diagrams';
import { Diagrams, flowTargetOf } from './diagrams';
import type { DiagramPanel } from './flowPanel';
import { registerDiagramPanel } from './flowPanel';
import { Disposable } from './lifecycle';
import { LiveContexts, contextSourceId } from './liveContexts';
import type { PlanRun } from './planCommand';
import { PlanDocuments } from './planCommand';
import { PlaygroundSource } from './playgroundSource';
import type { PreviewTarget } from './previewFeatures';
import { PreviewFeatures } from './previewFeatures';
import { Walkthrough } from './walkthrough';
import { ServicesTreeProvider } from './servicesView';
import { ObjectYamlProvider, yamlScheme } from './yamlDocuments';

const namespaceFilterKey = 'endpointLens.namespaceFilter';

/**
 * What `activate` returns. It exists for the extension's own integration tests and is not a stable API.
 */
export interface EndpointLensApi {
	readonly playground: PlaygroundSource;
	readonly live: LiveContexts;
	readonly tree: ServicesTreeProvider;
	readonly treeView: vscode.TreeView<TreeNode>;
	readonly previews: PreviewFeatures;
	/** The diagram webview panel (Mermaid sequence diagrams). */
	readonly diagrams: DiagramPanel;
	/** What the panel shows: flows, timelines. */
	readonly flows: Diagrams;
	readonly walkthrough: Walkthrough;
	sources(): readonly TreeSource[];
	/** Shows only these namespaces (none: all), as the Filter Namespaces command does. */
	setNamespaceFilter(namespaces: readonly string[]): Promise<void>;
	/** Milliseconds `activate` took. */
	readonly activationMs: number;
}

class EndpointLens extends Disposable {
	readonly log = this._register(vscode.window.createOutputChannel('Endpoint Lens', { log: true }));
	readonly playground: PlaygroundSource;
	readonly live: LiveContexts;
	readonly tree: ServicesTreeProvider;
	readonly treeView: vscode.TreeView<TreeNode>;
	readonly previews: PreviewFeatures;
	readonly plans: PlanDocuments;
	readonly diagrams: DiagramPanel;
	readonly flows: Diagrams;
	readonly walkthrough: Walkthrough;
	private readonly yaml: ObjectYamlProvider;

	constructor(private readonly context: vscode.ExtensionContext) {
		super();
		let config = readConfiguration();
		this.playground = this._register(new PlaygroundSource(context.extensionUri, config, this.log));
		this.live = this._register(new LiveContexts(context.globalState, this.log));
		this.tree = this._register(new ServicesTreeProvider(() => this.sources()));
		this.treeView = this._register(
			vscode.window.createTreeView('endpointLens.services', { treeDataProvider: this.tree, showCollapseAll: true }),
		);
		const storeFor = (id: string) =>
			id === this.playground.id ? this.playground.store : id === contextSourceId(this.live.active ?? '') ? this.live.activeStore : undefined;
		this.yaml = this._register(new ObjectYamlProvider(storeFor));
		this._register(vscode.workspace.registerTextDocumentContentProvider(yamlScheme, this.yaml));
		this.previews = this._register(new PreviewFeatures(config, this.live, this.log));
		this.watchManifests(config.manifests.include);
		this.plans = this._register(new PlanDocuments(this.live, () => config, this.log));
		this.diagrams = this._register(registerDiagramPanel(context.extensionUri, this.log));
		this.flows = this._register(
			new Diagrams(
				this.diagrams,
				{
					storeFor,
					labelOf: (id) => (id === this.playground.id ? 'Playground' : `context ${this.live.active ?? id}`),
					isPlayground: (id) => id === this.playground.id,
				},
				this.previews,
			),
		);
		this.walkthrough = this._register(new Walkthrough(this.playground, this.flows));

		// Nothing is read before the view shows: then the kubeconfig, and each source when its row is expanded.
		this.tree.onFirstShow(() => {
			this.live.ensureLoaded();
			this.live.setVisible(this.treeView.visible);
			void this.connectKubernetesTools();
		});
		this.tree.onSourceShown((id) => {
			if (id === this.playground.id) {
				void this.playground.start();
			} else if (id === contextSourceId(this.live.active ?? '')) {
				this.live.start();
			}
		});
		this._register(this.treeView.onDidChangeVisibility((e) => this.live.setVisible(e.visible)));
		this._register(this.live.onDidChange(() => this.tree.refreshAll()));
		this._register(
			this.live.onDidChangeStore(({ sourceId, change }) => {
				this.tree.refreshFor(sourceId, change);
				this.flows.storeChanged(sourceId, change.services);
				this.yaml.refresh(sourceId);
			}),
		);
		this._register(this.playground.onDidChangeState(() => this.tree.refreshAll()));
		this._register(
			this.playground.store.onDidChange((change) => {
				this.tree.refreshFor(this.playground.id, change);
				this.flows.storeChanged(this.playground.id, change.services);
				this.yaml.refresh(this.playground.id);
			}),
		);
		this.updateFilterMessage();

		this._register(
			vscode.workspace.onDidChangeConfiguration((e) => {
				if (e.affectsConfiguration('endpointLens')) {
					const previous = config;
					config = readConfiguration();
					this.playground.updateConfig(config);
					this.previews.updateConfig(config);
					if (config.manifests.include !== previous.manifests.include) {
						this.watchManifests(config.manifests.include);
					}
				}
				if (e.affectsConfiguration('endpointLens.kubeconfig') || e.affectsConfiguration('vs-kubernetes')) {
					this.live.settingsChanged();
				}
			}),
		);
		// Trusting the workspace lets its kubeconfig settings count (see trust.ts): read the kubeconfig again.
		this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.live.settingsChanged()));
		let saveTimer: ReturnType<typeof setTimeout> | undefined;
		this._register({ dispose: () => clearTimeout(saveTimer) });
		this._register(
			vscode.workspace.onDidSaveTextDocument((doc) => {
				if (!config.playground.applyOnSave || !this.playground.started || !this.playground.reads(doc)) {
					return;
				}
				clearTimeout(saveTimer);
				this.log.info(`playground: ${vscode.workspace.asRelativePath(doc.uri)} saved, re-applying`);
				saveTimer = setTimeout(() => void this.playground.reapply(), 300);
			}),
		);

		for (const d of registerCommands({
			playground: this.playground,
			live: this.live,
			sources: () => this.sources(),
			getNamespaceFilter: () => this.namespaceFilter(),
			setNamespaceFilter: (namespaces) => this.setNamespaceFilter(namespaces),
			refresh: () => {
				this.live.retryNow();
				this.tree.refreshAll();
			},
		})) {
			this._register(d);
		}
		for (const d of [
			vscode.commands.registerCommand('endpointLens.previewSlices', (target?: PreviewTarget) => this.previewSlices(target)),
			vscode.commands.registerCommand('endpointLens.showFlow', (arg?: unknown) => this.showFlow(arg)),
			vscode.commands.registerCommand('endpointLens.showTimeline', (arg?: unknown) => {
				const target = flowTargetOf(arg);
				if (!target || !('sourceId' in target)) {
					void vscode.window.showInformationMessage('Pick a Service in the Endpoint Lens view to record its timeline.');
					return undefined;
				}
				return this.flows.showTimeline(target);
			}),
			vscode.commands.registerCommand('endpointLens.playground.walkThrough', () => this.walkthrough.start()),
			vscode.commands.registerCommand('endpointLens.planFile', (uri?: vscode.Uri): Promise<PlanRun | undefined> =>
				this.plans.run(uri instanceof vscode.Uri ? uri : undefined),
			),
		]) {
			this._register(d);
		}
	}

	private manifestWatcher: vscode.FileSystemWatcher | undefined;

	/** Files changed on disk (not in an editor) reach the previews' index. */
	private watchManifests(include: string): void {
		this.manifestWatcher?.dispose();
		const watcher = vscode.workspace.createFileSystemWatcher(include);
		this.manifestWatcher = watcher;
		this._register(watcher);
		watcher.onDidCreate((uri) => this.previews.fileChanged(uri, false));
		watcher.onDidChange((uri) => this.previews.fileChanged(uri, false));
		watcher.onDidDelete((uri) => this.previews.fileChanged(uri, true));
	}

	/** Show Flow: the Service of a tree row or a lens, else the one under the cursor in a manifest. */
	async showFlow(arg?: unknown): Promise<unknown> {
		const target: SourceTarget | PreviewTarget | undefined = flowTargetOf(arg);
		if (target) {
			return this.flows.showFlow(target);
		}
		const editor = vscode.window.activeTextEditor;
		const { services } = editor ? await this.previews.servicesIn(editor.document, editor.selection.active) : { services: [] };
		if (services.length === 0) {
			void vscode.window.showInformationMessage('Pick a Service in the Endpoint Lens view, or put the cursor on a Service in a manifest.');
			return undefined;
		}
		return this.flows.showFlow(services[0]!);
	}

	/** Preview EndpointSlices: the Service a lens or hover names, else the one under the cursor (or picked). */
	async previewSlices(target?: PreviewTarget): Promise<void> {
		if (!target) {
			const editor = vscode.window.activeTextEditor;
			if (!editor) {
				void vscode.window.showInformationMessage('Open a manifest with a Service to preview its EndpointSlices.');
				return;
			}
			const { services, underCursor } = await this.previews.servicesIn(editor.document, editor.selection.active);
			if (services.length === 0) {
				void vscode.window.showInformationMessage(`${vscode.workspace.asRelativePath(editor.document.uri)} defines no Service.`);
				return;
			}
			target =
				services.length === 1 || underCursor
					? services[0]
					: (
							await vscode.window.showQuickPick(
								services.map((s) => ({ label: s.name, description: s.namespace, target: s })),
								{ placeHolder: 'Preview the EndpointSlices of which Service?' },
							)
						)?.target;
			if (!target) {
				return;
			}
		}
		await this.previews.openPreview(target);
	}

	/** When the Kubernetes extension is installed: follow its kubeconfig and context, and add a folder to its explorer. */
	private async connectKubernetesTools(): Promise<void> {
		const connection = await connectKubernetesTools({
			onKubeconfigChanged: (path) => this.live.setKubernetesToolsKubeconfig(path),
			onContextChanged: (name) => this.live.followContext(name),
			clusterView: () => {
				const contexts = this.live.contextList;
				return {
					active: this.live.active,
					currentContext: contexts.find((c) => c.current)?.name,
					namespace: contexts.find((c) => c.name === this.live.active)?.namespace ?? 'default',
					connection: this.live.connection,
					store: this.live.activeStore,
				};
			},
			log: this.log,
		});
		if (!connection) {
			return;
		}
		this._register(connection);
		this._register(this.live.onDidChange(() => connection.refreshExplorer()));
		this._register(this.live.onDidChangeStore(() => connection.refreshExplorer()));
	}

	async setNamespaceFilter(namespaces: readonly string[]): Promise<void> {
		await this.context.workspaceState.update(namespaceFilterKey, namespaces.length > 0 ? [...namespaces] : undefined);
		this.updateFilterMessage();
		this.tree.refreshAll();
	}

	namespaceFilter(): readonly string[] {
		return this.context.workspaceState.get<string[]>(namespaceFilterKey) ?? [];
	}

	sources(): readonly TreeSource[] {
		const filter = this.namespaceFilter();
		const contexts = this.live.treeSources(filter);
		const playground = this.playground.treeSource(filter);
		// With a kubeconfig, the contexts come first and the playground waits, collapsed, until it is opened.
		return [...contexts, contexts.length > 0 ? { ...playground, expanded: false } : playground];
	}

	private updateFilterMessage(): void {
		const filter = this.namespaceFilter();
		this.treeView.message = filter.length > 0 ? `Namespaces: ${filter.join(', ')}` : undefined;
		void vscode.commands.executeCommand('setContext', 'endpointLens.filtered', filter.length > 0);
	}
}

export function activate(context: vscode.ExtensionContext): EndpointLensApi {
	const t0 = performance.now();
	const lens = new EndpointLens(context);
	context.subscriptions.push(lens);
	const activationMs = performance.now() - t0;
	lens.log.info(`activated in ${activationMs.toFixed(1)} ms`);
	return {
		playground: lens.playground,
		live: lens.live,
		tree: lens.tree,
		treeView: lens.treeView,
		previews: lens.previews,
		diagrams: lens.diagrams,
		flows: lens.flows,
		walkthrough: lens.walkthrough,
		sources: () => lens.sources(),
		setNamespaceFilter: (namespaces) => lens.setNamespaceFilter(namespaces),
		activationMs,
	};
}

export function deactivate(): void {
	// Everything is disposed through context.subscriptions.
}
