/**
 * Plan files against a live cluster: the EndpointSlice writes the control plane would make once some manifest files
 * are applied, like `terraform plan`. The files become a workspace model (core/manifests), the cluster a read-only
 * snapshot (snapshot.ts), and core/analysis/plan.ts compares them. `endpoint-lens plan` (src/cli) and the extension's
 * "Plan Slices for This File" both run this, then render the result.
 */
import type { LiveSnapshot, WorkspacePlan } from '../../core/analysis/plan';
import { formatPlan, inferClusterProfile, planNamespaces, planWorkspace } from '../../core/analysis/plan';
import type { WorkspaceFile } from '../../core/manifests/workspace';
import { buildWorkspaceModel } from '../../core/manifests/workspace';
import type { KubeConfig } from '@kubernetes/client-node';
import { openLiveContext, readLiveSnapshot } from './snapshot';

/** Options of {@link planFiles}. */
export interface PlanCommandOptions {
	kubeconfigPath?: string;
	/** An already loaded kubeconfig (the extension's), instead of reading files. */
	kubeConfig?: KubeConfig;
	context?: string;
	/** Namespace of objects that name none; default the context's namespace, else "default". */
	namespace?: string;
	maxEndpointsPerSlice?: number;
}

/** A problem in the files themselves, located. */
export interface PlanFileDiagnostic {
	severity: 'error' | 'warning' | 'info';
	message: string;
	file: string;
	line: number;
}

/** What `plan` prints. */
export interface PlanCommandResult {
	plan: WorkspacePlan;
	/** Problems in the files (YAML, kinds, fields), with file and line. */
	diagnostics: PlanFileDiagnostic[];
}

/**
 * Plans the files against the live cluster of a context. Rejects with a `LiveSnapshotError` when the kubeconfig, the
 * context or the connection fails; problems in the files are diagnostics.
 */
export async function planFiles(
	files: readonly WorkspaceFile[],
	options: PlanCommandOptions,
): Promise<PlanCommandResult> {
	const connection = openLiveContext({
		...(options.kubeConfig ? { kubeConfig: options.kubeConfig } : {}),
		...(options.kubeconfigPath ? { kubeconfigPath: options.kubeconfigPath } : {}),
		...(options.context ? { context: options.context } : {}),
	});
	const defaultNamespace = options.namespace || connection.namespace || 'default';
	let model = buildWorkspaceModel(files, { defaultNamespace });
	const live: LiveSnapshot = await readLiveSnapshot({ connection, namespaces: planNamespaces(model) });
	// New Services and template pods take the cluster's IP families.
	const profile = inferClusterProfile(live);
	if (
		profile.primaryFamily !== undefined &&
		(profile.primaryFamily !== model.profile.primaryFamily || profile.dualStack !== model.profile.dualStack)
	) {
		model = buildWorkspaceModel(files, { defaultNamespace, profile });
	}
	const plan = planWorkspace(model, live, {
		...(options.maxEndpointsPerSlice ? { maxEndpointsPerSlice: options.maxEndpointsPerSlice } : {}),
	});
	return {
		plan,
		diagnostics: model.diagnostics.map((d) => ({
			severity: d.severity,
			message: d.message,
			file: d.file,
			line: d.line,
		})),
	};
}

/** Renders the result: the terraform-like text (file problems first), or JSON. */
export type PlanFormat = 'text' | 'json';

export function formatPlanResult(result: PlanCommandResult, format: PlanFormat): string {
	if (format === 'json') {
		return `${JSON.stringify(result, null, 2)}\n`;
	}
	const problems = result.diagnostics.map((d) => `${d.file}:${d.line}: ${d.severity}: ${d.message}`);
	return `${problems.length > 0 ? `${problems.join('\n')}\n\n` : ''}${formatPlan(result.plan)}`;
}
