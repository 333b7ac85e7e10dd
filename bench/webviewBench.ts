/**
 * `npm run bench:webview`: how long the diagram webview takes to render a 300-message sequence diagram in real VS Code
 * (code-server + Chromium, the packaged extension, its `endpointLens.diagram` panel), against its peer measured in
 * the same run: the very same dist/webview.js (same Mermaid build, same page and CSP from `diagramHtml`) on a bare
 * Chromium page. Targets: ≤ 1.2× the peer and ≤ 500 ms (median of warm renders). Both sides time the same thing, the
 * `ms` of the page's own `rendered` report (Mermaid's parse, layout and SVG, and the SVG joining the page).
 *
 * It is not part of `npm run bench`: the real half packages the extension and starts code-server (~20 s), and its
 * plumbing (scripts/codeServer.mjs) is ESM that the cjs dist/bench.js cannot bundle. This one file plays two roles:
 *   - {@link webviewBench}, the driver, run by Node (`node --import tsx bench/webviewBench.ts`);
 *   - {@link run}, the `extensionTestsPath` that code-server's extension host loads (bundled by the driver to
 *     dist-test/bench/webviewBench.js): it shows the diagram through `EndpointLensApi.diagrams` and writes the reports.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import type * as Vscode from 'vscode';
import { SequenceWriter } from '../src/core/diagrams/sequence';
import type { EndpointLensApi } from '../src/extension/extension';
import type { RenderedMessage } from '../src/extension/flowPanel';
import type { DiagramModel } from '../src/shared/protocol';
import { diagramHtml } from '../src/webview/diagramHtml';
import type { Timing } from './timing';
import { summarize } from './timing';

/** Renders per side after one warm-up (the first render also loads Mermaid's sequence-diagram module). */
const defaultRuns = 5;
const messageCount = 300;

/** A 300-message flow-like sequence diagram (six participants, calls, replies and failures), escaped like ours. */
export function benchDiagram(id: string): DiagramModel {
	const w = new SequenceWriter();
	const names = ['user', 'API server', 'EndpointSlice controller', 'kube-proxy', 'client pod', 'web-7d4b9-abcde'];
	const ids = names.map((name) => w.participant(name, name));
	for (let i = 0; i < messageCount; i++) {
		const from = ids[i % ids.length]!;
		const to = ids[(i * 7 + 1) % ids.length]!;
		w.message(from, to, `step ${i}: endpoint 10.244.${i % 3}.${i % 250}:8080 ready=${i % 5 !== 0}`, i % 11 === 0 ? 'fail' : i % 2 ? 'reply' : 'call');
	}
	const built = w.build();
	return { id, kind: 'timeline', title: `${messageCount} messages`, mermaid: built.mermaid, notes: built.notes };
}

// ---- the extension-host role -----------------------------------------------------------------------------------------

/** What the extension host writes for the driver. */
interface HostResult {
	reports: RenderedMessage[];
	error?: string;
}

/** The extensionTestsPath entry: renders the diagram `runs + 1` times in the real panel and writes the reports. */
export async function run(): Promise<void> {
	const resultFile = process.env.ENDPOINT_LENS_BENCH_RESULT;
	const runs = Number(process.env.ENDPOINT_LENS_BENCH_RUNS ?? defaultRuns);
	const result: HostResult = { reports: [] };
	try {
		// Only the extension host has `vscode`; the driver never reaches this line.
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const vscode = require('vscode') as typeof Vscode;
		const api = await vscode.extensions.getExtension<EndpointLensApi>('endpoint-lens.endpoint-lens')?.activate();
		if (!api?.diagrams) {
			throw new Error('Endpoint Lens did not activate, or its API has no `diagrams`');
		}
		for (let i = 0; i <= runs; i++) {
			const diagram = benchDiagram(`bench-${i}`);
			const rendered = new Promise<RenderedMessage>((resolve) => {
				const subscription = api.diagrams.onDidRender((message) => {
					if (message.id === diagram.id) {
						subscription.dispose();
						resolve(message);
					}
				});
			});
			api.diagrams.show(diagram);
			result.reports.push(await rendered);
		}
	} catch (error) {
		result.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
	}
	if (resultFile) {
		writeFileSync(resultFile, JSON.stringify(result));
	}
}

// ---- the driver ------------------------------------------------------------------------------------------------------

