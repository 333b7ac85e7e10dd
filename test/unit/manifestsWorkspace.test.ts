import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isPodReady } from '../../src/core/controllers/podUtil';
import { serviceSelects } from '../../src/core/k8s/selector';
import type { WorkspaceFile } from '../../src/core/manifests/workspace';
import { buildWorkspaceModel, rangeOfPath } from '../../src/core/manifests/workspace';
import { workloadKey } from '../../src/core/manifests/workloads';

const examples: WorkspaceFile[] = readdirSync('examples')
	.filter((f) => f.endsWith('.yaml'))
	.sort()
	.map((f) => ({ path: `examples/${f}`, text: readFileSync(`examples/${f}`, 'utf8') }));

const example = (name: string) => examples.filter((f) => f.path === `examples/${name}`);

describe('buildWorkspaceModel on examples/', () => {
	const model = buildWorkspaceModel(examples);
	it('the demo examples are clean: no errors, no warnings', () => {
		assert.deepEqual(
			model.diagnostics.filter((d) => d.severity !== 'info'),
			[],
		);
	});
	it('every example Service is there, defaulted', () => {
		assert.deepEqual(model.services.map((s) => s.metadata?.name).sort(), [
			'api',
			'db',
			'echo',
			'fleet',
			'legacy-db',
			'payments',
			'peers',
			'shop-metrics',
			'web',
		]);
		for (const s of model.services) {
			assert.equal(s.metadata?.namespace, 'default');
			assert.ok(s.metadata?.uid);
			assert.ok(s.spec?.ports?.every((p) => p.protocol === 'TCP' && p.targetPort !== undefined));
		}
	});
	it('synthetic nodes are used when the files define none', () => {
		assert.equal(model.syntheticNodes, true);
		assert.equal(model.nodes.length, 3);
	});
	it('selectors select the intended pods', () => {
		const selected = (name: string) =>
			model.pods.filter((p) =>
				serviceSelects(
					model.services.find((s) => s.metadata?.name === name)!,
					p,
				),
			);
		assert.equal(selected('web').length, 3);
		assert.equal(selected('api').length, 4);
		assert.equal(selected('fleet').length, 250);
		assert.equal(selected('db').length, 3);
		assert.equal(selected('shop-metrics').length, 2);
		assert.deepEqual(selected('peers').map(isPodReady), [true, true, false]);
		assert.equal(selected('legacy-db').length, 0, 'no selector selects nothing');
	});
	it('the selector-less example carries a user Endpoints with ready and not-ready addresses', () => {
		assert.equal(model.endpoints.length, 1);
		const subset = model.endpoints[0]!.subsets![0]!;
		assert.deepEqual(
			subset.addresses?.map((a) => a.ip),
			['192.168.10.11', '192.168.10.12'],
		);
		assert.deepEqual(
			subset.notReadyAddresses?.map((a) => a.ip),
			['192.168.10.13'],
		);
		assert.equal(subset.ports?.[0]?.protocol, 'TCP');
	});
	it('the dual-stack example gets two cluster IPs and its pods two IPs each', () => {
		const echo = model.services.find((s) => s.metadata?.name === 'echo')!;
		assert.deepEqual(echo.spec?.ipFamilies, ['IPv4', 'IPv6']);
		assert.equal(echo.spec?.clusterIPs?.length, 2);
		const pods = model.workloads.find((w) => w.name === 'echo')!.pods;
		assert.ok(pods.every((p) => p.status?.podIPs?.length === 2));
	});
	it('the headless StatefulSet example has hostnames and subdomain db', () => {
		const db = model.workloads.find((w) => w.kind === 'StatefulSet')!;
		assert.deepEqual(
			db.pods.map((p) => `${p.spec?.hostname}.${p.spec?.subdomain}`),
			['db-0.db', 'db-1.db', 'db-2.db'],
		);
	});
	it('the sidecar example keeps the restartable init container and its named port', () => {
		const shop = model.workloads.find((w) => w.name === 'shop')!;
		assert.deepEqual(shop.pods[0]!.spec?.initContainers?.[0]?.ports, [
			{ name: 'metrics', containerPort: 9100, protocol: 'TCP' },
		]);
		assert.equal(shop.pods[0]!.spec?.initContainers?.[0]?.restartPolicy, 'Always');
	});
	it('no IP is used twice across services and pods', () => {
		const ips = [
			...model.services.flatMap((s) => (s.spec?.clusterIPs ?? []).filter((ip) => ip !== 'None')),
			...model.pods.flatMap((p) => p.status?.podIPs?.map((x) => x.ip) ?? []),
		];
		assert.equal(new Set(ips).size, ips.length);
	});
	it('sources map every object uid back to its manifest', () => {
		const web = model.services.find((s) => s.metadata?.name === 'web')!;
		const src = model.sources[web.metadata!.uid!]!;
		assert.equal(src.file, 'examples/web.yaml');
		assert.equal(src.docIndex, 1);
		const wl = model.workloads.find((w) => w.name === 'web')!;
		assert.equal(model.sources[wl.uid]?.kind, 'Deployment');
		assert.equal(wl.manifest.range.start.line, 2);
	});
	it('is deterministic', () => {
		assert.deepEqual(buildWorkspaceModel(examples), model);
	});
});

