// The Kubernetes extension integration: which kubeconfig path it reports counts, when a context switch over there
// moves our view, and what the "Endpoint Slices" folder under its Network folder lists — then the adapter, against a
// stand-in for `vscode` and for the Kubernetes extension's API broker (the real one cannot be installed here).
import assert from 'node:assert/strict';
import Module from 'node:module';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { EndpointSlice, Service } from '../../src/core/k8s/types';
import { ClusterStore } from '../../src/core/store/store';
import type { ClusterView, ExplorerItem, KubernetesToolsOptions } from '../../src/extension/kubernetesTools';
import { connectKubernetesTools, contextToFollow, explorerItems, itemsSignature, kubeconfigFromReport } from '../../src/extension/kubernetesTools';
import { newEndpoint, newPod, newService, newSlice } from './support/builders';

const home = path.join(path.sep, 'home', 'me');
const host = (hostPath: string) => ({ pathType: 'host' as const, hostPath });

describe('kubernetes extension: kubeconfig path', () => {
	it('takes a path of its own (its setting) for the vs-kubernetes step', () => {
		assert.equal(kubeconfigFromReport(host('/work/kind.yaml'), { env: {}, home }), '/work/kind.yaml');
		assert.equal(kubeconfigFromReport(host('/work/kind.yaml'), { env: { KUBECONFIG: '/other' }, home }), '/work/kind.yaml');
	});

	it('ignores $KUBECONFIG echoed back verbatim, so that ours splits a list of files', () => {
		const list = ['/a/config', '/b/config'].join(path.delimiter);
		assert.equal(kubeconfigFromReport(host(list), { env: { KUBECONFIG: list }, home }), undefined);
		assert.equal(kubeconfigFromReport(host(' /a/config '), { env: { KUBECONFIG: '/a/config' }, home }), undefined);
	});

	it('ignores its default ~/.kube/config (a missing default is no error for us)', () => {
		assert.equal(kubeconfigFromReport(host(path.join(home, '.kube', 'config')), { env: {}, home }), undefined);
		const other = path.join(path.sep, 'users', 'me');
		assert.equal(kubeconfigFromReport(host(path.join(other, '.kube', 'config')), { env: { HOME: other }, home }), undefined);
	});

	it('ignores WSL paths, empty paths and no report', () => {
		assert.equal(kubeconfigFromReport({ pathType: 'wsl', wslPath: '/home/me/.kube/config' }, { env: {}, home }), undefined);
		assert.equal(kubeconfigFromReport(host('  '), { env: {}, home }), undefined);
		assert.equal(kubeconfigFromReport(undefined, { env: {}, home }), undefined);
	});
});

describe('kubernetes extension: following its context', () => {
	const contexts = ['kind', 'prod', 'staging'];

	it('follows when the user has not picked a context with our switcher', () => {
		assert.equal(contextToFollow({ reported: 'prod', chosen: undefined, active: 'kind', contexts }), 'prod');
	});

	it('stays when the user picked another context with our switcher', () => {
		assert.equal(contextToFollow({ reported: 'prod', chosen: 'staging', active: 'staging', contexts }), undefined);
	});

	it('follows to the context the user picked, and ignores a pick the kubeconfig no longer has', () => {
		assert.equal(contextToFollow({ reported: 'prod', chosen: 'prod', active: 'kind', contexts }), 'prod');
		assert.equal(contextToFollow({ reported: 'prod', chosen: 'gone', active: 'kind', contexts }), 'prod');
	});

	it('does nothing for the context already shown, an unknown context, or none', () => {
		assert.equal(contextToFollow({ reported: 'kind', chosen: undefined, active: 'kind', contexts }), undefined);
		assert.equal(contextToFollow({ reported: 'elsewhere', chosen: undefined, active: 'kind', contexts }), undefined);
		assert.equal(contextToFollow({ reported: undefined, chosen: undefined, active: 'kind', contexts }), undefined);
	});
});

// ---------------------------------------------------------------------------------------------------------------

const web = (ns = 'default'): Service =>
	newService('web', { namespace: ns, clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] });
const webPod = (n: number, ready = true, ns = 'default') =>
	newPod(n, { namespace: ns, labels: { app: 'web' }, ready, containerPorts: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] });

