/**
 * The project's test Kubernetes API server: HTTPS with a generated CA, bearer-token and client-certificate
 * authentication, discovery, get/list/watch of the kinds Endpoint Lens reads, server-side printing for kubectl,
 * and fault knobs. Real clients (@kubernetes/client-node, the real `kubectl`) talk to it over the socket; nothing
 * above it is mocked.
 *
 * ## Requests, in order
 * 1. Every request is logged in `verbs` (method, RBAC verb, path, user, status) — writes included, so a test can
 *    prove its client only reads.
 * 2. Authentication: bearer token or verified client certificate, else 401 (`/version` and the health endpoints are
 *    public, as with anonymous auth on a real cluster).
 * 3. Fault knobs: `delayMs`, then `failNext` (a Status with the given code for the next n matching requests).
 * 4. Writes (POST/PUT/PATCH/DELETE) are 405 MethodNotAllowed: the server is read-only over HTTP; tests change
 *    state through the scripting API (`create`/`update`/`remove`/`apply`/`feedFrom`).
 * 5. Authorization (see `auth.ts`), then discovery, get, list or watch.
 *
 * ## Lists
 * `labelSelector`, `fieldSelector`, `limit`/`continue` (see `query.ts`); `resourceVersion` with
 * `resourceVersionMatch=Exact` other than the current one is 410 Expired (we keep no snapshots); any other list is
 * served from the current state with the current resourceVersion. Items carry no kind/apiVersion, as with the real
 * server's typed lists.
 */
import { writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { createServer as createNetServer } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { PlaygroundCluster } from '../../../src/cluster/playground/playground';
import type { TypedObject } from '../../../src/core/k8s/types';
import type { ResourceKind } from '../../../src/core/store/types';
import type { UserPolicy } from './auth';
import { Authenticator, defaultPolicies, users } from './auth';
import type { CertPair } from './certs';
import { testPki } from './certs';
import type { TestContext } from './kubeconfig';
import { buildKubeconfig, testContexts } from './kubeconfig';
import type { ListOptions } from './query';
import { QueryError, encodeContinue, matchesOptions, parseListOptions } from './query';
import type { ResourceInfo } from './resources';
import {
	aggregatedDiscovery,
	aggregatedDiscoveryType,
	apiGroupDocument,
	apiGroupList,
	apiResourceList,
	apiVersions,
	findResource,
	resourceOfKind,
	serverVersion,
} from './resources';
import { ApiStore, StoreError, isServedKind } from './store';
import type { IncludeObject } from './tables';
import { toTable, wantsTable } from './tables';
import { WatchHub } from './watch';

/** Options of {@link startTestApiServer}. */
export interface TestApiServerOptions {
	/** Objects to serve from the start (served kinds only; others throw). */
	objects?: TypedObject[];
	/** Per-user policies, merged over the defaults (`test-limited` denied `secret-team` and cluster-wide lists). */
	rbac?: Record<string, UserPolicy>;
	/** How many events the watch history keeps. Default 1000. */
	historySize?: number;
	/** How often watches with `allowWatchBookmarks` get a BOOKMARK. Default 1000 ms. */
	bookmarkIntervalMs?: number;
	/** The port on 127.0.0.1. Default 0 (any free port). */
	port?: number;
	/**
	 * Create a Namespace object for `default` and for every namespace an object lands in. Default true. A later
	 * explicit `create` of such a namespace replaces it rather than failing with AlreadyExists.
	 */
	autoNamespaces?: boolean;
	/** Answer aggregated discovery (`apidiscovery.k8s.io/v2`) when asked. Default true; false serves only legacy. */
	aggregatedDiscovery?: boolean;
}

/** One request, as the verb log records it. */
export interface VerbLogEntry {
	method: string;
	/** The RBAC verb (`get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, `deletecollection`). */
	verb: string;
	/** The URL path, without the query. */
	path: string;
	/** The query string, without `?`. */
	query: string;
	/** The authenticated user, or `system:anonymous`. */
	user: string;
	/** The response status (0 while a response has not started). */
	status: number;
	/** The request's Accept header (kubectl asks for Tables and aggregated discovery through it). */
	accept?: string;
	resource?: string;
	namespace?: string;
}

/** Fault knobs. */
export interface TestApiServerFaults {
	/** Ends every open watch stream (cleanly, so clients rewatch; `abrupt` resets the sockets instead). */
	dropWatches(abrupt?: boolean): void;
	/** Answers the next `n` requests (whose path matches `path`, if given) with a Status of code `status`. */
	failNext(n: number, status: number, path?: RegExp): void;
	/** Delay before answering each request, in ms. */
	delayMs: number;
	/** Replaces every bearer token: the current ones are 401 from now on (`kubeconfig` has the new ones). */
	expireTokens(): void;
	/** Forgets the watch history: watches and continue tokens from an older resourceVersion get 410. */
	compact(): void;
	/** Makes every request of `user` in `namespace` 403. */
	forbidNamespace(user: string, namespace: string): void;
	/** Undoes `forbidNamespace` (open watches are not touched, as RBAC changes do not end them). */
	allowNamespace(user: string, namespace: string): void;
	/** While set, every authenticated request (whose path matches `path`, if given) is answered with this status. */
	failing: { status: number; path?: RegExp } | undefined;
}

/** A running test API server. */
export interface TestApiServer {
	/** `https://127.0.0.1:PORT`. */
	url: string;
	/** The kubeconfig YAML (current tokens; see `contexts`). */
	readonly kubeconfig: string;
	writeKubeconfig(path: string): void;
	contexts: TestContext[];
	/** The CA certificate (PEM), for clients that are not given the kubeconfig. */
	caPem: string;
	/** The current bearer tokens: `admin` (context `test`) and `limited` (context `forbidden-ns`). */
	readonly tokens: { admin: string; limited: string };
	/** The `test-cert` user's certificate and key (PEM). */
	clientCert: CertPair;
	/** Creates an object (409 StoreError when it exists). Returns the stored copy. */
	create(obj: TypedObject): TypedObject;
	/** Replaces an object (404 StoreError when missing). Returns the stored copy. */
	update(obj: TypedObject): TypedObject;
	/** Deletes an object; returns whether it existed. */
	remove(kind: ResourceKind, namespace: string | undefined, name: string): boolean;
	/** Creates or replaces each object. */
	apply(objs: readonly TypedObject[]): void;
	/** Copies of the stored objects of a kind (in one namespace when given), sorted by namespace and name. */
	list(kind: ResourceKind, namespace?: string): TypedObject[];
	/** The latest resourceVersion. */
	readonly resourceVersion: string;
	faults: TestApiServerFaults;
	/** Every request so far. */
	verbs: VerbLogEntry[];
	/** How many watch streams are open. */
	readonly openWatches: number;
	/** Mirrors a playground into the server: its snapshot now, then every event. Returns the unsubscribe function. */
	feedFrom(playground: PlaygroundCluster): () => void;
	close(): Promise<void>;
}

interface StatusDetails {
	name?: string;
	group?: string;
	kind?: string;
}

/** A `v1.Status` failure body. */
export function statusBody(code: number, reason: string, message: string, details?: StatusDetails): object {
	return {
		kind: 'Status',
		apiVersion: 'v1',
		metadata: {},
		status: 'Failure',
		message,
		reason,
		...(details ? { details } : {}),
		code,
	};
}

const reasons: Record<number, string> = {
	400: 'BadRequest',
	401: 'Unauthorized',
	403: 'Forbidden',
	404: 'NotFound',
	405: 'MethodNotAllowed',
	409: 'AlreadyExists',
	410: 'Expired',
	429: 'TooManyRequests',
	500: 'InternalError',
	503: 'ServiceUnavailable',
	504: 'Timeout',
};

function sendJson(res: ServerResponse, code: number, body: object, contentType = 'application/json'): void {
	const text = JSON.stringify(body);
	res.writeHead(code, {
		'Content-Type': contentType,
		'Content-Length': Buffer.byteLength(text),
		'Cache-Control': 'no-cache, private',
	});
	res.end(text);
}

function sendStatus(res: ServerResponse, code: number, message: string, details?: StatusDetails): void {
	if (code === 429) {
		res.setHeader('Retry-After', '1');
	}
	sendJson(res, code, statusBody(code, reasons[code] ?? 'Unknown', message, details));
}

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
	const s = createNetServer();
	await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
	const port = (s.address() as AddressInfo).port;
	await new Promise<void>((resolve) => s.close(() => resolve()));
	return port;
}