/** The parts of scripts/codeServer.mjs and scripts/vscodeEnv.mjs the driver uses (untyped ESM). */
interface CodeServerTools {
	ensureVSCodeEnv(): Promise<VSCodeEnv>;
	packageExtension(vsix: string, options?: { logFile?: string }): Promise<string>;
	installExtension(env: VSCodeEnv, vsix: string, extensionsDir: string, options: { dir: string; logFile?: string }): Promise<string>;
	startCodeServer(
		env: VSCodeEnv,
		options: { dir: string; name: string; extensionsDir: string; folder: string; env?: Record<string, string> },
	): Promise<{ origin: string; port: number; stop(): Promise<void> }>;
	launchChromium(env: VSCodeEnv, profileDir: string): Promise<BrowserContext>;
	killStrays(dir: string): void;
}
type VSCodeEnv = object;

async function codeServerTools(root: string): Promise<CodeServerTools> {
	const load = (file: string) => import(pathToFileURL(join(root, 'scripts', file)).href) as Promise<object>;
	return { ...(await load('codeServer.mjs')), ...(await load('vscodeEnv.mjs')) } as CodeServerTools;
}

function okMs(reports: readonly RenderedMessage[], side: string): number[] {
	return reports.map((r) => {
		if (!r.ok) {
			throw new Error(`${side}: Mermaid rejected the bench diagram: ${r.error}`);
		}
		if (r.messages !== messageCount) {
			throw new Error(`${side}: the SVG shows ${r.messages} messages, not ${messageCount}`);
		}
		return r.ms;
	});
}

