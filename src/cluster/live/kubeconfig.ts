/**
 * Finding and loading the kubeconfig the way kubectl and the Kubernetes extension do.
 *
 * `resolveKubeconfig` decides *where* to look: our own `endpointLens.kubeconfig` setting, then the Kubernetes
 * extension's `vs-kubernetes.kubeconfig`, then `$KUBECONFIG` (a list of files), then `~/.kube/config`. It takes the
 * settings, environment and file-existence check as arguments, so it is a pure function of them.
 *
 * `loadKubeconfig` reads and merges those files with kubectl's rules: the first file that sets `current-context`
 * wins, and the first definition of a named cluster, user or context wins (client-node's own `mergeConfig` lets the
 * last current-context win and throws on duplicates, so the merge is done here). It never throws: every problem —
 * an unreadable file, corrupt YAML, an entry client-node would reject, a context naming a cluster or user nobody
 * defines — becomes a sentence in `errors` naming the file, and whatever could be loaded still loads.
 *
 * A context that cannot work is kept, with its `problem`: it names no cluster, or a cluster or user that is missing or
 * was ignored, or credentials that cannot be used — an auth-provider client-node does not have, an exec credential
 * plugin that is not installed, a certificate or key file that cannot be read. The view shows the problem on the
 * context's row instead of connecting (and failing with a less specific message, or an unauthenticated 401).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { Cluster, Context, User } from '@kubernetes/client-node';
import { parse as parseYaml } from 'yaml';
import type { ContextInfo, KubeconfigLocation } from './types';

/** What `resolveKubeconfig` needs to know about the machine; all of it is passed in (no `vscode`, no globals). */
export interface KubeconfigInputs {
	/** `endpointLens.kubeconfig`, if set. */
	setting?: string;
	/** `vs-kubernetes.kubeconfig` (the Kubernetes extension's setting), if set. */
	vsKubernetes?: string;
	/** The process environment (`$KUBECONFIG` is read from it). */
	env: Record<string, string | undefined>;
	/** The user's home directory (`~` expands to it). */
	home: string;
	/** Whether a file exists. */
	exists(path: string): boolean;
	/** The separator of `$KUBECONFIG`; default `path.delimiter` (`:` on POSIX, `;` on Windows). */
	delimiter?: string;
}

/** A resolved location, with the paths that were considered (for the "no kubeconfig" message). */
export interface ResolvedKubeconfigLocation extends KubeconfigLocation {
	/** Every path considered, existing or not, in order. */
	looked: string[];
	/** Files `$KUBECONFIG` names that do not exist (kubectl skips them; the view says so). */
	missing?: string[];
}

/** The result of `loadKubeconfig`. */
export interface LoadedKubeconfig {
	/** The merged configuration; empty (no contexts) when nothing could be loaded. */
	kubeConfig: KubeConfig;
	/** Every context, in the order the files define them. */
	contexts: ContextInfo[];
	/** The merged current-context, if any file sets one. */
	currentContext?: string;
	/** Problems, one sentence each, naming the file. Empty when everything loaded. */
	errors: string[];
	/** The `errors` that no context's `problem` repeats: problems of the files themselves, and of unused entries. */
	fileErrors: string[];
}

/** What `loadKubeconfig` asks of the machine besides reading files; tests pass their own. */
export interface KubeconfigHost {
	/** The environment exec credential plugins run in (its PATH is searched). Default `process.env`. */
	env?: Record<string, string | undefined>;
	/** Whether a file exists at this path. Default: `fs.statSync(path).isFile()`. */
	isFile?: (path: string) => boolean;
	/** Default `process.platform` (`win32` searches PATH with PATHEXT). */
	platform?: NodeJS.Platform;
}

/** The auth-provider names client-node can run (`exec` is a plugin under another name). */
const knownAuthProviders = ['oidc', 'gcp', 'azure', 'exec'];

const noKubeconfig = 'No kubeconfig: set endpointLens.kubeconfig, $KUBECONFIG, or create ~/.kube/config';

/** Expands a leading `~` (alone, or followed by `/` or `\`) to `home`. */
export function expandHome(p: string, home: string): string {
	if (p === '~') {
		return home;
	}
	if (p.startsWith('~/') || p.startsWith('~\\')) {
		return path.join(home, p.slice(2));
	}
	return p;
}

