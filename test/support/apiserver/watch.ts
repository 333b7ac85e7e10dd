/**
 * Watch streams (`?watch=true`): a 200 response with chunked, newline-delimited JSON watch events, as
 * kube-apiserver writes them.
 *
 * - From resourceVersion unset or "0": a synthetic ADDED per current object, then every change (the real server's
 *   "get state and start at most recent"). With `sendInitialEvents=true` the initial events end with a BOOKMARK
 *   annotated `k8s.io/initial-events-end: "true"`.
 * - From resourceVersion N: the stored events after N, then every change; when N is older than the history window the
 *   stream carries one ERROR event with a 410 `Expired` Status and ends — what the watch cache does, and what
 *   client-node's ListWatch and client-go's reflector answer with a relist.
 * - Label and field selectors filter with transitions: an object that stops matching arrives as DELETED, one that
 *   starts matching as ADDED.
 * - `allowWatchBookmarks=true`: a BOOKMARK with the current resourceVersion every `bookmarkIntervalMs`.
 * - `timeoutSeconds`: the stream ends cleanly after that long.
 * - As a Table (`kubectl get -w`): each event's object is a one-row Table; only the first carries the column
 *   definitions, as the real server does to save bandwidth (kubectl reuses the last ones).
 */
import type { ServerResponse } from 'node:http';
import type { TypedObject } from '../../../src/core/k8s/types';
import type { ResourceKind } from '../../../src/core/store/types';
import type { ListOptions } from './query';
import { matchesOptions } from './query';
import { apiVersionOf, resourceOfKind } from './resources';
import type { ApiStore, StoredEvent } from './store';
import type { IncludeObject } from './tables';
import { toTable } from './tables';

/** One watch request, parsed. */
export interface WatchSpec {
	kind: ResourceKind;
	namespace?: string;
	opts: ListOptions;
	/** Set when the client asked for Tables: what each row carries. */
	table?: IncludeObject;
}

/** The open watch streams of a server. */
export class WatchHub {
	private readonly open = new Set<{ res: ServerResponse; stop: () => void }>();

	constructor(
		private readonly store: ApiStore,
		private readonly bookmarkIntervalMs: number,
		private readonly now: () => number,
	) {}

	/** How many watch streams are open. */
	get size(): number {
		return this.open.size;
	}

	/** Ends every open stream: cleanly (clients rewatch from their last resourceVersion) or by resetting the socket. */
	dropAll(abrupt = false): void {
		for (const w of [...this.open]) {
			w.stop();
			if (abrupt) {
				w.res.socket?.destroy();
			} else {
				w.res.end();
			}
		}
	}

	/** Serves one watch request on `res` (authorization already done). */
	serve(spec: WatchSpec, res: ServerResponse): void {
		const { kind, namespace, opts } = spec;
		const r = resourceOfKind(kind);
		res.writeHead(200, {
			'Content-Type': 'application/json',
			'Cache-Control': 'no-cache, private',
			'Transfer-Encoding': 'chunked',
		});
		res.flushHeaders();
		let first = true;
		const write = (type: string, object: TypedObject): void => {
			let payload: object = object;
			if (spec.table && type !== 'BOOKMARK' && type !== 'ERROR') {
				payload = toTable(kind, [object], { include: spec.table, now: this.now(), withColumns: first });
				first = false;
			}
			res.write(`${JSON.stringify({ type, object: payload })}\n`);
		};
		const inScope = (o: TypedObject | undefined): boolean =>
			!!o && (namespace === undefined || o.metadata?.namespace === namespace) && matchesOptions(o, opts);
		const deliver = (e: StoredEvent): void => {
			if (e.kind !== kind) {
				return;
			}
			const now = inScope(e.object);
			if (e.type === 'ADDED') {
				if (now) {
					write('ADDED', e.object);
				}
			} else if (e.type === 'DELETED') {
				if (inScope(e.previous)) {
					write('DELETED', e.object);
				}
			} else {
				const before = inScope(e.previous);
				if (before && now) {
					write('MODIFIED', e.object);
				} else if (now) {
					write('ADDED', e.object);
				} else if (before) {
					const gone = structuredClone(e.previous!);
					gone.metadata = { ...gone.metadata, resourceVersion: String(e.rv) };
					write('DELETED', gone);
				}
			}
		};

		const rvText = opts.resourceVersion ?? '';
		if (rvText !== '' && rvText !== '0') {
			const rv = Number(rvText);
			const events = Number.isInteger(rv) ? this.store.eventsSince(rv) : 'expired';
			if (events === 'expired') {
				write('ERROR', {
					kind: 'Status',
					apiVersion: 'v1',
					metadata: {},
					status: 'Failure',
					message: `too old resource version: ${rvText} (${this.store.oldestResumable})`,
					reason: 'Expired',
					code: 410,
				} as TypedObject);
				res.end();
				return;
			}
			events.forEach(deliver);
		} else {
			for (const o of this.store.list(kind, namespace)) {
				if (matchesOptions(o, opts)) {
					write('ADDED', o);
				}
			}
			if (opts.sendInitialEvents && opts.allowWatchBookmarks) {
				write('BOOKMARK', {
					kind,
					apiVersion: apiVersionOf(r),
					metadata: {
						resourceVersion: String(this.store.resourceVersion),
						annotations: { 'k8s.io/initial-events-end': 'true' },
					},
				});
			}
		}

		const unsubscribe = this.store.subscribe(deliver);
		const timers: NodeJS.Timeout[] = [];
		if (opts.allowWatchBookmarks && this.bookmarkIntervalMs > 0) {
			timers.push(
				setInterval(() => {
					write('BOOKMARK', {
						kind,
						apiVersion: apiVersionOf(r),
						metadata: { resourceVersion: String(this.store.resourceVersion) },
					});
				}, this.bookmarkIntervalMs),
			);
		}
		const entry = {
			res,
			stop: () => {
				unsubscribe();
				timers.forEach((t) => clearTimeout(t));
				this.open.delete(entry);
			},
		};
		if (opts.timeoutSeconds !== undefined && opts.timeoutSeconds > 0) {
			timers.push(
				setTimeout(() => {
					entry.stop();
					res.end();
				}, opts.timeoutSeconds * 1000),
			);
		}
		this.open.add(entry);
		res.on('close', entry.stop);
	}
}