function storeWith(services: Service[], slices: EndpointSlice[]): ClusterStore {
	const store = new ClusterStore({ schedule: () => undefined });
	store.applyAll([
		{ type: 'LIST', kind: 'Service', objects: services },
		{ type: 'LIST', kind: 'EndpointSlice', objects: slices.map((s) => ({ ...s, metadata: { ...s.metadata, uid: `uid-${s.metadata?.namespace}-${s.metadata?.name}` } })) },
	]);
	return store;
}

function cluster(): ClusterStore {
	const svc = web();
	return storeWith(
		[svc, newService('db', { namespace: 'default', clusterIP: '10.96.0.11', clusterIPs: ['10.96.0.11'], selector: null, ports: [] }), web('shop')],
		[
			newSlice(2, svc, { addressType: 'IPv6', endpoints: [newEndpoint(webPod(1), { addressType: 'IPv6' })] }),
			newSlice(1, svc, { endpoints: [newEndpoint(webPod(1)), newEndpoint(webPod(2, false))] }),
			newSlice(1, web('shop'), { endpoints: [newEndpoint(webPod(3, true, 'shop'))] }),
		],
	);
}

function viewOf(store: ClusterStore, extra: Partial<ClusterView> = {}): ClusterView {
	return { active: 'kind', currentContext: 'kind', namespace: 'default', connection: { phase: 'ready' }, store, ...extra };
}

/** `label — description` of every item, children indented. */
function lines(items: readonly ExplorerItem[], indent = ''): string[] {
	return items.flatMap((i) => [
		`${indent}${i.presentation.label}${i.presentation.description ? ` — ${i.presentation.description}` : ''}`,
		...lines(i.children, `${indent}  `),
	]);
}

describe('kubernetes extension: the Endpoint Slices folder', () => {
	it('lists the Services of the namespace, each with its slices as leaves (addressType · ports · n/m ready)', () => {
		const items = explorerItems(viewOf(cluster()));
		assert.deepEqual(lines(items), [
			'db — no selector · 0/0 ready · 0 slices',
			'web — 1/2 ready · 2 slices',
			'  web-1 — IPv4 · http 8080/TCP · 1/2 ready',
			'  web-2 — IPv6 · http 8080/TCP · 1/1 ready',
		]);
		const web = items[1]!;
		assert.equal(web.presentation.collapsible, 'collapsed');
		assert.ok(web.children.every((c) => c.presentation.collapsible === 'none' && c.children.length === 0));
		assert.equal(items[0]!.presentation.collapsible, 'none', 'a Service without slices is a leaf');
		assert.match(web.children[0]!.presentation.tooltip ?? '', /EndpointSlice default\/web\\-1/);
	});

	it('lists the namespace the Kubernetes extension reported over the context default', () => {
		assert.deepEqual(lines(explorerItems(viewOf(cluster()), { namespace: 'shop' })), ['web — 1/1 ready · 1 slice', '  web-1 — IPv4 · http 8080/TCP · 1/1 ready']);
		assert.deepEqual(lines(explorerItems(viewOf(cluster()), { namespace: 'empty' })), ['No Services in namespace empty']);
	});

	it('names the namespace of every Service when listing all namespaces', () => {
		assert.deepEqual(
			explorerItems(viewOf(cluster(), { namespace: undefined })).map((i) => i.presentation.label),
			['default/db', 'default/web', 'shop/web'],
		);
	});

	it('says so when Endpoint Lens shows another context than the explorer, with a command to switch', () => {
		for (const [view, reported] of [
			[viewOf(cluster(), { active: 'kind', currentContext: 'prod' }), {}],
			[viewOf(cluster()), { context: 'prod' }],
		] as const) {
			const items = explorerItems(view, reported);
			assert.deepEqual(lines(items), ['Endpoint Lens shows context kind']);
			assert.deepEqual(items[0]!.presentation.command, { id: 'endpointLens.switchContext', title: 'Show prod in Endpoint Lens', args: ['prod'] });
		}
	});

	it('shows loading and errors of our connection instead of Services', () => {
		assert.deepEqual(lines(explorerItems(viewOf(cluster(), { connection: { phase: 'syncing', message: 'Loading 2/5…' } }))), ['Loading 2/5…']);
		const failed = explorerItems(viewOf(cluster(), { connection: { phase: 'error', message: 'Unauthorized' } }));
		assert.deepEqual(lines(failed), ['Unauthorized']);
		assert.equal(failed[0]!.presentation.icon.id, 'error');
	});

	it('asks to open our view when nothing is loaded, and marks a snapshot when the view is closed', () => {
		const empty = explorerItems(viewOf(new ClusterStore(), { connection: { phase: 'idle' } }));
		assert.deepEqual(lines(empty), ['Open the Endpoint Lens view to load EndpointSlices']);
		assert.equal(empty[0]!.presentation.command?.id, 'endpointLens.services.focus');
		const snapshot = explorerItems(viewOf(cluster(), { connection: { phase: 'idle' } }));
		assert.equal(snapshot[0]!.presentation.label, 'As of when the Endpoint Lens view was last open');
		assert.deepEqual(snapshot.slice(1).map((i) => i.presentation.label), ['db', 'web']);
		assert.deepEqual(lines(explorerItems(viewOf(new ClusterStore(), { active: undefined, currentContext: undefined }))), ['Endpoint Lens has no kubeconfig context']);
	});

	it('gives unique ids, and a signature that changes only when what shows changes', () => {
		const store = cluster();
		const items = explorerItems(viewOf(store));
		const ids = (function all(list: readonly ExplorerItem[]): string[] {
			return list.flatMap((i) => [i.node.id, ...all(i.children)]);
		})(items);
		assert.equal(new Set(ids).size, ids.length);
		assert.equal(itemsSignature(explorerItems(viewOf(store))), itemsSignature(items));
		const svc = web();
		const fewer = storeWith([svc], [newSlice(1, svc, { endpoints: [newEndpoint(webPod(1))] })]);
		assert.notEqual(itemsSignature(explorerItems(viewOf(fewer))), itemsSignature(items));
	});
});

