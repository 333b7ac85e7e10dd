/**
 * The `endpoint-lens` command line: argument parsing and I/O only; the work is done by `scenario.ts` (simulate),
 * `preview.ts` (preview), both pure, and `plan.ts` (plan, which reads a live cluster; loaded on first use so that
 * the other commands do not load the Kubernetes client).
 *
 * Exit codes: 0 on success (also when a controller reports an error: that is part of the output), 1 when preview or
 * plan finds error diagnostics in the files, 2 for usage errors, malformed input, and (plan) kubeconfig or connection
 * errors, 3 when `plan --exit-code` finds changes.
 */
import { readFileSync } from 'node:fs';
import { decodeManifestBytes } from '../core/manifests/fileText';
import { runScenario } from './scenario';
import type { PreviewFormat } from './preview';
import { formatPreview, previewFiles } from './preview';

const usage = `Usage:
  endpoint-lens simulate [FILE|-]
      Run one controller scenario (JSON) and print the writes it makes (JSON).
      Kinds: endpointslice-reconcile, endpointslice-sync, endpoints-sync, mirroring-reconcile.
  endpoint-lens preview FILE... [--output table|yaml|json] [--max-endpoints-per-slice N]
      Print the EndpointSlices and Endpoints the control plane would create for the Services in FILEs.
  endpoint-lens plan FILE... [--context NAME] [--kubeconfig PATH] [--namespace NS] [--output text|json]
                     [--max-endpoints-per-slice N] [--exit-code]
      Compare the EndpointSlices the control plane would write once FILEs are applied with the live ones, like
      terraform plan: per Service, the slices to create, update and delete, down to the endpoints. Read-only (lists
      Services, Pods, Endpoints, EndpointSlices and Nodes). --context defaults to the current-context, --kubeconfig
      to $KUBECONFIG or ~/.kube/config, NS (for objects that name no namespace) to the context's namespace.
      Exit status: 0 (with or without changes), 1 when the files have errors, 2 for usage, kubeconfig or connection
      errors; with --exit-code, 3 when there are changes or a Service could not be compared.
  endpoint-lens --help | --version`;

class UsageError extends Error {}

/** Splits `--flag=value` and gives a `value()` reader that takes the next argument otherwise. */
function optionReader(
	command: string,
	args: string[],
	i: number,
): { flag: string; value: () => string; next: () => number } {
	const a = args[i]!;
	const [flag, inline] = a.startsWith('--') ? (a.split(/=(.*)/s, 2) as [string, string | undefined]) : [a, undefined];
	let index = i;
	return {
		flag,
		value: () => {
			const v = inline ?? args[++index];
			if (v === undefined) {
				throw new UsageError(`${command}: ${flag} needs a value`);
			}
			return v;
		},
		next: () => index,
	};
}

function maxEndpointsOption(command: string, v: string): number {
	const n = Number(v);
	if (!/^\d+$/.test(v) || n < 1 || n > 1000) {
		throw new UsageError(
			`${command}: --max-endpoints-per-slice must be an integer from 1 to 1000, got ${JSON.stringify(v)}`,
		);
	}
	return n;
}

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

/**
 * A manifest file's text, decoded as kubectl decodes it (UTF-8, or UTF-16 with a byte-order mark). Binary content is
 * passed on: the preview reports it as "binary file, not YAML" with the other problems of the files.
 */
function readManifest(file: string): string {
	let bytes: Uint8Array;
	try {
		bytes = file === '-' ? readFileSync(0) : readFileSync(file);
	} catch (e) {
		const err = e as NodeJS.ErrnoException;
		throw new UsageError(
			`cannot read ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'it is a directory' : err.message}`,
		);
	}
	return decodeManifestBytes(bytes);
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
			maxEndpointsPerSlice = maxEndpointsOption('preview', value());
		} else if (flag.startsWith('-') && flag !== '-') {
			throw new UsageError(`preview: unknown option ${flag}`);
		} else {
			files.push(a);
		}
	}
	if (files.length === 0) {
		throw new UsageError('preview: give at least one manifest FILE (YAML or JSON)');
	}
	const inputs = files.map((path) => ({ path, text: readManifest(path) }));
	const result = previewFiles(inputs, { maxEndpointsPerSlice });
	process.stdout.write(formatPreview(result, output));
	const hasErrors = result.diagnostics.some((d) => d.severity === 'error');
	return hasErrors ? 1 : 0;
}

async function plan(args: string[]): Promise<number> {
	const files: string[] = [];
	let output: 'text' | 'json' = 'text';
	let maxEndpointsPerSlice = 100;
	let exitCode = false;
	const options: { kubeconfigPath?: string; context?: string; namespace?: string } = {};
	for (let i = 0; i < args.length; i++) {
		const a = args[i]!;
		const { flag, value, next } = optionReader('plan', args, i);
		if (flag === '--output' || flag === '-o') {
			const v = value();
			if (v !== 'text' && v !== 'json') {
				throw new UsageError(`plan: --output must be text or json, got ${JSON.stringify(v)}`);
			}
			output = v;
		} else if (flag === '--context') {
			options.context = value();
		} else if (flag === '--kubeconfig') {
			options.kubeconfigPath = value();
		} else if (flag === '--namespace' || flag === '-n') {
			options.namespace = value();
		} else if (flag === '--max-endpoints-per-slice') {
			maxEndpointsPerSlice = maxEndpointsOption('plan', value());
		} else if (flag === '--exit-code') {
			exitCode = true;
		} else if (flag.startsWith('-') && flag !== '-') {
			throw new UsageError(`plan: unknown option ${flag}`);
		} else {
			files.push(a);
		}
		i = next();
	}
	if (files.length === 0) {
		throw new UsageError('plan: give at least one manifest FILE (YAML or JSON)');
	}
	const inputs = files.map((path) => ({ path, text: readManifest(path) }));
	const { planFiles, formatPlanResult } = await import('../cluster/live/planFiles');
	const { LiveSnapshotError } = await import('../cluster/live/snapshot');
	let result: Awaited<ReturnType<typeof planFiles>>;
	try {
		result = await planFiles(inputs, { ...options, maxEndpointsPerSlice });
	} catch (e) {
		if (e instanceof LiveSnapshotError) {
			throw new UsageError(`plan: ${e.message}`);
		}
		throw e;
	}
	process.stdout.write(formatPlanResult(result, output));
	const notCompared = result.plan.services.filter((x) => x.service === 'unknown');
	for (const ns of [...new Set(notCompared.map((x) => x.namespace))]) {
		const names = notCompared.filter((x) => x.namespace === ns).map((x) => x.name);
		process.stderr.write(
			`endpoint-lens: plan: warning: namespace ${ns} could not be read; not compared: ${names.join(', ')}\n`,
		);
	}
	if (result.diagnostics.some((d) => d.severity === 'error')) {
		return 1;
	}
	return exitCode && (result.plan.hasChanges || result.plan.summary.notCompared > 0) ? 3 : 0;
}

export async function main(argv: string[]): Promise<number> {
	const [command, ...rest] = argv;
	try {
		switch (command) {
			case 'simulate':
				return simulate(rest);
			case 'preview':
				return preview(rest);
			case 'plan':
				return await plan(rest);
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
			const known = command === 'simulate' || command === 'preview' || command === 'plan';
			process.stderr.write(`endpoint-lens: ${e.message}\n${known ? '' : `${usage}\n`}`);
			return 2;
		}
		throw e;
	}
}

void main(process.argv.slice(2)).then((code) => {
	process.exitCode = code;
});
