/**
 * Parses large manifests off the extension host's thread: one worker (dist/parseWorker.js, started on first use)
 * runs `parseManifests` and posts the result back. Small documents are cheaper to parse in place.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ManifestParseResult } from '../core/manifests/parse';

/** Documents larger than this (UTF-16 code units) are parsed on the worker. */
export const workerParseThreshold = 64 * 1024;

export interface ParseRequest {
	id: number;
	path: string;
	text: string;
	defaultNamespace: string;
}

export type ParseResponse = { id: number; result: ManifestParseResult } | { id: number; error: string };

export class ParseWorker {
	private worker: Worker | undefined;
	private next = 1;
	/** Documents parsed on the worker so far. */
	parsed = 0;
	private readonly pending = new Map<number, { resolve: (r: ManifestParseResult) => void; reject: (e: Error) => void }>();

	constructor(private readonly script = join(__dirname, 'parseWorker.js')) {}

	parse(path: string, text: string, defaultNamespace: string): Promise<ManifestParseResult> {
		const worker = this.start();
		const id = this.next++;
		return new Promise((resolve, reject) => {
			this.pending.set(id, { resolve, reject });
			worker.postMessage({ id, path, text, defaultNamespace } satisfies ParseRequest);
		});
	}

	private start(): Worker {
		if (!this.worker) {
			const worker = new Worker(this.script);
			worker.unref();
			worker.on('message', (response: ParseResponse) => {
				const p = this.pending.get(response.id);
				this.pending.delete(response.id);
				if ('result' in response) {
					this.parsed++;
					p?.resolve(response.result);
				} else {
					p?.reject(new Error(response.error));
				}
			});
			const fail = (err: Error) => {
				this.worker = undefined;
				for (const p of this.pending.values()) {
					p.reject(err);
				}
				this.pending.clear();
			};
			worker.on('error', fail);
			worker.on('exit', (code) => fail(new Error(`the parse worker exited (code ${code})`)));
			this.worker = worker;
		}
		return this.worker;
	}

	dispose(): void {
		const worker = this.worker;
		this.worker = undefined;
		void worker?.terminate();
	}
}