describe('buildWorkspaceModel: options and cross-file rules', () => {
	const svc = (name: string, extra = '') =>
		`apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  selector: {app: ${name}}\n  ports: [{port: 80}]\n${extra}`;
	it('the later definition of an object wins, with a warning at the duplicate', () => {
		const m = buildWorkspaceModel([
			{ path: 'a.yaml', text: svc('dup') },
			{ path: 'b.yaml', text: `# comment\n${svc('dup').replace('port: 80', 'port: 81')}` },
		]);
		assert.equal(m.services.length, 1);
		assert.equal(m.services[0]!.spec?.ports?.[0]?.port, 81);
		assert.deepEqual(
			m.diagnostics.map((d) => [d.code, d.file, d.line]),
			[['duplicate-object', 'b.yaml', 5]],
		);
		assert.match(m.diagnostics[0]!.message, /also defined in a\.yaml:1/);
	});
	it('RequireDualStack on a single-stack profile is reported at ipFamilyPolicy and the Service left out', () => {
		const m = buildWorkspaceModel(example('dual-stack.yaml'), { profile: { dualStack: false } });
		assert.deepEqual(m.services, []);
		assert.deepEqual(
			m.diagnostics.map((d) => [d.severity, d.code, d.line, d.path]),
			[['error', 'invalid-value', 8, 'spec.ipFamilyPolicy']],
		);
		assert.ok(m.pods.every((p) => p.status?.podIPs?.length === 1));
	});
	it('Nodes in the files replace the synthetic ones', () => {
		const node =
			'apiVersion: v1\nkind: Node\nmetadata:\n  name: worker-x\n  labels: {topology.kubernetes.io/zone: z1}\n';
		const m = buildWorkspaceModel([...example('web.yaml'), { path: 'node.yaml', text: node }]);
		assert.equal(m.syntheticNodes, false);
		assert.deepEqual(
			m.nodes.map((n) => n.metadata?.name),
			['worker-x'],
		);
		assert.ok(m.pods.every((p) => p.spec?.nodeName === 'worker-x'));
	});
	it('the simulate option is keyed by Kind/namespace/name', () => {
		const m = buildWorkspaceModel(example('web.yaml'), {
			simulate: { [workloadKey('Deployment', 'default', 'web')]: { ready: 1, terminating: 1 } },
		});
		assert.deepEqual(
			m.pods.map((p) => [isPodReady(p), !!p.metadata?.deletionTimestamp]),
			[
				[true, false],
				[false, false],
				[false, false],
				[true, true],
			],
		);
	});
	it('a bad simulate annotation is reported at the annotation line', () => {
		const text = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: w\n  annotations:\n    endpointlens.io/simulate: "sleepy=1"\nspec:\n  selector: {matchLabels: {app: w}}\n  template:\n    metadata: {labels: {app: w}}\n    spec: {containers: [{name: c}]}\n`;
		const m = buildWorkspaceModel([{ path: 'w.yaml', text }]);
		assert.deepEqual(
			m.diagnostics.map((d) => [d.code, d.line]),
			[['simulate-annotation', 6]],
		);
	});
	it('the default namespace applies to objects and their pods', () => {
		const m = buildWorkspaceModel(example('web.yaml'), { defaultNamespace: 'shop' });
		assert.deepEqual([...new Set([...m.services, ...m.pods].map((o) => o.metadata?.namespace))], ['shop']);
	});
	it('broken documents do not stop the others; user EndpointSlices are defaulted', () => {
		const slice =
			'apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: manual\n  labels: {kubernetes.io/service-name: ext}\naddressType: IPv4\nendpoints:\n  - addresses: ["10.0.0.1"]\nports:\n  - port: 80\n';
		const m = buildWorkspaceModel([{ path: 'mix.yaml', text: `${svc('ok')}---\nports: [\n---\n${slice}` }]);
		assert.equal(m.services.length, 1);
		assert.equal(m.endpointSlices.length, 1);
		assert.deepEqual(m.endpointSlices[0]!.ports, [{ port: 80, name: '', protocol: 'TCP' }]);
		assert.deepEqual(
			m.diagnostics.map((d) => [d.code, d.docIndex]),
			[['yaml-syntax', 1]],
		);
	});
	it('rangeOfPath falls back to the closest parent', () => {
		const m = buildWorkspaceModel(example('web.yaml'));
		const manifest = m.workloads[0]!.manifest;
		assert.equal(rangeOfPath(manifest, 'spec.template.spec.containers[0].ports[0].name').start.line, 23);
		assert.equal(
			rangeOfPath(manifest, 'spec.template.spec.nodeSelector.zone').start.line,
			rangeOfPath(manifest, 'spec.template.spec').start.line,
		);
	});
});
