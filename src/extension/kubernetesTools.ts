/**
 * The Kubernetes extension (ms-kubernetes-tools.vscode-kubernetes-tools), when it is installed: Endpoint Lens follows
 * its kubeconfig and context changes, and adds an "Endpoint Slices" folder under its cluster explorer's Network folder.
 * Without it nothing here runs and nothing changes.
 *
 * Three things about its API decide the shape of this module:
 * - The npm package `vscode-kubernetes-tools-api` is used for its types only. Loading its code creates
 *   `ExtensionHelper`, whose constructor calls `extension.activate()` on the Kubernetes extension at once — at our
 *   activation. So the extension is found with `vscode.extensions.getExtension`, activated only when our view first
 *   shows (the caller decides when), and its `APIBroker` is asked for versions directly.
 * - The public node of a grouping folder is `{ nodeType: 'folder.grouping' }`, with no name: a hand-written
 *   `NodeContributor` cannot tell Network from Workloads, Storage or Configuration. The supported way is
 *   `nodeSources.groupingFolder(…).at('Network')`, which the extension matches against its folders' display names.
 * - Its events are heuristic (it polls kubectl): they may come late, repeat, or carry `null`.
 *
 * Everything above the adapter is pure (the unit tests import this file without VS Code): `vscode` and the VS Code
 * tree-item mapping are loaded inside `connectKubernetesTools` only.
 */
import { homedir } from 'node:os';
import * as path from 'node:path';
import type * as VSCode from 'vscode';
import type { APIBroker, ClusterExplorerV1 } from 'vscode-kubernetes-tools-api';
import type { ConfigurationV1_1 } from 'vscode-kubernetes-tools-api/js/configuration/v1_1';
import type { LivePhase } from '../cluster/live/types';
import type { StoreReader } from '../core/views/serviceSummary';
import type { NodePresentation, TreeNode, TreeSource } from '../core/views/servicesTree';
import { childrenOf, presentNode } from '../core/views/servicesTree';
import { Disposable, toDisposable } from './lifecycle';

/** The Kubernetes extension's id (the package exports it too, but loading the package activates the extension). */
export const kubernetesExtensionId = 'ms-kubernetes-tools.vscode-kubernetes-tools';

/** The display name of the cluster explorer folder the slices go under. */
export const networkFolder = 'Network';

/** The label of the contributed folder. */
export const slicesFolderLabel = 'Endpoint Slices';

/** The contributed folder's context value (STYLE 11). */
export const slicesFolderContextValue = 'endpointLens:kubernetesSlices';

// ---------------------------------------------------------------------------------------------------------------
// Pure helpers

/** The kubeconfig location the Kubernetes extension reports (`ConfigurationV1_1.KubeconfigPath`). */
export type ReportedKubeconfig = { readonly pathType: 'host'; readonly hostPath: string } | { readonly pathType: 'wsl'; readonly wslPath: string };

/**
 * The path to use for the `vs-kubernetes` step of our kubeconfig resolution, from what the Kubernetes extension
 * reports; undefined when it adds nothing, so that our own `$KUBECONFIG` and default steps apply.
 *
 * Its `getKubeconfigPath()` returns its `vs-kubernetes.kubeconfig` setting (variables interpolated in recent versions)
 * when set, else `$KUBECONFIG` verbatim — which may list several files, which it does not split — else
 * `$HOME/.kube/config`. The last two are ours too, and ours handle lists and a missing default file (no error row),
 * so only a path other than those counts. A WSL path cannot be read from this side, so it does not count either.
 */
export function kubeconfigFromReport(
	reported: ReportedKubeconfig | undefined,
	machine: { env: Record<string, string | undefined>; home: string },
): string | undefined {
	if (reported?.pathType !== 'host') {
		return undefined;
	}
	const reportedPath = reported.hostPath?.trim();
	if (!reportedPath) {
		return undefined;
	}
	if (reportedPath === machine.env.KUBECONFIG?.trim()) {
		return undefined;
	}
	// The extension builds its default from $HOME (or %USERPROFILE%), we from os.homedir(): either is the default.
	const homes = [machine.home, machine.env.HOME, machine.env.USERPROFILE].filter((h): h is string => !!h);
	const normal = path.normalize(reportedPath);
	if (homes.some((h) => path.normalize(path.join(h, '.kube', 'config')) === normal)) {
		return undefined;
	}
	return reportedPath;
}

