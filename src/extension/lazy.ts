/**
 * Loads dist/runtime.js (see runtime.ts) on first use. esbuild leaves this `require` alone because its
 * argument is computed, so the runtime stays out of dist/extension.js.
 */
import type * as Runtime from './runtime';

let loaded: typeof Runtime | undefined;

export function runtime(): typeof Runtime {
	if (!loaded) {
		const file = ['.', 'runtime.js'].join('/');
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		loaded = require(file) as typeof Runtime;
	}
	return loaded;
}
