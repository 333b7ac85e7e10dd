/**
 * Hovers of "preview before apply" on real-world style fixtures (test/fixtures/hover): the cursor is a `|` caret,
 * either in the fixture (carets/) or in a snippet of it (`at(text, 'targetPort: |http')`).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HoverModel, PreviewContext } from '../../src/core/hover/types';
import { computeHover } from '../../src/core/hover/preview';
import { WorkspaceIndex } from '../../src/core/manifests/workspaceIndex';
import { at, caret, caretFixture, fixture } from '../fixtures/hover/caret';

const plainFixtures = [
	'shop.yaml',
	'helm-rendered.yaml',
	'crlf.yaml',
	'slices.yaml',
	'workloads.yaml',
	'edge-services.yaml',
	'cross/a-services.yaml',
	'cross/b-workloads.yaml',
];
const caretFixtures = ['carets/service-name.yaml', 'carets/in-comment.yaml', 'carets/target-port.yaml'];

function workspace(options: ConstructorParameters<typeof WorkspaceIndex>[0] = {}): PreviewContext {
	const index = new WorkspaceIndex(options);
	for (const name of plainFixtures) {
		const f = fixture(name);
		index.setFile(f.path, f.text, 1);
	}
	for (const name of caretFixtures) {
		const f = caretFixture(name);
		index.setFile(f.path, f.text, 1);
	}
	return { index };
}

const ctx = workspace();

/** The hover at the caret of `snippet` in a fixture. */
function hover(name: string, snippet: string, occurrence = 0, context: PreviewContext = ctx): HoverModel | undefined {
	const f = fixture(name);
	return computeHover(context, { path: f.path, text: f.text, version: 1 }, at(f.text, snippet, occurrence));
}

function markdownAt(name: string, snippet: string, occurrence = 0, context: PreviewContext = ctx): string {
	const h = hover(name, snippet, occurrence, context);
	assert.ok(h, `a hover at ${snippet}`);
	return h.markdown;
}

const line = (n: number, from: number, to: number, toLine = n) => ({
	start: { line: n, character: from },
	end: { line: toLine, character: to },
});