/** What `contextToFollow` decides from. */
export interface FollowInput {
	/** The context the Kubernetes extension switched to (undefined: it reported none). */
	reported: string | undefined;
	/** The context the user picked with our own switcher, if any (the memento `endpointLens.context`). */
	chosen: string | undefined;
	/** The context our view shows now. */
	active: string | undefined;
	/** The contexts of the kubeconfig we read. */
	contexts: readonly string[];
}

/**
 * The context our view should switch to after the Kubernetes extension switched to `reported`, or undefined to stay.
 * We follow it unless the user picked another context with our own switcher (a pick of a context the kubeconfig no
 * longer has does not count: `reload()` ignores it too), and only to a context our kubeconfig knows.
 */
export function contextToFollow(input: FollowInput): string | undefined {
	const { reported, chosen, active, contexts } = input;
	if (reported === undefined || reported === active || !contexts.includes(reported)) {
		return undefined;
	}
	if (chosen !== undefined && chosen !== reported && contexts.includes(chosen)) {
		return undefined;
	}
	return reported;
}

/** What our side knows when the contributed folder is expanded; read fresh each time. */
export interface ClusterView {
	/** The context our view shows; its store is `store`. Undefined when the kubeconfig has no context. */
	active: string | undefined;
	/** The kubeconfig's current-context, as we read it (the context the cluster explorer shows as active). */
	currentContext: string | undefined;
	/** The namespace to list: the active context's namespace, else `default` (what kubectl and the explorer list). Undefined: all. */
	namespace: string | undefined;
	/** The active context's connection (`LiveContexts.connection`). */
	connection: { phase: LivePhase; message?: string };
	/** The active context's store (`LiveContexts.activeStore`). */
	store: StoreReader;
}

/** What the Kubernetes extension last reported (undefined until it reports). */
export interface ExplorerState {
	context?: string;
	namespace?: string;
}

/** One node of the contributed folder: the same nodes and presentation as our own tree, and their children. */
export interface ExplorerItem {
	node: TreeNode;
	presentation: NodePresentation;
	children: readonly ExplorerItem[];
}

/** The command that shows our view (VS Code contributes `<viewId>.focus` for every view). */
const focusView = { id: 'endpointLens.services.focus', title: 'Open the Endpoint Lens view', args: [] };

/**
 * The children of the "Endpoint Slices" folder: per Service of the namespace the explorer lists, a node with its
 * EndpointSlices as leaves (`IPv4 · http 80/TCP · 2/3 ready`), worded as in our own tree. A message instead (or
 * first) when our store does not hold what the explorer shows: another context, not loaded yet, or a snapshot.
 */
