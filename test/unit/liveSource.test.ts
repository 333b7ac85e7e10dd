/**
 * The live source against the project's test API server (test/support/apiserver): real HTTPS, real client-node,
 * real watch streams, and the server's fault knobs. Each test starts its own server; every source is stopped in
 * `finally`, so a leaked timer or socket would keep this file's process alive and fail the run.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { KeepAliveAgent, listAll, LiveClusterSource, withoutManagedFields } from '../../src/cluster/live/liveSource';
import type { LiveState } from '../../src/cluster/live/types';
import type { EndpointSlice, Pod, Service, TypedObject } from '../../src/core/k8s/types';
import { ClusterStore } from '../../src/core/store/store';
import type { ResourceKind } from '../../src/core/store/types';
import { users } from '../support/apiserver/auth';
import type { TestApiServer, TestApiServerOptions } from '../support/apiserver/server';
import { startTestApiServer } from '../support/apiserver/server';

// ---------------------------------------------------------------------------------------------------------------
// Fixtures

function service(namespace: string, name: string): Service {
	return {
		apiVersion: 'v1',
		kind: 'Service',
		metadata: { name, namespace },
		spec: {
			selector: { app: name },
			clusterIP: '10.96.0.10',
			ports: [
				{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
				{ name: 'metrics', port: 9090, targetPort: 9091, protocol: 'TCP' },
			],
		},
	};
}

function pod(namespace: string, name: string, app: string, ip: string): Pod {
	return {
		apiVersion: 'v1',
		kind: 'Pod',
		metadata: { name, namespace, labels: { app } },
		spec: { nodeName: 'node-a', containers: [{ name: 'main', ports: [{ name: 'http', containerPort: 8080 }] }] },
		status: {
			phase: 'Running',
			podIP: ip,
			conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2024-05-01T10:00:00Z' }],
		},
	} as Pod;
}

function slice(namespace: string, serviceName: string, ips: string[]): EndpointSlice {
	return {
		apiVersion: 'discovery.k8s.io/v1',
		kind: 'EndpointSlice',
		metadata: { name: `${serviceName}-abc`, namespace, labels: { 'kubernetes.io/service-name': serviceName } },
		addressType: 'IPv4',
		endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
		ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
	} as EndpointSlice;
}

function endpoints(namespace: string, name: string, ips: string[]): TypedObject {
	return {
		apiVersion: 'v1',
		kind: 'Endpoints',
		metadata: { name, namespace },
		subsets: [{ addresses: ips.map((ip) => ({ ip })), ports: [{ name: 'http', port: 8080 }] }],
	} as TypedObject;
}

const node: TypedObject = {
	apiVersion: 'v1',
	kind: 'Node',
	metadata: { name: 'node-a', labels: { 'topology.kubernetes.io/zone': 'zone-a' } },
};

/** A small cluster: `web` in `shop` (2 pods), `vault` in `secret-team` (1 pod), one node. */
function fixtures(): TypedObject[] {
	return [
		node,
		service('shop', 'web'),
		pod('shop', 'web-1', 'web', '10.0.0.1'),
		pod('shop', 'web-2', 'web', '10.0.0.2'),
		slice('shop', 'web', ['10.0.0.1', '10.0.0.2']),
		endpoints('shop', 'web', ['10.0.0.1', '10.0.0.2']),
		service('secret-team', 'vault'),
		pod('secret-team', 'vault-1', 'vault', '10.0.1.1'),
		slice('secret-team', 'vault', ['10.0.1.1']),
	];
}

// ---------------------------------------------------------------------------------------------------------------
// Harness

const fast = { initialMs: 20, maxMs: 200 };

interface Harness {
	server: TestApiServer;
	store: ClusterStore;
	source: LiveClusterSource;
	states: LiveState[];
	logs: string[];
}

function kubeConfigOf(server: TestApiServer): KubeConfig {
	const kc = new KubeConfig();
	kc.loadFromString(server.kubeconfig);
	return kc;
}

