/**
 * The flow diagram as a person meets it: right-click the playground's `web` Service in the Services tree, choose the
 * flow command (`endpointLens.showFlow`), and read the sequence diagram that the webview draws with the bundled
 * Mermaid, in the light and the dark theme. code-server nests each webview in two iframes (the host frame and its
 * `active-frame`); the diagram's page is the frame that has `#diagram`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { elementIds } from '../../src/webview/diagramHtml';
import type { Workbench } from './support/workbench';
import { findRow, openWorkbench } from './support/workbench';

const view = 'Services';
/** The context-menu title of `endpointLens.showFlow` (whatever its exact wording, it names the flow). */
const showFlowTitle = /\bFlow\b/i;

/** The frame of the diagram webview's page, once it is there. */
async function diagramFrame(page: Page, timeoutMs = 30_000): Promise<Frame> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		for (const frame of page.frames()) {
			if (frame !== page.mainFrame() && (await frame.locator(`#${elementIds.diagram}`).count().catch(() => 0)) > 0) {
				return frame;
			}
		}
		await page.waitForTimeout(250);
	}
	throw new Error('no webview frame with the diagram page appeared');
}

/** The SVG's participants (top row, left to right) and message texts, as the page shows them. */
async function readDiagram(frame: Frame): Promise<{ id: string; participants: string[]; messages: string[] }> {
	return frame.locator(`#${elementIds.diagram} svg`).evaluate((svg) => {
		const tops = Array.from(svg.querySelectorAll('text.actor'))
			.map((t) => ({ name: (t.textContent ?? '').trim(), x: Number(t.getAttribute('x')), y: Number(t.getAttribute('y')) }))
			.filter((t, _, all) => t.y === Math.min(...all.map((a) => a.y)))
			.sort((a, b) => a.x - b.x);
		return {
			id: svg.id,
			participants: tops.map((t) => t.name),
			messages: Array.from(svg.querySelectorAll('text.messageText')).map((t) => (t.textContent ?? '').trim()),
		};
	});
}

/**
 * Switches the colour theme the way a person does (Preferences: Color Theme, pick it by name) and waits until the
 * webview's body has the theme's class and, when that changed the theme's kind, the diagram was drawn again (a new SVG
 * id). The workbench may start in either kind (code-server follows the browser's preference at first start).
 */
async function switchTheme(workbench: Workbench, theme: string, bodyClass: string): Promise<void> {
	const page = workbench.page;
	const frame = await diagramFrame(page);
	const before = (await readDiagram(frame)).id;
	const changesKind = !(await frame.evaluate((cls) => document.body.classList.contains(cls), bodyClass));
	const palette = page.locator('.quick-input-widget');
	await page.keyboard.press('F1');
	await palette.locator('.quick-input-box input').fill('>Preferences: Color Theme');
	await palette
		.locator('.quick-input-list .monaco-list-row')
		.filter({ has: page.locator('.label-name', { hasText: /^Preferences: Color Theme$/ }) })
		.first()
		.click();
	await palette.locator('.quick-input-list .monaco-list-row', { hasText: 'Modern' }).first().waitFor();
	await palette.locator('.quick-input-box input').fill(theme);
	await palette
		.locator('.quick-input-list .monaco-list-row')
		.filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${theme}$`) }) })
		.first()
		.click();
	await palette.waitFor({ state: 'hidden' });
	const current = await diagramFrame(page);
	await current.waitForFunction((cls) => document.body.classList.contains(cls), bodyClass, { timeout: 15_000 });
	if (!changesKind) {
		return;
	}
	await current.waitForFunction(
		([diagramId, previous]) => {
			const svg = document.querySelector(`#${diagramId} svg`);
			return svg !== null && svg.id !== previous;
		},
		[elementIds.diagram, before] as const,
		{ timeout: 20_000 },
	);
}