export function explorerItems(view: ClusterView, explorer: ExplorerState = {}): ExplorerItem[] {
	const sid = `kubernetesTools:${view.active ?? ''}`;
	const source: TreeSource = { id: sid, kind: 'context', label: view.active ?? '', state: { phase: 'ready' }, notices: [], store: view.store };
	const out: ExplorerItem[] = [];
	const message = (severity: 'error' | 'warning' | 'info' | 'loading', text: string, detail?: string, command?: NodePresentation['command']): ExplorerItem => {
		const node: TreeNode = { type: 'message', id: `${sid}/msg:${out.length}`, sourceId: sid, severity, text, ...(detail ? { detail } : {}) };
		const presentation = presentNode([source], node);
		return { node, presentation: command ? { ...presentation, command } : presentation, children: [] };
	};

	const explorerContext = explorer.context ?? view.currentContext;
	if (view.active === undefined) {
		return [message('info', 'Endpoint Lens has no kubeconfig context', 'Open the Endpoint Lens view to read the kubeconfig.', focusView)];
	}
	if (explorerContext !== undefined && explorerContext !== view.active) {
		return [
			message(
				'info',
				`Endpoint Lens shows context ${view.active}`,
				`The Kubernetes extension shows ${explorerContext}; Endpoint Lens shows ${view.active} (picked with its own context switcher, or read from another kubeconfig). Click to show ${explorerContext} in Endpoint Lens.`,
				{ id: 'endpointLens.switchContext', title: `Show ${explorerContext} in Endpoint Lens`, args: [explorerContext] },
			),
		];
	}
	const hasData = view.store.namespaces().length > 0;
	switch (view.connection.phase) {
		case 'connecting':
		case 'syncing':
			return [message('loading', view.connection.message ?? 'Loading EndpointSlices…')];
		case 'error':
			return [message('error', view.connection.message ?? 'Endpoint Lens cannot read the cluster.')];
		case 'idle':
			if (!hasData) {
				return [message('info', 'Open the Endpoint Lens view to load EndpointSlices', 'Endpoint Lens watches the cluster while its view is open.', focusView)];
			}
			out.push(message('info', 'As of when the Endpoint Lens view was last open', 'Endpoint Lens watches the cluster while its view is open.', focusView));
			break;
		case 'ready':
			break;
	}

	const namespace = explorer.namespace ?? view.namespace;
	const namespaces = namespace !== undefined ? [namespace] : view.store.namespaces();
	const services = namespaces.flatMap((ns) => view.store.services(ns).map((svc) => ({ ns, name: svc.metadata?.name ?? '' })));
	if (services.length === 0) {
		out.push(message('info', namespace !== undefined ? `No Services in namespace ${namespace}` : 'No Services'));
		return out;
	}
	for (const { ns, name } of services) {
		const node: TreeNode = { type: 'service', id: `svc:${sid}/${ns}/${name}`, sourceId: sid, namespace: ns, name };
		const slices = childrenOf([source], node)
			.filter((n) => n.type === 'slice')
			.map((n) => ({ node: n, presentation: { ...presentNode([source], n), collapsible: 'none' as const }, children: [] }));
		const p = presentNode([source], node);
		out.push({
			node,
			presentation: { ...p, label: namespace === undefined ? `${ns}/${p.label}` : p.label, collapsible: slices.length > 0 ? 'collapsed' : 'none' },
			children: slices,
		});
	}
	return out;
}

/** What the explorer would show for `items`: refreshing it is worth it only when this changes. */
export function itemsSignature(items: readonly ExplorerItem[]): string {
	const walk = (i: ExplorerItem): unknown[] => [i.node.id, i.presentation.label, i.presentation.description ?? '', i.presentation.icon.id, i.children.map(walk)];
	return JSON.stringify(items.map(walk));
}

// ---------------------------------------------------------------------------------------------------------------
// The adapter

/** What `connectKubernetesTools` needs from the rest of the extension. */
export interface KubernetesToolsOptions {
	/**
	 * The Kubernetes extension's kubeconfig, filtered by `kubeconfigFromReport`: use `path` for the `vs-kubernetes` step
	 * of the kubeconfig resolution (in place of reading `vs-kubernetes.kubeconfig`) and re-read; undefined: fall back
	 * to that setting, `$KUBECONFIG`, then `~/.kube/config` as without the extension. Called whenever the value differs
	 * from the last one reported, starting from undefined: on connecting only if it already differs, then after its
	 * switch-kubeconfig command or a change of its setting.
	 */
	onKubeconfigChanged(path: string | undefined): void;
	/**
	 * The Kubernetes extension switched to context `name` (undefined: none). Raw and heuristic — it may repeat the
	 * current one, and it comes once soon after connecting. Follow it with `contextToFollow` (which leaves the view
	 * alone if the user picked another context with our switcher) and without recording it as the user's pick.
	 */
	onContextChanged(name: string | undefined): void;
	/** Our side's state for the contributed folder, read fresh whenever it is expanded. */
	clusterView(): ClusterView;
	log: VSCode.LogOutputChannel;
}

/** A live connection to the Kubernetes extension. */
export class KubernetesToolsConnection extends Disposable {
	private readonly explorerState: ExplorerState = {};
	private lastKubeconfig: string | undefined;
	private shownSignature: string | undefined;
	private refreshTimer: ReturnType<typeof setTimeout> | undefined;

