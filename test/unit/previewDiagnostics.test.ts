import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeDiagnostics } from '../../src/core/hover/preview';
import type { PreviewContext } from '../../src/core/hover/types';
import type { ManifestDiagnostic } from '../../src/core/manifests/parse';
import { WorkspaceIndex } from '../../src/core/manifests/workspaceIndex';
import { fixture } from '../fixtures/hover/caret';

function diagnosticsOf(names: string[], file: string): ManifestDiagnostic[] {
	const index = new WorkspaceIndex();
	for (const name of names) {
		const f = fixture(name);
		index.setFile(f.path, f.text, 1);
	}
	const f = fixture(file);
	return computeDiagnostics({ index }, { path: f.path, text: f.text, version: 1 });
}

const brief = (d: ManifestDiagnostic) =>
	`${d.severity} ${d.code} ${d.range!.start.line}:${d.range!.start.character}-${d.range!.end.line}:${d.range!.end.character}`;

describe('computeDiagnostics: everything about one file, each with a range', () => {
	const shop = diagnosticsOf(['shop.yaml'], 'shop.yaml');

	it('parse errors of the broken document, and the findings of both Services', () => {
		assert.deepEqual(shop.map(brief), [
			'error yaml-syntax 53:0-53:0',
			'error yaml-syntax 53:0-53:0',
			'error protocol-mismatch 47:6-47:23',
			'warning no-matching-pods 59:2-60:25',
		]);
		assert.ok(shop.every((d) => d.file === 'test/fixtures/hover/shop.yaml' && d.range));
		const mismatch = shop.find((d) => d.code === 'protocol-mismatch')!;
		assert.equal(mismatch.path, 'spec.ports[1].targetPort');
		assert.equal(mismatch.name, 'web');
	});

	it('lint findings of each manifest', () => {
		const index = new WorkspaceIndex();
		const text =
			'apiVersion: v1\nkind: Service\nmetadata:\n  name: typo\nspec:\n  publishNotReadyEndpoints: true\n  selector: {app: typo}\n  ports: [{port: 80}]\n';
		const diags = computeDiagnostics({ index }, { path: '/ws/typo.yaml', text });
		const unknown = diags.find((d) => d.code === 'unknown-field');
		assert.ok(unknown, diags.map(brief).join());
		assert.equal(unknown.range?.start.line, 5);
		assert.match(unknown.message, /publishNotReadyAddresses/);
	});

	it('duplicates across files, on both definitions', () => {
		const index = new WorkspaceIndex();
		const text = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: dup\nspec:\n  selector: {app: dup}\n  ports: [{port: 80}]\n';
		index.setFile('/ws/b.yaml', text);
		const earlier = computeDiagnostics({ index }, { path: '/ws/a.yaml', text });
		const later = computeDiagnostics({ index }, { path: '/ws/b.yaml', text });
		assert.deepEqual(
			earlier.filter((d) => d.code === 'duplicate-object').map((d) => [d.severity, d.range?.start.line]),
			[['info', 3]],
		);
		assert.deepEqual(
			later.filter((d) => d.code === 'duplicate-object').map((d) => [d.severity, d.range?.start.line]),
			[['warning', 3]],
		);
		assert.equal(earlier.filter((d) => d.code === 'no-matching-pods').length, 0, 'the overridden Service has no findings');
		assert.equal(later.filter((d) => d.code === 'no-matching-pods').length, 1);
	});

	it('expansion problems of workloads (a bad simulate annotation)', () => {
		const index = new WorkspaceIndex();
		const text =
			'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: sim\n  annotations:\n    endpointlens.io/simulate: "ready=two"\nspec:\n  selector: {matchLabels: {app: sim}}\n  template:\n    metadata: {labels: {app: sim}}\n    spec: {containers: [{name: c, image: c}]}\n';
		const diags = computeDiagnostics({ index }, { path: '/ws/sim.yaml', text });
		const d = diags.find((x) => x.code === 'simulate-annotation');
		assert.ok(d, diags.map(brief).join());
		assert.equal(d.range?.start.line, 5);
	});

	it('a file over the size limit: one info diagnostic', () => {
		const index = new WorkspaceIndex({ maxFileBytes: 10 });
		const f = fixture('shop.yaml');
		const diags = computeDiagnostics({ index }, { path: f.path, text: f.text });
		assert.deepEqual(diags.map(brief), ['info file-too-large 0:0-0:0']);
	});

	it('Helm-rendered and CRLF files are clean', () => {
		assert.deepEqual(diagnosticsOf(['helm-rendered.yaml'], 'helm-rendered.yaml').map(brief), []);
		assert.deepEqual(diagnosticsOf(['crlf.yaml'], 'crlf.yaml').map(brief), []);
	});

	it('named targetPorts: only in an init container, found with another protocol', () => {
		const diags = diagnosticsOf(['workloads.yaml'], 'workloads.yaml');
		const codes = diags.map((d) => `${d.code} ${d.name}`);
		assert.ok(codes.includes('protocol-mismatch node-dns') || codes.includes('target-port-unresolved node-dns'), codes.join());
		assert.ok(codes.includes('target-port-unresolved shell'), codes.join());
		assert.ok(diags.every((d) => d.range), 'every diagnostic has a range');
	});
});

describe('computeDiagnostics follows other files', () => {
	it('a Service\'s findings change when a workload in another file changes', () => {
		const index = new WorkspaceIndex();
		const ctx: PreviewContext = { index };
		const a = fixture('cross/a-services.yaml');
		const b = fixture('cross/b-workloads.yaml');
		const docA = { path: a.path, text: a.text, version: 1 };
		const codes = () => computeDiagnostics(ctx, docA).map((d) => d.code);
		assert.deepEqual(codes(), ['no-matching-pods']);
		index.setFile(b.path, b.text, 1);
		assert.deepEqual(codes(), []);
		index.setFile(b.path, b.text.replace('name: http', 'name: web'), 2);
		assert.deepEqual(codes(), ['target-port-unresolved']);
		const d = computeDiagnostics(ctx, docA)[0]!;
		assert.equal(d.range?.start.line, 12, 'on the targetPort');
		index.deleteFile(b.path);
		assert.deepEqual(codes(), ['no-matching-pods']);
	});
});
