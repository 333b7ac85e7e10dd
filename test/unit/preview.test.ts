/**
 * Black-box tests of `endpoint-lens preview` through the real process: the contract in README.md, "Command-line
 * tool". Inputs are the shipped examples/*.yaml and this suite's test/fixtures/cli/*.yaml.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { EndpointSlice, Endpoints } from '../../src/core/k8s/types';
import type { CliResult } from './support/cli';
import { examplesDir, prepareCli, runCli } from './support/cli';

interface Diagnostic {
	severity: 'error' | 'warning' | 'info';
	message: string;
	file: string | null;
	line: number | null;
}

interface ServicePreview {
	namespace: string;
	name: string;
	type: string;
	headless: boolean;
	endpointSlices: EndpointSlice[];
	endpoints: Endpoints | null;
	diagnostics: Diagnostic[];
}

interface PreviewOutput {
	services: ServicePreview[];
	diagnostics: Diagnostic[];
}

const managedByLabel = 'endpointslice.kubernetes.io/managed-by';
const serviceNameLabel = 'kubernetes.io/service-name';
const headlessLabel = 'service.kubernetes.io/headless';

/** Paths relative to the repository root, where the CLI runs: diagnostics repeat them as given. */
const example = (name: string): string => `examples/${name}.yaml`;
const ownFixture = (name: string): string => `test/fixtures/cli/${name}`;
const allExamples = (): string[] =>
	readdirSync(examplesDir)
		.filter((f) => f.endsWith('.yaml'))
		.sort()
		.map((f) => `examples/${f}`);

function previewJson(files: readonly string[], extra: readonly string[] = [], expectedStatus = 0): PreviewOutput {
	const r = runCli(['preview', ...files, '--output', 'json', ...extra]);
	assert.equal(r.stderr, '', 'nothing on stderr');
	assert.equal(r.status, expectedStatus, `exit status ${expectedStatus}`);
	return JSON.parse(r.stdout) as PreviewOutput;
}

/** The one Service of a preview, by name. */
function service(out: PreviewOutput, name: string): ServicePreview {
	const matches = out.services.filter((s) => s.name === name);
	assert.equal(matches.length, 1, `exactly one Service ${name} in ${out.services.map((s) => s.name).join(', ')}`);
	return matches[0]!;
}

function sizes(s: ServicePreview): number[] {
	return s.endpointSlices.map((sl) => sl.endpoints?.length ?? 0);
}

function addresses(slice: EndpointSlice): string[] {
	return (slice.endpoints ?? []).flatMap((e) => e.addresses);
}

/** Asserts a usage error: exit 2, nothing on stdout, the reason on stderr. */
function usageError(r: CliResult, message: RegExp): void {
	assert.equal(r.status, 2, `exit status 2 (stderr: ${r.stderr})`);
	assert.equal(r.stdout, '');
	assert.match(r.stderr, /^endpoint-lens: preview: /);
	assert.match(r.stderr, message);
}

const generatedName = (prefix: string): RegExp => new RegExp(`^${prefix}-[bcdfghjklmnpqrstvwxz2456789]{5}$`);

before(async () => {
	await prepareCli();
});

