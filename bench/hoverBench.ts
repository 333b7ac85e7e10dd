/**
 * Hovers on a workspace of 2,000 manifest documents (DESIGN.md: p95 ≤ 30 ms), as ratios against peers measured in
 * the same run:
 * - `yaml.parseAllDocuments` of the hovered file: the least any YAML hover provider does per hover;
 * - the naive way: rebuild the whole workspace model and predict every Service (what `endpoint-lens preview` does).
 *
 * The workspace: 200 files of 10 documents (5 Services + 5 Deployments of 3 replicas, named ports, comments), in 10
 * namespaces; half the Services select a Deployment of another file. Cases: hover with nothing changed, hover
 * right after an edit of a workload in another file (the re-parse and invalidation are in the timing), CodeLens
 * and diagnostics of one file, and the guards: a 50 MB document and a 2 MB malformed one.
 */
import { parseAllDocuments } from 'yaml';
import { predictWorkspace } from '../src/core/analysis/predict';
import { computeCodeLenses, computeDiagnostics, computeHover } from '../src/core/hover/preview';
import { buildWorkspaceModel } from '../src/core/manifests/workspace';
import { WorkspaceIndex } from '../src/core/manifests/workspaceIndex';
import type { Timing } from './timing';
import { percentile, row, summarize, target, time } from './timing';

interface BenchFile {
	path: string;
	text: string;
	/** Offsets of each Service's `name:` value, for hovers. */
	serviceOffsets: number[];
}

function makeFile(f: number, replicas = 3): BenchFile {
	const docs: string[] = [];
	const ns = `team-${f % 10}`;
	for (let i = 0; i < 5; i++) {
		const app = `app-${f}-${i}`;
		// Every other Service selects the Deployment of the next file: predictions cross files.
		const selected = i % 2 === 0 ? app : `app-${(f + 10) % 200}-${i}`;
		docs.push(
			[
				`# Service ${app}: generated for the hover benchmark`,
				'apiVersion: v1',
				'kind: Service',
				'metadata:',
				`  name: ${app}`,
				`  namespace: ${ns}`,
				'  labels:',
				`    app.kubernetes.io/name: ${app}`,
				'spec:',
				'  selector:',
				`    app.kubernetes.io/name: ${selected}`,
				'  ports:',
				'    - name: http',
				'      port: 80',
				'      targetPort: http',
				'    - name: metrics',
				'      port: 9090',
				'      targetPort: 9090',
			].join('\n'),
			[
				'apiVersion: apps/v1',
				'kind: Deployment',
				'metadata:',
				`  name: ${app}`,
				`  namespace: ${ns}`,
				'spec:',
				`  replicas: ${replicas}`,
				'  selector:',
				'    matchLabels:',
				`      app.kubernetes.io/name: ${app}`,
				'  template:',
				'    metadata:',
				'      labels:',
				`        app.kubernetes.io/name: ${app}`,
				'    spec:',
				'      containers:',
				'        - name: app',
				'          image: registry.example.com/app:1.0',
				'          ports:',
				'            - name: http',
				'              containerPort: 8080',
				'            - containerPort: 9090',
				'          readinessProbe:',
				'            httpGet: { path: /healthz, port: http }',
			].join('\n'),
		);
	}
	const text = `${docs.join('\n---\n')}\n`;
	const serviceOffsets: number[] = [];
	for (let at = text.indexOf('kind: Service'); at >= 0; at = text.indexOf('kind: Service', at + 1)) {
		serviceOffsets.push(text.indexOf('name: ', at) + 7);
	}
	return { path: `/bench/manifests/file-${String(f).padStart(3, '0')}.yaml`, text, serviceOffsets };
}

function sample(n: number, fn: (i: number) => void): { samples: number[]; timing: Timing } {
	fn(0); // warm-up
	const samples: number[] = [];
	for (let i = 0; i < n; i++) {
		const t0 = performance.now();
		fn(i);
		samples.push(performance.now() - t0);
	}
	return { samples, timing: summarize(samples) };
}

function pct(samples: readonly number[]): string {
	return `p50 ${percentile(samples, 50).toFixed(1)} ms, p95 ${percentile(samples, 95).toFixed(1)} ms, max ${Math.max(...samples).toFixed(1)} ms`;
}