describe('hover on a Service: the slices it would get', () => {
	const summary = markdownAt('shop.yaml', 'kind: Ser|vice');

	it('says it is a prediction and names the Service', () => {
		assert.match(summary, /^\*\*Service default\/web\*\* · _Predicted — not applied_/);
	});

	it('per address type: slice count, ports with named targetPorts resolved, endpoints and their origin', () => {
		assert.match(summary, /\*\*IPv4\*\* · 1 slice · 3 endpoints \(3 ready\)/);
		assert.ok(summary.includes('Ports: http 80 → http → 8080/TCP'), summary);
		assert.ok(summary.includes('stats 9100 → stats: not resolved, left out'), 'the UDP-only named port');
		for (const replica of ['1/3', '2/3', '3/3']) {
			assert.ok(summary.includes(`ready · Deployment web, replica ${replica} ([shop\\.yaml:3](`), replica);
		}
		assert.match(summary, /v1 Endpoints .*: 3 ready, 0 not ready addresses/);
		assert.doesNotMatch(summary, /IPv6/, 'a single-stack Service');
	});

	it('the same hover on metadata.name, the selector and its keys, the ports and their items; range = the key/value', () => {
		const cases: [string, ReturnType<typeof line>][] = [
			['  name: w|eb\nspec:', line(37, 2, 11)],
			['  selec|tor:\n    app.kubernetes.io/name: web #', line(39, 2, 53, 40)],
			['app.kubernetes.io/name: w|eb #', line(40, 4, 31)],
			['  po|rts:\n    - name: http\n      port: 80', line(41, 2, 23, 47)],
			['      port: 8|0', line(43, 6, 14)],
			['    - name: ht|tp\n      port: 80', line(42, 6, 16)],
		];
		for (const [snippet, range] of cases) {
			const h = hover('shop.yaml', snippet);
			assert.ok(h, snippet);
			assert.equal(h.markdown, summary, snippet);
			assert.deepEqual(h.range, range, snippet);
		}
	});

	it('on the kind: the range is `kind: Service`', () => {
		assert.deepEqual(hover('shop.yaml', 'kind: Ser|vice')?.range, line(35, 0, 13));
	});

	it('a caret inside a fixture: the Service name', () => {
		const f = caretFixture('carets/service-name.yaml');
		const h = computeHover(ctx, { path: f.path, text: f.text, version: 1 }, f.offset);
		assert.ok(h);
		assert.match(h.markdown, /\*\*Service default\/caret\\-web\*\*/);
		assert.deepEqual(h.range, line(3, 2, 17));
		assert.ok(h.markdown.includes('Ports: 80 → http → 8080/TCP'));
	});

	it('large previews: the first N endpoints, then "and K more" with a link to the full preview', () => {
		const small: PreviewContext = { ...ctx, maxHoverEndpoints: 2 };
		const md = markdownAt('shop.yaml', 'kind: Ser|vice', 0, small);
		assert.equal((md.match(/ready · Deployment web/g) ?? []).length, 2);
		const args = encodeURIComponent(JSON.stringify([{ file: 'test/fixtures/hover/shop.yaml', namespace: 'default', name: 'web' }]));
		assert.ok(md.includes(`- and 1 more — [full preview](command:endpointLens.previewSlices?${args})`), md);
	});

	it('dual-stack: one section per family', () => {
		const md = markdownAt('edge-services.yaml', 'name: ec|ho');
		assert.match(md, /\*\*IPv4\*\* · 1 slice · 2 endpoints/);
		assert.match(md, /\*\*IPv6\*\* · 1 slice · 2 endpoints/);
		assert.match(md, /- fd00:10:244::[0-9a-f:]+ — ready · Deployment echo/);
	});

	it('several slices: their sizes', () => {
		const many = workspace({ maxEndpointsPerSlice: 2 });
		assert.match(markdownAt('shop.yaml', 'kind: Ser|vice', 0, many), /\*\*IPv4\*\* · 2 slices of 2 \+ 1 · 3 endpoints/);
	});

	it('ports that resolve differently: one group of slices per port set', () => {
		const index = new WorkspaceIndex();
		const deployment = (name: string, port: number) =>
			`apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api, v: ${name}}\n    spec:\n      containers:\n        - name: c\n          ports:\n            - {name: api, containerPort: ${port}}\n`;
		const text = `apiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  selector: {app: api}\n  ports:\n    - {name: http, port: 80, targetPort: api}\n---\n${deployment('v1', 8080)}---\n${deployment('v2', 9090)}`;
		index.setFile('/ws/api.yaml', text);
		const h = computeHover({ index }, { path: '/ws/api.yaml', text }, text.indexOf('kind: Service') + 1);
		assert.ok(h);
		assert.match(h.markdown, /Ports differ between pods .*: 2 port sets/);
		assert.ok(h.markdown.includes('- 1 slice, 1 endpoint: http 80 → api → 8080/TCP'));
		assert.ok(h.markdown.includes('- 1 slice, 1 endpoint: http 80 → api → 9090/TCP'));
	});

	it('a selector that matches nothing: an empty placeholder slice', () => {
		const md = markdownAt('shop.yaml', '  name: orp|han');
		assert.ok(md.includes('Selector app=nobody\\-runs\\-this selects no pods in the workspace'), md);
		assert.ok(md.includes('**IPv4** · 1 slice (empty placeholder) · 0 endpoints'));
	});

	it('headless StatefulSet: endpoints carry the pods\' hostnames', () => {
		const md = markdownAt('workloads.yaml', '  name: d|b');
		assert.ok(md.includes('ready · hostname db\\-0 · StatefulSet db, replica 1/2'), md);
	});

	it('ExternalName, selector-less with Endpoints (mirroring), selector-less without', () => {
		assert.match(markdownAt('edge-services.yaml', 'name: paym|ents'), /ExternalName → CNAME payments\\\.example\\\.com/);
		const mirrored = markdownAt('slices.yaml', '  name: legacy|-db', 0);
		assert.ok(mirrored.includes('No selector: the mirroring controller copies the Endpoints object ([slices\\.yaml:11]'), mirrored);
		assert.ok(mirrored.includes('- 192\\.168\\.10\\.13 — not ready · from Endpoints'));
		const none = markdownAt('edge-services.yaml', 'name: by-h|and');
		assert.match(none, /No selector and no Endpoints object named by\\-hand in the workspace/);
		const handWritten = markdownAt('slices.yaml', '  name: external-a|pi\n');
		assert.ok(handWritten.includes('1 EndpointSlice written in the workspace carries its kubernetes.io/service-name label: [slices\\.yaml:36]'), handWritten);
	});

	it('publishNotReadyAddresses is called out', () => {
		const index = new WorkspaceIndex();
		const text =
			'apiVersion: v1\nkind: Service\nmetadata:\n  name: peers\nspec:\n  publishNotReadyAddresses: true\n  selector: {app: peers}\n  ports: [{port: 7946}]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: peers\n  annotations:\n    endpointlens.io/simulate: "notReady=1"\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: peers}}\n  template:\n    metadata: {labels: {app: peers}}\n    spec: {containers: [{name: c}]}\n';
		index.setFile('/ws/p.yaml', text);
		const h = computeHover({ index }, { path: '/ws/p.yaml', text }, 20);
		assert.ok(h);
		assert.ok(h.markdown.includes('selects 2 pods (1 ready)'));
		assert.ok(h.markdown.includes('publishNotReadyAddresses: every endpoint is published as ready'));
		assert.ok(h.markdown.includes('2 endpoints (2 ready)'));
	});

	it('an overridden definition says which one wins', () => {
		const index = new WorkspaceIndex();
		const text = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: dup\nspec:\n  selector: {app: dup}\n  ports: [{port: 80}]\n';
		index.setFile('/ws/a.yaml', text);
		index.setFile('/ws/b.yaml', text.replace('port: 80', 'port: 81'));
		const h = computeHover({ index }, { path: '/ws/a.yaml', text }, text.indexOf('dup'));
		assert.ok(h);
		assert.ok(h.markdown.includes('⚠ Overridden by [b\\.yaml:1](file:///ws/b.yaml#L1): the later definition wins'), h.markdown);
		const winner = computeHover({ index }, { path: '/ws/b.yaml', text: index.text('/ws/b.yaml')! }, text.indexOf('dup'));
		assert.doesNotMatch(winner!.markdown, /Overridden/);
	});

	it('a Service the API server would reject: why, instead of a prediction', () => {
		const index = new WorkspaceIndex({ profile: { dualStack: false } });
		const text = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: ds\nspec:\n  ipFamilyPolicy: RequireDualStack\n  selector: {app: ds}\n  ports: [{port: 80}]\n';
		index.setFile('/ws/ds.yaml', text);
		const h = computeHover({ index }, { path: '/ws/ds.yaml', text }, text.indexOf('ds\n'));
		assert.ok(h);
		assert.match(h.markdown, /The API server would reject this Service: spec\\\.ipFamilyPolicy: this cluster is not configured for dual\\-stack/);
	});

	it('escapes every name from the manifest for markdown', () => {
		const index = new WorkspaceIndex();
		const text =
			'apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  selector:\n    app: my_app.v1_2\n  ports: [{name: a-b, port: 80}]\n';
		index.setFile('/ws/[x](y).yaml', text);
		const h = computeHover({ index }, { path: '/ws/[x](y).yaml', text }, text.indexOf('kind'));
		assert.ok(h);
		assert.ok(h.markdown.includes('app=my\\_app\\.v1\\_2'), h.markdown);
		assert.doesNotMatch(h.markdown, /[^\\]_app/);
		const link = /\[Open the full preview\]\(command:endpointLens\.previewSlices\?([^)]*)\)$/.exec(h.markdown);
		assert.ok(link, 'parentheses of the path do not end the link target');
		assert.deepEqual(JSON.parse(decodeURIComponent(link[1]!)), [{ file: '/ws/[x](y).yaml', namespace: 'default', name: 'x' }]);
	});
});

