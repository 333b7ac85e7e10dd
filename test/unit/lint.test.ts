import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { lintManifest, serviceFindings, suggestFields } from '../../src/core/analysis/lint';
import type { ServicePrediction } from '../../src/core/analysis/predict';
import { predictWorkspace } from '../../src/core/analysis/predict';
import type { ManifestDiagnostic, SourceRange } from '../../src/core/manifests/parse';
import { parseManifests } from '../../src/core/manifests/parse';
import { buildWorkspaceModel } from '../../src/core/manifests/workspace';

const fixture = (name: string) => readFileSync(`test/fixtures/lint/${name}`, 'utf8');

/** Lints every object of a text that parses without errors. */
function lint(text: string, file = 'x.yaml'): ManifestDiagnostic[] {
	const r = parseManifests(text, file);
	assert.deepEqual(
		r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
		[],
		'the fixture itself must be valid',
	);
	assert.ok(r.manifests.length > 0, 'the fixture holds objects');
	return r.manifests.flatMap((m) => lintManifest(m));
}

/** The one finding at `path`. */
function at(ds: readonly ManifestDiagnostic[], path: string): ManifestDiagnostic {
	const hits = ds.filter((d) => d.path === path);
	assert.equal(hits.length, 1, `one finding at ${path}, got ${JSON.stringify(ds.map((d) => d.path))}`);
	return hits[0]!;
}

/** The 0-based range of the `nth` occurrence of `needle` in `text`. */
function rangeOf(text: string, needle: string, nth = 0): SourceRange {
	let offset = -1;
	for (let i = 0; i <= nth; i++) {
		offset = text.indexOf(needle, offset + 1);
		assert.ok(offset >= 0, `${needle} occurs ${nth + 1} times`);
	}
	const before = text.slice(0, offset).split('\n');
	const line = before.length - 1;
	const character = before[before.length - 1]!.length;
	return { start: { line, character }, end: { line, character: character + needle.length } };
}

function predict(text: string, file = 'w.yaml'): ServicePrediction[] {
	const model = buildWorkspaceModel([{ path: file, text }]);
	assert.deepEqual(
		model.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
		[],
		'the workspace fixture itself must be valid',
	);
	return predictWorkspace(model);
}

function predictOne(text: string, name: string): ServicePrediction {
	const p = predict(text).find((s) => s.name === name);
	assert.ok(p, `a prediction for ${name}`);
	return p;
}

/** [code, severity, path] of each finding, for compact assertions. */
const brief = (ds: readonly ManifestDiagnostic[]) => ds.map((d) => [d.code, d.severity, d.path]);

/** A Deployment of 2 replicas with one container; `ports` are flow maps (`{name: http, containerPort: 80}`). */
function deployment(name: string, labels: string, ports: string[], simulate?: string): string {
	return `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}${simulate ? `\n  annotations: {endpointlens.io/simulate: "${simulate}"}` : ''}
spec:
  replicas: 2
  selector:
    matchLabels: {${labels}}
  template:
    metadata:
      labels: {${labels}}
    spec:
      containers:
        - name: ${name}
          image: example.com/${name}
          ports:
${ports.map((p) => `            - ${p}`).join('\n')}
`;
}

