/**
 * Drives the real VS Code workbench (code-server) in Chromium the way a person would: click the activity bar, expand
 * tree items, run commands from the palette, read what is on screen and take screenshots.
 *
 * scripts/runVSCodeTests.mjs starts a fresh code-server with the packaged extension installed and passes it here
 * through ENDPOINT_LENS_E2E_* variables; each {@link openWorkbench} launches its own Chromium with a fresh profile.
 * Selectors are VS Code's own DOM (1.139): the activity bar's `li.action-item[role=tab]`, view panes' `.pane`
 * with a `.pane-header .title`, and tree rows' `.monaco-list-row[role=treeitem]` with `.label-name` and
 * `.label-description`. Trees are virtualised: only rows scrolled into view exist.
 */

import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

/** One visible row of a tree view. */
export interface TreeRow {
	/** The item's label (`TreeItem.label`). */
	label: string;
	/** The item's description (`TreeItem.description`), '' when it has none. */
	description: string;
	/** Depth in the tree, 1 for roots. */
	level: number;
	/** true or false for collapsible items, undefined for leaves. */
	expanded: boolean | undefined;
}

/** One row of Developer: Show Running Extensions. */
export interface RunningExtension {
	/** Display name, e.g. "Endpoint Lens". */
	name: string;
	/** The row's activation text as shown, e.g. "Activation: 12ms" or "Startup Activation: 40ms". */
	activation: string;
	/** The number in {@link activation}: code loading + the `activate()` call, as VS Code counts it. */
	activationMs: number | undefined;
}

/** What scripts/runVSCodeTests.mjs passes to the e2e tests. */
interface E2eEnvironment {
	url: string;
	screenshots: string;
	profiles: string;
	chromium: string;
	chromiumArgs: string[];
}

function e2eEnvironment(): E2eEnvironment {
	const env = process.env;
	if (!env.ENDPOINT_LENS_E2E_URL) {
		throw new Error(
			'ENDPOINT_LENS_E2E_URL is not set: run e2e tests through `npm run test:e2e` ' +
				'(scripts/runVSCodeTests.mjs starts code-server and sets ENDPOINT_LENS_E2E_*)',
		);
	}
	return {
		url: env.ENDPOINT_LENS_E2E_URL,
		screenshots: env.ENDPOINT_LENS_E2E_SCREENSHOTS ?? join('test-output', 'e2e'),
		profiles: env.ENDPOINT_LENS_E2E_PROFILES ?? join('test-output', 'vscode', 'e2e', 'chromium-profiles'),
		chromium: env.ENDPOINT_LENS_E2E_CHROMIUM ?? '/usr/bin/chromium',
		chromiumArgs: JSON.parse(env.ENDPOINT_LENS_E2E_CHROMIUM_ARGS ?? '["--headless","--no-sandbox"]') as string[],
	};
}

/** The first row whose label is `label` (exactly) or matches it. */
export function findRow(rows: readonly TreeRow[], label: string | RegExp): TreeRow | undefined {
	return rows.find((r) => (typeof label === 'string' ? r.label === label : label.test(r.label)));
}

/** A RegExp that matches `text` exactly (strings), or the RegExp itself. */
function exactly(text: string | RegExp): RegExp {
	return typeof text === 'string' ? new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : text;
}

/**
 * Launches Chromium with a fresh profile on the code-server that the runner started, and waits until the workbench
 * (with its activity bar) is on screen. Close it with {@link Workbench.close}.
 */
export async function openWorkbench(): Promise<Workbench> {
	const env = e2eEnvironment();
	mkdirSync(env.profiles, { recursive: true });
	const context = await chromium.launchPersistentContext(mkdtempSync(join(env.profiles, 'profile-')), {
		executablePath: env.chromium,
		headless: true,
		args: env.chromiumArgs,
		viewport: { width: 1400, height: 900 },
	});
	try {
		const page = context.pages()[0] ?? (await context.newPage());
		await page.goto(env.url);
		await page.locator('.monaco-workbench .part.activitybar li.action-item[role="tab"]').first().waitFor();
		// code-server runs with the smoke-test driver, which can say when the workbench has restored its views.
		await page.evaluate(async () => {
			const driver = (window as { driver?: { whenWorkbenchRestored(): Promise<void> } }).driver;
			await driver?.whenWorkbenchRestored();
		});
		return new Workbench(context, page, env.screenshots);
	} catch (error) {
		await context.close();
		throw error;
	}
}

