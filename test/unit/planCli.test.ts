/**
 * Black-box tests of `endpoint-lens plan` through the real process against the project's test API server
 * (test/support/apiserver): real HTTPS, real kubeconfig contexts, per-namespace 403s and the server's verb log. The
 * live state is what the playground control plane makes of test/fixtures/plan/*.yaml (real controller output:
 * pods, slices with generated names, Endpoints), mirrored into the server; the tests then plan edited copies.
 *
 * The server runs in this process, so the CLI runs asynchronously (the shared `runCli` blocks the event loop).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PlaygroundCluster } from '../../src/cluster/playground/playground';
import type { ServicePlan, WorkspacePlan } from '../../src/core/analysis/plan';
import type { EndpointSlice, Pod } from '../../src/core/k8s/types';
import { users } from '../support/apiserver/auth';
import type { TestApiServer, TestApiServerOptions } from '../support/apiserver/server';
import { startTestApiServer } from '../support/apiserver/server';
import type { CliResult } from './support/cli';
import { prepareCli, repoRoot } from './support/cli';
import { ManualClock } from './support/playground';

const fixtureDir = join(repoRoot, 'test', 'fixtures', 'plan');
const shopText = readFileSync(join(fixtureDir, 'shop.yaml'), 'utf8');
const teamBText = readFileSync(join(fixtureDir, 'team-b.yaml'), 'utf8');
const secretText = readFileSync(join(fixtureDir, 'secret-team.yaml'), 'utf8');
const shopFile = join(fixtureDir, 'shop.yaml');

let bundle: string;
let dir: string;

/** Runs `endpoint-lens ARGS…` without blocking this process (the API server answers from it). */
function runCli(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [bundle, ...args], {
			cwd: dir,
			env: { ...process.env, NODE_OPTIONS: '', KUBECONFIG: join(dir, 'no-such-kubeconfig'), ...env },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
		child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
		const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
		child.on('error', reject);
		child.on('close', (status) => {
			clearTimeout(timer);
			resolve({ status, stdout, stderr });
		});
	});
}

/** Writes a manifest file into the test's directory and returns its path. */
function file(name: string, text: string): string {
	const p = join(dir, name);
	writeFileSync(p, text);
	return p;
}

/** A server whose live state is the playground's after applying `texts` and letting every pod become ready. */
async function liveServer(texts: Record<string, string>, options: TestApiServerOptions = {}): Promise<TestApiServer> {
	const clock = new ManualClock();
	const pg = new PlaygroundCluster({ clock });
	try {
		pg.apply(Object.entries(texts).map(([path, text]) => ({ path, text })));
		clock.advance(10_000);
		const server = await startTestApiServer(options);
		server.feedFrom(pg)();
		return server;
	} finally {
		pg.dispose();
	}
}

function kubeconfigOf(server: TestApiServer, name: string): string {
	const p = join(dir, name);
	server.writeKubeconfig(p);
	return p;
}

function json(r: CliResult): { plan: WorkspacePlan; diagnostics: unknown[] } {
	assert.equal(r.status, 0, `exit 0 (stderr: ${r.stderr})`);
	return JSON.parse(r.stdout) as { plan: WorkspacePlan; diagnostics: unknown[] };
}

function serviceOf(plan: WorkspacePlan, namespace: string, name: string): ServicePlan {
	const s = plan.services.find((x) => x.namespace === namespace && x.name === name);
	const got = plan.services.map((x) => `${x.namespace}/${x.name}`).join(', ');
	assert.ok(s, `a plan for Service ${namespace}/${name} (got ${got})`);
	return s;
}

/** Only reads: every request a GET, RBAC verbs get, list or watch. */
function assertReadOnly(server: TestApiServer): void {
	assert.ok(server.verbs.length > 0, 'the CLI made requests');
	for (const v of server.verbs) {
		assert.equal(v.method, 'GET', `${v.method} ${v.path}`);
		assert.ok(['get', 'list', 'watch'].includes(v.verb), `verb ${v.verb} on ${v.path}`);
	}
}

before(async () => {
	bundle = await prepareCli();
	dir = mkdtempSync(join(tmpdir(), 'endpoint-lens-plan-cli-'));
});

after(() => {
	rmSync(dir, { recursive: true, force: true });
});

