/**
 * `npm run apiserver` smoke tests: the CLI (run with tsx, as the npm script does) serves examples/ — as written, and
 * with `--playground` through a real-time playground control plane — writes a kubeconfig, and stops on SIGTERM.
 * @kubernetes/client-node reads the result through that kubeconfig.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CoreV1Api, DiscoveryV1Api, KubeConfig } from '@kubernetes/client-node';

interface Running {
	child: ChildProcess;
	output: () => string;
	kubeconfig: string;
}

async function startCli(dir: string, extra: string[]): Promise<Running> {
	const kubeconfig = join(dir, `kubeconfig-${extra.length}`);
	const child = spawn(
		process.execPath,
		[
			'--import',
			'tsx',
			'test/support/apiserver/cli.ts',
			'--objects',
			'examples',
			'--kubeconfig',
			kubeconfig,
			...extra,
		],
		{ stdio: ['ignore', 'pipe', 'pipe'] },
	);
	let out = '';
	child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
	child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
	const end = Date.now() + 15_000;
	while (!/listening on https:\/\/127\.0\.0\.1:\d+/.test(out)) {
		if (Date.now() > end || child.exitCode !== null) {
			child.kill();
			throw new Error(`the CLI did not start:\n${out}`);
		}
		await new Promise((r) => setTimeout(r, 50));
	}
	return { child, output: () => out, kubeconfig };
}

async function stop(r: Running): Promise<number | null> {
	const exited = new Promise<number | null>((resolve) => r.child.once('exit', (code) => resolve(code)));
	r.child.kill('SIGTERM');
	return exited;
}

function kubeConfig(path: string): KubeConfig {
	const kc = new KubeConfig();
	kc.loadFromString(readFileSync(path, 'utf8'));
	return kc;
}

describe('test API server: CLI', () => {
	const dir = mkdtempSync(join(tmpdir(), 'endpoint-lens-apiserver-cli-'));
	after(() => rmSync(dir, { recursive: true, force: true }));

	it('serves the objects of a directory as written, noting what it skips', async () => {
		const r = await startCli(dir, []);
		try {
			assert.match(r.output(), /note: web\.yaml: Deployment web not served/);
			assert.match(r.output(), /try: kubectl --kubeconfig .* get endpointslices -A/);
			const services = await kubeConfig(r.kubeconfig).makeApiClient(CoreV1Api).listServiceForAllNamespaces();
			assert.ok(services.items.some((s) => s.metadata?.name === 'web'));
		} finally {
			assert.equal(await stop(r), 0);
		}
	});

	it('--playground: endpointslices for web appear and their endpoints become ready on real time', async () => {
		const r = await startCli(dir, ['--playground']);
		try {
			const discovery = kubeConfig(r.kubeconfig).makeApiClient(DiscoveryV1Api);
			const end = Date.now() + 10_000;
			let ready = 0;
			while (ready < 3) {
				assert.ok(Date.now() < end, `web's endpoints did not become ready; output:\n${r.output()}`);
				const slices = await discovery.listNamespacedEndpointSlice({
					namespace: 'default',
					labelSelector: 'kubernetes.io/service-name=web',
				});
				ready = slices.items.flatMap((s) => s.endpoints).filter((e) => e.conditions?.ready).length;
				if (ready < 3) {
					await new Promise((res) => setTimeout(res, 200));
				}
			}
			assert.equal(ready, 3);
		} finally {
			assert.equal(await stop(r), 0);
		}
	});
});
