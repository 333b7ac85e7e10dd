/**
 * "Plan Slices for This File": the EndpointSlice writes applying a manifest would cause in the active kube context,
 * like `terraform plan`. It runs the same code as `endpoint-lens plan` (cluster/live/planFiles.ts: a read-only
 * snapshot of the file's namespaces, then the reconciler against the live slices) and shows the result twice: the
 * text plan, and a diff editor of the live slices against the planned ones. Both are read-only virtual documents.
 */
import * as vscode from 'vscode';
import type { PlanCommandResult } from '../cluster/live/planFiles';
import type { EndpointLensConfig } from './config';
import { runtime } from './lazy';
import { Disposable } from './lifecycle';
import type { LiveContexts } from './liveContexts';
import { keyOf } from './previewFeatures';

export const planScheme = 'endpoint-lens-plan';

/** What a plan run shows; undefined when it could not run (the user was told why). */
export interface PlanRun {
	context: string;
	result: PlanCommandResult;
	text: vscode.Uri;
	before: vscode.Uri;
	after: vscode.Uri;
}

export class PlanDocuments extends Disposable implements vscode.TextDocumentContentProvider {
	private readonly texts = new Map<string, string>();
	private next = 1;
	private readonly _onDidChange = this._register(new vscode.EventEmitter<vscode.Uri>());
	readonly onDidChange = this._onDidChange.event;

	constructor(
		private readonly live: LiveContexts,
		private readonly config: () => EndpointLensConfig,
		private readonly log: vscode.LogOutputChannel,
	) {
		super();
		this._register(vscode.workspace.registerTextDocumentContentProvider(planScheme, this));
		this._register(vscode.workspace.onDidCloseTextDocument((doc) => doc.uri.scheme === planScheme && this.texts.delete(doc.uri.toString())));
	}

	provideTextDocumentContent(uri: vscode.Uri): string {
		return this.texts.get(uri.toString()) ?? '# Endpoint Lens: this plan is gone; run "Plan Slices for This File" again.\n';
	}

	private put(id: number, name: string, text: string): vscode.Uri {
		const uri = vscode.Uri.from({ scheme: planScheme, path: `/${id}/${name}` });
		this.texts.set(uri.toString(), text);
		return uri;
	}

	/** Plans a manifest (the active editor's when none is given) against the active context and shows the plan. */
	async run(target?: vscode.Uri): Promise<PlanRun | undefined> {
		const doc = target ? await vscode.workspace.openTextDocument(target) : vscode.window.activeTextEditor?.document;
		if (!doc) {
			void vscode.window.showInformationMessage('Open a manifest to plan its EndpointSlices against the cluster.');
			return undefined;
		}
		this.live.ensureLoaded();
		const context = this.live.active;
		const kubeConfig = this.live.loadedKubeConfig;
		if (!context || !kubeConfig) {
			void vscode.window.showErrorMessage(
				'Planning needs a kube context, and no kubeconfig with a context was found (endpointLens.kubeconfig, $KUBECONFIG, ~/.kube/config). Without a cluster, hover the Services or use Preview EndpointSlices.',
			);
			return undefined;
		}
		const name = vscode.workspace.asRelativePath(doc.uri);
		const file = { path: keyOf(doc.uri), text: doc.getText() };
		let result: PlanCommandResult;
		try {
			result = await vscode.window.withProgress(
				{ location: vscode.ProgressLocation.Notification, title: `Planning the EndpointSlices of ${name} against ${context}…` },
				() =>
					runtime().planFiles([file], {
						kubeConfig,
						context,
						maxEndpointsPerSlice: this.config().maxEndpointsPerSlice,
					}),
			);
		} catch (err) {
			const message = err instanceof Error ? err.message : String(err);
			this.log.error(`plan: ${name} against ${context}: ${message}`);
			void vscode.window.showErrorMessage(`Could not plan ${name} against ${context}: ${message}`);
			return undefined;
		}
		const id = this.next++;
		const rt = runtime();
		const { before, after } = rt.planYaml(result.plan);
		const run: PlanRun = {
			context,
			result,
			text: this.put(id, `${name.replace(/[/\\]/g, '_')}.plan.txt`, rt.formatPlanResult(result, 'text')),
			before: this.put(id, `live (${context}).yaml`, before),
			after: this.put(id, `planned (${name.replace(/[/\\]/g, '_')}).yaml`, after),
		};
		const summary = result.plan.summary;
		this.log.info(
			`plan: ${name} against ${context}: ${summary.create} to create, ${summary.update} to update, ${summary.delete} to delete, ${summary.unchanged} unchanged`,
		);
		await vscode.commands.executeCommand('vscode.diff', run.before, run.after, `EndpointSlices: ${context} ↔ ${name} applied`, {
			preview: false,
		});
		const textDoc = await vscode.workspace.openTextDocument(run.text);
		await vscode.window.showTextDocument(textDoc, { viewColumn: vscode.ViewColumn.Beside, preview: false, preserveFocus: true });
		return run;
	}
}
