/**
 * Authentication and authorization for the test API server.
 *
 * Authentication is kube-apiserver's: a bearer token from a static token table, or a client certificate verified
 * against the server's CA, whose CN is the user and whose O entries are the groups. Anything else is 401.
 *
 * Authorization is a small RBAC stand-in: each user has a policy of allowed and denied namespaces, verbs and
 * resources, and whether it may list or watch namespaced resources across all namespaces. A denial is 403 with the
 * same message shape as RBAC's (`pods is forbidden: User "x" cannot list resource "pods" in API group "" in the
 * namespace "y"`), so a client that falls back to per-namespace lists on 403 can be tested.
 */
import { randomBytes } from 'node:crypto';

/** What one user may do. Absent fields allow everything. */
export interface UserPolicy {
	/** Only these namespaces (namespaced requests elsewhere are 403). */
	namespaces?: string[];
	/** Never these namespaces. */
	deniedNamespaces?: string[];
	/** Only these verbs (`get`, `list`, `watch`, …). */
	verbs?: string[];
	/** Only these resources (plural names: `pods`, `endpointslices`, …). */
	resources?: string[];
	/** Whether list/watch of a namespaced resource across all namespaces is allowed. Default true. */
	clusterWideLists?: boolean;
}

/** The users every server has, by name. */
export const users = {
	/** The `test` context's token user: may do everything. */
	admin: 'test-admin',
	/** The `test-cert` context's client-certificate user (CN), in group `system:masters`. */
	cert: 'test-cert-user',
	/** The `forbidden-ns` context's token user: denied `secret-team` and cluster-wide lists. */
	limited: 'test-limited',
} as const;

/** The default policies: `limited` is forbidden in `secret-team` and cannot list across namespaces. */
export function defaultPolicies(): Record<string, UserPolicy> {
	return {
		[users.limited]: { deniedNamespaces: ['secret-team'], clusterWideLists: false },
	};
}

/** The request attributes RBAC judges. */
export interface RequestAttributes {
	user: string;
	verb: string;
	resource?: string;
	group: string;
	namespace?: string;
	/** Whether the resource is namespaced (a list without a namespace is then cluster-wide). */
	namespaced: boolean;
}

/** Bearer tokens and policies of one server. */
export class Authenticator {
	private tokens = new Map<string, string>();
	readonly policies: Record<string, UserPolicy>;

	constructor(policies: Record<string, UserPolicy>) {
		this.policies = policies;
		this.rotate();
	}

	/** Issues fresh tokens for every token user: the old ones are 401 from now on. */
	rotate(): void {
		this.tokens = new Map([
			[`admin-${randomBytes(12).toString('hex')}`, users.admin],
			[`limited-${randomBytes(12).toString('hex')}`, users.limited],
		]);
	}

	/** The current token of a user. */
	tokenOf(user: string): string {
		for (const [token, u] of this.tokens) {
			if (u === user) {
				return token;
			}
		}
		throw new Error(`no token user ${user}`);
	}

	/** The user of a bearer token, or undefined. */
	userOfToken(token: string): string | undefined {
		return this.tokens.get(token);
	}

	/** Adds `namespace` to the user's denied namespaces. */
	forbidNamespace(user: string, namespace: string): void {
		const p = (this.policies[user] ??= {});
		p.deniedNamespaces = [...(p.deniedNamespaces ?? []), namespace];
	}

	/** Removes `namespace` from the user's denied namespaces. */
	allowNamespace(user: string, namespace: string): void {
		const p = this.policies[user];
		if (p?.deniedNamespaces) {
			p.deniedNamespaces = p.deniedNamespaces.filter((ns) => ns !== namespace);
		}
	}

	/** The 403 message for a denied request, or undefined when allowed. */
	authorize(a: RequestAttributes): string | undefined {
		if (a.resource === undefined) {
			return undefined;
		}
		const p = this.policies[a.user] ?? {};
		const denied =
			(p.verbs !== undefined && !p.verbs.includes(a.verb)) ||
			(p.resources !== undefined && !p.resources.includes(a.resource)) ||
			(a.namespace !== undefined && p.deniedNamespaces?.includes(a.namespace)) ||
			(a.namespace !== undefined && p.namespaces !== undefined && !p.namespaces.includes(a.namespace)) ||
			(a.namespaced && a.namespace === undefined && (p.clusterWideLists === false || p.namespaces !== undefined));
		if (!denied) {
			return undefined;
		}
		const where = a.namespace !== undefined ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
		return `${a.resource} is forbidden: User "${a.user}" cannot ${a.verb} resource "${a.resource}" in API group "${a.group}" ${where}`;
	}
}
