/**
 * Bad kubeconfigs (issue 7): corrupt or foreign YAML, files that $KUBECONFIG names but that do not exist, contexts
 * whose cluster or user is missing, credentials that cannot be used (an unknown auth-provider, an exec plugin that is
 * not installed, a client certificate that cannot be read). Each gives one sentence that names the file and the entry,
 * on the context it breaks (`ContextInfo.problem`) or on the kubeconfig (`fileErrors`), and the rest still loads.
 * The tree shows those sentences (presentNode / childrenOf), and a source connecting with such credentials to a closed
 * port ends in an error state, never an unhandled rejection.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { loadKubeconfig, resolveKubeconfig } from '../../src/cluster/live/kubeconfig';
import { LiveClusterSource } from '../../src/cluster/live/liveSource';
import type { LiveState } from '../../src/cluster/live/types';
import { ClusterStore } from '../../src/core/store/store';
import type { TreeSource } from '../../src/core/views/servicesTree';
import { childrenOf, presentNode, sourceNode } from '../../src/core/views/servicesTree';
import { tempDir } from './support/tempDir';

const tmp = tempDir('endpoint-lens-bad-kubeconfig-');
const write = tmp.write;

/** A kubeconfig with one good context `ok` and the given extra YAML appended to each section. */
function kubeconfig(extra: { clusters?: string[]; users?: string[]; contexts?: string[]; current?: string }): string {
	return [
		'apiVersion: v1',
		'kind: Config',
		`current-context: ${extra.current ?? 'ok'}`,
		'clusters:',
		'- name: good',
		'  cluster: {server: "https://good.example:6443"}',
		...(extra.clusters ?? []),
		'users:',
		'- name: token-user',
		'  user: {token: t}',
		...(extra.users ?? []),
		'contexts:',
		'- name: ok',
		'  context: {cluster: good, user: token-user}',
		...(extra.contexts ?? []),
		'',
	].join('\n');
}

/** The host of a machine whose PATH is one directory holding `kubectl-only`. */
function host(): { env: Record<string, string>; isFile: (p: string) => boolean; platform: NodeJS.Platform } {
	const bin = path.join(tmp.path, 'bin');
	fs.mkdirSync(bin, { recursive: true });
	fs.writeFileSync(path.join(bin, 'installed-plugin'), '#!/bin/sh\n');
	return {
		env: { PATH: bin },
		isFile: (p) => fs.existsSync(p) && fs.statSync(p).isFile(),
		platform: 'linux',
	};
}

