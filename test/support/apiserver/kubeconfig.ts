/**
 * The kubeconfig a test API server hands out: one file, CA inline, with a context per way of connecting:
 * - `test` (current-context): bearer token of the admin user;
 * - `test-cert`: client certificate and key (CN = user, O = system:masters);
 * - `unreachable`: the same CA and token against a port nothing listens on;
 * - `forbidden-ns`: the limited user's token (403 in `secret-team` and for cluster-wide lists by default).
 */
import { stringify } from 'yaml';
import type { CertPair } from './certs';

/** One context of the generated kubeconfig. */
export interface TestContext {
	name: string;
	cluster: string;
	user: string;
	namespace: string;
	server: string;
}

/** The inputs of the kubeconfig. */
export interface KubeconfigInputs {
	server: string;
	unreachableServer: string;
	caPem: string;
	adminToken: string;
	limitedToken: string;
	clientCert: CertPair;
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/** The contexts, in kubeconfig order. */
export function testContexts(i: Pick<KubeconfigInputs, 'server' | 'unreachableServer'>): TestContext[] {
	return [
		{ name: 'test', cluster: 'test', user: 'test-admin', namespace: 'default', server: i.server },
		{ name: 'test-cert', cluster: 'test', user: 'test-cert', namespace: 'default', server: i.server },
		{
			name: 'unreachable',
			cluster: 'unreachable',
			user: 'test-admin',
			namespace: 'default',
			server: i.unreachableServer,
		},
		{ name: 'forbidden-ns', cluster: 'test', user: 'test-limited', namespace: 'default', server: i.server },
	];
}

/** The kubeconfig YAML. */
export function buildKubeconfig(i: KubeconfigInputs): string {
	const ca = b64(i.caPem);
	return stringify({
		apiVersion: 'v1',
		kind: 'Config',
		preferences: {},
		'current-context': 'test',
		clusters: [
			{ name: 'test', cluster: { server: i.server, 'certificate-authority-data': ca } },
			{ name: 'unreachable', cluster: { server: i.unreachableServer, 'certificate-authority-data': ca } },
		],
		users: [
			{ name: 'test-admin', user: { token: i.adminToken } },
			{
				name: 'test-cert',
				user: { 'client-certificate-data': b64(i.clientCert.cert), 'client-key-data': b64(i.clientCert.key) },
			},
			{ name: 'test-limited', user: { token: i.limitedToken } },
		],
		contexts: testContexts(i).map((c) => ({
			name: c.name,
			context: { cluster: c.cluster, user: c.user, namespace: c.namespace },
		})),
	});
}
