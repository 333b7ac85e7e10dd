/**
 * The resources the test API server serves, and the discovery documents that describe them: core/v1 namespaces,
 * services, pods, nodes and endpoints, and discovery.k8s.io/v1 endpointslices. Everything is read-only (the verbs
 * advertised are get, list and watch), which is all Endpoint Lens uses.
 *
 * Discovery comes in both forms client-go understands: the legacy documents (`APIVersions`, `APIGroupList`,
 * `APIResourceList`) and the aggregated `apidiscovery.k8s.io/v2` `APIGroupDiscoveryList` that kubectl asks for
 * first (see `server.ts` for the content negotiation).
 */
import type { ResourceKind } from '../../../src/core/store/types';

/** One served resource. */
export interface ResourceInfo {
	kind: ResourceKind;
	/** The plural, lowercase resource name in URLs. */
	resource: string;
	singular: string;
	/** '' for the core group. */
	group: string;
	version: string;
	namespaced: boolean;
	shortNames: string[];
	categories: string[];
}

/** The served resources, in discovery order. */
export const resources: readonly ResourceInfo[] = [
	{
		kind: 'Namespace',
		resource: 'namespaces',
		singular: 'namespace',
		group: '',
		version: 'v1',
		namespaced: false,
		shortNames: ['ns'],
		categories: [],
	},
	{
		kind: 'Node',
		resource: 'nodes',
		singular: 'node',
		group: '',
		version: 'v1',
		namespaced: false,
		shortNames: ['no'],
		categories: [],
	},
	{
		kind: 'Service',
		resource: 'services',
		singular: 'service',
		group: '',
		version: 'v1',
		namespaced: true,
		shortNames: ['svc'],
		categories: ['all'],
	},
	{
		kind: 'Endpoints',
		resource: 'endpoints',
		singular: 'endpoints',
		group: '',
		version: 'v1',
		namespaced: true,
		shortNames: ['ep'],
		categories: [],
	},
	{
		kind: 'Pod',
		resource: 'pods',
		singular: 'pod',
		group: '',
		version: 'v1',
		namespaced: true,
		shortNames: ['po'],
		categories: ['all'],
	},
	{
		kind: 'EndpointSlice',
		resource: 'endpointslices',
		singular: 'endpointslice',
		group: 'discovery.k8s.io',
		version: 'v1',
		namespaced: true,
		shortNames: [],
		categories: [],
	},
];

/** The verbs every resource advertises. */
export const servedVerbs = ['get', 'list', 'watch'];

/** The resource of a kind. */
export function resourceOfKind(kind: ResourceKind): ResourceInfo {
	return resources.find((r) => r.kind === kind)!;
}

/** The `apiVersion` of a resource's objects. */
export function apiVersionOf(r: ResourceInfo): string {
	return r.group ? `${r.group}/${r.version}` : r.version;
}

/** Looks a resource up by group, version and plural name. */
export function findResource(group: string, version: string, resource: string): ResourceInfo | undefined {
	return resources.find((r) => r.group === group && r.version === version && r.resource === resource);
}

/** The Kubernetes version the server claims (kubectl's version skew warning stays quiet for v1.32). */
export const serverVersion = {
	major: '1',
	minor: '32',
	gitVersion: 'v1.32.4',
	gitCommit: '59526cd4867447956156ae3a602fcbac5a0ffc55',
	gitTreeState: 'clean',
	buildDate: '2025-04-22T16:02:27Z',
	goVersion: 'go1.23.6',
	compiler: 'gc',
	platform: 'linux/amd64',
};

/** `GET /api`. */
export function apiVersions(serverAddress: string): object {
	return {
		kind: 'APIVersions',
		versions: ['v1'],
		serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
	};
}

const groups = ['discovery.k8s.io'];

function apiGroup(name: string): object {
	const gv = { groupVersion: `${name}/v1`, version: 'v1' };
	return { name, versions: [gv], preferredVersion: gv };
}

/** `GET /apis`. */
export function apiGroupList(): object {
	return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map(apiGroup) };
}

/** `GET /apis/GROUP`, or undefined for a group we do not serve. */
export function apiGroupDocument(name: string): object | undefined {
	return groups.includes(name) ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(name) } : undefined;
}

/** `GET /api/v1` or `GET /apis/GROUP/VERSION`, or undefined when not served. */
export function apiResourceList(group: string, version: string): object | undefined {
	const list = resources.filter((r) => r.group === group && r.version === version);
	if (list.length === 0) {
		return undefined;
	}
	return {
		kind: 'APIResourceList',
		apiVersion: 'v1',
		groupVersion: group ? `${group}/${version}` : version,
		resources: list.map((r) => ({
			name: r.resource,
			singularName: r.singular,
			namespaced: r.namespaced,
			kind: r.kind,
			verbs: servedVerbs,
			...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
			...(r.categories.length ? { categories: r.categories } : {}),
		})),
	};
}

/** The content type of aggregated discovery (what kubectl's Accept header asks for first). */
export const aggregatedDiscoveryType = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** The aggregated discovery document for `/api` (`legacy`) or `/apis`. */
export function aggregatedDiscovery(legacy: boolean): object {
	const names = legacy ? [''] : groups;
	return {
		kind: 'APIGroupDiscoveryList',
		apiVersion: 'apidiscovery.k8s.io/v2',
		metadata: {},
		items: names.map((group) => ({
			metadata: group ? { name: group, creationTimestamp: null } : { creationTimestamp: null },
			versions: [
				{
					version: 'v1',
					freshness: 'Current',
					resources: resources
						.filter((r) => r.group === group)
						.map((r) => ({
							resource: r.resource,
							responseKind: { group: r.group, version: r.version, kind: r.kind },
							scope: r.namespaced ? 'Namespaced' : 'Cluster',
							singularResource: r.singular,
							verbs: servedVerbs,
							...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
							...(r.categories.length ? { categories: r.categories } : {}),
						})),
				},
			],
		})),
	};
}
