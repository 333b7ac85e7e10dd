/**
 * Bad manifest files (issue 7): binary files named .yaml, bytes that are not UTF-8, control characters, UTF-16 as
 * PowerShell writes it, files over the size limit, and many documents. Each gets one clear diagnostic where it applies
 * (not a cascade of YAML errors), and the other files and documents are still read: in the reader, in the workspace
 * index (what the editor's diagnostics and the playground's file problems show), and through the real CLI.
 * Large inputs are generated in a temporary directory; nothing here is timed (speed is for benchmarks).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { previewFiles } from '../../src/cli/preview';
import { computeDiagnostics } from '../../src/core/hover/preview';
import { binaryContent, decodeManifestBytes, formatBytes, tooLargeReason, utf8Length } from '../../src/core/manifests/fileText';
import { parseManifests } from '../../src/core/manifests/parse';
import { WorkspaceIndex } from '../../src/core/manifests/workspaceIndex';
import { prepareCli, runCli } from './support/cli';

const service = (name: string, namespace = 'default') =>
	`apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\nspec:\n  selector: {app: ${name}}\n  ports: [{port: 80, targetPort: http}]\n`;
const deployment = (name: string, namespace = 'default') =>
	`apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata: {labels: {app: ${name}}}\n    spec:\n      containers:\n      - name: c\n        image: nginx\n        ports: [{name: http, containerPort: 8080}]\n`;

/** The first bytes of a PNG file: signature, then the IHDR chunk (with NUL bytes in its length). */
const png = Buffer.from([
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x01, 0x00,
	0x00, 0x00, 0x01, 0x00, 0x08, 0x06, 0x00, 0x00, 0x00, 0x5c, 0x72, 0xa8, 0x66,
]);

describe('binary and badly encoded files', () => {
	it('a PNG renamed .yaml: one "binary file, not YAML" error, no YAML errors', () => {
		const r = parseManifests(decodeManifestBytes(png), '/ws/logo.yaml');
		assert.deepEqual(r.manifests, []);
		assert.deepEqual(
			r.diagnostics.map((d) => [d.severity, d.code, d.line, d.column]),
			[['error', 'binary-file', 1, 1]],
		);
		// The signature's \r\n and \n end lines 1 and 2; the IHDR length starts with NUL bytes.
		assert.equal(r.diagnostics[0]!.message, 'binary file, not YAML (a NUL byte on line 3): Endpoint Lens reads text manifests only');
	});

	it('a manifest with one NUL byte is binary too (kubectl would not read it), one diagnostic', () => {
		const r = parseManifests(`${service('web')}---\n${service('api').replace('name: api', 'name: a\u0000pi')}`, '/ws/nul.yaml');
		assert.deepEqual(r.diagnostics.map((d) => d.code), ['binary-file']);
		assert.match(r.diagnostics[0]!.message, /NUL byte on line 13/);
	});

	it('random bytes without NUL: binary by their share of control and non-UTF-8 characters', () => {
		const bytes = Buffer.from(Array.from({ length: 4000 }, (_, i) => 0x80 + ((i * 37) % 0x7f)));
		const text = decodeManifestBytes(bytes);
		assert.ok(!text.includes('\u0000'));
		assert.ok(binaryContent(text));
		assert.deepEqual(parseManifests(text, '/ws/noise.yaml').diagnostics.map((d) => d.code), ['binary-file']);
		// Text with the odd replacement character is not binary.
		assert.equal(binaryContent(`${service('web')}# caf\uFFFD\n`), undefined);
	});

	it('a stray control character: an error where it is, and the file is still read', () => {
		const text = `${service('web')}---\n${service('api')}# a bell\u0007\n`;
		const r = parseManifests(text, '/ws/bell.yaml');
		assert.deepEqual(r.manifests.map((m) => m.name), ['web', 'api']);
		const bell = r.diagnostics.filter((d) => d.code === 'control-character');
		assert.equal(bell.length, 1);
		assert.equal(bell[0]!.message, 'control character U+0007 is not allowed in YAML (kubectl rejects the file): remove it');
		assert.deepEqual([bell[0]!.line, bell[0]!.column], [18, 9]);
	});

	it('Latin-1 bytes in a UTF-8 file: a warning at the replacement character, the manifest still read', () => {
		const bytes = Buffer.concat([Buffer.from(service('web')), Buffer.from([0x23, 0x20, 0x63, 0x61, 0x66, 0xe9, 0x0a])]); // "# café" in Latin-1
		const r = parseManifests(decodeManifestBytes(bytes), '/ws/latin1.yaml');
		assert.deepEqual(r.manifests.map((m) => m.name), ['web']);
		assert.deepEqual(r.diagnostics.map((d) => [d.severity, d.code, d.line, d.column]), [['warning', 'not-utf8', 9, 6]]);
		assert.match(r.diagnostics[0]!.message, /U\+FFFD.*save the file as UTF-8/);
	});

	it('UTF-16 with a byte-order mark (PowerShell’s `>`) and UTF-8 with one are read like kubectl reads them', () => {
		const text = service('web');
		const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
		const be = Buffer.from(le);
		be.swap16();
		const bom8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
		for (const bytes of [le, be, bom8]) {
			assert.equal(decodeManifestBytes(bytes), text);
			const r = parseManifests(decodeManifestBytes(bytes), '/ws/utf16.yaml');
			assert.deepEqual(r.diagnostics, []);
			assert.deepEqual(r.manifests.map((m) => m.name), ['web']);
		}
	});

	it('the editor’s diagnostics for a binary document: the one error, and the other files still predict', () => {
		const index = new WorkspaceIndex();
		index.setFile('/ws/web.yaml', `${service('web')}---\n${deployment('web')}`, 1);
		const diags = computeDiagnostics({ index }, { path: '/ws/logo.yaml', text: decodeManifestBytes(png), version: 1 });
		assert.deepEqual(diags.map((d) => d.code), ['binary-file']);
		assert.equal(index.predict('default', 'web')?.endpointSlices[0]?.endpoints?.length, 2);
	});
});

