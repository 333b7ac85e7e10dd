/**
 * Activation, inside a real extension host: the packaged extension is there and `activate` runs without throwing.
 */

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { EndpointLensApi } from '../../src/extension/extension';

const extensionId = 'endpoint-lens.endpoint-lens';

function endpointLens(): vscode.Extension<unknown> {
	const extension = vscode.extensions.getExtension(extensionId);
	assert.ok(extension, `${extensionId} is not among the extensions of this extension host`);
	return extension;
}

suite('activation', () => {
	test('the extension is present', () => {
		const extension = endpointLens();
		assert.equal(extension.packageJSON.name, 'endpoint-lens');
		assert.equal(extension.packageJSON.main, './dist/extension.js');
	});

	test('activates', async () => {
		const extension = endpointLens();
		await extension.activate();
		assert.equal(extension.isActive, true);
	});

	test('starts nothing at activation: the playground waits until the view shows', async () => {
		const api = (await endpointLens().activate()) as EndpointLensApi;
		if (api.treeView.visible) {
			// A restored window may show the view at once; then starting is right, and this check has nothing to say.
			return;
		}
		assert.equal(api.playground.started, false, 'no manifest was read and no control plane runs');
		assert.equal(api.playground.controlPlane, undefined);
		assert.deepEqual(api.playground.store.namespaces(), []);
	});
});