export function hoverBench(runs: number): void {
	const files = Array.from({ length: 200 }, (_, f) => makeFile(f));
	const documents = files.reduce((n, f) => n + f.text.split('\n---\n').length, 0);
	console.log(`\nhover on ${documents} manifest documents in ${files.length} files (peer: yaml.parseAllDocuments of the hovered file)\n`);

	const peer = time(Math.max(runs, 20), () => parseAllDocuments(files[7]!.text));
	row('peer: parseAllDocuments of one file (10 docs)', peer, peer);

	const naive = time(Math.min(runs, 3), () => predictWorkspace(buildWorkspaceModel(files)));
	row('naive: rebuild model + predict every Service', naive, peer);

	let index = new WorkspaceIndex();
	const build = time(Math.min(runs, 3), () => {
		index = new WorkspaceIndex();
		for (const f of files) {
			index.setFile(f.path, f.text, 1);
		}
	});
	row('index the 200 files (first scan)', build, peer, `${(build.median / naive.median).toFixed(2)}× naive`);

	const ctx = { index };
	const hovers = 400;
	const steady = sample(hovers, (i) => {
		const f = files[(i * 37) % files.length]!;
		const offset = f.serviceOffsets[i % f.serviceOffsets.length]!;
		if (!computeHover(ctx, { path: f.path, text: f.text, version: 1 }, offset)) {
			throw new Error(`no hover at ${f.path}:${offset}`);
		}
	});
	row(
		`hover on a Service, nothing changed (${hovers} hovers)`,
		{ median: percentile(steady.samples, 95), min: steady.timing.min },
		peer,
		`${pct(steady.samples)}; ${target('p95 ≤ 30 ms', percentile(steady.samples, 95) <= 30)}`,
	);

	// Each hover follows an edit of a Deployment in the file the hovered Service selects from.
	let version = 1;
	const edited = sample(200, (i) => {
		const hovered = files[(i * 13) % files.length]!;
		const other = files[(((i * 13) % files.length) + 10) % files.length]!;
		version++;
		const text = other.text.replace(/replicas: \d+/, `replicas: ${2 + (i % 4)}`);
		index.setFile(other.path, text, version);
		if (!computeHover(ctx, { path: hovered.path, text: hovered.text, version: 1 }, hovered.serviceOffsets[1]!)) {
			throw new Error('no hover after an edit');
		}
	});
	row(
		'hover right after an edit of another file',
		{ median: percentile(edited.samples, 95), min: edited.timing.min },
		peer,
		`${pct(edited.samples)}; ${target('p95 ≤ 30 ms', percentile(edited.samples, 95) <= 30)}`,
	);

	const lenses = sample(100, (i) => {
		const f = files[(i * 7) % files.length]!;
		computeCodeLenses(ctx, { path: f.path, text: f.text, version: 1 });
	});
	row('CodeLens of one file (5 Services)', { median: percentile(lenses.samples, 95), min: lenses.timing.min }, peer, pct(lenses.samples));

	const diagnostics = sample(100, (i) => {
		const f = files[(i * 11) % files.length]!;
		computeDiagnostics(ctx, { path: f.path, text: f.text, version: 1 });
	});
	row('diagnostics of one file', { median: percentile(diagnostics.samples, 95), min: diagnostics.timing.min }, peer, pct(diagnostics.samples));

	// Guards: a 50 MB document is never parsed; a malformed 2 MB one is parsed once, in bounded time.
	const huge = `${'# padding line of a very large generated manifest\n'.repeat(1_000_000)}kind: Service\n`;
	const hugeHover = time(runs, () => computeHover(ctx, { path: '/bench/huge.yaml', text: huge, version: 1 }, huge.length - 3));
	row(`hover in a ${(huge.length / 1e6).toFixed(0)} MB document (over the size limit)`, hugeHover, peer);
	const broken = `kind: Service\nmetadata: {name: [broken\n${'  - key: "unterminated\n'.repeat(80_000)}`;
	const brokenDiag = time(Math.min(runs, 3), () => {
		const idx = new WorkspaceIndex();
		computeDiagnostics({ index: idx }, { path: '/bench/broken.yaml', text: broken, version: 1 });
	});
	row(`diagnostics of a malformed ${(broken.length / 1e6).toFixed(1)} MB document`, brokenDiag, peer);
}
