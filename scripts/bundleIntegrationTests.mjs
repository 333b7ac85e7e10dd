// Bundles the extension-host tests for both runners: scripts/runVSCodeTests.mjs (code-server, here) and
// `npx vscode-test` (.vscode-test.mjs, desktop VS Code). test/integration/index.ts and every
// test/integration/**/*.test.ts become one cjs file each under dist-test/integration/, with `vscode` (the extension
// host provides it) and `mocha` external. mocha resolves from the repo's node_modules, one level up; on desktop,
// @vscode/test-cli loads the *.test.js files with its own mocha and ignores index.js.
//
//   node scripts/bundleIntegrationTests.mjs [FILTER...]   only test files whose path contains a FILTER
import { readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const sourceDir = join(root, 'test', 'integration');
/** Where the bundles go (gitignored). */
export const integrationOutDir = join(root, 'dist-test', 'integration');

/** The repo-relative paths of the integration test files, optionally only those containing one of `filters`. */
export function integrationTestFiles(filters = []) {
	return readdirSync(sourceDir, { recursive: true, encoding: 'utf8' })
		.filter((name) => name.endsWith('.test.ts'))
		.map((name) => relative(root, join(sourceDir, name)))
		.filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
		.sort();
}

/**
 * Bundles index.ts and the (filtered) test files into a clean {@link integrationOutDir}.
 * @returns {Promise<{ index: string, files: string[] }>} the bundled index and the test sources it will load
 */
export async function bundleIntegrationTests(filters = []) {
	const files = integrationTestFiles(filters);
	rmSync(integrationOutDir, { recursive: true, force: true });
	await esbuild.build({
		absWorkingDir: root,
		entryPoints: ['test/integration/index.ts', ...files],
		outdir: integrationOutDir,
		outbase: sourceDir,
		bundle: true,
		format: 'cjs',
		platform: 'node',
		target: 'node20',
		external: ['vscode', 'mocha'],
		sourcemap: 'inline',
		logLevel: 'warning',
	});
	return { index: join(integrationOutDir, 'index.js'), files };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	const { index, files } = await bundleIntegrationTests(process.argv.slice(2));
	console.log(`bundled ${files.length} integration test file(s) and ${relative(root, index)}`);
}
