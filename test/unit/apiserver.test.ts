/**
 * The test API server's protocol, over plain node:https: authentication (token, client certificate, none),
 * discovery, get and list (selectors, paging, resourceVersions), watch (replay, selector transitions, bookmarks,
 * 410 after compaction, timeouts), server-side Tables, RBAC 403s, 405 on writes, the fault knobs and the verb log.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PlaygroundCluster } from '../../src/cluster/playground/playground';
import type { EndpointSlice, TypedObject } from '../../src/core/k8s/types';
import { sampleObjects } from '../support/apiserver/fixtures';
import { rawRequest, rawWatch } from '../support/apiserver/rawClient';
import type { TestApiServer } from '../support/apiserver/server';
import { startTestApiServer } from '../support/apiserver/server';
import { ManualClock, example } from './support/playground';

const tableAccept =
	'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

interface List {
	kind: string;
	metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
	items: TypedObject[];
}

const names = (l: unknown): string[] => (l as List).items.map((o) => o.metadata?.name ?? '');

function pod(name: string, labels: Record<string, string> = {}, ns = 'default'): TypedObject {
	return {
		apiVersion: 'v1',
		kind: 'Pod',
		metadata: { name, namespace: ns, labels },
		spec: { containers: [{ name: 'c' }] },
	} as TypedObject;
}

describe('test API server: protocol', () => {
	let server: TestApiServer;
	before(async () => {
		server = await startTestApiServer({ objects: sampleObjects(), bookmarkIntervalMs: 50 });
	});
	after(() => server.close());

	describe('authentication', () => {
		it('accepts the bearer token and the client certificate, and answers 401 with a Status otherwise', async () => {
			assert.equal((await rawRequest(server, '/api/v1/namespaces')).status, 200);
			const byCert = await rawRequest(server, '/api/v1/namespaces', { as: { cert: true } });
			assert.equal(byCert.status, 200);
			assert.equal(server.verbs.at(-1)?.user, 'test-cert-user');
			for (const as of ['anonymous', { token: 'nope' }] as const) {
				const r = await rawRequest(server, '/api/v1/namespaces', { as });
				assert.equal(r.status, 401);
				assert.deepEqual(r.json, {
					kind: 'Status',
					apiVersion: 'v1',
					metadata: {},
					status: 'Failure',
					message: 'Unauthorized',
					reason: 'Unauthorized',
					code: 401,
				});
			}
			assert.equal((await rawRequest(server, '/version', { as: 'anonymous' })).status, 200, '/version is public');
		});

		it('expireTokens: the old token is 401, the kubeconfig carries a working new one', async () => {
			const old = server.tokens.admin;
			assert.ok(server.kubeconfig.includes(old));
			server.faults.expireTokens();
			assert.equal((await rawRequest(server, '/api/v1/pods', { as: { token: old } })).status, 401);
			assert.notEqual(server.tokens.admin, old);
			assert.ok(server.kubeconfig.includes(server.tokens.admin) && !server.kubeconfig.includes(old));
			assert.equal((await rawRequest(server, '/api/v1/pods')).status, 200);
		});
	});

	describe('discovery', () => {
		it('serves /version, /api, /api/v1, /apis and /apis/discovery.k8s.io/v1', async () => {
			assert.equal((await rawRequest(server, '/version')).json?.gitVersion, 'v1.32.4');
			assert.deepEqual((await rawRequest(server, '/api')).json?.versions, ['v1']);
			const core = (await rawRequest(server, '/api/v1')).json as {
				resources: { name: string; namespaced: boolean; verbs: string[] }[];
			};
			assert.deepEqual(core.resources.map((r) => r.name).sort(), [
				'endpoints',
				'namespaces',
				'nodes',
				'pods',
				'services',
			]);
			assert.deepEqual(core.resources.find((r) => r.name === 'pods')?.verbs, ['get', 'list', 'watch']);
			const apis = (await rawRequest(server, '/apis')).json as { kind: string; groups: { name: string }[] };
			assert.equal(apis.kind, 'APIGroupList');
			assert.deepEqual(
				apis.groups.map((g) => g.name),
				['discovery.k8s.io'],
			);
			const disc = (await rawRequest(server, '/apis/discovery.k8s.io/v1')).json as {
				groupVersion: string;
				resources: { name: string; kind: string }[];
			};
			assert.equal(disc.groupVersion, 'discovery.k8s.io/v1');
			assert.deepEqual(
				disc.resources.map((r) => [r.name, r.kind]),
				[['endpointslices', 'EndpointSlice']],
			);
			assert.equal((await rawRequest(server, '/openapi/v2')).status, 404);
			assert.equal((await rawRequest(server, '/apis/apps/v1')).status, 404);
		});

		it('answers aggregated discovery when the Accept header asks for it', async () => {
			const r = await rawRequest(server, '/apis', {
				accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
			});
			assert.match(String(r.headers['content-type']), /as=APIGroupDiscoveryList/);
			const doc = r.json as {
				kind: string;
				items: {
					metadata: { name: string };
					versions: { resources: { resource: string; scope: string }[] }[];
				}[];
			};
			assert.equal(doc.kind, 'APIGroupDiscoveryList');
			assert.deepEqual(
				doc.items[0]?.versions[0]?.resources.map((x) => [x.resource, x.scope]),
				[['endpointslices', 'Namespaced']],
			);
		});
	});

	describe('get and list', () => {
		it('gets one object, and a 404 Status for a missing one', async () => {
			const r = await rawRequest(server, '/api/v1/namespaces/default/services/web');
			assert.equal(r.json?.kind, 'Service');
			assert.equal((r.json?.metadata as { name: string }).name, 'web');
			const missing = await rawRequest(
				server,
				'/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/nope',
			);
			assert.equal(missing.status, 404);
			assert.equal(missing.json?.reason, 'NotFound');
			assert.equal(missing.json?.message, 'endpointslices.discovery.k8s.io "nope" not found');
		});

		it('lists namespaced and cluster-wide with a resourceVersion, items without kind', async () => {
			const all = (await rawRequest(server, '/api/v1/pods')).json as unknown as List;
			assert.equal(all.kind, 'PodList');
			assert.deepEqual(names(all), ['web-1', 'web-2', 'web-3', 'vault-0', 'api-1']);
			assert.equal(all.metadata.resourceVersion, server.resourceVersion);
			assert.equal(all.items[0]?.kind, undefined);
			assert.deepEqual(names((await rawRequest(server, '/api/v1/namespaces/shop/pods')).json), ['api-1']);
			assert.deepEqual(names((await rawRequest(server, '/apis/discovery.k8s.io/v1/endpointslices')).json), [
				'web-abcde',
				'vault-abcde',
				'api-abcde',
			]);
		});

		it('filters by label selector (=, !=, in, notin, exists, !exists) and field selector', async () => {
			const q = async (query: string): Promise<string[]> =>
				names((await rawRequest(server, `/api/v1/namespaces/default/pods?${query}`)).json);
			const ls = (s: string): string => `labelSelector=${encodeURIComponent(s)}`;
			assert.deepEqual(await q(ls('tier=frontend')), ['web-1']);
			assert.deepEqual(await q(ls('tier!=frontend')), ['web-2', 'web-3']);
			assert.deepEqual(await q(ls('tier in (frontend,backend)')), ['web-1', 'web-2']);
			assert.deepEqual(await q(ls('tier notin (frontend)')), ['web-2', 'web-3']);
			assert.deepEqual(await q(ls('tier')), ['web-1', 'web-2']);
			assert.deepEqual(await q(ls('!tier')), ['web-3']);
			assert.deepEqual(await q(ls('app=web,tier=backend')), ['web-2']);
			assert.deepEqual(await q(`fieldSelector=${encodeURIComponent('metadata.name=web-2')}`), ['web-2']);
			assert.deepEqual(
				names(
					(
						await rawRequest(
							server,
							`/api/v1/pods?fieldSelector=${encodeURIComponent('metadata.namespace!=default')}`,
						)
					).json,
				),
				['vault-0', 'api-1'],
			);
			assert.equal((await rawRequest(server, `/api/v1/pods?${ls('a in (')}`)).status, 400);
		});

		it('pages with limit and continue', async () => {
			const first = (await rawRequest(server, '/api/v1/pods?limit=2')).json as unknown as List;
			assert.deepEqual(names(first), ['web-1', 'web-2']);
			assert.equal(first.metadata.remainingItemCount, 3);
			assert.ok(first.metadata.continue);
			const second = (await rawRequest(server, `/api/v1/pods?limit=2&continue=${first.metadata.continue}`))
				.json as unknown as List;
			assert.deepEqual(names(second), ['web-3', 'vault-0']);
			assert.equal(second.metadata.resourceVersion, first.metadata.resourceVersion);
			const third = (await rawRequest(server, `/api/v1/pods?limit=2&continue=${second.metadata.continue}`))
				.json as unknown as List;
			assert.deepEqual(names(third), ['api-1']);
			assert.equal(third.metadata.continue, undefined);
			assert.equal((await rawRequest(server, '/api/v1/pods?continue=garbage')).status, 400);
		});
	});

	describe('watch', () => {
		it('replays the events after a resourceVersion, then streams changes (ADDED, MODIFIED, DELETED)', async () => {
			const rv = server.resourceVersion;
			server.create(pod('w-1'));
			server.update({ ...pod('w-1', { x: 'y' }) });
			const w = await rawWatch(server, `/api/v1/namespaces/default/pods?watch=true&resourceVersion=${rv}`);
			assert.equal(w.status, 200);
			assert.equal(w.headers['transfer-encoding'], 'chunked');
			await w.waitFor(2);
			server.create(pod('elsewhere', {}, 'shop'));
			server.remove('Pod', 'default', 'w-1');
			const events = await w.waitFor(3);
			w.close();
			assert.deepEqual(
				events.map((e) => [e.type, e.object.metadata?.name]),
				[
					['ADDED', 'w-1'],
					['MODIFIED', 'w-1'],
					['DELETED', 'w-1'],
				],
			);
			const rvs = events.map((e) => Number(e.object.metadata?.resourceVersion));
			assert.ok(rvs[0]! > Number(rv) && rvs[0]! < rvs[1]! && rvs[1]! < rvs[2]!, `increasing: ${rvs.join(',')}`);
			server.remove('Pod', 'shop', 'elsewhere');
		});

		it('without a resourceVersion, starts with a synthetic ADDED per object (cluster-wide)', async () => {
			const w = await rawWatch(server, '/apis/discovery.k8s.io/v1/endpointslices?watch=1');
			const events = await w.waitFor(3);
			w.close();
			assert.deepEqual(
				events.map((e) => [e.type, e.object.metadata?.name]),
				[
					['ADDED', 'web-abcde'],
					['ADDED', 'vault-abcde'],
					['ADDED', 'api-abcde'],
				],
			);
		});

		it('filters by selector with transitions: leaving the selector is DELETED, entering it ADDED', async () => {
			const w = await rawWatch(
				server,
				`/api/v1/pods?watch=true&resourceVersion=${server.resourceVersion}&labelSelector=role%3Dcache`,
			);
			server.create(pod('t-1', { role: 'cache' }));
			server.update(pod('t-1', { role: 'db' }));
			server.update(pod('t-1', { role: 'cache' }));
			server.remove('Pod', 'default', 't-1');
			const events = await w.waitFor(4);
			w.close();
			assert.deepEqual(
				events.map((e) => e.type),
				['ADDED', 'DELETED', 'ADDED', 'DELETED'],
			);
		});

		it('sends BOOKMARKs with the current resourceVersion when allowed', async () => {
			const w = await rawWatch(
				server,
				`/api/v1/services?watch=true&allowWatchBookmarks=true&resourceVersion=${server.resourceVersion}`,
			);
			const [e] = await w.waitFor(1);
			w.close();
			assert.equal(e?.type, 'BOOKMARK');
			assert.equal(e?.object.kind, 'Service');
			assert.equal(e?.object.metadata?.resourceVersion, server.resourceVersion);
		});

		it('after compact(): a watch from an older resourceVersion gets a 410 Expired ERROR event and ends', async () => {
			const rv = server.resourceVersion;
			server.create(pod('c-1'));
			server.faults.compact();
			const w = await rawWatch(server, `/api/v1/pods?watch=true&resourceVersion=${rv}`);
			await w.ended;
			assert.equal(w.events.length, 1);
			assert.equal(w.events[0]?.type, 'ERROR');
			assert.equal(w.events[0]?.object.code, 410);
			assert.equal(w.events[0]?.object.reason, 'Expired');
			// From the current resourceVersion it works.
			const ok = await rawWatch(server, `/api/v1/pods?watch=true&resourceVersion=${server.resourceVersion}`);
			server.remove('Pod', 'default', 'c-1');
			assert.equal((await ok.waitFor(1))[0]?.type, 'DELETED');
			ok.close();
		});

		it('history beyond historySize expires too; continue tokens from before a compaction are 410', async () => {
			const small = await startTestApiServer({ historySize: 2 });
			try {
				const rv = small.resourceVersion;
				for (const n of ['a', 'b', 'c']) {
					small.create(pod(n));
				}
				const w = await rawWatch(small, `/api/v1/pods?watch=true&resourceVersion=${rv}`);
				await w.ended;
				assert.equal(w.events[0]?.object.code, 410);
				const page = (await rawRequest(small, '/api/v1/pods?limit=1')).json as unknown as List;
				small.create(pod('d'));
				small.faults.compact();
				const r = await rawRequest(small, `/api/v1/pods?limit=1&continue=${page.metadata.continue}`);
				assert.equal(r.status, 410);
				assert.equal(r.json?.reason, 'Expired');
			} finally {
				await small.close();
			}
		});

		it('timeoutSeconds ends the stream; dropWatches ends every open stream', async () => {
			const t0 = Date.now();
			const timed = await rawWatch(
				server,
				`/api/v1/nodes?watch=true&timeoutSeconds=1&resourceVersion=${server.resourceVersion}`,
			);
			await timed.ended;
			assert.ok(Date.now() - t0 >= 900);
			const a = await rawWatch(server, `/api/v1/nodes?watch=true&resourceVersion=${server.resourceVersion}`);
			const b = await rawWatch(
				server,
				`/api/v1/namespaces/default/services?watch=true&resourceVersion=${server.resourceVersion}`,
			);
			assert.equal(server.openWatches, 2);
			server.faults.dropWatches();
			await Promise.all([a.ended, b.ended]);
			assert.equal(server.openWatches, 0);
		});
	});

	describe('server-side printing', () => {
		it('returns a meta.k8s.io/v1 Table with kubectl columns and PartialObjectMetadata rows by default', async () => {
			const t = (await rawRequest(server, '/api/v1/namespaces/default/services', { accept: tableAccept }))
				.json as {
				kind: string;
				columnDefinitions: { name: string; priority: number }[];
				rows: { cells: string[]; object: { kind: string; metadata: { name: string } } }[];
			};
			assert.equal(t.kind, 'Table');
			assert.deepEqual(
				t.columnDefinitions.filter((c) => c.priority === 0).map((c) => c.name),
				['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age'],
			);
			assert.deepEqual(t.rows[0]?.cells.slice(0, 5), ['web', 'ClusterIP', '10.96.0.10', '<none>', '80/TCP']);
			assert.match(t.rows[0]!.cells[5]!, /^\d+s$/);
			assert.equal(t.rows[0]?.object.kind, 'PartialObjectMetadata');
			const slices = (
				await rawRequest(server, '/apis/discovery.k8s.io/v1/endpointslices?includeObject=None', {
					accept: tableAccept,
				})
			).json as {
				rows: { cells: string[]; object?: unknown }[];
			};
			assert.deepEqual(slices.rows[0]?.cells.slice(0, 4), [
				'web-abcde',
				'IPv4',
				'8080',
				'10.244.0.11,10.244.0.12',
			]);
			assert.equal(slices.rows[0]?.object, undefined);
			const eps = (await rawRequest(server, '/api/v1/endpoints?includeObject=Object', { accept: tableAccept }))
				.json as {
				rows: { cells: string[]; object: { kind: string } }[];
			};
			assert.deepEqual(eps.rows[0]?.cells.slice(0, 2), ['web', '10.244.0.11:8080,10.244.0.12:8080']);
			assert.equal(eps.rows[0]?.object.kind, 'Endpoints');
			const pods = (await rawRequest(server, '/api/v1/namespaces/default/pods', { accept: tableAccept }))
				.json as { rows: { cells: string[] }[] };
			assert.deepEqual(
				pods.rows.map((r) => r.cells.slice(0, 4)),
				[
					['web-1', '1/1', 'Running', '0'],
					['web-2', '1/1', 'Running', '0'],
					['web-3', '0/1', 'Running', '0'],
				],
			);
		});

		it('watch events as Tables: one row each, column definitions only on the first', async () => {
			const w = await rawWatch(server, '/api/v1/namespaces/shop/pods?watch=true', { accept: tableAccept });
			await w.waitFor(1);
			server.create(pod('p-9', {}, 'shop'));
			const [first, second] = await w.waitFor(2);
			w.close();
			server.remove('Pod', 'shop', 'p-9');
			assert.equal(first?.object.kind, 'Table');
			assert.ok(Array.isArray(first?.object.columnDefinitions));
			assert.equal(second?.object.columnDefinitions, null);
			assert.equal((second?.object.rows as { cells: string[] }[])[0]?.cells[0], 'p-9');
		});
	});

	describe('authorization, writes and faults', () => {
		it('forbidden-ns user: 403 in secret-team and for cluster-wide lists, 200 elsewhere', async () => {
			const as = { token: server.tokens.limited };
			const denied = await rawRequest(server, '/api/v1/namespaces/secret-team/services', { as });
			assert.equal(denied.status, 403);
			assert.equal(denied.json?.reason, 'Forbidden');
			assert.equal(
				denied.json?.message,
				'services is forbidden: User "test-limited" cannot list resource "services" in API group "" in the namespace "secret-team"',
			);
			const wide = await rawRequest(server, '/apis/discovery.k8s.io/v1/endpointslices', { as });
			assert.equal(wide.status, 403);
			assert.match(String(wide.json?.message), /at the cluster scope$/);
			assert.equal((await rawRequest(server, '/api/v1/namespaces/shop/services', { as })).status, 200);
			assert.equal(
				(await rawRequest(server, '/api/v1/namespaces', { as })).status,
				200,
				'namespaces are cluster-scoped',
			);
			server.faults.forbidNamespace('test-limited', 'shop');
			assert.equal((await rawRequest(server, '/api/v1/namespaces/shop/services', { as })).status, 403);
		});

		it('per-user policies restrict verbs and resources', async () => {
			const s = await startTestApiServer({
				rbac: { 'test-admin': { verbs: ['list'], resources: ['services'] } },
			});
			try {
				assert.equal((await rawRequest(s, '/api/v1/services')).status, 200);
				assert.equal((await rawRequest(s, '/api/v1/pods')).status, 403);
				assert.equal((await rawRequest(s, '/api/v1/services?watch=true')).status, 403);
			} finally {
				await s.close();
			}
		});

		it('answers every write with 405 MethodNotAllowed and logs it', async () => {
			const before = server.verbs.length;
			for (const [method, path] of [
				['POST', '/api/v1/namespaces/default/pods'],
				['PUT', '/api/v1/namespaces/default/pods/web-1'],
				['PATCH', '/api/v1/namespaces/default/pods/web-1'],
				['DELETE', '/api/v1/namespaces/default/pods/web-1'],
				['DELETE', '/api/v1/namespaces/default/pods'],
			] as const) {
				const r = await rawRequest(server, path, { method, body: '{}' });
				assert.equal(r.status, 405);
				assert.equal(r.json?.reason, 'MethodNotAllowed');
			}
			assert.deepEqual(
				server.verbs.slice(before).map((v) => [v.verb, v.status]),
				[
					['create', 405],
					['update', 405],
					['patch', 405],
					['delete', 405],
					['deletecollection', 405],
				],
			);
			assert.ok(server.list('Pod', 'default').some((p) => p.metadata?.name === 'web-1'));
		});

		it('logs verbs, users and statuses of reads', async () => {
			const before = server.verbs.length;
			await rawRequest(server, '/api/v1/namespaces/default/pods/web-1');
			await rawRequest(server, '/api/v1/namespaces/default/pods?limit=1');
			const w = await rawWatch(server, `/api/v1/pods?watch=true&resourceVersion=${server.resourceVersion}`);
			w.close();
			assert.deepEqual(
				server.verbs
					.slice(before)
					.map((v) => [v.method, v.verb, v.path, v.user, v.status, v.resource, v.namespace]),
				[
					['GET', 'get', '/api/v1/namespaces/default/pods/web-1', 'test-admin', 200, 'pods', 'default'],
					['GET', 'list', '/api/v1/namespaces/default/pods', 'test-admin', 200, 'pods', 'default'],
					['GET', 'watch', '/api/v1/pods', 'test-admin', 200, 'pods', undefined],
				],
			);
		});

		it('failNext and delayMs', async () => {
			server.faults.failNext(2, 503, /\/services$/);
			assert.equal((await rawRequest(server, '/api/v1/pods')).status, 200, 'path does not match');
			assert.equal((await rawRequest(server, '/api/v1/services')).status, 503);
			const r = await rawRequest(server, '/api/v1/namespaces/default/services');
			assert.equal(r.status, 503);
			assert.equal(r.json?.reason, 'ServiceUnavailable');
			assert.equal((await rawRequest(server, '/api/v1/services')).status, 200);
			server.faults.delayMs = 150;
			const t0 = Date.now();
			await rawRequest(server, '/api/v1/services');
			server.faults.delayMs = 0;
			assert.ok(Date.now() - t0 >= 140);
		});
	});

	describe('scripting', () => {
		it('list resourceVersion semantics: Exact at the current one, 410 for an older one', async () => {
			const rv = server.resourceVersion;
			const exact = await rawRequest(server, `/api/v1/nodes?resourceVersion=${rv}&resourceVersionMatch=Exact`);
			assert.equal(exact.status, 200);
			server.update(server.list('Node')[0]!);
			const old = await rawRequest(server, `/api/v1/nodes?resourceVersion=${rv}&resourceVersionMatch=Exact`);
			assert.equal(old.status, 410);
			const notOlder = await rawRequest(
				server,
				`/api/v1/nodes?resourceVersion=${rv}&resourceVersionMatch=NotOlderThan`,
			);
			assert.equal((notOlder.json as unknown as List).metadata.resourceVersion, server.resourceVersion);
		});

		it('sendInitialEvents: the initial ADDED events end with an annotated BOOKMARK', async () => {
			const w = await rawWatch(
				server,
				'/api/v1/namespaces/shop/services?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan',
			);
			const [added, bookmark] = await w.waitFor(2);
			w.close();
			assert.equal(added?.type, 'ADDED');
			assert.equal(bookmark?.type, 'BOOKMARK');
			assert.deepEqual((bookmark?.object.metadata as { annotations?: object }).annotations, {
				'k8s.io/initial-events-end': 'true',
			});
		});

		it('create/update/remove validate; feedFrom mirrors a playground until disposed', async () => {
			const s = await startTestApiServer();
			const clock = new ManualClock();
			const pg = new PlaygroundCluster({ clock });
			try {
				assert.throws(() => s.update(pod('missing')), /not found/);
				s.create(pod('dup'));
				assert.throws(() => s.create(pod('dup')), /already exists/);
				s.create(pod('p', {}, 'fresh'));
				assert.equal(s.list('Namespace').filter((n) => n.metadata?.name === 'fresh').length, 1, 'auto-created');
				s.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fresh', labels: { a: 'b' } } });
				assert.throws(
					() => s.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fresh' } }),
					/exists/,
				);
				assert.throws(
					() => s.create({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' } }),
					/does not serve/,
				);
				pg.apply(example('web.yaml'));
				const stopFeeding = s.feedFrom(pg);
				const slices = (): EndpointSlice[] => s.list('EndpointSlice', 'default') as EndpointSlice[];
				assert.equal(slices().length, 1);
				const w = await rawWatch(
					s,
					`/apis/discovery.k8s.io/v1/endpointslices?watch=true&resourceVersion=${s.resourceVersion}`,
				);
				clock.advance(5000);
				await w.waitFor(1);
				w.close();
				assert.equal(w.events[0]?.type, 'MODIFIED');
				assert.equal(slices()[0]?.endpoints?.filter((e) => e.conditions?.ready).length, 3);
				assert.deepEqual(
					s
						.list('Pod', 'default')
						.map((p) => p.metadata?.name)
						.filter((n) => n !== 'dup'),
					pg.list('Pod', 'default').map((p) => p.metadata?.name),
				);
				stopFeeding();
				const rv = s.resourceVersion;
				pg.scale('Deployment', 'default', 'web', 1);
				clock.advance(5000);
				assert.equal(s.resourceVersion, rv, 'no longer following');
			} finally {
				pg.dispose();
				await s.close();
			}
		});
	});
});
