// Runs the extension-host (integration) and e2e tests in real VS Code: code-server, driven by Debian's Chromium through
// playwright-core (shared/testing/code-server.md is the recipe; scripts/vscodeEnv.mjs installs the tools).
//
// The packaged extension is what gets tested: `vsce package` (whose vscode:prepublish runs `npm run build --
// --production`) makes a .vsix, code-server's `--install-extension` unpacks it into a fresh extensions folder, and
//   - integration: a fresh code-server opens the workbench with extensionDevelopmentPath = that unpacked folder and
//     extensionTestsPath = dist-test/integration/index.js (test/integration/index.ts); mocha runs in the extension
//     host, its output reaches the page console, `window.codeAutomationExit` says when it is done and index.ts writes
//     a result file (code-server itself reports every extension-host exit as code 0);
//   - e2e: another fresh code-server has the .vsix installed the ordinary way, and node:test runs test/e2e/**/*.e2e.ts,
//     whose test/e2e/support/workbench.ts opens Chromium on it as a person would.
// code-server and Chromium run in their own process groups, which are killed at the end whatever happened. The
// code-server plumbing (sandbox, start, package, install, process groups) is scripts/codeServer.mjs, shared with
// scripts/demo.mjs.
//
//   node scripts/runVSCodeTests.mjs [--integration-only | --e2e-only] [--grep PATTERN] [--timeout SECONDS] [FILTER...]
//
// FILTER keeps only test files whose path contains it; --grep keeps only tests whose title matches (mocha's --grep for
// integration, node:test's --test-name-pattern for e2e). Everything a run leaves is under test-output/: vscode/ (the
// .vsix, both servers' logs, user data and page console), e2e/ (screenshots).
import { spawn } from 'node:child_process';
import {
	cpSync,
	createWriteStream,
	existsSync,
	mkdirSync,
	openSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { bundleIntegrationTests, integrationTestFiles } from './bundleIntegrationTests.mjs';
import {
	chromiumArgs,
	delay,
	extensionId,
	installExtension,
	killGroup,
	killStrays,
	killTrackedNow,
	launchChromium,
	log,
	onSignals,
	outputDir,
	packageExtension,
	rel,
	root,
	seconds,
	setLogPrefix,
	startCodeServer,
	track,
} from './codeServer.mjs';
import { ensureVSCodeEnv } from './vscodeEnv.mjs';

setLogPrefix('vscode-tests');

/** Scratch for one run: the .vsix, each code-server's HOME, user data and logs. Emptied when a run starts. */
const runDir = join(outputDir, 'vscode');
const screenshotDir = join(outputDir, 'e2e');

// A Ctrl-C or SIGTERM kills every detached child's group, and what they left, before exiting.
onSignals(() => {
	killTrackedNow();
	killStrays(runDir);
	process.exit(130);
});

const usage =
	'usage: node scripts/runVSCodeTests.mjs [--integration-only | --e2e-only] [--grep PATTERN] [--timeout SECONDS] ' +
	'[FILTER...]';

function parseArgs(argv) {
	const options = { integration: true, e2e: true, grep: undefined, timeoutMs: 180_000, filters: [] };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		const [flag, inline] = arg.startsWith('--') ? arg.split(/=(.*)/s) : [arg];
		const value = () => inline ?? argv[++i];
		switch (flag) {
			case '--integration-only':
				options.e2e = false;
				break;
			case '--e2e-only':
				options.integration = false;
				break;
			case '--grep':
				options.grep = value();
				break;
			case '--timeout':
				options.timeoutMs = Number(value()) * 1000;
				break;
			case '--help':
				console.log(usage);
				process.exit(0);
				break;
			default:
				if (arg.startsWith('-')) {
					console.error(`unknown option ${arg}\n${usage}`);
					process.exit(2);
				}
				options.filters.push(arg);
		}
	}
	if ((!options.integration && !options.e2e) || !(options.timeoutMs > 0)) {
		console.error(usage);
		process.exit(2);
	}
	return options;
}

