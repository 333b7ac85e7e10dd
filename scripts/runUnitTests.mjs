// Runs every test/unit/**/*.test.ts with node's own test runner, TypeScript loaded through tsx.
// (Node 20's `--test` takes no globs, so the files are listed here.)
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir) {
	const out = [];
	for (const name of readdirSync(dir)) {
		const p = join(dir, name);
		if (statSync(p).isDirectory()) {
			out.push(...find(p));
		} else if (name.endsWith('.test.ts')) {
			out.push(p);
		}
	}
	return out;
}

const filter = process.argv.slice(2);
const files = find('test/unit')
	.filter((f) => filter.length === 0 || filter.some((x) => f.includes(x)))
	.sort();
if (files.length === 0) {
	console.error('no unit test files found');
	process.exit(1);
}
// The spec reporter, passed through to the terminal and read for the closing `unit: N passed, N failed` line (its
// own summary says `ℹ pass N`). A file reporter would not do: --test-force-exit exits before files are flushed.
const child = spawn(
	process.execPath,
	[
		'--import',
		'tsx',
		'--test',
		// A file's process ends when its tests end: a third-party client (client-node's informer) can leave a reconnect
		// pending after stop(), which would otherwise keep a test file alive indefinitely. Our own sources are checked
		// for leftover timers in their tests (liveSource.test.ts).
		'--test-force-exit',
		'--test-reporter=spec',
		...files,
	],
	{ stdio: ['inherit', 'pipe', 'inherit'] },
);
let tail = '';
child.stdout.on('data', (chunk) => {
	process.stdout.write(chunk);
	tail = (tail + chunk.toString()).slice(-4096);
});
const [code] = await once(child, 'exit');
const count = (name) => Number(new RegExp(`^ℹ ${name} (\\d+)$`, 'm').exec(tail)?.[1] ?? NaN);
console.log(`unit: ${count('pass')} passed, ${count('fail') + (count('cancelled') || 0)} failed`);
process.exit(code ?? 1);
