/**
 * The large cluster served by the project's test API server, for `npm run bench`.
 *
 * `npm run bench` runs it in a child process (dist/bench.js started again with `ENDPOINT_LENS_BENCH_ROLE=large-apiserver`)
 * so the server has its own event loop and core: the client under test and kubectl then compete with the same server,
 * and the client's event-loop delay is its own. The child reports `LargeServerInfo` over the IPC channel, then
 * serves until it is killed or its parent goes away.
 *
 * Two bench-only shortcuts in the test server, neither visible to clients. Loading copies objects with a JSON round
 * trip instead of structuredClone (13 s instead of 20–35 s for 60k objects). And `ApiStore.list` (sort + structuredClone of every object of the kind) is
 * memoized per resourceVersion. The test server calls it for every page, which makes a paged list of n objects cost
 * O(n²/limit) clones — 60 pages × 30k pods — and would make the server, not the clients, what both measurements
 * time. kube-apiserver answers a page for the cost of that page. The state never changes during the bench.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TypedObject } from '../src/core/k8s/types';
import type { ResourceKind } from '../src/core/store/types';
import { resourceKinds } from '../src/core/store/types';
import { apiVersionOf, resourceOfKind } from '../test/support/apiserver/resources';
import type { TestApiServer } from '../test/support/apiserver/server';
import { startTestApiServer } from '../test/support/apiserver/server';
import { ApiStore } from '../test/support/apiserver/store';
import { generateLargeCluster } from './largeCluster';

/** What the server process tells the bench. */
export interface LargeServerInfo {
	type: 'ready';
	url: string;
	kubeconfigPath: string;
	/** Objects per kind, as the server holds them. */
	counts: Partial<Record<ResourceKind, number>>;
	/** Bytes of the unpaged list JSON of each kind, as the server writes it. */
	jsonBytes: Partial<Record<ResourceKind, number>>;
	generateMs: number;
	loadMs: number;
}

let memoized = false;

/** Memoizes `ApiStore.list` per (store, kind, namespace, resourceVersion); see the file comment. */
export function memoizeApiStoreLists(): void {
	if (memoized || process.env.BENCH_LARGE_NO_LIST_CACHE === '1') {
		return;
	}
	memoized = true;
	const original = ApiStore.prototype.list;
	const cache = new WeakMap<ApiStore, Map<string, { rv: number; items: TypedObject[] }>>();
	ApiStore.prototype.list = function list(this: ApiStore, kind: ResourceKind, namespace?: string): TypedObject[] {
		let perStore = cache.get(this);
		if (!perStore) {
			perStore = new Map();
			cache.set(this, perStore);
		}
		const key = `${kind}/${namespace ?? '*'}`;
		const hit = perStore.get(key);
		if (hit && hit.rv === this.resourceVersion) {
			return hit.items;
		}
		const items = original.call(this, kind, namespace);
		perStore.set(key, { rv: this.resourceVersion, items });
		return items;
	};
}

/** Generates the cluster and starts a server on it (in this process). */
export async function startLargeServer(): Promise<{ server: TestApiServer; info: LargeServerInfo; dispose(): Promise<void> }> {
	memoizeApiStoreLists();
	let t0 = performance.now();
	const cluster = generateLargeCluster();
	const generateMs = performance.now() - t0;
	t0 = performance.now();
	// Loading writes every object through the test store, which deep-copies it four times with structuredClone;
	// for these plain JSON objects a JSON round trip is the same copy at a fraction of the cost.
	const clone = globalThis.structuredClone;
	globalThis.structuredClone = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));
	let server: TestApiServer;
	try {
		server = await startTestApiServer({ objects: cluster.objects });
	} finally {
		globalThis.structuredClone = clone;
	}
	const loadMs = performance.now() - t0;
	const dir = mkdtempSync(join(tmpdir(), 'endpoint-lens-bench-'));
	const kubeconfigPath = join(dir, 'kubeconfig');
	server.writeKubeconfig(kubeconfigPath);
	const counts: Partial<Record<ResourceKind, number>> = {};
	const jsonBytes: Partial<Record<ResourceKind, number>> = {};
	for (const kind of resourceKinds) {
		const items = server.list(kind);
		counts[kind] = items.length;
		// The body of an unpaged list, as `serveList` writes it (items without kind/apiVersion).
		const body = {
			kind: `${kind}List`,
			apiVersion: apiVersionOf(resourceOfKind(kind)),
			metadata: { resourceVersion: server.resourceVersion },
			items: items.map(({ apiVersion: _a, kind: _k, ...rest }) => rest),
		};
		jsonBytes[kind] = Buffer.byteLength(JSON.stringify(body));
	}
	for (const [kind, n] of Object.entries(cluster.counts)) {
		if (counts[kind as ResourceKind] !== n) {
			throw new Error(`the server holds ${counts[kind as ResourceKind]} ${kind} objects, the generator made ${n}`);
		}
	}
	return {
		server,
		info: { type: 'ready', url: server.url, kubeconfigPath, counts, jsonBytes, generateMs, loadMs },
		async dispose() {
			await server.close();
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

/** The child process's main: start, report over IPC, serve until killed or orphaned. */
export async function serveLargeChild(): Promise<void> {
	const send = process.send?.bind(process);
	if (!send) {
		throw new Error('the large-cluster server expects to be started by the bench (no IPC channel)');
	}
	const { info, dispose } = await startLargeServer();
	let stopping = false;
	const stop = (): void => {
		if (stopping) {
			return;
		}
		stopping = true;
		dispose().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.once('SIGTERM', stop);
	process.once('SIGINT', stop);
	process.once('disconnect', stop);
	send(info);
}
