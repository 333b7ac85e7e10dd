/**
 * Workspace trust for the settings that decide which kubeconfig is read. A kubeconfig can name an exec credential
 * plugin, a program that runs when we connect; a cloned repository must not be able to pick one. So in an untrusted
 * workspace only the user's own (global) value of such a setting counts, never the workspace's or a folder's.
 * (`endpointLens.kubeconfig` is machine-scoped and listed in `restrictedConfigurations` too; the Kubernetes
 * extension's `vs-kubernetes.kubeconfig` is not ours to declare, so it is filtered here.)
 */

/** What `WorkspaceConfiguration.inspect` reports (the parts used here). */
export interface InspectedSetting<T> {
	globalValue?: T;
	workspaceValue?: T;
	workspaceFolderValue?: T;
}

/** The effective value of a kubeconfig-choosing setting: the most specific one when trusted, the global one otherwise. */
export function settingForTrust<T>(inspected: InspectedSetting<T> | undefined, trusted: boolean): T | undefined {
	if (!inspected) {
		return undefined;
	}
	return trusted ? (inspected.workspaceFolderValue ?? inspected.workspaceValue ?? inspected.globalValue) : inspected.globalValue;
}
