// Bundles the project with esbuild. Type-checking is separate (`npm run typecheck`): esbuild only strips types.
//
//   node esbuild.mjs                 development build: sourcemaps, no minification
//   node esbuild.mjs --production    minified, no sourcemaps (what `vscode:prepublish` packages)
//   node esbuild.mjs --watch         development build, rebuilt on every change
//
// Every dependency is bundled except `vscode`, which the extension host provides. @kubernetes/client-node 2.x is
// ESM-only, so bundling is also what lets the cjs outputs use it.
import { chmod, rm } from 'node:fs/promises';
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const nodeBundle = {
	bundle: true,
	format: 'cjs',
	platform: 'node',
	target: 'node20',
	sourcemap: !production,
	sourcesContent: false,
	minify: production,
	logLevel: 'warning',
	metafile: true,
};

/** @type {{ options: import('esbuild').BuildOptions, executable?: boolean, budget?: number }[]} */
const bundles = [
	{
		options: {
			...nodeBundle,
			entryPoints: ['src/extension/extension.ts'],
			outfile: 'dist/extension.js',
			external: ['vscode'],
		},
		// DESIGN.md: dist/extension.js ≤ 1 MB, minified. It stays small: the playground loads lazily.
		budget: 1024 * 1024,
	},
	{
		// The playground, the live-cluster source and the YAML printer, required by dist/extension.js on first use.
		options: {
			...nodeBundle,
			entryPoints: ['src/extension/runtime.ts'],
			outfile: 'dist/runtime.js',
			external: ['vscode'],
		},
	},
	{
		// The manifest parser on a worker thread: large documents are parsed off the extension host's thread.
		options: { ...nodeBundle, entryPoints: ['src/extension/parseWorkerMain.ts'], outfile: 'dist/parseWorker.js' },
	},
	{
		options: {
			...nodeBundle,
			entryPoints: ['src/cli/cli.ts'],
			outfile: 'dist/cli.js',
			banner: { js: '#!/usr/bin/env node' },
		},
		executable: true,
	},
	{
		options: { ...nodeBundle, entryPoints: ['bench/bench.ts'], outfile: 'dist/bench.js' },
	},
	{
		// The diagram webview (STYLE 9): a browser IIFE with Mermaid bundled in, loaded by the webview's page through
		// asWebviewUri. Mermaid's diagram types load with dynamic import(); without code splitting esbuild inlines them.
		options: {
			bundle: true,
			format: 'iife',
			platform: 'browser',
			target: 'chrome120',
			entryPoints: ['src/webview/main.ts'],
			outfile: 'dist/webview.js',
			sourcemap: !production,
			sourcesContent: false,
			minify: production,
			logLevel: 'warning',
			metafile: true,
		},
	},
];

function formatBytes(bytes) {
	return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** Makes the CLI executable and prints the size of every bundle (not of its sourcemap) against its budget. */
async function afterBuild(bundle, result) {
	for (const [file, output] of Object.entries(result.metafile?.outputs ?? {})) {
		if (file.endsWith('.map')) {
			continue;
		}
		if (bundle.executable) {
			await chmod(file, 0o755);
		}
		console.log(`  ${file.padEnd(20)} ${formatBytes(output.bytes).padStart(10)}`);
		if (production && bundle.budget !== undefined && output.bytes > bundle.budget) {
			console.log(`  warning: ${file} is over its ${formatBytes(bundle.budget)} budget (DESIGN.md)`);
		}
	}
}

// A sourcemap left by a development build must not sit beside a production bundle.
await rm('dist', { recursive: true, force: true });

if (watch) {
	for (const bundle of bundles) {
		const rebuilt = {
			name: 'rebuilt',
			setup(build) {
				build.onEnd(async (result) => {
					if (result.errors.length === 0) {
						await afterBuild(bundle, result);
					}
				});
			},
		};
		const ctx = await esbuild.context({ ...bundle.options, plugins: [rebuilt] });
		await ctx.watch();
	}
	console.log('[esbuild] watching for changes');
} else {
	const started = Date.now();
	const results = await Promise.allSettled(bundles.map((bundle) => esbuild.build(bundle.options)));
	if (results.some((r) => r.status === 'rejected')) {
		// esbuild has already printed the errors (logLevel 'warning' includes them).
		process.exit(1);
	}
	for (const [i, bundle] of bundles.entries()) {
		await afterBuild(bundle, results[i].value);
	}
	console.log(`[esbuild] ${production ? 'production' : 'development'} build in ${Date.now() - started} ms`);
}
