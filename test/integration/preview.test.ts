/**
 * Preview before apply inside a real extension host: hovers, CodeLens and diagnostics through VS Code's own provider
 * commands (`vscode.executeHoverProvider`, `vscode.executeCodeLensProvider`, `languages.getDiagnostics`), on the
 * workspace (a copy of `examples/`) and on files the tests write into it.
 */

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { EndpointLensApi } from '../../src/extension/extension';

const extensionId = 'endpoint-lens.endpoint-lens';

let api: EndpointLensApi;
const written: vscode.Uri[] = [];

function folder(): vscode.Uri {
	const f = vscode.workspace.workspaceFolders?.[0];
	assert.ok(f, 'the tests run in a workspace folder');
	return f.uri;
}

async function writeFile(name: string, text: string): Promise<vscode.TextDocument> {
	const uri = vscode.Uri.joinPath(folder(), name);
	await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
	written.push(uri);
	const doc = await vscode.workspace.openTextDocument(uri);
	await vscode.window.showTextDocument(doc);
	await api.previews.whenIdle();
	return doc;
}

async function open(name: string): Promise<vscode.TextDocument> {
	const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder(), name));
	await vscode.window.showTextDocument(doc);
	await api.previews.whenIdle();
	return doc;
}

/** The position of the `nth` occurrence of `needle` after `after` (both plain text) in the document. */
function positionOf(doc: vscode.TextDocument, needle: string, after = ''): vscode.Position {
	const text = doc.getText();
	const start = after ? text.indexOf(after) : 0;
	assert.ok(start >= 0, `"${after}" is in ${doc.uri.path}`);
	const at = text.indexOf(needle, start);
	assert.ok(at >= 0, `"${needle}" is in ${doc.uri.path} after "${after}"`);
	return doc.positionAt(at + 1);
}

async function hoverText(doc: vscode.TextDocument, position: vscode.Position): Promise<string> {
	const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, position);
	return hovers
		.flatMap((h) => h.contents)
		.map((c) => (typeof c === 'string' ? c : c.value))
		.filter((v) => /Predicted|EndpointSlice|endpoint/.test(v))
		.join('\n---\n');
}

async function lensTitles(doc: vscode.TextDocument): Promise<{ line: number; title: string; command: string }[]> {
	const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100);
	// Endpoint Lens's lenses: its commands, and the count, a lens of text only (no command id).
	return lenses
		.filter((l) => l.command && (l.command.command.startsWith('endpointLens.') || (l.command.command === '' && l.command.title.startsWith('→'))))
		.map((l) => ({ line: l.range.start.line, title: l.command!.title, command: l.command!.command }));
}

/**
 * Replaces a line of a document (unsaved) and returns how to undo it: the original line back, saved, so that the
 * document is clean and the disk unchanged for the suites that follow.
 */
async function replaceLine(doc: vscode.TextDocument, line: number, text: string): Promise<() => Promise<void>> {
	const original = doc.lineAt(line).text;
	const edit = new vscode.WorkspaceEdit();
	edit.replace(doc.uri, doc.lineAt(line).range, text);
	assert.ok(await vscode.workspace.applyEdit(edit));
	return async () => {
		const back = new vscode.WorkspaceEdit();
		back.replace(doc.uri, doc.lineAt(line).range, original);
		assert.ok(await vscode.workspace.applyEdit(back));
		// VS Code may see the text is the saved one again and clear the dirty flag itself: then there is nothing to save.
		if (doc.isDirty) {
			await doc.save();
		}
		await eventually(() => assert.equal(doc.isDirty, false), `${doc.uri.path} is clean again`);
		const disk = new TextDecoder().decode(await vscode.workspace.fs.readFile(doc.uri));
		assert.equal(disk, doc.getText(), `${doc.uri.path} is on disk as it was`);
	};
}

function ourDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
	return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Endpoint Lens');
}

/** Waits until `check` passes (the previews recompute on a short debounce after edits). */
async function eventually<T>(check: () => Promise<T> | T, what: string, timeoutMs = 10_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		try {
			return await check();
		} catch (err) {
			if (Date.now() > deadline) {
				throw new Error(`${what}: ${err instanceof Error ? err.message : String(err)}`);
			}
			await new Promise((r) => setTimeout(r, 100));
		}
	}
}