describe('hover on a targetPort: how it resolves in each selected pod template', () => {
	it('resolved: the container port and the container', () => {
		const md = markdownAt('crlf.yaml', 'targetPort: gr|pc');
		assert.match(md, /^\*\*targetPort grpc\*\* of port grpc 50051\/TCP · _Predicted — not applied_/);
		assert.ok(md.includes('- Deployment api ([crlf\\.yaml:13]'), md);
		assert.ok(md.includes('2 pods: → 9000/TCP (container api)'));
	});

	it('found with another protocol', () => {
		const md = markdownAt('shop.yaml', 'targetPort: st|ats');
		assert.ok(md.includes('not resolved: container exporter names a port stats but with protocol UDP, not TCP'), md);
	});

	it('only in a non-restartable init container; found in a sidecar', () => {
		assert.ok(markdownAt('workloads.yaml', 'targetPort: migr|ate').includes('only init container migrate names it'));
		assert.ok(markdownAt('workloads.yaml', 'targetPort: pro|xy').includes('→ 15001/TCP (container proxy)'));
	});

	it('a caret in the fixture, on the key: a named port of another container of the template', () => {
		const f = caretFixture('carets/target-port.yaml');
		const h = computeHover(ctx, { path: f.path, text: f.text, version: 1 }, f.offset);
		assert.ok(h);
		assert.deepEqual(h.range, line(10, 6, 25));
		assert.ok(h.markdown.includes('3 pods: → 9113/TCP (container nginx)'), h.markdown);
	});

	it('numeric targetPorts: used as written, with whether a container declares them', () => {
		const md = markdownAt('edge-services.yaml', 'targetPort: 56|78');
		assert.ok(md.includes('→ 5678/TCP as written; no container declares it'), md);
		const index = new WorkspaceIndex();
		const text =
			'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  selector: {app: s}\n  ports: [{port: 80, targetPort: 8080}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: s, labels: {app: s}}\nspec:\n  containers: [{name: web, ports: [{containerPort: 8080}]}]\n';
		index.setFile('/ws/s.yaml', text);
		const h = computeHover({ index }, { path: '/ws/s.yaml', text }, text.indexOf('targetPort'));
		assert.ok(h?.markdown.includes('- Pod s ([s\\.yaml:8]'), h?.markdown);
		assert.ok(h?.markdown.includes('1 pod: → 8080/TCP, declared by container web'));
	});

	it('no selector, or no pods: says so', () => {
		const index = new WorkspaceIndex();
		const text =
			'apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  ports: [{port: 80, targetPort: 8080}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b}\nspec:\n  selector: {app: nothing}\n  ports: [{port: 80, targetPort: web}]\n';
		index.setFile('/ws/t.yaml', text);
		const first = computeHover({ index }, { path: '/ws/t.yaml', text }, text.indexOf('targetPort'));
		assert.match(first!.markdown, /No selector: targetPort is not resolved against pods/);
		const second = computeHover({ index }, { path: '/ws/t.yaml', text }, text.lastIndexOf('targetPort'));
		assert.match(second!.markdown, /selects no pods in the workspace: nothing to resolve against/);
	});
});

