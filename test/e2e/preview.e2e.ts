/**
 * Preview before apply as a person meets it: open a manifest, read the CodeLens above the Service, hover the
 * Service's name and read the predicted EndpointSlice, with a screenshot of each.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Workbench } from './support/workbench';
import { openWorkbench } from './support/workbench';

describe('preview before apply', () => {
	let workbench: Workbench;

	before(async () => {
		workbench = await openWorkbench();
	});

	after(async () => {
		await workbench?.close();
	});

	it('shows a CodeLens above the Service in web.yaml', async () => {
		await workbench.step('preview-codelens', async () => {
			await workbench.openFile('web.yaml');
			const deadline = Date.now() + 20_000;
			let titles: string[] = [];
			while (Date.now() < deadline) {
				titles = await workbench.codeLensTitles();
				if (titles.some((t) => /1 slice · 3 endpoints \(IPv4\)/.test(t))) {
					break;
				}
				await workbench.page.waitForTimeout(250);
			}
			assert.ok(titles.some((t) => /1 slice · 3 endpoints \(IPv4\)/.test(t)), `lenses: ${JSON.stringify(titles)}`);
			await workbench.screenshot('preview-codelens');
		});
	});

	it('hovers the Service and shows the EndpointSlice the control plane would create', async () => {
		await workbench.step('preview-hover', async () => {
			await workbench.openFile('web.yaml');
			// examples/web.yaml: line 34 is "  name: web" of the Service.
			await workbench.goTo(34, 10);
			const text = await workbench.hoverAtCursor(/Predicted/);
			assert.match(text, /8080/, `hover: ${text}`);
			assert.match(text, /Deployment web/, `hover: ${text}`);
			await workbench.screenshot('preview-hover');
		});
	});
});
