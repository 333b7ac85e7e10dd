// The code-server plumbing that scripts/runVSCodeTests.mjs (the real-VS Code test tiers) and scripts/demo.mjs
// (`npm run demo`) share: scratch HOMEs, the recipe's settings, packaging and installing the .vsix, starting
// code-server, Chromium through playwright-core, and killing what they started (shared/testing/code-server.md is the
// recipe; scripts/vscodeEnv.mjs installs the tools).
//
// Every long-lived child (code-server, a test runner) is spawned detached, in its own process group, and tracked:
// killGroup() stops one group, killTrackedNow() all of them (for a signal handler), and killStrays() whatever is
// left that has a given scratch folder on its command line (a Chromium or an extension host that outlived its parent).
/* global fetch */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const outputDir = join(root, 'test-output');
export const extensionId = 'endpoint-lens.endpoint-lens';

/** Chromium's flags from the recipe: headless, no sandbox (root), and nothing that phones home. */
export const chromiumArgs = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

/** User settings for every code-server (the recipe's): no AI agents, no start page, no telemetry, updates or git. */
export const userSettings = {
	'chat.disableAIFeatures': true,
	'workbench.startupEditor': 'none',
	'telemetry.telemetryLevel': 'off',
	'update.mode': 'none',
	'extensions.autoUpdate': false,
	'git.enabled': false,
};

let logPrefix = 'code-server';

/** Sets the prefix of this module's log lines (and of {@link log}'s), e.g. 'vscode-tests'. */
export function setLogPrefix(prefix) {
	logPrefix = prefix;
}

export function log(message) {
	console.log(`[${logPrefix}] ${message}`);
}

export function seconds(ms) {
	return `${(ms / 1000).toFixed(1)} s`;
}

/** A path relative to the repository, for messages. */
export function rel(path) {
	return relative(root, path) || '.';
}

export function delay(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * Spawns a command and waits for it; rejects when it fails. With `logFile`, its output goes to that file (appended)
 * instead of this terminal, and the error names the file.
 */
export async function run(command, args, { logFile, ...options } = {}) {
	let stdio = 'inherit';
	if (logFile !== undefined) {
		const out = createWriteStream(logFile, { flags: 'a' });
		await once(out, 'open');
		stdio = ['ignore', out, out];
	}
	const child = spawn(command, args, { cwd: root, stdio, ...options });
	const [code, signal] = await once(child, 'exit');
	if (code !== 0) {
		const where = logFile === undefined ? '' : `; its output: ${rel(logFile)}`;
		throw new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`})${where}`);
	}
}

