/**
 * A bare HTTPS client for protocol tests of the test API server: one request with a chosen identity (token, client
 * certificate or none) and Accept header, and a watch reader that collects the newline-delimited events as they
 * arrive. Only node:https, so what the tests see is exactly what went over the socket.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:https';
import type { TestApiServer } from './server';

/** Who a request claims to be. */
export type Identity = { token: string } | { cert: true } | 'anonymous';

/** Options of {@link rawRequest}. */
export interface RawRequestOptions {
	method?: string;
	as?: Identity;
	accept?: string;
	body?: string;
}

/** A complete response. */
export interface RawResponse {
	status: number;
	headers: IncomingHttpHeaders;
	text: string;
	/** The body parsed as JSON (undefined when it is not JSON). */
	json: Record<string, unknown> | undefined;
}

function requestOptions(server: TestApiServer, path: string, o: RawRequestOptions): Parameters<typeof request>[1] {
	const as = o.as ?? { token: server.tokens.admin };
	const headers: Record<string, string> = { Accept: o.accept ?? 'application/json' };
	if (typeof as === 'object' && 'token' in as) {
		headers.Authorization = `Bearer ${as.token}`;
	}
	const url = new URL(path, server.url);
	return {
		host: url.hostname,
		port: url.port,
		path: url.pathname + url.search,
		method: o.method ?? 'GET',
		headers,
		ca: server.caPem,
		agent: false,
		...(typeof as === 'object' && 'cert' in as ? { cert: server.clientCert.cert, key: server.clientCert.key } : {}),
	};
}

/** One request, body read to the end. */
export function rawRequest(server: TestApiServer, path: string, o: RawRequestOptions = {}): Promise<RawResponse> {
	return new Promise((resolve, reject) => {
		const req = request(requestOptions(server, path, o), (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let json: Record<string, unknown> | undefined;
				try {
					json = JSON.parse(text) as Record<string, unknown>;
				} catch {
					json = undefined;
				}
				resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
			});
			res.on('error', reject);
		});
		req.on('error', reject);
		req.end(o.body);
	});
}

/** One watch event as received. */
export interface RawWatchEvent {
	type: string;
	object: Record<string, unknown> & { metadata?: { name?: string; resourceVersion?: string } };
}

/** An open watch stream. */
export interface RawWatch {
	status: number;
	headers: IncomingHttpHeaders;
	/** Every event so far, in order. */
	events: RawWatchEvent[];
	/** Resolves once `events` holds `n` events (rejects after `timeoutMs`). */
	waitFor(n: number, timeoutMs?: number): Promise<RawWatchEvent[]>;
	/** Resolves when the server ends the stream. */
	ended: Promise<void>;
	close(): void;
}

/** Opens a watch (`path` carries the query, `watch=true` included) and reads events as they arrive. */
export function rawWatch(server: TestApiServer, path: string, o: RawRequestOptions = {}): Promise<RawWatch> {
	return new Promise((resolve, reject) => {
		const req = request(requestOptions(server, path, o), (res) => {
			const events: RawWatchEvent[] = [];
			const waiters: (() => void)[] = [];
			let buffer = '';
			let endResolve: () => void = () => undefined;
			const ended = new Promise<void>((r) => (endResolve = r));
			res.setEncoding('utf8');
			res.on('data', (chunk: string) => {
				buffer += chunk;
				let nl: number;
				while ((nl = buffer.indexOf('\n')) >= 0) {
					const line = buffer.slice(0, nl).trim();
					buffer = buffer.slice(nl + 1);
					if (line) {
						events.push(JSON.parse(line) as RawWatchEvent);
					}
				}
				waiters.splice(0).forEach((w) => w());
			});
			res.on('end', () => endResolve());
			res.on('close', () => endResolve());
			res.on('error', () => endResolve());
			resolve({
				status: res.statusCode ?? 0,
				headers: res.headers,
				events,
				ended,
				waitFor(n, timeoutMs = 3000) {
					return new Promise((ok, fail) => {
						const timer = setTimeout(
							() =>
								fail(
									new Error(`timed out waiting for ${n} watch events; got ${JSON.stringify(events)}`),
								),
							timeoutMs,
						);
						const check = (): void => {
							if (events.length >= n) {
								clearTimeout(timer);
								ok(events.slice());
							} else {
								waiters.push(check);
							}
						};
						check();
					});
				},
				close: () => req.destroy(),
			});
		});
		req.on('error', reject);
		req.end();
	});
}
