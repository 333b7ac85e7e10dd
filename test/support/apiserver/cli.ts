/**
 * `npm run apiserver -- --objects DIR [--port N] [--kubeconfig OUT] [--playground]`: serves a directory of
 * manifests over the test API server until SIGINT/SIGTERM, so kubectl, the extension or a live-source experiment
 * can be pointed at it by hand.
 *
 * Without `--playground` the objects of served kinds (Services, Endpoints, EndpointSlices, Pods, Nodes,
 * Namespaces) are served as written. With it, a `PlaygroundCluster` on real time applies the manifests and the server
 * mirrors its events: real controller output, pods that become ready and slices that change live.
 */
import { mkdirSync } from 'node:fs';
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
	server.writeKubeconfig(out);
	console.log(`test API server listening on ${server.url}`);
	console.log(`kubeconfig: ${out} (contexts: ${server.contexts.map((c) => c.name).join(', ')})`);
	console.log(`try: kubectl --kubeconfig ${out} get endpointslices -A`);
	const stop = (): void => {
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
