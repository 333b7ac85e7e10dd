/**
 * The extension-host test entry point: the `extensionTestsPath` that VS Code loads inside the extension host, where
 * `vscode` is the real API. It is what @vscode/test-electron expects (an exported `run()` whose promise settles when
 * the tests are done), and scripts/runVSCodeTests.mjs opens it in code-server the same way.
 *
 * scripts/bundleIntegrationTests.mjs bundles this file and every `test/integration/**\/*.test.ts` into
 * `dist-test/integration/` (`vscode` and `mocha` stay external), so `run()` loads each `*.test.js` it finds beside
 * itself. Tests use mocha's `tdd` interface (`suite`, `test`, `suiteSetup`, …), as @vscode/test-cli does on desktop,
 * so the same files run under `npx vscode-test` too.
 *
 * Environment, all optional (the runner sets them on code-server, whose extension host inherits them):
 *   ENDPOINT_LENS_TEST_RESULT_FILE  where to write the {@link IntegrationResult} JSON
 *   ENDPOINT_LENS_TEST_GREP         only run tests whose full title matches this regular expression
 *   ENDPOINT_LENS_TEST_TIMEOUT      per-test timeout in ms (default 20000)
 */

import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';

/**
 * Starts every line of the reporter's output. Inside code-server the extension host's console reaches the page
 * console mixed with the workbench's own log lines; the runner prints the ones with this prefix.
 */
export const outputPrefix = '[mocha] ';

/** The JSON file the runner reads, because code-server reports every extension-host exit as code 0. */
export interface IntegrationResult {
	passed: number;
	failed: number;
	pending: number;
	durationMs: number;
	/** Full title and error message of each failed test or hook. */
	failures: { title: string; message: string }[];
	/**
	 * The extension host's own performance marks for the extensions that activated (`startTime` in epoch ms):
	 * `code/extHost/{will,did}LoadExtensionCode/<id>` and `code/extHost/{will,did}ActivateExtension/<id>`, the marks
	 * behind Developer: Startup Performance.
	 */
	activationMarks: { name: string; startTime: number }[];
	/** Set when the run itself failed (a test file threw while loading). */
	error?: string;
}

/** VS Code's own performance marks, kept on `globalThis` by vs/base/common/performance. */
interface MonacoPerformanceMarks {
	getMarks(): { name: string; startTime: number }[];
}

function testFiles(dir: string): string[] {
	return readdirSync(dir, { recursive: true, encoding: 'utf8' })
		.filter((name) => name.endsWith('.test.js'))
		.sort()
		.map((name) => join(dir, name));
}

function activationMarks(): { name: string; startTime: number }[] {
	const marks = (globalThis as { MonacoPerformanceMarks?: MonacoPerformanceMarks }).MonacoPerformanceMarks;
	return (marks?.getMarks() ?? []).filter(
		(mark) => /^code\/extHost\/(will|did)(LoadExtensionCode|ActivateExtension)\//.test(mark.name),
	);
}

function writeResult(result: IntegrationResult): void {
	const file = process.env.ENDPOINT_LENS_TEST_RESULT_FILE;
	if (file) {
		mkdirSync(dirname(file), { recursive: true });
		writeFileSync(file, JSON.stringify(result, null, '\t'));
	}
}

export async function run(): Promise<void> {
	// Reporters print through `Base.consoleLog`; formatting here keeps each line whole in the page console.
	Mocha.reporters.Base.consoleLog = (...data: unknown[]) =>
		console.log(format(...data).replace(/^/gm, outputPrefix));
	const mocha = new Mocha({
		ui: 'tdd',
		reporter: 'spec',
		color: false,
		timeout: Number(process.env.ENDPOINT_LENS_TEST_TIMEOUT ?? 20_000),
		...(process.env.ENDPOINT_LENS_TEST_GREP ? { grep: process.env.ENDPOINT_LENS_TEST_GREP } : {}),
	});
	const files = testFiles(__dirname);
	for (const file of files) {
		mocha.addFile(file);
	}
	const started = Date.now();
	const result: IntegrationResult = {
		passed: 0,
		failed: 0,
		pending: 0,
		durationMs: 0,
		failures: [],
		activationMarks: [],
	};
	try {
		if (files.length === 0) {
			throw new Error(`no *.test.js files beside ${__filename}`);
		}
		await new Promise<void>((resolve) => {
			const runner = mocha.run(() => resolve());
			runner.on(Mocha.Runner.constants.EVENT_TEST_PASS, () => result.passed++);
			runner.on(Mocha.Runner.constants.EVENT_TEST_PENDING, () => result.pending++);
			runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, (test, error: unknown) => {
				result.failed++;
				result.failures.push({
					title: test.fullTitle(),
					message: error instanceof Error ? error.message : String(error),
				});
			});
		});
	} catch (error) {
		result.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
		console.error(`${outputPrefix}integration run failed: ${result.error}`);
	}
	result.durationMs = Date.now() - started;
	result.activationMarks = activationMarks();
	writeResult(result);
	if (result.error !== undefined || result.failed > 0) {
		throw new Error(result.error ?? `${result.failed} integration test(s) failed`);
	}
}
