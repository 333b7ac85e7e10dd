import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { ManifestDiagnostic, ParsedManifest } from '../../src/core/manifests/parse';
import { manifestAt, parseManifests } from '../../src/core/manifests/parse';
import { formatPath } from '../../src/core/manifests/validate';

const fixture = (name: string) => readFileSync(`test/fixtures/manifests/${name}`, 'utf8');

/** [code, line, docIndex] of each diagnostic, for compact assertions. */
const brief = (ds: ManifestDiagnostic[]) => ds.map((d) => [d.code, d.line, d.docIndex]);

function only(text: string, file = 'x.yaml'): { m: ParsedManifest[]; d: ManifestDiagnostic[] } {
	const r = parseManifests(text, file);
	return { m: r.manifests, d: r.diagnostics };
}

const webYaml = `# leading comment
apiVersion: v1
kind: Service
metadata:
  name: web
  labels:
    app.kubernetes.io/name: web
spec:
  selector:
    app: web
  ports:
    - name: http
      port: 80
      targetPort: http
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: nginx
          ports:
            - name: http
              containerPort: 8080
`;

describe('parseManifests: objects and ranges', () => {
	const { m, d } = only(webYaml, 'web.yaml');
	it('reads every document with kind, apiVersion, namespace, name and docIndex', () => {
		assert.deepEqual(d, []);
		assert.deepEqual(
			m.map((x) => [x.kind, x.apiVersion, x.namespace, x.name, x.docIndex, x.file, x.supported]),
			[
				['Service', 'v1', 'default', 'web', 0, 'web.yaml', true],
				['Deployment', 'apps/v1', 'default', 'web', 1, 'web.yaml', true],
			],
		);
	});
	it('object ranges are 0-based, skip comments and separators, and end at the last character', () => {
		assert.deepEqual(m[0]!.range, { start: { line: 1, character: 0 }, end: { line: 13, character: 22 } });
		assert.deepEqual(m[1]!.range.start, { line: 15, character: 0 });
		assert.equal(m[1]!.range.end.line, 33);
	});
	it('key ranges cover the key and its value', () => {
		const k = m[0]!.keyRanges;
		assert.deepEqual(k['metadata.name'], { start: { line: 4, character: 2 }, end: { line: 4, character: 11 } });
		assert.deepEqual(k['spec.selector'], { start: { line: 8, character: 2 }, end: { line: 9, character: 12 } });
		assert.deepEqual(k['spec.ports[0]'], { start: { line: 11, character: 6 }, end: { line: 13, character: 22 } });
		assert.deepEqual(k['spec.ports[0].targetPort'], {
			start: { line: 13, character: 6 },
			end: { line: 13, character: 22 },
		});
		assert.deepEqual(k['metadata.labels["app.kubernetes.io/name"]']?.start, { line: 6, character: 4 });
	});
	it('workload template labels and container ports have ranges too', () => {
		const k = m[1]!.keyRanges;
		assert.equal(k['spec.template.metadata.labels']?.start.line, 26);
		assert.equal(k['spec.template.metadata.labels']?.end.line, 27);
		assert.equal(k['spec.template.spec.containers[0].ports[0].name']?.start.line, 32);
		assert.equal(k['spec.replicas']?.start.line, 20);
	});
	it('manifestAt finds the object under a position', () => {
		assert.equal(manifestAt(m, 'web.yaml', { line: 20, character: 4 })?.kind, 'Deployment');
		assert.equal(manifestAt(m, 'web.yaml', { line: 5, character: 0 })?.kind, 'Service');
		assert.equal(
			manifestAt(m, 'web.yaml', { line: 14, character: 0 }),
			undefined,
			'the --- line belongs to no object',
		);
		assert.equal(manifestAt(m, 'other.yaml', { line: 5, character: 0 }), undefined);
	});
	it('formatPath brackets keys that are not identifiers', () => {
		assert.equal(formatPath(['spec', 'ports', 0, 'targetPort']), 'spec.ports[0].targetPort');
		assert.equal(
			formatPath(['metadata', 'labels', 'app.kubernetes.io/name']),
			'metadata.labels["app.kubernetes.io/name"]',
		);
	});
});