	/** @internal Built by `connectKubernetesTools`. */
	constructor(
		private readonly options: KubernetesToolsOptions,
		private readonly explorer: ClusterExplorerV1 | undefined,
	) {
		super();
		this._register(toDisposable(() => clearTimeout(this.refreshTimer)));
	}

	/** What the Kubernetes extension last reported: the explorer's context and namespace. */
	get reported(): Readonly<ExplorerState> {
		return this.explorerState;
	}

	/**
	 * Our data changed (a context switch, a connection phase, store changes): repaints the contributed folder if it was
	 * shown and would now look different. Coalesced; `refresh()` repaints the whole cluster explorer (and makes it
	 * re-run kubectl for what is expanded), so it is called only then.
	 */
	refreshExplorer(): void {
		if (!this.explorer || this.isDisposed || this.shownSignature === undefined) {
			return;
		}
		clearTimeout(this.refreshTimer);
		this.refreshTimer = setTimeout(() => {
			if (this.isDisposed || this.shownSignature === undefined) {
				return;
			}
			if (itemsSignature(this.items()) !== this.shownSignature) {
				this.shownSignature = undefined;
				this.explorer?.refresh();
			}
		}, 1000);
	}

	/** @internal The folder's children now; remembers what was shown. */
	render(): ExplorerItem[] {
		if (this.isDisposed) {
			return [];
		}
		const items = this.items();
		this.shownSignature = itemsSignature(items);
		return items;
	}

	/** @internal */
	reportKubeconfig(reported: ReportedKubeconfig | undefined, home: string): void {
		const p = kubeconfigFromReport(reported, { env: process.env, home });
		if (this.isDisposed || p === this.lastKubeconfig) {
			return;
		}
		this.lastKubeconfig = p;
		this.options.log.info(`kubernetes extension: kubeconfig ${p ?? '(its default: ours applies)'}`);
		this.options.onKubeconfigChanged(p);
	}

	/** @internal */
	reportContext(name: string | null | undefined): void {
		if (this.isDisposed) {
			return;
		}
		this.explorerState.context = name ?? undefined;
		this.options.onContextChanged(name ?? undefined);
		this.refreshExplorer();
	}

	/** @internal */
	reportNamespace(namespace: string | null | undefined): void {
		if (this.isDisposed) {
			return;
		}
		this.explorerState.namespace = namespace ?? undefined;
		this.refreshExplorer();
	}

	/** @internal */
	register<T extends VSCode.Disposable>(d: T): T {
		return this._register(d);
	}

	private items(): ExplorerItem[] {
		try {
			return explorerItems(this.options.clusterView(), this.explorerState);
		} catch (err) {
			this.options.log.warn(`kubernetes extension: cannot list slices: ${err instanceof Error ? err.message : String(err)}`);
			return [];
		}
	}
}

/**
 * The `vscode` module, loaded on first use so that the pure half of this file runs without VS Code. `require`, not
 * `import()`: esbuild leaves an external `import('vscode')` as a real ES import, which the extension host (1.95) does
 * not resolve — only `require('vscode')` is intercepted.
 */
function loadVscode(): typeof VSCode {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return require('vscode') as typeof VSCode;
}

/**
 * Connects to the Kubernetes extension if it is installed and offers the API versions used here (configuration v1_1,
 * cluster explorer v1). Resolves to undefined — having done nothing — when it is not installed, does not activate,
 * or offers neither; never rejects. It activates the Kubernetes extension, so call it lazily (when our view first
 * shows), once. The cluster explorer has no way to unregister a contributor: after `dispose()` the folder is empty.
 */