describe('preview: the expected slices of every example', () => {
	it('web: one IPv4 slice with 3 ready endpoints on 8080 ("http"), and a v1 Endpoints beside it', () => {
		const out = previewJson([example('web')]);
		assert.deepEqual(out.diagnostics, []);
		assert.equal(out.services.length, 1);
		const web = service(out, 'web');
		assert.deepEqual([web.namespace, web.type, web.headless], ['default', 'ClusterIP', false]);
		assert.equal(web.endpointSlices.length, 1);
		const [slice] = web.endpointSlices;
		assert.equal(slice!.apiVersion, 'discovery.k8s.io/v1');
		assert.equal(slice!.kind, 'EndpointSlice');
		assert.match(slice!.metadata?.name ?? '', generatedName('web'));
		assert.equal(slice!.metadata?.namespace, 'default');
		assert.equal(slice!.metadata?.labels?.[serviceNameLabel], 'web');
		assert.equal(slice!.metadata?.labels?.[managedByLabel], 'endpointslice-controller.k8s.io');
		assert.equal(slice!.metadata?.labels?.[headlessLabel], undefined);
		assert.equal(slice!.addressType, 'IPv4');
		assert.deepEqual(slice!.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
		assert.equal(slice!.endpoints?.length, 3);
		for (const e of slice!.endpoints ?? []) {
			assert.deepEqual(e.conditions, { ready: true, serving: true, terminating: false });
			assert.equal(e.targetRef?.kind, 'Pod');
		}
		assert.equal(new Set(slice!.endpoints?.map((e) => e.zone)).size, 3, 'one pod per zone');
		assert.equal(web.endpoints?.apiVersion, 'v1');
		assert.equal(web.endpoints?.kind, 'Endpoints');
		assert.equal(web.endpoints?.metadata?.name, 'web');
		assert.deepEqual(web.endpoints?.subsets?.map((s) => [s.addresses?.length, s.notReadyAddresses, s.ports]), [
			[3, undefined, [{ name: 'http', port: 8080, protocol: 'TCP' }]],
		]);
		assert.deepEqual(
			web.endpoints?.subsets?.[0]?.addresses?.map((a) => a.ip).sort(),
			addresses(slice!).sort(),
			'the same pods in both',
		);
		assert.deepEqual(web.diagnostics, []);
	});

	it('named-ports: two slices, 2 endpoints on 8080 and 2 on 9090, both with port name "http"', () => {
		const api = service(previewJson([example('named-ports')]), 'api');
		assert.deepEqual(
			api.endpointSlices.map((s) => [s.addressType, s.ports, s.endpoints?.length]),
			[
				['IPv4', [{ name: 'http', port: 8080, protocol: 'TCP' }], 2],
				['IPv4', [{ name: 'http', port: 9090, protocol: 'TCP' }], 2],
			],
		);
		assert.deepEqual(
			api.endpoints?.subsets?.map((s) => [s.addresses?.length, s.ports?.map((p) => p.port)]).sort(),
			[
				[2, [8080]],
				[2, [9090]],
			],
		);
	});

	it('headless-statefulset: one headless IPv4 slice, endpoints with hostnames db-0, db-1, db-2', () => {
		const db = service(previewJson([example('headless-statefulset')]), 'db');
		assert.equal(db.headless, true);
		assert.equal(db.endpointSlices.length, 1);
		const [slice] = db.endpointSlices;
		assert.equal(slice!.addressType, 'IPv4');
		assert.equal(slice!.metadata?.labels?.[headlessLabel], '');
		assert.deepEqual(slice!.ports, [{ name: 'postgres', port: 5432, protocol: 'TCP' }]);
		assert.deepEqual(
			slice!.endpoints?.map((e) => [e.hostname, e.targetRef?.name]).sort(),
			[
				['db-0', 'db-0'],
				['db-1', 'db-1'],
				['db-2', 'db-2'],
			],
		);
		const hostnames = db.endpoints?.subsets?.[0]?.addresses?.map((a) => a.hostname);
		assert.deepEqual(hostnames?.sort(), ['db-0', 'db-1', 'db-2']);
	});

	it('dual-stack: one slice per family, IPv4 then IPv6, 2 endpoints each with addresses of that family', () => {
		const echo = service(previewJson([example('dual-stack')]), 'echo');
		assert.deepEqual(
			echo.endpointSlices.map((s) => [s.addressType, s.ports, s.endpoints?.length]),
			[
				['IPv4', [{ name: 'http', port: 5678, protocol: 'TCP' }], 2],
				['IPv6', [{ name: 'http', port: 5678, protocol: 'TCP' }], 2],
			],
		);
		const [v4, v6] = echo.endpointSlices;
		addresses(v4!).forEach((a) => assert.match(a, /^\d+\.\d+\.\d+\.\d+$/));
		addresses(v6!).forEach((a) => assert.match(a, /:/));
		assert.deepEqual(
			v4!.endpoints?.map((e) => e.targetRef?.name).sort(),
			v6!.endpoints?.map((e) => e.targetRef?.name).sort(),
			'the same two pods in both families',
		);
		// The v1 Endpoints carries the primary family only.
		assert.deepEqual(echo.endpoints?.subsets?.[0]?.addresses?.map((a) => a.ip).sort(), addresses(v4!).sort());
	});

	it('external-name: no slices, no Endpoints, an info diagnostic located in the file', () => {
		const out = previewJson([example('external-name')]);
		const payments = service(out, 'payments');
		assert.equal(payments.type, 'ExternalName');
		assert.equal(payments.headless, false);
		assert.deepEqual(payments.endpointSlices, []);
		assert.equal(payments.endpoints, null);
		assert.equal(payments.diagnostics.length, 1);
		assert.equal(payments.diagnostics[0]!.severity, 'info');
		assert.match(payments.diagnostics[0]!.message, /ExternalName.*payments\.example\.com/);
		assert.equal(payments.diagnostics[0]!.file, example('external-name'));
		assert.equal(typeof payments.diagnostics[0]!.line, 'number');
	});

	it('selectorless: one slice mirrored from the Endpoints object, 2 ready and 1 not ready', () => {
		const legacy = service(previewJson([example('selectorless')]), 'legacy-db');
		assert.equal(legacy.endpointSlices.length, 1);
		const [slice] = legacy.endpointSlices;
		assert.equal(slice!.metadata?.labels?.[managedByLabel], 'endpointslicemirroring-controller.k8s.io');
		assert.equal(slice!.metadata?.labels?.[serviceNameLabel], 'legacy-db');
		assert.deepEqual(slice!.metadata?.ownerReferences?.map((o) => [o.kind, o.name]), [['Endpoints', 'legacy-db']]);
		assert.equal(slice!.addressType, 'IPv4');
		assert.deepEqual(slice!.ports, [{ name: 'mysql', port: 3306, protocol: 'TCP' }]);
		assert.deepEqual(
			slice!.endpoints?.map((e) => [e.addresses, e.conditions?.ready]),
			[
				[['192.168.10.11'], true],
				[['192.168.10.12'], true],
				[['192.168.10.13'], false],
			],
		);
		assert.equal(legacy.endpoints?.kind, 'Endpoints');
		assert.deepEqual(legacy.endpoints?.subsets?.[0]?.notReadyAddresses?.map((a) => a.ip), ['192.168.10.13']);
	});

	it('a selectorless Service with no Endpoints of its name and namespace gets no slices', () => {
		const out = previewJson([ownFixture('selectorless-alone.yaml')]);
		assert.equal(out.services.length, 1);
		const vault = service(out, 'vault');
		assert.equal(vault.namespace, 'secrets');
		assert.deepEqual(vault.endpointSlices, []);
		assert.equal(vault.endpoints, null);
		assert.deepEqual(
			vault.diagnostics.map((d) => [d.severity, d.file]),
			[['info', ownFixture('selectorless-alone.yaml')]],
		);
		assert.match(vault.diagnostics[0]!.message, /no selector/);
	});

	it('big: 250 replicas in slices of 100, 100 and 50', () => {
		const fleet = service(previewJson([example('big')]), 'fleet');
		assert.deepEqual(sizes(fleet), [100, 100, 50]);
		assert.ok(fleet.endpointSlices.every((s) => s.addressType === 'IPv4'));
		assert.equal(new Set(fleet.endpointSlices.flatMap(addresses)).size, 250, '250 distinct addresses');
		assert.equal(new Set(fleet.endpointSlices.map((s) => s.metadata?.name)).size, 3);
		assert.equal(fleet.endpoints?.subsets?.[0]?.addresses?.length, 250);
	});

	it('big with --max-endpoints-per-slice 80: 80, 80, 80 and 10 (also as --max-endpoints-per-slice=80)', () => {
		for (const flags of [['--max-endpoints-per-slice', '80'], ['--max-endpoints-per-slice=80']]) {
			const fleet = service(previewJson([example('big')], flags), 'fleet');
			assert.deepEqual(sizes(fleet), [80, 80, 80, 10], flags.join(' '));
		}
	});

	it('sidecar: the named port of a restartable init container resolves, 9100 for both pods', () => {
		const shop = service(previewJson([example('sidecar')]), 'shop-metrics');
		assert.deepEqual(
			shop.endpointSlices.map((s) => [s.ports, s.endpoints?.length]),
			[[[{ name: 'metrics', port: 9100, protocol: 'TCP' }], 2]],
		);
		assert.deepEqual(shop.endpoints?.subsets?.map((s) => [s.addresses?.length, s.ports?.[0]?.port]), [[2, 9100]]);
		assert.deepEqual(shop.diagnostics, []);
	});

	it('publish-not-ready: all 3 endpoints ready, the not-ready pod not serving; all 3 ready in Endpoints', () => {
		const peers = service(previewJson([example('publish-not-ready')]), 'peers');
		assert.equal(peers.headless, true);
		assert.equal(peers.endpointSlices.length, 1);
		const conditions = peers.endpointSlices[0]!.endpoints?.map((e) => [e.conditions?.ready, e.conditions?.serving]);
		assert.deepEqual(
			conditions?.sort(),
			[
				[true, false],
				[true, true],
				[true, true],
			],
		);
		assert.deepEqual(
			peers.endpoints?.subsets?.map((s) => [s.addresses?.length, s.notReadyAddresses]),
			[[3, undefined]],
		);
		assert.deepEqual(peers.diagnostics.map((d) => d.severity), ['info']);
		assert.match(peers.diagnostics[0]!.message, /1 of 3/);
	});
});

describe('preview output formats', () => {
	it('--output json has exactly the documented keys, for every Service in every example', () => {
		const out = previewJson(allExamples());
		assert.deepEqual(Object.keys(out).sort(), ['diagnostics', 'services']);
		assert.deepEqual(out.diagnostics, []);
		assert.deepEqual(
			out.services.map((s) => s.name).sort(),
			['api', 'db', 'echo', 'fleet', 'legacy-db', 'payments', 'peers', 'shop-metrics', 'web'],
		);
		for (const s of out.services) {
			assert.deepEqual(
				Object.keys(s).sort(),
				['diagnostics', 'endpointSlices', 'endpoints', 'headless', 'name', 'namespace', 'type'],
				s.name,
			);
			for (const d of s.diagnostics) {
				assert.deepEqual(Object.keys(d).sort(), ['file', 'line', 'message', 'severity'], s.name);
			}
			for (const slice of s.endpointSlices) {
				assert.equal(slice.apiVersion, 'discovery.k8s.io/v1');
				assert.equal(slice.kind, 'EndpointSlice');
				assert.ok(slice.metadata?.name, `${s.name}: every slice has a name`);
			}
		}
		const total = out.services.reduce((n, s) => n + s.endpointSlices.length, 0);
		assert.equal(total, 3 + 2 + 0 + 1 + 2 + 1 + 1 + 1 + 1);
	});

	it('--output yaml parses into the same EndpointSlice and Endpoints documents as the JSON', () => {
		const json = previewJson(allExamples());
		const r = runCli(['preview', ...allExamples(), '--output', 'yaml']);
		assert.equal(r.status, 0);
		assert.equal(r.stderr, '');
		const docs = parseAllDocuments(r.stdout);
		assert.ok(Array.isArray(docs), 'a YAML stream');
		for (const d of docs) {
			assert.deepEqual(d.errors, []);
		}
		const objects = docs.map((d) => d.toJS() as { kind: string });
		const expected = json.services.flatMap((s) => [...s.endpointSlices, ...(s.endpoints ? [s.endpoints] : [])]);
		assert.equal(objects.length, 12 + 8);
		assert.deepEqual(
			objects.map((o) => o.kind),
			expected.map((o) => o.kind),
		);
		assert.ok(objects.every((o) => o.kind === 'EndpointSlice' || o.kind === 'Endpoints'));
		assert.deepEqual(objects, expected);
	});

	it('-o yaml for one Service: its slice, then its Endpoints', () => {
		const r = runCli(['preview', example('web'), '-o', 'yaml']);
		assert.equal(r.status, 0);
		const objects = parseAllDocuments(r.stdout as string);
		assert.ok(Array.isArray(objects));
		assert.deepEqual(
			objects.map((d) => {
				const o = d.toJS() as { apiVersion: string; kind: string; metadata: { name: string } };
				return [o.apiVersion, o.kind, o.metadata.name.replace(/-[a-z0-9]{5}$/, '-*')];
			}),
			[
				['discovery.k8s.io/v1', 'EndpointSlice', 'web-*'],
				['v1', 'Endpoints', 'web'],
			],
		);
	});

	it('table (the default) groups the slices per Service under kubectl\'s columns', () => {
		const r = runCli(['preview', example('web'), example('named-ports'), example('external-name')]);
		assert.equal(r.status, 0);
		assert.equal(r.stderr, '');
		const lines = r.stdout.split('\n');
		const headerAt = (name: string): number => lines.findIndex((l) => l.startsWith(`Service default/${name} `));
		const web = headerAt('web');
		const api = headerAt('api');
		const payments = headerAt('payments');
		assert.ok(web >= 0 && api >= 0 && payments >= 0, r.stdout);
		assert.match(lines[web]!, /^Service default\/web \(ClusterIP\) — 3\/3 endpoints ready · 1 slice$/);
		assert.match(lines[web + 1]!, /^\s+NAME\s+ADDRESSTYPE\s+PORTS\s+ENDPOINTS$/);
		const ip = String.raw`\d+\.\d+\.\d+\.\d+`;
		assert.match(lines[web + 2]!, new RegExp(String.raw`^\s+web-[a-z0-9]{5}\s+IPv4\s+8080\s+${ip},${ip},${ip}$`));
		assert.match(lines[api]!, /^Service default\/api \(ClusterIP\) — 4\/4 endpoints ready · 2 slices$/);
		assert.match(lines[api + 1]!, /^\s+NAME\s+ADDRESSTYPE\s+PORTS\s+ENDPOINTS$/);
		assert.match(lines[api + 2]!, /^\s+api-[a-z0-9]{5}\s+IPv4\s+8080\s+/);
		assert.match(lines[api + 3]!, /^\s+api-[a-z0-9]{5}\s+IPv4\s+9090\s+/);
		assert.match(lines[payments]!, /^Service default\/payments \(ExternalName\) — no endpoints$/);
		assert.doesNotMatch(lines[payments + 1] ?? '', /NAME\s+ADDRESSTYPE/, 'no slice table for ExternalName');
	});

	it('table shortens long ENDPOINTS lists the way kubectl does', () => {
		const r = runCli(['preview', example('big')]);
		assert.equal(r.status, 0);
		assert.match(r.stdout, /^Service default\/fleet \(ClusterIP\) — 250\/250 endpoints ready · 3 slices$/m);
		const rows = r.stdout.split('\n').filter((l) => /^\s+fleet-[a-z0-9]{5}\s/.test(l));
		assert.equal(rows.length, 3);
		assert.deepEqual(
			rows.map((l) => /\+ (\d+) more\.\.\.$/.exec(l)?.[1]),
			['97', '97', '47'],
		);
	});

	it('table marks headless Services', () => {
		const r = runCli(['preview', example('headless-statefulset')]);
		assert.equal(r.status, 0);
		assert.match(r.stdout, /^Service default\/db \(ClusterIP, headless\) — 3\/3 endpoints ready · 1 slice$/m);
	});
});

describe('preview: files with errors', () => {
	const broken = ownFixture('broken.yaml');

	it('malformed YAML next to a good file: the good one still previews, exit 1, a diagnostic with file and line', () => {
		const out = previewJson([broken, example('web')], [], 1);
		assert.deepEqual(
			out.services.map((s) => s.name).sort(),
			['half', 'web'],
			'the valid document of the broken file and the good file both preview',
		);
		assert.equal(service(out, 'web').endpointSlices[0]?.endpoints?.length, 3);
		assert.equal(out.diagnostics.length, 1);
		const [d] = out.diagnostics;
		assert.equal(d!.severity, 'error');
		assert.equal(d!.file, broken);
		assert.equal(d!.line, 14);
		assert.match(d!.message, /YAML/);
	});

	it('the table prints the file diagnostic as FILE:LINE and still exits 1', () => {
		const r = runCli(['preview', broken, example('web')]);
		assert.equal(r.status, 1);
		assert.equal(r.stderr, '');
		assert.match(r.stdout, /^test\/fixtures\/cli\/broken\.yaml:14: error: /m);
		assert.match(r.stdout, /^Service default\/web \(ClusterIP\) — 3\/3 endpoints ready · 1 slice$/m);
	});

	it('the YAML output keeps the diagnostic as a comment and still exits 1', () => {
		const r = runCli(['preview', broken, example('web'), '--output', 'yaml']);
		assert.equal(r.status, 1);
		assert.match(r.stdout, /^# test\/fixtures\/cli\/broken\.yaml:14: error: /m);
		const docs = parseAllDocuments(r.stdout);
		assert.ok(Array.isArray(docs));
		assert.deepEqual(
			docs.map((d) => (d.toJS() as { kind: string }).kind),
			['EndpointSlice', 'Endpoints'],
		);
	});

	it('files without errors exit 0', () => {
		assert.equal(runCli(['preview', ...allExamples()]).status, 0);
	});
});

describe('preview: bad command lines exit 2', () => {
	it('an unknown --output', () => {
		usageError(
			runCli(['preview', example('web'), '--output', 'xml']),
			/--output must be table, yaml or json, got "xml"/,
		);
	});

	for (const bad of ['0', '1001', 'x', '1.5', '-3']) {
		it(`--max-endpoints-per-slice ${bad}`, () => {
			usageError(
				runCli(['preview', example('web'), `--max-endpoints-per-slice=${bad}`]),
				new RegExp(`--max-endpoints-per-slice must be an integer from 1 to 1000, got "${bad.replace('.', '\\.')}"$`, 'm'),
			);
		});
	}

	it('a flag without its value', () => {
		usageError(
			runCli(['preview', example('web'), '--max-endpoints-per-slice']),
			/--max-endpoints-per-slice needs a value/,
		);
	});

	it('an unknown option', () => {
		usageError(runCli(['preview', example('web'), '--namespace', 'default']), /unknown option --namespace/);
	});

	it('no FILE', () => {
		usageError(runCli(['preview', '--output', 'json']), /at least one manifest FILE/);
	});

	it('a FILE that does not exist', () => {
		const r = runCli(['preview', example('web'), 'examples/no-such-file.yaml']);
		assert.equal(r.status, 2);
		assert.equal(r.stdout, '');
		assert.match(r.stderr, /cannot read examples\/no-such-file\.yaml: no such file/);
	});
});

describe('preview is deterministic', () => {
	it('the same files twice give byte-identical output, in every format', () => {
		for (const format of ['json', 'yaml', 'table']) {
			const a = runCli(['preview', ...allExamples(), '--output', format]);
			const b = runCli(['preview', ...allExamples(), '--output', format]);
			assert.equal(a.status, 0, format);
			assert.equal(a.stdout, b.stdout, format);
		}
	});
});