function newSource(
	server: TestApiServer,
	context: string,
	store: ClusterStore,
	extra: { namespace?: string; pageSize?: number } = {},
): Pick<Harness, 'source' | 'states' | 'logs'> {
	const states: LiveState[] = [];
	const logs: string[] = [];
	const source = new LiveClusterSource({
		kubeConfig: kubeConfigOf(server),
		context,
		store,
		backoff: fast,
		log: (level, message) => logs.push(`${level}: ${message}`),
		...extra,
	});
	source.onDidChangeState((s) => states.push(s));
	return { source, states, logs };
}

/** Starts a server and a source on `context`, runs `body`, and always stops both. */
async function withSource(
	context: string,
	body: (h: Harness) => Promise<void>,
	options: TestApiServerOptions & { namespace?: string; pageSize?: number } = {},
): Promise<void> {
	const { namespace, pageSize, ...serverOptions } = options;
	const server = await startTestApiServer({ objects: fixtures(), ...serverOptions });
	const store = new ClusterStore();
	const extra = { ...(namespace !== undefined ? { namespace } : {}), ...(pageSize !== undefined ? { pageSize } : {}) };
	const { source, states, logs } = newSource(server, context, store, extra);
	try {
		await body({ server, store, source, states, logs });
	} finally {
		source.dispose();
		await server.close();
	}
}

