/**
 * The Services tree inside a real extension host, on the playground fed by the workspace (a copy of `examples/`):
 * contributions, tree contents through the real TreeDataProvider, commands on tree nodes, and read-only YAML.
 */

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TreeNode } from '../../src/core/views/servicesTree';
import type { EndpointLensApi } from '../../src/extension/extension';
import { treeReader } from './support/tree';

const extensionId = 'endpoint-lens.endpoint-lens';

let api: EndpointLensApi;

async function activate(): Promise<EndpointLensApi> {
	const ext = vscode.extensions.getExtension<EndpointLensApi>(extensionId);
	assert.ok(ext, `${extensionId} is not installed`);
	return ext.activate();
}

/** Runs the simulated kubelet to the end and delivers the store's pending change. */
function settle(): void {
	api.playground.controlPlane?.settle();
	api.playground.store.flush();
}

const { children, label, description } = treeReader(() => api);

/** The Playground's row (after the kube contexts' rows, when a kubeconfig is present). */
function playgroundRow(): TreeNode {
	const row = children().find((n) => n.type === 'source' && n.sourceId === 'playground');
	assert.ok(row, 'the Playground row is shown');
	return row;
}

function service(name: string): TreeNode {
	const source = playgroundRow();
	const ns = children(source).find((n) => n.type === 'namespace' && n.namespace === 'default');
	assert.ok(ns, 'namespace default is shown');
	const svc = children(ns).find((n) => n.type === 'service' && n.name === name);
	assert.ok(svc, `Service ${name} is shown`);
	return svc;
}

