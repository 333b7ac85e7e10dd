/**
 * The test API server against the real @kubernetes/client-node 1.4 (what the live source uses): typed lists through
 * the generated APIs with token and client-certificate contexts, 403/401 as ApiExceptions, and an informer
 * (`makeInformer`, i.e. ListWatch) that sees ADDED/MODIFIED/DELETED, rewatches after a dropped watch without a
 * relist, and relists after 410 Gone. Nothing is mocked: every call crosses the TLS socket.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubernetesObject, V1Pod } from '@kubernetes/client-node';
import { CoreV1Api, DiscoveryV1Api, KubeConfig, makeInformer } from '@kubernetes/client-node';
import type { TypedObject } from '../../src/core/k8s/types';
import { sampleObjects } from '../support/apiserver/fixtures';
import type { TestApiServer } from '../support/apiserver/server';
import { startTestApiServer } from '../support/apiserver/server';

function kubeConfig(server: TestApiServer, context = 'test'): KubeConfig {
	const kc = new KubeConfig();
	kc.loadFromString(server.kubeconfig);
	kc.setCurrentContext(context);
	return kc;
}

function pod(name: string, labels: Record<string, string> = {}): TypedObject {
	return {
		apiVersion: 'v1',
		kind: 'Pod',
		metadata: { name, namespace: 'default', labels },
		spec: { containers: [{ name: 'c' }] },
	} as TypedObject;
}

async function until(what: string, cond: () => boolean, timeoutMs = 4000): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (!cond()) {
		if (Date.now() > end) {
			throw new Error(`timed out waiting for ${what}`);
		}
		await new Promise((r) => setTimeout(r, 10));
	}
}

describe('test API server: @kubernetes/client-node', () => {
	let server: TestApiServer;
	before(async () => {
		server = await startTestApiServer({ objects: sampleObjects() });
	});
	after(() => server.close());

	it('lists services and endpointslices with the token and the client-certificate contexts', async () => {
		for (const context of ['test', 'test-cert']) {
			const core = kubeConfig(server, context).makeApiClient(CoreV1Api);
			const services = await core.listServiceForAllNamespaces();
			assert.deepEqual(
				services.items.map((s) => `${s.metadata?.namespace}/${s.metadata?.name}`),
				['default/web', 'secret-team/vault', 'shop/api'],
			);
			assert.equal(services.items[0]?.spec?.clusterIP, '10.96.0.10');
			const slices = await kubeConfig(server, context)
				.makeApiClient(DiscoveryV1Api)
				.listNamespacedEndpointSlice({ namespace: 'default', labelSelector: 'kubernetes.io/service-name=web' });
			assert.deepEqual(
				slices.items[0]?.endpoints.map((e) => e.addresses[0]),
				['10.244.0.11', '10.244.0.12'],
			);
			assert.equal(slices.metadata?.resourceVersion, server.resourceVersion);
		}
		assert.ok(server.verbs.some((v) => v.user === 'test-cert-user' && v.status === 200));
	});

	it('surfaces 403 and 401 as ApiExceptions with the status code', async () => {
		const limited = kubeConfig(server, 'forbidden-ns').makeApiClient(CoreV1Api);
		await assert.rejects(
			limited.listNamespacedService({ namespace: 'secret-team' }),
			(e: { code?: number }) => e.code === 403,
		);
		await assert.rejects(limited.listServiceForAllNamespaces(), (e: { code?: number }) => e.code === 403);
		assert.equal((await limited.listNamespacedService({ namespace: 'shop' })).items.length, 1);
		const stale = kubeConfig(server).makeApiClient(CoreV1Api);
		server.faults.expireTokens();
		await assert.rejects(stale.listNamespace(), (e: { code?: number }) => e.code === 401);
		assert.ok((await kubeConfig(server).makeApiClient(CoreV1Api).listNamespace()).items.length >= 3);
	});

	it('an informer receives ADDED, MODIFIED, DELETED; rewatches after a dropped watch; relists after 410', async () => {
		const kc = kubeConfig(server);
		const core = kc.makeApiClient(CoreV1Api);
		const informer = makeInformer<V1Pod>(kc, '/api/v1/namespaces/default/pods', () =>
			core.listNamespacedPod({ namespace: 'default' }),
		);
		const seen: string[] = [];
		const errors: unknown[] = [];
		const note = (type: string) => (o: KubernetesObject) => seen.push(`${type} ${o.metadata?.name}`);
		informer.on('add', note('add'));
		informer.on('update', note('update'));
		informer.on('delete', note('delete'));
		informer.on('error', (e) => errors.push(e));
		const lists = (): number =>
			server.verbs.filter((v) => v.verb === 'list' && v.path === '/api/v1/namespaces/default/pods').length;
		const watches = (): number => server.verbs.filter((v) => v.verb === 'watch').length;
		await informer.start();
		try {
			await until('initial list', () => seen.length === 3);
			assert.deepEqual(seen.splice(0), ['add web-1', 'add web-2', 'add web-3']);
			await until('watch open', () => server.openWatches === 1);

			server.create(pod('live-1'));
			server.update(pod('live-1', { v: '2' }));
			server.remove('Pod', 'default', 'web-3');
			await until('three events', () => seen.length === 3);
			assert.deepEqual(seen.splice(0), ['add live-1', 'update live-1', 'delete web-3']);
			assert.equal(informer.get('live-1', 'default')?.metadata?.labels?.v, '2');

			// A dropped watch: ListWatch rewatches from its last resourceVersion, with no relist.
			const listsBefore = lists();
			const watchesBefore = watches();
			server.faults.dropWatches();
			await until('rewatch', () => watches() > watchesBefore && server.openWatches === 1);
			server.create(pod('live-2'));
			await until('event after rewatch', () => seen.length === 1);
			assert.deepEqual(seen.splice(0), ['add live-2']);
			assert.equal(lists(), listsBefore);
			const rewatch = server.verbs.filter((v) => v.verb === 'watch').at(-1)!;
			assert.match(rewatch.query, /resourceVersion=\d+/);

			// 410: a change happens while the client is away and the history is compacted; the rewatch from the old
			// resourceVersion gets ERROR 410, and ListWatch relists and reconciles.
			server.faults.delayMs = 200;
			const mark = server.verbs.length;
			server.faults.dropWatches();
			server.remove('Pod', 'default', 'live-2');
			server.create(pod('while-away'));
			server.faults.compact();
			const compactedAt = Number(server.resourceVersion);
			await until('relist', () => lists() > listsBefore, 5000);
			const rewatches = server.verbs.slice(mark).filter((v) => v.verb === 'watch');
			assert.ok(
				rewatches.some((v) => Number(/resourceVersion=(\d+)/.exec(v.query)?.[1]) < compactedAt),
				'the rewatch asked for a compacted resourceVersion',
			);
			server.faults.delayMs = 0;
			await until('reconciled', () => seen.includes('add while-away') && seen.includes('delete live-2'));
			assert.deepEqual(
				informer
					.list('default')
					.map((p) => p.metadata?.name)
					.sort(),
				['live-1', 'web-1', 'web-2', 'while-away'],
			);
			assert.deepEqual(errors, []);
		} finally {
			await informer.stop();
		}
	});
});