describe('endpoint-lens plan against the test API server', () => {
	let server: TestApiServer;
	let kubeconfig: string;

	before(async () => {
		server = await liveServer({ 'shop.yaml': shopText, 'team-b.yaml': teamBText, 'secret-team.yaml': secretText });
		kubeconfig = kubeconfigOf(server, 'kubeconfig');
	});

	after(async () => {
		await server.close();
	});

	it('the files as applied: "No changes", exit 0 even with --exit-code, and only list requests', async () => {
		const mark = server.verbs.length;
		const r = await runCli(['plan', shopFile, '--kubeconfig', kubeconfig, '--exit-code']);
		assert.equal(r.stderr, '');
		assert.equal(r.status, 0);
		const lines = r.stdout.trimEnd().split('\n');
		assert.equal(lines[0], `Plan against context "test" (${server.url}) · namespaces: shop`);
		assert.ok(lines.includes('Service shop/web: no changes · 1 slice, 3 endpoints'), r.stdout);
		assert.equal(lines.at(-1), 'No changes. The EndpointSlices match the live cluster.');
		const requests = server.verbs.slice(mark);
		assert.deepEqual(
			requests.map((v) => `${v.verb} ${v.path}`).sort(),
			[
				'list /api/v1/namespaces/shop/endpoints',
				'list /api/v1/namespaces/shop/pods',
				'list /api/v1/namespaces/shop/services',
				'list /api/v1/nodes',
				'list /apis/discovery.k8s.io/v1/namespaces/shop/endpointslices',
			],
		);
		assert.ok(requests.every((v) => v.user === users.admin && v.query.includes('limit=500')));
	});

	it('a scale-up: the live slice gets the new pods, text and json agree; --exit-code gives 3', async () => {
		const scaled = file('shop-5.yaml', shopText.replace('replicas: 3', 'replicas: 5'));
		const liveSlice = (server.list('EndpointSlice', 'shop') as EndpointSlice[])[0]!;
		const live = server.list('Pod', 'shop') as Pod[];
		const livePods = live.map((p) => p.metadata?.name);
		const liveIPs = live.map((p) => p.status?.podIP);
		// The template is unchanged: the new pods are the live ReplicaSet's (same pod-template-hash).
		const hashes = [...new Set(live.map((p) => p.metadata?.labels?.['pod-template-hash']))];
		assert.equal(hashes.length, 1);

		const text = await runCli(['plan', scaled, '--kubeconfig', kubeconfig, '--exit-code']);
		assert.equal(text.status, 3, text.stderr);
		const lines = text.stdout.trimEnd().split('\n');
		const at = lines.indexOf(`  ~ update EndpointSlice ${liveSlice.metadata?.name} (IPv4) · endpoints 3 → 5`);
		assert.ok(at > 0, text.stdout);
		const added = lines.slice(at + 1, at + 3);
		for (const l of added) {
			const pod = `web-${hashes[0]}-[a-z0-9]{5}`;
			assert.match(l, new RegExp(`^ {6}\\+ 10\\.244\\.\\d+\\.\\d+ ${pod} \\(ready, new pod\\)$`));
		}
		assert.doesNotMatch(lines[at + 3] ?? '', /^ {6}[-+~] /, 'no other endpoint changes');
		assert.ok(lines.includes('Service shop/web · endpoints 3 → 5'), text.stdout);
		assert.ok(lines.includes('    Deployment web keeps its 3 live pods and adds 2'), text.stdout);
		assert.ok(lines.includes('    v1 Endpoints: update · addresses 3 → 5 (ready 3 → 5)'), text.stdout);
		assert.equal(lines.at(-1), 'Plan: 0 to create, 1 to update, 0 to delete.');

		const out = json(await runCli(['plan', scaled, '--kubeconfig', kubeconfig, '--output', 'json']));
		const web = serviceOf(out.plan, 'shop', 'web');
		assert.equal(web.service, 'unchanged');
		assert.deepEqual(
			web.slices.map((s) => [s.action, s.name, s.endpointsBefore, s.endpointsAfter]),
			[['update', liveSlice.metadata?.name, 3, 5]],
		);
		const slice = web.slices[0]!;
		assert.deepEqual(slice.removed, []);
		assert.deepEqual(slice.changed, []);
		assert.equal(slice.added.length, 2);
		assert.equal(new Set(slice.added.map((e) => e.pod)).size, 2);
		for (const e of slice.added) {
			assert.equal(e.newPod, true);
			assert.ok(!livePods.includes(e.pod), `${e.pod} is a new pod`);
			assert.ok(!liveIPs.includes(e.addresses[0]), `${e.addresses[0]} is no live pod's IP`);
			assert.ok(added.some((l) => l.includes(`${e.addresses[0]} ${e.pod} `)), `${e.pod} is in the text too`);
		}
		assert.deepEqual(out.plan.summary, { create: 0, update: 1, delete: 0, unchanged: 0, notCompared: 0 });
	});

	it('a scale-down: the live slice loses the pods a ReplicaSet removes, and keeps the one it keeps', async () => {
		const scaled = file('shop-1.yaml', shopText.replace('replicas: 3', 'replicas: 1'));
		const liveSlice = (server.list('EndpointSlice', 'shop') as EndpointSlice[])[0]!;
		const live = server.list('Pod', 'shop') as Pod[];
		assert.equal(live.length, 3);
		const ready = (p: Pod) => (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
		// A ReplicaSet keeps ready pods first, then older ones, then by name.
		const [kept, ...removed] = [...live].sort(
			(a, b) =>
				Number(ready(b)) - Number(ready(a)) ||
				(a.metadata?.creationTimestamp ?? '').localeCompare(b.metadata?.creationTimestamp ?? '') ||
				(a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''),
		) as [Pod, ...Pod[]];

		const text = await runCli(['plan', scaled, '--kubeconfig', kubeconfig]);
		assert.equal(text.status, 0, text.stderr);
		const lines = text.stdout.trimEnd().split('\n');
		const at = lines.indexOf(`  ~ update EndpointSlice ${liveSlice.metadata?.name} (IPv4) · endpoints 3 → 1`);
		assert.ok(at > 0, text.stdout);
		assert.deepEqual(
			lines.slice(at + 1, at + 3).sort(),
			removed.map((p) => `      - ${p.status?.podIP} ${p.metadata?.name} (ready)`).sort(),
		);
		assert.doesNotMatch(lines[at + 3] ?? '', /^ {6}[-+~] /, 'no other endpoint changes');
		assert.ok(lines.includes('    Deployment web keeps 1 of its 3 live pods'), text.stdout);
		assert.ok(lines.includes('    v1 Endpoints: update · addresses 3 → 1 (ready 3 → 1)'), text.stdout);
		assert.ok(!lines.includes('Notes:'), 'no new pods, no placeholder note');
		assert.equal(lines.at(-1), 'Plan: 0 to create, 1 to update, 0 to delete.');

		const out = json(await runCli(['plan', scaled, '--kubeconfig', kubeconfig, '-o', 'json']));
		const web = serviceOf(out.plan, 'shop', 'web');
		const slice = web.slices[0]!;
		assert.deepEqual(slice.after?.endpoints?.map((e) => e.targetRef?.uid), [kept.metadata?.uid]);
		assert.deepEqual(slice.added, []);
		assert.deepEqual(slice.changed, []);
	});

	it('a new Service and a Service in another namespace: create, and a multi-namespace read', async () => {
		const extra = file(
			'extra.yaml',
			`${teamBText}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: api-admin\n  namespace: team-b\n` +
				'spec:\n  selector:\n    app: api\n  ports:\n    - port: 9000\n',
		);
		const r = await runCli(['plan', extra, shopFile, '--kubeconfig', kubeconfig]);
		assert.equal(r.status, 0, r.stderr);
		const lines = r.stdout.trimEnd().split('\n');
		assert.equal(lines[0], `Plan against context "test" (${server.url}) · namespaces: shop, team-b`);
		const header = lines.indexOf('Service team-b/api-admin (new) · endpoints 0 → 2');
		assert.ok(header > 0, r.stdout);
		assert.equal(lines[header + 1], '    the Service is not in the cluster yet');
		assert.match(
			lines[header + 2]!,
			/^ {2}\+ create EndpointSlice api-admin-[a-z0-9]{5} \(name generated at apply\) \(IPv4\) · endpoints 0 → 2$/,
		);
		assert.equal(lines[header + 3], '      ports: 9000/TCP');
		const apiPods = (server.list('Pod', 'team-b') as Pod[]).map(
			(p) => `      + ${p.status?.podIP} ${p.metadata?.name} (ready)`,
		);
		assert.deepEqual(lines.slice(header + 4, header + 6).sort(), apiPods.sort());
		assert.ok(lines.includes('Service team-b/api: no changes · 1 slice, 2 endpoints'), r.stdout);
		assert.ok(lines.includes('Service shop/web: no changes · 1 slice, 3 endpoints'), r.stdout);
		assert.equal(lines.at(-1), 'Plan: 1 to create, 0 to update, 0 to delete.');
	});

	it('--context picks the context: test-cert authenticates with its client certificate', async () => {
		const mark = server.verbs.length;
		const r = await runCli(['plan', shopFile, '--kubeconfig', kubeconfig, '--context', 'test-cert']);
		assert.equal(r.status, 0, r.stderr);
		assert.match(r.stdout, /^Plan against context "test-cert" /);
		const requests = server.verbs.slice(mark);
		assert.equal(requests.length, 5);
		assert.ok(requests.every((v) => v.user === users.cert), requests.map((v) => v.user).join(', '));
	});

	it('without --kubeconfig, $KUBECONFIG is read; --namespace places objects that name none', async () => {
		const noNamespace = file('no-ns.yaml', shopText.replace(/^ {2}namespace: shop\n/gm, ''));
		assert.doesNotMatch(readFileSync(noNamespace, 'utf8'), /namespace:/);
		const r = await runCli(['plan', noNamespace, '--namespace', 'shop'], { KUBECONFIG: kubeconfig });
		assert.equal(r.status, 0, r.stderr);
		assert.match(r.stdout, /^Service shop\/web: no changes · 1 slice, 3 endpoints$/m);
		const inDefault = await runCli(['plan', noNamespace], { KUBECONFIG: kubeconfig });
		assert.equal(inDefault.status, 0, inDefault.stderr);
		assert.match(inDefault.stdout, /^Service default\/web \(new\) · endpoints 0 → 3$/m, "the context's namespace");
	});

	it('an unknown context: exit 2, the available contexts listed, no request made', async () => {
		const mark = server.verbs.length;
		const r = await runCli(['plan', shopFile, '--kubeconfig', kubeconfig, '--context', 'prod']);
		assert.equal(r.status, 2);
		assert.equal(r.stdout, '');
		assert.equal(
			r.stderr,
			'endpoint-lens: plan: The kubeconfig has no context "prod". ' +
				'Available contexts: test, test-cert, unreachable, forbidden-ns.\n',
		);
		assert.equal(server.verbs.length, mark);
	});

	it('an unreachable server: exit 2 naming host:port and the cause', async () => {
		const r = await runCli(['plan', shopFile, '--kubeconfig', kubeconfig, '--context', 'unreachable']);
		const unreachable = server.contexts.find((c) => c.name === 'unreachable')!.server;
		assert.equal(r.status, 2);
		assert.equal(r.stdout, '');
		assert.equal(r.stderr, `endpoint-lens: plan: Cannot reach ${unreachable}: connection refused\n`);
		assert.match(unreachable, /^https:\/\/127\.0\.0\.1:\d+$/);
	});

	it('a missing kubeconfig: exit 2 naming the file', async () => {
		const missing = join(dir, 'missing-kubeconfig');
		const r = await runCli(['plan', shopFile, '--kubeconfig', missing]);
		assert.equal(r.status, 2);
		assert.equal(
			r.stderr,
			`endpoint-lens: plan: ${missing}: cannot read the kubeconfig: the file does not exist.\n`,
		);
	});

	it('a forbidden namespace is reported without losing the others; --exit-code gives 3', async () => {
		const files = [shopFile, join(fixtureDir, 'secret-team.yaml')];
		const mark = server.verbs.length;
		const args = ['--kubeconfig', kubeconfig, '--context', 'forbidden-ns', '--exit-code'];
		const r = await runCli(['plan', ...files, ...args]);
		assert.equal(r.status, 3, r.stderr);
		const lines = r.stdout.trimEnd().split('\n');
		assert.ok(lines.includes('Service shop/web: no changes · 1 slice, 3 endpoints'), r.stdout);
		const header = lines.indexOf('? Service secret-team/vault: not compared');
		assert.ok(header > 0, r.stdout);
		assert.equal(
			lines[header + 1],
			'    namespace secret-team could not be read: forbidden to list services, pods, endpointslices, endpoints ' +
				`(services is forbidden: User "${users.limited}" cannot list resource "services" in API group "" ` +
				'in the namespace "secret-team")',
		);
		assert.ok(!lines.includes('Notes:'), 'the namespace is reported once, with its Service');
		assert.equal(lines.at(-1), 'No changes. The EndpointSlices match the live cluster. 1 Service not compared.');
		assert.equal(
			r.stderr,
			'endpoint-lens: plan: warning: namespace secret-team could not be read; not compared: vault\n',
		);
		const denied = server.verbs.slice(mark).filter((v) => v.status === 403);
		assert.deepEqual(
			denied.map((v) => `${v.resource} ${v.namespace}`).sort(),
			['endpoints', 'endpointslices', 'pods', 'services'].map((r) => `${r} secret-team`),
		);
	});

	it('errors in the files: listed first, the plan still printed, exit 1', async () => {
		const broken = file('broken.yaml', `${shopText}---\napiVersion: v1\nkind: Service\nmetadata: [oops\n`);
		const r = await runCli(['plan', broken, '--kubeconfig', kubeconfig, '--exit-code']);
		assert.equal(r.status, 1, r.stderr);
		const lines = r.stdout.split('\n');
		assert.match(lines[0]!, new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: error: `));
		assert.ok(lines.includes('Service shop/web: no changes · 1 slice, 3 endpoints'), r.stdout);
		const out = JSON.parse((await runCli(['plan', broken, '--kubeconfig', kubeconfig, '-o', 'json'])).stdout) as {
			diagnostics: { severity: string; file: string }[];
		};
		assert.ok(out.diagnostics.some((d) => d.severity === 'error' && d.file === broken));
	});

	it('usage errors: no FILE, a bad --output, an unknown option', async () => {
		for (const [args, message] of [
			[['plan'], 'endpoint-lens: plan: give at least one manifest FILE (YAML or JSON)\n'],
			[['plan', 'x.yaml', '--output', 'yaml'], 'endpoint-lens: plan: --output must be text or json, got "yaml"\n'],
			[['plan', 'x.yaml', '--force'], 'endpoint-lens: plan: unknown option --force\n'],
			[
				['plan', 'x.yaml', '--max-endpoints-per-slice', '0'],
				'endpoint-lens: plan: --max-endpoints-per-slice must be an integer from 1 to 1000, got "0"\n',
			],
		] as const) {
			const r = await runCli(args);
			assert.equal(r.status, 2, args.join(' '));
			assert.equal(r.stderr, message);
			assert.equal(r.stdout, '');
		}
	});

	it('--help documents plan and its exit codes', async () => {
		const r = await runCli(['--help']);
		assert.equal(r.status, 0);
		assert.match(
			r.stdout,
			/endpoint-lens plan FILE\.\.\. \[--context NAME\] \[--kubeconfig PATH\] \[--namespace NS\] \[--output text\|json\]/,
		);
		assert.match(r.stdout, /\[--max-endpoints-per-slice N\] \[--exit-code\]/);
		assert.match(r.stdout, /with --exit-code, 3 when there are changes/);
	});

	it('never writes: the whole run used GET list requests only', () => {
		assertReadOnly(server);
	});
});

describe('endpoint-lens plan with expired credentials', () => {
	it('exits 2 naming the server, the user and the 401', async () => {
		const server = await liveServer({ 'shop.yaml': shopText });
		try {
			const kubeconfig = kubeconfigOf(server, 'kubeconfig-expired');
			server.faults.expireTokens();
			const r = await runCli(['plan', shopFile, '--kubeconfig', kubeconfig]);
			assert.equal(r.status, 2);
			assert.equal(r.stdout, '');
			assert.equal(
				r.stderr,
				`endpoint-lens: plan: ${server.url} rejected the credentials of user "test-admin" (401 Unauthorized): ` +
					'they may have expired.\n',
			);
			assert.deepEqual(
				server.verbs.map((v) => `${v.verb} ${v.path} ${v.status}`),
				['list /api/v1/nodes 401'],
				'the first request shows the credentials fail; nothing else is tried',
			);
		} finally {
			await server.close();
		}
	});
});

describe('endpoint-lens plan with Nodes forbidden', () => {
	it('plans without Nodes and says so', async () => {
		const server = await liveServer(
			{ 'shop.yaml': shopText },
			{ rbac: { [users.limited]: { resources: ['services', 'pods', 'endpoints', 'endpointslices'] } } },
		);
		try {
			const kubeconfig = kubeconfigOf(server, 'kubeconfig-nodes');
			const r = await runCli(['plan', shopFile, '--kubeconfig', kubeconfig, '--context', 'forbidden-ns']);
			assert.equal(r.status, 0, r.stderr);
			assert.match(
				r.stdout,
				new RegExp(
					'^ {2}Nodes could not be listed \\(nodes is forbidden: User "test-limited" cannot list resource "nodes" ' +
						'in API group "" at the cluster scope\\): zones and node names are unknown\\.$',
					'm',
				),
			);
			assert.match(
				r.stdout,
				/^ {2}the cluster returned no Nodes: pods are placed on synthetic nodes \(zones may differ\)$/m,
			);
			assert.match(r.stdout, /\nNo changes\. The EndpointSlices match the live cluster\.\n$/);
			assertReadOnly(server);
		} finally {
			await server.close();
		}
	});
});
