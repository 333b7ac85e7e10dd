/**
 * Read-only YAML documents of store objects, under the `endpoint-lens:` scheme:
 * `endpoint-lens:/SOURCE/NAMESPACE/KIND/NAME.yaml`. The text is rendered from the store when VS Code asks, and open
 * documents update in place when the store changes. Documents from a content provider are read-only in VS Code.
 */
import * as vscode from 'vscode';
import type { ResourceKind } from '../core/store/types';
import { resourceKinds } from '../core/store/types';
import type { StoreReader } from '../core/views/serviceSummary';
import { runtime } from './lazy';
import { Disposable } from './lifecycle';

export const yamlScheme = 'endpoint-lens';

export interface ObjectAddress {
	sourceId: string;
	kind: ResourceKind;
	namespace: string;
	name: string;
}

export function objectUri(a: ObjectAddress): vscode.Uri {
	const seg = (s: string) => encodeURIComponent(s || '_');
	return vscode.Uri.from({ scheme: yamlScheme, path: `/${seg(a.sourceId)}/${seg(a.namespace)}/${a.kind}/${seg(a.name)}.yaml` });
}

export function parseObjectUri(uri: vscode.Uri): ObjectAddress | undefined {
	const m = /^\/([^/]+)\/([^/]+)\/([A-Za-z]+)\/([^/]+)\.yaml$/.exec(uri.path);
	if (!m || !resourceKinds.includes(m[3] as ResourceKind)) {
		return undefined;
	}
	const un = (s: string) => (s === '_' ? '' : decodeURIComponent(s));
	return { sourceId: un(m[1]!), namespace: un(m[2]!), kind: m[3] as ResourceKind, name: un(m[4]!) };
}

export class ObjectYamlProvider extends Disposable implements vscode.TextDocumentContentProvider {
	private readonly _onDidChange = this._register(new vscode.EventEmitter<vscode.Uri>());
	readonly onDidChange = this._onDidChange.event;

	constructor(private readonly storeFor: (sourceId: string) => StoreReader | undefined) {
		super();
	}

	provideTextDocumentContent(uri: vscode.Uri): string {
		const a = parseObjectUri(uri);
		if (!a) {
			return `# Endpoint Lens: ${uri.toString()} does not name an object.\n`;
		}
		const store = this.storeFor(a.sourceId);
		const obj = store?.get(a.kind, a.namespace, a.name);
		const where = `${a.kind} ${a.namespace ? `${a.namespace}/` : ''}${a.name}`;
		if (!obj) {
			return `# Endpoint Lens: ${where} is not in ${a.sourceId === 'playground' ? 'the playground' : a.sourceId} (any more).\n`;
		}
		let header = `# ${where}, as ${a.sourceId === 'playground' ? 'the Endpoint Lens playground' : a.sourceId} holds it now (read-only).\n`;
		if (a.kind === 'Pod' && a.sourceId !== 'playground') {
			// The live source keeps slim pods (core/k8s/slim.ts).
			header += `# Only the fields Endpoint Lens reads are kept; \`kubectl get pod -n ${a.namespace} ${a.name} -o yaml\` shows the whole object.\n`;
		}
		return header + runtime().stringifyYaml(obj, { lineWidth: 0, aliasDuplicateObjects: false });
	}

	/** Re-renders the open documents of a source (after a store change). */
	refresh(sourceId: string): void {
		for (const doc of vscode.workspace.textDocuments) {
			if (doc.uri.scheme === yamlScheme && parseObjectUri(doc.uri)?.sourceId === sourceId) {
				this._onDidChange.fire(doc.uri);
			}
		}
	}
}
