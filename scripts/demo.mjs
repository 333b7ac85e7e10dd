// `npm run demo`: builds and packages the extension and opens it on examples/ in VS Code, so that a newcomer sees the
// Services tree within a minute of cloning.
//
//   - With desktop VS Code (`code` on PATH) and no --code-server: packages the .vsix, installs it with
//     `code --install-extension … --force` and opens examples/ in a new window; then exits.
//   - Otherwise code-server (the real VS Code workbench in a browser; scripts/vscodeEnv.mjs caches Node 24 and
//     code-server outside the repo): installs the .vsix into a fresh extensions folder, starts code-server on
//     127.0.0.1:${PORT:-8080} (the next free port when that one is taken) with no password, prints the URL and runs
//     until Ctrl-C (or SIGTERM), then stops code-server's whole process group. The Endpoint Lens view opens by
//     itself: a three-line helper extension, installed only here, runs `workbench.view.extension.endpointLens` at
//     startup (code-server has no setting for the first view container, and the browser keeps the workbench's
//     layout).
//   - --smoke (CI): all of the above, then checks GET /healthz and the workbench page, opens it in headless Chromium
//     (playwright-core), opens the Endpoint Lens view, waits for the Services tree's "Playground" row, saves
//     test-output/demo/demo.png, prints `demo: ok (N s)` and exits (1 with the reason on failure).
//
//   node scripts/demo.mjs [--code-server] [--smoke]
//
// Scratch (the .vsix, extensions, code-server's HOME, user data and log) is test-output/demo/<server|smoke|desktop>/,
// emptied at every start: installing takes about a second, and a folder per clone shows exactly this checkout.
/* global fetch */
import { accessSync, constants, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { delimiter, join } from 'node:path';
import {
	delay,
	installExtension,
	killStrays,
	killTrackedNow,
	launchChromium,
	log,
	onSignals,
	outputDir,
	packageExtension,
	processesUnder,
	rel,
	root,
	run,
	seconds,
	setLogPrefix,
	startCodeServer,
	userSettings,
} from './codeServer.mjs';
import { codeServerVersion, ensureVSCodeEnv } from './vscodeEnv.mjs';

setLogPrefix('demo');

const demoDir = join(outputDir, 'demo');
const examples = join(root, 'examples');
const screenshot = join(demoDir, 'demo.png');
const usage = 'usage: node scripts/demo.mjs [--code-server] [--smoke]';

/** The scratch folder of this run, once it is ours: what a failure cleans up. */
let runDir;

/**
 * The recipe's user settings, the theme left at its default, and no empty secondary side bar (with the AI features
 * off it would have nothing to show).
 */
const demoSettings = { ...userSettings, 'workbench.secondarySideBar.defaultVisibility': 'hidden' };

/** How long --smoke waits for the workbench, the view and the tree, in all. */
const smokeTimeoutMs = 120_000;

function parseArgs(argv) {
	const options = { codeServer: false, smoke: false };
	for (const arg of argv) {
		switch (arg) {
			case '--code-server':
				options.codeServer = true;
				break;
			case '--smoke':
				options.smoke = true;
				options.codeServer = true;
				break;
			case '--help':
				console.log(usage);
				process.exit(0);
				break;
			default:
				console.error(`unknown argument ${arg}\n${usage}`);
				process.exit(2);
		}
	}
	return options;
}

/** The port asked for: PORT, else 8080. */
function wantedPort() {
	const text = process.env.PORT || '8080';
	const port = Number(text);
	if (!Number.isInteger(port) || port < 0 || port > 65535) {
		throw new Error(`PORT=${text} is not a port number`);
	}
	return port;
}

/** The path of an executable called `name` on PATH (with PATHEXT on Windows), or undefined. */
function findOnPath(name) {
	const extensions = process.platform === 'win32' ? (process.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
	for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
		for (const extension of extensions) {
			const candidate = join(dir, name + extension.toLowerCase());
			try {
				accessSync(candidate, constants.X_OK);
				return candidate;
			} catch {
				// not here
			}
		}
	}
	return undefined;
}

/** Runs desktop VS Code's CLI (on Windows `code` is a .cmd file, which only a shell runs). */
function runCode(code, args) {
	if (process.platform !== 'win32') {
		return run(code, args);
	}
	const quoted = [code, ...args].map((arg) => `"${arg}"`).join(' ');
	return run(quoted, [], { shell: true });
}

/** A fresh scratch folder for one mode; refuses when a demo that uses it still runs. */
function freshDir(name) {
	const dir = join(demoDir, name);
	const running = processesUnder(dir);
	if (running.length > 0) {
		throw new Error(
			`another \`npm run demo\` is running from this clone (${rel(dir)} is in use by pid ` +
				`${running.join(', ')}): stop it first (Ctrl-C in its terminal)`,
		);
	}
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	runDir = dir;
	return dir;
}

/** Measures steps: `step(name, work)` runs one and keeps its duration for the timings line of `summary()`. */
function stopwatch() {
	const started = Date.now();
	const steps = [];
	return {
		started,
		async step(name, work) {
			const t = Date.now();
			const result = await work();
			steps.push(`${name} ${seconds(Date.now() - t)}`);
			return result;
		},
		summary() {
			return `${steps.join(', ')}; ${seconds(Date.now() - started)} in all`;
		},
	};
}

/** Desktop VS Code: package, install with `code --install-extension`, open examples/ in a new window. */
async function desktopDemo(code) {
	const dir = freshDir('desktop');
	const clock = stopwatch();
	log(`desktop VS Code found (${code}); packaging the extension (vsce package runs the production build)`);
	const vsix = await clock.step('package', () =>
		packageExtension(join(dir, 'endpoint-lens.vsix'), { logFile: join(dir, 'package.log') }),
	);
	await clock.step('install', () => runCode(code, ['--install-extension', vsix, '--force']));
	await runCode(code, ['--new-window', examples]);
	log(`timings: ${clock.summary()}`);
	console.log(
		[
			'',
			`Installed Endpoint Lens (${rel(vsix)}) into VS Code and opened ${rel(examples)}/ in a new window.`,
			"Click the Endpoint Lens icon in the activity bar: the Services tree shows the Playground, the examples'",
			'Services with the EndpointSlices the control plane would make for them (no cluster needed).',
			'Run `npm run demo -- --code-server` for the browser version instead.',
			'',
		].join('\n'),
	);
}

/**
 * A demo-only helper extension that opens the Endpoint Lens view when the workbench has started. code-server has no
 * setting or URL parameter for the first view container (the web workbench's `defaultLayout` is an embedder option
 * that code-server does not expose), and the browser stores the last one per origin.
 */
async function packageHelperExtension(dir) {
	const helperDir = join(dir, 'helper');
	mkdirSync(helperDir, { recursive: true });
	const manifest = {
		name: 'demo-open-view',
		displayName: 'Endpoint Lens demo: open the view',
		description: 'Installed by `npm run demo` only: shows the Endpoint Lens view when the workbench starts.',
		version: '0.0.1',
		publisher: 'endpoint-lens-demo',
		license: 'MIT',
		engines: { vscode: '^1.95.0' },
		activationEvents: ['onStartupFinished'],
		main: './extension.js',
		files: ['extension.js'],
	};
	writeFileSync(join(helperDir, 'package.json'), JSON.stringify(manifest, null, '\t'));
	const source = [
		"const vscode = require('vscode');",
		'exports.activate = () => {',
		"\tvscode.commands.executeCommand('workbench.view.extension.endpointLens').then(undefined, () => undefined);",
		'};',
		'',
	];
	writeFileSync(join(helperDir, 'extension.js'), source.join('\n'));
	const vsix = join(dir, 'demo-open-view.vsix');
	const vsce = join(root, 'node_modules', '.bin', 'vsce');
	const args = ['package', '--no-dependencies', '--skip-license', '--allow-missing-repository', '-o', vsix];
	await run(vsce, args, { cwd: helperDir, logFile: join(dir, 'package-helper.log') });
	return vsix;
}

/** The workbench URL for examples/, with the folder's slashes left readable (as code-server writes it). */
function workbenchUrl(origin) {
	return `${origin}/?folder=${encodeURIComponent(examples).replaceAll('%2F', '/')}`;
}

function banner(url, port, wanted) {
	const line = '─'.repeat(100);
	const portNote = port === wanted || wanted === 0 ? '' : ` (port ${wanted} was taken)`;
	return [
		'',
		line,
		`  Endpoint Lens is running in VS Code (code-server ${codeServerVersion}) on ${rel(examples)}/${portNote}:`,
		'',
		`      ${url}`,
		'',
		'  Open the URL in a browser. The Endpoint Lens view opens by itself (its icon is in the activity bar on the',
		"  left): the Services tree shows the Playground, the examples' Services with the EndpointSlices the control",
		'  plane would make for them. No cluster needed; edit and save a manifest in examples/ to see it re-applied.',
		'',
		'  Stop with Ctrl-C.',
		line,
		'',
	].join('\n');
}

/** The activity-bar item of a view container by its title (as test/e2e/support/workbench.ts finds it). */
function activityBarItem(page, title, state = '') {
	return page.locator(
		`.part.activitybar li.action-item[role="tab"]${state}:has(a.action-label[aria-label="${title}"], ` +
			`a.action-label[aria-label^="${title} ("])`,
	);
}

/**
 * --smoke: the server answers, the workbench page loads, and in Chromium the Endpoint Lens view shows the Services
 * tree with its "Playground" row. Saves test-output/demo/demo.png (demo-failed.png when a step fails).
 */
async function smokeCheck(vscodeEnv, server, url, dir) {
	const health = await fetch(`${server.origin}/healthz`);
	if (!health.ok) {
		throw new Error(`GET /healthz answered ${health.status}`);
	}
	const page0 = await fetch(url);
	const html = await page0.text();
	if (!page0.ok || !html.includes('vscode-workbench-web-configuration')) {
		throw new Error(`GET ${url} answered ${page0.status} without the workbench page`);
	}
	log(`GET /healthz: ${health.status}; GET /?folder=…: ${page0.status}, the workbench page (${html.length} bytes)`);

	const t = Date.now();
	const context = await launchChromium(vscodeEnv, join(dir, 'chromium-profile'));
	let step = 'open the workbench';
	try {
		const page = context.pages()[0] ?? (await context.newPage());
		page.setDefaultTimeout(smokeTimeoutMs);
		await page.goto(url);
		step = 'find the Endpoint Lens activity-bar item';
		const item = activityBarItem(page, 'Endpoint Lens');
		await item.waitFor();
		log(`workbench loaded in Chromium in ${seconds(Date.now() - t)}`);
		// The helper extension opens the view at startup; a click on an item that is already open would close it.
		step = 'open the Endpoint Lens view';
		const selected = activityBarItem(page, 'Endpoint Lens', '[aria-selected="true"]');
		const byItself = await selected.waitFor({ timeout: 15_000 }).then(
			() => true,
			() => false,
		);
		if (byItself) {
			log('the Endpoint Lens view opened by itself');
		} else {
			log('warning: the Endpoint Lens view did not open by itself within 15 s: clicking its activity-bar item');
			await item.click();
			await selected.waitFor();
		}
		step = 'wait for the Services tree row "Playground"';
		const rows = page.locator('.part.sidebar .monaco-list-row[role="treeitem"]');
		const playground = rows.filter({ has: page.locator('.label-name', { hasText: /^Playground$/ }) }).first();
		await playground.waitFor();
		log(`Services tree shows "Playground" ${seconds(Date.now() - t)} after Chromium started`);
		// It says "loading…" while it reads the manifests; give it a while, so that the screenshot shows Services.
		const loaded = await playground
			.locator('.label-description', { hasText: /loading/i })
			.waitFor({ state: 'detached', timeout: 20_000 })
			.then(
				() => true,
				() => false,
			);
		// Then the simulated kubelet starts the Pods (endpointLens.playground.podStartupMs, 2 s): wait until the
		// rows have not changed for 3 s (at most 15 s).
		const until = Date.now() + 15_000;
		let last = '';
		let stableSince = Date.now();
		while (Date.now() < until && Date.now() - stableSince < 3000) {
			await delay(250);
			const now = (await rows.allTextContents()).join('\n');
			if (now !== last) {
				last = now;
				stableSince = Date.now();
			}
		}
		const shown = (await rows.locator('.label-name').allTextContents()).slice(0, 6).join(', ');
		log(`Services tree ${loaded ? 'loaded' : 'still loading after 20 s'}: ${shown}, …`);
		step = 'save the screenshot';
		await page.screenshot({ path: screenshot });
		log(`screenshot: ${rel(screenshot)}`);
	} catch (error) {
		const failed = join(demoDir, 'demo-failed.png');
		const saved = await context
			.pages()[0]
			?.screenshot({ path: failed })
			.then(
				() => `; screenshot: ${rel(failed)}`,
				() => '',
			);
		const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
		throw new Error(`smoke check failed at "${step}": ${reason}${saved ?? ''}`, { cause: error });
	} finally {
		await context.close().catch(() => undefined);
	}
}

/** code-server: package, install, start on PORT, print the URL; then --smoke checks it, otherwise wait for Ctrl-C. */
async function codeServerDemo({ smoke }) {
	const wanted = wantedPort();
	const dir = freshDir(smoke ? 'smoke' : 'server');
	rmSync(screenshot, { force: true });
	rmSync(join(demoDir, 'demo-failed.png'), { force: true });
	const clock = stopwatch();
	let server;
	let stopping = false;
	onSignals(async (signal) => {
		if (stopping) {
			killTrackedNow(); // a second Ctrl-C: no more waiting
			killStrays(dir);
			process.exit(130);
		}
		stopping = true;
		console.log('');
		log(`${signal}: stopping code-server`);
		await server?.stop();
		killTrackedNow();
		killStrays(dir);
		log('stopped');
		// Ctrl-C is how the demo ends once it serves; before that, and for --smoke, it is an interruption.
		process.exit(server === undefined || smoke ? 130 : 0);
	});

	const vscodeEnv = await clock.step('environment', () => ensureVSCodeEnv());
	log('packaging the extension (vsce package runs the production build)');
	const [vsix, helperVsix] = await clock.step('package', () =>
		Promise.all([
			packageExtension(join(dir, 'endpoint-lens.vsix'), { logFile: join(dir, 'package.log') }),
			packageHelperExtension(dir),
		]),
	);
	const extensionsDir = join(dir, 'extensions');
	const installed = await clock.step('install', () =>
		installExtension(vscodeEnv, [vsix, helperVsix], extensionsDir, {
			dir: join(dir, 'install'),
			logFile: join(dir, 'install.log'),
		}),
	);
	log(`installed ${rel(vsix)} into ${rel(installed)}`);
	server = await clock.step('code-server', () =>
		startCodeServer(vscodeEnv, {
			dir: join(dir, 'code-server'),
			name: 'demo',
			extensionsDir,
			folder: examples,
			port: wanted,
			settings: demoSettings,
			smokeTestDriver: false,
		}),
	);
	const url = workbenchUrl(server.origin);
	log(`timings: ${clock.summary()} (from start to the URL)`);
	console.log(banner(url, server.port, wanted));

	if (smoke) {
		try {
			await smokeCheck(vscodeEnv, server, url, dir);
		} finally {
			stopping = true;
			await server.stop();
			killStrays(dir);
		}
		console.log(`demo: ok (${Math.round((Date.now() - clock.started) / 1000)} s)`);
		return;
	}
	const [code, signal] = await once(server.child, 'exit');
	if (!stopping) {
		throw new Error(`code-server stopped by itself (${signal ?? `exit ${code}`}); its log: ${rel(server.logFile)}`);
	}
}

async function main() {
	const options = parseArgs(process.argv.slice(2));
	const code = options.codeServer ? undefined : findOnPath('code');
	if (code !== undefined) {
		await desktopDemo(code);
	} else {
		await codeServerDemo(options);
	}
}

await main().catch((error) => {
	killTrackedNow();
	if (runDir !== undefined) {
		killStrays(runDir);
	}
	console.error(`[demo] ${error instanceof Error ? error.message : String(error)}`);
	if (process.argv.includes('--smoke')) {
		console.error('demo: FAILED');
	}
	process.exitCode = 1;
});
