/**
 * Preview features with a live cluster: a small in-memory `LiveView` (our own interface) with namespace `default`
 * listed and `shop` not. Live pods of the workspace's Deployment `web` are replaced by its template; a canary pod
 * that no workspace workload owns stays.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { computeCodeLenses, computeDiagnostics, computeHover, previewSlicesYaml } from '../../src/core/hover/preview';
import type { LiveView, PreviewContext } from '../../src/core/hover/types';
import type { EndpointSlice, Node, Pod, Service } from '../../src/core/k8s/types';
import { WorkspaceIndex } from '../../src/core/manifests/workspaceIndex';
import { at, fixture } from '../fixtures/hover/caret';

function livePod(name: string, labels: Record<string, string>, ip: string, node: string, owner?: string): Pod {
	return {
		apiVersion: 'v1',
		kind: 'Pod',
		metadata: {
			name,
			namespace: 'default',
			uid: `uid-${name}`,
			labels,
			...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner, uid: `uid-${owner}`, controller: true }] } : {}),
		},
		spec: { nodeName: node, containers: [{ name: 'nginx', ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] }] },
		status: {
			phase: 'Running',
			podIP: ip,
			podIPs: [{ ip }],
			conditions: [{ type: 'Ready', status: 'True' }],
		},
	};
}

const webLabels = { 'app.kubernetes.io/name': 'web' };
const livePods: Pod[] = [
	livePod('web-5d8f7-aaaaa', { ...webLabels, 'pod-template-hash': '5d8f7' }, '10.1.0.1', 'kind-worker', 'web-5d8f7'),
	livePod('web-5d8f7-bbbbb', { ...webLabels, 'pod-template-hash': '5d8f7' }, '10.1.0.2', 'kind-worker', 'web-5d8f7'),
	livePod('web-canary', webLabels, '10.1.0.3', 'kind-worker2'),
	livePod('lonely', { app: 'nobody-runs-this' }, '10.1.0.4', 'kind-worker'),
];

const liveService = (name: string, selector: Record<string, string>): Service => ({
	apiVersion: 'v1',
	kind: 'Service',
	metadata: { name, namespace: 'default', uid: `uid-svc-${name}` },
	spec: { type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ipFamilies: ['IPv4'], selector, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
});

const liveSlice = (name: string, ips: string[]): EndpointSlice => ({
	apiVersion: 'discovery.k8s.io/v1',
	kind: 'EndpointSlice',
	metadata: { name, namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
	addressType: 'IPv4',
	endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
	ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
});

const liveNodes: Node[] = [
	{ apiVersion: 'v1', kind: 'Node', metadata: { name: 'kind-worker', labels: { 'topology.kubernetes.io/zone': 'zone-live' } } },
];

const live: LiveView = {
	context: 'kind-dev',
	hasNamespace: (ns) => ns === 'default',
	services: (ns) => (ns === 'default' ? [liveService('web', webLabels), liveService('legacy-web', webLabels)] : []),
	pods: (ns) => (ns === 'default' ? livePods : []),
	endpointSlices: (ns) => (ns === 'default' ? [liveSlice('web-live1', ['10.1.0.1', '10.1.0.2']), liveSlice('web-live2', ['10.1.0.3'])] : []),
	endpoints: () => [],
	nodes: () => liveNodes,
};

function context(withLive: boolean): PreviewContext {
	const index = new WorkspaceIndex();
	for (const name of ['shop.yaml', 'cross/a-services.yaml', 'cross/b-workloads.yaml']) {
		const f = fixture(name);
		index.setFile(f.path, f.text, 1);
	}
	return withLive ? { index, live } : { index };
}

const shop = fixture('shop.yaml');
const doc = { path: shop.path, text: shop.text, version: 1 };

describe('live view: a Service hover', () => {
	const md = computeHover(context(true), doc, at(shop.text, 'kind: Ser|vice'))!.markdown;

	it('live pods owned by workspace workloads are replaced by the templates; others stay, with their origin', () => {
		assert.ok(md.includes('selects 4 pods (4 ready, live pods of context kind\\-dev included)'), md);
		assert.ok(md.includes('ready · live pod web\\-canary (context kind\\-dev)'));
		assert.doesNotMatch(md, /web\\-5d8f7\\-aaaaa/, 'replaced by the Deployment\'s pods');
		assert.equal((md.match(/Deployment web, replica/g) ?? []).length, 3);
	});

	it('compares the live slices now with the predicted ones', () => {
		assert.ok(
			md.includes('Live now (context kind\\-dev): 2 slices · 3 endpoints → after apply: 1 · 4 (2 live pods of workspace workloads replaced or scaled away)'),
			md,
		);
	});

	it('a live pod on a node the view does not list still becomes an endpoint', () => {
		assert.match(md, /- 10\\\.1\\\.0\\\.3 — ready · live pod web\\-canary/);
	});

	it('a namespace the live view has not listed: says so, and predicts from the workspace', () => {
		const a = fixture('cross/a-services.yaml');
		const h = computeHover(context(true), { path: a.path, text: a.text, version: 1 }, at(a.text, 'name: back|end'));
		assert.ok(h?.markdown.includes('Live: namespace shop not loaded from context kind\\-dev; this prediction uses the workspace only.'), h?.markdown);
		assert.ok(h?.markdown.includes('2 endpoints (2 ready)'));
	});

	it('without a live view, no live line', () => {
		const plain = computeHover(context(false), doc, at(shop.text, 'kind: Ser|vice'))!.markdown;
		assert.doesNotMatch(plain, /Live/);
		assert.ok(plain.includes('selects 3 pods (3 ready)'));
	});
});

describe('live view: memoized by what the store holds', () => {
	it('the same objects (uid and resourceVersion) reuse the result; a changed pod does not', () => {
		const versioned = (pods: Pod[]) => pods.map((p, i) => ({ ...p, metadata: { ...p.metadata, resourceVersion: String(100 + i) } }));
		let pods = versioned(livePods);
		let calls = 0;
		const view: LiveView = { ...live, pods: (ns) => (ns === 'default' ? pods : []), nodes: () => [] };
		const ctx: PreviewContext = { ...context(false), live: { ...view, pods: (ns) => (calls++, view.pods(ns)) } };
		const offset = at(shop.text, 'kind: Ser|vice');
		const first = computeHover(ctx, doc, offset)!.markdown;
		const again = computeHover(ctx, doc, offset)!.markdown;
		assert.equal(again, first);
		assert.ok(calls >= 2, 'the view is still asked: the memo key is its contents');
		assert.ok(first.includes('selects 4 pods'), first);
		pods = versioned([...livePods, livePod('web-canary-2', webLabels, '10.1.0.5', 'kind-worker')]);
		assert.ok(computeHover(ctx, doc, offset)!.markdown.includes('selects 5 pods'));
		pods = versioned(livePods).map((p) => (p.metadata?.name === 'web-canary' ? { ...p, metadata: { ...p.metadata, labels: { app: 'moved' }, resourceVersion: '999' } } : p));
		assert.ok(computeHover(ctx, doc, offset)!.markdown.includes('selects 3 pods'), 'a relabelled pod (new resourceVersion) leaves');
	});
});

describe('live view: a workload hover', () => {
	it('lists live Services that select its pods, and the live namespace is used', () => {
		const md = computeHover(context(true), doc, at(shop.text, 'kind: Deploy|ment'))!.markdown;
		assert.ok(md.includes('Selected by 2 Services:'), md);
		assert.match(md, /- live Service legacy\\-web \(context kind\\-dev\): IPv4 slice legacy\\-web\\-[a-z0-9]{5} \(http 80 → http → 8080\/TCP\): 3 pods/);
		assert.doesNotMatch(md, /live Service web /, 'the workspace defines web: shown once, as the workspace Service');
	});

	it('a workload in a namespace that is not listed says so', () => {
		const b = fixture('cross/b-workloads.yaml');
		const md = computeHover(context(true), { path: b.path, text: b.text, version: 1 }, at(b.text, 'kind: Deploy|ment'))!.markdown;
		assert.ok(md.includes('Live: namespace shop not loaded from context kind\\-dev'), md);
	});
});

describe('live view: CodeLens, diagnostics, preview', () => {
	it('"Plan against cluster" only with a live view', () => {
		const withLive = computeCodeLenses(context(true), doc).filter((l) => l.command === 'planFile');
		assert.equal(withLive.length, 2, 'one per Service of the file');
		assert.equal(withLive[0]!.title, 'Plan against cluster');
		assert.deepEqual(withLive[0]!.target, { file: shop.path, namespace: 'default', name: 'web' });
		assert.deepEqual(computeCodeLenses(context(false), doc).filter((l) => l.command === 'planFile'), []);
	});

	it('the lens counts the live pods that stay', () => {
		const lens = computeCodeLenses(context(true), doc).find((l) => l.command === 'summary');
		assert.equal(lens?.title, '→ 1 slice · 4 endpoints (IPv4)');
		assert.match(lens?.tooltip ?? '', /with the live pods of context kind-dev/);
	});

	it('a selector that matches nothing in the workspace but a live pod: the finding says so', () => {
		const orphan = (withLive: boolean) =>
			computeDiagnostics(context(withLive), doc).find((d) => d.code === 'no-matching-pods' && d.name === 'orphan');
		const d = orphan(true);
		assert.ok(d);
		assert.equal(d.severity, 'info');
		assert.match(d.message, /1 live pod in namespace default \(context kind-dev\) matches/);
		assert.equal(orphan(false)?.severity, 'warning');
	});

	it('the full preview says it applies to the context, and keeps the live canary', () => {
		const yaml = previewSlicesYaml(context(true), { file: shop.path, namespace: 'default', name: 'web' })!;
		assert.match(yaml, /^# .*applied to context kind-dev: 2 live pod\(s\) of namespace default stay, 2 live pod\(s\) of workspace workloads are replaced or scaled away\.$/m);
		assert.match(yaml, /^# Pods: 4 selected: 1 from live pods of context kind-dev; 3 from Deployment web \(shop\.yaml:3\)\.$/m);
		const docs = parseAllDocuments(yaml).map((d) => d.toJS() as EndpointSlice);
		const names = docs[0]!.endpoints!.map((e) => e.targetRef?.name);
		assert.ok(names.includes('web-canary'), names.join());
	});
});