/** A port that nothing listens on at the moment, chosen by the OS. */
export function freePort() {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/** Whether `port` can be listened on at 127.0.0.1 right now. */
export function portIsFree(port) {
	return new Promise((resolve) => {
		const server = createServer();
		server.unref();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/** `port` when it is free, else the first free one of the next ten, else any free port (`port` 0: any). */
export async function choosePort(port) {
	for (let candidate = port; port > 0 && candidate <= Math.min(port + 10, 65535); candidate++) {
		if (await portIsFree(candidate)) {
			return candidate;
		}
	}
	return freePort();
}

/** Detached children still running: {@link killTrackedNow} kills their groups. */
const liveChildren = new Set();

/** Remembers a detached child until it exits, so that a signal handler can kill its process group. */
export function track(child) {
	liveChildren.add(child);
	child.on('exit', () => liveChildren.delete(child));
	return child;
}

/** SIGKILLs the process group of every tracked child that is still running (for signal handlers: no waiting). */
export function killTrackedNow() {
	for (const child of liveChildren) {
		try {
			process.kill(-child.pid, 'SIGKILL');
		} catch {
			// the group is gone
		}
	}
}

/** Calls `handler(signal)` on SIGINT, SIGTERM and SIGHUP. */
export function onSignals(handler) {
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
		process.on(signal, () => handler(signal));
	}
}

/** Kills a detached child's whole process group (code-server's extension hosts, Chromium's renderers) and waits. */
export async function killGroup(child, name) {
	if (child.exitCode !== null || child.signalCode !== null) {
		try {
			process.kill(-child.pid, 'SIGKILL'); // whatever the leader left behind
		} catch {
			// the group is gone
		}
		return;
	}
	const exited = once(child, 'exit');
	for (const [signal, wait] of [
		['SIGTERM', 5000],
		['SIGKILL', 5000],
	]) {
		try {
			process.kill(-child.pid, signal);
		} catch {
			return;
		}
		if (await Promise.race([exited.then(() => true), delay(wait).then(() => false)])) {
			try {
				process.kill(-child.pid, 'SIGKILL');
			} catch {
				// the group is gone
			}
			return;
		}
	}
	log(`warning: ${name} (pid ${child.pid}) did not exit`);
}

/**
 * The processes that run chromium or node with `dir` (a scratch folder of this project's) on their command line,
 * other than this one: what a run under `dir` started.
 */
export function processesUnder(dir) {
	const pids = [];
	for (const pid of existsSync('/proc') ? readdirSync('/proc') : []) {
		if (!/^\d+$/.test(pid) || Number(pid) === process.pid) {
			continue;
		}
		try {
			const [program, ...args] = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
			if (/(^|\/)(chromium|node)$/.test(program) && args.some((arg) => arg.includes(`${dir}/`))) {
				pids.push(Number(pid));
			}
		} catch {
			// gone already, or not ours to read
		}
	}
	return pids;
}

/**
 * Kills what is left of a run's Chromium and code-server: a Chromium that playwright started in its own process
 * group from a process that was killed before it could close it, or an extension host that outlived its
 * code-server. A process counts when it runs chromium or node and has the run's scratch folder `dir` on its command
 * line.
 */
export function killStrays(dir) {
	let killed = 0;
	for (const pid of processesUnder(dir)) {
		try {
			process.kill(pid, 'SIGKILL');
			killed++;
		} catch {
			// gone already
		}
	}
	if (killed > 0) {
		log(`killed ${killed} leftover process(es) of this run`);
	}
}

/** A scratch HOME with the XDG folders and TMPDIR inside it, and the environment that points at them. */
export function sandbox(dir, vscodeEnv, extra = {}) {
	const home = join(dir, 'home');
	const env = {
		...process.env,
		HOME: home,
		XDG_CONFIG_HOME: join(home, '.config'),
		XDG_DATA_HOME: join(home, '.local', 'share'),
		XDG_CACHE_HOME: join(home, '.cache'),
		TMPDIR: join(dir, 'tmp'),
		PATH: `${vscodeEnv.nodeBinDir}:${process.env.PATH}`,
		EXTENSIONS_GALLERY: '{}',
		// No kube context leaks in from the developer's shell: tests that want one pass their own.
		KUBECONFIG: '',
		...extra,
	};
	for (const folder of [env.XDG_CONFIG_HOME, env.XDG_DATA_HOME, env.XDG_CACHE_HOME, env.TMPDIR]) {
		mkdirSync(folder, { recursive: true });
	}
	return env;
}

/**
 * Starts a fresh code-server in `dir` (its own HOME, user data, settings and log) and waits for /healthz.
 *
 * - `port`: the port to listen on when it is free, else the next free one ({@link choosePort}); without one, any
 *   free port.
 * - `settings`: the user settings (default: the recipe's {@link userSettings}).
 * - `smokeTestDriver`: start with `--vscode-option enable-smoke-test-driver` (default true: the tests need it).
 * @returns the server: `name`, `origin`, `port`, `userDataDir`, `logFile`, `child`, and `stop()`, which kills its
 *   process group
 */
export async function startCodeServer(
	vscodeEnv,
	{ dir, name, extensionsDir, folder, env: extraEnv = {}, port, settings = userSettings, smokeTestDriver = true },
) {
	const userDataDir = join(dir, 'user-data');
	mkdirSync(join(userDataDir, 'User'), { recursive: true });
	writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, '\t'));
	const env = sandbox(dir, vscodeEnv, extraEnv);
	const chosenPort = port === undefined ? await freePort() : await choosePort(port);
	if (port !== undefined && port !== 0 && chosenPort !== port) {
		log(`port ${port} is taken: using ${chosenPort}`);
	}
	const logFile = join(dir, 'code-server.log');
	const out = createWriteStream(logFile);
	await once(out, 'open');
	const args = [
		vscodeEnv.codeServerEntry,
		'--bind-addr',
		`127.0.0.1:${chosenPort}`,
		'--auth',
		'none',
		'--disable-telemetry',
		'--disable-update-check',
		'--disable-workspace-trust',
		'--user-data-dir',
		userDataDir,
		'--extensions-dir',
		extensionsDir,
		...(smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
		folder,
	];
	const child = track(spawn(vscodeEnv.node, args, { cwd: dir, env, detached: true, stdio: ['ignore', out, out] }));
	const origin = `http://127.0.0.1:${chosenPort}`;
	const server = {
		name,
		origin,
		port: chosenPort,
		userDataDir,
		logFile,
		child,
		stop: () => killGroup(child, `code-server (${name})`),
	};
	const started = Date.now();
	while (Date.now() - started < 30_000) {
		if (child.exitCode !== null) {
			throw new Error(`code-server (${name}) exited with code ${child.exitCode}; its log: ${rel(logFile)}`);
		}
		try {
			const response = await fetch(`${origin}/healthz`);
			if (response.ok) {
				log(`code-server (${name}) ready at ${origin} in ${Date.now() - started} ms; log: ${rel(logFile)}`);
				return server;
			}
		} catch {
			// not listening yet
		}
		await delay(100);
	}
	await server.stop();
	throw new Error(`code-server (${name}) did not answer /healthz within 30 s; its log: ${rel(logFile)}`);
}

/**
 * Packages the extension as a user gets it, into `vsix`. vsce runs vscode:prepublish, the production `npm run build`.
 * With `logFile`, vsce's and the build's output go there instead of this terminal.
 */
export async function packageExtension(vsix, { logFile } = {}) {
	const vsce = join(root, 'node_modules', '.bin', 'vsce');
	await run(vsce, ['package', '--no-dependencies', '-o', vsix], { logFile });
	return vsix;
}

/**
 * Installs one or more .vsix files with code-server's own CLI (its HOME and user data in `dir`) and returns the
 * folder it unpacked Endpoint Lens into.
 */
export async function installExtension(vscodeEnv, vsix, extensionsDir, { dir, logFile } = {}) {
	const env = sandbox(dir, vscodeEnv);
	const installs = (Array.isArray(vsix) ? vsix : [vsix]).flatMap((file) => ['--install-extension', file]);
	await run(
		vscodeEnv.node,
		[
			vscodeEnv.codeServerEntry,
			'--user-data-dir',
			join(dir, 'user-data'),
			'--extensions-dir',
			extensionsDir,
			...installs,
		],
		{ cwd: dir, env, logFile },
	);
	const folder = readdirSync(extensionsDir).find((name) => name.startsWith(`${extensionId}-`));
	if (folder === undefined) {
		throw new Error(`code-server --install-extension left no ${extensionId}-* folder in ${rel(extensionsDir)}`);
	}
	return join(extensionsDir, folder);
}

/** Chromium through playwright-core, with a fresh profile. */
export async function launchChromium(vscodeEnv, profileDir) {
	const { chromium } = await import('playwright-core');
	return chromium.launchPersistentContext(profileDir, {
		executablePath: vscodeEnv.chromium,
		headless: true,
		args: chromiumArgs,
		viewport: { width: 1400, height: 900 },
	});
}