describe('hover on a workload: the Services that select it', () => {
	it('Deployment: selecting Services, the slice its pods land in, and targetPort resolution', () => {
		const md = markdownAt('shop.yaml', 'kind: Deploy|ment');
		assert.match(md, /^\*\*Deployment web\*\* · 3 pods \(3 ready\) · _Predicted — not applied_/);
		assert.ok(md.includes('Pod labels: app\\.kubernetes\\.io/name=web,app\\.kubernetes\\.io/part\\-of=shop (and pod\\-template\\-hash'), md);
		assert.ok(md.includes('Selected by 3 Services:'), 'web, and the caret fixtures\' caret-web and tgt');
		assert.match(md, /- Service web \(\[shop\\\.yaml:35\]\([^)]*\)\): IPv4 slice web\\-[a-z0-9]{5} \(http 80 → http → 8080\/TCP\): 3 pods/);
		assert.ok(md.includes('targetPort http (port http 80) → 8080/TCP (container nginx)'));
		assert.ok(md.includes('targetPort stats (port stats 9100) not resolved: container exporter names a port stats but with protocol UDP'));
	});

	it('the same on the name and on the template labels (an alias here)', () => {
		const byKind = markdownAt('shop.yaml', 'kind: Deploy|ment');
		assert.equal(markdownAt('shop.yaml', '  name: w|eb\n  labels: &'), byKind);
		const labels = hover('shop.yaml', '      lab|els: *web-labels');
		assert.equal(labels?.markdown, byKind);
		assert.deepEqual(labels?.range, line(15, 6, 25));
	});

	it('on a container port: which Service ports target it', () => {
		const md = markdownAt('shop.yaml', 'containerPort: 80|80');
		assert.match(md, /This container port \(http 8080\/TCP\) is the target of Service caret\\-web port 80 \(.*\), Service web port http 80 \(\[shop\\\.yaml:35\]/);
		assert.doesNotMatch(md, /target of .*Service tgt/, 'tgt targets the metrics port');
		const udp = markdownAt('shop.yaml', 'containerPort: 91|00');
		assert.ok(udp.includes('No selecting Service targets this container port (stats 9100/UDP).'), udp);
	});

	it('StatefulSet, DaemonSet (a pod without the port lands in a slice without it), CronJob, bare Pod', () => {
		assert.match(markdownAt('workloads.yaml', 'kind: StatefulS|et'), /Service db .*: IPv4 slice db\\-[a-z0-9]{5} \(postgres 5432 → 5432\/TCP\): 2 pods/);
		const ds = markdownAt('workloads.yaml', 'kind: DaemonS|et');
		assert.match(ds, /^\*\*DaemonSet node\\-agent\*\* · 3 pods/);
		assert.match(ds, /IPv4 slice node\\-dns\\-[a-z0-9]{5} \(no ports\): 3 pods/);
		assert.ok(ds.includes('with protocol TCP, not UDP'));
		assert.ok(markdownAt('workloads.yaml', 'kind: CronJ|ob').includes('No Service in the workspace selects these pods.'));
		const pod = markdownAt('workloads.yaml', '  name: deb|ug');
		assert.match(pod, /^\*\*Pod debug\*\* · 1 pod/);
		assert.ok(pod.includes('Service shell'));
		assert.ok(markdownAt('helm-rendered.yaml', 'containerPort: 8|0').includes('target of Service release\\-shop port http 80'));
	});

	it('other workload fields: no hover (the schema says it all)', () => {
		assert.equal(hover('shop.yaml', '  replicas: |3'), undefined);
		assert.equal(hover('shop.yaml', 'image: nginx:1.|27'), undefined);
	});
});

