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
}

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
		return { paths, source: 'KUBECONFIG', looked };
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
	if (isRecord(err) && typeof err.code === 'string' && err.code === 'ENOENT') {
		return 'the file does not exist';
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
		const label = `${file}: ${section.slice(0, -1)} "${entry.name}"`;
		if (section === 'clusters') {
			if (!isRecord(entry.cluster) || typeof entry.cluster.server !== 'string' || entry.cluster.server === '') {
				errors.push(`${label} has no server; ignored.`);
				return;
			}
		} else if (section === 'contexts') {
			if (!isRecord(entry.context) || typeof entry.context.cluster !== 'string' || entry.context.cluster === '') {
				errors.push(`${label} names no cluster; ignored.`);
				return;
			}
		} else if (entry.user != null && !isRecord(entry.user)) {
			errors.push(`${label} is not a mapping; ignored.`);
			return;
		} else if (isRecord(entry.user) && typeof entry.user['token-file'] === 'string' && !entry.user.token) {
			const tokenFile = path.resolve(path.dirname(file), entry.user['token-file']);
			try {
				readFile(tokenFile, 'utf8');
			} catch (err) {
				errors.push(`${label}: cannot read token-file ${tokenFile}: ${errorText(err)}; ignored.`);
				return;
			}
			entry = { ...entry, user: { ...entry.user, 'token-file': tokenFile } };
		}
		out.push(entry as Named);
	});
	return out;
}

/** One file, parsed and converted by client-node; undefined (with an error) when it cannot be read or parsed. */
function loadOne(file: string, readFile: ReadFile, errors: string[]): KubeConfig | undefined {
	let text: string;
	try {
		text = readFile(file, 'utf8');
	} catch (err) {
		errors.push(`${file}: cannot read the kubeconfig: ${errorText(err)}.`);
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
	const sanitized = {
		clusters: validEntries(file, 'clusters', doc.clusters, errors, readFile),
		users: validEntries(file, 'users', doc.users, errors, readFile),
		contexts: validEntries(file, 'contexts', doc.contexts, errors, readFile),
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
	return kc;
}

/**
 * Loads and merges the kubeconfig files of `location` (kubectl's rules: the first current-context and the first
 * definition of each name win). Never throws; see `LoadedKubeconfig.errors`.
 */
export function loadKubeconfig(
	location: KubeconfigLocation & { looked?: string[] },
	readFile: ReadFile = (p, encoding) => fs.readFileSync(p, encoding),
): LoadedKubeconfig {
	const errors: string[] = [];
	const clusters: Cluster[] = [];
	const users: User[] = [];
	const contexts: Context[] = [];
	/** Context name → the file that defined it (for error messages). */
	const contextFile = new Map<string, string>();
	let currentContext: string | undefined;

	if (location.paths.length === 0) {
		const looked = location.looked?.length ? ` (looked for ${location.looked.join(', ')})` : '';
		errors.push(`${noKubeconfig}${looked}.`);
	}
	for (const file of location.paths) {
		const kc = loadOne(file, readFile, errors);
		if (!kc) {
			continue;
		}
		for (const c of kc.getClusters()) {
			if (!clusters.some((x) => x.name === c.name)) {
				clusters.push(c);
			}
		}
		for (const u of kc.getUsers()) {
			if (!users.some((x) => x.name === u.name)) {
				users.push(u);
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

	const infos: ContextInfo[] = [];
	for (const c of contexts) {
		const file = contextFile.get(c.name)!;
		const cluster = clusters.find((x) => x.name === c.cluster);
		if (!cluster) {
			errors.push(`${file}: context "${c.name}" names cluster "${c.cluster}", which no kubeconfig file defines.`);
		}
		if (c.user && !users.some((x) => x.name === c.user)) {
			errors.push(`${file}: context "${c.name}" names user "${c.user}", which no kubeconfig file defines.`);
		}
		infos.push({
			name: c.name,
			cluster: c.cluster,
			user: c.user ?? '',
			...(c.namespace ? { namespace: c.namespace } : {}),
			...(cluster ? { server: cluster.server } : {}),
			current: c.name === currentContext,
		});
	}
	if (currentContext !== undefined && !contexts.some((c) => c.name === currentContext)) {
		errors.push(`current-context "${currentContext}" is not defined in ${location.paths.join(', ')}.`);
	}

	const kubeConfig = new KubeConfig();
	kubeConfig.loadFromOptions({ clusters, users, contexts, currentContext });
	return { kubeConfig, contexts: infos, ...(currentContext !== undefined ? { currentContext } : {}), errors };
}
