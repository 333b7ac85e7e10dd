/**
 * A live cluster as a person meets it: $KUBECONFIG points at the project's test API server (a playground over
 * examples/, served over the real Kubernetes protocol), and the Endpoint Lens view shows its contexts, the current
 * one connected. A readiness change made in the cluster shows up without touching the view.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Workbench } from './support/workbench';
import { findRow, openWorkbench } from './support/workbench';

const view = 'Services';

describe('Live cluster', () => {
	let workbench: Workbench;

	before(async () => {
		workbench = await openWorkbench();
	});

	after(async () => {
		await workbench?.close();
	});

	it('shows the contexts, connects the current one, and follows a readiness change', async () => {
		await workbench.step('live', async () => {
			await workbench.openViewContainer('Endpoint Lens');
			await workbench.widenSideBar();
			const rows = await workbench.rowsWhen(view,
				(r) => /^https:\/\/127\.0\.0\.1:\d+ · \d+ Services$/.test(findRow(r, 'test')?.description ?? '') && findRow(r, 'web')?.description === '3/3 ready · 1 slice',
				'the test context to sync',
				30_000,
			);
			// Every context of the kubeconfig, in its order, then the playground.
			assert.deepEqual(
				rows.filter((r) => r.level === 1).map((r) => r.label),
				['test', 'test-cert', 'unreachable', 'forbidden-ns', 'Playground'],
			);
			assert.equal(findRow(rows, 'Playground')?.expanded, false, 'the playground waits, collapsed');
			// The status bar names the context the view shows.
			const status = workbench.page.locator('.statusbar-item', { hasText: /(^|\s)test$/ }).first();
			await status.waitFor({ timeout: 5000 });

			await workbench.expandTreeItem('web', view);
			await workbench.expandTreeItem(/^web-\w{5}$/, view);
			const expanded = await workbench.rowsWhen(view, (r) => r.filter((x) => x.level === 5).length === 3, 'three web endpoints');
			const target = expanded.find((r) => r.level === 5)!;
			const pod = target.description.split(' · ').at(-1)!;
			const control = process.env.ENDPOINT_LENS_TEST_CONTROL_URL;
			assert.ok(control, 'the runner passes the control URL');
			const res = await fetch(`${control}/pods/default/${pod}/ready?value=false`, { method: 'POST' });
			assert.equal(res.status, 204);
			const after = await workbench.rowsWhen(view,
				(r) => findRow(r, target.label)?.description.startsWith('not ready · ') === true && findRow(r, 'web')?.description === '2/3 ready · 1 slice',
				'the readiness change to arrive through the watch',
			);
			assert.equal(findRow(after, /^web-\w{5}$/)?.description, 'IPv4 · http 8080/TCP · 2/3 ready');
			await workbench.screenshot('live-cluster');
		});
	});
});
