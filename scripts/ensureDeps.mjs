// Installs the project's dependencies with `npm ci` when node_modules is missing or stale, and does nothing otherwise.
// `npm test`, `npm run demo` and `npm run bench` start with it, so a fresh clone needs no separate install step.
//
// It runs before anything is installed, so it uses Node built-ins only.
//
// Fast path: a stamp in node_modules records a hash of what the install was made from (package-lock.json, the
// dependency fields of package.json, the platform and the Node ABI). When the hash matches, there is nothing to do.
// Without a matching stamp (for example after a hand-run `npm install`), npm's own record of what it installed,
// node_modules/.package-lock.json, is compared entry by entry with package-lock.json; `npm ci` runs only if they differ.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const lockPath = join(root, 'package-lock.json');
const nodeModules = join(root, 'node_modules');
const installedLockPath = join(nodeModules, '.package-lock.json');
const stampPath = join(nodeModules, '.endpoint-lens-deps-stamp');

const dependencyFields = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'];

function readJson(path) {
	return JSON.parse(readFileSync(path, 'utf8'));
}

function installHash() {
	const manifest = readJson(join(root, 'package.json'));
	const hash = createHash('sha256');
	hash.update(readFileSync(lockPath));
	for (const field of [...dependencyFields, 'overrides']) {
		hash.update(`\0${field}\0${JSON.stringify(manifest[field] ?? null)}`);
	}
	hash.update(`\0${process.platform}\0${process.arch}\0${process.versions.modules}`);
	return hash.digest('hex');
}

/** Why node_modules does not match package-lock.json, or undefined when it does. */
function staleReason() {
	if (!existsSync(nodeModules)) {
		return 'node_modules is missing';
	}
	if (!existsSync(installedLockPath)) {
		return 'node_modules has no record of what npm installed';
	}
	const wanted = readJson(lockPath).packages ?? {};
	const installed = readJson(installedLockPath).packages ?? {};
	// A dependency edited in package.json without `npm install`: let `npm ci` report the mismatch.
	const manifest = readJson(join(root, 'package.json'));
	for (const field of dependencyFields) {
		if (JSON.stringify(manifest[field] ?? {}) !== JSON.stringify(wanted['']?.[field] ?? {})) {
			return `package.json ${field} differ from package-lock.json`;
		}
	}
	for (const [path, entry] of Object.entries(wanted)) {
		if (path === '') {
			continue;
		}
		const have = installed[path];
		if (have === undefined) {
			if (!entry.optional) {
				return `${path} is not installed`;
			}
		} else if (have.version !== entry.version) {
			return `${path} is ${have.version}, package-lock.json wants ${entry.version}`;
		}
	}
	for (const path of Object.keys(installed)) {
		if (wanted[path] === undefined) {
			return `${path} is installed but not in package-lock.json`;
		}
	}
	return undefined;
}

function npmCi() {
	// Under `npm run`, npm_execpath is the npm that is running us: use the same one.
	const npmCli = process.env.npm_execpath;
	const args = ['ci', '--no-audit', '--no-fund'];
	const result = npmCli?.endsWith('.js')
		? spawnSync(process.execPath, [npmCli, ...args], { cwd: root, stdio: 'inherit' })
		: spawnSync('npm', args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
	if (result.error) {
		throw result.error;
	}
	return result.status ?? 1;
}

const hash = installHash();
if (existsSync(stampPath) && readFileSync(stampPath, 'utf8').trim() === hash) {
	process.exit(0);
}

const reason = staleReason();
if (reason !== undefined) {
	console.log(`[ensureDeps] ${reason}: running npm ci`);
	const status = npmCi();
	if (status !== 0) {
		console.error(`[ensureDeps] npm ci failed (exit ${status})`);
		process.exit(status);
	}
}
writeFileSync(stampPath, `${hash}\n`);