// ---------------------------------------------------------------------------------------------------------------
// The adapter, against stand-ins

type Listener<T> = (value: T) => void;

class Emitter<T> {
	private listeners: Listener<T>[] = [];
	readonly event = (listener: Listener<T>) => {
		this.listeners.push(listener);
		return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
	};
	fire(value: T): void {
		this.listeners.forEach((l) => l(value));
	}
	get count(): number {
		return this.listeners.length;
	}
}

interface FakeNode {
	getChildren(): Promise<FakeNode[]>;
	getTreeItem(): { label: string; description?: string; collapsibleState: number; id?: string };
}

/** The Kubernetes extension as its API broker shows it; `undefined` fields make that API version unavailable. */
function fakeKubernetes(opts: { configuration?: boolean; explorer?: boolean; kubeconfig?: string } = {}) {
	const kubeconfig = { path: opts.kubeconfig ?? path.join(homedir(), '.kube', 'config') };
	const events = { kubeconfig: new Emitter<unknown>(), context: new Emitter<string | null>(), namespace: new Emitter<string>() };
	const registered: { folder: string | undefined; label: string; contextValue: string | undefined; children: { nodes(): Promise<FakeNode[]> }[] }[] = [];
	let refreshes = 0;
	const configuration = {
		getKubeconfigPath: () => ({ pathType: 'host', hostPath: kubeconfig.path }),
		onDidChangeKubeconfigPath: events.kubeconfig.event,
		onDidChangeContext: events.context.event,
		onDidChangeNamespace: events.namespace.event,
	};
	const explorer = {
		nodeSources: {
			groupingFolder: (label: string, contextValue: string | undefined, ...children: { nodes(): Promise<FakeNode[]> }[]) => ({
				at: (folder: string | undefined) => ({ folder, label, contextValue, children }),
			}),
		},
		registerNodeContributor: (c: (typeof registered)[number]) => registered.push(c),
		refresh: () => refreshes++,
	};
	const broker = {
		get(component: string, version: string) {
			if (component === 'configuration' && version === 'v1_1' && opts.configuration !== false) {
				return { available: true, api: configuration };
			}
			if (component === 'clusterexplorer' && version === 'v1' && opts.explorer !== false) {
				return { available: true, api: explorer };
			}
			return { available: false, reason: 'version-unknown' };
		},
	};
	return { broker, kubeconfig, events, registered, refreshes: () => refreshes };
}