/** The real webview: the packaged extension in code-server, the panel shown through the extension's API. */
async function inCodeServer(tools: CodeServerTools, root: string, dir: string, runs: number): Promise<number[]> {
	const vscodeEnv = await tools.ensureVSCodeEnv();
	const vsix = await tools.packageExtension(join(dir, 'endpoint-lens.vsix'), { logFile: join(dir, 'package.log') });
	const extensionFolder = await tools.installExtension(vscodeEnv, vsix, join(dir, 'extensions'), { dir: join(dir, 'install') });
	const esbuild = await import('esbuild');
	const hostScript = join(root, 'dist-test', 'bench', 'webviewBench.js');
	await esbuild.build({
		absWorkingDir: root,
		entryPoints: ['bench/webviewBench.ts'],
		outfile: hostScript,
		bundle: true,
		format: 'cjs',
		platform: 'node',
		target: 'node20',
		external: ['vscode', 'esbuild', 'playwright-core'],
		logLevel: 'warning',
	});
	const workspace = join(dir, 'examples');
	cpSync(join(root, 'examples'), workspace, { recursive: true });
	const emptyExtensions = join(dir, 'no-extensions');
	mkdirSync(emptyExtensions, { recursive: true });
	const resultFile = join(dir, 'result.json');
	const server = await tools.startCodeServer(vscodeEnv, {
		dir,
		name: 'bench',
		extensionsDir: emptyExtensions,
		folder: workspace,
		env: { ENDPOINT_LENS_BENCH_RESULT: resultFile, ENDPOINT_LENS_BENCH_RUNS: String(runs) },
	});
	const context = await tools.launchChromium(vscodeEnv, join(dir, 'chromium-profile'));
	try {
		const page = context.pages()[0] ?? (await context.newPage());
		let exited: () => void = () => undefined;
		const exit = new Promise<void>((resolve) => (exited = resolve));
		await page.exposeFunction('codeAutomationExit', () => exited());
		const remote = (path: string) => `vscode-remote://127.0.0.1:${server.port}${path}`;
		const payload = [
			['extensionDevelopmentPath', remote(extensionFolder)],
			['extensionTestsPath', remote(hostScript)],
		];
		await page.goto(`${server.origin}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
		const timeout = new Promise<'timeout'>((resolve) => setTimeout(resolve, 180_000, 'timeout').unref());
		if ((await Promise.race([exit, timeout])) === 'timeout') {
			throw new Error('code-server: no result within 180 s');
		}
		if (!existsSync(resultFile)) {
			throw new Error(`code-server: the extension host wrote no ${resultFile}`);
		}
		const result = JSON.parse(readFileSync(resultFile, 'utf8')) as HostResult;
		if (result.error) {
			throw new Error(`code-server: ${result.error}`);
		}
		return okMs(result.reports, 'code-server');
	} finally {
		await context.close().catch(() => undefined);
		await server.stop();
		tools.killStrays(dir);
	}
}

/** The peer: the same dist/webview.js and page on a bare Chromium page, with a stand-in for `acquireVsCodeApi`. */
async function onBarePage(tools: CodeServerTools, root: string, dir: string, runs: number): Promise<number[]> {
	const nonce = randomBytes(16).toString('base64');
	const files: Record<string, [string, string]> = {
		'/webview.js': [join(root, 'dist', 'webview.js'), 'text/javascript'],
		'/diagram.css': [join(root, 'media', 'diagram.css'), 'text/css'],
	};
	const server = createServer((request, response) => {
		const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		const file = files[request.url ?? ''];
		if (file) {
			response.writeHead(200, { 'content-type': file[1] });
			response.end(readFileSync(file[0]));
			return;
		}
		const stub =
			`<script nonce="${nonce}">window.reports = []; window.acquireVsCodeApi = () => ({ ` +
			`postMessage: (m) => { if (m.type === 'rendered') window.reports.push(m); }, getState: () => undefined, setState: () => {} });</script>`;
		const page = diagramHtml({ cspSource: origin, nonce, scriptUri: `${origin}/webview.js`, styleUri: `${origin}/diagram.css` })
			.replace('<body>', '<body class="vscode-dark">')
			.replace('<script nonce', `${stub}\n\t<script nonce`);
		response.writeHead(200, { 'content-type': 'text/html' });
		response.end(page);
	});
	server.listen(0, '127.0.0.1');
	await once(server, 'listening');
	const vscodeEnv = await tools.ensureVSCodeEnv();
	const context = await tools.launchChromium(vscodeEnv, join(dir, 'bare-profile'));
	try {
		const page = context.pages()[0] ?? (await context.newPage());
		await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
		const reports: RenderedMessage[] = [];
		for (let i = 0; i <= runs; i++) {
			const diagram = benchDiagram(`bench-${i}`);
			await page.evaluate((d) => window.postMessage({ type: 'render', diagram: d }, '*'), diagram);
			const handle = await page.waitForFunction(
				(id) => (window as unknown as { reports: RenderedMessage[] }).reports.find((r) => r.id === id),
				diagram.id,
				{ timeout: 60_000 },
			);
			reports.push((await handle.jsonValue()) as RenderedMessage);
		}
		return okMs(reports, 'bare page');
	} finally {
		await context.close().catch(() => undefined);
		server.close();
	}
}

function line(name: string, t: Timing, peer: Timing, note: string): void {
	console.log(
		`${name.padEnd(44)} ${t.median.toFixed(0).padStart(6)} ms  (min ${t.min.toFixed(0).padStart(5)})  ${(t.median / peer.median).toFixed(2).padStart(5)}× peer  ${note}`,
	);
}

/**
 * Runs both sides and prints the medians of the warm renders (the first, cold one printed apart), the ratio and the
 * targets. Needs a production build in dist/ for the bare page (packaging makes one).
 */
export async function webviewBench(runs = defaultRuns, root = process.cwd()): Promise<void> {
	const dir = join(root, 'test-output', 'bench-webview');
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	const tools = await codeServerTools(root);
	console.log(`diagram webview: a ${messageCount}-message sequence diagram, ${runs} warm renders each (median) after one cold`);
	// The real webview first: packaging rebuilds dist/ (production), which the bare page then loads too.
	const real = await inCodeServer(tools, root, dir, runs);
	const bare = await onBarePage(tools, root, dir, runs);
	const peer = summarize(bare.slice(1));
	const inVsCode = summarize(real.slice(1));
	const ratio = inVsCode.median / peer.median;
	line('peer: dist/webview.js on a bare Chromium page', peer, peer, `cold ${bare[0]!.toFixed(0)} ms`);
	line('diagram panel in code-server (real webview)', inVsCode, peer, `cold ${real[0]!.toFixed(0)} ms`);
	console.log(
		`target ≤ 1.2× peer: ${ratio <= 1.2 ? 'met' : 'MISSED'} (${ratio.toFixed(2)}×); ` +
			`target ≤ 500 ms: ${inVsCode.median <= 500 ? 'met' : 'MISSED'} (${inVsCode.median.toFixed(0)} ms)`,
	);
}

if (require.main === module) {
	const runs = Number(process.env.BENCH_RUNS ?? defaultRuns);
	webviewBench(runs).catch((error: unknown) => {
		console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
		process.exitCode = 1;
	});
}
