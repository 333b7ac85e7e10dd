/**
 * Finding and loading the kubeconfig: the order of the places looked at, kubectl's merge rules over several
 * `$KUBECONFIG` files, and how missing, corrupt and inconsistent files are reported without throwing. Every file is
 * a real temporary file.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { expandHome, loadKubeconfig, resolveKubeconfig } from '../../src/cluster/live/kubeconfig';
import { tempDir } from './support/tempDir';

const tmp = tempDir('endpoint-lens-kubeconfig-');
const write = tmp.write;

function kubeconfig(opts: {
	current?: string;
	clusters?: [name: string, server: string][];
	users?: [name: string, token: string][];
	contexts?: [name: string, cluster: string, user: string, namespace?: string][];
}): string {
	const lines = ['apiVersion: v1', 'kind: Config'];
	if (opts.current !== undefined) {
		lines.push(`current-context: ${opts.current}`);
	}
	lines.push('clusters:');
	for (const [name, server] of opts.clusters ?? []) {
		lines.push(`- name: ${name}`, '  cluster:', `    server: ${server}`);
	}
	lines.push('users:');
	for (const [name, token] of opts.users ?? []) {
		lines.push(`- name: ${name}`, '  user:', `    token: ${token}`);
	}
	lines.push('contexts:');
	for (const [name, cluster, user, namespace] of opts.contexts ?? []) {
		lines.push(`- name: ${name}`, '  context:', `    cluster: ${cluster}`, `    user: ${user}`);
		if (namespace) {
			lines.push(`    namespace: ${namespace}`);
		}
	}
	return `${lines.join('\n')}\n`;
}

describe('resolveKubeconfig', () => {
	const home = '/home/me';
	const none = (): boolean => false;
	const all = (): boolean => true;

	it('prefers the endpointLens.kubeconfig setting, expanding ~', () => {
		const loc = resolveKubeconfig({
			setting: '~/custom/config',
			vsKubernetes: '/vs/config',
			env: { KUBECONFIG: '/env/a' },
			home,
			exists: all,
		});
		assert.deepEqual(loc.paths, [path.join(home, 'custom/config')]);
		assert.equal(loc.source, 'setting');
	});

	it('keeps the setting even when the file is missing, so loading can say so', () => {
		const loc = resolveKubeconfig({ setting: '/nowhere/config', env: {}, home, exists: none });
		assert.deepEqual(loc.paths, ['/nowhere/config']);
		assert.equal(loc.source, 'setting');
	});

	it('then vs-kubernetes.kubeconfig', () => {
		const loc = resolveKubeconfig({ setting: '  ', vsKubernetes: '~/vs', env: { KUBECONFIG: '/env/a' }, home, exists: all });
		assert.deepEqual(loc.paths, [path.join(home, 'vs')]);
		assert.equal(loc.source, 'vs-kubernetes');
	});

	it('then $KUBECONFIG, split by the platform delimiter, existing files only, in order', () => {
		const existing = new Set(['/a', '/c', path.join(home, 'd')]);
		const loc = resolveKubeconfig({
			env: { KUBECONFIG: ['/a', '/b', '', '/c', '~/d', '/a'].join(path.delimiter) },
			home,
			exists: (p) => existing.has(p),
		});
		assert.deepEqual(loc.paths, ['/a', '/c', path.join(home, 'd')]);
		assert.equal(loc.source, 'KUBECONFIG');
		assert.deepEqual(loc.looked, ['/a', '/b', '/c', path.join(home, 'd'), '/a']);
	});

	it('splits $KUBECONFIG by ; on Windows', () => {
		const loc = resolveKubeconfig({
			env: { KUBECONFIG: 'C:\\k\\a;C:\\k\\b' },
			home,
			exists: all,
			delimiter: ';',
		});
		assert.deepEqual(loc.paths, ['C:\\k\\a', 'C:\\k\\b']);
	});

	it('reports an empty list when no $KUBECONFIG file exists (as kubectl, no fallback)', () => {
		const loc = resolveKubeconfig({ env: { KUBECONFIG: '/x:/y'.replace(':', path.delimiter) }, home, exists: none });
		assert.deepEqual(loc.paths, []);
		assert.equal(loc.source, 'KUBECONFIG');
	});

	it('falls back to ~/.kube/config', () => {
		const p = path.join(home, '.kube', 'config');
		assert.deepEqual(resolveKubeconfig({ env: {}, home, exists: (x) => x === p }), {
			paths: [p],
			source: 'default',
			looked: [p],
		});
		assert.deepEqual(resolveKubeconfig({ env: { KUBECONFIG: '' }, home, exists: none }).paths, []);
	});

	it('expands ~ only at the start', () => {
		assert.equal(expandHome('~', home), home);
		assert.equal(expandHome('~/x', home), path.join(home, 'x'));
		assert.equal(expandHome('/a/~/x', home), '/a/~/x');
		assert.equal(expandHome('~other/x', home), '~other/x');
	});
});

describe('loadKubeconfig', () => {
	it('loads one file: contexts with cluster, user, namespace, server and current', () => {
		const p = write(
			'single',
			kubeconfig({
				current: 'dev',
				clusters: [['c1', 'https://127.0.0.1:6443/']],
				users: [['u1', 't1']],
				contexts: [
					['dev', 'c1', 'u1', 'team-a'],
					['ops', 'c1', 'u1'],
				],
			}),
		);
		const loaded = loadKubeconfig({ paths: [p], source: 'setting' });
		assert.deepEqual(loaded.errors, []);
		assert.equal(loaded.currentContext, 'dev');
		assert.deepEqual(loaded.contexts, [
			{ name: 'dev', cluster: 'c1', user: 'u1', namespace: 'team-a', server: 'https://127.0.0.1:6443', current: true },
			{ name: 'ops', cluster: 'c1', user: 'u1', server: 'https://127.0.0.1:6443', current: false },
		]);
		assert.equal(loaded.kubeConfig.getCurrentContext(), 'dev');
		assert.equal(loaded.kubeConfig.getCluster('c1')?.server, 'https://127.0.0.1:6443');
		assert.equal(loaded.kubeConfig.getUser('u1')?.token, 't1');
		assert.deepEqual(loadKubeconfig({ paths: [p], source: 'setting' }, fs.readFileSync).contexts, loaded.contexts);
	});

	it('merges like kubectl: the first current-context and the first definition of each name win', () => {
		const a = write(
			'merge-a',
			kubeconfig({
				clusters: [['shared', 'https://a.example:6443']],
				users: [['u', 'token-a']],
				contexts: [['ctx-a', 'shared', 'u']],
			}),
		);
		const b = write(
			'merge-b',
			kubeconfig({
				current: 'ctx-b',
				clusters: [
					['shared', 'https://b.example:6443'],
					['only-b', 'https://only-b.example'],
				],
				users: [['u', 'token-b']],
				contexts: [
					['ctx-a', 'only-b', 'u'],
					['ctx-b', 'only-b', 'u'],
				],
			}),
		);
		const c = write('merge-c', kubeconfig({ current: 'ctx-a' }));
		const loaded = loadKubeconfig({ paths: [a, b, c], source: 'KUBECONFIG' });
		assert.deepEqual(loaded.errors, []);
		assert.equal(loaded.currentContext, 'ctx-b', 'the first file that sets current-context wins');
		assert.equal(loaded.kubeConfig.getCurrentContext(), 'ctx-b');
		assert.equal(loaded.kubeConfig.getCluster('shared')?.server, 'https://a.example:6443');
		assert.equal(loaded.kubeConfig.getUser('u')?.token, 'token-a');
		assert.equal(loaded.kubeConfig.getContextObject('ctx-a')?.cluster, 'shared');
		assert.deepEqual(
			loaded.contexts.map((x) => [x.name, x.cluster, x.server, x.current]),
			[
				['ctx-a', 'shared', 'https://a.example:6443', false],
				['ctx-b', 'only-b', 'https://only-b.example', true],
			],
		);
	});

	it('reports a missing file by name and still loads the others', () => {
		const good = write('good', kubeconfig({ current: 'x', clusters: [['c', 'https://c']], users: [['u', 't']], contexts: [['x', 'c', 'u']] }));
		const missing = path.join(tmp.path, 'missing');
		const loaded = loadKubeconfig({ paths: [missing, good], source: 'setting' });
		assert.equal(loaded.errors.length, 1);
		assert.match(loaded.errors[0]!, /missing: cannot read the kubeconfig: the file does not exist/);
		assert.deepEqual(loaded.contexts.map((x) => x.name), ['x']);
	});

	it('reports corrupt YAML by file name without throwing', () => {
		const bad = write('corrupt', 'clusters: [\n  - name: a\n  cluster: {server: \n');
		const good = write('good2', kubeconfig({ clusters: [['c', 'https://c']], users: [['u', 't']], contexts: [['y', 'c', 'u']] }));
		const loaded = loadKubeconfig({ paths: [bad, good], source: 'KUBECONFIG' });
		assert.equal(loaded.errors.length, 1);
		assert.ok(loaded.errors[0]!.startsWith(`${bad}: not valid YAML`), loaded.errors[0]);
		assert.deepEqual(loaded.contexts.map((x) => x.name), ['y']);
		assert.equal(loaded.currentContext, undefined);
	});

	it('reports a document that is not a mapping', () => {
		const bad = write('scalar', 'just a string\n');
		const loaded = loadKubeconfig({ paths: [bad], source: 'setting' });
		assert.match(loaded.errors[0]!, /scalar: not a kubeconfig/);
		assert.deepEqual(loaded.contexts, []);
	});

	it('reads an empty file as an empty kubeconfig', () => {
		const empty = write('empty', '');
		const loaded = loadKubeconfig({ paths: [empty], source: 'setting' });
		assert.deepEqual(loaded.errors, []);
		assert.deepEqual(loaded.contexts, []);
	});

	it('reports contexts naming a missing cluster or user, and keeps them', () => {
		const p = write(
			'dangling',
			kubeconfig({
				current: 'orphan',
				clusters: [['c', 'https://c']],
				users: [['u', 't']],
				contexts: [
					['orphan', 'gone-cluster', 'u'],
					['nouser', 'c', 'gone-user'],
				],
			}),
		);
		const loaded = loadKubeconfig({ paths: [p], source: 'setting' });
		assert.deepEqual(loaded.errors, [
			`${p}: context "orphan" names cluster "gone-cluster", which no kubeconfig file defines.`,
			`${p}: context "nouser" names user "gone-user", which no kubeconfig file defines.`,
		]);
		assert.deepEqual(
			loaded.contexts.map((x) => [x.name, x.server]),
			[
				['orphan', undefined],
				['nouser', 'https://c'],
			],
		);
	});

	it('reports invalid entries (no server, no name, no cluster) and loads the valid ones', () => {
		const p = write(
			'invalid-entries',
			[
				'clusters:',
				'- name: noserver',
				'  cluster: {}',
				'- cluster: {server: https://x}',
				'- name: ok',
				'  cluster: {server: https://ok}',
				'users:',
				'- name: u',
				'  user: {token-file: ./no-such-token}',
				'- name: v',
				'  user: {token: t}',
				'contexts:',
				'- name: nocluster',
				'  context: {user: v}',
				'- name: fine',
				'  context: {cluster: ok, user: v}',
				'',
			].join('\n'),
		);
		const loaded = loadKubeconfig({ paths: [p], source: 'setting' });
		assert.equal(loaded.errors.length, 4, loaded.errors.join('\n'));
		assert.match(loaded.errors[0]!, /cluster "noserver" has no server/);
		assert.match(loaded.errors[1]!, /clusters\[1\] has no name/);
		assert.match(loaded.errors[2]!, /user "u": cannot read token-file .*no-such-token/);
		assert.match(loaded.errors[3]!, /context "nocluster" names no cluster/);
		// The context that names no cluster stays, with its problem, so the view can say what is wrong with it.
		assert.deepEqual(loaded.contexts.map((x) => [x.name, x.problem]), [['fine', undefined], ['nocluster', loaded.errors[3]]]);
		assert.deepEqual(loaded.kubeConfig.getContexts().map((x) => x.name), ['fine']);
		assert.equal(loaded.kubeConfig.getUser('v')?.token, 't');
	});

	it('resolves relative certificate paths against the file that names them', () => {
		const p = write(
			'sub/relative',
			[
				'clusters:',
				'- name: c',
				'  cluster: {server: https://c, certificate-authority: ca.crt}',
				'users:',
				'- name: u',
				'  user: {client-certificate: certs/u.crt, client-key: /abs/u.key}',
				'contexts:',
				'- name: x',
				'  context: {cluster: c, user: u}',
				'',
			].join('\n'),
		);
		write('sub/ca.crt', 'ca');
		write('sub/certs/u.crt', 'cert');
		const loaded = loadKubeconfig({ paths: [p], source: 'setting' });
		// The relative files are found; the absolute key is not (and the context says so).
		assert.deepEqual(loaded.errors, [`${p}: user "u": cannot read client-key /abs/u.key: the file does not exist.`]);
		assert.equal(loaded.contexts[0]!.problem, loaded.errors[0]);
		assert.equal(loaded.kubeConfig.getCluster('c')?.caFile, path.join(tmp.path, 'sub', 'ca.crt'));
		assert.equal(loaded.kubeConfig.getUser('u')?.certFile, path.join(tmp.path, 'sub', 'certs', 'u.crt'));
		assert.equal(loaded.kubeConfig.getUser('u')?.keyFile, '/abs/u.key');
	});

	it('says where it looked when there is no kubeconfig at all', () => {
		const loaded = loadKubeconfig({ paths: [], source: 'default', looked: ['/home/me/.kube/config'] });
		assert.equal(
			loaded.errors[0],
			'No kubeconfig: set endpointLens.kubeconfig, $KUBECONFIG, or create ~/.kube/config (looked for /home/me/.kube/config).',
		);
		assert.deepEqual(loaded.contexts, []);
		assert.equal(loaded.kubeConfig.getContexts().length, 0);
	});

	it('reports a current-context that no file defines', () => {
		const p = write('badcurrent', kubeconfig({ current: 'ghost', clusters: [['c', 'https://c']], users: [['u', 't']], contexts: [['x', 'c', 'u']] }));
		const loaded = loadKubeconfig({ paths: [p], source: 'setting' });
		assert.deepEqual(loaded.errors, [`current-context "ghost" is not defined in ${p}.`]);
		assert.equal(loaded.contexts[0]!.current, false);
	});

	it('uses the readFile it is given', () => {
		const files: Record<string, string> = {
			'/virtual/a': kubeconfig({ current: 'v', clusters: [['c', 'https://v']], users: [['u', 't']], contexts: [['v', 'c', 'u']] }),
		};
		const loaded = loadKubeconfig({ paths: ['/virtual/a'], source: 'setting' }, (p) => {
			const text = files[p];
			if (text === undefined) {
				throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
			}
			return text;
		});
		assert.deepEqual(loaded.errors, []);
		assert.equal(loaded.contexts[0]!.server, 'https://v');
	});
});