describe('size limits', () => {
	it('sizes and the too-large sentence name the size, the limit and the setting', () => {
		assert.equal(formatBytes(812), '812 bytes');
		assert.equal(formatBytes(52_428_800), '50.0 MB');
		assert.equal(
			tooLargeReason(52_428_800, 2048 * 1024),
			'50.0 MB, over the 2048 KB limit (setting endpointLens.manifests.maxFileSizeKB): not read',
		);
		assert.equal(utf8Length('aé€😀'), 1 + 2 + 3 + 4);
	});

	it('a 50 MB file in the workspace index: not parsed, one info diagnostic with its size, the others still read', () => {
		const index = new WorkspaceIndex();
		const unit = `${service('big')}---\n`;
		const huge = unit.repeat(Math.ceil((50 * 1024 * 1024) / unit.length));
		index.setFile('/ws/huge.yaml', huge, 1);
		index.setFile('/ws/web.yaml', `${service('web')}---\n${deployment('web')}`, 1);
		assert.deepEqual(index.manifests('/ws/huge.yaml'), []);
		const diags = index.fileDiagnostics('/ws/huge.yaml');
		assert.equal(diags.length, 1);
		assert.equal(diags[0]!.code, 'file-too-large');
		assert.equal(
			diags[0]!.message,
			`This file is ${formatBytes(huge.length)}, over the 2048 KB limit (setting endpointLens.manifests.maxFileSizeKB): not read by Endpoint Lens.`,
		);
		assert.equal(index.predict('default', 'web')?.endpointSlices[0]?.endpoints?.length, 2);
	});
});

describe('many documents', () => {
	it('10,000 documents (5,000 Services and their Deployments in 50 namespaces): every Service previewed', () => {
		const docs: string[] = [];
		for (let i = 0; i < 5000; i++) {
			docs.push(service(`s${i}`, `ns${i % 50}`), deployment(`s${i}`, `ns${i % 50}`));
		}
		const result = previewFiles([{ path: '/ws/many.yaml', text: docs.join('---\n') }]);
		assert.deepEqual(result.diagnostics, []);
		assert.equal(result.services.length, 5000);
		for (const s of [result.services[0]!, result.services[4999]!]) {
			assert.equal(s.endpointSlices.length, 1);
			assert.equal(s.endpointSlices[0]!.endpoints?.length, 2, `${s.namespace}/${s.name} selects its own two pods only`);
		}
	});
});

describe('more pods than the pod CIDR holds', () => {
	it('replicas: 200000 gives one allocation warning that counts the pods, not 130,000 warnings (or a stack overflow)', () => {
		const text = deployment('wide').replace('replicas: 2', 'replicas: 200000');
		const result = previewFiles([{ path: '/ws/wide.yaml', text }]);
		assert.equal(result.diagnostics.length, 1, result.diagnostics.slice(0, 3).map((d) => d.message).join('\n'));
		assert.equal(result.diagnostics[0]!.severity, 'warning');
		assert.match(result.diagnostics[0]!.message, /^no free IPv4 pod IP for wide-\S+ and \d{5,} more pods \(pod CIDR 10\.244\.0\.0\/16\)$/);
	});
});

describe('the CLI on bad files', () => {
	let dir: string;

	before(async () => {
		await prepareCli();
		dir = mkdtempSync(join(tmpdir(), 'endpoint-lens-bad-files-'));
	});

	after(() => {
		rmSync(dir, { recursive: true, force: true });
	});

	it('a PNG named .yaml next to a good file: one line for the PNG, the good file previewed, exit 1', () => {
		const logo = join(dir, 'logo.yaml');
		writeFileSync(logo, png);
		const good = join(dir, 'web.yaml');
		writeFileSync(good, `${service('web')}---\n${deployment('web')}`);
		const r = runCli(['preview', logo, good]);
		assert.equal(r.status, 1);
		assert.equal(r.stderr, '');
		const lines = r.stdout.split('\n');
		assert.equal(lines[0], `${logo}:1: error: binary file, not YAML (a NUL byte on line 3): Endpoint Lens reads text manifests only`);
		assert.equal(lines.filter((l) => l.includes(logo)).length, 1, 'one line about the PNG, not a cascade');
		assert.match(r.stdout, /^Service default\/web \(ClusterIP\) — 2\/2 endpoints ready · 1 slice$/m);
	});

	it('a UTF-16 manifest previews; a directory is a usage error that says so', () => {
		const utf16 = join(dir, 'utf16.yaml');
		writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(service('web'), 'utf16le')]));
		const ok = runCli(['preview', utf16]);
		assert.equal(ok.status, 0, ok.stdout);
		assert.match(ok.stdout, /^Service default\/web /m);
		const sub = join(dir, 'a-directory.yaml');
		mkdirSync(sub);
		const bad = runCli(['preview', sub]);
		assert.equal(bad.status, 2);
		assert.equal(bad.stderr, `endpoint-lens: cannot read ${sub}: it is a directory\n`);
	});
});
