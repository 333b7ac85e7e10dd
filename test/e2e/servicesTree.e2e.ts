/**
 * The Services tree as a person meets it: click the Endpoint Lens icon in the activity bar, watch the playground's
 * pods become ready, expand a Service and its slice, read the endpoints, and act on a pod from its context menu.
 */
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Workbench } from './support/workbench';
import { findRow, openWorkbench } from './support/workbench';

const view = 'Services';

describe('Services tree', () => {
	let workbench: Workbench;

	before(async () => {
		workbench = await openWorkbench();
	});

	after(async () => {
		await workbench?.close();
	});

	it('shows the playground Services once their pods are ready', async () => {
		await workbench.step('open-view', async () => {
			await workbench.openViewContainer('Endpoint Lens');
			await workbench.widenSideBar();
			const rows = await workbench.rowsWhen(view,
				(r) => findRow(r, 'web')?.description === '3/3 ready · 1 slice' && findRow(r, 'fleet')?.description === '250/250 ready · 3 slices',
				'the examples to become ready',
			);
			assert.equal(findRow(rows, 'Playground')?.level, 1);
			assert.match(findRow(rows, 'Playground')?.description ?? '', /^9 workspace files · 9 Services$/);
			assert.equal(findRow(rows, 'default')?.level, 2);
			assert.deepEqual(
				rows.filter((r) => r.level === 3).map((r) => r.label),
				['api', 'db', 'echo', 'fleet', 'legacy-db', 'payments', 'peers', 'shop-metrics', 'web'],
			);
			assert.equal(findRow(rows, 'payments')?.description, 'ExternalName → payments.example.com');
			assert.equal(findRow(rows, 'db')?.description, 'headless · 3/3 ready · 1 slice');
		});
	});

	it('expands a Service into its Endpoints and slice, and the slice into ready endpoints', async () => {
		await workbench.step('expand-web', async () => {
			await workbench.expandTreeItem('web', view);
			await workbench.expandTreeItem(/^web-\w{5}$/, view);
			const rows = await workbench.rowsWhen(view, (r) => r.filter((x) => x.level === 5).length === 3, 'three endpoints under the web slice');
			const endpoints = findRow(rows, 'Endpoints');
			assert.equal(endpoints?.level, 4);
			assert.equal(endpoints?.description, 'v1 · 3 ready');
			const slice = findRow(rows, /^web-\w{5}$/);
			assert.equal(slice?.description, 'IPv4 · http 8080/TCP · 3/3 ready');
			for (const ep of rows.filter((r) => r.level === 5)) {
				assert.match(ep.label, /^10\.244\.\d+\.\d+$/);
				assert.match(ep.description, /^ready · node-\d · zone-[abc] · web-[\w-]+$/);
			}
			await workbench.screenshot('services-tree');
		});
	});

	it('marks a pod not ready from the endpoint’s context menu', async () => {
		await workbench.step('mark-not-ready', async () => {
			const before = (await workbench.treeRows(view)).filter((r) => r.level === 5);
			const target = before[0]!;
			await workbench.contextMenu(target.label, /^Mark Pod Not Ready$/, view);
			const rows = await workbench.rowsWhen(view,
				(r) => findRow(r, target.label)?.description.startsWith('not ready · ') === true && findRow(r, 'web')?.description === '2/3 ready · 1 slice',
				'the endpoint to show not ready',
			);
			assert.equal(findRow(rows, /^web-\w{5}$/)?.description, 'IPv4 · http 8080/TCP · 2/3 ready');
			assert.equal(findRow(rows, 'Endpoints')?.description, 'v1 · 2 ready, 1 not ready');
			await workbench.screenshot('pod-not-ready');
		});
	});

	it('shows a gracefully terminating pod as terminating but serving, next to its replacement', async () => {
		await workbench.step('terminate', async () => {
			await workbench.expandTreeItem('shop-metrics', view);
			await workbench.expandTreeItem(/^shop-metrics-\w{5}$/, view);
			const slice = /^shop-metrics-\w{5}$/;
			const before = await workbench.rowsWhen(view, (r) => findRow(r, slice)?.description === 'IPv4 · metrics 9100/TCP · 2/2 ready', 'the shop-metrics slice');
			const sliceIndex = before.findIndex((r) => slice.test(r.label));
			const target = before[sliceIndex + 1]!;
			assert.equal(target.level, 5);
			await workbench.contextMenu(target.label, /^Terminate Pod Gracefully$/, view);
			// The grace period is 5 s (endpointLens.playground.terminationGraceMs): the endpoint stays, terminating.
			const rows = await workbench.rowsWhen(view,
				(r) => findRow(r, target.label)?.description.startsWith('terminating, serving · ') === true,
				'the endpoint to show terminating, serving',
				4000,
			);
			assert.match(findRow(rows, 'shop-metrics')?.description ?? '', /^1\/[23] ready · 1 slice$/);
			const full = await workbench.screenshot('pod-terminating');
			// The side bar alone, for the README (docs/images/services-tree.png is a copy of it).
			await workbench.sideBar.screenshot({ path: join(dirname(full), 'services-tree-sidebar.png') });
			await workbench.rowsWhen(view,
				(r) => findRow(r, target.label) === undefined && findRow(r, 'shop-metrics')?.description === '2/2 ready · 1 slice',
				'the terminated pod to go and its replacement to be ready',
			);
		});
	});
});