export async function connectKubernetesTools(options: KubernetesToolsOptions): Promise<KubernetesToolsConnection | undefined> {
	const log = options.log;
	try {
		const vscode = loadVscode();
		const extension = vscode.extensions.getExtension<APIBroker | undefined>(kubernetesExtensionId);
		if (!extension) {
			return undefined;
		}
		const broker = extension.isActive ? extension.exports : await extension.activate();
		if (typeof broker?.get !== 'function') {
			log.info('kubernetes extension: installed, but it offers no versioned API');
			return undefined;
		}
		const configuration = broker.get('configuration', 'v1_1');
		const clusterExplorer = broker.get('clusterexplorer', 'v1');
		if (!configuration.available) {
			log.info(`kubernetes extension: configuration API v1_1 unavailable (${configuration.reason})`);
		}
		if (!clusterExplorer.available) {
			log.info(`kubernetes extension: cluster explorer API v1 unavailable (${clusterExplorer.reason})`);
		}
		if (!configuration.available && !clusterExplorer.available) {
			return undefined;
		}
		const config = configuration.available ? (configuration.api as ConfigurationV1_1) : undefined;
		const explorer = clusterExplorer.available ? (clusterExplorer.api as ClusterExplorerV1) : undefined;
		const connection = new KubernetesToolsConnection(options, explorer);
		if (config) {
			followConfiguration(vscode, connection, config, log);
		}
		if (explorer) {
			await contributeSlicesFolder(connection, explorer);
		}
		log.info(`kubernetes extension: connected (${[config && 'kubeconfig and context', explorer && 'cluster explorer'].filter(Boolean).join(', ')})`);
		return connection;
	} catch (err) {
		log.warn(`kubernetes extension: not used: ${err instanceof Error ? err.message : String(err)}`);
		return undefined;
	}
}

function followConfiguration(vscode: typeof VSCode, connection: KubernetesToolsConnection, config: ConfigurationV1_1, log: VSCode.LogOutputChannel): void {
	const readPath = (): ReportedKubeconfig | undefined => {
		try {
			return config.getKubeconfigPath();
		} catch (err) {
			// With `vs-kubernetes.use-wsl` it runs wsl.exe, which can fail.
			log.warn(`kubernetes extension: getKubeconfigPath failed: ${err instanceof Error ? err.message : String(err)}`);
			return undefined;
		}
	};
	connection.reportKubeconfig(readPath(), homedir());
	// Events are optional members: older releases of the extension serve v1_1 without some of them.
	if (typeof config.onDidChangeKubeconfigPath === 'function') {
		connection.register(config.onDidChangeKubeconfigPath((p) => connection.reportKubeconfig(p, homedir())));
	}
	// Its switch-kubeconfig command writes its setting; a hand edit of the setting fires no event of its own.
	connection.register(
		vscode.workspace.onDidChangeConfiguration((e) => {
			if (e.affectsConfiguration('vs-kubernetes')) {
				connection.reportKubeconfig(readPath(), homedir());
			}
		}),
	);
	if (typeof config.onDidChangeContext === 'function') {
		connection.register(config.onDidChangeContext((name) => connection.reportContext(name)));
	}
	if (typeof config.onDidChangeNamespace === 'function') {
		connection.register(config.onDidChangeNamespace((ns) => connection.reportNamespace(ns)));
	}
}

async function contributeSlicesFolder(connection: KubernetesToolsConnection, explorer: ClusterExplorerV1): Promise<void> {
	const { toTreeItem } = await import('./servicesView');
	const toApiNode = (item: ExplorerItem): ClusterExplorerV1.Node => ({
		getChildren: async () => item.children.map(toApiNode),
		getTreeItem: () => {
			const treeItem = toTreeItem(item.node, item.presentation);
			// Ids are per tree: keep ours apart from anything the cluster explorer or other contributors use.
			treeItem.id = `endpointLens/${item.node.id}`;
			return treeItem;
		},
	});
	// Only `nodes()` is read: the grouping folder below pulls its children from it. `at()` completes the interface;
	// a custom source cannot be placed under a named folder (see the header).
	const source = (nodes: () => Promise<ClusterExplorerV1.Node[]>): ClusterExplorerV1.NodeSource => ({
		nodes,
		at: () => ({ contributesChildren: () => false, getChildren: async () => [] }),
		if: (condition) => source(async () => ((await condition()) ? nodes() : [])),
	});
	const slices = source(async () => connection.render().map(toApiNode));
	explorer.registerNodeContributor(explorer.nodeSources.groupingFolder(slicesFolderLabel, slicesFolderContextValue, slices).at(networkFolder));
}
