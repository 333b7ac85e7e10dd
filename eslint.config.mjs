// ESLint 9 flat config: typescript-eslint `recommended` + `stylistic`, a few type-aware rules, and the layer rules
// that keep src/core pure (STYLE 1): no `vscode` and no I/O there, no `vscode` in the CLI, the webview or shared types.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** Node I/O modules, bare and with the `node:` scheme. */
const nodeIoModules = [
	'fs',
	'fs/promises',
	'http',
	'http2',
	'https',
	'net',
	'tls',
	'child_process',
	'dgram',
	'dns',
	'dns/promises',
].flatMap((name) => [name, `node:${name}`]);

const noVscode = {
	name: 'vscode',
	message: 'Only src/extension talks to the VS Code API; pass plain data in instead.',
};

/** The globals that the plain .mjs scripts (build, lint and test tooling) use under Node. */
const nodeScriptGlobals = Object.fromEntries(
	['console', 'process', 'Buffer', 'URL', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'].map(
		(name) => [name, 'readonly'],
	),
);

export default defineConfig(
	globalIgnores(['dist/', 'dist-test/', 'node_modules/', '.cache/', 'test-output/', '**/*.vsix']),

	js.configs.recommended,
	tseslint.configs.recommended,
	tseslint.configs.stylistic,

	{
		name: 'endpoint-lens/all',
		rules: {
			// `x == null` is the idiom for "null or undefined"; every other comparison is strict.
			eqeqeq: ['error', 'always', { null: 'ignore' }],
			curly: ['error', 'all'],
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
			],
		},
	},

	{
		name: 'endpoint-lens/typescript',
		files: ['**/*.ts'],
		languageOptions: {
			parserOptions: {
				projectService: true,
				tsconfigRootDir: import.meta.dirname,
			},
		},
		rules: {
			'@typescript-eslint/no-floating-promises': [
				'error',
				{
					// node:test's `describe`/`it`/`test` return promises that the runner itself awaits.
					allowForKnownSafeCalls: [
						{
							from: 'package',
							package: 'node:test',
							name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
						},
					],
				},
			],
			'@typescript-eslint/consistent-type-imports': [
				'error',
				{ prefer: 'type-imports', fixStyle: 'separate-type-imports' },
			],
		},
	},

	{
		name: 'endpoint-lens/node-scripts',
		files: ['**/*.mjs', '**/*.js'],
		languageOptions: { globals: nodeScriptGlobals },
	},

	{
		name: 'endpoint-lens/core-is-pure',
		files: ['src/core/**'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					paths: [
						{ ...noVscode, message: 'src/core is pure TypeScript: it never imports `vscode`.' },
						...nodeIoModules.map((name) => ({
							name,
							message:
								'src/core does no I/O: take data as arguments and let src/cluster or src/cli read it.',
						})),
						{
							name: '@kubernetes/client-node',
							message:
								'src/core works on the plain JSON shapes in src/core/k8s/types.ts, not client-node.',
						},
					],
					patterns: [
						{
							group: ['@kubernetes/client-node/*'],
							message:
								'src/core works on the plain JSON shapes in src/core/k8s/types.ts, not client-node.',
						},
					],
				},
			],
		},
	},

	{
		name: 'endpoint-lens/no-vscode-outside-extension',
		files: ['src/cli/**', 'src/webview/**', 'src/shared/**'],
		rules: {
			'no-restricted-imports': ['error', { paths: [noVscode] }],
		},
	},
);
