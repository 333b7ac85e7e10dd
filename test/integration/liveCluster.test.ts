/**
 * Kube contexts in a real extension host, against the project's test API server (test/support/apiserver), which
 * scripts/runVSCodeTests.mjs starts with `--playground` over examples/ and hands to code-server through $KUBECONFIG.
 * On a desktop run without that server the suite says so and fails, rather than passing on nothing.
 */

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { EndpointLensApi } from '../../src/extension/extension';
import type { PlanRun } from '../../src/extension/planCommand';
import { eventually, treeReader } from './support/tree';

let api: EndpointLensApi;

const { children, label, description, root } = treeReader(() => api);


suite('Kube contexts from the test API server', () => {
	suiteSetup(async function () {
		this.timeout(60_000);
		assert.ok(process.env.KUBECONFIG, 'KUBECONFIG is set by the test runner to the test API server’s kubeconfig');
		const ext = vscode.extensions.getExtension<EndpointLensApi>('endpoint-lens.endpoint-lens');
		assert.ok(ext);
		api = await ext.activate();
		await vscode.commands.executeCommand('endpointLens.services.focus');
	});

	test('lists every context, the current one first-class, and the playground collapsed after them', async () => {
		await eventually(() => assert.ok(api.live.contextList.length > 0));
		const roots = children().map(label);
		assert.deepEqual(roots.slice(0, -1).sort(), api.live.contextList.map((c) => c.name).sort());
		assert.equal(roots.at(-1), 'Playground');
		assert.equal(api.live.active, 'test');
		const inactive = api.tree.getTreeItem(root('unreachable'));
		assert.equal(inactive.collapsibleState, vscode.TreeItemCollapsibleState.None);
		assert.equal(inactive.command?.command, 'endpointLens.switchContext');
		assert.equal(api.tree.getTreeItem(root('Playground')).collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
	});

	test('shows the cluster’s Services with the slices the controllers wrote', async function () {
		this.timeout(30_000);
		children(root('test')); // expanding the row connects
		const web = await eventually(() => {
			const ns = children(root('test')).find((n) => n.type === 'namespace' && n.namespace === 'default');
			assert.ok(ns, `namespace default under test: ${children(root('test')).map(label).join(', ')}`);
			const svc = children(ns).find((n) => n.type === 'service' && n.name === 'web');
			assert.ok(svc);
			assert.equal(description(svc), '3/3 ready · 1 slice');
			return svc;
		}, 25_000);
		const slice = children(web).find((n) => n.type === 'slice');
		assert.ok(slice);
		assert.equal(children(slice).length, 3);
		assert.match(description(root('test')), /^https:\/\/127\.0\.0\.1:\d+ · \d+ Services$/);
	});

	test('an unreachable context says why, and switching back reconnects', async function () {
		this.timeout(30_000);
		await vscode.commands.executeCommand('endpointLens.switchContext', 'context:unreachable');
		assert.equal(api.live.active, 'unreachable');
		children(root('unreachable'));
		const msg = await eventually(() => {
			assert.equal(description(root('unreachable')), 'error');
			const kids = children(root('unreachable'));
			assert.equal(kids.length, 1);
			assert.equal(kids[0]!.type, 'message');
			return label(kids[0]!);
		});
		assert.match(msg, /^Cannot reach https:\/\/127\.0\.0\.1:\d+: /);
		await vscode.commands.executeCommand('endpointLens.switchContext', 'context:test');
		children(root('test'));
		await eventually(() => assert.match(description(root('test')), / · \d+ Services$/), 25_000);
	});

	test('a pod readiness change in the cluster reaches the tree without a refresh', async function () {
		this.timeout(30_000);
		const control = process.env.ENDPOINT_LENS_TEST_CONTROL_URL;
		assert.ok(control, 'the runner passes the test API server’s control URL');
		const slice = await eventually(() => {
			const ns = children(root('test')).find((n) => n.type === 'namespace' && n.namespace === 'default')!;
			const svc = children(ns).find((n) => n.type === 'service' && n.name === 'web')!;
			const s = children(svc).find((n) => n.type === 'slice');
			assert.ok(s);
			return s;
		}, 25_000);
		const first = children(slice)[0]!;
		const pod = api.tree.getTreeItem(first).description?.toString().split(' · ').at(-1);
		assert.match(pod ?? '', /^web-/);
		const fired: unknown[] = [];
		const sub = api.tree.onDidChangeTreeData((e) => fired.push(e));
		try {
			const res = await fetch(`${control}/pods/default/${pod}/ready?value=false`, { method: 'POST' });
			assert.equal(res.status, 204);
			await eventually(() => {
				const now = children(slice).find((e) => e.id === first.id);
				assert.ok(now);
				assert.match(description(now), /^not ready · /);
			});
			// Live stores gather changes for up to `liveNotifyDelayMs` before they notify: the refresh follows shortly.
			await eventually(() => assert.ok(fired.length > 0, 'the tree was told to refresh'));
		} finally {
			sub.dispose();
			await fetch(`${control}/pods/default/${pod}/ready?value=true`, { method: 'POST' });
		}
	});

	test('Plan Slices for This File: no changes for the files as applied, then exactly the scale-up of an unsaved edit', async function () {
		this.timeout(60_000);
		assert.equal(api.live.active, 'test');
		const folder = vscode.workspace.workspaceFolders![0]!.uri;
		const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, 'web.yaml'));
		await vscode.window.showTextDocument(doc);
		const same = await vscode.commands.executeCommand<PlanRun | undefined>('endpointLens.planFile', doc.uri);
		assert.ok(same, 'the plan ran');
		assert.equal(same.context, 'test');
		assert.equal(same.result.plan.hasChanges, false, JSON.stringify(same.result.plan.summary));
		const text = (await vscode.workspace.openTextDocument(same.text)).getText();
		assert.match(text, /No changes/);
		const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
		assert.ok(
			tabs.some((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === same.after.toString()),
			'a diff editor shows the live slices against the planned ones',
		);

		const line = doc.getText().split('\n').findIndex((l) => l.trim() === 'replicas: 3');
		assert.ok(line >= 0);
		const edit = new vscode.WorkspaceEdit();
		edit.replace(doc.uri, doc.lineAt(line).range, '  replicas: 5');
		assert.ok(await vscode.workspace.applyEdit(edit));
		try {
			const up = await vscode.commands.executeCommand<PlanRun | undefined>('endpointLens.planFile', doc.uri);
			assert.ok(up);
			const web = up.result.plan.services.find((s) => s.namespace === 'default' && s.name === 'web');
			assert.ok(web, 'the plan covers Service web');
			assert.deepEqual(
				web.slices.map((s) => [s.action, s.endpointsBefore, s.endpointsAfter]),
				[['update', 3, 5]],
			);
			assert.equal(web.slices[0]!.added.length, 2);
			assert.equal(web.slices[0]!.removed.length, 0);
			const planText = (await vscode.workspace.openTextDocument(up.text)).getText();
			assert.match(planText, /1 to update/);
			const after = (await vscode.workspace.openTextDocument(up.after)).getText();
			const before = (await vscode.workspace.openTextDocument(up.before)).getText();
			assert.equal((after.match(/targetRef:/g) ?? []).length - (before.match(/targetRef:/g) ?? []).length, 2);
		} finally {
			// The line back, saved: the document is clean and the disk unchanged for the suites that follow.
			const back = new vscode.WorkspaceEdit();
			back.replace(doc.uri, doc.lineAt(line).range, '  replicas: 3');
			assert.ok(await vscode.workspace.applyEdit(back));
			// VS Code may see the text is the saved one again and clear the dirty flag itself: then there is nothing to save.
			if (doc.isDirty) {
				await doc.save();
			}
			await eventually(() => assert.equal(doc.isDirty, false));
			const disk = new TextDecoder().decode(await vscode.workspace.fs.readFile(doc.uri));
			assert.equal(disk, doc.getText(), 'the disk holds web.yaml as it was');
		}
	});

	test('a hover on a manifest Service, with the context connected, counts the live pods and compares with the live slices', async function () {
		this.timeout(60_000);
		const folder = vscode.workspace.workspaceFolders![0]!.uri;
		const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, 'web.yaml'));
		await vscode.window.showTextDocument(doc);
		await api.previews.whenIdle();
		const at = doc.positionAt(doc.getText().indexOf('name: web', doc.getText().indexOf('kind: Service')) + 7);
		const text = await eventually(async () => {
			const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at);
			const md = hovers.flatMap((h) => h.contents).map((c) => (typeof c === 'string' ? c : c.value)).join('\n');
			assert.match(md, /context test|\(test\)/, md);
			return md;
		});
		assert.match(text, /[Ll]ive/);
	});
});

