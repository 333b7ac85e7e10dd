/**
 * Reading the Services tree through the extension's own provider, as VS Code does: children, labels, descriptions.
 */
import * as assert from 'node:assert/strict';
import type { TreeNode } from '../../../src/core/views/servicesTree';
import type { EndpointLensApi } from '../../../src/extension/extension';

export interface TreeReader {
	children(node?: TreeNode): TreeNode[];
	label(node: TreeNode): string;
	description(node: TreeNode): string;
	/** The root row labelled `name` (fails naming the roots there are). */
	root(name: string): TreeNode;
}

/** A reader over the tree of `api()`, read when called (suites activate in their setup). */
export function treeReader(api: () => EndpointLensApi): TreeReader {
	const reader: TreeReader = {
		children: (node) => api().tree.getChildren(node),
		label(node) {
			const l = api().tree.getTreeItem(node).label;
			return typeof l === 'string' ? l : (l?.label ?? '');
		},
		description(node) {
			const d = api().tree.getTreeItem(node).description;
			return typeof d === 'string' ? d : '';
		},
		root(name) {
			const r = reader.children().find((n) => reader.label(n) === name);
			assert.ok(r, `a root row ${name}; roots: ${reader.children().map(reader.label).join(', ')}`);
			return r;
		},
	};
	return reader;
}

/** Polls `check` until it stops throwing, or rethrows its last error after `ms`. */
export async function eventually<T>(check: () => T | Promise<T>, ms = 15_000): Promise<T> {
	const deadline = Date.now() + ms;
	for (;;) {
		try {
			return await check();
		} catch (err) {
			if (Date.now() > deadline) {
				throw err;
			}
			await new Promise((r) => setTimeout(r, 100));
		}
	}
}