describe('lintManifest: unknown fields', () => {
	const service = fixture('service-typos.yaml');
	const ds = lint(service, 'test/fixtures/lint/service-typos.yaml');

	it('reports every misspelled Service field, and nothing else', () => {
		assert.deepEqual(ds.map((d) => [d.code, d.severity, d.path]), [
			['unknown-field', 'warning', 'metadata.lables'],
			['unknown-field', 'warning', 'spec.selectors'],
			['unknown-field', 'warning', 'spec.publishNotReadyEndpoints'],
			['unknown-field', 'warning', 'spec.sessionAffinityConfig.clientIp'],
			['unknown-field', 'warning', 'spec.ports[1].targetport'],
		]);
	});

	it('points at the key alone, with 1-based line and column and the object named', () => {
		const d = at(ds, 'spec.selectors');
		assert.deepEqual(d.range, rangeOf(service, 'selectors'));
		assert.deepEqual(d.range, { start: { line: 11, character: 2 }, end: { line: 11, character: 11 } });
		assert.equal(d.line, 12);
		assert.equal(d.column, 3);
		assert.equal(d.file, 'test/fixtures/lint/service-typos.yaml');
		assert.equal(d.kind, 'Service');
		assert.equal(d.name, 'web');
		assert.equal(d.docIndex, 0);
		const tp = at(ds, 'spec.ports[1].targetport');
		assert.deepEqual(tp.range, rangeOf(service, 'targetport'));
		assert.deepEqual(tp.range?.start, { line: 22, character: 6 });
	});

	it('suggests the field meant: same letters, edit distance, shared words', () => {
		assert.match(at(ds, 'spec.selectors').message, /did you mean "selector"\?/);
		assert.match(at(ds, 'spec.publishNotReadyEndpoints').message, /did you mean "publishNotReadyAddresses"\?/);
		assert.match(at(ds, 'spec.ports[1].targetport').message, /did you mean "targetPort"\?/);
		assert.match(at(ds, 'metadata.lables').message, /did you mean "labels"\?/);
		assert.match(at(ds, 'spec.sessionAffinityConfig.clientIp').message, /did you mean "clientIP"\?/);
		assert.match(at(ds, 'spec.selectors').message, /in spec \(ServiceSpec\)/);
		assert.match(at(ds, 'spec.selectors').message, /kubectl apply/);
	});

	it('says where a field belongs when it is known elsewhere (an indentation slip)', () => {
		const text = `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
    - port: 80
  targetPort: 8080
`;
		const d = at(lint(text), 'spec.targetPort');
		assert.match(d.message, /targetPort is a field of spec\.ports\[i\] \(check the indentation\)/);
		assert.doesNotMatch(d.message, /did you mean/);
		assert.deepEqual(d.range, rangeOf(text, 'targetPort'));
	});

	it('explains removed fields instead of guessing', () => {
		const ds2 = lint(`apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  topologyKeys: ["kubernetes.io/hostname"]
  ports: [{port: 80}]
`);
		const d = at(ds2, 'spec.topologyKeys');
		assert.match(d.message, /removed in v1\.22/);
		assert.doesNotMatch(d.message, /did you mean/);
	});

	it('offers no suggestion for a key that resembles nothing', () => {
		const d = at(
			lint(`apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  zzz: 1
  ports: [{port: 80}]
`),
			'spec.zzz',
		);
		assert.doesNotMatch(d.message, /did you mean|is a field of/);
		assert.match(d.message, /^unknown field "zzz" in spec \(ServiceSpec\)\. /);
	});

	it('a correct Service with every kind of field gives nothing (labels, annotations and status are free-form)', () => {
		assert.deepEqual(lint(fixture('service-clean.yaml')), []);
	});

	it('Endpoints: subsets, addresses, targetRef and ports', () => {
		const text = `apiVersion: v1
kind: Endpoints
metadata: {name: legacy}
subsets:
  - adresses:
      - ip: 10.0.0.1
    notReadyAddresses:
      - ip: 10.0.0.2
        targetRef: {kind: Pod, name: a, namspace: default}
    ports:
      - name: http
        port: 80
        protocl: TCP
`;
		const ds2 = lint(text);
		assert.deepEqual(ds2.map((d) => d.path), [
			'subsets[0].adresses',
			'subsets[0].notReadyAddresses[0].targetRef.namspace',
			'subsets[0].ports[0].protocl',
		]);
		assert.match(ds2[0]!.message, /did you mean "addresses"\?/);
		assert.match(ds2[1]!.message, /did you mean "namespace"\?/);
		assert.match(ds2[2]!.message, /did you mean "protocol"\?/);
		assert.deepEqual(ds2[0]!.range, rangeOf(text, 'adresses'));
		assert.deepEqual(ds2[2]!.range, rangeOf(text, 'protocl'));
	});

	it('EndpointSlice: endpoints, conditions, hints, ports, and v1beta1 topology', () => {
		const text = `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: legacy-1
  labels: {kubernetes.io/service-name: legacy}
addressType: IPv4
endpoints:
  - addresses: [10.0.0.1]
    conditions: {ready: true, servng: true}
    hints:
      forZone: [{name: a}]
    topology: {kubernetes.io/hostname: n1}
  - addresses: [10.0.0.2]
    condition: {ready: true}
ports:
  - name: http
    port: 80
    appProtcol: http
`;
		const ds2 = lint(text);
		assert.deepEqual(ds2.map((d) => d.path), [
			'endpoints[0].conditions.servng',
			'endpoints[0].hints.forZone',
			'endpoints[0].topology',
			'endpoints[1].condition',
			'ports[0].appProtcol',
		]);
		assert.match(ds2[0]!.message, /did you mean "serving"\?/);
		assert.match(ds2[1]!.message, /did you mean "forZones"\?/);
		assert.match(ds2[2]!.message, /deprecatedTopology in v1: use zone and nodeName/);
		assert.match(ds2[3]!.message, /did you mean "conditions"\?/);
		assert.match(ds2[4]!.message, /did you mean "appProtocol"\?/);
		assert.deepEqual(ds2[3]!.range, rangeOf(text, 'condition:'.slice(0, -1), 1));
	});

	it('workloads: spec, selector, template metadata, containers and container ports; not the rest of the PodSpec', () => {
		const text = fixture('deployment-typos.yaml');
		const ds2 = lint(text);
		assert.deepEqual(ds2.map((d) => d.path), [
			'spec.replica',
			'spec.selector.matchLabel',
			'spec.template.metadata.label',
			'spec.template.spec.containers[0].port',
			'spec.template.spec.containers[1].ports[0].containerport',
			'spec.template.spec.initContainers[0].ports[0].nme',
		]);
		assert.match(ds2[0]!.message, /did you mean "replicas"\?/);
		assert.match(ds2[1]!.message, /did you mean "matchLabels"\?/);
		assert.match(ds2[2]!.message, /did you mean "labels"\?/);
		assert.match(ds2[3]!.message, /did you mean "ports"\? The API server drops/);
		assert.doesNotMatch(ds2[3]!.message, /is a field of/); // no kind of Deployment object has a field "port"
		assert.match(ds2[4]!.message, /did you mean "containerPort"\?/);
		assert.match(ds2[4]!.message, /in spec\.template\.spec\.containers\[1\]\.ports\[0\] \(ContainerPort\)/);
		assert.match(ds2[5]!.message, /did you mean "name"\?/);
		assert.deepEqual(ds2[4]!.range, rangeOf(text, 'containerport'));
		// hostNetwrk is misspelled too, but the PodSpec outside containers is not checked.
		assert.ok(text.includes('hostNetwrk'));
	});

	it('StatefulSet serviceName, Job and CronJob templates, and bare Pods', () => {
		const ds2 = lint(`apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  servicename: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: db, ports: [{containerPort: 5432, nmae: pg}]}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        metadata: {labels: {app: nightly}}
        spec:
          restartPolicy: Never
          containers: [{name: job, image: job, ports: [{containerPort: 80, protocl: TCP}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: solo, labels: {app: solo}}
spec:
  containers: [{name: solo, image: solo, ports: [{containerPort: 80, hostport: 8080}]}]
status: {whatever: true}
`);
		assert.deepEqual(ds2.map((d) => [d.kind, d.path]), [
			['StatefulSet', 'spec.servicename'],
			['StatefulSet', 'spec.template.spec.containers[0].ports[0].nmae'],
			['CronJob', 'spec.jobTemplate.spec.template.spec.containers[0].ports[0].protocl'],
			['Pod', 'spec.containers[0].ports[0].hostport'],
		]);
		assert.match(ds2[0]!.message, /did you mean "serviceName"\?/);
		assert.match(ds2[3]!.message, /did you mean "hostPort"\?/);
	});

	it('kinds it does not know (ConfigMap, Node, custom resources) are not checked', () => {
		assert.deepEqual(
			lint(`apiVersion: v1
kind: ConfigMap
metadata: {name: c}
dta: {a: b}
---
apiVersion: v1
kind: Node
metadata: {name: n1, lables: {a: b}}
spec: {unschedulabel: true}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
spec: {selectors: {}}
`),
			[],
		);
	});

	it('JSON: the range covers the quoted key', () => {
		const text = `{
  "apiVersion": "v1",
  "kind": "Service",
  "metadata": {"name": "web"},
  "spec": {"selectors": {"app": "web"}, "ports": [{"port": 80}]}
}
`;
		const d = at(lint(text, 'svc.json'), 'spec.selectors');
		assert.deepEqual(d.range, rangeOf(text, '"selectors"'));
	});
});