describe('hover on EndpointSlice and Endpoints written in YAML', () => {
	it('a hand-written slice: who owns it, and that kube-proxy uses it', () => {
		const md = markdownAt('slices.yaml', '  name: external-api-|1');
		assert.ok(md.includes('**EndpointSlice default/external\\-api\\-1** (written by hand)'));
		assert.ok(md.includes('Managed by my\\-controller\\.example\\.com, not a control-plane controller'));
		assert.ok(md.includes('these endpoints take traffic for Service external\\-api ([slices\\.yaml:27]'), md);
	});

	it('a slice labelled for the EndpointSlice controller of a Service with a selector is replaced', () => {
		const md = markdownAt('slices.yaml', '  name: web-man|ual');
		assert.match(md, /Labelled as managed by the EndpointSlice controller, and Service web\\-ctl .* has a selector/);
		assert.ok(md.includes('it is deleted and replaced by the controller\'s own'));
		assert.equal(markdownAt('slices.yaml', 'endpointslice.kubernetes.io/managed-by: endpointslice-con|troller'), md.split('\n\n').slice(1).join('\n\n'));
	});

	it('conditions: terminating but still serving', () => {
		const h = hover('slices.yaml', 'serving: t|rue');
		assert.ok(h);
		assert.deepEqual(h.range, line(52, 6, 19));
		assert.ok(h.markdown.includes('**Endpoint 203\\.0\\.113\\.10**: ready false, serving true, terminating true'));
		assert.ok(h.markdown.includes('Terminating but still serving: kube-proxy uses it only when no ready endpoint exists'));
		assert.equal(hover('slices.yaml', 'ready: fal|se')?.markdown, h.markdown, 'the same on each condition');
	});

	it('hints, addressType, the service-name label, ports', () => {
		assert.ok(markdownAt('slices.yaml', 'forZo|nes').includes('kube-proxy in zone zone\\-a prefers this endpoint'));
		assert.ok(markdownAt('slices.yaml', 'addressType: IP|v6').includes('has ipFamilies IPv4: kube-proxy programs only those families'));
		assert.ok(markdownAt('slices.yaml', 'addressType: IP|v4').includes('IPv4 cluster IP of Service external\\-api'));
		assert.ok(markdownAt('slices.yaml', 'kubernetes.io/service-name: ext|ernal-api').startsWith('Links this slice to Service external\\-api'));
		assert.ok(markdownAt('slices.yaml', '    port: 84|43').includes('- https 8443/TCP ← Service port https 443'));
	});

	it('Endpoints: mirrored (selector-less Service), overwritten (Service with selector), skipped (label)', () => {
		const mirrored = markdownAt('slices.yaml', 'kind: Endpoin|ts');
		assert.ok(mirrored.includes('has no selector: the mirroring controller copies this object into EndpointSlices'));
		assert.ok(mirrored.includes('Mirrored: 1 slice (one per address type and port set) with 3 endpoints'));
		assert.ok(markdownAt('slices.yaml', '- ip: 192.168.10.1|3').startsWith('Mirrored as endpoints with `ready: false`'));
		assert.ok(markdownAt('slices.yaml', '- ip: 192.168.10.1|1').startsWith('Mirrored as endpoints with `ready: true`'));
		assert.ok(markdownAt('slices.yaml', '- name: adm|in').includes('- admin 33062/TCP: no Service port is named "admin"'));
		assert.ok(markdownAt('slices.yaml', 'name: web-c|tl', 2).includes('the Endpoints controller owns the Endpoints object of that name and overwrites this one'));
		assert.ok(markdownAt('slices.yaml', '  name: nob|ody').includes('never mirrored into EndpointSlices'));
	});

	it('fields with nothing beyond the schema: no hover', () => {
		assert.equal(hover('slices.yaml', 'zone: zo|ne-a'), undefined);
		assert.equal(hover('slices.yaml', '- 203.0.113.1|1'), undefined);
		assert.equal(hover('slices.yaml', 'apiVersion: discovery.k8s.io/|v1'), undefined);
	});
});

