import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { previewSlicesYaml } from '../../src/core/hover/preview';
import type { PreviewContext } from '../../src/core/hover/types';
import type { EndpointSlice, Endpoints } from '../../src/core/k8s/types';
import { WorkspaceIndex } from '../../src/core/manifests/workspaceIndex';
import { fixture } from '../fixtures/hover/caret';

function context(options: ConstructorParameters<typeof WorkspaceIndex>[0] = {}): PreviewContext {
	const index = new WorkspaceIndex(options);
	for (const name of ['shop.yaml', 'slices.yaml', 'edge-services.yaml']) {
		const f = fixture(name);
		index.setFile(f.path, f.text, 1);
	}
	return { index };
}

const documents = (yaml: string) => parseAllDocuments(yaml).map((d) => d.toJS() as EndpointSlice | Endpoints);
const header = (yaml: string) => yaml.split('\n').filter((l) => l.startsWith('#'));

describe('previewSlicesYaml: the full preview document', () => {
	const yaml = previewSlicesYaml(context({ maxEndpointsPerSlice: 2 }), { namespace: 'default', name: 'web' })!;

	it('a # header: a prediction, where the pods come from, the nodes, the findings', () => {
		const lines = header(yaml);
		assert.equal(lines[0], '# Endpoint Lens preview of Service default/web: PREDICTED — NOT APPLIED.');
		assert.ok(lines.includes('# Pods: 3 selected: 3 from Deployment web (shop.yaml:3).'), lines.join('\n'));
		assert.ok(lines.some((l) => l.startsWith('# Nodes: 3 synthetic Nodes (zones zone-a, zone-b, zone-c)')));
		assert.ok(lines.some((l) => l.includes('--max-endpoints-per-slice=2')));
		assert.ok(lines.some((l) => l.startsWith('# error: targetPort "stats"')), 'the findings');
		assert.ok(yaml.indexOf('\n---\n') > yaml.lastIndexOf('\n#'), 'the header comes first');
	});

	it('then the predicted EndpointSlices and the v1 Endpoints, as YAML documents', () => {
		const docs = documents(yaml);
		assert.deepEqual(
			docs.map((d) => [d.apiVersion, d.kind]),
			[
				['discovery.k8s.io/v1', 'EndpointSlice'],
				['discovery.k8s.io/v1', 'EndpointSlice'],
				['v1', 'Endpoints'],
			],
		);
		const slices = docs.slice(0, 2) as EndpointSlice[];
		assert.deepEqual(slices.map((s) => s.endpoints?.length), [2, 1]);
		assert.ok(slices.every((s) => s.metadata?.labels?.['kubernetes.io/service-name'] === 'web'));
		assert.deepEqual(slices[0]!.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
		assert.equal((docs[2] as Endpoints).subsets?.[0]?.addresses?.length, 3);
	});

	it('mirrored slices of a selector-less Service, and no Endpoints document (the user writes it)', () => {
		const mirrored = previewSlicesYaml(context(), { namespace: 'default', name: 'legacy-db' })!;
		assert.ok(header(mirrored).some((l) => l.startsWith('# No selector: the mirroring controller copies the Endpoints object of test/fixtures/hover/slices.yaml:11')));
		const docs = documents(mirrored);
		assert.deepEqual(docs.map((d) => d.kind), ['EndpointSlice']);
		assert.equal(docs[0]!.metadata?.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslicemirroring-controller.k8s.io');
	});

	it('ExternalName: the header only', () => {
		const text = previewSlicesYaml(context(), { namespace: 'default', name: 'payments' })!;
		assert.ok(header(text).includes('# ExternalName → CNAME payments.example.com: no controller creates EndpointSlices or Endpoints.'));
		assert.equal(text.includes('\n---\n'), false);
		assert.deepEqual(documents(text).filter((d) => d), []);
	});

	it('the definition asked for is overridden: the header says which one is shown', () => {
		const index = new WorkspaceIndex();
		const text = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: dup\nspec:\n  selector: {app: dup}\n  ports: [{port: 80}]\n';
		index.setFile('/ws/a.yaml', text);
		index.setFile('/ws/b.yaml', text);
		const yaml2 = previewSlicesYaml({ index }, { file: '/ws/a.yaml', namespace: 'default', name: 'dup' })!;
		assert.ok(header(yaml2).includes('# Defined in /ws/b.yaml:1 (the definition in /ws/a.yaml is overridden by this later one).'));
	});

	it('undefined for a Service the workspace does not define', () => {
		assert.equal(previewSlicesYaml(context(), { namespace: 'default', name: 'nope' }), undefined);
		assert.equal(previewSlicesYaml(context(), { namespace: 'other', name: 'web' }), undefined);
	});
});