/** The workbench in one Chromium page, with the steps a person takes in it. */
export class Workbench {
	constructor(
		readonly context: BrowserContext,
		readonly page: Page,
		private readonly screenshotDir: string,
	) {}

	/** The primary side bar. */
	get sideBar(): Locator {
		return this.page.locator('.part.sidebar');
	}

	/** The activity-bar item of a view container, by its title ("Explorer", "Endpoint Lens"). */
	activityBarItem(title: string, state = ''): Locator {
		// The link's aria-label is the title, plus " (keybinding)" when it has one.
		const label = title.replace(/["\\]/g, '\\$&');
		return this.page.locator(
			`.part.activitybar li.action-item[role="tab"]${state}:has(a.action-label[aria-label="${label}"], ` +
				`a.action-label[aria-label^="${label} ("])`,
		);
	}

	/**
	 * Shows a view container by clicking its activity-bar item (unless it is already showing: a second click would
	 * hide the side bar), and returns the side bar.
	 */
	async openViewContainer(title: string): Promise<Locator> {
		const item = this.activityBarItem(title);
		if ((await item.getAttribute('aria-selected')) !== 'true' || !(await this.sideBar.isVisible())) {
			await item.click();
		}
		await this.activityBarItem(title, '[aria-selected="true"]').waitFor();
		await this.sideBar.waitFor();
		return this.sideBar;
	}

	/**
	 * A view in the side bar by its name ("Services"), whether its header shows or is merged into the container's
	 * title (a container with one view); without a name, the whole side bar.
	 */
	view(name?: string): Locator {
		if (name === undefined) {
			return this.sideBar;
		}
		return this.sideBar
			.locator('.pane')
			.filter({ has: this.page.locator('.pane-header .title', { hasText: exactly(name) }) });
	}

	/** Expands a view whose header is collapsed (views may start collapsed) and returns it. */
	async expandView(name: string): Promise<Locator> {
		const view = this.view(name);
		const header = view.locator('.pane-header').first();
		if ((await header.getAttribute('aria-expanded')) === 'false') {
			await header.click();
		}
		await view.locator('.pane-body').first().waitFor();
		return view;
	}

	/**
	 * A tree row by its label (exact text, or a RegExp), in one view or anywhere in the side bar; `state` narrows it
	 * with attribute selectors such as '[aria-expanded="true"]'.
	 */
	treeItem(label: string | RegExp, viewName?: string, state = ''): Locator {
		return this.view(viewName)
			.locator(`.monaco-list-row[role="treeitem"]${state}`)
			.filter({ has: this.page.locator('.label-name', { hasText: exactly(label) }) })
			.first();
	}

	/**
	 * Expands a tree item by clicking its twistie (a click on the row could also run the item's command), then waits
	 * until it shows as expanded and, briefly, for its first child to appear (children may load lazily).
	 */
	async expandTreeItem(label: string | RegExp, viewName?: string): Promise<void> {
		const row = this.treeItem(label, viewName);
		await row.waitFor();
		const expanded = await row.getAttribute('aria-expanded');
		if (expanded === null) {
			throw new Error(`tree item ${String(label)} is not expandable`);
		}
		if (expanded === 'false') {
			await row.locator('.monaco-tl-twistie').click();
		}
		const expandedRow = this.treeItem(label, viewName, '[aria-expanded="true"]');
		await expandedRow.waitFor();
		const level = Number(await expandedRow.getAttribute('aria-level'));
		await this.view(viewName)
			.locator(`.monaco-list-row[role="treeitem"][aria-level="${level + 1}"]`)
			.first()
			.waitFor({ timeout: 5000 })
			.catch(() => undefined); // an item may have no children
	}

	/** The tree rows that are rendered (scrolled into view), top to bottom, in one view or the whole side bar. */
	async treeRows(viewName?: string): Promise<TreeRow[]> {
		const rows = await this.view(viewName)
			.locator('.monaco-list-row[role="treeitem"]')
			.evaluateAll((elements) =>
				elements.map((element) => ({
					index: Number(element.getAttribute('data-index')),
					label: element.querySelector('.label-name')?.textContent ?? '',
					description: element.querySelector('.label-description')?.textContent ?? '',
					level: Number(element.getAttribute('aria-level')),
					expanded: element.hasAttribute('aria-expanded')
						? element.getAttribute('aria-expanded') === 'true'
						: undefined,
				})),
			);
		// Rows are absolutely positioned: DOM order is not screen order.
		return rows.sort((a, b) => a.index - b.index).map(({ index: _index, ...row }) => row);
	}

	/**
	 * Runs a command from the command palette (F1) by its title as the palette shows it, category included
	 * ("Extensions: Show Installed Extensions"), and waits for the palette to close.
	 */
	async runCommand(title: string): Promise<void> {
		const palette = this.page.locator('.quick-input-widget');
		await this.page.keyboard.press('F1');
		const input = palette.locator('.quick-input-box input');
		await input.waitFor();
		await input.fill(`>${title}`);
		await palette
			.locator('.quick-input-list .monaco-list-row')
			.filter({ has: this.page.locator('.label-name', { hasText: exactly(title) }) })
			.first()
			.click();
		await palette.waitFor({ state: 'hidden' });
	}

	/**
	 * Runs a tree row's context-menu item as a person does: right-click the row, click the item. A click that lands
	 * while the menu is still settling can be swallowed (the menu stays open, the item highlighted): then Enter runs
	 * the highlighted item. Returns the menu's labels.
	 */
	async contextMenu(label: string | RegExp, item: RegExp, viewName?: string): Promise<string[]> {
		const menu = this.page.locator('.context-view .monaco-menu');
		for (let attempt = 1; ; attempt++) {
			await this.treeItem(label, viewName).click({ button: 'right' });
			const items = menu.locator('.action-label');
			await items.first().waitFor();
			const labels = (await items.allTextContents()).map((t) => t.trim());
			const entry = menu.locator('.action-item', { has: this.page.locator('.action-label', { hasText: item }) }).first();
			if ((await entry.count()) === 0) {
				await this.page.keyboard.press('Escape');
				throw new Error(`no context-menu item ${String(item)} on ${String(label)}: ${labels.join(' | ')}`);
			}
			await entry.hover();
			await entry.click();
			const closed = await menu.waitFor({ state: 'hidden', timeout: 2000 }).then(
				() => true,
				() => false,
			);
			if (closed) {
				return labels;
			}
			if ((await entry.getAttribute('class'))?.includes('focused')) {
				await this.page.keyboard.press('Enter');
				if (await menu.waitFor({ state: 'hidden', timeout: 2000 }).then(() => true, () => false)) {
					return labels;
				}
			}
			await this.page.keyboard.press('Escape');
			if (attempt === 3) {
				throw new Error(`the context-menu item ${String(item)} on ${String(label)} did not run`);
			}
		}
	}

	/** Opens a workspace file in the editor by its name, through Quick Open (Ctrl+P), and waits for its tab. */
	async openFile(name: string): Promise<void> {
		const palette = this.page.locator('.quick-input-widget');
		await this.page.keyboard.press('Control+P');
		const input = palette.locator('.quick-input-box input');
		await input.waitFor();
		await input.fill(name);
		await palette
			.locator('.quick-input-list .monaco-list-row')
			.filter({ has: this.page.locator('.label-name', { hasText: exactly(name) }) })
			.first()
			.click();
		await palette.waitFor({ state: 'hidden' });
		await this.page.locator('.tabs-container .tab.active', { hasText: name }).waitFor();
		await this.page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor();
	}

	/** Puts the cursor on a 1-based line and column of the active editor (Go to Line, Ctrl+G). */
	async goTo(line: number, column: number): Promise<void> {
		const palette = this.page.locator('.quick-input-widget');
		await this.page.keyboard.press('Control+G');
		const input = palette.locator('.quick-input-box input');
		await input.waitFor();
		await input.fill(`:${line}:${column}`);
		await this.page.keyboard.press('Enter');
		await palette.waitFor({ state: 'hidden' });
	}

	/**
	 * Shows the hover at the cursor (Show or Focus Hover) and waits until a hover whose text matches `expected` is on
	 * screen; returns its text.
	 */
	async hoverAtCursor(expected: RegExp, timeoutMs = 20_000): Promise<string> {
		const hover = this.page.locator('.monaco-hover:not(.hidden)').filter({ hasText: expected }).first();
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			await this.runCommand('Show or Focus Hover');
			try {
				await hover.waitFor({ timeout: 3000 });
				return (await hover.textContent()) ?? '';
			} catch (error) {
				if (Date.now() > deadline) {
					throw error;
				}
				await this.page.keyboard.press('Escape');
			}
		}
	}

	/** The CodeLens titles the active editor shows, top to bottom. */
	async codeLensTitles(): Promise<string[]> {
		const lenses = this.page.locator('.editor-instance .monaco-editor .codelens-decoration');
		return (await lenses.allTextContents()).map((t) => t.trim()).filter((t) => t !== '');
	}

	/** The names in the Extensions view's Installed list (Extensions: Show Installed Extensions). */
	async installedExtensions(): Promise<string[]> {
		await this.runCommand('Extensions: Show Installed Extensions');
		const names = this.sideBar.locator('.extension-list-item .name');
		await names.first().waitFor();
		// The list renders in steps (it may even be emptied and refilled): read until two reads agree.
		let previous: string[] = [];
		for (let attempt = 0; attempt < 50; attempt++) {
			const current = await names.allTextContents();
			if (current.length > 0 && current.join('\n') === previous.join('\n')) {
				return current;
			}
			previous = current;
			await this.page.waitForTimeout(200);
		}
		return previous;
	}

	/** Developer: Show Running Extensions, read: what has activated and in how long. */
	async runningExtensions(): Promise<RunningExtension[]> {
		await this.runCommand('Developer: Show Running Extensions');
		const rows = this.page.locator('.runtime-extensions-editor .monaco-list-row');
		await rows.first().waitFor();
		const read = await rows.evaluateAll((elements) =>
			elements.map((element) => ({
				name: element.querySelector('.name')?.textContent ?? '',
				activation: element.querySelector('.activation-time')?.textContent ?? '',
			})),
		);
		return read.map((row) => {
			const ms = row.activation.match(/(\d+)\s*ms/)?.[1];
			return { ...row, activationMs: ms === undefined ? undefined : Number(ms) };
		});
	}

	/** Saves a screenshot of the whole window as `<name>.png` in test-output/e2e/ and returns its path. */
	async screenshot(name: string): Promise<string> {
		mkdirSync(this.screenshotDir, { recursive: true });
		const path = join(this.screenshotDir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
		await this.page.screenshot({ path });
		return path;
	}

	/** Runs `step`; when it throws, saves `<name>-failed.png` and throws an error naming it, caused by the original. */
	async step<T>(name: string, step: () => Promise<T>): Promise<T> {
		try {
			return await step();
		} catch (error) {
			const path = await this.screenshot(`${name}-failed`).catch(() => undefined);
			const screenshot = path === undefined ? '' : `; screenshot: ${path}`;
			throw new Error(`step "${name}" failed${screenshot}`, { cause: error });
		}
	}

	/** Makes room for descriptions: hides the (empty) secondary side bar and drags the side bar's edge to the right. */
	async widenSideBar(): Promise<void> {
		const page = this.page;
		if (await page.locator('.part.auxiliarybar').isVisible()) {
			await page.keyboard.press('Control+Alt+B');
			await page.locator('.part.auxiliarybar').waitFor({ state: 'hidden' });
		}
		const box = await this.sideBar.boundingBox();
		if (!box) {
			throw new Error('the side bar is not on screen');
		}
		const x = box.x + box.width;
		const y = box.y + box.height / 2;
		await page.mouse.move(x, y);
		await page.mouse.down();
		await page.mouse.move(x + 300, y, { steps: 10 });
		await page.mouse.up();
		const after = await this.sideBar.boundingBox();
		if (!after || after.width < box.width + 200) {
			throw new Error(`the side bar did not widen (${box.width} → ${after?.width})`);
		}
	}

	/**
	 * Waits until the rendered rows of a view satisfy `pred` (trees update asynchronously: watches, timers), and returns
	 * them; on timeout, throws with the rows last seen.
	 */
	async rowsWhen(viewName: string, pred: (rows: TreeRow[]) => boolean, what: string, timeoutMs = 20_000): Promise<TreeRow[]> {
		const deadline = Date.now() + timeoutMs;
		let rows: TreeRow[] = [];
		while (Date.now() < deadline) {
			rows = await this.treeRows(viewName);
			if (pred(rows)) {
				return rows;
			}
			await this.page.waitForTimeout(200);
		}
		throw new Error(`timed out waiting for ${what}; rows: ${JSON.stringify(rows)}`);
	}

	/** Closes Chromium (and with it this page). */
	async close(): Promise<void> {
		await this.context.close();
	}
}
