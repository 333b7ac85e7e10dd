/**
 * A temporary directory for one test file: made before its tests, removed after them, with a writer that creates
 * parent folders.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before } from 'node:test';

export interface TempDir {
	/** The directory (valid once the file's tests run). */
	readonly path: string;
	/** Writes `text` to `name` under the directory; returns the file's path. */
	write(name: string, text: string): string;
}

export function tempDir(prefix: string): TempDir {
	let dir = '';
	before(() => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	});
	after(() => {
		fs.rmSync(dir, { recursive: true, force: true });
	});
	return {
		get path() {
			return dir;
		},
		write(name, text) {
			const p = path.join(dir, name);
			fs.mkdirSync(path.dirname(p), { recursive: true });
			fs.writeFileSync(p, text);
			return p;
		},
	};
}
