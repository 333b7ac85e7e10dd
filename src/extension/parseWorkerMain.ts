/**
 * The manifest parser on a worker thread (dist/parseWorker.js): large documents are parsed here so that the
 * extension host never waits on them. Messages are `ParseRequest` in, `ParseResponse` out (plain data, structured
 * clone).
 */
import { parentPort } from 'node:worker_threads';
import { parseManifests } from '../core/manifests/parse';
import type { ParseRequest, ParseResponse } from './parseWorker';

parentPort?.on('message', (request: ParseRequest) => {
	let response: ParseResponse;
	try {
		response = { id: request.id, result: parseManifests(request.text, request.path, { defaultNamespace: request.defaultNamespace }) };
	} catch (err) {
		response = { id: request.id, error: err instanceof Error ? err.message : String(err) };
	}
	parentPort?.postMessage(response);
});