describe('parseManifests: lists, JSON, empty documents, namespaces', () => {
	it('expands kind: List and typed lists, with item ranges and inherited kinds', () => {
		const { m, d } = only(fixture('list.yaml'), 'list.yaml');
		assert.deepEqual(d, []);
		assert.deepEqual(
			m.map((x) => [x.kind, x.namespace, x.name, x.docIndex, x.itemIndex, x.range.start.line]),
			[
				['Service', 'default', 'listed', 0, 0, 3],
				['Deployment', 'default', 'listed', 0, 1, 12],
				['Service', 'prod', 'typed', 1, 0, 36],
			],
		);
		assert.equal(m[2]!.apiVersion, 'v1');
		assert.equal(m[0]!.keyRanges['spec.ports[0]']?.start.line, 11, 'item key ranges are relative to the item');
	});
	it('reads JSON files', () => {
		const { m, d } = only(fixture('service.json'), 'service.json');
		assert.deepEqual(d, []);
		assert.equal(m[0]?.name, 'from-json');
		assert.equal(m[0]?.keyRanges['spec.ports[0].targetPort']?.start.line, 6);
	});
	it('empty documents count in docIndex but yield nothing', () => {
		const { m, d } = only(
			'---\n---\n# only a comment\n---\napiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [{port: 1}]}\n',
		);
		assert.deepEqual(d, []);
		assert.equal(m.length, 1);
		assert.equal(m[0]!.docIndex, 2);
	});
	it('uses the given default namespace, and none for cluster-scoped kinds', () => {
		const r = parseManifests(
			'apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 1}]}\n',
			'n.yaml',
			{ defaultNamespace: 'dev' },
		);
		assert.deepEqual(
			r.manifests.map((x) => x.namespace),
			[undefined, 'dev'],
		);
	});
	it('YAML 1.1 like kubectl: yes is a boolean, timestamps stay strings, merge keys merge', () => {
		const { m, d } = only(
			'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  creationTimestamp: 2024-01-01T00:00:00Z\n  labels:\n    <<: {a: b}\nspec:\n  containers: [{name: c}]\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  labels:\n    enabled: yes\nspec: {ports: [{port: 1}]}\n',
		);
		assert.equal((m[0]!.object.metadata as Record<string, unknown>)['creationTimestamp'], '2024-01-01T00:00:00Z');
		assert.deepEqual(m[0]!.object.metadata?.labels, { a: 'b' });
		assert.deepEqual(brief(d), [['wrong-type', 16, 1]]);
		assert.match(
			d[0]!.message,
			/metadata\.labels\.enabled must be a string, got the boolean true; quote it: enabled: "yes"/,
		);
	});
});

