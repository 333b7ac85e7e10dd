/**
 * The diagram webview inside a real extension host and workbench: the panel opens, its page says `ready`, renders the
 * host's Mermaid source with the bundled Mermaid and reports what the SVG shows (`onDidRender`). Names are escaped by
 * the builders' `mermaidText`, so a hostile one is drawn as text; a source Mermaid rejects is reported, not drawn; a
 * panel that was hidden (its page discarded: no retainContextWhenHidden) renders again when it is shown.
 */

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { mermaidText } from '../../src/core/diagrams/escape';
import type { EndpointLensApi } from '../../src/extension/extension';
import type { RenderedMessage } from '../../src/extension/flowPanel';
import type { DiagramModel } from '../../src/shared/protocol';

const extensionId = 'endpoint-lens.endpoint-lens';

let api: EndpointLensApi;

/** The next `count` `rendered` reports for diagram `id` (subscribe before showing it). */
function renderedFor(id: string, count: number, timeoutMs = 30_000): Promise<RenderedMessage[]> {
	return new Promise((resolve, reject) => {
		const seen: RenderedMessage[] = [];
		const timer = setTimeout(() => {
			subscription.dispose();
			reject(new Error(`${seen.length} of ${count} rendered reports for ${id} within ${timeoutMs} ms: ${JSON.stringify(seen)}`));
		}, timeoutMs);
		const subscription = api.diagrams.onDidRender((message) => {
			if (message.id === id && seen.push(message) === count) {
				clearTimeout(timer);
				subscription.dispose();
				resolve(seen);
			}
		});
	});
}

/** The next `rendered` report for diagram `id`. */
async function nextRendered(id: string): Promise<RenderedMessage> {
	const [message] = await renderedFor(id, 1);
	return message!;
}

function assertOk(message: RenderedMessage): asserts message is Extract<RenderedMessage, { ok: true }> {
	assert.equal(message.ok, true, message.ok ? '' : `Mermaid rejected the diagram: ${message.error}`);
}

const small: DiagramModel = {
	id: 'test:small',
	kind: 'flow',
	title: 'web: a request',
	subtitle: 'default/web',
	mermaid: [
		'sequenceDiagram',
		'    participant client',
		'    participant proxy as kube-proxy',
		'    participant pod as web-7d4b9-abcde',
		'    client->>proxy: GET http://web/',
		'    proxy->>pod: 10.244.1.5:8080',
		'    pod-->>client: 200 OK',
	].join('\n'),
	notes: ['3 endpoints; one shown.'],
};

suite('diagram panel', () => {
	suiteSetup(async () => {
		const extension = vscode.extensions.getExtension<EndpointLensApi>(extensionId);
		assert.ok(extension);
		api = await extension.activate();
		assert.ok(api.diagrams, 'the API exposes the diagram panel');
	});

	suiteTeardown(() => {
		api?.diagrams.close();
	});

	test('renders a small diagram and reports its participants and messages', async () => {
		const rendered = nextRendered(small.id);
		api.diagrams.show(small);
		const message = await rendered;
		assertOk(message);
		assert.deepEqual(message.participants, ['client', 'kube-proxy', 'web-7d4b9-abcde']);
		assert.equal(message.messages, 3);
		assert.ok(message.ms > 0 && message.ms < 20_000, `rendered in ${message.ms} ms`);
		assert.equal(api.diagrams.visible, true);
		assert.equal(api.diagrams.diagram?.id, small.id);
	});

	test('draws a hostile name as text', async () => {
		const hostile = 'x;alt <img src=x onerror=alert(1)>';
		const diagram: DiagramModel = {
			id: 'test:hostile',
			kind: 'flow',
			title: '<b>not bold</b>',
			mermaid: [
				'sequenceDiagram',
				'    participant c as client',
				`    participant h as ${mermaidText(hostile)}`,
				`    c->>h: ${mermaidText('GET /<script>alert(1)</script>; end', 'message')}`,
			].join('\n'),
		};
		const rendered = nextRendered(diagram.id);
		api.diagrams.update(diagram);
		const message = await rendered;
		assertOk(message);
		assert.deepEqual(message.participants, ['client', hostile]);
		assert.equal(message.messages, 1);
	});

	test('keeps a %%{init}%% directive and Mermaid syntax in a name as text: no theme or security change', async () => {
		const directive = '%%{init: {"securityLevel":"loose","theme":"forest"}}%%';
		const syntax = 'web\nNote over c: pwned\nclick c call alert(1)';
		const diagram: DiagramModel = {
			id: 'test:directive',
			kind: 'flow',
			title: directive,
			mermaid: [
				'sequenceDiagram',
				'    participant c as client',
				`    participant d as ${mermaidText(directive)}`,
				`    participant s as ${mermaidText(syntax)}`,
				`    c->>d: ${mermaidText(directive, 'message')}`,
				`    d->>s: ${mermaidText(syntax, 'message')}`,
			].join('\n'),
		};
		const rendered = nextRendered(diagram.id);
		api.diagrams.update(diagram);
		const message = await rendered;
		assertOk(message);
		// The directive is a participant's name, not configuration; the newlines did not start new statements.
		assert.equal(message.participants.length, 3);
		assert.equal(message.participants[1], directive);
		assert.equal(message.messages, 2);
	});

	test('reports a source Mermaid rejects, and renders the next one', async () => {
		const broken: DiagramModel = { id: 'test:broken', kind: 'flow', title: 'broken', mermaid: 'sequenceDiagram\n    a->>: \n    end end' };
		const failed = nextRendered(broken.id);
		api.diagrams.update(broken);
		const message = await failed;
		assert.equal(message.ok, false);
		assert.ok(!message.ok && message.error.length > 0);

		const rendered = nextRendered(small.id);
		api.diagrams.update(small);
		assertOk(await rendered);
	});

	test('updates the diagram in place when the id is the same', async () => {
		const more: DiagramModel = { ...small, mermaid: `${small.mermaid}\n    client->>proxy: GET http://web/again` };
		const rendered = nextRendered(small.id);
		api.diagrams.update(more);
		const message = await rendered;
		assertOk(message);
		assert.equal(message.messages, 4);
	});

	test('hidden and shown again: the new page draws the saved diagram at once, then the host’s', async () => {
		const column = api.diagrams.viewColumn;
		assert.ok(column !== undefined);
		const folder = vscode.workspace.workspaceFolders?.[0];
		assert.ok(folder, 'the tests run in a workspace folder');
		const file = vscode.Uri.joinPath(folder.uri, 'web.yaml');
		await vscode.window.showTextDocument(file, { viewColumn: column, preview: false });
		for (let i = 0; i < 50 && api.diagrams.visible; i++) {
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		assert.equal(api.diagrams.visible, false, 'a text editor in its column hides the panel');

		// The new page draws the last diagram from its saved state at once (the 4-message update of the previous test),
		// then the host's copy, which it posts on the page's `ready`.
		const rendered = renderedFor(small.id, 2);
		api.diagrams.show(small);
		const [fromState, fromHost] = await rendered;
		assertOk(fromState!);
		assert.equal(fromState.messages, 4);
		assertOk(fromHost!);
		assert.equal(fromHost.messages, 3);
		const tabs = vscode.window.tabGroups.all
			.flatMap((group) => group.tabs)
			.filter((tab) => tab.input instanceof vscode.TabInputText && tab.input.uri.toString() === file.toString());
		await vscode.window.tabGroups.close(tabs);
	});
});