describe('suggestFields', () => {
	it('ranks same letters, then the nearest, then shared words; at most two', () => {
		assert.deepEqual(suggestFields('CLUSTERIP', ['clusterIP', 'clusterIPs']), ['clusterIP']);
		assert.deepEqual(suggestFields('contianerPort', ['containerPort', 'hostPort']), ['containerPort']);
		assert.deepEqual(suggestFields('trafficPolicy', ['externalTrafficPolicy', 'internalTrafficPolicy', 'type']), [
			'externalTrafficPolicy',
			'internalTrafficPolicy',
		]);
		assert.deepEqual(suggestFields('publishNotReadyEndpoints', ['publishNotReadyAddresses', 'ports']), [
			'publishNotReadyAddresses',
		]);
		assert.deepEqual(suggestFields('image', ['name', 'ports']), []);
		assert.deepEqual(suggestFields('ab', ['ports']), []);
	});
});

describe('lintManifest: Service settings', () => {
	const service = (spec: string) => `apiVersion: v1
kind: Service
metadata: {name: svc}
spec:
${spec}`;

	it('ExternalName with ports: an info at spec.ports; without ports nothing', () => {
		const text = service(`  type: ExternalName
  externalName: db.example.com
  ports:
    - port: 5432
`);
		const ds = lint(text);
		assert.deepEqual(ds.map((d) => [d.code, d.severity, d.path]), [['external-name-ports', 'info', 'spec.ports']]);
		assert.match(ds[0]!.message, /CNAME/);
		assert.equal(ds[0]!.range?.start.line, 6);
		assert.deepEqual(lint(service(`  type: ExternalName\n  externalName: db.example.com\n`)), []);
	});

	it('ExternalName with a selector: left to validate.ts, which already warns', () => {
		const text = service(`  type: ExternalName
  externalName: db.example.com
  selector: {app: db}
`);
		const parsed = parseManifests(text, 'x.yaml');
		assert.deepEqual(
			parsed.diagnostics.map((d) => [d.severity, d.path]),
			[['warning', 'spec.selector']],
		);
		assert.deepEqual(lint(text), []);
	});

	it('headless with a selector and no ports: an info at spec.clusterIP that says what happens', () => {
		const text = service(`  clusterIP: None
  selector: {app: db}
`);
		const ds = lint(text);
		assert.deepEqual(ds.map((d) => [d.code, d.severity, d.path]), [
			['headless-without-ports', 'info', 'spec.clusterIP'],
		]);
		assert.match(ds[0]!.message, /ports: \[\]/);
		assert.match(ds[0]!.message, /no SRV records/);
		assert.deepEqual(ds[0]!.range, { start: { line: 4, character: 2 }, end: { line: 4, character: 17 } });
		assert.deepEqual(lint(service(`  clusterIP: None\n  selector: {app: db}\n  ports: []\n`)).map((d) => d.code), [
			'headless-without-ports',
		]);
		// With ports, without a selector, or not headless: nothing.
		assert.deepEqual(lint(service(`  clusterIP: None\n  selector: {app: db}\n  ports: [{name: pg, port: 5432}]\n`)), []);
		assert.deepEqual(lint(service(`  clusterIP: None\n`)), []);
	});

	it('sessionAffinityConfig without ClientIP affinity: rejected by the API server', () => {
		const ds = lint(service(`  selector: {app: web}
  ports: [{port: 80}]
  sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}
`));
		assert.deepEqual(ds.map((d) => [d.code, d.severity, d.path, d.line]), [
			['invalid-value', 'error', 'spec.sessionAffinityConfig', 7],
		]);
		assert.deepEqual(
			lint(service(`  selector: {app: web}
  ports: [{port: 80}]
  sessionAffinity: ClientIP
  sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}
`)),
			[],
		);
	});

	it('externalTrafficPolicy on a ClusterIP Service: rejected; fine on NodePort or with externalIPs', () => {
		const ds = lint(service(`  selector: {app: web}
  ports: [{port: 80}]
  externalTrafficPolicy: Local
`));
		assert.deepEqual(ds.map((d) => [d.code, d.severity, d.path]), [
			['invalid-value', 'error', 'spec.externalTrafficPolicy'],
		]);
		assert.match(ds[0]!.message, /externally-accessible/);
		assert.deepEqual(
			lint(service(`  type: NodePort\n  selector: {app: web}\n  ports: [{port: 80}]\n  externalTrafficPolicy: Local\n`)),
			[],
		);
		assert.deepEqual(
			lint(
				service(
					`  selector: {app: web}\n  externalIPs: [203.0.113.7]\n  ports: [{port: 80}]\n  externalTrafficPolicy: Local\n`,
				),
			),
			[],
		);
	});

	it('nodePort on a ClusterIP Service: rejected; fine on NodePort and LoadBalancer', () => {
		const ds = lint(service(`  selector: {app: web}
  ports:
    - name: http
      port: 80
    - name: admin
      port: 81
      nodePort: 30081
`));
		assert.deepEqual(ds.map((d) => [d.code, d.severity, d.path, d.line]), [
			['invalid-value', 'error', 'spec.ports[1].nodePort', 11],
		]);
		const lb = service(`  type: LoadBalancer\n  selector: {app: web}\n  ports: [{port: 80, nodePort: 30080}]\n`);
		assert.deepEqual(lint(lb), []);
	});
});