describe('bad kubeconfigs: one specific sentence each, the rest still loads', () => {
	it('corrupt YAML: the file is named, with where the parser stopped', () => {
		const bad = write('corrupt', 'clusters:\n- name: a\n  cluster: {server: "https://a\n');
		const loaded = loadKubeconfig({ paths: [bad], source: 'setting' });
		assert.equal(loaded.contexts.length, 0);
		assert.equal(loaded.errors.length, 1);
		assert.match(loaded.errors[0]!, new RegExp(`^${bad}: not valid YAML: .+`));
	});

	it('valid YAML that is not a kubeconfig: a list, a scalar, a manifest', () => {
		const list = write('list', '- a\n- b\n');
		assert.match(loadKubeconfig({ paths: [list], source: 'setting' }).errors[0]!, /list: not a kubeconfig \(expected a mapping/);
		const manifest = write('manifest.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\n');
		assert.deepEqual(loadKubeconfig({ paths: [manifest], source: 'setting' }).errors, [
			`${manifest}: not a kubeconfig (it is a Service of v1): it has no clusters, users or contexts.`,
		]);
		const png = path.join(tmp.path, 'image.png');
		fs.writeFileSync(png, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]));
		assert.deepEqual(loadKubeconfig({ paths: [png], source: 'setting' }).errors, [`${png}: a binary file, not a kubeconfig.`]);
		// An empty mapping is an empty kubeconfig, as kubectl reads it.
		assert.deepEqual(loadKubeconfig({ paths: [write('empty-map', '{}\n')], source: 'setting' }).errors, []);
	});

	it('a missing file named in $KUBECONFIG is reported (kubectl skips it silently) and the others load', () => {
		const good = write('kc-good', kubeconfig({}));
		const gone = path.join(tmp.path, 'kc-gone');
		const location = resolveKubeconfig({ env: { KUBECONFIG: `${gone}:${good}` }, home: tmp.path, exists: fs.existsSync, delimiter: ':' });
		assert.deepEqual(location.paths, [good]);
		assert.deepEqual(location.missing, [gone]);
		const loaded = loadKubeconfig(location);
		assert.deepEqual(loaded.contexts.map((c) => c.name), ['ok']);
		assert.deepEqual(loaded.fileErrors, [`$KUBECONFIG names ${gone}, which does not exist; skipped (as kubectl does).`]);
	});

	it('every file $KUBECONFIG names is missing: one sentence with the names, not "create ~/.kube/config"', () => {
		const a = path.join(tmp.path, 'nope-a');
		const one = loadKubeconfig(resolveKubeconfig({ env: { KUBECONFIG: a }, home: tmp.path, exists: fs.existsSync, delimiter: ':' }));
		assert.deepEqual(one.errors, [`No kubeconfig: $KUBECONFIG names ${a}, which does not exist.`]);
		const b = path.join(tmp.path, 'nope-b');
		const two = loadKubeconfig(resolveKubeconfig({ env: { KUBECONFIG: `${a}:${b}` }, home: tmp.path, exists: fs.existsSync, delimiter: ':' }));
		assert.deepEqual(two.errors, [`No kubeconfig: none of the files $KUBECONFIG names exists (${a}, ${b}).`]);
	});

	it('a missing file named by the setting says so by name', () => {
		const p = path.join(tmp.path, 'set-but-missing');
		const loaded = loadKubeconfig(resolveKubeconfig({ setting: p, env: {}, home: tmp.path, exists: fs.existsSync }));
		assert.deepEqual(loaded.errors, [`${p}: cannot read the kubeconfig: the file does not exist.`]);
		assert.deepEqual(loaded.fileErrors, loaded.errors);
	});

	it('contexts with a missing cluster or user, or none at all, keep their row with the problem', () => {
		const p = write(
			'dangling-contexts',
			kubeconfig({
				contexts: [
					'- name: no-cluster-entry',
					'  context: {cluster: ghost, user: token-user}',
					'- name: no-user-entry',
					'  context: {cluster: good, user: ghost-user}',
					'- name: names-no-cluster',
					'  context: {user: token-user}',
				],
			}),
		);
		const loaded = loadKubeconfig({ paths: [p], source: 'setting' });
		const problems = Object.fromEntries(loaded.contexts.map((c) => [c.name, c.problem]));
		assert.deepEqual(problems, {
			ok: undefined,
			'no-cluster-entry': `${p}: context "no-cluster-entry" names cluster "ghost", which no kubeconfig file defines.`,
			'no-user-entry': `${p}: context "no-user-entry" names user "ghost-user", which no kubeconfig file defines.`,
			'names-no-cluster': `${p}: context "names-no-cluster" names no cluster; it cannot connect.`,
		});
		assert.deepEqual(loaded.fileErrors, [], 'every problem is shown on its context');
		assert.equal(loaded.kubeConfig.getContextObject('ok')?.cluster, 'good', 'the good context still loads');
	});

	it('a context whose user was ignored says why the user was ignored, not that it is missing', () => {
		const p = write(
			'ignored-user',
			kubeconfig({
				users: ['- name: tokenless', '  user: {token-file: ./no-such-token}'],
				contexts: ['- name: uses-tokenless', '  context: {cluster: good, user: tokenless}'],
			}),
		);
		const loaded = loadKubeconfig({ paths: [p], source: 'setting' });
		const c = loaded.contexts.find((x) => x.name === 'uses-tokenless');
		assert.match(c?.problem ?? '', /user "tokenless": cannot read token-file .*no-such-token: the file does not exist; ignored\./);
	});

	it('an unknown auth-provider is named, with what works instead; known ones pass', () => {
		const p = write(
			'auth-providers',
			kubeconfig({
				users: [
					'- name: mystery',
					'  user: {auth-provider: {name: acme-sso, config: {client-id: x}}}',
					'- name: oidc-user',
					'  user: {auth-provider: {name: oidc, config: {id-token: x, client-id: y, idp-issuer-url: "https://idp"}}}',
				],
				contexts: [
					'- name: acme',
					'  context: {cluster: good, user: mystery}',
					'- name: oidc',
					'  context: {cluster: good, user: oidc-user}',
				],
			}),
		);
		const loaded = loadKubeconfig({ paths: [p], source: 'setting' });
		assert.equal(
			loaded.contexts.find((c) => c.name === 'acme')?.problem,
			`${p}: user "mystery" uses auth-provider "acme-sso", which Endpoint Lens cannot run (it runs exec credential plugins and the oidc, gcp, azure providers); configure users[].user.exec instead.`,
		);
		assert.equal(loaded.contexts.find((c) => c.name === 'oidc')?.problem, undefined);
	});

	it('an exec plugin that is not installed is named, with its installHint; an installed one passes', () => {
		const p = write(
			'exec-plugins',
			kubeconfig({
				users: [
					'- name: missing-plugin',
					'  user:',
					'    exec:',
					'      apiVersion: client.authentication.k8s.io/v1',
					'      command: gke-gcloud-auth-plugin',
					'      installHint: Install gke-gcloud-auth-plugin with gcloud components install.',
					'- name: absolute-missing',
					'  user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: /opt/nowhere/plugin}}',
					'- name: relative-missing',
					'  user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: ./bin/not-here}}',
					'- name: installed',
					'  user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: installed-plugin}}',
				],
				contexts: [
					'- name: gke',
					'  context: {cluster: good, user: missing-plugin}',
					'- name: abs',
					'  context: {cluster: good, user: absolute-missing}',
					'- name: rel',
					'  context: {cluster: good, user: relative-missing}',
					'- name: fine',
					'  context: {cluster: good, user: installed}',
				],
			}),
		);
		const loaded = loadKubeconfig({ paths: [p], source: 'setting' }, undefined, host());
		const problem = (name: string) => loaded.contexts.find((c) => c.name === name)?.problem;
		assert.equal(
			problem('gke'),
			`${p}: user "missing-plugin": the exec credential plugin "gke-gcloud-auth-plugin" is not on PATH. Install gke-gcloud-auth-plugin with gcloud components install.`,
		);
		assert.equal(problem('abs'), `${p}: user "absolute-missing": the exec credential plugin "/opt/nowhere/plugin" does not exist.`);
		// As kubectl: a command with a directory part is relative to the kubeconfig's directory.
		assert.equal(problem('rel'), `${p}: user "relative-missing": the exec credential plugin "${path.join(tmp.path, 'bin', 'not-here')}" does not exist.`);
		assert.equal(problem('fine'), undefined);
	});

	it('an unreadable client certificate, key or CA file is named with the field', () => {
		const p = write(
			'cert-config',
			kubeconfig({
				clusters: ['- name: bad-ca', '  cluster: {server: "https://ca.example", certificate-authority: missing-ca.crt}'],
				users: ['- name: cert-user', '  user: {client-certificate: certs/missing.crt, client-key: certs/missing.key}'],
				contexts: [
					'- name: cert',
					'  context: {cluster: good, user: cert-user}',
					'- name: ca',
					'  context: {cluster: bad-ca, user: token-user}',
				],
			}),
		);
		const loaded = loadKubeconfig({ paths: [p], source: 'setting' });
		const problem = (name: string) => loaded.contexts.find((c) => c.name === name)?.problem;
		assert.equal(
			problem('cert'),
			`${p}: user "cert-user": cannot read client-certificate ${path.join(tmp.path, 'certs', 'missing.crt')}: the file does not exist.`,
		);
		assert.equal(
			problem('ca'),
			`${p}: cluster "bad-ca": cannot read certificate-authority ${path.join(tmp.path, 'missing-ca.crt')}: the file does not exist.`,
		);
		assert.equal(problem('ok'), undefined);
	});

	it('one corrupt file among several: the file is a kubeconfig problem, the other file’s contexts load', () => {
		const bad = write('multi-bad', 'contexts: [\n');
		const good = write('multi-good', kubeconfig({}));
		const loaded = loadKubeconfig({ paths: [bad, good], source: 'KUBECONFIG' });
		assert.deepEqual(loaded.contexts.map((c) => [c.name, c.problem]), [['ok', undefined]]);
		assert.equal(loaded.fileErrors.length, 1);
		assert.match(loaded.fileErrors[0]!, new RegExp(`^${bad}: not valid YAML`));
	});
});

