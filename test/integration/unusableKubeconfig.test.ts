/**
 * Kubeconfigs that cannot work (issue 7), in a real extension host: `endpointLens.kubeconfig` is pointed at broken
 * files written to a temporary directory, and the tree must say what is wrong on the row it breaks, naming the file
 * and the entry. The setting is cleared afterwards, so the test API server's kubeconfig ($KUBECONFIG) is back for any
 * suite that follows (this file sorts last).
 */

import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { TreeNode } from '../../src/core/views/servicesTree';
import type { EndpointLensApi } from '../../src/extension/extension';
import { eventually, treeReader } from './support/tree';

let api: EndpointLensApi;

const { children, label, description, root } = treeReader(() => api);


function tooltip(node: TreeNode): string {
	const t = api.tree.getTreeItem(node).tooltip;
	return typeof t === 'string' ? t : (t?.value ?? '');
}

const setKubeconfig = (path: string | undefined) =>
	vscode.workspace.getConfiguration('endpointLens').update('kubeconfig', path, vscode.ConfigurationTarget.Global);

suite('A kubeconfig that cannot work', () => {
	let dir: string;

	suiteSetup(async function () {
		this.timeout(60_000);
		const ext = vscode.extensions.getExtension<EndpointLensApi>('endpoint-lens.endpoint-lens');
		assert.ok(ext);
		api = await ext.activate();
		await vscode.commands.executeCommand('endpointLens.services.focus');
		dir = mkdtempSync(join(tmpdir(), 'endpoint-lens-bad-kubeconfig-'));
	});

	suiteTeardown(async function () {
		this.timeout(30_000);
		await setKubeconfig(undefined);
		rmSync(dir, { recursive: true, force: true });
	});

	test('each broken context says why on its row, an unused bad entry is listed on a Kubeconfig row, and nothing connects', async function () {
		this.timeout(40_000);
		const file = join(dir, 'broken');
		writeFileSync(
			file,
			[
				'apiVersion: v1',
				'kind: Config',
				'current-context: needs-plugin',
				'clusters:',
				'- name: local',
				'  cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}',
				'- name: noserver',
				'  cluster: {}',
				'users:',
				'- name: plugin-user',
				'  user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: /nonexistent/endpoint-lens-plugin}}',
				'- name: sso-user',
				'  user: {auth-provider: {name: acme-sso}}',
				'contexts:',
				'- name: needs-plugin',
				'  context: {cluster: local, user: plugin-user}',
				'- name: acme',
				'  context: {cluster: local, user: sso-user}',
				'- name: ghost',
				'  context: {cluster: nowhere, user: sso-user}',
				'',
			].join('\n'),
		);
		await setKubeconfig(file);
		await eventually(() => assert.deepEqual(api.live.contextList.map((c) => c.name), ['needs-plugin', 'acme', 'ghost']));
		const roots = children().map(label);
		assert.deepEqual(roots.slice(0, 4), ['Kubeconfig', 'needs-plugin', 'acme', 'ghost']);

		// The active context does not connect: its one child says which plugin is missing, in which file.
		children(root('needs-plugin'));
		const message = await eventually(() => {
			assert.equal(description(root('needs-plugin')), 'error');
			const kids = children(root('needs-plugin'));
			assert.equal(kids.length, 1, kids.map(label).join(' | '));
			return label(kids[0]!);
		});
		assert.equal(
			message,
			`${file}: user "plugin-user": the exec credential plugin "/nonexistent/endpoint-lens-plugin" does not exist.`,
		);
		assert.equal(api.live.connection.phase, 'error');

		// Inactive contexts show the problem before they are clicked.
		assert.equal(description(root('acme')), 'error');
		assert.match(tooltip(root('acme')), /auth\\-provider "acme\\-sso"/);
		assert.equal(description(root('ghost')), 'error');
		assert.match(tooltip(root('ghost')), /names cluster "nowhere"/);

		// The unused cluster without a server is the kubeconfig's problem, listed on its own row.
		const kubeconfigRows = children(root('Kubeconfig')).map(label);
		assert.deepEqual(kubeconfigRows, [`${file}: cluster "noserver" has no server; ignored.`]);
	});

	test('a corrupt file and a missing file: one Kubeconfig row that names the file', async function () {
		this.timeout(40_000);
		const corrupt = join(dir, 'corrupt');
		writeFileSync(corrupt, 'clusters: [\n  - name: a\n  cluster: {server: \n');
		await setKubeconfig(corrupt);
		await eventually(() => {
			assert.equal(api.live.contextList.length, 0);
			const kids = children(root('Kubeconfig')).map(label);
			assert.equal(kids.length, 1, kids.join(' | '));
			assert.ok(kids[0]!.startsWith(`${corrupt}: not valid YAML`), kids[0]);
		});
		const missing = join(dir, 'missing');
		await setKubeconfig(missing);
		await eventually(() =>
			assert.deepEqual(children(root('Kubeconfig')).map(label), [`${missing}: cannot read the kubeconfig: the file does not exist.`]),
		);
		assert.ok(children().some((n) => label(n) === 'Playground'), 'the playground still shows');
	});
});
