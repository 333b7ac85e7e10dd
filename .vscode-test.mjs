// @vscode/test-cli configuration: `npx vscode-test` runs the extension-host tests (test/integration/**/*.test.ts) in
// desktop VS Code, which @vscode/test-electron downloads (not possible on the project's own machines, where
// `npm run test:integration` runs the same files in code-server instead: scripts/runVSCodeTests.mjs).
//
// The test files are bundled first (scripts/bundleIntegrationTests.mjs, into dist-test/integration/); the extension
// under test is this folder, so build it before: `npm run build && npx vscode-test` (`npm run test:desktop`).
import { defineConfig } from '@vscode/test-cli';
import { bundleIntegrationTests } from './scripts/bundleIntegrationTests.mjs';

await bundleIntegrationTests();

export default defineConfig({
	label: 'integration',
	files: 'dist-test/integration/**/*.test.js',
	workspaceFolder: 'examples',
	mocha: {
		ui: 'tdd',
		timeout: 20_000,
	},
});