describe('no hover outside what we can explain', () => {
	it('comments, blank space, and separators', () => {
		const f = caretFixture('carets/in-comment.yaml');
		assert.equal(computeHover(ctx, { path: f.path, text: f.text, version: 1 }, f.offset), undefined);
		assert.equal(hover('shop.yaml', '# The pub|lic'), undefined);
		assert.equal(hover('shop.yaml', 'web # only the na|me'), undefined);
		assert.equal(hover('shop.yaml', ' | ports:\n    - name: http\n      port: 80'), undefined, 'indentation');
		assert.equal(hover('helm-rendered.yaml', '--- # Source: shop/templates/depl|oyment'), undefined);
		assert.equal(hover('helm-rendered.yaml', '# Source: shop/templates/servi|ce.yaml'), undefined);
	});

	it('unsupported kinds and fields, offsets out of the text', () => {
		assert.equal(hover('shop.yaml', 'kind: Config|Map'), undefined);
		assert.equal(hover('helm-rendered.yaml', 'kind: ServiceAcc|ount'), undefined);
		assert.equal(hover('helm-rendered.yaml', '  type: Cluster|IP'), undefined);
		const f = fixture('shop.yaml');
		assert.equal(computeHover(ctx, { path: f.path, text: f.text, version: 1 }, -1), undefined);
		assert.equal(computeHover(ctx, { path: f.path, text: f.text, version: 1 }, f.text.length + 5), undefined);
	});

	it('a broken document in the middle: no hover there, the documents around it still hover', () => {
		assert.equal(hover('shop.yaml', 'metadata: {name: [bro|ken'), undefined);
		assert.ok(hover('shop.yaml', 'kind: Ser|vice', 2), 'the Service after it');
		assert.ok(hover('shop.yaml', 'kind: Ser|vice', 0), 'the Service before it');
	});
});

