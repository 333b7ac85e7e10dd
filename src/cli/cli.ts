/**
 * The `endpoint-lens` command line: argument parsing and I/O only; the work is done by `scenario.ts` (simulate) and
 * `preview.ts` (preview), both pure.
 *
 * Exit codes: 0 on success (also when a controller reports an error: that is part of the output), 1 when preview
 * finds error diagnostics in the files, 2 for usage errors and malformed input.
 */
import { readFileSync } from 'node:fs';
import { runScenario } from './scenario';
import type { PreviewFormat } from './preview';
import { formatPreview, previewFiles } from './preview';

const usage = `Usage:
  endpoint-lens simulate [FILE|-]
      Run one controller scenario (JSON) and print the writes it makes (JSON).
      Kinds: endpointslice-reconcile, endpointslice-sync, endpoints-sync, mirroring-reconcile.
  endpoint-lens preview FILE... [--output table|yaml|json] [--max-endpoints-per-slice N]
      Print the EndpointSlices and Endpoints the control plane would create for the Services in FILEs.
  endpoint-lens --help | --version`;

class UsageError extends Error {}

function readInput(file: string | undefined): string {
	if (file === undefined || file === '-') {
		return readFileSync(0, 'utf8');
	}
	try {
		return readFileSync(file, 'utf8');
	} catch (e) {
		throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
	}
}

function simulate(args: string[]): number {
	const option = args.find((a) => a.startsWith('-') && a !== '-');
	if (option) {
		throw new UsageError(`simulate: unknown option ${option} (simulate takes one scenario FILE, or - for stdin)`);
	}
	if (args.length > 1) {
		throw new UsageError(`simulate takes at most one FILE, got ${args.length}`);
	}
	const text = readInput(args[0]);
	let scenario: unknown;
	try {
		scenario = JSON.parse(text);
	} catch (e) {
		throw new UsageError(`simulate: the scenario is not valid JSON (${(e as Error).message})`);
	}
	const outcome = runScenario(scenario);
	if (!outcome.ok) {
		throw new UsageError(`simulate: ${outcome.message}`);
	}
	process.stdout.write(`${JSON.stringify(outcome.output, null, 2)}\n`);
	return 0;
}

function preview(args: string[]): number {
	const files: string[] = [];
	let output: PreviewFormat = 'table';
	let maxEndpointsPerSlice = 100;
	for (let i = 0; i < args.length; i++) {
		const a = args[i]!;
		const [flag, inline] = a.startsWith('--') ? (a.split(/=(.*)/s, 2) as [string, string | undefined]) : [a, undefined];
		const value = (): string => {
			const v = inline ?? args[++i];
			if (v === undefined) {
				throw new UsageError(`preview: ${flag} needs a value`);
			}
			return v;
		};
		if (flag === '--output' || flag === '-o') {
			const v = value();
			if (v !== 'table' && v !== 'yaml' && v !== 'json') {
				throw new UsageError(`preview: --output must be table, yaml or json, got ${JSON.stringify(v)}`);
			}
			output = v;
		} else if (flag === '--max-endpoints-per-slice') {
			const v = value();
			const n = Number(v);
			if (!/^\d+$/.test(v) || n < 1 || n > 1000) {
				throw new UsageError(`preview: --max-endpoints-per-slice must be an integer from 1 to 1000, got ${JSON.stringify(v)}`);
			}
			maxEndpointsPerSlice = n;
		} else if (flag.startsWith('-') && flag !== '-') {
			throw new UsageError(`preview: unknown option ${flag}`);
		} else {
			files.push(a);
		}
	}
	if (files.length === 0) {
		throw new UsageError('preview: give at least one manifest FILE (YAML or JSON)');
	}
	const inputs = files.map((path) => ({ path, text: readInput(path) }));
	const result = previewFiles(inputs, { maxEndpointsPerSlice });
	process.stdout.write(formatPreview(result, output));
	const hasErrors = result.diagnostics.some((d) => d.severity === 'error');
	return hasErrors ? 1 : 0;
}

export function main(argv: string[]): number {
	const [command, ...rest] = argv;
	try {
		switch (command) {
			case 'simulate':
				return simulate(rest);
			case 'preview':
				return preview(rest);
			case '--help':
			case '-h':
			case 'help':
				process.stdout.write(`${usage}\n`);
				return 0;
			case '--version':
				process.stdout.write(`${process.env.ENDPOINT_LENS_VERSION ?? 'dev'}\n`);
				return 0;
			case undefined:
				throw new UsageError('no command given');
			default:
				throw new UsageError(`unknown command ${JSON.stringify(command)}`);
		}
	} catch (e) {
		if (e instanceof UsageError) {
			process.stderr.write(`endpoint-lens: ${e.message}\n${command === 'simulate' || command === 'preview' ? '' : `${usage}\n`}`);
			return 2;
		}
		throw e;
	}
}

process.exitCode = main(process.argv.slice(2));
