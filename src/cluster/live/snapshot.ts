/**
 * A one-shot, read-only snapshot of a kube context for a plan (`core/analysis/plan.ts`): Services, Pods, Endpoints
 * and EndpointSlices of the namespaces asked for, and the Nodes. Only GET lists, paged with `limit`/`continue` by the
 * same request code as the live source (`liveSource.ts`), authenticated by client-node's `KubeConfig`; no watches.
 *
 * Failures become sentences, never raw client errors:
 * - no kubeconfig, an unknown context (listing the available ones), a context naming a missing cluster or user →
 *   {@link LiveSnapshotError} before any request;
 * - unreachable server, TLS failure, 401, unusable credentials, a kind the server does not serve → a
 *   {@link LiveSnapshotError} naming the server and the cause (the other requests are aborted);
 * - 403 (or another 4xx) on a namespace → that namespace is `unreadable` with the server's reason, the rest is read;
 *   403 on Nodes → no Nodes and a note;
 * - 5xx, 429 and dropped connections are retried twice before they count as a connection failure.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { KubeConfig } from '@kubernetes/client-node';
import type { LiveSnapshot } from '../../core/analysis/plan';
import type { EndpointSlice, Endpoints, Node, Pod, Service, TypedObject } from '../../core/k8s/types';
import type { ResourceKind } from '../../core/store/types';
import { loadKubeconfig, resolveKubeconfig } from './kubeconfig';
import { classifyFailure, failureStatus, listAll } from './liveSource';
import type { Failure } from './liveSource';
import type { ContextInfo } from './types';

/** Why a snapshot could not be read at all. */
export type LiveSnapshotErrorCode = 'kubeconfig' | 'context' | 'connection' | 'unauthorized' | 'unavailable';

/** A snapshot that could not be read: `message` is a sentence for the user. */
export class LiveSnapshotError extends Error {
	override readonly name = 'LiveSnapshotError';
	constructor(
		readonly code: LiveSnapshotErrorCode,
		message: string,
	) {
		super(message);
	}
}

/** Where the kubeconfig comes from and which context to use. */
export interface LiveContextOptions {
	/** The kubeconfig file; default `$KUBECONFIG`, then `~/.kube/config`. Ignored when `kubeConfig` is given. */
	kubeconfigPath?: string;
	/** An already loaded kubeconfig (the extension's), instead of reading files. */
	kubeConfig?: KubeConfig;
	/** The context; default the kubeconfig's current-context. */
	context?: string;
	/** For tests: the environment and home directory the default kubeconfig is looked up in. */
	env?: Record<string, string | undefined>;
	home?: string;
}

/** A context, ready to read from. */
export interface LiveContext {
	/** A copy of the kubeconfig whose current context is `context`. */
	kubeConfig: KubeConfig;
	context: string;
	/** The context's namespace, if it sets one. */
	namespace?: string;
	/** The API server's URL. */
	server: string;
	user: string;
	/** Every context of the kubeconfig. */
	contexts: ContextInfo[];
}

/** Options of {@link readLiveSnapshot}. */
export interface LiveSnapshotOptions extends LiveContextOptions {
	/** The namespaces to read. */
	namespaces: string[];
	/** A context opened with {@link openLiveContext}; the other context options are then ignored. */
	connection?: LiveContext;
	/** Items per list page. Default 500, as kubectl. */
	pageSize?: number;
}

function available(contexts: readonly { name: string }[]): string {
	return contexts.length > 0 ? contexts.map((c) => c.name).join(', ') : 'none';
}

/**
 * Loads the kubeconfig and picks the context. Throws a {@link LiveSnapshotError} (`kubeconfig` or `context`) with
 * a sentence when there is no usable kubeconfig or the context does not exist (the message lists the available
 * ones) or names a missing cluster or user.
 */
