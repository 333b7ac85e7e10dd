/**
 * Runs the real `endpoint-lens` command line in a child process, for black-box tests of its contract (README,
 * "Command-line tool").
 *
 * `src/cli/cli.ts` is bundled with esbuild's JS API, as `npm run build` does, so the tests do not depend on a previous
 * build. The bundle is made once per test run: node's runner executes every test file in its own process, so the
 * bundle lives in the OS temp directory under a hash of everything that goes into it (src/, package-lock.json, this
 * file). The first process to take the lock builds it; the others wait for it. A later run with the same sources reuses
 * it; a change in src/ gives a new hash, hence a new bundle.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
	existsSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	renameSync,
	rmSync,
	statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as esbuild from 'esbuild';

/** The repository root (tests run from it, but nothing here relies on the working directory). */
export const repoRoot = resolve(__dirname, '..', '..', '..');

/** Where this test suite's fixture files live. */
export const fixturesDir = join(repoRoot, 'test', 'fixtures', 'cli');

/** The example manifests shipped in the repository. */
export const examplesDir = join(repoRoot, 'examples');

export interface CliResult {
	/** The exit status; null if the process was killed (e.g. by the timeout). */
	status: number | null;
	stdout: string;
	stderr: string;
}

export interface RunOptions {
	/** Written to the child's standard input, which is then closed. Absent: an empty standard input. */
	input?: string;
	/** Working directory; the repository root by default. */
	cwd?: string;
}

/** The files whose contents decide the bundle. */
function bundleInputs(): string[] {
	const out: string[] = [];
	const walk = (dir: string): void => {
		for (const name of readdirSync(dir).sort()) {
			const p = join(dir, name);
			if (statSync(p).isDirectory()) {
				walk(p);
			} else {
				out.push(p);
			}
		}
	};
	walk(join(repoRoot, 'src'));
	out.push(join(repoRoot, 'package-lock.json'), __filename);
	return out;
}

function bundleHash(): string {
	const h = createHash('sha256');
	h.update(`esbuild ${esbuild.version}\0node ${process.version}\0`);
	for (const file of bundleInputs()) {
		h.update(relative(repoRoot, file));
		h.update('\0');
		h.update(readFileSync(file));
		h.update('\0');
	}
	return h.digest('hex').slice(0, 16);
}

const cacheRoot = join(tmpdir(), 'endpoint-lens-cli-test');
/** A lock older than this is left over from a crashed run and is taken over. */
const staleLockMs = 120_000;
let bundlePromise: Promise<string> | undefined;

async function build(dir: string, outfile: string): Promise<void> {
	const partial = join(dir, `cli.${process.pid}.partial.js`);
	await esbuild.build({
		entryPoints: [join(repoRoot, 'src', 'cli', 'cli.ts')],
		bundle: true,
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		outfile: partial,
		logLevel: 'silent',
	});
	renameSync(partial, outfile);
}

/** Removes the bundles of older sources (kept for an hour, in case another run still uses them). */
function pruneOldBundles(keep: string): void {
	for (const name of readdirSync(cacheRoot)) {
		const p = join(cacheRoot, name);
		if (name !== keep && Date.now() - statSync(p).mtimeMs > 3_600_000) {
			rmSync(p, { recursive: true, force: true });
		}
	}
}

async function makeBundle(): Promise<string> {
	const hash = bundleHash();
	const dir = join(cacheRoot, hash);
	const outfile = join(dir, 'cli.js');
	const lock = join(cacheRoot, `${hash}.lock`);
	mkdirSync(dir, { recursive: true });
	const deadline = Date.now() + 60_000;
	while (!existsSync(outfile)) {
		let locked = false;
		try {
			mkdirSync(lock);
			locked = true;
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
				throw e;
			}
		}
		if (locked) {
			try {
				if (!existsSync(outfile)) {
					await build(dir, outfile);
					pruneOldBundles(hash);
				}
			} finally {
				rmSync(lock, { recursive: true, force: true });
			}
			break;
		}
		// Another test process is building it.
		if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > staleLockMs) {
			rmSync(lock, { recursive: true, force: true });
			continue;
		}
		if (Date.now() > deadline) {
			throw new Error(`timed out waiting for another process to bundle the CLI (lock ${lock})`);
		}
		await sleep(50);
	}
	return outfile;
}

let bundlePath: string | undefined;

/** Bundles the CLI (or finds this run's bundle). Call it from `before()`; {@link runCli} needs it done. */
export async function prepareCli(): Promise<string> {
	bundlePromise ??= makeBundle();
	bundlePath = await bundlePromise;
	return bundlePath;
}

/** Runs `endpoint-lens ARGS…` and returns its exit status and output. */
export function runCli(args: readonly string[], options: RunOptions = {}): CliResult {
	if (bundlePath === undefined) {
		throw new Error('runCli: call `await prepareCli()` in a before() hook first');
	}
	const r = spawnSync(process.execPath, [bundlePath, ...args], {
		cwd: options.cwd ?? repoRoot,
		input: options.input ?? '',
		encoding: 'utf8',
		timeout: 30_000,
		maxBuffer: 64 * 1024 * 1024,
		env: { ...process.env, NODE_OPTIONS: '' },
	});
	if (r.error) {
		throw r.error;
	}
	return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `endpoint-lens simulate` with a scenario object on standard input. */
export function simulate(scenario: unknown, args: readonly string[] = []): CliResult {
	return runCli(['simulate', ...args], { input: JSON.stringify(scenario) });
}

/** The path of a fixture file of this suite. */
export function fixture(name: string): string {
	return join(fixturesDir, name);
}

/** A fixture scenario, parsed (so a test can change a field and send it on standard input). */
export function loadFixture(name: string): Record<string, unknown> {
	return JSON.parse(readFileSync(fixture(name), 'utf8')) as Record<string, unknown>;
}
