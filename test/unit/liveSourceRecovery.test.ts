/**
 * How the live source comes back after faults (issue 7), against the test API server: new credentials after a 401,
 * a recovered server read at once instead of after each reflector's backoff, `retryNow`, and a forbidden namespace
 * read again once allowed. Backoffs are set long (a minute) where a test proves something happens *without* waiting
 * them out, so a pass cannot be a lucky timer.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { LiveClusterSource } from '../../src/cluster/live/liveSource';
import type { Pod, TypedObject } from '../../src/core/k8s/types';
import { ClusterStore } from '../../src/core/store/store';
import { users } from '../support/apiserver/auth';
import type { TestApiServer } from '../support/apiserver/server';
import { startTestApiServer } from '../support/apiserver/server';

function pod(namespace: string, name: string): Pod {
	return {
		apiVersion: 'v1',
		kind: 'Pod',
		metadata: { name, namespace, labels: { app: 'web' } },
		spec: { containers: [{ name: 'main' }] },
		status: { phase: 'Running', podIP: '10.0.0.9' },
	} as Pod;
}

const objects = (): TypedObject[] => [pod('shop', 'web-1'), pod('team', 'api-1')];

function kubeConfigOf(server: TestApiServer): KubeConfig {
	const kc = new KubeConfig();
	kc.loadFromString(server.kubeconfig);
	return kc;
}

async function waitFor(what: string, predicate: () => boolean, timeoutMs = 8000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!predicate()) {
		if (Date.now() > deadline) {
			throw new Error(`timed out waiting for ${what}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

const podNames = (store: ClusterStore): string[] => store.list('Pod').map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`);

/** A minute: longer than any test waits, so recovery within a test cannot come from a backoff timer running out. */
const minuteBackoff = { initialMs: 60_000, maxMs: 60_000 };

async function withServer(body: (server: TestApiServer) => Promise<void>): Promise<void> {
	const server = await startTestApiServer({ objects: objects() });
	try {
		await body(server);
	} finally {
		await server.close();
	}
}

describe('LiveClusterSource recovery', () => {
	it('after a 401, picks up new credentials from refreshCredentials and reads what changed meanwhile', async () => {
		await withServer(async (server) => {
			const store = new ClusterStore();
			let fresh: KubeConfig | undefined;
			let asked = 0;
			const source = new LiveClusterSource({
				kubeConfig: kubeConfigOf(server),
				context: 'test',
				store,
				backoff: minuteBackoff,
				refreshCredentials: () => {
					asked++;
					return fresh;
				},
			});
			try {
				await source.start();
				assert.deepEqual(podNames(store), ['shop/web-1', 'team/api-1']);
				server.faults.expireTokens();
				server.faults.dropWatches();
				await waitFor('the 401 error', () => source.state.phase === 'error');
				assert.match(source.state.message ?? '', /401 Unauthorized/);
				server.create(pod('shop', 'web-2'));
				// A login writes new credentials: the source finds them without a restart or a minute's backoff.
				fresh = kubeConfigOf(server);
				await waitFor('the new pod', () => podNames(store).includes('shop/web-2'));
				await waitFor('ready again', () => source.state.phase === 'ready');
				assert.ok(asked > 0, 'refreshCredentials was asked');
				const rejected = server.verbs.filter((v) => v.status === 401).length;
				assert.ok(rejected > 0 && rejected < 50, `a bounded number of 401s (${rejected})`);
			} finally {
				source.dispose();
			}
		});
	});

	it('without new credentials it stays in error and keeps the store (no spinning on 401)', async () => {
		await withServer(async (server) => {
			const store = new ClusterStore();
			const source = new LiveClusterSource({
				kubeConfig: kubeConfigOf(server),
				context: 'test',
				store,
				backoff: { initialMs: 50, maxMs: 400 },
				refreshCredentials: () => undefined,
			});
			try {
				await source.start();
				server.faults.expireTokens();
				server.faults.dropWatches();
				await waitFor('the 401 error', () => source.state.phase === 'error');
				const before = server.verbs.length;
				await new Promise((resolve) => setTimeout(resolve, 1000));
				const during = server.verbs.length - before;
				assert.equal(source.state.phase, 'error');
				assert.deepEqual(podNames(store), ['shop/web-1', 'team/api-1'], 'the store keeps what it had');
				// 6 reflectors backing off 50 → 400 ms for a second: a few dozen requests at most, not hundreds.
				assert.ok(during < 60, `requests in a second of 401s: ${during}`);
			} finally {
				source.dispose();
			}
		});
	});

	it('when one request gets through after the server failed, the others retry at once instead of waiting out their backoff', async () => {
		await withServer(async (server) => {
			const store = new ClusterStore();
			const source = new LiveClusterSource({ kubeConfig: kubeConfigOf(server), context: 'test', store, backoff: minuteBackoff });
			try {
				// Pods fail with 503 at first: that reflector waits a minute.
				server.faults.failing = { status: 503, path: /\/pods$/ };
				await source.start();
				assert.deepEqual(source.state.limits.map((l) => [l.kind, l.reason]), [['Pod', 'error']]);
				assert.deepEqual(podNames(store), []);
				server.faults.failing = undefined;
				await waitFor('the five other watches', () => server.openWatches === 5);
				// The other watches are reset; their first reconnect goes through, which shows the server is back.
				server.faults.dropWatches(true);
				await waitFor('the pods, well before the minute', () => podNames(store).length === 2);
				assert.deepEqual(source.state.limits, []);
			} finally {
				source.dispose();
			}
		});
	});

	it('retryNow() retries a denied namespace at once once access is granted again', async () => {
		await withServer(async (server) => {
			const store = new ClusterStore();
			const source = new LiveClusterSource({
				kubeConfig: kubeConfigOf(server),
				context: 'forbidden-ns',
				store,
				backoff: minuteBackoff,
			});
			try {
				server.faults.forbidNamespace(users.limited, 'team');
				await source.start();
				assert.deepEqual(podNames(store), ['shop/web-1']);
				assert.ok(source.state.limits.some((l) => l.kind === 'Pod' && l.namespace === 'team' && l.reason === 'forbidden'));
				server.faults.allowNamespace(users.limited, 'team');
				source.retryNow();
				await waitFor('team pods', () => podNames(store).includes('team/api-1'));
				await waitFor('no limits', () => source.state.limits.length === 0);
			} finally {
				source.dispose();
			}
		});
	});

	it('a namespace forbidden for a moment is read again within seconds with the default backoff', async () => {
		await withServer(async (server) => {
			const store = new ClusterStore();
			const source = new LiveClusterSource({ kubeConfig: kubeConfigOf(server), context: 'forbidden-ns', store });
			try {
				await source.start();
				assert.deepEqual(podNames(store), ['shop/web-1', 'team/api-1']);
				server.faults.forbidNamespace(users.limited, 'team');
				server.faults.dropWatches();
				await waitFor('the denial', () => source.state.limits.some((l) => l.namespace === 'team'));
				server.create(pod('team', 'api-2'));
				server.faults.allowNamespace(users.limited, 'team');
				// Denials back off from 800 ms rather than waiting the 30 s slow retry.
				await waitFor('api-2', () => podNames(store).includes('team/api-2'), 6000);
				await waitFor('no limits', () => source.state.limits.length === 0);
			} finally {
				source.dispose();
			}
		});
	});
});