/** What a resource URL names. */
interface ResourcePath {
	info: ResourceInfo;
	namespace?: string;
	name?: string;
	subresource?: string;
}

/** Parses `/api/v1/...` and `/apis/G/V/...` resource paths; undefined for anything else. */
function parseResourcePath(segments: string[]): ResourcePath | 'unknown' | undefined {
	let group: string;
	let version: string;
	let rest: string[];
	if (segments[0] === 'api' && segments.length >= 3) {
		[group, version, rest] = ['', segments[1]!, segments.slice(2)];
	} else if (segments[0] === 'apis' && segments.length >= 4) {
		[group, version, rest] = [segments[1]!, segments[2]!, segments.slice(3)];
	} else {
		return undefined;
	}
	let namespace: string | undefined;
	if (rest[0] === 'namespaces' && rest.length >= 3) {
		namespace = rest[1];
		rest = rest.slice(2);
	}
	const info = findResource(group, version, rest[0]!);
	if (!info || rest.length > 3 || (namespace !== undefined && !info.namespaced)) {
		return 'unknown';
	}
	return {
		info,
		...(namespace !== undefined ? { namespace } : {}),
		...(rest[1] !== undefined ? { name: rest[1] } : {}),
		...(rest[2] !== undefined ? { subresource: rest[2] } : {}),
	};
}

function rbacVerb(method: string, p: ResourcePath | undefined, watch: boolean): string {
	switch (method) {
		case 'POST':
			return 'create';
		case 'PUT':
			return 'update';
		case 'PATCH':
			return 'patch';
		case 'DELETE':
			return p?.name ? 'delete' : 'deletecollection';
		default:
			return p && !p.name ? (watch ? 'watch' : 'list') : 'get';
	}
}

function acceptsAggregated(accept: string | undefined): boolean {
	return (accept ?? '')
		.split(',')
		.some(
			(part) =>
				/as=APIGroupDiscoveryList/.test(part) && /g=apidiscovery\.k8s\.io/.test(part) && /v=v2(;|$)/.test(part),
		);
}

function includeObjectOf(params: URLSearchParams): IncludeObject {
	const v = params.get('includeObject');
	return v === 'None' || v === 'Object' ? v : 'Metadata';
}