/**
 * Where the kubeconfig is: the `endpointLens.kubeconfig` setting, else `vs-kubernetes.kubeconfig`, else the files of
 * `$KUBECONFIG` that exist (in order), else `~/.kube/config` if it exists. A setting is taken as given even when the
 * file is missing, so that loading reports it; `paths` is empty when nothing exists.
 */
export function resolveKubeconfig(inputs: KubeconfigInputs): ResolvedKubeconfigLocation {
	const setting = inputs.setting?.trim();
	if (setting) {
		const p = expandHome(setting, inputs.home);
		return { paths: [p], source: 'setting', looked: [p] };
	}
	const vsKubernetes = inputs.vsKubernetes?.trim();
	if (vsKubernetes) {
		const p = expandHome(vsKubernetes, inputs.home);
		return { paths: [p], source: 'vs-kubernetes', looked: [p] };
	}
	const env = inputs.env.KUBECONFIG;
	if (env && env.trim() !== '') {
		const looked = env
			.split(inputs.delimiter ?? path.delimiter)
			.map((p) => p.trim())
			.filter((p) => p !== '')
			.map((p) => expandHome(p, inputs.home));
		const paths: string[] = [];
		for (const p of looked) {
			if (!paths.includes(p) && inputs.exists(p)) {
				paths.push(p);
			}
		}
		const missing = looked.filter((p) => !paths.includes(p));
		return { paths, source: 'KUBECONFIG', looked, ...(missing.length > 0 ? { missing } : {}) };
	}
	const p = path.join(inputs.home, '.kube', 'config');
	return { paths: inputs.exists(p) ? [p] : [], source: 'default', looked: [p] };
}

type ReadFile = (path: string, encoding: 'utf8') => string;

/** The raw shape of one kubeconfig file, before client-node converts it. */
interface RawKubeconfig {
	clusters?: unknown;
	users?: unknown;
	contexts?: unknown;
	'current-context'?: unknown;
}

