/**
 * Flow diagrams, recorded timelines and the walk-through inside a real extension host, on the playground: what the
 * commands put in the diagram panel, what the webview reports it rendered, and the playground state each walk-through
 * step leaves (the tree and the diagram change together).
 */

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { EndpointLensApi } from '../../src/extension/extension';
import type { DiagramModel, WebviewToHost } from '../../src/shared/protocol';

type Rendered = Extract<WebviewToHost, { type: 'rendered' }>;

let api: EndpointLensApi;

/** Resolves with the next `rendered` report of the panel for a diagram with this id. */
function nextRender(id: string, timeoutMs = 30_000): Promise<Rendered> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			sub.dispose();
			reject(new Error(`no render of ${id} within ${timeoutMs} ms`));
		}, timeoutMs);
		const sub = api.diagrams.onDidRender((r) => {
			if (r.id === id) {
				clearTimeout(timer);
				sub.dispose();
				resolve(r);
			}
		});
	});
}

function settle(): void {
	api.playground.controlPlane?.settle();
	api.playground.store.flush();
}

suite('Flow diagrams, timelines and the walk-through', () => {
	suiteSetup(async function () {
		this.timeout(60_000);
		const ext = vscode.extensions.getExtension<EndpointLensApi>('endpoint-lens.endpoint-lens');
		assert.ok(ext);
		api = await ext.activate();
		await api.playground.start();
		settle();
	});

	suiteTeardown(async () => {
		api.diagrams.close();
		await vscode.commands.executeCommand('workbench.action.closeAllEditors');
	});

	test('Show Flow Diagram on a playground Service renders its controllers, slice and endpoints', async function () {
		this.timeout(60_000);
		const rendered = nextRender('flow:playground/default/web');
		const diagram = await vscode.commands.executeCommand<DiagramModel>('endpointLens.showFlow', {
			type: 'service',
			sourceId: 'playground',
			namespace: 'default',
			name: 'web',
		});
		assert.equal(diagram.kind, 'flow');
		assert.match(diagram.mermaid, /^sequenceDiagram/m);
		const r = await rendered;
		assert.ok(r.ok, r.ok ? '' : r.error);
		assert.ok(r.participants.some((p) => /EndpointSlice controller/i.test(p)), r.participants.join(', '));
		assert.ok(r.participants.some((p) => /kube-proxy/i.test(p)), r.participants.join(', '));
		assert.ok(r.messages > 5);
	});

	test('the flow of a manifest Service (CodeLens "Show flow") is a prediction', async function () {
		this.timeout(60_000);
		const folder = vscode.workspace.workspaceFolders![0]!.uri;
		const file = vscode.Uri.joinPath(folder, 'named-ports.yaml').fsPath;
		const rendered = nextRender('manifest:default/api');
		const diagram = await vscode.commands.executeCommand<DiagramModel>('endpointLens.showFlow', { file, namespace: 'default', name: 'api' });
		assert.match(diagram.subtitle ?? '', /Predicted/);
		const r = await rendered;
		assert.ok(r.ok, r.ok ? '' : r.error);
	});

	test('the recorded timeline follows a pod going not ready', async function () {
		this.timeout(60_000);
		const key = 'timeline:playground/default/web';
		const first = nextRender(key);
		await vscode.commands.executeCommand('endpointLens.showTimeline', { type: 'service', sourceId: 'playground', namespace: 'default', name: 'web' });
		await first;
		const pod = api.playground.store.podsForService('default/web')[0]!.metadata!.name!;
		const again = nextRender(key);
		api.playground.controlPlane!.setPodReady('default', pod, false);
		settle();
		const r = await again;
		assert.ok(r.ok);
		const mermaid = api.diagrams.diagram?.mermaid ?? '';
		assert.ok(mermaid.includes(pod), `the timeline names the pod ${pod}`);
		assert.match(mermaid, /not ready|NotReady/i);
		api.playground.controlPlane!.setPodReady('default', pod, true);
		settle();
	});

	test('the walk-through plays twelve steps on the playground, back and forth, and cleans up when closed', async function () {
		this.timeout(120_000);
		const start = await vscode.commands.executeCommand<DiagramModel>('endpointLens.playground.walkThrough');
		assert.equal(start.kind, 'walkthrough');
		assert.equal(start.step?.index, 0);
		assert.equal(start.step?.total, 12);
		const store = api.playground.store;
		assert.ok(store.get('Service', 'walkthrough', 'demo'), 'step 1 created the Service in the playground');
		assert.deepEqual(store.podsForService('walkthrough/demo'), []);

		const endpointsIn = () => store.slicesForService('walkthrough/demo').reduce((n, s) => n + (s.endpoints?.length ?? 0), 0);
		let d = await api.walkthrough.go(1);
		assert.equal(d?.step?.title, 'Pods start');
		assert.equal(store.podsForService('walkthrough/demo').length, 2);
		assert.equal(endpointsIn(), 2, 'two ready endpoints');
		for (let i = 2; i <= 7; i++) {
			d = await api.walkthrough.go(i);
		}
		assert.equal(d?.step?.index, 7);
		const terminating = store
			.slicesForService('walkthrough/demo')
			.flatMap((s) => s.endpoints ?? [])
			.filter((e) => e.conditions?.terminating);
		assert.equal(terminating.length, 1, 'the removed pod is a terminating endpoint');
		for (let i = 8; i <= 11; i++) {
			d = await api.walkthrough.go(i);
		}
		assert.equal(d?.step?.index, 11);
		assert.equal(d?.step?.canNext, false);
		assert.equal(endpointsIn(), 0, 'no pods left: empty slices');
		assert.ok(store.endpointsForService('walkthrough/demo'), 'the Endpoints object is kept');

		const back = await api.walkthrough.go(1);
		assert.equal(back?.step?.index, 1);
		assert.equal(endpointsIn(), 2, 'going back replays the steps: two endpoints again');
		const rendered = nextRender('walkthrough');
		api.diagrams.update(back!);
		assert.ok((await rendered).ok);

		api.diagrams.close();
		await new Promise((r) => setTimeout(r, 500));
		settle();
		assert.equal(store.get('Service', 'walkthrough', 'demo'), undefined, 'closing the walk-through removes its objects');
	});
});