export function openLiveContext(options: LiveContextOptions = {}): LiveContext {
	let src: KubeConfig;
	let contexts: ContextInfo[];
	let current: string | undefined;
	if (options.kubeConfig) {
		src = options.kubeConfig;
		current = src.getCurrentContext() || undefined;
		contexts = src.getContexts().map((c) => {
			const cluster = src.getCluster(c.cluster);
			return {
				name: c.name,
				cluster: c.cluster,
				user: c.user ?? '',
				...(c.namespace ? { namespace: c.namespace } : {}),
				...(cluster ? { server: cluster.server } : {}),
				current: c.name === current,
			};
		});
	} else {
		const location = options.kubeconfigPath
			? { paths: [options.kubeconfigPath], source: 'setting' as const, looked: [options.kubeconfigPath] }
			: resolveKubeconfig({
					env: options.env ?? process.env,
					home: options.home ?? os.homedir(),
					exists: (p) => fs.existsSync(p),
				});
		const loaded = loadKubeconfig(location);
		if (loaded.contexts.length === 0) {
			const why =
				loaded.errors.length > 0 ? loaded.errors.join(' ') : `${location.paths.join(', ')} defines no context.`;
			throw new LiveSnapshotError('kubeconfig', why);
		}
		src = loaded.kubeConfig;
		contexts = loaded.contexts;
		current = loaded.currentContext;
	}
	const name = options.context ?? current;
	if (!name) {
		throw new LiveSnapshotError(
			'context',
			`The kubeconfig sets no current-context; choose a context (available: ${available(contexts)}).`,
		);
	}
	const problem = contexts.find((c) => c.name === name)?.problem;
	if (problem) {
		throw new LiveSnapshotError('context', problem);
	}
	const ctx = src.getContextObject(name);
	if (!ctx) {
		throw new LiveSnapshotError(
			'context',
			`The kubeconfig has no context "${name}". Available contexts: ${available(contexts)}.`,
		);
	}
	const cluster = src.getCluster(ctx.cluster);
	if (!cluster) {
		throw new LiveSnapshotError(
			'context',
			`Context "${name}" names cluster "${ctx.cluster}", which the kubeconfig does not define.`,
		);
	}
	if (ctx.user && !src.getUser(ctx.user)) {
		throw new LiveSnapshotError(
			'context',
			`Context "${name}" names user "${ctx.user}", which the kubeconfig does not define.`,
		);
	}
	const kubeConfig = new KubeConfig();
	kubeConfig.loadFromOptions({
		clusters: src.getClusters(),
		users: src.getUsers(),
		contexts: src.getContexts(),
		currentContext: name,
	});
	return {
		kubeConfig,
		context: name,
		...(ctx.namespace ? { namespace: ctx.namespace } : {}),
		server: cluster.server,
		user: ctx.user ?? '',
		contexts,
	};
}

const retryDelaysMs = [200, 800];
const namespaceConcurrency = 4;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise((resolve) => {
		const timer = setTimeout(resolve, ms);
		signal.addEventListener(
			'abort',
			() => {
				clearTimeout(timer);
				resolve();
			},
			{ once: true },
		);
	});
}

/**
 * Why a namespace could not be read, in one sentence: `forbidden to list services, pods (<the first 403's message>)`,
 * else every distinct message.
 */
function unreadableReason(failures: readonly { plural: string; failure: Failure }[]): string {
	if (failures.every((f) => f.failure.type === 'forbidden')) {
		return `forbidden to list ${failures.map((f) => f.plural).join(', ')} (${failures[0]!.failure.message})`;
	}
	return [...new Set(failures.map((f) => f.failure.message))].join('; ');
}

/** A request failure that ends the whole snapshot. */
class Fatal extends Error {
	constructor(readonly error: LiveSnapshotError) {
		super(error.message);
	}
}

/**
 * Reads a snapshot of the namespaces (and the Nodes) of a context. Rejects only with a {@link LiveSnapshotError};
 * forbidden namespaces come back in `unreadable`, forbidden Nodes as a note.
 */