describe('flow diagram', () => {
	let workbench: Workbench;
	const cspViolations: string[] = [];

	before(async () => {
		workbench = await openWorkbench();
		workbench.page.on('console', (message) => {
			if (/Content Security Policy/i.test(message.text())) {
				cspViolations.push(message.text());
			}
		});
	});

	after(async () => {
		await workbench?.close();
	});

	it('opens the web Service’s flow from the Services tree and draws it with Mermaid', async () => {
		await workbench.step('open-flow', async () => {
			await workbench.openViewContainer('Endpoint Lens');
			// Every pod of the playground started (fleet's 250 last): a tree refresh while the context menu is open closes it.
			await workbench.rowsWhen(
				view,
				(r) => findRow(r, 'web')?.description === '3/3 ready · 1 slice' && findRow(r, 'fleet')?.description === '250/250 ready · 3 slices',
				'the playground to be ready',
				60_000,
			);
			const labels = await workbench.contextMenu('web', showFlowTitle, view);
			// The panel's tab first: if it does not come, say what the workbench shows instead (a notification?).
			const tab = workbench.page.locator('.tabs-container .tab', { hasText: /Flow: default\/web/ });
			await tab.waitFor({ timeout: 60_000 }).catch(async (error: unknown) => {
				const toasts = await workbench.page.locator('.notifications-toasts, .notification-list-item').allTextContents();
				const tabs = await workbench.page.locator('.tabs-container .tab').allTextContents();
				throw new Error(`no Flow tab after "${labels.join(' | ')}"; tabs: ${tabs.join(' | ')}; notifications: ${toasts.join(' | ')}`, { cause: error });
			});

			// Room for the diagram in the screenshots: no (empty) secondary side bar.
			if (await workbench.page.locator('.part.auxiliarybar').isVisible()) {
				await workbench.page.keyboard.press('Control+Alt+B');
			}
			// The first webview of a fresh workbench loads Mermaid (3.5 MB of script): on a busy machine that takes a while.
			const frame = await diagramFrame(workbench.page, 120_000);
			await frame.locator(`#${elementIds.diagram} svg text.actor`).first().waitFor({ timeout: 60_000 });
			assert.match((await frame.locator(`#${elementIds.title}`).textContent()) ?? '', /\bweb\b/);
			const { participants, messages } = await readDiagram(frame);
			for (const expected of ['API server', 'EndpointSlice controller', 'kube-proxy', 'client pod']) {
				assert.ok(participants.includes(expected), `participants: ${participants.join(', ')}`);
			}
			assert.ok(
				participants.some((p) => /^EndpointSlice web-\w{5}$/.test(p)),
				`a participant is the web slice: ${participants.join(', ')}`,
			);
			assert.ok(messages.length >= 5, `messages: ${messages.join(' | ')}`);
			assert.ok(messages.some((m) => /\bweb\b/.test(m)), `a message names web: ${messages.join(' | ')}`);
			assert.equal(await frame.locator(`#${elementIds.status}.error`).count(), 0, 'no error is shown');
			assert.equal(await frame.locator(`#${elementIds.copySource}`).isEnabled(), true);
			assert.equal(await frame.locator(`#${elementIds.exportSvg}`).isEnabled(), true);
		});
	});

	it('follows the colour theme: light, then dark (drawn again when the kind changes)', async () => {
		await workbench.step('theme-light', async () => {
			await switchTheme(workbench, 'Light Modern', 'vscode-light');
			const frame = await diagramFrame(workbench.page);
			assert.ok((await readDiagram(frame)).participants.includes('kube-proxy'));
			await workbench.screenshot('diagram-light');
		});
		await workbench.step('theme-dark', async () => {
			await switchTheme(workbench, 'Dark Modern', 'vscode-dark');
			const frame = await diagramFrame(workbench.page);
			assert.ok((await readDiagram(frame)).participants.includes('kube-proxy'));
			await workbench.screenshot('diagram-dark');
		});
	});

	it('walks through the twelve steps: Next in the diagram, and the Services tree follows', async () => {
		await workbench.step('walkthrough', async () => {
			await workbench.runCommand('Endpoint Lens Playground: Walk Through the Endpoint Flow');
			let frame = await diagramFrame(workbench.page);
			await frame.locator(`#${elementIds.stepLabel}`, { hasText: /Step 1 of 12/ }).waitFor({ timeout: 30_000 });
			await workbench.rowsWhen(view, (r) => findRow(r, 'walkthrough') !== undefined, 'the walk-through namespace in the tree');
			await frame.locator(`#${elementIds.next}`).click();
			frame = await diagramFrame(workbench.page);
			await frame.locator(`#${elementIds.stepLabel}`, { hasText: /Step 2 of 12/ }).waitFor({ timeout: 30_000 });
			assert.match((await frame.locator(`#${elementIds.stepExplanation}`).textContent()) ?? '', /Ready/);
			await workbench.expandTreeItem('walkthrough', view);
			const rows = await workbench.rowsWhen(view, (r) => findRow(r, 'demo')?.description === '2/2 ready · 1 slice', 'demo with two ready pods');
			assert.ok(findRow(rows, 'demo'));
			await frame.locator(`#${elementIds.diagram} svg text.actor`).first().waitFor();
			await workbench.screenshot('walkthrough');
		});
	});

	it('broke no Content-Security-Policy rule', () => {
		assert.deepEqual(cspViolations, []);
	});
});