/** The extension host's log files under a code-server user-data dir (logs/<session>/exthost<N>/*.log). */
function extensionHostLogs(userDataDir) {
	const logsDir = join(userDataDir, 'logs');
	if (!existsSync(logsDir)) {
		return [];
	}
	return readdirSync(logsDir, { recursive: true, encoding: 'utf8' })
		.filter((path) => /(^|\/)exthost\d*\/[^/]*exthost[^/]*\.log$/.test(path))
		.map((path) => join(logsDir, path));
}

/**
 * The activation of endpoint-lens as the extension host reports it. The exthost log has one line when activation
 * starts ("ExtensionService#_doActivateExtension <id>, startup: …, activationEvent: '…'") and no duration. The
 * durations come from the host's own performance marks, which test/integration/index.ts copies into the result file:
 *   willLoadExtensionCode → didLoadExtensionCode   requiring dist/extension.js
 *   willActivateExtension → didActivateExtension   `activate()` until its promise settles
 * Their sum is what Developer: Show Running Extensions calls activation time (code loading + activate call). Between
 * the two the host also builds the ExtensionContext (storage, secrets), while other extensions activate: `totalMs`.
 * @returns {{ ms: number, loadMs: number, activateMs: number, totalMs: number, event: string | undefined } | undefined}
 */
function endpointLensActivation(result, logFiles) {
	const mark = (kind) =>
		result?.activationMarks?.find((m) => m.name === `code/extHost/${kind}/${extensionId}`)?.startTime;
	const [willLoad, didLoad, willActivate, didActivate] = [
		'willLoadExtensionCode',
		'didLoadExtensionCode',
		'willActivateExtension',
		'didActivateExtension',
	].map(mark);
	if ([willLoad, didLoad, willActivate, didActivate].includes(undefined)) {
		return undefined;
	}
	let event;
	for (const file of logFiles) {
		const line = readFileSync(file, 'utf8')
			.split('\n')
			.find((l) => l.includes(`ExtensionService#_doActivateExtension ${extensionId},`));
		event ??= line?.match(/activationEvent: '([^']*)'/)?.[1];
	}
	const loadMs = didLoad - willLoad;
	const activateMs = didActivate - willActivate;
	return { ms: loadMs + activateMs, loadMs, activateMs, totalMs: didActivate - willLoad, event };
}

/**
 * The reporter's lines in a page console message. In test mode the workbench logs the extension host's console
 * through its own log service ("%c INFO color: #33f <text>"), beside its own lines, so test/integration/index.ts
 * prefixes every reporter line with "[mocha] ".
 */
function mochaLines(text) {
	const at = text.indexOf('[mocha] ');
	if (at === -1) {
		return [];
	}
	return text
		.slice(at)
		.split('\n')
		.map((line) => line.replace(/^\[mocha\] ?/, ''));
}