/** What `require('vscode')` returns in these tests; `extension` is what `getExtension` finds. */
const fakeVscode = {
	extension: undefined as undefined | { isActive: boolean; exports: unknown; activate(): Promise<unknown> },
	activations: 0,
	configuration: new Emitter<{ affectsConfiguration(section: string): boolean }>(),
};
const vscodeModule = {
	extensions: {
		getExtension: (id: string) => (id === 'ms-kubernetes-tools.vscode-kubernetes-tools' ? fakeVscode.extension : undefined),
	},
	workspace: { onDidChangeConfiguration: fakeVscode.configuration.event },
	TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
	TreeItem: class {
		id?: string;
		description?: string;
		constructor(
			public label: string,
			public collapsibleState: number,
		) {}
	},
	MarkdownString: class {
		constructor(public value: string) {}
	},
	ThemeIcon: class {
		constructor(public id: string) {}
	},
	ThemeColor: class {
		constructor(public id: string) {}
	},
};
const moduleLoader = Module as unknown as { _load(request: string, ...rest: unknown[]): unknown };
const load = moduleLoader._load;
moduleLoader._load = function (request: string, ...rest: unknown[]) {
	return request === 'vscode' ? vscodeModule : load.call(this, request, ...rest);
};

function install(broker: unknown, active = false): void {
	fakeVscode.activations = 0;
	fakeVscode.extension = {
		isActive: active,
		exports: active ? broker : undefined,
		activate: async () => {
			fakeVscode.activations++;
			return broker;
		},
	};
}

function optionsOf(view: () => ClusterView) {
	const calls = { kubeconfig: [] as (string | undefined)[], context: [] as (string | undefined)[], warnings: [] as string[] };
	const log = { info: () => undefined, warn: (m: string) => calls.warnings.push(m) } as unknown as KubernetesToolsOptions['log'];
	const options: KubernetesToolsOptions = {
		onKubeconfigChanged: (p) => calls.kubeconfig.push(p),
		onContextChanged: (n) => calls.context.push(n),
		clusterView: view,
		log,
	};
	return { options, calls };
}

async function render(nodes: FakeNode[], indent = ''): Promise<string[]> {
	const out: string[] = [];
	for (const n of nodes) {
		const item = n.getTreeItem();
		out.push(`${indent}${item.label}${item.description ? ` — ${item.description}` : ''}`, ...(await render(await n.getChildren(), `${indent}  `)));
	}
	return out;
}