suite('Services tree on the playground', () => {
	suiteSetup(async function () {
		this.timeout(60_000);
		api = await activate();
		await vscode.commands.executeCommand('endpointLens.services.focus');
		await api.playground.start();
		settle();
	});

	test('contributes the view container, the view and every command it handles', async () => {
		const pkg = vscode.extensions.getExtension(extensionId)!.packageJSON as {
			contributes: { viewsContainers: { activitybar: { id: string }[] }; views: Record<string, { id: string }[]>; commands: { command: string }[] };
		};
		assert.deepEqual(pkg.contributes.viewsContainers.activitybar.map((c) => c.id), ['endpointLens']);
		assert.deepEqual(pkg.contributes.views.endpointLens!.map((v) => v.id), ['endpointLens.services']);
		const registered = new Set(await vscode.commands.getCommands(true));
		for (const c of pkg.contributes.commands) {
			assert.ok(registered.has(c.command), `${c.command} is registered`);
		}
	});

	test('shows the Playground, reading the workspace manifests', () => {
		const row = playgroundRow();
		assert.equal(label(row), 'Playground');
		assert.match(description(row), /^9 workspace files · 9 Services$/);
		const namespaces = children(row).filter((n) => n.type === 'namespace');
		assert.deepEqual(namespaces.map(label), ['default']);
	});

	test('lists the examples’ Services with their counts', () => {
		const source = playgroundRow();
		const ns = children(source).find((n) => n.type === 'namespace')!;
		const shown = Object.fromEntries(children(ns).map((n) => [label(n), description(n)]));
		assert.deepEqual(shown, {
			api: '4/4 ready · 2 slices',
			db: 'headless · 3/3 ready · 1 slice',
			echo: '2/2 ready · 2 slices',
			fleet: '250/250 ready · 3 slices',
			'legacy-db': 'no selector · 2/3 ready · 1 slice',
			payments: 'ExternalName → payments.example.com',
			peers: 'headless · 3/3 ready · 1 slice',
			'shop-metrics': '2/2 ready · 1 slice',
			web: '3/3 ready · 1 slice',
		});
	});

	test('expands a Service into its Endpoints and slices, and a slice into endpoints', () => {
		const kids = children(service('web'));
		assert.deepEqual(kids.map((k) => k.type), ['endpoints', 'slice']);
		assert.match(description(kids[1]!), /^IPv4 · http 8080\/TCP · 3\/3 ready$/);
		const eps = children(kids[1]!);
		assert.equal(eps.length, 3);
		for (const e of eps) {
			const item = api.tree.getTreeItem(e);
			assert.match(String(item.label), /^10\.244\.\d+\.\d+$/);
			assert.match(String(item.description), /^ready · node-\d · zone-[abc] · web-/);
			assert.equal((item.iconPath as vscode.ThemeIcon).id, 'pass-filled');
			assert.equal(item.contextValue, 'endpointLens:endpoint+ready+pod+playground');
		}
		const fleet = children(service('fleet')).filter((k) => k.type === 'slice');
		assert.deepEqual(fleet.map((s) => children(s).length).sort((a, b) => b - a), [100, 100, 50]);
	});

	test('a pod marked not ready shows as not ready, and ready again', async () => {
		const slice = children(service('web')).find((k) => k.type === 'slice')!;
		const first = children(slice)[0]!;
		await vscode.commands.executeCommand('endpointLens.playground.markPodNotReady', first);
		settle();
		const after = children(slice).find((e) => e.id === first.id)!;
		assert.match(description(after), /^not ready · /);
		assert.equal(description(service('web')), '2/3 ready · 1 slice');
		await vscode.commands.executeCommand('endpointLens.playground.markPodReady', after);
		settle();
		assert.equal(description(service('web')), '3/3 ready · 1 slice');
	});

	test('a terminating pod is a terminating, serving endpoint until its grace period ends', async () => {
		const slice = children(service('shop-metrics')).find((k) => k.type === 'slice')!;
		const victim = children(slice)[0]!;
		await vscode.commands.executeCommand('endpointLens.playground.terminatePod', victim);
		api.playground.store.flush();
		const during = children(slice).find((e) => e.id === victim.id);
		assert.ok(during, 'the endpoint stays while the pod terminates');
		assert.match(description(during), /^terminating, serving · /);
		assert.equal(description(service('shop-metrics')), '1/2 ready · 1 slice');
		settle();
		assert.equal(description(service('shop-metrics')), '2/2 ready · 1 slice', 'a replacement pod is ready');
		assert.ok(!children(slice).some((e) => e.id === victim.id), 'the terminated pod is gone');
	});

	test('removing every pod leaves an empty slice and a flagged Service', async () => {
		await vscode.commands.executeCommand('endpointLens.playground.removeAllPods', service('echo'));
		settle();
		const svc = service('echo');
		assert.equal(api.tree.getTreeItem(svc).contextValue, 'endpointLens:service+playground+selectsNothing');
		const kids = children(svc);
		assert.equal(kids[0]!.type, 'message');
		assert.equal(label(kids[0]!), 'Selector app=echo matches no pod in namespace default.');
		const slices = kids.filter((k) => k.type === 'slice');
		assert.equal(slices.length, 2, 'the IPv4 and IPv6 slices stay, empty');
		for (const s of slices) {
			assert.equal(label(children(s)[0]!), 'No endpoints in this slice');
		}
	});

	test('opens a slice as read-only YAML that follows the store', async () => {
		const slice = children(service('web')).find((k) => k.type === 'slice')!;
		await vscode.commands.executeCommand('endpointLens.openYaml', slice);
		const editor = vscode.window.activeTextEditor;
		assert.ok(editor, 'an editor opened');
		assert.equal(editor.document.uri.scheme, 'endpoint-lens');
		assert.equal(editor.document.languageId, 'yaml');
		const text = editor.document.getText();
		assert.match(text, /^# EndpointSlice default\/web-\w+, as the Endpoint Lens playground holds it now \(read-only\)\.$/m);
		assert.match(text, /^addressType: IPv4$/m);
		assert.match(text, /^kind: EndpointSlice$/m);
		await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
	});

	test('copies an endpoint address to the clipboard', async () => {
		const slice = children(service('db')).find((k) => k.type === 'slice')!;
		const ep = children(slice)[0]!;
		await vscode.commands.executeCommand('endpointLens.copyAddress', ep);
		assert.equal(await vscode.env.clipboard.readText(), label(ep));
	});

	test('coalesces a burst of changes into one tree refresh', async () => {
		const fired: unknown[] = [];
		const sub = api.tree.onDidChangeTreeData((e) => fired.push(e));
		try {
			const cp = api.playground.controlPlane!;
			for (const p of cp.pods().filter((p) => p.metadata?.labels?.app === 'api')) {
				cp.setPodReady(p.metadata!.namespace!, p.metadata!.name!, false);
			}
			await new Promise((r) => setTimeout(r, 400));
			assert.equal(fired.length, 1, 'one refresh for the whole burst');
			assert.equal(description(service('api')), '0/4 ready · 2 slices');
		} finally {
			sub.dispose();
		}
	});

	test('filters namespaces and says so in the view', async () => {
		await api.setNamespaceFilter(['kube-system']);
		try {
			const kids = children(playgroundRow());
			assert.deepEqual(kids.map(label), ['No Services in the filtered namespaces']);
			assert.equal(api.treeView.message, 'Namespaces: kube-system');
			await api.setNamespaceFilter(['default']);
			assert.deepEqual(children(playgroundRow()).map(label), ['default']);
		} finally {
			await api.setNamespaceFilter([]);
		}
		assert.equal(api.treeView.message, undefined);
	});

	test('shows a manifest error without losing the rest, and re-applies when the file is fixed', async () => {
		const folder = vscode.workspace.workspaceFolders![0]!.uri;
		const broken = vscode.Uri.joinPath(folder, 'zz-broken.yaml');
		const ok = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: late\nspec:\n  selector:\n    app.kubernetes.io/name: web\n  ports:\n    - port: 80\n      targetPort: 8080\n';
		await vscode.workspace.fs.writeFile(broken, new TextEncoder().encode('apiVersion: v1\nkind: Service\nmetadata:\n  name: late\nspec: [unclosed\n'));
		try {
			await api.playground.reapply();
			settle();
			const source = playgroundRow();
			const first = children(source)[0]!;
			assert.equal(first.type, 'message');
			assert.match(label(first), /^1 manifest problem: those objects were not applied$/);
			assert.equal(children(children(source).find((n) => n.type === 'namespace')!).length, 9, 'the other Services stay');
			const doc = await vscode.workspace.openTextDocument(broken);
			const editor = await vscode.window.showTextDocument(doc);
			await editor.edit((b) => b.replace(new vscode.Range(0, 0, doc.lineCount, 0), ok));
			const reapplied = new Promise<void>((resolve) => {
				const sub = api.playground.onDidChangeState(() => {
					if (api.playground.treeSource([]).notices.length === 0) {
						sub.dispose();
						resolve();
					}
				});
			});
			await doc.save();
			await reapplied;
			settle();
			assert.equal(description(service('late')), '3/3 ready · 1 slice', 'saving the fixed file applied it');
			await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
		} finally {
			await vscode.workspace.fs.delete(broken);
			await api.playground.reapply();
			settle();
		}
		assert.equal(children(children(playgroundRow()).find((n) => n.type === 'namespace')!).length, 9, 'pruned again');
	});
});
