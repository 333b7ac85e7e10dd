/**
 * The contract of the live-cluster source: where the kubeconfig comes from, what a context is, and the states a
 * connection goes through. The extension (tree, status bar) reads these; `liveSource.ts` implements them.
 */

/** Where the kubeconfig was found, in the order users of the Kubernetes extension expect. */
export interface KubeconfigLocation {
	/** The files, merged in this order (several only from `$KUBECONFIG`). Empty when none exists. */
	paths: string[];
	source: 'setting' | 'vs-kubernetes' | 'KUBECONFIG' | 'default';
}

/** One context of the kubeconfig. */
export interface ContextInfo {
	name: string;
	cluster: string;
	user: string;
	/** The context's default namespace, if it sets one. */
	namespace?: string;
	/** The cluster's server URL, if the cluster entry exists. */
	server?: string;
	/** Whether this is the kubeconfig's current-context. */
	current: boolean;
	/**
	 * Why the context cannot connect, naming the file and the entry (a missing cluster or user, an unusable
	 * credential); undefined when it looks usable.
	 */
	problem?: string;
}

/** What the user should see about one kind or namespace that could not be read. */
export interface ReadLimit {
	kind: string;
	/** The namespace, or undefined for a cluster-wide list. */
	namespace?: string;
	/** `forbidden`: RBAC said no (403); `unavailable`: the API does not serve it (404); `error`: anything else. */
	reason: 'forbidden' | 'unavailable' | 'error';
	message: string;
}

export type LivePhase = 'idle' | 'connecting' | 'syncing' | 'ready' | 'error';

/** The state of one context's connection. */
export interface LiveState {
	phase: LivePhase;
	/** A sentence for the user: why it failed, what it is waiting for. */
	message?: string;
	/** Kinds or namespaces that could not be read (the rest still shows). */
	limits: ReadLimit[];
	/** During the first sync: how many of the informers have listed. */
	progress?: { listed: number; total: number };
}