async function runIntegration(vscodeEnv, { extensionFolder, options }) {
	const dir = join(runDir, 'integration');
	const workspace = copyWorkspace(dir);
	const { index, files } = await bundleIntegrationTests(options.filters);
	log(`integration: ${files.length} test file(s): ${files.join(', ')}`);
	const resultFile = join(dir, 'result.json');
	const emptyExtensions = join(dir, 'extensions');
	mkdirSync(emptyExtensions, { recursive: true });
	// The live-cluster tests read the project's test API server (a playground over examples/) through $KUBECONFIG.
	const apiserver = await startTestApiServer(join(dir, 'apiserver'));
	let server;
	let context;
	try {
		server = await startCodeServer(vscodeEnv, {
			dir,
			name: 'integration',
			extensionsDir: emptyExtensions,
			folder: workspace,
			env: {
				ENDPOINT_LENS_TEST_RESULT_FILE: resultFile,
				KUBECONFIG: apiserver.kubeconfig,
				ENDPOINT_LENS_TEST_CONTROL_URL: apiserver.control,
				...(options.grep ? { ENDPOINT_LENS_TEST_GREP: options.grep } : {}),
			},
		});
		context = await launchChromium(vscodeEnv, join(dir, 'chromium-profile'));
		const page = context.pages()[0] ?? (await context.newPage());
		const consoleLog = createWriteStream(join(dir, 'page-console.log'));
		page.on('console', (message) => {
			const text = message.text();
			consoleLog.write(`[${message.type()}] ${text}\n`);
			for (const line of mochaLines(text)) {
				console.log(`  ${line}`);
			}
		});
		page.on('pageerror', (error) => consoleLog.write(`[pageerror] ${error.stack ?? error.message}\n`));
		let exited;
		const exit = new Promise((resolve) => (exited = resolve));
		await page.exposeFunction('codeAutomationExit', (code, logs) => {
			// The workbench hands over every log file of the session; keep them beside the rest.
			for (const { relativePath, contents } of Array.isArray(logs) ? logs : []) {
				const target = join(dir, 'workbench-logs', relativePath);
				mkdirSync(join(target, '..'), { recursive: true });
				writeFileSync(target, contents);
			}
			exited(code);
		});
		const remote = (path) => `vscode-remote://127.0.0.1:${server.port}${path}`;
		const payload = [
			['extensionDevelopmentPath', remote(extensionFolder)],
			['extensionTestsPath', remote(index)],
		];
		const query = `folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
		const url = `${server.origin}/?${query}`;
		const started = Date.now();
		await page.goto(url);
		const code = await Promise.race([exit, delay(options.timeoutMs).then(() => 'timeout')]);
		const result = existsSync(resultFile) ? JSON.parse(readFileSync(resultFile, 'utf8')) : undefined;
		if (code === 'timeout') {
			await page.screenshot({ path: join(dir, 'timeout.png') }).catch(() => undefined);
			const screenshot = rel(join(dir, 'timeout.png'));
			log(`integration: no result after ${seconds(options.timeoutMs)}; screenshot: ${screenshot}`);
		} else {
			log(`integration: extension host exited (code ${code}) after ${seconds(Date.now() - started)}`);
		}
		if (result === undefined) {
			return { passed: 0, failed: 1, error: `no result file (${rel(resultFile)})` };
		}
		// A run that threw, or a non-zero exit that no test accounts for, fails the tier too.
		const unexplained = result.error !== undefined || (code !== 0 && code !== 'timeout' && result.failed === 0);
		return {
			passed: result.passed,
			failed: result.failed + (unexplained ? 1 : 0),
			activation: endpointLensActivation(result, extensionHostLogs(server.userDataDir)),
		};
	} finally {
		await context?.close().catch(() => undefined);
		await server?.stop();
		await killGroup(apiserver.child, 'test API server');
	}
}

/**
 * Starts `test/support/apiserver/cli.ts --playground` over examples/ in its own process group and waits until it has
 * written its kubeconfig. Its output goes to `dir/apiserver.log`.
 */
async function startTestApiServer(dir) {
	mkdirSync(dir, { recursive: true });
	const kubeconfig = join(dir, 'kubeconfig');
	const logFile = join(dir, 'apiserver.log');
	const out = openSync(logFile, 'w');
	const child = track(
		spawn(
			process.execPath,
			['--import', 'tsx', 'test/support/apiserver/cli.ts', '--playground', '--objects', 'examples', '--kubeconfig', kubeconfig],
			{ cwd: root, detached: true, stdio: ['ignore', out, out] },
		),
	);
	const deadline = Date.now() + 60_000;
	while (!existsSync(kubeconfig)) {
		if (child.exitCode !== null || Date.now() > deadline) {
			await killGroup(child, 'test API server');
			throw new Error(`the test API server did not start; see ${rel(logFile)}:\n${readFileSync(logFile, 'utf8')}`);
		}
		await delay(100);
	}
	log(`test API server ready (playground over examples/); kubeconfig ${rel(kubeconfig)}`);
	// The playground's control channel: lets a test script a pod readiness change (cli.ts startControl).
	return { child, kubeconfig, control: readFileSync(`${kubeconfig}.control`, 'utf8').trim() };
}

/** A fresh copy of examples/ for one tier's workspace: tests may edit it. */
function copyWorkspace(dir) {
	const workspace = join(dir, 'examples');
	cpSync(join(root, 'examples'), workspace, { recursive: true });
	return workspace;
}

function e2eTestFiles(filters) {
	const dir = join(root, 'test', 'e2e');
	return readdirSync(dir, { recursive: true, encoding: 'utf8' })
		.filter((name) => name.endsWith('.e2e.ts'))
		.map((name) => rel(join(dir, name)))
		.filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
		.sort();
}

/** Counts from node:test's TAP summary ("# pass N", "# fail N", "# cancelled N"). */
function tapCounts(tapFile) {
	const text = existsSync(tapFile) ? readFileSync(tapFile, 'utf8') : '';
	const count = (key) => Number(text.match(new RegExp(`^# ${key} (\\d+)$`, 'm'))?.[1] ?? 0);
	return { found: /^# pass \d+$/m.test(text), passed: count('pass'), failed: count('fail') + count('cancelled') };
}

/**
 * Runs the e2e files in two groups, each against its own code-server: `*.live.e2e.ts` with $KUBECONFIG pointing at the
 * test API server (a playground over examples/), the others with no kubeconfig at all. The counts add up.
 */
async function runE2e(vscodeEnv, { extensionsDir, files, options }) {
	rmSync(screenshotDir, { recursive: true, force: true });
	mkdirSync(screenshotDir, { recursive: true });
	const groups = [
		['e2e', files.filter((f) => !f.endsWith('.live.e2e.ts'))],
		['e2e-live', files.filter((f) => f.endsWith('.live.e2e.ts'))],
	].filter(([, group]) => group.length > 0);
	const total = { passed: 0, failed: 0 };
	for (const [name, group] of groups) {
		const result = await runE2eGroup(vscodeEnv, { name, extensionsDir, files: group, options });
		total.passed += result.passed;
		total.failed += result.failed;
		if (result.error) {
			total.error = [total.error, result.error].filter(Boolean).join('; ');
		}
	}
	return total;
}

async function runE2eGroup(vscodeEnv, { name, extensionsDir, files, options }) {
	const dir = join(runDir, name);
	const workspace = copyWorkspace(dir);
	log(`${name}: ${files.length} test file(s): ${files.join(', ')}`);
	const apiserver = name === 'e2e-live' ? await startTestApiServer(join(dir, 'apiserver')) : undefined;
	let server;
	try {
		server = await startCodeServer(vscodeEnv, {
			dir,
			name,
			extensionsDir,
			folder: workspace,
			env: apiserver ? { KUBECONFIG: apiserver.kubeconfig } : {},
		});
	} catch (error) {
		if (apiserver) {
			await killGroup(apiserver.child, 'test API server');
		}
		throw error;
	}
	const tapFile = join(dir, 'results.tap');
	const args = [
		'--import',
		'tsx',
		'--test',
		'--test-reporter=spec',
		'--test-reporter-destination=stdout',
		'--test-reporter=tap',
		`--test-reporter-destination=${tapFile}`,
		...(options.grep ? ['--test-name-pattern', options.grep] : []),
		...files,
	];
	// The tests' own Chromium processes land in this group too, so killing it leaves nothing behind.
	const env = {
		...process.env,
		ENDPOINT_LENS_E2E_URL: `${server.origin}/?folder=${encodeURIComponent(workspace)}`,
		ENDPOINT_LENS_E2E_WORKSPACE: workspace,
		ENDPOINT_LENS_E2E_SCREENSHOTS: screenshotDir,
		ENDPOINT_LENS_E2E_PROFILES: join(dir, 'chromium-profiles'),
		ENDPOINT_LENS_E2E_CHROMIUM: vscodeEnv.chromium,
		ENDPOINT_LENS_E2E_CHROMIUM_ARGS: JSON.stringify(chromiumArgs),
		...(apiserver ? { ENDPOINT_LENS_TEST_CONTROL_URL: apiserver.control } : {}),
	};
	const child = track(spawn(process.execPath, args, { cwd: root, stdio: 'inherit', detached: true, env }));
	try {
		const outcome = await Promise.race([
			once(child, 'exit').then(([code]) => code),
			delay(options.timeoutMs).then(() => 'timeout'),
		]);
		if (outcome === 'timeout') {
			log(`e2e: still running after ${seconds(options.timeoutMs)}: stopping it`);
		}
		const counts = tapCounts(tapFile);
		if (!counts.found) {
			return { passed: 0, failed: 1, error: `node:test wrote no summary (${rel(tapFile)})` };
		}
		// A non-zero exit with no failed test (a file that threw outside any test) still fails the tier.
		const failed = counts.failed + (outcome !== 0 && counts.failed === 0 ? 1 : 0);
		return { passed: counts.passed, failed };
	} finally {
		await killGroup(child, 'e2e tests');
		await server.stop();
		if (apiserver) {
			await killGroup(apiserver.child, 'test API server');
		}
	}
}

/** Runs one tier, turning a thrown error into a failed tier, and prints how long it took and where its logs are. */
async function runTier(name, work) {
	const started = Date.now();
	const result = await work().catch((error) => ({
		passed: 0,
		failed: 1,
		error: error instanceof Error ? error.message : String(error),
	}));
	const where = name === 'e2e' ? `, screenshots: ${rel(screenshotDir)}` : '';
	log(`${name} tier took ${seconds(Date.now() - started)}; logs: ${rel(join(runDir, name))}${where}`);
	if (result.error) {
		log(`${name}: ${result.error}`);
	}
	return result;
}

function activationLine(activation) {
	if (activation === undefined) {
		return `activation: ${extensionId} did not activate during the integration tests`;
	}
	const { ms, loadMs, activateMs, totalMs, event } = activation;
	return (
		`activation: ${ms} ms (loading dist/extension.js ${loadMs} ms + activate() ${activateMs} ms; ` +
		`${totalMs} ms from load to active, with the extension context; activation event: ${event ?? 'unknown'})`
	);
}

async function main() {
	const options = parseArgs(process.argv.slice(2));
	const started = Date.now();
	// With a FILTER, a tier without a matching file is skipped; without one, a tier with no test file fails.
	const tiers = [
		['integration', options.integration, integrationTestFiles(options.filters)],
		['e2e', options.e2e, e2eTestFiles(options.filters)],
	].filter(([name, wanted, files]) => {
		if (wanted && files.length === 0 && options.filters.length > 0) {
			log(`${name}: no test file matches ${options.filters.join(' or ')}: skipped`);
			return false;
		}
		return wanted;
	});
	if (tiers.length === 0) {
		throw new Error('no test file matches');
	}
	const vscodeEnv = await ensureVSCodeEnv();

	rmSync(runDir, { recursive: true, force: true });
	mkdirSync(runDir, { recursive: true });
	const t = Date.now();
	log('packaging the extension (vsce package; vscode:prepublish runs the production build)');
	const vsix = await packageExtension(join(runDir, 'endpoint-lens.vsix'));
	const extensionsDir = join(runDir, 'extensions');
	const extensionFolder = await installExtension(vscodeEnv, vsix, extensionsDir, { dir: join(runDir, 'install') });
	log(`packaged and installed in ${seconds(Date.now() - t)}: ${rel(extensionFolder)}`);

	const summary = [];
	let failed = false;
	for (const [name, , files] of tiers) {
		if (files.length === 0) {
			log(`${name}: no test files`);
			summary.push(`${name}: 0 passed, 1 failed`);
			failed = true;
			continue;
		}
		const result =
			name === 'integration'
				? await runTier(name, () => runIntegration(vscodeEnv, { extensionFolder, options }))
				: await runTier(name, () => runE2e(vscodeEnv, { extensionsDir, files, options }));
		if (name === 'integration' && result.error === undefined) {
			summary.push(activationLine(result.activation));
		}
		summary.push(`${name}: ${result.passed} passed, ${result.failed} failed`);
		failed ||= result.failed > 0;
	}
	killStrays(runDir);
	log(`done in ${seconds(Date.now() - started)}; logs: ${rel(runDir)}/, screenshots: ${rel(screenshotDir)}/`);
	for (const line of summary) {
		console.log(line);
	}
	process.exitCode = failed ? 1 : 0;
}

await main().catch((error) => {
	killStrays(runDir);
	console.error(`[vscode-tests] ${error instanceof Error ? error.message : String(error)}`);
	process.exitCode = 1;
});
