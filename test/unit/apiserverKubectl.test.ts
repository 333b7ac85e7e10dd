/**
 * kubectl conformance: the real `kubectl` binary (v1.32 on these machines) against the test API server. If kubectl
 * prints the right rows from server-side Tables, round-trips objects as JSON, follows a watch, authenticates by
 * token and by client certificate, and fails cleanly on an unreachable server, the server speaks the real protocol
 * (discovery, content negotiation, chunked watch) and not just what our own client expects.
 *
 * kubectl is looked up on PATH; when missing, `apt-get install -y kubernetes-client` is tried once, and the tests
 * fail with a clear message if that does not work (they are never skipped silently).
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TypedObject } from '../../src/core/k8s/types';
import { sampleObjects } from '../support/apiserver/fixtures';
import type { TestApiServer } from '../support/apiserver/server';
import { startTestApiServer } from '../support/apiserver/server';

/** The kubectl binary, installing it through apt when it is missing. */
function findKubectl(): { path?: string; note: string } {
	const which = (): string | undefined => {
		const r = spawnSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' });
		return r.status === 0 ? r.stdout.trim() : undefined;
	};
	const found = which();
	if (found) {
		return { path: found, note: `kubectl: ${found}` };
	}
	const apt = spawnSync('sh', ['-c', 'apt-get install -y kubernetes-client'], { encoding: 'utf8', timeout: 120_000 });
	const installed = which();
	return installed
		? {
				path: installed,
				note: `kubectl was missing; installed with apt-get install -y kubernetes-client: ${installed}`,
			}
		: {
				note: `kubectl is not on PATH and apt-get install -y kubernetes-client failed (${apt.status}): ${apt.stderr.slice(-500)}`,
			};
}

interface KubectlResult {
	code: number;
	stdout: string;
	stderr: string;
}

/** Whitespace-split rows of a kubectl table printout, blank lines dropped. */
function rows(text: string): string[][] {
	return text
		.split('\n')
		.filter((l) => l.trim())
		.map((l) => l.trim().split(/\s+/));
}

function pod(name: string, ns = 'default'): TypedObject {
	return {
		apiVersion: 'v1',
		kind: 'Pod',
		metadata: { name, namespace: ns, labels: { app: 'watched' } },
		spec: { containers: [{ name: 'c' }] },
		status: { phase: 'Pending' },
	} as TypedObject;
}