interface Named {
	name?: unknown;
	cluster?: Record<string, unknown>;
	user?: Record<string, unknown>;
	context?: Record<string, unknown>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function errorText(err: unknown): string {
	const code = isRecord(err) && typeof err.code === 'string' ? err.code : undefined;
	if (code === 'ENOENT') {
		return 'the file does not exist';
	}
	if (code === 'EACCES' || code === 'EPERM') {
		return 'permission denied';
	}
	if (code === 'EISDIR') {
		return 'it is a directory';
	}
	if (code === 'ENOTDIR') {
		return 'a directory on its path is a file';
	}
	const message = err instanceof Error ? err.message : String(err);
	return message.split('\n')[0]!.trim();
}

/**
 * Keeps the valid entries of one section (`clusters`, `users` or `contexts`) and reports the others. The checks are
 * the ones client-node's loader throws on, plus an unreadable `token-file`.
 */
function validEntries(
	file: string,
	section: 'clusters' | 'users' | 'contexts',
	raw: unknown,
	errors: string[],
	readFile: ReadFile,
	dropped: Map<string, string>,
): Named[] {
	if (raw == null) {
		return [];
	}
	if (!Array.isArray(raw)) {
		errors.push(`${file}: "${section}" is not a list; ignored.`);
		return [];
	}
	const out: Named[] = [];
	raw.forEach((entry: unknown, i) => {
		const where = `${file}: ${section}[${i}]`;
		if (!isRecord(entry) || typeof entry.name !== 'string' || entry.name === '') {
			errors.push(`${where} has no name; ignored.`);
			return;
		}
		const kind = section.slice(0, -1);
		const key = `${kind}:${entry.name}`;
		const label = `${file}: ${kind} "${entry.name}"`;
		const drop = (text: string) => {
			errors.push(text);
			if (!dropped.has(key)) {
				dropped.set(key, text);
			}
		};
		if (section === 'clusters') {
			if (!isRecord(entry.cluster) || typeof entry.cluster.server !== 'string' || entry.cluster.server === '') {
				drop(`${label} has no server; ignored.`);
				return;
			}
		} else if (section === 'contexts') {
			if (!isRecord(entry.context) || typeof entry.context.cluster !== 'string' || entry.context.cluster === '') {
				drop(`${label} names no cluster; it cannot connect.`);
				return;
			}
		} else if (entry.user != null && !isRecord(entry.user)) {
			drop(`${label} is not a mapping; ignored.`);
			return;
		} else if (isRecord(entry.user)) {
			let user = entry.user;
			if (typeof user['token-file'] === 'string' && !user.token) {
				const tokenFile = path.resolve(path.dirname(file), user['token-file']);
				try {
					readFile(tokenFile, 'utf8');
				} catch (err) {
					drop(`${label}: cannot read token-file ${tokenFile}: ${errorText(err)}; ignored.`);
					return;
				}
				user = { ...user, 'token-file': tokenFile };
			}
			// As kubectl: an exec plugin's command with a directory part is relative to the kubeconfig that names it.
			const exec = user.exec;
			if (isRecord(exec) && typeof exec.command === 'string' && /[\\/]/.test(exec.command) && !path.isAbsolute(exec.command)) {
				user = { ...user, exec: { ...exec, command: path.resolve(path.dirname(file), exec.command) } };
			}
			entry = { ...entry, user };
		}
		out.push(entry as Named);
	});
	return out;
}

/** One file, parsed and converted by client-node; undefined (with an error) when it cannot be read or parsed. */
function loadOne(
	file: string,
	readFile: ReadFile,
	errors: string[],
	dropped: Map<string, string>,
	nameless: { name: string; file: string; problem: string }[],
): KubeConfig | undefined {
	let text: string;
	try {
		text = readFile(file, 'utf8');
	} catch (err) {
		errors.push(`${file}: cannot read the kubeconfig: ${errorText(err)}.`);
		return undefined;
	}
	if (text.includes('\u0000')) {
		errors.push(`${file}: a binary file, not a kubeconfig.`);
		return undefined;
	}
	let raw: unknown;
	try {
		raw = parseYaml(text);
	} catch (err) {
		errors.push(`${file}: not valid YAML: ${errorText(err)}`);
		return undefined;
	}
	const kc = new KubeConfig();
	if (raw == null) {
		// An empty file is an empty kubeconfig, as kubectl reads it.
		kc.loadFromOptions({ clusters: [], users: [], contexts: [], currentContext: undefined });
		return kc;
	}
	if (!isRecord(raw)) {
		errors.push(`${file}: not a kubeconfig (expected a mapping with clusters, users and contexts).`);
		return undefined;
	}
	const doc = raw as RawKubeconfig;
	const sections = ['clusters', 'users', 'contexts', 'current-context'] as const;
	if (Object.keys(raw).length > 0 && !sections.some((k) => k in raw)) {
		// YAML, but something else: a manifest, a values file.
		const kind = typeof raw.kind === 'string' ? ` (it is a ${raw.kind}${typeof raw.apiVersion === 'string' ? ` of ${raw.apiVersion}` : ''})` : '';
		errors.push(`${file}: not a kubeconfig${kind}: it has no clusters, users or contexts.`);
		return undefined;
	}
	const contextsDropped = new Map<string, string>();
	const sanitized = {
		clusters: validEntries(file, 'clusters', doc.clusters, errors, readFile, dropped),
		users: validEntries(file, 'users', doc.users, errors, readFile, dropped),
		contexts: validEntries(file, 'contexts', doc.contexts, errors, readFile, contextsDropped),
		'current-context': typeof doc['current-context'] === 'string' ? doc['current-context'] : undefined,
	};
	try {
		// JSON is YAML: client-node converts the checked entries (the same code path as `loadFromFile`).
		kc.loadFromString(JSON.stringify(sanitized), { onInvalidEntry: 'filter' });
		kc.makePathsAbsolute(path.dirname(file));
	} catch (err) {
		errors.push(`${file}: ${errorText(err)}`);
		return undefined;
	}
	// Contexts that name no cluster stay visible, with their problem.
	for (const [key, problem] of contextsDropped) {
		nameless.push({ name: key.slice('context:'.length), file, problem });
	}
	return kc;
}

/** The file an exec plugin's command runs, or undefined when it is not found (PATH, with PATHEXT on Windows). */
function findCommand(command: string, env: Record<string, string | undefined>, isFile: (p: string) => boolean, platform: NodeJS.Platform): string | undefined {
	const win = platform === 'win32';
	const exts = win ? ['', ...(env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean)] : [''];
	const candidates = (p: string) => exts.map((e) => p + e);
	if (path.isAbsolute(command) || /[\\/]/.test(command)) {
		return candidates(command).find(isFile);
	}
	const dirs = (env.PATH ?? env.Path ?? '').split(win ? ';' : ':').filter(Boolean);
	for (const dir of dirs) {
		const hit = candidates(path.join(dir, command)).find(isFile);
		if (hit) {
			return hit;
		}
	}
	return undefined;
}

/** Why a user's credentials cannot be used, naming the field and file; undefined when they look usable. */
function userProblem(user: User, file: string, readFile: ReadFile, host: Required<KubeconfigHost>): string | undefined {
	const label = `${file}: user "${user.name}"`;
	for (const [field, p] of [
		['client-certificate', user.certFile],
		['client-key', user.keyFile],
	] as const) {
		if (p) {
			try {
				readFile(p, 'utf8');
			} catch (err) {
				return `${label}: cannot read ${field} ${p}: ${errorText(err)}.`;
			}
		}
	}
	const provider: unknown = user.authProvider;
	if (isRecord(provider)) {
		const name = typeof provider.name === 'string' ? provider.name : '';
		const config = isRecord(provider.config) ? provider.config : {};
		if (!knownAuthProviders.includes(name) && !config.exec && !config.tokenFile) {
			return `${label} uses auth-provider "${name}", which Endpoint Lens cannot run (it runs exec credential plugins and the ${knownAuthProviders.slice(0, -1).join(', ')} providers); configure users[].user.exec instead.`;
		}
	}
	const exec: unknown = user.exec;
	if (isRecord(exec)) {
		if (typeof exec.command !== 'string' || exec.command === '') {
			return `${label}: the exec credential plugin names no command (users[].user.exec.command).`;
		}
		const envList = Array.isArray(exec.env) ? exec.env.filter(isRecord) : [];
		const pathOverride = envList.find((e) => e.name === 'PATH' && typeof e.value === 'string');
		const env = pathOverride ? { ...host.env, PATH: pathOverride.value as string } : host.env;
		if (!findCommand(exec.command, env, host.isFile, host.platform)) {
			const where = path.isAbsolute(exec.command) ? 'does not exist' : 'is not on PATH';
			const hint = typeof exec.installHint === 'string' && exec.installHint.trim() ? ` ${exec.installHint.trim()}` : '';
			return `${label}: the exec credential plugin "${exec.command}" ${where}.${hint}`;
		}
	}
	return undefined;
}

/** Why a cluster cannot be used: an unreadable certificate-authority file. */
function clusterProblem(cluster: Cluster, file: string, readFile: ReadFile): string | undefined {
	if (cluster.caFile) {
		try {
			readFile(cluster.caFile, 'utf8');
		} catch (err) {
			return `${file}: cluster "${cluster.name}": cannot read certificate-authority ${cluster.caFile}: ${errorText(err)}.`;
		}
	}
	return undefined;
}

function defaultIsFile(p: string): boolean {
	try {
		return fs.statSync(p).isFile();
	} catch {
		return false;
	}
}

/**
 * Loads and merges the kubeconfig files of `location` (kubectl's rules: the first current-context and the first
 * definition of each name win). Never throws; see `LoadedKubeconfig.errors` and `ContextInfo.problem`.
 */
export function loadKubeconfig(
	location: KubeconfigLocation & { looked?: string[]; missing?: string[] },
	readFile: ReadFile = (p, encoding) => fs.readFileSync(p, encoding),
	hostOptions: KubeconfigHost = {},
): LoadedKubeconfig {
	const host: Required<KubeconfigHost> = {
		env: hostOptions.env ?? process.env,
		isFile: hostOptions.isFile ?? defaultIsFile,
		platform: hostOptions.platform ?? process.platform,
	};
	const errors: string[] = [];
	const clusters: Cluster[] = [];
	const users: User[] = [];
	const contexts: Context[] = [];
	/** Name → the file that defined it (for error messages). */
	const contextFile = new Map<string, string>();
	const clusterFile = new Map<string, string>();
	const userFile = new Map<string, string>();
	/** `cluster:NAME` / `user:NAME` → why that entry was ignored. */
	const dropped = new Map<string, string>();
	/** Contexts that name no cluster: shown, with their problem. */
	const nameless: { name: string; file: string; problem: string }[] = [];
	let currentContext: string | undefined;

	if (location.paths.length === 0) {
		if (location.source === 'KUBECONFIG' && location.looked?.length) {
			const named = location.looked;
			errors.push(
				named.length === 1
					? `No kubeconfig: $KUBECONFIG names ${named[0]}, which does not exist.`
					: `No kubeconfig: none of the files $KUBECONFIG names exists (${named.join(', ')}).`,
			);
		} else {
			const looked = location.looked?.length ? ` (looked for ${location.looked.join(', ')})` : '';
			errors.push(`${noKubeconfig}${looked}.`);
		}
	} else {
		for (const p of location.missing ?? []) {
			errors.push(`$KUBECONFIG names ${p}, which does not exist; skipped (as kubectl does).`);
		}
	}
	for (const file of location.paths) {
		const kc = loadOne(file, readFile, errors, dropped, nameless);
		if (!kc) {
			continue;
		}
		for (const c of kc.getClusters()) {
			if (!clusters.some((x) => x.name === c.name)) {
				clusters.push(c);
				clusterFile.set(c.name, file);
			}
		}
		for (const u of kc.getUsers()) {
			if (!users.some((x) => x.name === u.name)) {
				users.push(u);
				userFile.set(u.name, file);
			}
		}
		for (const c of kc.getContexts()) {
			if (!contexts.some((x) => x.name === c.name)) {
				contexts.push(c);
				contextFile.set(c.name, file);
			}
		}
		const cur = kc.getCurrentContext();
		if (currentContext === undefined && cur) {
			currentContext = cur;
		}
	}

	/** Problems already in `errors` that a context's row shows. */
	const shown = new Set<string>();
	const once = new Map<string, string | undefined>();
	const problemOf = (key: string, compute: () => string | undefined): string | undefined => {
		if (!once.has(key)) {
			const text = compute();
			once.set(key, text);
			if (text && !errors.includes(text)) {
				errors.push(text);
			}
		}
		return once.get(key);
	};
	const infos: ContextInfo[] = [];
	for (const c of contexts) {
		const file = contextFile.get(c.name)!;
		const cluster = clusters.find((x) => x.name === c.cluster);
		const user = c.user ? users.find((x) => x.name === c.user) : undefined;
		const clusterText = cluster
			? problemOf(`cluster:${c.cluster}`, () => clusterProblem(cluster, clusterFile.get(cluster.name)!, readFile))
			: problemOf(
					`cluster:${c.cluster}`,
					() => dropped.get(`cluster:${c.cluster}`) ?? `${file}: context "${c.name}" names cluster "${c.cluster}", which no kubeconfig file defines.`,
				);
		const userText = !c.user
			? undefined
			: user
				? problemOf(`user:${c.user}`, () => userProblem(user, userFile.get(user.name)!, readFile, host))
				: problemOf(
						`user:${c.user}`,
						() => dropped.get(`user:${c.user}`) ?? `${file}: context "${c.name}" names user "${c.user}", which no kubeconfig file defines.`,
					);
		const problem = clusterText ?? userText;
		for (const t of [clusterText, userText]) {
			if (t) {
				shown.add(t);
			}
		}
		infos.push({
			name: c.name,
			cluster: c.cluster,
			user: c.user ?? '',
			...(c.namespace ? { namespace: c.namespace } : {}),
			...(cluster ? { server: cluster.server } : {}),
			current: c.name === currentContext,
			...(problem ? { problem } : {}),
		});
	}
	for (const n of nameless) {
		if (!infos.some((x) => x.name === n.name)) {
			infos.push({ name: n.name, cluster: '', user: '', current: n.name === currentContext, problem: n.problem });
			shown.add(n.problem);
		}
	}
	if (currentContext !== undefined && !infos.some((c) => c.name === currentContext)) {
		errors.push(`current-context "${currentContext}" is not defined in ${location.paths.join(', ')}.`);
	}

	const kubeConfig = new KubeConfig();
	kubeConfig.loadFromOptions({ clusters, users, contexts, currentContext });
	return {
		kubeConfig,
		contexts: infos,
		...(currentContext !== undefined ? { currentContext } : {}),
		errors,
		fileErrors: errors.filter((e) => !shown.has(e)),
	};
}
