/**
 * The "Services" tree view: a thin adapter from the plain-data tree of `core/views/servicesTree` to VS Code tree
 * items. It hands VS Code the same node object for the same id (VS Code matches refreshes by object identity),
 * refreshes only the nodes a store change names, and coalesces bursts of changes into one repaint.
 */
import * as vscode from 'vscode';
import type { StoreChange } from '../core/store/types';
import type { NodePresentation, TreeNode, TreeSource } from '../core/views/servicesTree';
import { childrenOf, presentNode } from '../core/views/servicesTree';
import { Disposable } from './lifecycle';

/** Provides the sources the tree shows, each read fresh on every call. */
export type SourcesProvider = () => readonly TreeSource[];

/** How long to gather store changes before repainting. */
const refreshDelayMs = 80;

export class ServicesTreeProvider extends Disposable implements vscode.TreeDataProvider<TreeNode> {
	private readonly _onDidChangeTreeData = this._register(new vscode.EventEmitter<TreeNode | TreeNode[] | undefined>());
	readonly onDidChangeTreeData = this._onDidChangeTreeData.event;

	/** The node object last handed out for each id, and its parent. */
	private readonly nodes = new Map<string, { node: TreeNode; parent: TreeNode | undefined }>();
	private pending: { all: boolean; ids: Set<string> } = { all: false, ids: new Set() };
	private timer: ReturnType<typeof setTimeout> | undefined;
	private firstRootRequest: (() => void) | undefined;
	private sourceShown: ((sourceId: string) => void) | undefined;

	constructor(private readonly sources: SourcesProvider) {
		super();
		this._register({ dispose: () => clearTimeout(this.timer) });
	}

	/** Called once, the first time VS Code asks for the roots (the view became visible). */
	onFirstShow(fn: () => void): void {
		this.firstRootRequest = fn;
	}

	/** Called whenever VS Code asks for a source's children (its row is expanded): the moment to start it. */
	onSourceShown(fn: (sourceId: string) => void): void {
		this.sourceShown = fn;
	}

	getChildren(node?: TreeNode): TreeNode[] {
		if (!node && this.firstRootRequest) {
			const fn = this.firstRootRequest;
			this.firstRootRequest = undefined;
			fn();
		}
		if (node?.type === 'source') {
			this.sourceShown?.(node.sourceId);
		}
		const sources = this.sources();
		if (!node && sources.every((s) => s.state.phase === 'ready' && s.notices.length === 0 && s.store.namespaces().every((ns) => s.store.services(ns).length === 0)) && sources.every((s) => (s.namespaceFilter?.length ?? 0) === 0)) {
			// Nothing at all to show: let the welcome view explain what to do.
			return [];
		}
		const children = childrenOf(sources, node);
		return children.map((child) => {
			const known = this.nodes.get(child.id);
			if (known && sameNode(known.node, child)) {
				known.parent = node;
				return known.node;
			}
			this.nodes.set(child.id, { node: child, parent: node });
			return child;
		});
	}

	getParent(node: TreeNode): TreeNode | undefined {
		return this.nodes.get(node.id)?.parent;
	}

	getTreeItem(node: TreeNode): vscode.TreeItem {
		return toTreeItem(node, presentNode(this.sources(), node));
	}

	/** Refreshes everything (e.g. after a namespace filter change). */
	refreshAll(): void {
		this.pending.all = true;
		this.schedule();
	}

	/** Refreshes what a store change touched: the Services it names, their namespaces and the source. */
	refreshFor(sourceId: string, change: StoreChange): void {
		if (change.structure) {
			this.pending.all = true;
		} else {
			this.pending.ids.add(`source:${sourceId}`);
			for (const key of change.services) {
				const slash = key.indexOf('/');
				const ns = key.slice(0, slash);
				this.pending.ids.add(`ns:${sourceId}/${ns}`);
				this.pending.ids.add(`svc:${sourceId}/${key}`);
			}
		}
		this.schedule();
	}

	/** Delivers pending refreshes now (tests). */
	flush(): void {
		clearTimeout(this.timer);
		this.timer = undefined;
		const { all, ids } = this.pending;
		this.pending = { all: false, ids: new Set() };
		if (all) {
			this._onDidChangeTreeData.fire(undefined);
			return;
		}
		const nodes = [...ids].map((id) => this.nodes.get(id)?.node).filter((n): n is TreeNode => n !== undefined);
		if (nodes.length > 0) {
			this._onDidChangeTreeData.fire(nodes);
		}
	}

	private schedule(): void {
		if (this.timer === undefined && !this.isDisposed) {
			this.timer = setTimeout(() => this.flush(), refreshDelayMs);
		}
	}
}

function sameNode(a: TreeNode, b: TreeNode): boolean {
	return a.type === b.type && JSON.stringify(a) === JSON.stringify(b);
}

const collapsible: Record<NodePresentation['collapsible'], vscode.TreeItemCollapsibleState> = {
	none: vscode.TreeItemCollapsibleState.None,
	collapsed: vscode.TreeItemCollapsibleState.Collapsed,
	expanded: vscode.TreeItemCollapsibleState.Expanded,
};

/** The one mapping from a node's presentation to a tree item (STYLE 4). */
export function toTreeItem(node: TreeNode, p: NodePresentation): vscode.TreeItem {
	const item = new vscode.TreeItem(p.label, collapsible[p.collapsible]);
	item.id = node.id;
	if (p.description !== undefined) {
		item.description = p.description;
	}
	if (p.tooltip !== undefined) {
		const tooltip = new vscode.MarkdownString(p.tooltip);
		tooltip.isTrusted = false;
		tooltip.supportHtml = false;
		item.tooltip = tooltip;
	}
	item.iconPath = new vscode.ThemeIcon(p.icon.id, p.icon.color ? new vscode.ThemeColor(p.icon.color) : undefined);
	item.contextValue = p.contextValue;
	if (p.command) {
		item.command = { command: p.command.id, title: p.command.title, arguments: p.command.args };
	}
	item.accessibilityInformation = { label: [p.label, p.description].filter(Boolean).join(', ') };
	return item;
}
