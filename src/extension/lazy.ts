/**
 * Loads dist/playground.js (see playgroundRuntime.ts) on first use. esbuild leaves this `require` alone because its
 * argument is computed, so the runtime stays out of dist/extension.js.
 */
import type * as Runtime from './playgroundRuntime';

let runtime: typeof Runtime | undefined;

export function playgroundRuntime(): typeof Runtime {
	if (!runtime) {
		const file = ['.', 'playground.js'].join('/');
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		runtime = require(file) as typeof Runtime;
	}
	return runtime;
}