describe('bad kubeconfigs in the tree', () => {
	const store = new ClusterStore();

	it('an inactive context with a problem shows an error icon, "error", and the sentence in its tooltip', () => {
		const problem = '/k/config: user "mystery" uses auth-provider "acme-sso", which Endpoint Lens cannot run';
		const source: TreeSource = { id: 'context:acme', kind: 'context', label: 'acme', detail: 'https://a', state: { phase: 'error', message: problem }, notices: [], store, active: false };
		const p = presentNode([source], sourceNode(source));
		assert.equal(p.description, 'error');
		assert.deepEqual(p.icon, { id: 'error', color: 'list.errorForeground' });
		assert.match(p.tooltip ?? '', /\*\*Error:\*\* .*mystery/);
		assert.equal(p.command?.id, 'endpointLens.switchContext', 'still a click away, to show the message as a row');
		const fine: TreeSource = { ...source, id: 'context:ok', label: 'ok', state: { phase: 'idle' } };
		assert.equal(presentNode([fine], sourceNode(fine)).description, 'https://a');
	});

	it('the kubeconfig row lists every file problem as a row of its own', () => {
		const source: TreeSource = {
			id: 'kubeconfig',
			kind: 'context',
			label: 'Kubeconfig',
			state: { phase: 'error', message: '/a: not valid YAML: x' },
			notices: [{ severity: 'error', text: '$KUBECONFIG names /b, which does not exist; skipped (as kubectl does).' }],
			store,
		};
		const rows = childrenOf([source], sourceNode(source)).map((n) => (n.type === 'message' ? n.text : n.type));
		assert.deepEqual(rows, ['$KUBECONFIG names /b, which does not exist; skipped (as kubectl does).', '/a: not valid YAML: x']);
	});
});

