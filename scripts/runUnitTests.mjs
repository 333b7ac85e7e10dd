// Runs every test/unit/**/*.test.ts with node's own test runner, TypeScript loaded through tsx.
// (Node 20's `--test` takes no globs, so the files are listed here.)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
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
// The spec reporter to the terminal, and TAP to a file for the closing `unit: N passed, N failed` line.
mkdirSync('test-output/unit', { recursive: true });
// One file per run: two runs at once must not read each other's counts.
const tap = `test-output/unit/results-${process.pid}.tap`;
const r = spawnSync(
	process.execPath,
	[
		'--import',
		'tsx',
		'--test',
		'--test-reporter=spec',
		'--test-reporter-destination=stdout',
		'--test-reporter=tap',
		`--test-reporter-destination=${tap}`,
		...files,
	],
	{ stdio: 'inherit' },
);
const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
rmSync(tap, { force: true });
const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
console.log(`unit: ${count('pass')} passed, ${count('fail')} failed`);
process.exit(r.status ?? 1);