/** Starts a test API server on 127.0.0.1. */
export async function startTestApiServer(options: TestApiServerOptions = {}): Promise<TestApiServer> {
	const pki = testPki();
	const clientCert = pki.issueClient(users.cert, ['system:masters']);
	const auth = new Authenticator({ ...defaultPolicies(), ...structuredClone(options.rbac ?? {}) });
	const store = new ApiStore(options.historySize ?? 1000);
	const hub = new WatchHub(store, options.bookmarkIntervalMs ?? 1000, Date.now);
	const autoNamespaces = options.autoNamespaces ?? true;
	const aggregated = options.aggregatedDiscovery ?? true;
	const verbs: VerbLogEntry[] = [];
	const failures: { remaining: number; status: number; path?: RegExp }[] = [];
	let serverAddress = '127.0.0.1';

	/** Namespaces created implicitly: an explicit create of one adopts it instead of failing with 409. */
	const autoCreated = new Set<string>();
	const ensureNamespace = (obj: TypedObject | undefined): void => {
		if (!autoNamespaces || !obj || !isServedKind(obj.kind) || !resourceOfKind(obj.kind).namespaced) {
			return;
		}
		const ns = obj.metadata?.namespace || 'default';
		if (!store.get('Namespace', undefined, ns)) {
			store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
			autoCreated.add(ns);
		}
	};
	const write = (obj: TypedObject, how: 'create' | 'update' | 'upsert'): TypedObject => {
		if (obj.kind === 'Namespace' && autoCreated.delete(obj.metadata?.name ?? '') && how === 'create') {
			return store.upsert(obj);
		}
		ensureNamespace(obj);
		return how === 'create' ? store.create(obj) : how === 'update' ? store.update(obj) : store.upsert(obj);
	};
	if (autoNamespaces) {
		store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
		autoCreated.add('default');
	}
	for (const o of options.objects ?? []) {
		write(o, 'upsert');
	}

	const authenticate = (req: IncomingMessage): string | undefined => {
		const header = req.headers.authorization;
		if (header?.startsWith('Bearer ')) {
			return auth.userOfToken(header.slice('Bearer '.length).trim());
		}
		const socket = req.socket as TLSSocket;
		if (socket.authorized) {
			const cn = socket.getPeerCertificate().subject?.CN;
			return Array.isArray(cn) ? cn[0] : cn;
		}
		return undefined;
	};

	const serveList = (
		req: IncomingMessage,
		res: ServerResponse,
		p: ResourcePath,
		opts: ListOptions,
		params: URLSearchParams,
	): void => {
		const kind = p.info.kind;
		const current = store.resourceVersion;
		if (opts.resourceVersionMatch && !opts.resourceVersion) {
			sendStatus(res, 400, 'resourceVersionMatch is forbidden unless resourceVersion is provided');
			return;
		}
		if (opts.resourceVersionMatch === 'Exact' && Number(opts.resourceVersion) !== current) {
			sendStatus(res, 410, `too old resource version: ${opts.resourceVersion} (${current})`);
			return;
		}
		if (opts.resourceVersion && Number(opts.resourceVersion) > current) {
			sendStatus(res, 504, `Too large resource version: ${opts.resourceVersion}, current: ${current}`);
			return;
		}
		let rv = current;
		let items = store.list(kind, p.namespace).filter((o) => matchesOptions(o, opts));
		if (opts.continueToken) {
			if (opts.continueToken.rv < store.oldestResumable) {
				sendStatus(
					res,
					410,
					'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
				);
				return;
			}
			rv = opts.continueToken.rv;
			const start = opts.continueToken.start;
			items = items.filter((o) => store.keyOf(kind, o) > start);
		}
		const listMeta: { resourceVersion: string; continue?: string; remainingItemCount?: number } = {
			resourceVersion: String(rv),
		};
		if (opts.limit && items.length > opts.limit) {
			const remaining = items.length - opts.limit;
			items = items.slice(0, opts.limit);
			listMeta.continue = encodeContinue(rv, store.keyOf(kind, items[items.length - 1]!));
			if (opts.labelSelector.requirements.length === 0 && opts.fieldSelector.length === 0) {
				listMeta.remainingItemCount = remaining;
			}
		}
		if (wantsTable(req.headers.accept)) {
			sendJson(res, 200, toTable(kind, items, { include: includeObjectOf(params), now: Date.now(), listMeta }));
			return;
		}
		sendJson(res, 200, {
			kind: `${kind}List`,
			apiVersion: p.info.group ? `${p.info.group}/${p.info.version}` : p.info.version,
			metadata: listMeta,
			items: items.map(({ apiVersion: _a, kind: _k, ...rest }) => rest),
		});
	};

	const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
		const url = new URL(req.url ?? '/', 'https://localhost');
		const segments = url.pathname.split('/').filter((s) => s);
		const method = req.method ?? 'GET';
		const resourcePath = parseResourcePath(segments);
		const rp = resourcePath === 'unknown' ? undefined : resourcePath;
		const watchParam = url.searchParams.get('watch');
		const entry: VerbLogEntry = {
			method,
			verb: rbacVerb(method, rp, watchParam === 'true' || watchParam === '1'),
			path: url.pathname,
			query: url.search.slice(1),
			user: 'system:anonymous',
			status: 0,
			...(req.headers.accept ? { accept: req.headers.accept } : {}),
			...(rp ? { resource: rp.info.resource } : {}),
			...(rp?.namespace !== undefined ? { namespace: rp.namespace } : {}),
		};
		verbs.push(entry);
		const setStatus = (): void => {
			entry.status = res.statusCode;
		};
		res.on('finish', setStatus);
		res.on('close', setStatus);
		// Drain any request body (writes are refused, but the client must be able to finish sending).
		req.resume();

		const isPublic = ['/version', '/healthz', '/livez', '/readyz'].includes(url.pathname);
		const user = authenticate(req);
		if (user) {
			entry.user = user;
		} else if (!isPublic) {
			sendStatus(res, 401, 'Unauthorized');
			return;
		}
		if (faults.delayMs > 0) {
			await new Promise((resolve) => setTimeout(resolve, faults.delayMs));
		}
		const failure = failures.find((f) => f.remaining > 0 && (!f.path || f.path.test(url.pathname)));
		if (failure) {
			failure.remaining -= 1;
			sendStatus(res, failure.status, `injected failure (${failure.status})`);
			return;
		}
		if (faults.failing && (!faults.failing.path || faults.failing.path.test(url.pathname))) {
			sendStatus(res, faults.failing.status, `injected failure (${faults.failing.status})`);
			return;
		}
		if (method !== 'GET' && method !== 'HEAD') {
			sendStatus(res, 405, 'the server does not allow this method on the requested resource');
			return;
		}

		if (url.pathname === '/version') {
			sendJson(res, 200, serverVersion);
			return;
		}
		if (['/healthz', '/livez', '/readyz'].includes(url.pathname)) {
			res.writeHead(200, { 'Content-Type': 'text/plain' });
			res.end('ok');
			return;
		}
		if (url.pathname === '/api' || url.pathname === '/apis') {
			if (aggregated && acceptsAggregated(req.headers.accept)) {
				sendJson(res, 200, aggregatedDiscovery(url.pathname === '/api'), aggregatedDiscoveryType);
			} else {
				sendJson(res, 200, url.pathname === '/api' ? apiVersions(serverAddress) : apiGroupList());
			}
			return;
		}
		if (segments[0] === 'apis' && segments.length === 2) {
			const doc = apiGroupDocument(segments[1]!);
			if (doc) {
				sendJson(res, 200, doc);
				return;
			}
		}
		if ((segments[0] === 'api' && segments.length === 2) || (segments[0] === 'apis' && segments.length === 3)) {
			const doc =
				segments[0] === 'api' ? apiResourceList('', segments[1]!) : apiResourceList(segments[1]!, segments[2]!);
			if (doc) {
				sendJson(res, 200, doc);
				return;
			}
		}
		if (!rp || rp.subresource !== undefined) {
			sendStatus(res, 404, 'the server could not find the requested resource');
			return;
		}

		const denied = auth.authorize({
			user: entry.user,
			verb: entry.verb,
			resource: rp.info.resource,
			group: rp.info.group,
			namespaced: rp.info.namespaced,
			...(rp.namespace !== undefined ? { namespace: rp.namespace } : {}),
		});
		if (denied) {
			sendStatus(res, 403, denied, { group: rp.info.group, kind: rp.info.resource });
			return;
		}

		if (rp.name !== undefined) {
			const obj = store.get(rp.info.kind, rp.namespace, rp.name);
			if (!obj || (rp.info.namespaced && rp.namespace === undefined)) {
				sendStatus(
					res,
					404,
					`${rp.info.resource}${rp.info.group ? `.${rp.info.group}` : ''} "${rp.name}" not found`,
					{
						name: rp.name,
						group: rp.info.group,
						kind: rp.info.resource,
					},
				);
				return;
			}
			if (wantsTable(req.headers.accept)) {
				sendJson(
					res,
					200,
					toTable(rp.info.kind, [obj], { include: includeObjectOf(url.searchParams), now: Date.now() }),
				);
				return;
			}
			sendJson(res, 200, obj);
			return;
		}

		let opts: ListOptions;
		try {
			opts = parseListOptions(url.searchParams);
		} catch (e) {
			if (e instanceof QueryError) {
				sendStatus(res, 400, e.message);
				return;
			}
			throw e;
		}
		if (opts.watch) {
			entry.status = 200;
			const table = wantsTable(req.headers.accept) ? includeObjectOf(url.searchParams) : undefined;
			hub.serve(
				{
					kind: rp.info.kind,
					opts,
					...(rp.namespace !== undefined ? { namespace: rp.namespace } : {}),
					...(table ? { table } : {}),
				},
				res,
			);
			return;
		}
		serveList(req, res, rp, opts, url.searchParams);
	};

	const server = createServer(
		{
			cert: pki.server.cert,
			key: pki.server.key,
			ca: [pki.ca.cert],
			requestCert: true,
			rejectUnauthorized: false,
			ALPNProtocols: ['http/1.1'],
		},
		(req, res) => {
			handle(req, res).catch((e: unknown) => {
				if (!res.headersSent) {
					if (e instanceof StoreError) {
						sendStatus(res, e.code, e.message);
					} else {
						sendStatus(res, 500, String(e));
					}
				} else {
					res.destroy();
				}
			});
		},
	);
	/** Every raw socket, so close() can end them all. */
	const sockets = new Set<Socket>();
	server.on('connection', (socket: Socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	server.keepAliveTimeout = 30_000;
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
	});
	const port = (server.address() as AddressInfo).port;
	serverAddress = `127.0.0.1:${port}`;
	const url = `https://127.0.0.1:${port}`;
	const unreachableServer = `https://127.0.0.1:${await closedPort()}`;
	const contexts = testContexts({ server: url, unreachableServer });

	const faults: TestApiServerFaults = {
		dropWatches: (abrupt) => hub.dropAll(abrupt),
		failNext: (n, status, path) => {
			failures.push({ remaining: n, status, ...(path ? { path } : {}) });
		},
		delayMs: 0,
		expireTokens: () => auth.rotate(),
		compact: () => store.compact(),
		forbidNamespace: (user, ns) => auth.forbidNamespace(user, ns),
		allowNamespace: (user, ns) => auth.allowNamespace(user, ns),
		failing: undefined,
	};

	const kubeconfigText = (): string =>
		buildKubeconfig({
			server: url,
			unreachableServer,
			caPem: pki.ca.cert,
			adminToken: auth.tokenOf(users.admin),
			limitedToken: auth.tokenOf(users.limited),
			clientCert,
		});

	return {
		url,
		get kubeconfig() {
			return kubeconfigText();
		},
		writeKubeconfig(path) {
			writeFileSync(path, kubeconfigText(), { mode: 0o600 });
		},
		contexts,
		caPem: pki.ca.cert,
		get tokens() {
			return { admin: auth.tokenOf(users.admin), limited: auth.tokenOf(users.limited) };
		},
		clientCert,
		create: (obj) => write(obj, 'create'),
		update: (obj) => write(obj, 'update'),
		remove: (kind, ns, name) => store.remove(kind, ns, name),
		apply: (objs) => {
			for (const o of objs) {
				write(o, 'upsert');
			}
		},
		list: (kind, ns) => store.list(kind, ns),
		get resourceVersion() {
			return String(store.resourceVersion);
		},
		faults,
		verbs,
		get openWatches() {
			return hub.size;
		},
		feedFrom(playground) {
			for (const list of playground.snapshot()) {
				for (const o of list.objects) {
					write({ ...o, kind: list.kind }, 'upsert');
				}
			}
			const sub = playground.onEvent((e) => {
				if (e.type === 'DELETED') {
					store.remove(e.kind, e.object.metadata?.namespace, e.object.metadata?.name ?? '');
				} else {
					write({ ...e.object, kind: e.kind }, 'upsert');
				}
			});
			return () => sub.dispose();
		},
		async close() {
			hub.dropAll(true);
			const closed = new Promise<void>((resolve) => server.close(() => resolve()));
			// Every socket, including TLS handshakes in progress, which closeAllConnections() does not see: a client
			// reconnecting while we close must not keep the server (and the test process) alive.
			server.closeAllConnections();
			for (const socket of sockets) {
				socket.destroy();
			}
			await closed;
		},
	};
}