describe('parseManifests: diagnostics (fixture malformed.yaml)', () => {
	const r = parseManifests(fixture('malformed.yaml'), 'malformed.yaml');
	const at = (docIndex: number) => r.diagnostics.filter((x) => x.docIndex === docIndex);
	it('one diagnostic per broken document, at the right line; the valid documents still parse', () => {
		assert.deepEqual(brief(r.diagnostics), [
			['wrong-type', 10, 0],
			['wrong-type', 21, 1],
			['wrong-type', 30, 2],
			['invalid-value', 39, 3],
			['yaml-syntax', 58, 4],
			['missing-field', 61, 5],
			['missing-field', 70, 6],
			['unknown-kind', 78, 7],
			['helm-template', 92, 9],
		]);
		assert.deepEqual(
			r.manifests.map((x) => [x.kind, x.name, x.supported]),
			[
				['Foo', 'foo', false],
				['ConfigMap', 'ignored', false],
				['Service', 'still-fine', true],
			],
		);
	});
	it('ports not a list', () => {
		assert.equal(at(0)[0]!.message, 'spec.ports must be a list, got the number 80');
		assert.equal(at(0)[0]!.severity, 'error');
		assert.equal(at(0)[0]!.path, 'spec.ports');
		assert.equal(at(0)[0]!.name, 'ports-not-a-list');
	});
	it('port not a number', () =>
		assert.match(
			at(1)[0]!.message,
			/spec\.ports\[0\]\.port must be an integer, got the string "80": remove the quotes/,
		));
	it('selector values not strings', () =>
		assert.match(
			at(2)[0]!.message,
			/spec\.selector\.version must be a string, got the number 2; quote it: version: "2"/,
		));
	it('negative replicas', () =>
		assert.equal(at(3)[0]!.message, 'spec.replicas must be greater than or equal to 0, got -2'));
	it('malformed YAML', () => assert.match(at(4)[0]!.message, /^YAML syntax error: Flow sequence/));
	it('missing apiVersion', () => assert.match(at(5)[0]!.message, /^apiVersion is missing/));
	it('missing name', () => assert.match(at(6)[0]!.message, /^metadata\.name is required/));
	it('unknown kinds warn; ignored built-in kinds are silent', () => {
		assert.equal(at(7)[0]!.severity, 'warning');
		assert.equal(at(7)[0]!.message, 'unknown kind "Foo" for apiVersion "foo/v9": ignored');
		assert.deepEqual(at(8), []);
	});
	it('Helm templates get one specific message instead of YAML errors', () => {
		assert.equal(at(9).length, 1);
		assert.match(at(9)[0]!.message, /Helm\/Go template syntax.*helm template/);
	});
});

