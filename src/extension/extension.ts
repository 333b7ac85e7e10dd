/**
 * The extension's entry point. VS Code loads the bundle (dist/extension.js) on the first activation event that the
 * manifest's contributions imply, calls `activate` once, and `deactivate` on shutdown or uninstall.
 *
 * Activation must stay cheap (target ≤ 50 ms) and do no cluster I/O: views, commands and providers register here and
 * start their work lazily. Everything that needs disposing goes into `context.subscriptions`.
 */

import type * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {
	// Nothing to register yet: the tree view, hovers and webview arrive with the UI.
}

export function deactivate(): void {
	// Everything registered is owned by `context.subscriptions`, which VS Code disposes.
}