describe('kubernetes extension: connecting', () => {
	it('does nothing without the extension, and never rejects', async () => {
		fakeVscode.extension = undefined;
		const { options, calls } = optionsOf(() => viewOf(cluster()));
		assert.equal(await connectKubernetesTools(options), undefined);
		fakeVscode.extension = { isActive: false, exports: undefined, activate: () => Promise.reject(new Error('activation failed')) };
		assert.equal(await connectKubernetesTools(options), undefined);
		assert.match(calls.warnings.join('\n'), /activation failed/);
		install({ notABroker: true });
		assert.equal(await connectKubernetesTools(options), undefined);
		install(fakeKubernetes({ configuration: false, explorer: false }).broker);
		assert.equal(await connectKubernetesTools(options), undefined);
		assert.deepEqual(calls.kubeconfig, []);
	});

	it('activates the extension only when asked, and only if it is not active yet', async () => {
		const k8s = fakeKubernetes();
		install(k8s.broker, true);
		const { options } = optionsOf(() => viewOf(cluster()));
		(await connectKubernetesTools(options))?.dispose();
		assert.equal(fakeVscode.activations, 0);
		install(k8s.broker, false);
		(await connectKubernetesTools(options))?.dispose();
		assert.equal(fakeVscode.activations, 1);
	});

	it('adds "Endpoint Slices" under the folder named Network, with Services and their slices', async () => {
		const k8s = fakeKubernetes();
		install(k8s.broker);
		const { options } = optionsOf(() => viewOf(cluster()));
		const connection = await connectKubernetesTools(options);
		assert.ok(connection);
		assert.equal(k8s.registered.length, 1);
		const [folder] = k8s.registered;
		assert.deepEqual([folder!.folder, folder!.label, folder!.contextValue], ['Network', 'Endpoint Slices', 'endpointLens:kubernetesSlices']);
		const nodes = (await Promise.all(folder!.children.map((c) => c.nodes()))).flat();
		assert.deepEqual(await render(nodes), [
			'db — no selector · 0/0 ready · 0 slices',
			'web — 1/2 ready · 2 slices',
			'  web-1 — IPv4 · http 8080/TCP · 1/2 ready',
			'  web-2 — IPv6 · http 8080/TCP · 1/1 ready',
		]);
		assert.ok(nodes.every((n) => n.getTreeItem().id?.startsWith('endpointLens/')));
		connection.dispose();
		assert.deepEqual(await folder!.children[0]!.nodes(), [], 'the contributor cannot be unregistered: it goes empty');
	});

	it('reports its kubeconfig only when it differs from ours, and then each change', async () => {
		const k8s = fakeKubernetes({ kubeconfig: '/work/kind.yaml' });
		install(k8s.broker);
		const { options, calls } = optionsOf(() => viewOf(cluster()));
		const connection = await connectKubernetesTools(options);
		assert.deepEqual(calls.kubeconfig, ['/work/kind.yaml']);
		k8s.events.kubeconfig.fire({ pathType: 'host', hostPath: '/work/kind.yaml' });
		assert.deepEqual(calls.kubeconfig, ['/work/kind.yaml'], 'a repeat is not reported');
		k8s.events.kubeconfig.fire({ pathType: 'host', hostPath: path.join(homedir(), '.kube', 'config') });
		k8s.kubeconfig.path = '/work/other.yaml';
		fakeVscode.configuration.fire({ affectsConfiguration: (s) => s === 'editor' });
		fakeVscode.configuration.fire({ affectsConfiguration: (s) => s === 'vs-kubernetes' });
		assert.deepEqual(calls.kubeconfig, ['/work/kind.yaml', undefined, '/work/other.yaml']);
		connection?.dispose();
		assert.equal(k8s.events.kubeconfig.count + fakeVscode.configuration.count + k8s.events.context.count, 0, 'dispose unsubscribes');
	});

	it('passes its context changes on, and lists the namespace it reports', async () => {
		const k8s = fakeKubernetes();
		install(k8s.broker);
		const { options, calls } = optionsOf(() => viewOf(cluster()));
		const connection = await connectKubernetesTools(options);
		assert.deepEqual(calls.kubeconfig, [], 'its default kubeconfig is ours: nothing to report');
		k8s.events.context.fire('prod');
		k8s.events.context.fire(null);
		assert.deepEqual(calls.context, ['prod', undefined]);
		k8s.events.namespace.fire('shop');
		assert.deepEqual(connection?.reported, { context: undefined, namespace: 'shop' });
		const nodes = (await Promise.all(k8s.registered[0]!.children.map((c) => c.nodes()))).flat();
		assert.deepEqual(await render(nodes), ['web — 1/1 ready · 1 slice', '  web-1 — IPv4 · http 8080/TCP · 1/1 ready']);
		connection?.dispose();
	});

	it('refreshes the cluster explorer only after the folder showed, and only when it would look different', async (t) => {
		t.mock.timers.enable({ apis: ['setTimeout'] });
		const k8s = fakeKubernetes();
		install(k8s.broker);
		let view = viewOf(cluster());
		const { options } = optionsOf(() => view);
		const connection = await connectKubernetesTools(options);
		assert.ok(connection);
		connection.refreshExplorer();
		t.mock.timers.tick(2000);
		assert.equal(k8s.refreshes(), 0, 'never shown');
		await k8s.registered[0]!.children[0]!.nodes();
		connection.refreshExplorer();
		t.mock.timers.tick(2000);
		assert.equal(k8s.refreshes(), 0, 'unchanged');
		view = viewOf(cluster(), { connection: { phase: 'error', message: 'Unauthorized' } });
		connection.refreshExplorer();
		connection.refreshExplorer();
		t.mock.timers.tick(2000);
		assert.equal(k8s.refreshes(), 1, 'changed: one coalesced refresh');
		connection.refreshExplorer();
		t.mock.timers.tick(2000);
		assert.equal(k8s.refreshes(), 1, 'not shown again since');
		connection.dispose();
	});
});