describe('serviceFindings', () => {
	/** A Service; `ports` are flow maps (`{name: http, port: 80, targetPort: http}`). */
	const svc = (name: string, selector: string, ports: string[], extra = '') => `---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:${extra}
  selector: {${selector}}
  ports:
${ports.map((p) => `    - ${p}`).join('\n')}
`;
	const web = (simulate?: string, extra = '') =>
		svc('web', 'app: web', ['{port: 80}'], extra) +
		deployment('web', 'app: web', ['{containerPort: 80}'], simulate);

	it('a Service that selects pods whose ports resolve: nothing', () => {
		const text =
			svc('web', 'app: web', ['{port: 80, targetPort: http}']) +
			deployment('web', 'app: web', ['{name: http, containerPort: 8080}']);
		assert.deepEqual(serviceFindings(predictOne(text, 'web')), []);
	});

	it('no matching pods: a warning at spec.selector, then with the live cluster', () => {
		const text = svc('web', 'app: web', ['{port: 80}']) + deployment('other', 'app: other', ['{containerPort: 80}']);
		const p = predictOne(text, 'web');
		const [d, ...rest] = serviceFindings(p);
		assert.deepEqual(rest, []);
		assert.equal(d!.code, 'no-matching-pods');
		assert.equal(d!.severity, 'warning');
		assert.equal(d!.path, 'spec.selector');
		assert.deepEqual(d!.range?.start, rangeOf(text, 'selector').start);
		assert.match(d!.message, /selects no pods: nothing in these files runs pods labelled app=web in namespace default/);
		assert.doesNotMatch(d!.message, /live/);

		const none = serviceFindings(p, { live: { context: 'kind-dev', podCount: 0 } });
		assert.deepEqual(brief(none), [['no-matching-pods', 'warning', 'spec.selector']]);
		assert.match(none[0]!.message, /and no live pod in namespace default \(context kind-dev\) matches either/);

		const some = serviceFindings(p, { live: { context: 'kind-dev', podCount: 3 } });
		assert.deepEqual(brief(some), [['no-matching-pods', 'info', 'spec.selector']]);
		assert.match(some[0]!.message, /3 live pods in namespace default \(context kind-dev\) match/);
	});

	it('a named targetPort that no pod declares: an error at spec.ports[i].targetPort when it resolves nowhere', () => {
		const text =
			svc('web', 'app: web', [
				'{name: http, port: 80, targetPort: http}',
				'{name: admin, port: 81, targetPort: admin}',
			]) + deployment('web', 'app: web', ['{name: http, containerPort: 8080}']);
		const ds = serviceFindings(predictOne(text, 'web'));
		assert.deepEqual(brief(ds), [['target-port-unresolved', 'error', 'spec.ports[1].targetPort']]);
		assert.match(ds[0]!.message, /targetPort "admin" \(port admin, 81\/TCP\) does not resolve in 2 of 2 pods/);
		assert.match(ds[0]!.message, /named ports there: http\/TCP/);
		assert.match(ds[0]!.message, /No endpoint will carry this port/);
		assert.deepEqual(ds[0]!.range?.start, rangeOf(text, 'targetPort: admin').start);
	});

	it('a named targetPort that resolves in some pods only: a warning', () => {
		const text =
			svc('api', 'app: api', ['{port: 80, targetPort: api}']) +
			deployment('v1', 'app: api, v: one', ['{name: api, containerPort: 8080}']) +
			deployment('v2', 'app: api, v: two', ['{name: web, containerPort: 9090}']);
		const ds = serviceFindings(predictOne(text, 'api'));
		assert.deepEqual(brief(ds), [['target-port-unresolved', 'warning', 'spec.ports[0].targetPort']]);
		assert.match(ds[0]!.message, /does not resolve in 2 of 4 pods/);
		assert.match(ds[0]!.message, /separate EndpointSlices without this port/);
	});

	it('a named targetPort declared with another protocol: protocol-mismatch, naming the container', () => {
		const text =
			svc('dns', 'app: dns', ['{name: dns, port: 53, targetPort: dns}']) +
			deployment('coredns', 'app: dns', ['{name: dns, containerPort: 53, protocol: UDP}']);
		const ds = serviceFindings(predictOne(text, 'dns'));
		assert.deepEqual(brief(ds), [['protocol-mismatch', 'error', 'spec.ports[0].targetPort']]);
		assert.match(ds[0]!.message, /"dns" is 53\/UDP in container coredns, the Service port is TCP/);
	});

	it('a numeric targetPort declared only with another protocol: a warning that says undeclared ports still work', () => {
		const text =
			svc('dns', 'app: dns', ['{name: tcp, port: 53, targetPort: 5353}']) +
			deployment('coredns', 'app: dns', ['{containerPort: 5353, protocol: UDP}']);
		const ds = serviceFindings(predictOne(text, 'dns'));
		assert.deepEqual(brief(ds), [['protocol-mismatch', 'warning', 'spec.ports[0].targetPort']]);
		assert.match(ds[0]!.message, /targets 5353\/TCP, but 2 of 2 selected pods declare 5353 only as 5353\/UDP/);
		assert.match(ds[0]!.message, /in container coredns/);
		assert.match(ds[0]!.message, /Declaring container ports is optional/);
	});

	it('a numeric targetPort: no finding when TCP is declared too, or when nothing declares it', () => {
		const both =
			svc('dns', 'app: dns', ['{name: tcp, port: 53}']) +
			deployment('coredns', 'app: dns', [
				'{name: dns, containerPort: 53, protocol: UDP}',
				'{name: dns-tcp, containerPort: 53, protocol: TCP}',
			]);
		assert.deepEqual(serviceFindings(predictOne(both, 'dns')), []);
		const undeclared =
			svc('web', 'app: web', ['{port: 80, targetPort: 8080}']) +
			deployment('web', 'app: web', ['{containerPort: 9090, protocol: UDP}']);
		assert.deepEqual(serviceFindings(predictOne(undeclared, 'web')), []);
	});

	it('no ready endpoints: a warning; some not ready: an info; none eligible: a warning', () => {
		assert.deepEqual(brief(serviceFindings(predictOne(web('notReady=2'), 'web'))), [
			['no-ready-endpoints', 'warning', 'spec.selector'],
		]);
		const some = serviceFindings(predictOne(web('notReady=1'), 'web'));
		assert.deepEqual(brief(some), [['endpoints-not-ready', 'info', 'spec.selector']]);
		assert.match(some[0]!.message, /^1 of 2 selected pods are not ready/);
		const pending = serviceFindings(predictOne(web('pending=2'), 'web'));
		assert.deepEqual(brief(pending), [['no-ready-endpoints', 'warning', 'spec.selector']]);
		assert.match(pending[0]!.message, /no IP/);
	});

	it('publishNotReadyAddresses: no warning when no pod is ready, an info at the field instead', () => {
		const text = web('notReady=2', '\n  publishNotReadyAddresses: true');
		const ds = serviceFindings(predictOne(text, 'web'));
		assert.deepEqual(brief(ds), [['endpoints-not-ready', 'info', 'spec.publishNotReadyAddresses']]);
		assert.match(ds[0]!.message, /publishes them as ready anyway/);
	});

	it('more than 1000 endpoints: the truncated v1 Endpoints are reported', () => {
		const p = predictOne(web(), 'web');
		assert.deepEqual(serviceFindings(p), []);
		const annotations = { 'endpoints.kubernetes.io/over-capacity': 'truncated' };
		const truncated: ServicePrediction = {
			...p,
			endpoints: { ...p.endpoints!, metadata: { ...p.endpoints!.metadata, annotations } },
		};
		const ds = serviceFindings(truncated);
		assert.deepEqual(brief(ds), [['endpoints-over-capacity', 'warning', 'metadata.name']]);
		assert.match(ds[0]!.message, /More than 1000 addresses/);
	});

	it('ExternalName: an info at spec.externalName; selector-less without Endpoints: an info', () => {
		const ext = `apiVersion: v1
kind: Service
metadata: {name: payments}
spec:
  type: ExternalName
  externalName: payments.example.com
`;
		const ds = serviceFindings(predictOne(ext, 'payments'));
		assert.deepEqual(brief(ds), [['external-name', 'info', 'spec.externalName']]);
		assert.equal(ds[0]!.line, 6);
		const bare = `apiVersion: v1
kind: Service
metadata: {name: vault}
spec:
  ports: [{port: 8200}]
`;
		const b = serviceFindings(predictOne(bare, 'vault'));
		assert.deepEqual(brief(b), [['selectorless-service', 'info', 'metadata.name']]);
	});

	it('selector-less with Endpoints: port names must match; a skip-mirror Endpoints is reported', () => {
		const text = (portName: string, labels = '') => `apiVersion: v1
kind: Service
metadata: {name: legacy}
spec:
  ports:
    - name: http
      port: 80
---
apiVersion: v1
kind: Endpoints
metadata: {name: legacy${labels}}
subsets:
  - addresses: [{ip: 10.1.2.3}]
    ports: [{${portName}port: 8080}]
`;
		const ds = serviceFindings(predictOne(text(''), 'legacy'));
		assert.deepEqual(brief(ds), [['port-name-mismatch', 'warning', 'spec.ports[0].name']]);
		assert.match(ds[0]!.message, /has no port named "http" \(its ports: \(unnamed\)\)/);
		assert.deepEqual(serviceFindings(predictOne(text('name: http, '), 'legacy')), []);
		const skip = ', labels: {endpointslice.kubernetes.io/skip-mirror: "true"}';
		const skipped = serviceFindings(predictOne(text('name: http, ', skip), 'legacy'));
		assert.deepEqual(brief(skipped), [['controller-report', 'info', 'metadata.name']]);
		assert.match(skipped[0]!.message, /not mirrored/);
	});

	it('a Service with no manifest gets no findings (a ManifestDiagnostic needs a file)', () => {
		const p = predictOne(svc('web', 'app: web', ['{port: 80}']), 'web');
		assert.equal(serviceFindings(p).length, 1);
		assert.deepEqual(serviceFindings({ ...p, manifest: undefined }), []);
	});

	it('predictWorkspace carries the same findings as PredictionDiagnostics, with codes', () => {
		const p = predictOne(svc('web', 'app: web', ['{port: 80}']), 'web');
		const expected = serviceFindings(p).map((d) => ({
			severity: d.severity,
			message: d.message,
			file: d.file,
			line: d.line,
			path: d.path,
			code: d.code,
		}));
		assert.equal(expected.length, 1);
		assert.deepEqual(p.diagnostics, expected);
		assert.equal(p.diagnostics[0]!.file, 'w.yaml');
	});
});
