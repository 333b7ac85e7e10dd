/**
 * Loading objects for the test API server from a directory of manifests: every `.yaml`, `.yml` and `.json` file
 * (recursively), multi-document files, and `kind: List` items. What the server does not serve (Deployments, say) and
 * files that hold no Kubernetes object are reported as notes rather than errors: the same directory can feed the
 * playground, which runs the workloads.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { TypedObject } from '../../../src/core/k8s/types';
import type { WorkspaceFile } from '../../../src/core/manifests/workspace';
import { isServedKind } from './store';

/** What a directory holds. */
export interface LoadedManifests {
	/** The manifest files, for the playground. */
	files: WorkspaceFile[];
	/** The objects of kinds the server serves. */
	objects: TypedObject[];
	/** One line per skipped file or object. */
	notes: string[];
}

function manifestFiles(dir: string): string[] {
	const out: string[] = [];
	for (const name of readdirSync(dir).sort()) {
		if (name.startsWith('.') || name === 'node_modules') {
			continue;
		}
		const p = join(dir, name);
		if (statSync(p).isDirectory()) {
			out.push(...manifestFiles(p));
		} else if (/\.(ya?ml|json)$/i.test(name)) {
			out.push(p);
		}
	}
	return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads every manifest under `dir`. */
export function loadManifestDir(dir: string): LoadedManifests {
	const result: LoadedManifests = { files: [], objects: [], notes: [] };
	for (const path of manifestFiles(dir)) {
		const rel = relative(dir, path);
		const text = readFileSync(path, 'utf8');
		const docs: unknown[] = [];
		try {
			for (const doc of parseAllDocuments(text)) {
				if ('errors' in doc && doc.errors.length) {
					throw new Error(doc.errors[0]!.message);
				}
				docs.push(doc.toJSON());
			}
		} catch (e) {
			result.notes.push(`${rel}: skipped, not YAML or JSON (${e instanceof Error ? e.message : String(e)})`);
			continue;
		}
		const found: Record<string, unknown>[] = [];
		for (const doc of docs) {
			if (isObject(doc) && typeof doc.kind === 'string' && /List$/.test(doc.kind) && Array.isArray(doc.items)) {
				found.push(...doc.items.filter(isObject));
			} else if (isObject(doc) && typeof doc.kind === 'string' && typeof doc.apiVersion === 'string') {
				found.push(doc);
			}
		}
		if (found.length === 0) {
			result.notes.push(`${rel}: skipped, no Kubernetes objects`);
			continue;
		}
		result.files.push({ path: rel, text });
		for (const o of found) {
			const name = (isObject(o.metadata) && o.metadata.name) || '?';
			if (isServedKind(o.kind as string)) {
				result.objects.push(o as TypedObject);
			} else {
				result.notes.push(
					`${rel}: ${String(o.kind)} ${String(name)} not served (the playground runs workloads)`,
				);
			}
		}
	}
	return result;
}

/** A small cluster for tests: Services with their Endpoints and slices and pods in `default`, `shop` and `secret-team`, and a node. */
export function sampleObjects(): TypedObject[] {
	const pod = (ns: string, name: string, ip: string, labels: Record<string, string>, ready = true): TypedObject =>
		({
			apiVersion: 'v1',
			kind: 'Pod',
			metadata: { name, namespace: ns, labels },
			spec: {
				nodeName: 'node-1',
				containers: [{ name: 'main', image: 'nginx', ports: [{ containerPort: 8080 }] }],
			},
			status: {
				phase: 'Running',
				podIP: ip,
				podIPs: [{ ip }],
				conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
			},
		}) as TypedObject;
	const service = (ns: string, name: string, clusterIP: string, selector: Record<string, string>): TypedObject =>
		({
			apiVersion: 'v1',
			kind: 'Service',
			metadata: { name, namespace: ns, labels: { app: name } },
			spec: {
				type: 'ClusterIP',
				clusterIP,
				clusterIPs: [clusterIP],
				selector,
				ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
			},
		}) as TypedObject;
	const slice = (ns: string, service: string, ips: string[]): TypedObject =>
		({
			apiVersion: 'discovery.k8s.io/v1',
			kind: 'EndpointSlice',
			metadata: {
				name: `${service}-abcde`,
				namespace: ns,
				labels: {
					'kubernetes.io/service-name': service,
					'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
				},
			},
			addressType: 'IPv4',
			endpoints: ips.map((ip) => ({
				addresses: [ip],
				conditions: { ready: true, serving: true, terminating: false },
				nodeName: 'node-1',
			})),
			ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
		}) as TypedObject;
	const endpoints = (ns: string, name: string, ips: string[]): TypedObject =>
		({
			apiVersion: 'v1',
			kind: 'Endpoints',
			metadata: { name, namespace: ns },
			subsets: [
				{
					addresses: ips.map((ip) => ({ ip, nodeName: 'node-1' })),
					ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
				},
			],
		}) as TypedObject;
	return [
		{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
		{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'secret-team' } },
		{
			apiVersion: 'v1',
			kind: 'Node',
			metadata: {
				name: 'node-1',
				labels: { 'node-role.kubernetes.io/control-plane': '', 'topology.kubernetes.io/zone': 'zone-a' },
			},
			status: {
				conditions: [{ type: 'Ready', status: 'True' }],
				addresses: [{ type: 'InternalIP', address: '192.168.0.11' }],
				nodeInfo: { kubeletVersion: 'v1.32.4' },
			},
		} as TypedObject,
		service('default', 'web', '10.96.0.10', { app: 'web' }),
		pod('default', 'web-1', '10.244.0.11', { app: 'web', tier: 'frontend' }),
		pod('default', 'web-2', '10.244.0.12', { app: 'web', tier: 'backend' }),
		pod('default', 'web-3', '10.244.0.13', { app: 'web' }, false),
		slice('default', 'web', ['10.244.0.11', '10.244.0.12']),
		endpoints('default', 'web', ['10.244.0.11', '10.244.0.12']),
		service('shop', 'api', '10.96.0.20', { app: 'api' }),
		pod('shop', 'api-1', '10.244.1.21', { app: 'api' }),
		slice('shop', 'api', ['10.244.1.21']),
		endpoints('shop', 'api', ['10.244.1.21']),
		service('secret-team', 'vault', '10.96.0.30', { app: 'vault' }),
		pod('secret-team', 'vault-0', '10.244.2.31', { app: 'vault' }),
		slice('secret-team', 'vault', ['10.244.2.31']),
	];
}