describe('test API server: kubectl conformance', () => {
	const kubectl = findKubectl();
	let server: TestApiServer;
	let dir: string;
	let kubeconfigPath: string;

	const run = (args: string[], k = kubeconfigPath): Promise<KubectlResult> => {
		assert.ok(kubectl.path, kubectl.note);
		return new Promise((resolve) => {
			execFile(
				kubectl.path!,
				['--kubeconfig', k, '--cache-dir', join(dir, 'cache'), '--request-timeout', '10s', ...args],
				{ encoding: 'utf8', timeout: 15_000 },
				(error, stdout, stderr) => {
					const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
					resolve({ code, stdout, stderr });
				},
			);
		});
	};

	before(async () => {
		dir = mkdtempSync(join(tmpdir(), 'endpoint-lens-kubectl-'));
		server = await startTestApiServer({ objects: sampleObjects() });
		kubeconfigPath = join(dir, 'kubeconfig');
		server.writeKubeconfig(kubeconfigPath);
	});
	after(async () => {
		await server.close();
		rmSync(dir, { recursive: true, force: true });
	});

	it('kubectl is available', (t) => {
		t.diagnostic(kubectl.note);
		assert.ok(kubectl.path, kubectl.note);
	});

	it('get services,endpoints,endpointslices,pods -A prints the right rows and columns', async (t) => {
		const mark = server.verbs.length;
		const r = await run(['get', 'services,endpoints,endpointslices,pods', '-A']);
		assert.equal(r.code, 0, r.stderr);
		const blocks = r.stdout.split(/\n\s*\n/).map(rows);
		const [svc, ep, slices, pods] = blocks;
		assert.deepEqual(svc?.[0], ['NAMESPACE', 'NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
		assert.deepEqual(
			svc?.slice(1).map((row) => row.slice(0, 6)),
			[
				['default', 'service/web', 'ClusterIP', '10.96.0.10', '<none>', '80/TCP'],
				['secret-team', 'service/vault', 'ClusterIP', '10.96.0.30', '<none>', '80/TCP'],
				['shop', 'service/api', 'ClusterIP', '10.96.0.20', '<none>', '80/TCP'],
			],
		);
		assert.deepEqual(ep?.[0], ['NAMESPACE', 'NAME', 'ENDPOINTS', 'AGE']);
		assert.deepEqual(ep?.[1]?.slice(0, 3), ['default', 'endpoints/web', '10.244.0.11:8080,10.244.0.12:8080']);
		assert.deepEqual(slices?.[0], ['NAMESPACE', 'NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE']);
		assert.deepEqual(
			slices?.slice(1).map((row) => row.slice(0, 5)),
			[
				['default', 'endpointslice.discovery.k8s.io/web-abcde', 'IPv4', '8080', '10.244.0.11,10.244.0.12'],
				['secret-team', 'endpointslice.discovery.k8s.io/vault-abcde', 'IPv4', '8080', '10.244.2.31'],
				['shop', 'endpointslice.discovery.k8s.io/api-abcde', 'IPv4', '8080', '10.244.1.21'],
			],
		);
		assert.deepEqual(pods?.[0], ['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
		assert.deepEqual(
			pods?.slice(1).map((row) => row.slice(0, 5)),
			[
				['default', 'pod/web-1', '1/1', 'Running', '0'],
				['default', 'pod/web-2', '1/1', 'Running', '0'],
				['default', 'pod/web-3', '0/1', 'Running', '0'],
				['secret-team', 'pod/vault-0', '1/1', 'Running', '0'],
				['shop', 'pod/api-1', '1/1', 'Running', '0'],
			],
		);
		// What kubectl asked for: record it in the test output.
		const requests = server.verbs.slice(mark);
		for (const v of requests) {
			t.diagnostic(
				`${v.method} ${v.path}${v.query ? `?${v.query}` : ''} -> ${v.status} (Accept: ${v.accept ?? '-'})`,
			);
		}
		const lists = requests.filter((v) => v.verb === 'list');
		assert.equal(lists.length, 4);
		assert.ok(
			lists.every((v) => /as=Table;v=v1;g=meta\.k8s\.io/.test(v.accept ?? '')),
			'kubectl asked for Tables',
		);
		assert.ok(requests.every((v) => v.method === 'GET'));
	});

	it('get endpointslices -n default -o json round-trips the objects', async () => {
		const r = await run(['get', 'endpointslices', '-n', 'default', '-o', 'json']);
		assert.equal(r.code, 0, r.stderr);
		const list = JSON.parse(r.stdout) as { kind: string; items: TypedObject[] };
		assert.equal(list.kind, 'List');
		assert.deepEqual(list.items, server.list('EndpointSlice', 'default'));
	});

	it('get pods -w prints a row for a pod created while it watches', async () => {
		assert.ok(kubectl.path, kubectl.note);
		const child: ChildProcess = spawn(
			kubectl.path,
			['--kubeconfig', kubeconfigPath, '--cache-dir', join(dir, 'cache'), 'get', 'pods', '-n', 'default', '-w'],
			{ stdio: ['ignore', 'pipe', 'pipe'] },
		);
		let out = '';
		let err = '';
		child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
		child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
		const waitFor = async (re: RegExp, what: string): Promise<void> => {
			const end = Date.now() + 8000;
			while (!re.test(out)) {
				if (Date.now() > end) {
					throw new Error(`kubectl get -w: timed out waiting for ${what}; stdout:\n${out}\nstderr:\n${err}`);
				}
				await new Promise((res) => setTimeout(res, 20));
			}
		};
		try {
			await waitFor(/^web-3\s/m, 'the initial rows');
			const until = Date.now() + 5000;
			while (!server.verbs.some((v) => v.verb === 'watch' && v.path === '/api/v1/namespaces/default/pods')) {
				assert.ok(Date.now() < until, `kubectl did not open a watch; stderr: ${err}`);
				await new Promise((res) => setTimeout(res, 20));
			}
			server.create(pod('watched-1'));
			await waitFor(/^watched-1\s+0\/1\s+Pending\s+0\s+\S+$/m, 'the new pod row');
			const lines = rows(out);
			assert.deepEqual(lines[0], ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
			assert.equal(lines.filter((l) => l[0] === 'NAME').length, 1, 'one header: later events reuse the columns');
		} finally {
			child.kill('SIGTERM');
			server.remove('Pod', 'default', 'watched-1');
		}
	});

	it('--context test-cert works; --context unreachable fails with a connection error', async () => {
		const cert = await run(['--context', 'test-cert', 'get', 'services', '-n', 'shop', '-o', 'name']);
		assert.equal(cert.code, 0, cert.stderr);
		assert.equal(cert.stdout.trim(), 'service/api');
		assert.ok(
			server.verbs.some((v) => v.user === 'test-cert-user' && v.path === '/api/v1/namespaces/shop/services'),
		);
		const down = await run(['--context', 'unreachable', 'get', 'services']);
		assert.notEqual(down.code, 0);
		assert.match(down.stderr, /connection refused|was refused/);
	});

	it('forbidden-ns: RBAC errors as kubectl prints them; writes are 405 and change nothing', async () => {
		const denied = await run(['--context', 'forbidden-ns', 'get', 'endpointslices', '-n', 'secret-team']);
		assert.notEqual(denied.code, 0);
		assert.match(
			denied.stderr,
			/Error from server \(Forbidden\): endpointslices\.discovery\.k8s\.io is forbidden|endpointslices is forbidden/,
		);
		const ok = await run(['--context', 'forbidden-ns', 'get', 'endpointslices', '-n', 'shop', '-o', 'name']);
		assert.equal(ok.stdout.trim(), 'endpointslice.discovery.k8s.io/api-abcde');
		const del = await run(['delete', 'service', 'web', '-n', 'default']);
		assert.notEqual(del.code, 0);
		assert.match(del.stderr, /MethodNotAllowed/);
		assert.ok(server.list('Service', 'default').some((s) => s.metadata?.name === 'web'));
	});

	it('works with legacy discovery only (no aggregated discovery)', async (t) => {
		const legacy = await startTestApiServer({ objects: sampleObjects(), aggregatedDiscovery: false });
		const k = join(dir, 'legacy-kubeconfig');
		legacy.writeKubeconfig(k);
		try {
			const r = await run(['get', 'endpointslices', '-A', '-o', 'name'], k);
			assert.equal(r.code, 0, r.stderr);
			assert.equal(r.stdout.trim().split('\n').length, 3);
			const paths = legacy.verbs.map((v) => v.path);
			t.diagnostic(`legacy discovery requests: ${paths.join(' ')}`);
			assert.ok(paths.includes('/apis/discovery.k8s.io/v1'), 'kubectl fell back to per-group discovery');
		} finally {
			await legacy.close();
		}
	});
});
