import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeCodeLenses } from '../../src/core/hover/preview';
import type { CodeLensModel, PreviewContext } from '../../src/core/hover/types';
import { WorkspaceIndex } from '../../src/core/manifests/workspaceIndex';
import { fixture } from '../fixtures/hover/caret';

function lensesOf(names: string[], file: string, options: ConstructorParameters<typeof WorkspaceIndex>[0] = {}): CodeLensModel[] {
	const index = new WorkspaceIndex(options);
	for (const name of names) {
		const f = fixture(name);
		index.setFile(f.path, f.text, 1);
	}
	const f = fixture(file);
	return computeCodeLenses({ index }, { path: f.path, text: f.text, version: 1 });
}

const titles = (lenses: CodeLensModel[]) =>
	lenses.filter((l) => l.command === 'summary').map((l) => `${l.range.start.line}: ${l.title}`);

describe('CodeLens above each Service', () => {
	const shop = lensesOf(['shop.yaml'], 'shop.yaml');

	it('slices and endpoints, or why there are none; on the Service\'s first line', () => {
		assert.deepEqual(titles(shop), ['34: → 1 slice · 3 endpoints (IPv4)', '54: → no endpoints: selector matches no pods']);
		for (const l of shop) {
			assert.deepEqual(l.range.start, l.range.end, 'an empty range at the start of the manifest');
		}
	});

	it('each Service gets its count, "Preview slices" and "Show flow" (no plan without a live view), aimed at the Service', () => {
		assert.deepEqual(
			shop.map((l) => [l.command, l.target.name]),
			[
				['summary', 'web'],
				['previewSlices', 'web'],
				['showFlow', 'web'],
				['summary', 'orphan'],
				['previewSlices', 'orphan'],
				['showFlow', 'orphan'],
			],
		);
		assert.equal(shop[1]!.title, 'Preview slices');
		assert.equal(shop[2]!.title, 'Show flow');
		assert.deepEqual(shop[0]!.target, { file: 'test/fixtures/hover/shop.yaml', namespace: 'default', name: 'web' });
		assert.match(shop[0]!.tooltip ?? '', /^Predicted — not applied\..* 3 ready\.$/);
	});

	it('no lens on other kinds', () => {
		assert.deepEqual(lensesOf(['cross/b-workloads.yaml'], 'cross/b-workloads.yaml'), []);
	});

	it('dual-stack, ExternalName, selector-less without Endpoints', () => {
		assert.deepEqual(titles(lensesOf(['edge-services.yaml'], 'edge-services.yaml')), [
			'0: → 2 slices · 2 endpoints (IPv4 + IPv6)',
			'30: ExternalName → CNAME payments.example.com',
			'38: → no endpoints: no selector and no Endpoints object',
		]);
	});

	it('selector-less with Endpoints (mirrored), with hand-written slices, and a Service with a selector', () => {
		assert.deepEqual(titles(lensesOf(['slices.yaml'], 'slices.yaml')), [
			'1: → 1 slice · 3 endpoints (IPv4), mirrored from Endpoints',
			'26: → no selector: 1 hand-written slice · 2 endpoints',
			'73: → no endpoints: selector matches no pods',
		]);
	});

	it('maxEndpointsPerSlice changes the slice count', () => {
		assert.deepEqual(titles(lensesOf(['shop.yaml'], 'shop.yaml', { maxEndpointsPerSlice: 1 }))[0], '34: → 3 slices · 3 endpoints (IPv4)');
	});

	it('an overridden definition, and one the API server would reject', () => {
		const index = new WorkspaceIndex({ profile: { dualStack: false } });
		const text = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: dup\nspec:\n  selector: {app: dup}\n  ports: [{port: 80}]\n';
		index.setFile('/ws/a.yaml', text);
		index.setFile('/ws/b.yaml', text);
		assert.equal(computeCodeLenses({ index }, { path: '/ws/a.yaml', text })[0]!.title, '→ overridden by b.yaml:1');
		const rejected = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: ds\nspec:\n  ipFamilyPolicy: RequireDualStack\n  ports: [{port: 80}]\n';
		const lens = computeCodeLenses({ index }, { path: '/ws/c.yaml', text: rejected })[0]!;
		assert.equal(lens.title, '→ not predicted: the API server would reject this Service');
		assert.match(lens.tooltip ?? '', /not configured for dual-stack/);
	});

	it('a workload change in file B changes the lens of a Service in file A', () => {
		const index = new WorkspaceIndex();
		const ctx: PreviewContext = { index };
		const a = fixture('cross/a-services.yaml');
		const b = fixture('cross/b-workloads.yaml');
		const docA = { path: a.path, text: a.text, version: 1 };
		index.setFile(a.path, a.text, 1);
		assert.equal(computeCodeLenses(ctx, docA)[0]!.title, '→ no endpoints: selector matches no pods');
		index.setFile(b.path, b.text, 1);
		assert.equal(computeCodeLenses(ctx, docA)[0]!.title, '→ 1 slice · 2 endpoints (IPv4)');
		index.setFile(b.path, b.text.replace('replicas: 2', 'replicas: 7'), 2);
		assert.equal(computeCodeLenses(ctx, docA)[0]!.title, '→ 1 slice · 7 endpoints (IPv4)');
		index.deleteFile(b.path);
		assert.equal(computeCodeLenses(ctx, docA)[0]!.title, '→ no endpoints: selector matches no pods');
	});
});