describe('parseManifests: more diagnostics', () => {
	const first = (text: string) => only(text).d[0];
	const svc = (spec: string, name = 'web') =>
		`apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
	const deploy = (spec: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n${spec}`;
	const template =
		'  template:\n    metadata:\n      labels:\n        app: a\n    spec:\n      containers:\n        - name: c\n';

	it('Helm expressions in quoted identity fields are caught; Go templates in args are not', () => {
		const r = parseManifests(fixture('helm-quoted.yaml'), 'h.yaml');
		assert.deepEqual(brief(r.diagnostics), [['helm-template', 4, 0]]);
		assert.deepEqual(
			r.manifests.map((x) => x.name),
			['go-template-args'],
		);
	});
	it('a numeric-string targetPort is called out as a would-be port name', () => {
		const d = first(svc('  selector: {app: a}\n  ports:\n    - port: 80\n      targetPort: "8080"\n'));
		assert.equal(d?.line, 9);
		assert.match(
			d?.message ?? '',
			/targetPort is the string "8080", which would be read as a port \*name\*.*remove the quotes/,
		);
	});
	it('an invalid named targetPort', () => {
		const d = first(svc('  selector: {app: a}\n  ports:\n    - port: 80\n      targetPort: Http_Port\n'));
		assert.equal(d?.code, 'invalid-value');
		assert.match(d?.message ?? '', /"Http_Port" is not a valid port name/);
	});
	it('Service names must be DNS-1035 labels', () => {
		const d = first(svc('  ports: [{port: 80}]\n', 'Web'));
		assert.deepEqual([d?.code, d?.line], ['invalid-value', 4]);
		assert.match(d?.message ?? '', /RFC 1035 label/);
	});
	it('several ports need names', () => {
		const d = first(svc('  ports:\n    - port: 80\n    - port: 443\n'));
		assert.deepEqual([d?.code, d?.line, d?.path], ['missing-field', 7, 'spec.ports[0].name']);
	});
	it('a non-headless Service needs ports', () => {
		assert.equal(first(svc('  selector: {app: a}\n'))?.path, 'spec.ports');
		assert.equal(only(svc('  clusterIP: None\n  selector: {app: a}\n')).d.length, 0);
	});
	it('an ExternalName Service needs externalName, and its selector is ignored', () => {
		const { d } = only(svc('  type: ExternalName\n  selector: {app: a}\n'));
		assert.deepEqual(
			d.map((x) => [x.severity, x.path]),
			[
				['error', 'spec.externalName'],
				['warning', 'spec.selector'],
			],
		);
	});
	it('invalid label values are errors at the label line', () => {
		const d = first(
			'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    app: "has space"\nspec:\n  containers: [{name: c}]\n',
		);
		assert.deepEqual([d?.code, d?.line], ['invalid-value', 6]);
	});
	it('a pod needs containers; container ports need a containerPort', () => {
		assert.equal(first('apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {}\n')?.path, 'spec.containers');
		const d = first(
			'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      ports:\n        - name: http\n',
		);
		assert.deepEqual([d?.path, d?.line], ['spec.containers[0].ports[0].containerPort', 8]);
	});
	it('apps/v1 workloads need a selector that matches the template labels', () => {
		assert.equal(first(deploy(template))?.path, 'spec.selector');
		const mismatch = first(deploy(`  selector:\n    matchLabels: {app: b}\n${template}`));
		assert.deepEqual([mismatch?.code, mismatch?.line], ['selector-mismatch', 6]);
		const empty = first(deploy(`  selector: {}\n${template}`));
		assert.match(empty?.message ?? '', /empty selector is invalid for deployment/);
		const badOp = first(
			deploy(`  selector:\n    matchExpressions: [{key: app, operator: Equals, values: [a]}]\n${template}`),
		);
		assert.match(badOp?.message ?? '', /"Equals" is not a valid label selector operator/);
		assert.deepEqual(
			only(deploy(`  selector:\n    matchExpressions: [{key: app, operator: In, values: [a, b]}]\n${template}`))
				.d,
			[],
		);
	});
	it('Jobs must choose restartPolicy Never or OnFailure', () => {
		const d = first(
			'apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  template:\n    spec:\n      containers: [{name: c}]\n',
		);
		assert.deepEqual([d?.code, d?.path], ['missing-field', 'spec.template.spec.restartPolicy']);
	});
	it('removed and wrong apiVersions are errors that name the right one', () => {
		const d = first(`apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: d}\nspec:\n${template}`);
		assert.equal(d?.code, 'unsupported-version');
		assert.equal(d?.message, 'extensions/v1beta1 is no longer served (removed in v1.16): use apiVersion: apps/v1');
		assert.match(
			first('apiVersion: v1\nkind: Deployment\nmetadata: {name: d}\n')?.message ?? '',
			/Deployment is not served by v1: use apiVersion: apps\/v1/,
		);
	});
	it('custom resources are an info, documents without apiVersion and kind a warning', () => {
		assert.deepEqual(
			[
				first('apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: m}\n')?.severity,
				first('foo: bar\n')?.code,
			],
			['info', 'not-a-manifest'],
		);
		assert.deepEqual(
			parseManifests('replicaCount: 3\n', 'chart/values.yaml').diagnostics,
			[],
			'values files are not manifests',
		);
	});
	it('a missing kind, a scalar document and a list document are errors', () => {
		assert.match(first('apiVersion: v1\nmetadata: {name: a}\n')?.message ?? '', /^kind is missing/);
		assert.equal(first('just a string\n')?.code, 'not-an-object');
		assert.equal(first('- a\n- b\n')?.code, 'not-an-object');
	});
	it('duplicate keys are YAML errors at the duplicate', () => {
		const d = first('apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  name: b\n');
		assert.deepEqual([d?.code, d?.line], ['yaml-syntax', 5]);
	});
	it('never throws, whatever the input', () => {
		const inputs = [
			'\u0000\u0001\u0002',
			'{{{{',
			': : :',
			'*unknown',
			'!!binary AAA=',
			'&a [*a]',
			'- &a\n  - *a\n',
			'a: !!timestamp x',
			'\t\tfoo: bar',
			'%YAML 9.9\n---\na: 1',
		];
		for (const text of inputs) {
			assert.doesNotThrow(() => parseManifests(text, 'junk.yaml'), text);
		}
		const r = parseManifests(
			'apiVersion: v1\nkind: Service\nmetadata: {name: ok}\nspec: {ports: [{port: 1}]}\n---\n: : :\n',
			'mixed.yaml',
		);
		assert.equal(r.manifests.length, 1);
		assert.ok(r.diagnostics.length >= 1);
	});
});
