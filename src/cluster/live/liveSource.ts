/**
 * One kube context's connection, feeding a `ClusterStore` with list and watch events: the live sibling of the
 * playground source.
 *
 * Each (kind, namespace scope) has a reflector, as client-go calls it: list (paged: pages of about 256 kB, at most
 * 500 items, over kept-alive connections), emit one `ListEvent` for the whole list, then watch from the list's
 * resourceVersion with bookmarks, emitting every ADDED/MODIFIED/DELETED as a `WatchEvent`. client-node's `ListWatch`/`makeInformer` cannot do what we need here —
 * it reports a list as per-object callbacks rather than one list, deserializes lists into model classes (Date
 * fields) but not watch events, gives up on any watch error other than 410, and has no bookmarks — so lists are
 * plain GETs authenticated by client-node's `KubeConfig` and watches use client-node's `Watch`. Both deliver the
 * raw wire JSON the core expects (camelCase, RFC3339 strings, int-or-string ports untouched).
 *
 * Failures are sorted, never thrown:
 * - 410 Gone (an expired resourceVersion, from a watch or a paged list) → relist at once.
 * - A dropped or closed watch → rewatch from the last resourceVersion, with exponential backoff when it keeps
 *   failing.
 * - 403 → a `ReadLimit` for that kind and namespace; the rest keeps going. A forbidden cluster-wide list of a
 *   namespaced kind (with no namespace chosen) falls back to one reflector per readable namespace, taken from the
 *   Namespace list (or the context's namespace when even that is forbidden), following namespaces as they come and
 *   go. 404 → a `ReadLimit` `unavailable`. Other HTTP errors → a `ReadLimit` `error`. All of these retry slowly.
 * - Unreachable server, TLS failure, 401, unusable credentials → phase `error` with a sentence naming the server
 *   and the cause; the reflectors keep retrying with backoff, and the phase recovers when they succeed.
 *
 * The source only reads (GET list/watch). `stop()` aborts every request and clears every timer, so nothing keeps
 * the process alive; the store keeps what it holds (the extension clears it when switching context).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import { Interner, slimObject } from '../../core/k8s/slim';
import type { TypedObject } from '../../core/k8s/types';
import type { ClusterStore } from '../../core/store/store';
import type { ResourceKind, ResourceTypes } from '../../core/store/types';
import type { LiveState, ReadLimit } from './types';

/** Options of {@link LiveClusterSource}. */
export interface LiveClusterSourceOptions {
	/** The kubeconfig (not modified: the source works on a copy whose current context is `context`). */
	kubeConfig: KubeConfig;
	/** The context to connect with. */
	context: string;
	/** The store to feed. */
	store: ClusterStore;
	/** Watch only this namespace (Nodes stay cluster-wide); undefined = all namespaces. */
	namespace?: string;
	/** Receives progress and problems, for the output channel. */
	log?: (level: 'info' | 'warn' | 'error', message: string) => void;
	/** Reconnect backoff: the first delay, doubled per consecutive failure up to `maxMs`. Default 800 ms / 30 s. */
	backoff?: { initialMs: number; maxMs: number };
	/** The most items a list page asks for (`limit`). Default 500, as kubectl. */
	pageSize?: number;
	/**
	 * About how many bytes of JSON a list page should have (see `ListAllOptions.pageBytes`): parsing a page holds the
	 * event loop. Default {@link defaultPageBytes}; 0 asks for `pageSize` items a page whatever their size.
	 */
	pageBytes?: number;
	/**
	 * Fresh credentials after a 401, e.g. the kubeconfig re-read from disk (a `login` command rewrote it). Called at
	 * most every `credentialCheckMs` while the server rejects the credentials; when the context's user changed, the
	 * source switches to it and retries at once. Without it, a 401 still renews exec-plugin tokens (client-go does the
	 * same): the plugin runs again on the next attempt.
	 */
	refreshCredentials?: () => KubeConfig | undefined;
}

/**
 * The live source's list pages: about 256 kB, 70 pods of 3.5 kB (JSON.parse takes a few ms of them here; a page of 500
 * took 20 ms and more, a large share of the event-loop stalls while syncing a large cluster, issue 7).
 */
export const defaultPageBytes = 256 * 1024;

/** How often credentials are looked at again while the server answers 401. */
const credentialCheckMs = 500;

/** A subscription; `dispose()` ends it. */
export interface LiveSubscription {
	dispose(): void;
}

/** Where the API serves a kind. */
export interface ResourceInfo {
	apiVersion: string;
	prefix: string;
	plural: string;
	namespaced: boolean;
}

/** The kinds Endpoint Lens reads: group-version path prefix, plural, scope. */
export const liveResources: Readonly<Record<ResourceKind, ResourceInfo>> = {
	Namespace: { apiVersion: 'v1', prefix: '/api/v1', plural: 'namespaces', namespaced: false },
	Service: { apiVersion: 'v1', prefix: '/api/v1', plural: 'services', namespaced: true },
	Endpoints: { apiVersion: 'v1', prefix: '/api/v1', plural: 'endpoints', namespaced: true },
	EndpointSlice: {
		apiVersion: 'discovery.k8s.io/v1',
		prefix: '/apis/discovery.k8s.io/v1',
		plural: 'endpointslices',
		namespaced: true,
	},
	Pod: { apiVersion: 'v1', prefix: '/api/v1', plural: 'pods', namespaced: true },
	Node: { apiVersion: 'v1', prefix: '/api/v1', plural: 'nodes', namespaced: false },
};

/** The order reflectors start in and limits are reported in. */
const kindOrder: readonly ResourceKind[] = ['Namespace', 'Node', 'Service', 'EndpointSlice', 'Endpoints', 'Pod'];

const defaultBackoff = { initialMs: 800, maxMs: 30_000 };
/** A watch that lived this long before ending is healthy: rewatch at once and forget earlier failures. */
const healthyWatchMs = 1000;
const listTimeoutMs = 60_000;
/** How long slimming the items of one list page may take before the event loop gets a turn, in ms. */
const slimStepMs = 8;
/** What {@link listAll} with `pageBytes` takes an item to weigh until the first page says. */
const guessedItemBytes = 2048;

/**
 * The object without `metadata.managedFields`: server-side-apply bookkeeping that nothing here reads and kubectl hides
 * by default, often the largest part of an object. What the source keeps goes further: `slimObject` (core/k8s/slim.ts)
 * also keeps only the fields of Pods that anything reads, and shares repeated values.
 */
