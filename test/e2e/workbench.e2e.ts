/**
 * The workbench as a person meets it: code-server opens the examples folder, and Endpoint Lens is installed from
 * its .vsix like any other extension.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Workbench } from './support/workbench';
import { openWorkbench } from './support/workbench';

describe('workbench', () => {
	let workbench: Workbench;

	before(async () => {
		workbench = await openWorkbench();
	});

	after(async () => {
		await workbench?.close();
	});

	it('opens the examples folder in the Explorer', async () => {
		await workbench.step('explorer', async () => {
			await workbench.openViewContainer('Explorer');
			await workbench.treeItem('web.yaml').waitFor();
			const labels = (await workbench.treeRows()).map((row) => row.label);
			assert.ok(labels.includes('web.yaml'), `Explorer shows ${labels.join(', ')}`);
			await workbench.screenshot('explorer');
		});
	});

	it('lists Endpoint Lens among the installed extensions', async () => {
		await workbench.step('installed-extensions', async () => {
			const installed = await workbench.installedExtensions();
			assert.ok(installed.includes('Endpoint Lens'), `installed: ${installed.join(', ')}`);
			await workbench.screenshot('installed-extensions');
		});
	});
});