async function waitFor(what: string, predicate: () => boolean, timeoutMs = 5000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!predicate()) {
		if (Date.now() > deadline) {
			throw new Error(`timed out waiting for ${what}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

function names(store: ClusterStore, kind: ResourceKind, namespace?: string): string[] {
	return store.list(kind, namespace).map((o) => `${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`);
}

/** Waits until every watch of the source is open on the server. */
async function watchesOpen(server: TestApiServer, count: number): Promise<void> {
	await waitFor(`${count} open watches`, () => server.openWatches === count);
}

const allKinds = 6;

// ---------------------------------------------------------------------------------------------------------------
// Tests

describe('LiveClusterSource', () => {
	it('fills the store on the first sync and reports progress until ready', async () => {
		await withSource('test', async ({ store, source, states }) => {
			assert.equal(source.state.phase, 'idle');
			await source.start();
			assert.deepEqual(source.state, { phase: 'ready', limits: [] });
			assert.deepEqual(names(store, 'Service'), ['secret-team/vault', 'shop/web']);
			assert.deepEqual(names(store, 'Pod'), ['secret-team/vault-1', 'shop/web-1', 'shop/web-2']);
			assert.deepEqual(names(store, 'EndpointSlice'), ['secret-team/vault-abc', 'shop/web-abc']);
			assert.deepEqual(names(store, 'Endpoints'), ['shop/web']);
			assert.deepEqual(names(store, 'Node'), ['node-a']);
			assert.deepEqual(names(store, 'Namespace'), ['default', 'secret-team', 'shop']);
			assert.deepEqual(store.podsForService('shop/web').map((p) => p.metadata?.name), ['web-1', 'web-2']);
			assert.equal(store.slicesForService('shop/web').length, 1);

			assert.equal(states[0]!.phase, 'connecting');
			const syncing = states.filter((s) => s.phase === 'syncing');
			assert.ok(syncing.length > 0);
			assert.ok(syncing.every((s) => s.progress!.total === allKinds && s.progress!.listed < allKinds));
			assert.deepEqual(
				syncing.map((s) => s.progress!.listed),
				[...syncing.map((s) => s.progress!.listed)].sort((a, b) => a - b),
				'progress only grows',
			);
			assert.equal(states.at(-1)!.phase, 'ready');
			assert.equal(await Promise.race([source.start(), 'again']), undefined, 'start() is idempotent');
		});
	});

	it('delivers plain wire JSON: RFC3339 strings, int-or-string ports, kind and apiVersion on list items', async () => {
		await withSource('test', async ({ server, store, source }) => {
			await source.start();
			const p = store.get('Pod', 'shop', 'web-1')!;
			assert.equal(p.kind, 'Pod');
			assert.equal(p.apiVersion, 'v1');
			assert.equal(typeof p.metadata?.creationTimestamp, 'string');
			assert.equal(p.status?.conditions?.[0]?.lastTransitionTime, '2024-05-01T10:00:00Z');
			const svc = store.get('Service', 'shop', 'web')!;
			assert.deepEqual(
				svc.spec?.ports?.map((x) => x.targetPort),
				['http', 9091],
			);
			assert.equal(store.get('EndpointSlice', 'shop', 'web-abc')!.apiVersion, 'discovery.k8s.io/v1');
			assert.equal(Object.getPrototypeOf(p), Object.prototype, 'a plain object, not a client-node model');

			// The same through a watch event.
			await watchesOpen(server, allKinds);
			const changed = pod('shop', 'web-1', 'web', '10.0.0.1');
			changed.status!.conditions = [{ type: 'Ready', status: 'False', lastTransitionTime: '2024-05-02T11:30:00Z' }];
			server.update(changed);
			await waitFor('the MODIFIED pod', () => store.get('Pod', 'shop', 'web-1')?.status?.conditions?.[0]?.status === 'False');
			assert.equal(store.get('Pod', 'shop', 'web-1')!.status!.conditions![0]!.lastTransitionTime, '2024-05-02T11:30:00Z');
		});
	});

	it('applies ADDED, MODIFIED and DELETED watch events', async () => {
		await withSource('test', async ({ server, store, source }) => {
			await source.start();
			await watchesOpen(server, allKinds);
			server.create(pod('shop', 'web-3', 'web', '10.0.0.3'));
			await waitFor('ADDED', () => store.get('Pod', 'shop', 'web-3') !== undefined);
			assert.deepEqual(store.podsForService('shop/web').map((p) => p.metadata?.name), ['web-1', 'web-2', 'web-3']);

			server.update(slice('shop', 'web', ['10.0.0.1', '10.0.0.2', '10.0.0.3']));
			await waitFor('MODIFIED', () => store.get('EndpointSlice', 'shop', 'web-abc')?.endpoints?.length === 3);

			server.remove('Pod', 'shop', 'web-1');
			server.remove('Service', 'secret-team', 'vault');
			await waitFor('DELETED', () => store.get('Pod', 'shop', 'web-1') === undefined && store.get('Service', 'secret-team', 'vault') === undefined);
			assert.deepEqual(names(store, 'Pod', 'shop'), ['shop/web-2', 'shop/web-3']);

			server.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'new-ns' } });
			server.create(service('new-ns', 'api'));
			await waitFor('a new namespace and its service', () => store.get('Service', 'new-ns', 'api') !== undefined);
			assert.ok(store.namespaces().includes('new-ns'));
			assert.equal(source.state.phase, 'ready');
		});
	});

	it('relists after 410 Gone (compact + dropped watches) and converges on changes it missed', async () => {
		await withSource('test', async ({ server, store, source, logs }) => {
			await source.start();
			await watchesOpen(server, allKinds);
			const listsBefore = server.verbs.filter((v) => v.verb === 'list').length;

			// Hold every request while the cluster changes and forgets its history.
			server.faults.delayMs = 300;
			server.faults.dropWatches();
			server.remove('Pod', 'shop', 'web-2');
			server.create(pod('shop', 'web-9', 'web', '10.0.0.9'));
			server.update({ ...service('shop', 'web'), metadata: { name: 'web', namespace: 'shop', labels: { tier: 'front' } } });
			server.faults.compact();
			server.faults.delayMs = 0;

			await waitFor('the relist to converge', () =>
				store.get('Pod', 'shop', 'web-2') === undefined &&
				store.get('Pod', 'shop', 'web-9') !== undefined &&
				store.get('Service', 'shop', 'web')?.metadata?.labels?.tier === 'front',
			);
			await watchesOpen(server, allKinds);
			const relists = server.verbs.slice().filter((v) => v.verb === 'list').length - listsBefore;
			assert.ok(relists >= 1, 'at least one kind relisted');
			assert.ok(logs.some((l) => /410 Gone\); relisting/.test(l)), logs.join('\n'));
			assert.deepEqual(names(store, 'Pod'), server.list('Pod').map((o) => `${o.metadata!.namespace}/${o.metadata!.name}`));

			// And it keeps watching after the relist.
			server.create(pod('shop', 'web-10', 'web', '10.0.0.10'));
			await waitFor('an event after the relist', () => store.get('Pod', 'shop', 'web-10') !== undefined);
			assert.equal(source.state.phase, 'ready');
		});
	});

	it('reconnects a dropped watch from its last resourceVersion, without relisting', async () => {
		await withSource('test', async ({ server, store, source, logs }) => {
			await source.start();
			await watchesOpen(server, allKinds);
			server.create(pod('shop', 'web-3', 'web', '10.0.0.3'));
			await waitFor('the pod', () => store.get('Pod', 'shop', 'web-3') !== undefined);
			const mark = server.verbs.length;

			server.faults.dropWatches(true); // reset the sockets
			await waitFor('the watches to come back', () => server.verbs.slice(mark).filter((v) => v.verb === 'watch').length >= allKinds);
			await watchesOpen(server, allKinds);
			const after = server.verbs.slice(mark);
			assert.deepEqual(after.filter((v) => v.verb === 'list'), [], 'no relist for a dropped watch');
			const podWatch = after.find((v) => v.verb === 'watch' && v.path === '/api/v1/pods')!;
			const rv = new URLSearchParams(podWatch.query).get('resourceVersion');
			assert.equal(rv, store.get('Pod', 'shop', 'web-3')!.metadata!.resourceVersion, 'rewatch from the last event seen');
			assert.ok(logs.some((l) => /watch of pods \(all namespaces\) ended/.test(l)));

			server.create(pod('shop', 'web-4', 'web', '10.0.0.4'));
			await waitFor('an event on the new watch', () => store.get('Pod', 'shop', 'web-4') !== undefined);
		});
	});

	it('asks for bookmarks and follows them, so a quiet watch survives a compaction', async () => {
		await withSource(
			'test',
			async ({ server, store, source }) => {
				await source.start();
				await watchesOpen(server, allKinds);
				const watches = server.verbs.filter((v) => v.verb === 'watch');
				assert.ok(watches.every((v) => new URLSearchParams(v.query).get('allowWatchBookmarks') === 'true'));

				// A pod event moves the resourceVersion; the quiet Service watch learns it from a bookmark.
				server.create(pod('shop', 'web-3', 'web', '10.0.0.3'));
				await waitFor('the pod', () => store.get('Pod', 'shop', 'web-3') !== undefined);
				await new Promise((resolve) => setTimeout(resolve, 200));
				const mark = server.verbs.length;
				server.faults.compact();
				server.faults.dropWatches();
				await waitFor('the rewatch', () => server.verbs.slice(mark).filter((v) => v.verb === 'watch').length >= allKinds);
				await watchesOpen(server, allKinds);
				assert.deepEqual(
					server.verbs.slice(mark).filter((v) => v.verb === 'list').map((v) => v.path),
					[],
					'every watch resumed from a bookmarked resourceVersion',
				);
			},
			{ bookmarkIntervalMs: 30 },
		);
	});

	it('reports a forbidden namespace as ReadLimits and shows the others', async () => {
		await withSource('forbidden-ns', async ({ server, store, source }) => {
			await source.start();
			assert.equal(source.state.phase, 'ready');
			assert.deepEqual(
				source.state.limits.map((l) => [l.kind, l.namespace, l.reason]),
				[
					['Service', 'secret-team', 'forbidden'],
					['EndpointSlice', 'secret-team', 'forbidden'],
					['Endpoints', 'secret-team', 'forbidden'],
					['Pod', 'secret-team', 'forbidden'],
				],
			);
			assert.match(source.state.limits[3]!.message, /pods is forbidden: User "test-limited" cannot list resource "pods".*"secret-team"/);
			assert.deepEqual(names(store, 'Service'), ['shop/web']);
			assert.deepEqual(names(store, 'Pod'), ['shop/web-1', 'shop/web-2']);
			assert.deepEqual(names(store, 'Node'), ['node-a']);

			// The fallback follows namespaces as they appear.
			await waitFor('per-namespace watches', () => server.openWatches >= 2 + 4 * 2);
			server.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'late' } });
			server.create(service('late', 'api'));
			await waitFor('a service in a namespace created later', () => store.get('Service', 'late', 'api') !== undefined);
			assert.ok(
				server.verbs.some((v) => v.verb === 'list' && v.path === '/api/v1/namespaces/late/services' && v.status === 200),
			);
		});
	});

	it('still shows slices when pods cannot be listed at all', async () => {
		await withSource(
			'forbidden-ns',
			async ({ store, source }) => {
				await source.start();
				assert.equal(source.state.phase, 'ready');
				assert.deepEqual(
					source.state.limits.map((l) => [l.kind, l.namespace ?? '*']),
					[
						['Pod', 'default'],
						['Pod', 'secret-team'],
						['Pod', 'shop'],
					],
				);
				assert.deepEqual(names(store, 'Pod'), []);
				assert.deepEqual(store.slicesForService('shop/web').map((s) => s.endpoints?.length), [2]);
				assert.deepEqual(names(store, 'Service'), ['secret-team/vault', 'shop/web']);
			},
			{
				rbac: {
					[users.limited]: {
						clusterWideLists: false,
						resources: ['namespaces', 'nodes', 'services', 'endpoints', 'endpointslices'],
					},
				},
			},
		);
	});

	it('reads only the chosen namespace (Nodes stay cluster-wide, Namespaces are not listed)', async () => {
		await withSource(
			'forbidden-ns',
			async ({ server, store, source }) => {
				await source.start();
				assert.deepEqual(source.state, { phase: 'ready', limits: [] });
				assert.deepEqual(names(store, 'Service'), ['shop/web']);
				assert.deepEqual(names(store, 'Namespace'), []);
				const paths = new Set(server.verbs.filter((v) => v.verb === 'list').map((v) => v.path));
				assert.deepEqual([...paths].sort(), [
					'/api/v1/namespaces/shop/endpoints',
					'/api/v1/namespaces/shop/pods',
					'/api/v1/namespaces/shop/services',
					'/api/v1/nodes',
					'/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices',
				]);
			},
			{ namespace: 'shop' },
		);
	});

	it('pages lists with limit/continue', async () => {
		await withSource(
			'test',
			async ({ server, store, source }) => {
				await source.start();
				assert.deepEqual(names(store, 'Pod'), ['secret-team/vault-1', 'shop/web-1', 'shop/web-2']);
				const podLists = server.verbs.filter((v) => v.verb === 'list' && v.path === '/api/v1/pods');
				assert.equal(podLists.length, 3);
				assert.ok(podLists.every((v) => new URLSearchParams(v.query).get('limit') === '1'));
				assert.ok(new URLSearchParams(podLists[2]!.query).get('continue'));
			},
			{ pageSize: 1 },
		);
	});

	it('sizes list pages by bytes, over kept-alive connections', async () => {
		const server = await startTestApiServer({ objects: fixtures() });
		const kc = kubeConfigOf(server);
		kc.setCurrentContext('test');
		const keepAlive = new KeepAliveAgent();
		try {
			const result = await listAll(kc, kc.getCurrentCluster()!.server, 'Pod', undefined, {
				pageSize: 500,
				pageBytes: 4096,
				keepAlive,
			});
			assert.equal(result.items.length, 3);
			const limits = server.verbs
				.filter((v) => v.verb === 'list' && v.path === '/api/v1/pods')
				.map((v) => Number(new URLSearchParams(v.query).get('limit')));
			// An item is guessed at 2 kB until the first page tells; then as many as fit in 4 kB (fixture pods are
			// smaller than 2 kB, so more than 2).
			assert.equal(limits[0], 2);
			assert.ok(limits.length === 2 && limits[1]! > 2, `limits ${limits.join(', ')}`);
		} finally {
			keepAlive.destroy();
			await server.close();
		}
	});

	it('uses client-certificate credentials (context test-cert)', async () => {
		await withSource('test-cert', async ({ server, store, source }) => {
			await source.start();
			assert.equal(source.state.phase, 'ready');
			assert.equal(names(store, 'Pod').length, 3);
			assert.ok(server.verbs.every((v) => v.user === users.cert));
		});
	});

	it('reports an unreachable server with a plain message, and stops cleanly', async () => {
		await withSource('unreachable', async ({ server, store, source, states }) => {
			await source.start();
			const unreachable = server.contexts.find((c) => c.name === 'unreachable')!.server;
			assert.equal(source.state.phase, 'error');
			assert.equal(source.state.message, `Cannot reach ${unreachable}: connection refused`);
			assert.ok(states.some((s) => s.phase === 'connecting'));
			assert.equal(store.counts().Pod, 0);
			source.stop();
			assert.equal(source.state.phase, 'idle');
			const pending = process.getActiveResourcesInfo().filter((r) => r === 'Timeout');
			assert.deepEqual(pending, [], 'no retry timer is left behind');
		});
	});

	it('goes to error on 401 (expired token), naming the server, and keeps the store', async () => {
		await withSource('test', async ({ server, store, source }) => {
			await source.start();
			await watchesOpen(server, allKinds);
			server.faults.expireTokens();
			server.faults.dropWatches();
			await waitFor('the error state', () => source.state.phase === 'error');
			assert.equal(
				source.state.message,
				`${server.url} rejected the credentials of user "test-admin" (401 Unauthorized): they may have expired.`,
			);
			assert.equal(store.counts().Pod, 3, 'the store keeps what it had');
		});
	});

	it('marks a kind whose list fails with a 5xx as limited, then recovers', async () => {
		await withSource('test', async ({ server, store, source }) => {
			server.faults.failNext(1, 500, /^\/api\/v1\/pods$/);
			await source.start();
			assert.equal(source.state.phase, 'ready');
			assert.deepEqual(source.state.limits.map((l) => [l.kind, l.reason]), [['Pod', 'error']]);
			await waitFor('the retry', () => source.state.limits.length === 0);
			assert.equal(store.counts().Pod, 3);
		});
	});

	it('after stop() and store.clear(), a source on another cluster shows only that cluster', async () => {
		const other = await startTestApiServer({ objects: [service('other', 'only-here'), pod('other', 'p', 'only-here', '10.9.0.1')] });
		try {
			await withSource('test', async ({ server, store, source }) => {
				await source.start();
				await watchesOpen(server, allKinds);
				assert.equal(store.counts().Pod, 3);

				source.stop();
				assert.equal(source.state.phase, 'idle');
				assert.equal(store.counts().Pod, 3, 'stop() keeps the store');
				await waitFor('the old watches to close', () => server.openWatches === 0);
				store.clear();

				const next = newSource(other, 'test', store);
				try {
					await next.source.start();
					assert.deepEqual(names(store, 'Service'), ['other/only-here']);
					assert.deepEqual(names(store, 'Pod'), ['other/p']);
					// The old cluster no longer reaches the store.
					server.create(pod('shop', 'late', 'web', '10.0.0.77'));
					await new Promise((resolve) => setTimeout(resolve, 100));
					assert.equal(store.get('Pod', 'shop', 'late'), undefined);
					assert.deepEqual(names(store, 'Pod'), ['other/p']);
				} finally {
					next.source.dispose();
				}
			});
		} finally {
			await other.close();
		}
	});

	it('reports a context that is not in the kubeconfig', async () => {
		await withSource('no-such-context', async ({ source, server }) => {
			await source.start();
			assert.deepEqual(source.state, {
				phase: 'error',
				message: 'The kubeconfig has no context "no-such-context".',
				limits: [],
			});
			assert.equal(server.verbs.length, 0);
		});
	});

	it('only ever reads: every request is a GET (list, watch or get)', async () => {
		await withSource('forbidden-ns', async ({ server, source }) => {
			await source.start();
			await watchesOpen(server, 2 + 4 * 2);
			server.faults.compact();
			server.faults.dropWatches();
			await new Promise((resolve) => setTimeout(resolve, 300));
			assert.ok(server.verbs.length > 10);
			for (const v of server.verbs) {
				assert.equal(v.method, 'GET', `${v.method} ${v.path}`);
				assert.ok(['list', 'watch', 'get'].includes(v.verb), `${v.verb} ${v.path}`);
			}
		});
	});
});

describe('live source: what is kept of an object', () => {
	it('drops metadata.managedFields and nothing else', () => {
		const pod = {
			kind: 'Pod',
			metadata: { name: 'p', namespace: 'default', managedFields: [{ manager: 'kubectl', operation: 'Apply' }], labels: { a: 'b' } },
			spec: { nodeName: 'n1' },
		};
		const kept = withoutManagedFields(pod);
		assert.deepEqual(kept, { kind: 'Pod', metadata: { name: 'p', namespace: 'default', labels: { a: 'b' } }, spec: { nodeName: 'n1' } });
		assert.equal(pod.metadata.managedFields.length, 1, 'the input is not changed');
		const plain = { kind: 'Service', metadata: { name: 's' } };
		assert.equal(withoutManagedFields(plain), plain, 'an object without them is passed through');
	});
});