export { withoutManagedFields } from '../../core/k8s/slim';

/** The list URL path of a kind, in one namespace or across all (cluster-scoped kinds ignore `namespace`). */
export function collectionPath(kind: ResourceKind, namespace: string | undefined): string {
	const r = liveResources[kind];
	return namespace !== undefined && r.namespaced
		? `${r.prefix}/namespaces/${encodeURIComponent(namespace)}/${r.plural}`
		: `${r.prefix}/${r.plural}`;
}

/** `pods in shop`, `pods (all namespaces)`, `nodes`: the scope of a list, for messages. */
export function scopeText(kind: ResourceKind, namespace: string | undefined): string {
	const plural = liveResources[kind].plural;
	if (!liveResources[kind].namespaced) {
		return plural;
	}
	return namespace === undefined ? `${plural} (all namespaces)` : `${plural} in ${namespace}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Errors

/** A non-2xx answer of the API server. */
export class ApiError extends Error {
	constructor(
		readonly status: number,
		message: string,
		/** The `message` of the server's Status body, if it sent one. */
		readonly serverMessage?: string,
	) {
		super(message);
	}
}

/** The kubeconfig's credentials could not be applied (missing cert file, failing exec plugin, …). */
export class CredentialsError extends Error {}

/** What a failed request means for the caller (see {@link classifyFailure}). */
export type Failure =
	| { type: 'gone'; message: string }
	| { type: 'forbidden' | 'unavailable' | 'error'; message: string }
	/** The connection itself fails: unreachable, TLS, 401, credentials. */
	| { type: 'fatal'; message: string; status?: number }
	/** A dropped connection, a 5xx: retry quietly. */
	| { type: 'transient'; message: string };

const unreachableCauses: Readonly<Record<string, string>> = {
	ECONNREFUSED: 'connection refused',
	ENOTFOUND: 'host not found',
	EAI_AGAIN: 'DNS lookup failed',
	ETIMEDOUT: 'connection timed out',
	EHOSTUNREACH: 'host unreachable',
	ENETUNREACH: 'network unreachable',
	EHOSTDOWN: 'host is down',
};

const tlsCauses: Readonly<Record<string, string>> = {
	DEPTH_ZERO_SELF_SIGNED_CERT: 'its certificate is self-signed and not trusted',
	SELF_SIGNED_CERT_IN_CHAIN: 'its certificate chain ends in an untrusted self-signed certificate',
	UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its certificate is not signed by the certificate authority of the kubeconfig',
	UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its certificate is not signed by the certificate authority of the kubeconfig',
	UNABLE_TO_GET_ISSUER_CERT: 'its certificate is not signed by the certificate authority of the kubeconfig',
	CERT_HAS_EXPIRED: 'its certificate has expired',
	CERT_NOT_YET_VALID: 'its certificate is not yet valid',
	ERR_TLS_CERT_ALTNAME_INVALID: 'its certificate does not name this host',
};

function errorCode(err: unknown): string | undefined {
	const code = (err as { code?: unknown } | null)?.code;
	return typeof code === 'string' ? code : undefined;
}

function firstLine(err: unknown): string {
	const message = err instanceof Error ? err.message : String(err);
	return message.split('\n')[0]!.trim();
}

/** The `message` of a Kubernetes Status body, if the text is one. */
function statusMessage(text: string): string | undefined {
	try {
		const body = JSON.parse(text) as { kind?: unknown; message?: unknown };
		return typeof body.message === 'string' && body.message !== '' ? body.message : undefined;
	} catch {
		return undefined;
	}
}

// ---------------------------------------------------------------------------------------------------------------
// Requests (shared with the one-shot reads of `snapshot.ts`)

/**
 * Kept-alive connections for the many requests of one source (a large cluster lists in hundreds of pages): without
 * them every page would open a TCP connection and do a TLS handshake. The agent carries no credentials: client-node
 * puts the TLS options (CA, client certificate and key, server name) on each request's options as well, and Node pools
 * connections by them, so a request with other credentials never reuses a connection opened with the old ones. A
 * cluster reached through a proxy keeps client-node's own agent per request. Idle connections are unref'd by Node (they
 * keep no process alive) and closed after `idleMs`; `destroy()` closes every connection.
 */
export class KeepAliveAgent {
	private agent: http.Agent | undefined;

	constructor(private readonly idleMs = 30_000) {}

	/**
	 * The kept agent to send a request with, in place of `fresh` (the agent client-node made for that request, which
	 * the caller then destroys), or undefined when `fresh` is not a plain HTTP(S) agent (a proxy): use `fresh`.
	 */
	replace(fresh: unknown): http.Agent | undefined {
		const proto: unknown = fresh && typeof fresh === 'object' ? Object.getPrototypeOf(fresh) : undefined;
		if (proto !== https.Agent.prototype && proto !== http.Agent.prototype) {
			return undefined;
		}
		if (this.agent && Object.getPrototypeOf(this.agent) !== proto) {
			this.agent.destroy();
			this.agent = undefined;
		}
		this.agent ??=
			proto === https.Agent.prototype
				? new https.Agent({ keepAlive: true, timeout: this.idleMs })
				: new http.Agent({ keepAlive: true, timeout: this.idleMs });
		return this.agent;
	}

	/** Closes the idle connections (credentials changed); requests under way finish on theirs. */
	closeIdle(): void {
		for (const sockets of Object.values(this.agent?.freeSockets ?? {})) {
			for (const socket of sockets ?? []) {
				socket.destroy();
			}
		}
	}

	/** Closes every connection, idle or not. */
	destroy(): void {
		this.agent?.destroy();
		this.agent = undefined;
	}
}

/**
 * One GET with the credentials of `kc`'s current context, answered with raw JSON (no model classes: camelCase,
 * RFC3339 strings, int-or-string ports untouched). Rejects with an {@link ApiError} for a non-2xx answer, a
 * {@link CredentialsError} when the credentials cannot be applied, or the socket's error. With `keepAlive`, the
 * request goes over its connections (see {@link KeepAliveAgent}); without, over a connection of its own.
 */
export async function getJson(
	kc: KubeConfig,
	server: string,
	path: string,
	signal?: AbortSignal,
	keepAlive?: KeepAliveAgent,
): Promise<unknown> {
	return (await requestJson(kc, server, path, signal, keepAlive)).body;
}

/** {@link getJson}, also saying how many bytes the body had. */
async function requestJson(
	kc: KubeConfig,
	server: string,
	path: string,
	signal: AbortSignal | undefined,
	keepAlive: KeepAliveAgent | undefined,
): Promise<{ body: unknown; bytes: number }> {
	const options: https.RequestOptions = {
		method: 'GET',
		headers: { Accept: 'application/json', 'User-Agent': 'endpoint-lens' },
	};
	try {
		await kc.applyToHTTPSOptions(options);
	} catch (err) {
		// An exec plugin that exits non-zero with nothing on stderr leaves an empty message: say that much.
		throw new CredentialsError(firstLine(err).replace(/:\s*$/, '') || 'the credential plugin failed without saying why');
	}
	const url = new URL(server + path);
	const transport = url.protocol === 'http:' ? http : https;
	const kept = keepAlive?.replace(options.agent);
	if (kept) {
		(options.agent as http.Agent).destroy();
		options.agent = kept;
	}
	const agent = kept ? undefined : options.agent;
	try {
		return await new Promise<{ body: unknown; bytes: number }>((resolve, reject) => {
			const req = transport.request(url, { ...options, ...(signal ? { signal } : {}) }, (res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('error', reject);
				res.on('end', () => {
					const bytes = Buffer.concat(chunks);
					const text = bytes.toString('utf8');
					const status = res.statusCode ?? 0;
					if (status < 200 || status > 299) {
						const fromServer = statusMessage(text);
						reject(new ApiError(status, fromServer ?? http.STATUS_CODES[status] ?? `HTTP ${status}`, fromServer));
						return;
					}
					try {
						resolve({ body: JSON.parse(text), bytes: bytes.length });
					} catch {
						reject(new ApiError(status, `the answer to GET ${path} is not JSON`));
					}
				});
			});
			req.on('error', reject);
			req.setTimeout(listTimeoutMs, () =>
				req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })),
			);
			req.end();
		});
	} finally {
		if (agent && typeof agent === 'object') {
			agent.destroy();
		}
	}
}

/** Options of {@link listAll}. */
export interface ListAllOptions {
	/** Items per page (`limit`); 0 lists in one go. With `pageBytes`, the most items a page may ask for. */
	pageSize: number;
	/**
	 * About how many bytes of JSON a page should have: each page asks for as many items as fit, judged by the bytes
	 * per item of the pages so far (an item is guessed at {@link guessedItemBytes} until the first page tells). Parsing
	 * a page is one uninterrupted task, so this bounds how long the event loop waits for it whatever the objects'
	 * size (30k pods of 3.5 kB in pages of 500 would hold it 20 ms and more per page). Undefined: `pageSize` items.
	 */
	pageBytes?: number;
	signal?: AbortSignal;
	log?: (level: 'info' | 'warn' | 'error', message: string) => void;
	/** Shares repeated values among the listed objects (and those of other lists and watches given the same one). */
	interner?: Interner;
	/** Connections to send the pages over (see {@link KeepAliveAgent}); without, a connection per page. */
	keepAlive?: KeepAliveAgent;
}

/**
 * A full list of one scope, page by page (`limit`/`continue`, as kubectl); a 410 on a continue token restarts it
 * unpaged. Rejects as {@link getJson} does.
 */
export async function listAll(
	kc: KubeConfig,
	server: string,
	kind: ResourceKind,
	namespace: string | undefined,
	options: ListAllOptions,
): Promise<ListResult> {
	const { pageSize, signal } = options;
	const interner = options.interner ?? new Interner();
	const path = collectionPath(kind, namespace);
	const info = liveResources[kind];
	const fetchAll = async (maxLimit: number | undefined): Promise<ListResult> => {
		const items: TypedObject[] = [];
		let resourceVersion = '';
		let token: string | undefined;
		let bytesSoFar = 0;
		do {
			const limit =
				maxLimit === undefined || options.pageBytes === undefined
					? maxLimit
					: Math.max(
							1,
							Math.min(
								maxLimit,
								Math.floor(options.pageBytes / (items.length > 0 ? bytesSoFar / items.length : guessedItemBytes)),
							),
						);
			const query = new URLSearchParams();
			if (limit !== undefined) {
				query.set('limit', String(limit));
			}
			if (token) {
				query.set('continue', token);
			}
			const qs = query.toString();
			const answer = await requestJson(kc, server, qs ? `${path}?${qs}` : path, signal, options.keepAlive);
			const page = answer.body as {
				items?: TypedObject[] | null;
				metadata?: { resourceVersion?: string; continue?: string };
			};
			bytesSoFar += answer.bytes;
			// Slimmed a slice at a time with the event loop free in between: parsing a page (500 pods, 2 MB) is one
			// step already.
			const pageItems = page.items ?? [];
			let t0 = performance.now();
			for (let i = 0; i < pageItems.length; i++) {
				const item = pageItems[i]!;
				// List items come without kind/apiVersion; watch events carry them. Make both alike.
				item.kind ??= kind;
				item.apiVersion ??= info.apiVersion;
				items.push(slimObject(kind, item, interner));
				if ((i & 63) === 63 && performance.now() - t0 > slimStepMs) {
					await new Promise<void>((resolve) => setImmediate(resolve));
					t0 = performance.now();
				}
			}
			resourceVersion ||= page.metadata?.resourceVersion ?? '';
			token = page.metadata?.continue || undefined;
		} while (token);
		return { items, resourceVersion };
	};
	try {
		return await fetchAll(pageSize > 0 ? pageSize : undefined);
	} catch (err) {
		if (err instanceof ApiError && err.status === 410 && pageSize > 0) {
			options.log?.('info', `The list of ${scopeText(kind, namespace)} expired between pages; listing it in one go.`);
			return fetchAll(undefined);
		}
		throw err;
	}
}

/** The HTTP status of a failed request, if the server answered. */
export function failureStatus(err: unknown): number | undefined {
	return err instanceof ApiError
		? err.status
		: typeof (err as { statusCode?: unknown } | null)?.statusCode === 'number'
			? (err as { statusCode: number }).statusCode
			: undefined;
}

/**
 * Sorts a failed request into what to do about it, with a sentence for the user naming the server, the user
 * (`user`, for credential problems) and the scope of the list.
 */
export function classifyFailure(
	err: unknown,
	server: string,
	user: string,
	kind: ResourceKind,
	namespace: string | undefined,
): Failure {
	if (err instanceof CredentialsError) {
		return { type: 'fatal', message: `Cannot use the credentials of user "${user}" for ${server}: ${err.message}` };
	}
	const status = failureStatus(err);
	if (status !== undefined) {
		const detail = err instanceof ApiError ? err.message : http.STATUS_CODES[status] ?? `HTTP ${status}`;
		const what = scopeText(kind, namespace);
		switch (status) {
			case 410:
				return { type: 'gone', message: `The resourceVersion of ${what} expired (410 Gone).` };
			case 401:
				return {
					type: 'fatal',
					status: 401,
					message: `${server} rejected the credentials of user "${user}" (401 Unauthorized): they may have expired.`,
				};
			case 403:
				return {
					type: 'forbidden',
					message:
						(err instanceof ApiError ? err.serverMessage : undefined) ??
						`Not allowed to list ${what} (403 Forbidden).`,
				};
			case 404:
				return { type: 'unavailable', message: `${server} does not serve ${liveResources[kind].apiVersion} ${liveResources[kind].plural}.` };
			default:
				return status >= 500 || status === 429
					? { type: 'transient', message: `${server} answered ${status} for ${what}: ${detail}` }
					: { type: 'error', message: `${server} answered ${status} for ${what}: ${detail}` };
		}
	}
	const code = errorCode(err);
	if (code !== undefined && unreachableCauses[code]) {
		return { type: 'fatal', message: `Cannot reach ${server}: ${unreachableCauses[code]}` };
	}
	if (code !== undefined && (tlsCauses[code] || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || code.includes('CERT'))) {
		return { type: 'fatal', message: `Cannot connect securely to ${server}: ${tlsCauses[code] ?? firstLine(err)}` };
	}
	return { type: 'transient', message: `The connection to ${server} failed: ${firstLine(err)}` };
}

// ---------------------------------------------------------------------------------------------------------------
// The source

/** A complete list of one scope. */
export interface ListResult {
	/** The items, with kind/apiVersion filled in, as `slimObject` keeps them (no `metadata.managedFields`, slim Pods). */
	items: TypedObject[];
	resourceVersion: string;
}

type LogFn = NonNullable<LiveClusterSourceOptions['log']>;

/** What a reflector needs from its source: I/O, failure sorting, and where its results go. */
interface ReflectorHost {
	readonly log: LogFn;
	/** The longest retry delay (forbidden and unavailable kinds back off up to it). */
	readonly slowRetryMs: number;
	backoff(attempt: number): number;
	list(kind: ResourceKind, namespace: string | undefined, signal: AbortSignal): Promise<ListResult>;
	watch(
		kind: ResourceKind,
		namespace: string | undefined,
		resourceVersion: string,
		onEvent: (type: string, object: unknown) => void,
		onDone: (err: unknown) => void,
	): Promise<AbortController>;
	classify(err: unknown, kind: ResourceKind, namespace: string | undefined): Failure;
	/** A reflector's status changed. */
	changed(): void;
	/** Replaces the reflector's scope in the store (in steps; `signal` stops it). */
	listed(r: Reflector, result: ListResult, signal: AbortSignal): Promise<void>;
	event(r: Reflector, type: 'ADDED' | 'MODIFIED' | 'DELETED', object: TypedObject): void;
	namespacesFirstSettled(): void;
	/** A cluster-wide list was forbidden: true when the source reads the kind per namespace instead. */
	fallBack(r: Reflector): boolean;
	/** A list or watch got through after failing. */
	recovered(r: Reflector): void;
}

/**
 * One context's connection feeding a `ClusterStore`. `start()` lists and watches Namespaces (all-namespace mode
 * only), Nodes, Services, EndpointSlices, Endpoints and Pods; `state` says how far it got and what it cannot read.
 */
export class LiveClusterSource {
	private kc: KubeConfig;
	private watcher: Watch;
	private readonly context: string;
	private readonly refreshCredentials: (() => KubeConfig | undefined) | undefined;
	/** The context's user entry as last used, to see whether refreshed credentials differ. */
	private userFingerprint = '';
	private credentialTimer: ReturnType<typeof setTimeout> | undefined;
	private lastCredentialRenewal = 0;
	private readonly store: ClusterStore;
	/** Shares repeated values among everything this source lists and watches (see core/k8s/slim.ts). */
	private readonly interner = new Interner();
	/** The connections lists are sent over; closed by `stop()`. */
	private readonly keepAlive = new KeepAliveAgent();
	private readonly log: LogFn;
	private readonly backoffOptions: { initialMs: number; maxMs: number };
	private readonly pageSize: number;
	private readonly pageBytes: number;
	/** The chosen namespace, or undefined for all. */
	private readonly namespace: string | undefined;
	/** The context's own namespace: the fallback when namespaces cannot be listed. */
	private readonly contextNamespace: string | undefined;
	private readonly server: string;
	private readonly user: string;
	private readonly configProblem: string | undefined;

	private readonly host: ReflectorHost;
	private reflectors: Reflector[] = [];
	private readonly listeners = new Set<(s: LiveState) => void>();
	private current: LiveState = { phase: 'idle', limits: [] };
	private running = false;
	/** Counts `start()`s, so callbacks of an earlier run are ignored. */
	private run = 0;
	private disposed = false;
	private starting: Promise<void> | undefined;
	private resolveStart: (() => void) | undefined;
	/** Any HTTP answer came back (the server is reachable). */
	private responded = false;

	/** Namespaced kinds whose cluster-wide list is forbidden: read per namespace instead. */
	private readonly fallbackKinds = new Set<ResourceKind>();
	/** Fallbacks waiting for the first Namespace list. */
	private pendingFallbacks = 0;
	private readonly knownNamespaces = new Set<string>();
	private namespacesSettled: Promise<void> = Promise.resolve();
	private settleNamespaces: (() => void) | undefined;

	constructor(options: LiveClusterSourceOptions) {
		this.store = options.store;
		this.log = options.log ?? (() => undefined);
		this.backoffOptions = options.backoff ?? defaultBackoff;
		this.pageSize = options.pageSize ?? 500;
		this.pageBytes = options.pageBytes ?? defaultPageBytes;
		this.namespace = options.namespace;

		// A private copy whose current context is ours: client-node's `Watch` connects to the current context.
		this.context = options.context;
		this.refreshCredentials = options.refreshCredentials;
		this.kc = this.copyOf(options.kubeConfig);
		this.watcher = new Watch(this.kc);
		this.userFingerprint = this.fingerprint(this.kc);
		this.host = {
			log: this.log,
			slowRetryMs: this.backoffOptions.maxMs,
			backoff: (attempt) => this.backoff(attempt),
			list: (kind, namespace, signal) => this.list(kind, namespace, signal),
			watch: (kind, namespace, rv, onEvent, onDone) => this.watch(kind, namespace, rv, onEvent, onDone),
			classify: (err, kind, namespace) => this.classify(err, kind, namespace),
			changed: () => this.changed(),
			listed: (r, result, signal) => this.listed(r, result, signal),
			event: (r, type, object) => this.event(r, type, object),
			namespacesFirstSettled: () => this.namespacesFirstSettled(),
			fallBack: (r) => this.fallBack(r),
			recovered: (r) => this.recovered(r),
		};

		const ctx = this.kc.getContextObject(options.context);
		const cluster = ctx ? this.kc.getCluster(ctx.cluster) : null;
		this.contextNamespace = ctx?.namespace || undefined;
		this.server = cluster?.server ?? '';
		this.user = ctx?.user ?? '';
		if (!ctx) {
			this.configProblem = `The kubeconfig has no context "${options.context}".`;
		} else if (!cluster) {
			this.configProblem = `Context "${options.context}" names cluster "${ctx.cluster}", which the kubeconfig does not define.`;
		} else if (ctx.user && !this.kc.getUser(ctx.user)) {
			this.configProblem = `Context "${options.context}" names user "${ctx.user}", which the kubeconfig does not define.`;
		}
	}

	/** The connection's state. */
	get state(): LiveState {
		return this.current;
	}

	/** Fires whenever `state` changes. */
	onDidChangeState(listener: (s: LiveState) => void): LiveSubscription {
		const entry = (s: LiveState): void => listener(s);
		this.listeners.add(entry);
		return { dispose: () => this.listeners.delete(entry) };
	}

	/**
	 * Starts listing and watching. Resolves when every kind has listed or failed (see `state`); calling it again
	 * while running returns the same promise. Never rejects.
	 */
	start(): Promise<void> {
		if (this.disposed) {
			return Promise.resolve();
		}
		if (this.starting) {
			return this.starting;
		}
		this.running = true;
		this.run++;
		this.responded = false;
		if (this.configProblem) {
			this.log('error', this.configProblem);
			this.setState({ phase: 'error', message: this.configProblem, limits: [] });
			this.starting = Promise.resolve();
			return this.starting;
		}
		this.starting = new Promise<void>((resolve) => {
			this.resolveStart = resolve;
		});
		const kinds = kindOrder.filter((k) => k !== 'Namespace' || this.namespace === undefined);
		if (kinds.includes('Namespace')) {
			this.namespacesSettled = new Promise<void>((resolve) => {
				this.settleNamespaces = resolve;
			});
		}
		this.log('info', `Connecting to ${this.server} (${this.namespace === undefined ? 'all namespaces' : `namespace ${this.namespace}`}).`);
		this.setState({ phase: 'connecting', message: `Connecting to ${this.server}…`, limits: [], progress: { listed: 0, total: kinds.length } });
		for (const kind of kinds) {
			this.addReflector(kind, liveResources[kind].namespaced ? this.namespace : undefined);
		}
		return this.starting;
	}

	/**
	 * Every list or watch waiting out a retry delay tries again now (the Refresh command; also done by the source
	 * itself when one request gets through after the server failed, so a recovered server is read at once rather
	 * than after each reflector's backoff).
	 */
	retryNow(): void {
		for (const r of this.reflectors) {
			r.kick(true);
		}
	}

	/** Stops every list and watch (no timers or sockets remain); the store keeps its contents. */
	stop(): void {
		if (!this.running) {
			return;
		}
		this.running = false;
		if (this.credentialTimer !== undefined) {
			clearTimeout(this.credentialTimer);
			this.credentialTimer = undefined;
		}
		for (const r of this.reflectors) {
			r.stop();
		}
		this.reflectors = [];
		this.keepAlive.destroy();
		this.fallbackKinds.clear();
		this.pendingFallbacks = 0;
		this.knownNamespaces.clear();
		this.settleNamespaces?.();
		this.settleNamespaces = undefined;
		this.resolveStart?.();
		this.resolveStart = undefined;
		this.starting = undefined;
		this.setState({ phase: 'idle', limits: [] });
	}

	/** Stops and forgets every listener. */
	dispose(): void {
		this.stop();
		this.disposed = true;
		this.listeners.clear();
	}

	// -----------------------------------------------------------------------------------------------------------
	// Reflector host (private: reached by the reflectors through `host`)

	/** The delay before retry number `attempt` (from 0): doubling, capped, with ±20% jitter. */
	private backoff(attempt: number): number {
		const { initialMs, maxMs } = this.backoffOptions;
		const base = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
		return Math.min(maxMs, Math.round(base * (0.8 + Math.random() * 0.4)));
	}

	/** A full list of one scope, paged (see {@link listAll}). */
	private list(kind: ResourceKind, namespace: string | undefined, signal: AbortSignal): Promise<ListResult> {
		return listAll(this.kc, this.server, kind, namespace, {
			pageSize: this.pageSize,
			...(this.pageBytes > 0 ? { pageBytes: this.pageBytes } : {}),
			signal,
			log: this.log,
			interner: this.interner,
			keepAlive: this.keepAlive,
		});
	}

	/** Starts a watch with client-node's `Watch`. */
	private watch(
		kind: ResourceKind,
		namespace: string | undefined,
		resourceVersion: string,
		onEvent: (type: string, object: unknown) => void,
		onDone: (err: unknown) => void,
	): Promise<AbortController> {
		return this.watcher.watch(
			collectionPath(kind, namespace),
			{
				resourceVersion,
				allowWatchBookmarks: true,
				// As client-go: the server closes the watch after 5–10 minutes, so a silently dead connection heals.
				timeoutSeconds: Math.round(300 + Math.random() * 300),
			},
			onEvent,
			onDone,
		);
	}

	/** Sorts a failure into what to do about it; any HTTP answer shows the server is reachable. */
	private classify(err: unknown, kind: ResourceKind, namespace: string | undefined): Failure {
		const status = failureStatus(err);
		if (status !== undefined) {
			this.responded = true;
		}
		if (status === 401) {
			this.credentialsRejected();
		}
		return classifyFailure(err, this.server, this.user, kind, namespace);
	}

	/** A copy of `src` whose current context is ours, with its own authenticators (so exec plugins run afresh). */
	private copyOf(src: KubeConfig): KubeConfig {
		const kc = new KubeConfig();
		kc.loadFromOptions({
			clusters: src.getClusters(),
			users: src.getUsers(),
			contexts: src.getContexts(),
			currentContext: this.context,
		});
		return kc;
	}

	private fingerprint(kc: KubeConfig): string {
		const ctx = kc.getContextObject(this.context);
		return JSON.stringify([ctx?.user, ctx ? kc.getUser(ctx.user) : undefined, ctx ? kc.getCluster(ctx.cluster) : undefined]);
	}

	/**
	 * The server rejected our credentials (401). As client-go: renew them — a fresh copy of the kubeconfig runs an
	 * exec plugin again instead of reusing its cached token — and, with `refreshCredentials`, keep looking for new
	 * ones (every `credentialCheckMs`, local reads only) until a request gets through; new ones are used at once.
	 */
	private credentialsRejected(): void {
		if (!this.running) {
			return;
		}
		const now = Date.now();
		if (now - this.lastCredentialRenewal >= credentialCheckMs) {
			this.lastCredentialRenewal = now;
			this.renewCredentials();
		}
		if (this.refreshCredentials && this.credentialTimer === undefined) {
			const run = this.run;
			const check = (): void => {
				this.credentialTimer = undefined;
				if (!this.running || run !== this.run || !this.reflectors.some((r) => r.rejected)) {
					return;
				}
				if (this.renewCredentials()) {
					this.retryNow();
				} else {
					this.credentialTimer = setTimeout(check, credentialCheckMs);
				}
			};
			this.credentialTimer = setTimeout(check, credentialCheckMs);
		}
	}

	/** Rebuilds the client from the refreshed (or current) kubeconfig; true when the context's credentials changed. */
	private renewCredentials(): boolean {
		let fresh: KubeConfig | undefined;
		try {
			fresh = this.refreshCredentials?.();
		} catch (err) {
			this.log('warn', `Could not re-read the credentials: ${firstLine(err)}`);
		}
		const kc = this.copyOf(fresh && fresh.getContextObject(this.context) ? fresh : this.kc);
		const print = this.fingerprint(kc);
		const changed = print !== this.userFingerprint;
		this.kc = kc;
		this.watcher = new Watch(kc);
		// Connections are pooled by their TLS credentials already (see KeepAliveAgent); those left idle with the old
		// ones are of no further use.
		this.keepAlive.closeIdle();
		this.userFingerprint = print;
		if (changed) {
			this.log('info', `The credentials of context "${this.context}" changed; reconnecting with them.`);
		}
		return changed;
	}

	/** A reflector got through after failing: the server is back, so whoever waits out a backoff retries now. */
	private recovered(r: Reflector): void {
		for (const other of this.reflectors) {
			if (other !== r) {
				other.kick(false);
			}
		}
	}

	/** A reflector's first attempt ended (or its status changed): recompute the state. */
	private changed(): void {
		if (!this.running) {
			return;
		}
		this.setState(this.computeState());
		const settled = this.reflectors.every((r) => r.settled) && this.pendingFallbacks === 0;
		if (settled && this.resolveStart) {
			this.resolveStart();
			this.resolveStart = undefined;
		}
	}

	/**
	 * A reflector listed: replace its scope in the store, in steps that leave the event loop free in between (a list
	 * of 30k pods would stall it for half a second otherwise); the store still notifies once for the list.
	 */
	private async listed(r: Reflector, result: ListResult, signal: AbortSignal): Promise<void> {
		this.responded = true;
		await this.store.applyListInSteps(
			{
				type: 'LIST',
				kind: r.kind,
				...(r.namespace !== undefined ? { namespace: r.namespace } : {}),
				objects: result.items as ResourceTypes[ResourceKind][],
				resourceVersion: result.resourceVersion,
			},
			{ signal },
		);
		if (signal.aborted || !this.running) {
			return;
		}
		this.log('info', `Listed ${result.items.length} ${scopeText(r.kind, r.namespace)} at resourceVersion ${result.resourceVersion || '(none)'}.`);
		if (r.kind === 'Namespace') {
			this.knownNamespaces.clear();
			for (const ns of result.items) {
				if (ns.metadata?.name) {
					this.knownNamespaces.add(ns.metadata.name);
				}
			}
			this.reconcileFallback();
		}
	}

	/** A watch event: into the store. */
	private event(r: Reflector, type: 'ADDED' | 'MODIFIED' | 'DELETED', object: TypedObject): void {
		this.store.apply({ type, kind: r.kind, object: slimObject(r.kind, object, this.interner) as ResourceTypes[ResourceKind] });
		if (r.kind === 'Namespace' && object.metadata?.name) {
			const before = this.knownNamespaces.size;
			if (type === 'DELETED') {
				this.knownNamespaces.delete(object.metadata.name);
			} else {
				this.knownNamespaces.add(object.metadata.name);
			}
			if (before !== this.knownNamespaces.size) {
				this.reconcileFallback();
			}
		}
	}

	/** The Namespace reflector's first attempt ended. */
	private namespacesFirstSettled(): void {
		this.settleNamespaces?.();
		this.settleNamespaces = undefined;
	}

	/**
	 * A cluster-wide list of a namespaced kind was forbidden. When no namespace was chosen, read that kind
	 * per namespace instead (returns true: the reflector is retired); otherwise report it as a limit (false).
	 */
	private fallBack(r: Reflector): boolean {
		if (this.namespace !== undefined || r.namespace !== undefined || !liveResources[r.kind].namespaced) {
			return false;
		}
		this.log('info', `Listing ${liveResources[r.kind].plural} across all namespaces is forbidden; reading them namespace by namespace.`);
		r.stop();
		this.reflectors = this.reflectors.filter((x) => x !== r);
		this.fallbackKinds.add(r.kind);
		this.pendingFallbacks++;
		const run = this.run;
		void this.namespacesSettled.then(() => {
			if (!this.running || run !== this.run || this.pendingFallbacks === 0) {
				return;
			}
			this.pendingFallbacks--;
			this.reconcileFallback();
			this.changed();
		});
		return true;
	}

	// -----------------------------------------------------------------------------------------------------------
	// Internals

	private addReflector(kind: ResourceKind, namespace: string | undefined): void {
		const r = new Reflector(this.host, kind, namespace);
		this.reflectors.push(r);
		r.start();
	}

	/** The namespaces fallback kinds are read in: every listed Namespace, else the context's own namespace. */
	private fallbackNamespaces(): string[] {
		const nsReflector = this.reflectors.find((r) => r.kind === 'Namespace');
		if (nsReflector?.synced) {
			return [...this.knownNamespaces].sort();
		}
		return [this.contextNamespace ?? 'default'];
	}

	/** Starts and stops per-namespace reflectors of the fallback kinds to match the namespaces. */
	private reconcileFallback(): void {
		if (!this.running || this.fallbackKinds.size === 0) {
			return;
		}
		const want = new Set(this.fallbackNamespaces());
		for (const r of [...this.reflectors]) {
			if (r.namespace !== undefined && this.fallbackKinds.has(r.kind) && !want.has(r.namespace)) {
				r.stop();
				this.reflectors = this.reflectors.filter((x) => x !== r);
				this.store.apply({ type: 'LIST', kind: r.kind, namespace: r.namespace, objects: [] });
			}
		}
		for (const kind of kindOrder) {
			if (!this.fallbackKinds.has(kind)) {
				continue;
			}
			for (const ns of want) {
				if (!this.reflectors.some((r) => r.kind === kind && r.namespace === ns)) {
					this.addReflector(kind, ns);
				}
			}
		}
		this.changed();
	}

	private computeState(): LiveState {
		const limits: ReadLimit[] = [];
		let fatal: string | undefined;
		let settled = 0;
		for (const r of this.reflectors) {
			if (r.limit) {
				limits.push(r.limit);
			}
			fatal ??= r.fatal;
			if (r.settled) {
				settled++;
			}
		}
		limits.sort(
			(a, b) =>
				kindOrder.indexOf(a.kind as ResourceKind) - kindOrder.indexOf(b.kind as ResourceKind) ||
				(a.namespace ?? '').localeCompare(b.namespace ?? ''),
		);
		if (fatal !== undefined) {
			return { phase: 'error', message: fatal, limits };
		}
		const total = this.reflectors.length + this.pendingFallbacks;
		if (settled < total) {
			return {
				phase: this.responded ? 'syncing' : 'connecting',
				message: this.responded ? `Listing from ${this.server}…` : `Connecting to ${this.server}…`,
				limits,
				progress: { listed: settled, total },
			};
		}
		return { phase: 'ready', limits };
	}

	private setState(next: LiveState): void {
		if (JSON.stringify(next) === JSON.stringify(this.current)) {
			return;
		}
		this.current = next;
		for (const listener of [...this.listeners]) {
			try {
				listener(next);
			} catch (err) {
				this.log('error', `A state listener threw: ${firstLine(err)}`);
			}
		}
	}
}

// ---------------------------------------------------------------------------------------------------------------
// Reflector

/** List-then-watch of one kind in one scope (a namespace, or all), with its own retry schedule. */
class Reflector {
	/** The first list attempt has ended, well or not. */
	settled = false;
	/** Listed at least once. */
	synced = false;
	limit: ReadLimit | undefined;
	/** A connection-level problem (phase `error`), until the next success. */
	fatal: string | undefined;

	private resourceVersion = '';
	private failures = 0;
	private stopped = false;
	private timer: ReturnType<typeof setTimeout> | undefined;
	/** What the pending timer does, and whether it waits out a server or connection failure. */
	private pending: { step: 'list' | 'watch'; afterFailure: 'server' | 'denied' | undefined } | undefined;
	/** The last attempt was answered 401. */
	rejected = false;
	/** Watches in a row that ended cleanly at once with no events. */
	private quickEnds = 0;
	/** 410s in a row, each right after a relist. */
	private goneStreak = 0;
	private listAbort: AbortController | undefined;
	private watchAbort: AbortController | undefined;
	/** Incremented per watch, so callbacks of an abandoned watch are ignored. */
	private generation = 0;

	constructor(
		private readonly host: ReflectorHost,
		readonly kind: ResourceKind,
		readonly namespace: string | undefined,
	) {}

	start(): void {
		void this.list();
	}

	stop(): void {
		this.stopped = true;
		this.generation++;
		if (this.timer !== undefined) {
			clearTimeout(this.timer);
			this.timer = undefined;
		}
		this.listAbort?.abort();
		this.listAbort = undefined;
		this.watchAbort?.abort();
		this.watchAbort = undefined;
	}

	private get what(): string {
		return scopeText(this.kind, this.namespace);
	}

	/**
	 * Runs `step` after `ms`. `afterFailure` says what the delay waits out: `server` (5xx, dropped connections,
	 * unreachable, 401) is cut short when another reflector gets through; `denied` (403, 404) only by `retryNow`.
	 */
	private schedule(ms: number, step: 'list' | 'watch', afterFailure?: 'server' | 'denied'): void {
		if (this.stopped) {
			return;
		}
		if (this.timer !== undefined) {
			clearTimeout(this.timer);
		}
		this.pending = { step, afterFailure };
		this.timer = setTimeout(() => this.fire(), ms);
	}

	private fire(): void {
		const pending = this.pending;
		this.timer = undefined;
		this.pending = undefined;
		if (this.stopped || !pending) {
			return;
		}
		if (pending.step === 'list') {
			void this.list();
		} else {
			this.watch();
		}
	}

	/** Retries now if waiting out a failure: any failure when `all`, else only a server or connection failure. */
	kick(all: boolean): void {
		if (this.timer === undefined || this.pending?.afterFailure === undefined) {
			return;
		}
		if (all || this.pending.afterFailure === 'server') {
			clearTimeout(this.timer);
			this.fire();
		}
	}

	/** An attempt got through: forget the failures, and tell the host when there were any. */
	private succeeded(): void {
		const hadFailed = this.failures > 0 || this.fatal !== undefined || this.rejected;
		this.failures = 0;
		this.rejected = false;
		if (hadFailed) {
			this.host.recovered(this);
		}
	}

	private async list(): Promise<void> {
		if (this.stopped) {
			return;
		}
		const abort = new AbortController();
		this.listAbort = abort;
		let result: ListResult;
		try {
			result = await this.host.list(this.kind, this.namespace, abort.signal);
		} catch (err) {
			if (this.stopped || abort.signal.aborted) {
				return;
			}
			this.listFailed(this.host.classify(err, this.kind, this.namespace));
			return;
		} finally {
			if (this.listAbort === abort) {
				this.listAbort = undefined;
			}
		}
		if (this.stopped) {
			return;
		}
		this.resourceVersion = result.resourceVersion;
		this.succeeded();
		this.limit = undefined;
		this.fatal = undefined;
		this.synced = true;
		this.listAbort = abort;
		try {
			await this.host.listed(this, result, abort.signal);
		} finally {
			if (this.listAbort === abort) {
				this.listAbort = undefined;
			}
		}
		if (this.stopped) {
			return;
		}
		this.firstSettled();
		this.watch();
	}

	private firstSettled(): void {
		const first = !this.settled;
		this.settled = true;
		if (first && this.kind === 'Namespace') {
			this.host.namespacesFirstSettled();
		}
		this.host.changed();
	}

	private listFailed(failure: Failure): void {
		const log = this.host.log;
		this.rejected = failure.type === 'fatal' && failure.status === 401;
		switch (failure.type) {
			case 'gone':
				log('info', `${failure.message} Relisting.`);
				this.schedule(this.failures++ === 0 ? 0 : this.host.backoff(this.failures), 'list');
				return;
			case 'forbidden':
				if (this.host.fallBack(this)) {
					return;
				}
				this.limit = { kind: this.kind, ...this.scope(), reason: 'forbidden', message: failure.message };
				this.fatal = undefined;
				log('warn', failure.message);
				// Backing off up to the slow delay: access granted again shows within seconds, a lasting denial costs
				// a request per scope every `slowRetryMs`.
				this.schedule(this.host.backoff(this.failures++), 'list', 'denied');
				break;
			case 'unavailable':
			case 'error':
				this.limit = { kind: this.kind, ...this.scope(), reason: failure.type, message: failure.message };
				this.fatal = undefined;
				log('warn', failure.message);
				this.schedule(this.host.backoff(this.failures++), 'list', 'denied');
				break;
			case 'transient':
				this.limit = { kind: this.kind, ...this.scope(), reason: 'error', message: failure.message };
				this.fatal = undefined;
				log('warn', `${failure.message}; retrying.`);
				this.schedule(this.host.backoff(this.failures++), 'list', 'server');
				break;
			case 'fatal':
				if (this.fatal !== failure.message) {
					log('error', `${failure.message} (listing ${this.what}; retrying).`);
				}
				this.fatal = failure.message;
				this.schedule(this.host.backoff(this.failures++), 'list', 'server');
				break;
		}
		this.firstSettled();
	}

	private scope(): { namespace?: string } {
		return this.namespace !== undefined ? { namespace: this.namespace } : {};
	}

	private watch(): void {
		if (this.stopped) {
			return;
		}
		const gen = ++this.generation;
		const startedAt = Date.now();
		let ended = false;
		let gone = false;
		let errorEvent: string | undefined;
		let sawEvent = false;
		/** The server answered 200: the watch was open. */
		let established = false;

		const onEvent = (type: string, object: unknown): void => {
			if (gen !== this.generation || this.stopped) {
				return;
			}
			const obj = object as TypedObject & { code?: number; message?: string };
			switch (type) {
				case 'ADDED':
				case 'MODIFIED':
				case 'DELETED':
					this.host.event(this, type, obj);
					break;
				case 'BOOKMARK':
					break;
				case 'ERROR':
					if (obj.code === 410) {
						gone = true;
					} else {
						errorEvent = `${obj.code ?? ''} ${obj.message ?? 'watch error'}`.trim();
					}
					return;
				default:
					return;
			}
			sawEvent = true;
			this.resourceVersion = obj.metadata?.resourceVersion || this.resourceVersion;
		};

		const onDone = (err: unknown): void => {
			if (ended) {
				return;
			}
			ended = true;
			if (gen !== this.generation || this.stopped) {
				return;
			}
			this.watchAbort = undefined;
			const log = this.host.log;
			const failure = err != null ? this.host.classify(err, this.kind, this.namespace) : undefined;
			this.rejected = failure?.type === 'fatal' && failure.status === 401;
			if (gone || failure?.type === 'gone') {
				// The server's history moved on — not a failure: relist now. Only 410s that keep coming right after
				// relists (`goneStreak`, reset by a watch that proves healthy) back off.
				log('info', `The watch of ${this.what} expired (410 Gone); relisting.`);
				this.resourceVersion = '';
				this.schedule(this.goneStreak === 0 ? 0 : this.host.backoff(this.goneStreak - 1), 'list');
				this.goneStreak++;
				return;
			}
			const clean = failure === undefined && errorEvent === undefined;
			// A watch that carried events or lived a while was healthy, however it ended: earlier failures are over.
			const productive = sawEvent || Date.now() - startedAt >= healthyWatchMs;
			if (productive) {
				this.failures = 0;
				this.quickEnds = 0;
				this.goneStreak = 0;
			}
			if (failure?.type === 'fatal') {
				if (this.fatal !== failure.message) {
					log('error', `${failure.message} (watching ${this.what}; retrying).`);
				}
				this.fatal = failure.message;
				this.host.changed();
			} else if (failure?.type === 'forbidden') {
				this.limit = { kind: this.kind, ...this.scope(), reason: 'forbidden', message: failure.message };
				log('warn', failure.message);
				this.host.changed();
				this.schedule(this.host.backoff(this.failures++), 'watch', 'denied');
				return;
			} else {
				log(
					'info',
					`The watch of ${this.what} ended${failure ? `: ${failure.message}` : errorEvent ? `: ${errorEvent}` : ''}; reconnecting.`,
				);
			}
			// A clean end rewatches at once, as client-go does; so does the first error after an open watch. Errors
			// in a row back off; so does a server that ends watches at once with nothing in them, again and again
			// (after three quick rewatches), so nothing spins.
			let delay = 0;
			if (!clean) {
				delay = (productive || established) && this.failures === 0 ? 0 : this.host.backoff(Math.max(0, this.failures - 1));
				this.failures++;
			} else if (!productive && ++this.quickEnds > 3) {
				delay = this.host.backoff(this.quickEnds - 4);
			}
			this.schedule(delay, 'watch', clean ? undefined : 'server');
		};

		this.host.watch(this.kind, this.namespace, this.resourceVersion, onEvent, onDone).then(
			(controller) => {
				if (gen !== this.generation || this.stopped) {
					controller.abort();
					return;
				}
				if (ended) {
					return;
				}
				established = true;
				this.watchAbort = controller;
				const wasFailing = this.fatal !== undefined || this.limit !== undefined;
				if (this.failures > 0 || this.rejected || wasFailing) {
					// Not `succeeded()`: a watch that opens and drops at once must keep backing off, so the count is
					// kept until it proves healthy; the others may still retry now.
					this.rejected = false;
					this.host.recovered(this);
				}
				if (wasFailing) {
					this.fatal = undefined;
					this.limit = undefined;
					this.host.changed();
				}
			},
			(err: unknown) => onDone(err),
		);
	}
}
