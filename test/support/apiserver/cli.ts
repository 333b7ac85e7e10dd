/**
 * `npm run apiserver -- --objects DIR [--port N] [--kubeconfig OUT] [--playground]`: serves a directory of
 * manifests over the test API server until SIGINT/SIGTERM, so kubectl, the extension or a live-source experiment
 * can be pointed at it by hand.
 *
 * Without `--playground` the objects of served kinds (Services, Endpoints, EndpointSlices, Pods, Nodes,
 * Namespaces) are served as written. With it, a `PlaygroundCluster` on real time applies the manifests and the server
 * mirrors its events: real controller output, pods that become ready and slices that change live.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { PlaygroundCluster } from '../../../src/cluster/playground/playground';
import { loadManifestDir } from './fixtures';
import { startTestApiServer } from './server';

interface CliArgs {
	objects: string;
	port: number;
	kubeconfig: string;
	playground: boolean;
}

const usage =
	'usage: npm run apiserver -- --objects DIR [--port N] [--kubeconfig OUT] [--playground]\n' +
	'  --objects DIR     manifests to serve (.yaml/.yml/.json, recursively; default examples/)\n' +
	'  --port N          port on 127.0.0.1 (default: any free port)\n' +
	'  --kubeconfig OUT  where to write the kubeconfig (default: $TMPDIR/endpoint-lens-apiserver/kubeconfig)\n' +
	'  --playground      run the manifests in a playground control plane and serve its live state';

function parseArgs(argv: string[]): CliArgs {
	const args: CliArgs = {
		objects: 'examples',
		port: 0,
		kubeconfig: join(tmpdir(), 'endpoint-lens-apiserver', 'kubeconfig'),
		playground: false,
	};
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i]!;
		const value = (): string => {
			const v = argv[++i];
			if (v === undefined) {
				throw new Error(`${a} needs a value\n${usage}`);
			}
			return v;
		};
		if (a === '--objects') {
			args.objects = value();
		} else if (a === '--port') {
			args.port = Number(value());
		} else if (a === '--kubeconfig') {
			args.kubeconfig = value();
		} else if (a === '--playground') {
			args.playground = true;
		} else if (a === '--help' || a === '-h') {
			console.log(usage);
			process.exit(0);
		} else {
			throw new Error(`unknown argument ${a}\n${usage}`);
		}
	}
	if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) {
		throw new Error(`--port must be a port number\n${usage}`);
	}
	return args;
}

/**
 * A test-only control channel for `--playground`, on its own loopback port (the Kubernetes API stays read-only):
 * `POST /pods/NAMESPACE/NAME/ready?value=false` plays a readiness probe failing (or passing), so a test in another
 * process — the extension host — can script a change and watch it arrive through the watch stream.
 */
function startControl(playground: PlaygroundCluster): Promise<Server> {
	const server = createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://control');
		const m = /^\/pods\/([^/]+)\/([^/]+)\/ready$/.exec(url.pathname);
		if (req.method !== 'POST' || !m) {
			res.writeHead(404).end('unknown control request\n');
			return;
		}
		try {
			playground.setPodReady(decodeURIComponent(m[1]!), decodeURIComponent(m[2]!), url.searchParams.get('value') !== 'false');
			res.writeHead(204).end();
		} catch (e) {
			res.writeHead(400).end(`${e instanceof Error ? e.message : String(e)}\n`);
		}
	});
	return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

async function main(): Promise<void> {
	const args = parseArgs(process.argv.slice(2));
	const dir = resolve(args.objects);
	const loaded = loadManifestDir(dir);
	let playground: PlaygroundCluster | undefined;
	const server = await startTestApiServer({
		port: args.port,
		...(args.playground ? {} : { objects: loaded.objects }),
	});
	if (args.playground) {
		playground = new PlaygroundCluster();
		const result = playground.apply(loaded.files);
		for (const d of result.diagnostics) {
			console.log(`${d.severity}: ${d.file}:${d.line}: ${d.message}`);
		}
		server.feedFrom(playground);
		console.log(`playground: ${result.created} objects from ${loaded.files.length} files in ${dir}`);
	} else {
		for (const note of loaded.notes) {
			console.log(`note: ${note}`);
		}
		console.log(`serving ${loaded.objects.length} objects from ${loaded.files.length} files in ${dir}`);
	}
	const out = resolve(args.kubeconfig);
	mkdirSync(dirname(out), { recursive: true });
	let control: Server | undefined;
	if (playground) {
		control = await startControl(playground);
		const address = control.address() as AddressInfo;
		writeFileSync(`${out}.control`, `http://127.0.0.1:${address.port}`);
		console.log(`control: http://127.0.0.1:${address.port} (POST /pods/NAMESPACE/NAME/ready?value=true|false)`);
	}
	server.writeKubeconfig(out);
	console.log(`test API server listening on ${server.url}`);
	console.log(`kubeconfig: ${out} (contexts: ${server.contexts.map((c) => c.name).join(', ')})`);
	console.log(`try: kubectl --kubeconfig ${out} get endpointslices -A`);
	const stop = (): void => {
		control?.close();
		playground?.dispose();
		server.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
	console.error(e instanceof Error ? e.message : String(e));
	process.exit(2);
});
