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
 * memoized, and the memo kept up to date by the store's events. The test server calls it for every page, which makes
 * a paged list of n objects cost O(n²/limit) clones — 60 pages × 30k pods — and would make the server, not the
 * clients, what both measurements time. kube-apiserver answers a page for the cost of that page.
 *
 * The event stream (`startEventStream`, driven by the bench over IPC): about `perSecond` writes a second, alternating
 * a pod's Ready condition (flipped) and the matching endpoint's conditions in its EndpointSlice, as a kubelet and the
 * EndpointSlice controller would write them during a readiness flap. The watch history keeps 20,000 events (the test
 * server's default of 1,000 would expire a paged list or a watch within ten seconds at that rate).
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

interface Memo {
	rv: number;
	/** Sorted by the store key, as `ApiStore.list` returns them. */
	items: TypedObject[];
	keys: string[];
}

/** Index of the first key ≥ `key`. */
function lowerBound(keys: readonly string[], key: string): number {
	let lo = 0;
	let hi = keys.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (keys[mid]! < key) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo;
}

/**
 * Memoizes `ApiStore.list` per (store, kind, namespace), patched by every event of the store (a copy of the event's
 * object replaces, joins or leaves the memo at its sorted place); see the file comment.
 */
export function memoizeApiStoreLists(): void {
	if (memoized || process.env.BENCH_LARGE_NO_LIST_CACHE === '1') {
		return;
	}
	memoized = true;
	const original = ApiStore.prototype.list;
	const cache = new WeakMap<ApiStore, Map<string, Memo>>();
	ApiStore.prototype.list = function list(this: ApiStore, kind: ResourceKind, namespace?: string): TypedObject[] {
		let perStore = cache.get(this);
		if (!perStore) {
			const memos = new Map<string, Memo>();
			perStore = memos;
			cache.set(this, memos);
			this.subscribe((e) => {
				for (const key of new Set([`${e.kind}/*`, `${e.kind}/${e.object.metadata?.namespace ?? '*'}`])) {
					const memo = memos.get(key);
					if (!memo || memo.rv !== e.rv - 1) {
						memos.delete(key);
						continue;
					}
					const storeKey = this.keyOf(e.kind, e.object);
					const at = lowerBound(memo.keys, storeKey);
					const present = memo.keys[at] === storeKey;
					if (e.type === 'DELETED') {
						if (present) {
							memo.items.splice(at, 1);
							memo.keys.splice(at, 1);
						}
					} else if (present) {
						memo.items[at] = structuredClone(e.object);
					} else {
						memo.items.splice(at, 0, structuredClone(e.object));
						memo.keys.splice(at, 0, storeKey);
					}
					memo.rv = e.rv;
				}
				// Writes that are not in any memo still move the version on.
				for (const memo of memos.values()) {
					if (memo.rv === e.rv - 1) {
						memo.rv = e.rv;
					}
				}
			});
		}
		const key = `${kind}/${namespace ?? '*'}`;
		const hit = perStore.get(key);
		if (hit && hit.rv === this.resourceVersion) {
			return hit.items;
		}
		const items = original.call(this, kind, namespace);
		perStore.set(key, { rv: this.resourceVersion, items, keys: items.map((o) => this.keyOf(kind, o)) });
		return items;
	};
}

/** A running event stream: `stop()` ends it and says how many writes it made. */
export interface EventStream {
	stop(): number;
}

/**
 * Writes about `perSecond` changes a second into the server (see the file comment): a pod's Ready condition flipped,
 * then the same endpoint's conditions in its EndpointSlice, round-robin over the pods that have one.
 */
export function startEventStream(server: TestApiServer, perSecond: number): EventStream {
	const slices = server.list('EndpointSlice');
	const targets: { ns: string; pod: string; slice: string }[] = [];
	for (const s of slices) {
		for (const ep of (s as { endpoints?: { targetRef?: { name?: string } }[] }).endpoints ?? []) {
			if (ep.targetRef?.name) {
				targets.push({ ns: s.metadata?.namespace ?? '', pod: ep.targetRef.name, slice: s.metadata?.name ?? '' });
			}
		}
	}
	// A spread over the cluster, not one Service after the other.
	targets.sort((a, b) => (a.pod.length * 31 + a.pod.charCodeAt(a.pod.length - 1)) % 97 - (b.pod.length * 31 + b.pod.charCodeAt(b.pod.length - 1)) % 97);
	let writes = 0;
	let next = 0;
	let podTurn = true;
	let current = targets[0];
	const t0 = performance.now();
	const write = (): void => {
		if (!current) {
			return;
		}
		const flip = (ready: string): string => (ready === 'True' ? 'False' : 'True');
		const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
		if (podTurn) {
			const pod = server.list('Pod', current.ns).find((p) => p.metadata?.name === current!.pod) as
				| (TypedObject & { status?: { conditions?: { type: string; status: string; lastTransitionTime?: string }[] } })
				| undefined;
			if (pod?.status?.conditions) {
				const copy = structuredClone(pod);
				for (const c of copy.status!.conditions!) {
					if (c.type === 'Ready' || c.type === 'ContainersReady') {
						c.status = flip(c.status);
						c.lastTransitionTime = now;
					}
				}
				server.update(copy);
				writes++;
			}
		} else {
			const slice = server.list('EndpointSlice', current.ns).find((s) => s.metadata?.name === current!.slice) as
				| (TypedObject & { endpoints?: { targetRef?: { name?: string }; conditions?: { ready?: boolean; serving?: boolean } }[] })
				| undefined;
			const ep = slice?.endpoints?.find((e) => e.targetRef?.name === current!.pod);
			if (slice && ep) {
				const copy = structuredClone(slice);
				const c = copy.endpoints!.find((e) => e.targetRef?.name === current!.pod)!;
				const ready = !(c.conditions?.ready ?? true);
				c.conditions = { ...c.conditions, ready, serving: ready };
				server.update(copy);
				writes++;
			}
			next = (next + 1) % targets.length;
			current = targets[next];
		}
		podTurn = !podTurn;
	};
	// A timer every 10 ms writes what is due, so the rate holds even when a tick comes late.
	const timer = setInterval(() => {
		const due = Math.floor(((performance.now() - t0) / 1000) * perSecond);
		for (let i = 0; writes < due && i < perSecond; i++) {
			write();
		}
	}, 10);
	return {
		stop() {
			clearInterval(timer);
			return writes;
		},
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
		server = await startTestApiServer({ objects: cluster.objects, historySize: 20_000 });
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
	const { server, info, dispose } = await startLargeServer();
	let stream: EventStream | undefined;
	process.on('message', (m: { type?: string; perSecond?: number }) => {
		if (m.type === 'start-events' && !stream) {
			stream = startEventStream(server, m.perSecond ?? 100);
			send({ type: 'events-started' });
		} else if (m.type === 'stop-events') {
			const writes = stream?.stop() ?? 0;
			stream = undefined;
			send({ type: 'events-stopped', writes });
		}
	});
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