describe('connecting with unusable credentials: an error state, never an unhandled rejection', () => {
	async function closedPort(): Promise<number> {
		const s = createServer();
		await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
		const port = (s.address() as AddressInfo).port;
		await new Promise<void>((resolve) => s.close(() => resolve()));
		return port;
	}

	async function connect(userYaml: string[]): Promise<LiveState> {
		const port = await closedPort();
		const p = write(
			`connect-${port}`,
			[
				'clusters:',
				`- name: c`,
				`  cluster: {server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true}`,
				'users:',
				'- name: u',
				...userYaml,
				'contexts:',
				'- name: x',
				'  context: {cluster: c, user: u}',
				'current-context: x',
				'',
			].join('\n'),
		);
		const loaded = loadKubeconfig({ paths: [p], source: 'setting' });
		const rejections: unknown[] = [];
		const onRejection = (r: unknown) => rejections.push(r);
		process.on('unhandledRejection', onRejection);
		const source = new LiveClusterSource({ kubeConfig: loaded.kubeConfig, context: 'x', store: new ClusterStore(), backoff: { initialMs: 50, maxMs: 100 } });
		try {
			const errored = new Promise<LiveState>((resolve) => {
				source.onDidChangeState((s) => {
					if (s.phase === 'error') {
						resolve(s);
					}
				});
			});
			await Promise.race([source.start(), errored]);
			const state = await Promise.race([errored, new Promise<LiveState>((resolve) => setTimeout(() => resolve(source.state), 5000))]);
			await new Promise((resolve) => setTimeout(resolve, 50));
			assert.deepEqual(rejections, [], 'no unhandled rejection');
			return state;
		} finally {
			source.dispose();
			process.off('unhandledRejection', onRejection);
		}
	}

	it('an exec plugin that does not exist', async () => {
		const state = await connect(['  user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: /nonexistent/endpoint-lens-plugin}}']);
		assert.equal(state.phase, 'error');
		assert.match(state.message ?? '', /user "u"/);
		assert.match(state.message ?? '', /endpoint-lens-plugin|ENOENT/);
	});

	it('a client certificate file that does not exist', async () => {
		const state = await connect(['  user: {client-certificate: /nonexistent/u.crt, client-key: /nonexistent/u.key}']);
		assert.equal(state.phase, 'error');
		assert.match(state.message ?? '', /user "u"/);
		assert.match(state.message ?? '', /u\.crt/);
	});
});
