import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { predictWorkspace } from '../../src/core/analysis/predict';
import { buildWorkspaceModel } from '../../src/core/manifests/workspace';
import { WorkspaceIndex } from '../../src/core/manifests/workspaceIndex';
import { fixture } from '../fixtures/hover/caret';

const service = (name: string, selector: string, namespace = 'default') => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  selector:
    app: ${selector}
  ports:
    - port: 80
      targetPort: 8080
`;

const deployment = (name: string, replicas: number, namespace = 'default', app = name) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: ${app}
  template:
    metadata:
      labels:
        app: ${app}
    spec:
      containers:
        - name: app
          image: app:1
          ports:
            - containerPort: 8080
`;

const endpointCount = (index: WorkspaceIndex, namespace: string, name: string) =>
	(index.predict(namespace, name)?.endpointSlices ?? []).reduce((n, s) => n + (s.endpoints?.length ?? 0), 0);

describe('WorkspaceIndex: files', () => {
	it('parses a file once per version, and not again when the text is unchanged', () => {
		const index = new WorkspaceIndex();
		index.setFile('/ws/a.yaml', service('web', 'web'), 1);
		const g1 = index.generation;
		assert.equal(index.stats.parses, 1);
		index.setFile('/ws/a.yaml', 'this text is ignored: the version is the same', 1);
		assert.equal(index.stats.parses, 1, 'same (path, version): no parse');
		assert.equal(index.generation, g1);
		assert.equal(index.manifests('/ws/a.yaml')[0]?.name, 'web');
		index.setFile('/ws/a.yaml', service('web', 'web'), 2);
		assert.equal(index.stats.parses, 1, 'same text under a new version: no parse');
		assert.equal(index.generation, g1);
		index.setFile('/ws/a.yaml', service('web2', 'web'), 3);
		assert.equal(index.stats.parses, 2);
		assert.ok(index.generation > g1);
		assert.equal(index.manifests('/ws/a.yaml')[0]?.name, 'web2');
	});

	it('lists files sorted; deleteFile forgets a file and its objects', () => {
		const index = new WorkspaceIndex();
		index.setFile('/ws/b.yaml', deployment('web', 2));
		index.setFile('/ws/a.yaml', service('web', 'web'));
		assert.deepEqual(index.files(), ['/ws/a.yaml', '/ws/b.yaml']);
		assert.equal(endpointCount(index, 'default', 'web'), 2);
		const g = index.generation;
		index.deleteFile('/ws/b.yaml');
		assert.ok(index.generation > g);
		assert.equal(index.hasFile('/ws/b.yaml'), false);
		assert.deepEqual(index.files(), ['/ws/a.yaml']);
		assert.equal(index.pods('default').length, 0);
		assert.equal(endpointCount(index, 'default', 'web'), 0);
		index.deleteFile('/ws/b.yaml');
		assert.equal(index.generation, g + 1, 'deleting an unknown file changes nothing');
	});

	it('files above maxFileBytes are not parsed: one info diagnostic says so', () => {
		const index = new WorkspaceIndex({ maxFileBytes: 100 });
		const text = service('big', 'big');
		assert.ok(text.length > 100);
		index.setFile('/ws/big.yaml', text);
		assert.deepEqual(index.manifests('/ws/big.yaml'), []);
		const diags = index.fileDiagnostics('/ws/big.yaml');
		assert.equal(diags.length, 1);
		assert.equal(diags[0]!.severity, 'info');
		// The size, the limit and the setting that raises it.
		assert.equal(
			diags[0]!.message,
			`This file is ${text.length} bytes, over the 100 bytes limit (setting endpointLens.manifests.maxFileSizeKB): not read by Endpoint Lens.`,
		);
		assert.deepEqual(diags[0]!.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
		// Raising the limit reads it.
		index.updateOptions({ maxFileBytes: 10_000 });
		assert.equal(index.manifests('/ws/big.yaml')[0]?.name, 'big');
		assert.deepEqual(index.fileDiagnostics('/ws/big.yaml'), []);
	});

	it('counts UTF-8 bytes, not characters, against maxFileBytes', () => {
		const index = new WorkspaceIndex({ maxFileBytes: 400 });
		const text = `${service('u', 'u')}# ${'é'.repeat(150)}\n`; // < 400 characters, > 400 bytes
		assert.ok(text.length < 400);
		index.setFile('/ws/u.yaml', text);
		assert.deepEqual(index.manifests('/ws/u.yaml'), []);
	});
});

describe('WorkspaceIndex: objects across files', () => {
	it('a later file (sorted paths) wins over an earlier definition, and both sides are told', () => {
		const index = new WorkspaceIndex();
		index.setFile('/ws/b.yaml', deployment('web', 1));
		index.setFile('/ws/a.yaml', deployment('web', 4));
		assert.equal(index.pods('default').length, 1, 'b.yaml applies after a.yaml');
		const later = index.fileDiagnostics('/ws/b.yaml').filter((d) => d.code === 'duplicate-object');
		assert.equal(later.length, 1);
		assert.equal(later[0]!.severity, 'warning');
		assert.match(later[0]!.message, /also defined in \/ws\/a\.yaml:1; this later definition wins/);
		assert.equal(later[0]!.range?.start.line, 3, 'on metadata.name');
		const earlier = index.fileDiagnostics('/ws/a.yaml').filter((d) => d.code === 'duplicate-object');
		assert.equal(earlier.length, 1);
		assert.match(earlier[0]!.message, /defined again in \/ws\/b\.yaml:1/);
		index.deleteFile('/ws/b.yaml');
		assert.equal(index.pods('default').length, 4, 'the earlier definition is back');
		assert.deepEqual(index.fileDiagnostics('/ws/a.yaml').filter((d) => d.code === 'duplicate-object'), []);
	});

	it('agrees with buildWorkspaceModel on the examples: pods, names and slices', () => {
		const files = readdirSync('examples')
			.filter((f) => f.endsWith('.yaml'))
			.sort()
			.map((f) => ({ path: `examples/${f}`, text: readFileSync(`examples/${f}`, 'utf8') }));
		const model = buildWorkspaceModel(files);
		const index = new WorkspaceIndex();
		for (const f of files) {
			index.setFile(f.path, f.text);
		}
		const podNames = (pods: readonly { metadata?: { name?: string } }[]) => pods.map((p) => p.metadata?.name).sort();
		assert.deepEqual(podNames(index.pods('default')), podNames(model.pods));
		for (const p of predictWorkspace(model)) {
			const q = index.predict(p.namespace, p.name);
			assert.ok(q, `${p.name} predicted`);
			assert.equal(q.source, p.source);
			assert.deepEqual(
				q.endpointSlices.map((s) => [s.metadata?.name, s.addressType, s.endpoints?.length, s.ports]),
				p.endpointSlices.map((s) => [s.metadata?.name, s.addressType, s.endpoints?.length, s.ports]),
				p.name,
			);
			// Hash-seeded addresses match (no collisions in the examples).
			assert.deepEqual(
				q.endpointSlices.flatMap((s) => (s.endpoints ?? []).flatMap((e) => e.addresses)),
				p.endpointSlices.flatMap((s) => (s.endpoints ?? []).flatMap((e) => e.addresses)),
			);
		}
	});

	it('the workloads a Service selects', () => {
		const index = new WorkspaceIndex();
		index.setFile('/ws/a.yaml', `${service('web', 'web')}---\n${deployment('web', 1)}---\n${deployment('api', 1)}`);
		assert.deepEqual(
			index.workloadsSelectedBy('default', 'web').map((w) => w.name),
			['web'],
		);
		assert.deepEqual(index.workloadsSelectedBy('default', 'nope'), []);
	});

	it('knows where each pod comes from', () => {
		const index = new WorkspaceIndex();
		const f = fixture('cross/b-workloads.yaml');
		index.setFile(f.path, f.text);
		const pods = index.pods('shop');
		assert.equal(pods.length, 2);
		assert.deepEqual(index.podOrigin(pods[1]!), {
			kind: 'workload',
			workloadKind: 'Deployment',
			workloadName: 'backend',
			replica: 2,
			replicas: 2,
			file: f.path,
			line: 0,
		});
		assert.equal(index.podOrigin({ metadata: { name: 'stranger' } }), undefined);
	});

	it('the files\' Nodes replace the synthetic ones, and re-schedule the pods', () => {
		const index = new WorkspaceIndex();
		index.setFile('/ws/app.yaml', deployment('web', 2));
		assert.equal(index.syntheticNodes, true);
		assert.deepEqual(
			[...new Set(index.pods('default').map((p) => p.spec?.nodeName))].every((n) => /^node-\d$/.test(n ?? '')),
			true,
		);
		const expansions = index.stats.expansions;
		index.setFile('/ws/nodes.yaml', 'apiVersion: v1\nkind: Node\nmetadata:\n  name: only-node\n');
		assert.equal(index.syntheticNodes, false);
		assert.deepEqual(
			index.pods('default').map((p) => p.spec?.nodeName),
			['only-node', 'only-node'],
		);
		assert.equal(index.stats.expansions, expansions + 1, 'a Node change re-expands the workloads');
	});
});

describe('WorkspaceIndex: incremental predictions', () => {
	it('a workload change in another file changes a Service\'s prediction', () => {
		const index = new WorkspaceIndex();
		const a = fixture('cross/a-services.yaml');
		const b = fixture('cross/b-workloads.yaml');
		index.setFile(a.path, a.text, 1);
		index.setFile(b.path, b.text, 1);
		assert.equal(endpointCount(index, 'shop', 'backend'), 2);
		index.setFile(b.path, b.text.replace('replicas: 2', 'replicas: 5'), 2);
		assert.equal(endpointCount(index, 'shop', 'backend'), 5);
	});

	it('caches predictions until their namespace changes; other namespaces keep theirs', () => {
		const index = new WorkspaceIndex();
		index.setFile('/ws/a.yaml', `${service('web', 'web', 'a')}---\n${deployment('web', 2, 'a')}`);
		index.setFile('/ws/b.yaml', `${service('web', 'web', 'b')}---\n${deployment('web', 3, 'b')}`);
		assert.equal(endpointCount(index, 'a', 'web'), 2);
		assert.equal(endpointCount(index, 'b', 'web'), 3);
		const n = index.stats.predictions;
		index.predict('a', 'web');
		index.predict('b', 'web');
		assert.equal(index.stats.predictions, n, 'cached');
		index.setFile('/ws/b.yaml', `${service('web', 'web', 'b')}---\n${deployment('web', 1, 'b')}`);
		index.predict('a', 'web');
		assert.equal(index.stats.predictions, n, 'namespace a did not change');
		assert.equal(endpointCount(index, 'b', 'web'), 1);
		assert.equal(index.stats.predictions, n + 1);
	});

	it('warm() expands every namespace now; later questions expand nothing', () => {
		const index = new WorkspaceIndex();
		index.setFile('/ws/a.yaml', `${deployment('web', 2, 'a')}---\n${deployment('web', 1, 'b')}`);
		assert.equal(index.stats.expansions, 0, 'lazy');
		index.warm();
		assert.equal(index.stats.expansions, 2);
		assert.equal(index.pods('a').length + index.pods('b').length, 3);
		assert.equal(index.stats.expansions, 2);
	});

	it('expands a workload once, until its file changes', () => {
		const index = new WorkspaceIndex();
		index.setFile('/ws/a.yaml', deployment('web', 2));
		index.setFile('/ws/b.yaml', service('web', 'web'));
		index.pods('default');
		const e = index.stats.expansions;
		index.setFile('/ws/b.yaml', service('web', 'other'));
		index.pods('default');
		assert.equal(index.stats.expansions, e, 'the Service changed, not the Deployment');
		index.setFile('/ws/a.yaml', deployment('web', 3));
		assert.equal(index.pods('default').length, 3);
		assert.equal(index.stats.expansions, e + 1);
	});

	it('updateOptions: maxEndpointsPerSlice re-predicts; an identical update changes nothing', () => {
		const index = new WorkspaceIndex();
		index.setFile('/ws/a.yaml', `${service('web', 'web')}---\n${deployment('web', 5)}`);
		assert.equal(index.predict('default', 'web')?.endpointSlices.length, 1);
		const g = index.generation;
		index.updateOptions({ maxEndpointsPerSlice: 2 });
		assert.ok(index.generation > g);
		assert.deepEqual(
			index.predict('default', 'web')?.endpointSlices.map((s) => s.endpoints?.length),
			[2, 2, 1],
		);
		const g2 = index.generation;
		index.updateOptions({ maxEndpointsPerSlice: 2 });
		assert.equal(index.generation, g2);
	});

	it('updateOptions: a new default namespace reparses and moves objects', () => {
		const index = new WorkspaceIndex();
		index.setFile('/ws/a.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  ports:\n    - port: 80\n');
		assert.deepEqual(index.namespaces(), ['default']);
		index.updateOptions({ defaultNamespace: 'team' });
		assert.deepEqual(index.namespaces(), ['team']);
		assert.equal(index.find('Service', 'team', 'x')?.name, 'x');
		assert.equal(index.find('Service', 'default', 'x'), undefined);
	});

	it('a Service the API server would reject is reported, and not predicted', () => {
		const index = new WorkspaceIndex({ profile: { dualStack: false } });
		index.setFile(
			'/ws/a.yaml',
			'apiVersion: v1\nkind: Service\nmetadata:\n  name: ds\nspec:\n  ipFamilyPolicy: RequireDualStack\n  selector:\n    app: ds\n  ports:\n    - port: 80\n',
		);
		assert.equal(index.predict('default', 'ds'), undefined);
		const d = index.fileDiagnostics('/ws/a.yaml').find((x) => x.code === 'invalid-value');
		assert.ok(d);
		assert.equal(d.severity, 'error');
		assert.equal(d.range?.start.line, 5, 'on spec.ipFamilyPolicy');
	});

	it('displayPath is relative to the directory every file shares', () => {
		const index = new WorkspaceIndex();
		index.setFile('/repo/k8s/base/a.yaml', service('a', 'a'));
		assert.equal(index.displayPath('/repo/k8s/base/a.yaml'), 'a.yaml');
		index.setFile('/repo/k8s/overlay/b.yaml', service('b', 'b'));
		assert.equal(index.displayPath('/repo/k8s/base/a.yaml'), 'base/a.yaml');
	});
});