describe('real-world files', () => {
	it('Helm-rendered output: `# Source:` headers, `---` followed by a comment', () => {
		const svc = markdownAt('helm-rendered.yaml', '  name: release-sh|op', 1);
		assert.match(svc, /^\*\*Service default\/release\\-shop\*\*/);
		assert.ok(svc.includes('Deployment release\\-shop, replica 2/2 ([helm\\-rendered\\.yaml:32]'), svc);
		assert.match(markdownAt('helm-rendered.yaml', 'kind: Deploy|ment'), /^\*\*Deployment release\\-shop\*\* · 2 pods/);
	});

	it('CRLF line endings: ranges stop before the \\r, pods and ports resolve', () => {
		const f = fixture('crlf.yaml');
		assert.ok(f.text.includes('\r\n'), 'the fixture keeps its CRLF line endings');
		const h = hover('crlf.yaml', '  name: a|pi #');
		assert.deepEqual(h?.range, line(3, 2, 11));
		assert.ok(h?.markdown.includes('Ports: grpc 50051 → grpc → 9000/TCP'));
		assert.ok(hover('crlf.yaml', 'containerPort: 90|00')?.markdown.includes('is the target of Service api port grpc 50051'));
	});

	it('a document given with a caret inline, not yet in the index: put into the index first', () => {
		const index = new WorkspaceIndex();
		const { text, offset } = caret('apiVersion: v1\nkind: Service\nmetadata:\n  name: fre|sh\nspec:\n  selector: {app: fresh}\n  ports: [{port: 80}]\n');
		const h = computeHover({ index }, { path: '/ws/fresh.yaml', text, version: 7 }, offset);
		assert.ok(h?.markdown.startsWith('**Service default/fresh**'));
		assert.equal(index.hasFile('/ws/fresh.yaml'), true);
	});
});

describe('incremental hovers', () => {
	it('changing a workload in file B changes the hover of a Service in file A', () => {
		const index = new WorkspaceIndex();
		const a = fixture('cross/a-services.yaml');
		const b = fixture('cross/b-workloads.yaml');
		index.setFile(a.path, a.text, 1);
		index.setFile(b.path, b.text, 1);
		const offset = at(a.text, 'name: back|end');
		const before = computeHover({ index }, { path: a.path, text: a.text, version: 1 }, offset)!.markdown;
		assert.ok(before.includes('2 endpoints (2 ready)'));
		index.setFile(b.path, b.text.replace('replicas: 2', 'replicas: 4').replace('containerPort: 8080', 'containerPort: 8443'), 2);
		const after = computeHover({ index }, { path: a.path, text: a.text, version: 1 }, offset)!.markdown;
		assert.ok(after.includes('4 endpoints (4 ready)'), after);
		assert.ok(after.includes('http 80 → http → 8443/TCP'));
		index.deleteFile(b.path);
		const gone = computeHover({ index }, { path: a.path, text: a.text, version: 1 }, offset)!.markdown;
		assert.ok(gone.includes('selects no pods in the workspace'));
	});

	it('hovering the same version again parses nothing', () => {
		const index = new WorkspaceIndex();
		const a = fixture('cross/a-services.yaml');
		computeHover({ index }, { path: a.path, text: a.text, version: 1 }, at(a.text, 'name: back|end'));
		const { parses } = index.stats;
		const generation = index.generation;
		computeHover({ index }, { path: a.path, text: a.text, version: 1 }, at(a.text, 'kind: Serv|ice'));
		assert.equal(index.stats.parses, parses);
		assert.equal(index.generation, generation);
	});
});