suite('Preview before apply: hovers, CodeLens, diagnostics', () => {
	suiteSetup(async function () {
		this.timeout(60_000);
		const ext = vscode.extensions.getExtension<EndpointLensApi>(extensionId);
		assert.ok(ext, `${extensionId} is installed`);
		api = await ext.activate();
	});

	suiteTeardown(async () => {
		await vscode.commands.executeCommand('workbench.action.closeAllEditors');
		for (const uri of written) {
			await vscode.workspace.fs.delete(uri).then(undefined, () => undefined);
		}
		// A playground started by an earlier suite may have re-applied (a save) while these files existed.
		if (api.playground.started) {
			await api.playground.reapply();
		}
	});

	test('a hover on a Service shows the predicted slice, its port and where each endpoint comes from', async function () {
		this.timeout(30_000);
		const doc = await open('web.yaml');
		const text = await hoverText(doc, positionOf(doc, 'name: web', 'kind: Service'));
		assert.match(text, /predict/i, 'the hover says it is a prediction');
		assert.match(text, /IPv4/);
		assert.match(text, /8080/, 'the named targetPort http resolves to 8080');
		if (api.live.connection.phase === 'ready') {
			// The test API server runs examples/: the Deployment's template is unchanged, so its live pods stay.
			assert.equal((text.match(/live pod web\\?-/g) ?? []).length, 3, 'three endpoints, the live pods of Deployment web');
		} else {
			assert.match(text, /Deployment web/, 'endpoints name their workload');
			assert.equal((text.match(/replica \d\/3/g) ?? []).length, 3, 'three endpoints, one per replica');
		}
		assert.match(text, /command:endpointLens\.previewSlices/, 'the hover links to the full preview');
	});

	test('a hover on a workload names the Services that select it', async function () {
		this.timeout(30_000);
		const doc = await open('web.yaml');
		const text = await hoverText(doc, positionOf(doc, 'name: web', 'kind: Deployment'));
		assert.match(text, /Service/);
		assert.match(text, /web/);
	});

	test('CodeLens above each Service counts slices and endpoints, and opens the full preview', async function () {
		this.timeout(30_000);
		const doc = await open('named-ports.yaml');
		const lenses = await lensTitles(doc);
		const serviceLine = positionOf(doc, 'kind: Service').line;
		const count = lenses.find((l) => l.title.startsWith('→'));
		assert.ok(count, `a count lens among ${JSON.stringify(lenses)}`);
		assert.equal(count.title, '→ 2 slices · 4 endpoints (IPv4)');
		assert.equal(count.command, '', 'the count is text, not a command');
		assert.ok(Math.abs(count.line - serviceLine) <= 3, `the lens sits on the Service (line ${count.line}, Service at ${serviceLine})`);
		const preview = lenses.find((l) => l.command === 'endpointLens.previewSlices');
		assert.ok(preview, `a Preview slices lens among ${JSON.stringify(lenses)}`);
		assert.equal(preview.title, 'Preview slices');
		assert.equal(preview.line, count.line);
		assert.equal(
			lenses.some((l) => l.command === 'endpointLens.planFile'),
			api.live.connection.phase === 'ready',
			'a plan lens exactly when a context is connected',
		);

		const lens = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100)).find(
			(l) => l.command?.command === 'endpointLens.previewSlices',
		)!;
		await vscode.commands.executeCommand(lens.command!.command, ...(lens.command!.arguments ?? []));
		const editor = await eventually(() => {
			const e = vscode.window.activeTextEditor;
			assert.equal(e?.document.uri.scheme, 'endpoint-lens-preview');
			return e!;
		}, 'the preview opens');
		const yaml = editor.document.getText();
		assert.equal((yaml.match(/^kind: EndpointSlice$/gm) ?? []).length, 2, 'two predicted slices');
		assert.match(yaml, /port: 8080/);
		assert.match(yaml, /port: 9090/);
		assert.equal(editor.document.languageId, 'yaml');
	});

	test('diagnostics: a selector that matches nothing, an unresolvable named targetPort, a misspelled field', async function () {
		this.timeout(30_000);
		const doc = await writeFile(
			'preview-problems.yaml',
			[
				'apiVersion: v1',
				'kind: Service',
				'metadata:',
				'  name: lonely',
				'spec:',
				'  selector:',
				'    app: nobody-runs-this',
				'  ports:',
				'    - port: 80',
				'---',
				'apiVersion: v1',
				'kind: Service',
				'metadata:',
				'  name: web-admin',
				'spec:',
				'  publishNotReadyEndpoints: true',
				'  selector:',
				'    app.kubernetes.io/name: web',
				'  ports:',
				'    - port: 9000',
				'      targetPort: admin',
				'',
			].join('\n'),
		);
		const diagnostics = await eventually(() => {
			const d = ourDiagnostics(doc.uri);
			assert.ok(d.length >= 3, `three findings, got ${JSON.stringify(d.map((x) => x.message))}`);
			return d;
		}, 'diagnostics appear');
		const at = (line: number) => diagnostics.filter((d) => d.range.start.line === line);
		assert.ok(
			at(5).some((d) => /nobody-runs-this|selects no pods|matches no/i.test(d.message)),
			`the selector (line 6) is flagged: ${JSON.stringify(diagnostics.map((d) => [d.range.start.line, d.message]))}`,
		);
		assert.ok(at(15).some((d) => /publishNotReadyAddresses/.test(d.message)), 'the misspelled field is flagged with the right name');
		assert.ok(at(20).some((d) => /admin/.test(d.message)), 'the unresolvable targetPort is flagged on its line');
		assert.ok(diagnostics.every((d) => d.source === 'Endpoint Lens'));
	});

	test('a Service in one file follows an unsaved edit of the workload in another', async function () {
		this.timeout(30_000);
		const svc = await writeFile(
			'preview-other-service.yaml',
			['apiVersion: v1', 'kind: Service', 'metadata:', '  name: web-internal', 'spec:', '  selector:', '    app.kubernetes.io/name: web', '  ports:', '    - port: 8080', ''].join('\n'),
		);
		await eventually(async () => {
			const titles = (await lensTitles(svc)).map((l) => l.title);
			assert.ok(titles.some((t) => /1 slice · 3 endpoints/.test(t)), JSON.stringify(titles));
		}, 'the lens counts the 3 replicas of web.yaml');

		const web = await open('web.yaml');
		const replicas = positionOf(web, 'replicas: 3');
		const undo = await replaceLine(web, replicas.line, '  replicas: 5');
		try {
			await eventually(async () => {
				await api.previews.whenIdle();
				const titles = (await lensTitles(svc)).map((l) => l.title);
				assert.ok(titles.some((t) => /1 slice · 5 endpoints/.test(t)), JSON.stringify(titles));
			}, 'the lens follows the edit');
		} finally {
			await undo();
		}
	});

	test('a broken document in the middle of a file leaves the others their hovers and reports where it breaks', async function () {
		this.timeout(30_000);
		const doc = await writeFile(
			'preview-broken.yaml',
			[
				'apiVersion: v1',
				'kind: Service',
				'metadata:',
				'  name: before-broken',
				'spec:',
				'  selector:',
				'    app.kubernetes.io/name: web',
				'  ports:',
				'    - port: 80',
				'      targetPort: http',
				'---',
				'kind: Service',
				'metadata: {name: [unclosed',
				'---',
				'apiVersion: v1',
				'kind: Service',
				'metadata:',
				'  name: after-broken',
				'spec:',
				'  selector:',
				'    app.kubernetes.io/name: web',
				'  ports:',
				'    - port: 80',
				'      targetPort: http',
				'',
			].join('\n'),
		);
		const after = await hoverText(doc, positionOf(doc, 'name: after-broken'));
		assert.match(after, /8080/, 'the document after the broken one still hovers');
		const before = await hoverText(doc, positionOf(doc, 'name: before-broken'));
		assert.match(before, /8080/);
		await eventually(() => {
			const errors = ourDiagnostics(doc.uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
			assert.ok(errors.some((d) => d.range.start.line >= 11 && d.range.start.line <= 13), JSON.stringify(errors.map((d) => [d.range.start.line, d.message])));
		}, 'the YAML error is reported in the broken document');
	});

	test('a large document is parsed on a worker thread, and still hovers', async function () {
		this.timeout(60_000);
		const before = api.previews.workerParses;
		const services = Array.from({ length: 400 }, (_, i) =>
			['apiVersion: v1', 'kind: Service', 'metadata:', `  name: bulk-${i}`, '  annotations:', `    note: "${'n'.repeat(200)}"`, 'spec:', '  selector:', '    app.kubernetes.io/name: web', '  ports:', '    - port: 80', '      targetPort: http'].join('\n'),
		);
		const doc = await writeFile('preview-bulk.yaml', `${services.join('\n---\n')}\n`);
		assert.ok(doc.getText().length > 64 * 1024, 'larger than the in-place parse limit');
		const text = await eventually(async () => {
			const t = await hoverText(doc, positionOf(doc, 'name: bulk-399'));
			assert.match(t, /8080/);
			return t;
		}, 'the last Service of the large file hovers');
		assert.match(text, /bulk\\?-399/);
		assert.ok(api.previews.workerParses > before, 'the document was parsed on the worker');
	});

	test('a document over endpointLens.manifests.maxFileSizeKB (2 MB by default) gets no hover, lens or diagnostics', async function () {
		this.timeout(60_000);
		const padding = `# ${'x'.repeat(98)}\n`.repeat(21_500);
		const doc = await writeFile(
			'preview-large.yaml',
			`${padding}apiVersion: v1\nkind: Service\nmetadata:\n  name: large\n  bogusField: 1\nspec:\n  selector:\n    app: none\n  ports:\n    - port: 80\n`,
		);
		assert.ok(doc.getText().length > 2048 * 1024);
		assert.equal(await hoverText(doc, positionOf(doc, 'name: large')), '');
		assert.deepEqual(await lensTitles(doc), []);
		assert.deepEqual(ourDiagnostics(doc.uri), []);
	});
});