export async function readLiveSnapshot(options: LiveSnapshotOptions): Promise<LiveSnapshot> {
	const conn = options.connection ?? openLiveContext(options);
	const { kubeConfig, server, user } = conn;
	const pageSize = options.pageSize ?? 500;
	const abort = new AbortController();

	/** Lists one kind in one scope: the items, or the failure that is not fatal (forbidden, other 4xx). */
	const list = async (kind: ResourceKind, namespace: string | undefined): Promise<TypedObject[] | Failure> => {
		for (let attempt = 0; ; attempt++) {
			try {
				const r = await listAll(kubeConfig, server, kind, namespace, { pageSize, signal: abort.signal });
				return r.items;
			} catch (err) {
				if (abort.signal.aborted) {
					throw new Fatal(new LiveSnapshotError('connection', `Reading from ${server} was aborted.`));
				}
				const failure = classifyFailure(err, server, user, kind, namespace);
				switch (failure.type) {
					case 'forbidden':
					case 'error':
						return failure;
					case 'unavailable':
						throw new Fatal(new LiveSnapshotError('unavailable', failure.message));
					case 'fatal': {
						const code = failureStatus(err) === 401 ? 'unauthorized' : 'connection';
						throw new Fatal(new LiveSnapshotError(code, failure.message));
					}
					case 'gone':
					case 'transient':
						if (attempt >= retryDelaysMs.length) {
							const message = `${failure.message} (after ${attempt + 1} attempts)`;
							throw new Fatal(new LiveSnapshotError('connection', message));
						}
						await sleep(retryDelaysMs[attempt]!, abort.signal);
				}
			}
		}
	};

	const snapshot: LiveSnapshot = {
		context: conn.context,
		server,
		namespaces: [],
		services: [],
		pods: [],
		nodes: [],
		endpointSlices: [],
		endpoints: [],
		unreadable: [],
		notes: [],
	};
	const namespaces = [...new Set(options.namespaces)].sort();
	try {
		// Nodes first: one request that shows whether the server is reachable and the credentials work.
		const nodes = await list('Node', undefined);
		if (Array.isArray(nodes)) {
			snapshot.nodes = nodes as Node[];
		} else {
			snapshot.notes!.push(`Nodes could not be listed (${nodes.message}): zones and node names are unknown.`);
		}
		const readNamespace = async (ns: string) => {
			const [services, pods, endpointSlices, endpoints] = await Promise.all([
				list('Service', ns),
				list('Pod', ns),
				list('EndpointSlice', ns),
				list('Endpoints', ns),
			]);
			const plurals = ['services', 'pods', 'endpointslices', 'endpoints'];
			const failures = [services, pods, endpointSlices, endpoints].flatMap((r, i) =>
				Array.isArray(r) ? [] : [{ plural: plurals[i]!, failure: r }],
			);
			return { ns, services, pods, endpointSlices, endpoints, failures };
		};
		const results: Awaited<ReturnType<typeof readNamespace>>[] = [];
		for (let i = 0; i < namespaces.length; i += namespaceConcurrency) {
			results.push(...(await Promise.all(namespaces.slice(i, i + namespaceConcurrency).map(readNamespace))));
		}
		for (const r of results) {
			if (r.failures.length > 0) {
				snapshot.unreadable!.push({ namespace: r.ns, reason: unreadableReason(r.failures) });
				continue;
			}
			snapshot.namespaces.push(r.ns);
			snapshot.services.push(...(r.services as Service[]));
			snapshot.pods.push(...(r.pods as Pod[]));
			snapshot.endpointSlices.push(...(r.endpointSlices as EndpointSlice[]));
			snapshot.endpoints.push(...(r.endpoints as Endpoints[]));
		}
	} catch (err) {
		abort.abort();
		if (err instanceof Fatal) {
			throw err.error;
		}
		const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
		throw new LiveSnapshotError('connection', `Reading from ${server} failed: ${message}`);
	}
	return snapshot;
}
