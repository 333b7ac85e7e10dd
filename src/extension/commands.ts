/**
 * Command handlers. Each takes the tree node it was invoked on (from a context menu or inline action) or, from the
 * command palette, asks with a quick pick. Failures are shown to the user, never thrown into the void.
 */
import * as vscode from 'vscode';
import type { ResourceKind } from '../core/store/types';
import type { TreeNode, TreeSource } from '../core/views/servicesTree';
import { addressOf, allServices, endpointOf, objectRefOf, podRefOf } from '../core/views/servicesTree';
import type { LiveContexts } from './liveContexts';
import type { PlaygroundSource } from './playgroundSource';
import { objectUri } from './yamlDocuments';

export interface CommandContext {
	playground: PlaygroundSource;
	live: LiveContexts;
	sources(): readonly TreeSource[];
	getNamespaceFilter(): readonly string[];
	setNamespaceFilter(namespaces: readonly string[]): Promise<void>;
	refresh(): void;
}

type Handler = (ctx: CommandContext, node?: TreeNode, arg?: unknown) => unknown;

function sourceOf(ctx: CommandContext, node: TreeNode | undefined): TreeSource | undefined {
	const sources = ctx.sources();
	return node ? sources.find((s) => s.id === node.sourceId) : sources[0];
}

function isNode(x: unknown): x is TreeNode {
	return typeof x === 'object' && x !== null && 'type' in x && 'id' in x && 'sourceId' in x;
}

/** Picks a pod of the playground: the node's target pod, or one chosen from a list. */
async function pickPod(ctx: CommandContext, node: TreeNode | undefined, title: string): Promise<{ namespace: string; name: string } | undefined> {
	await ctx.playground.start();
	const source = ctx.playground.treeSource(ctx.getNamespaceFilter());
	if (node) {
		const ref = podRefOf(source, node);
		if (!ref) {
			throw new Error('This endpoint has no target pod.');
		}
		return ref;
	}
	const pods = ctx.playground.store.list('Pod');
	if (pods.length === 0) {
		throw new Error('The playground has no pods.');
	}
	const pick = await vscode.window.showQuickPick(
		pods.map((p) => ({
			label: p.metadata?.name ?? '',
			description: p.metadata?.namespace,
			detail: [p.status?.phase, p.status?.podIP, p.metadata?.deletionTimestamp ? 'terminating' : undefined].filter(Boolean).join(' · '),
			pod: { namespace: p.metadata?.namespace ?? '', name: p.metadata?.name ?? '' },
		})),
		{ title, matchOnDescription: true, matchOnDetail: true },
	);
	return pick?.pod;
}

async function pickService(ctx: CommandContext, node: TreeNode | undefined, title: string): Promise<{ namespace: string; name: string } | undefined> {
	await ctx.playground.start();
	if (node?.type === 'service') {
		return { namespace: node.namespace, name: node.name };
	}
	const services = allServices(ctx.playground.treeSource([]));
	if (services.length === 0) {
		throw new Error('The playground has no Services.');
	}
	const pick = await vscode.window.showQuickPick(
		services.map((s) => ({ label: s.name, description: s.namespace, svc: s })),
		{ title, matchOnDescription: true },
	);
	return pick?.svc;
}

function controlPlane(ctx: CommandContext) {
	const cp = ctx.playground.controlPlane;
	if (!cp) {
		throw new Error('The playground is not running yet: open the Endpoint Lens view first.');
	}
	return cp;
}

const handlers: Record<string, Handler> = {
	'endpointLens.refresh': (ctx) => ctx.refresh(),

	'endpointLens.switchContext': async (ctx, _node, arg) => {
		ctx.live.ensureLoaded();
		let name = typeof arg === 'string' ? arg.replace(/^context:/, '') : undefined;
		if (name === undefined) {
			const contexts = ctx.live.contextList;
			if (contexts.length === 0) {
				throw new Error('No kubeconfig with contexts: set endpointLens.kubeconfig or $KUBECONFIG, or create ~/.kube/config.');
			}
			name = (
				await vscode.window.showQuickPick(
					contexts.map((c) => ({
						label: c.name,
						description: [c.name === ctx.live.active ? 'shown' : '', c.current ? 'current-context' : ''].filter(Boolean).join(' · '),
						detail: c.server,
					})),
					{ title: 'Show which context? (your kubeconfig is not changed)', matchOnDetail: true },
				)
			)?.label;
		}
		if (name !== undefined) {
			await ctx.live.switchTo(name);
		}
	},

	'endpointLens.filterNamespaces': async (ctx) => {
		const counts = new Map<string, number>();
		for (const source of ctx.sources().filter((s) => s.active !== false)) {
			for (const ns of source.store.namespaces()) {
				counts.set(ns, (counts.get(ns) ?? 0) + source.store.services(ns).length);
			}
		}
		const current = new Set(ctx.getNamespaceFilter());
		const picks = await vscode.window.showQuickPick(
			[...counts.keys()].sort().map((ns) => ({
				label: ns,
				description: `${counts.get(ns)} Services`,
				picked: current.has(ns),
			})),
			{ canPickMany: true, title: 'Show only these namespaces (none = all)' },
		);
		if (picks) {
			await ctx.setNamespaceFilter(picks.map((p) => p.label));
		}
	},

	'endpointLens.clearNamespaceFilter': (ctx) => ctx.setNamespaceFilter([]),

	'endpointLens.openYaml': async (ctx, node) => {
		const source = sourceOf(ctx, node);
		if (!source) {
			return;
		}
		let ref: { kind: ResourceKind; namespace: string; name: string } | undefined = node ? objectRefOf(source, node) : undefined;
		if (!node) {
			await ctx.playground.start();
			const kinds: ResourceKind[] = ['Service', 'EndpointSlice', 'Endpoints', 'Pod'];
			const items = kinds.flatMap((kind) =>
				ctx.playground.store.list(kind).map((o) => ({
					label: `${kind} ${o.metadata?.name ?? ''}`,
					description: o.metadata?.namespace,
					ref: { kind, namespace: o.metadata?.namespace ?? '', name: o.metadata?.name ?? '' },
				})),
			);
			ref = (await vscode.window.showQuickPick(items, { title: 'Open as YAML', matchOnDescription: true }))?.ref;
		}
		if (!ref) {
			return;
		}
		const doc = await vscode.workspace.openTextDocument(objectUri({ sourceId: source.id, ...ref }));
		await vscode.window.showTextDocument(doc, { preview: true });
	},

	'endpointLens.copyAddress': async (ctx, node) => {
		const source = sourceOf(ctx, node);
		if (!source || !node) {
			return;
		}
		const text =
			node.type === 'endpoint'
				? (endpointOf(source, node)?.addresses ?? []).join('\n')
				: node.type === 'address'
					? (addressOf(source, node)?.ip ?? node.ip)
					: undefined;
		if (text) {
			await vscode.env.clipboard.writeText(text);
			vscode.window.setStatusBarMessage(`Copied ${text.split('\n').join(', ')}`, 3000);
		}
	},

	'endpointLens.playground.reapply': (ctx) => ctx.playground.reapply(),

	'endpointLens.playground.showExamples': async (ctx) => {
		await ctx.playground.showExamples();
		await vscode.commands.executeCommand('endpointLens.services.focus');
	},

	'endpointLens.playground.scale': async (ctx, node) => {
		await ctx.playground.start();
		const cp = controlPlane(ctx);
		let workloads = cp.workloads();
		if (node?.type === 'service') {
			const key = `${node.namespace}/${node.name}`;
			workloads = workloads.filter((w) => w.namespace === node.namespace && w.selectedBy.includes(node.name));
			if (workloads.length === 0) {
				throw new Error(`No workload in the playground has pods that Service ${key} selects.`);
			}
		}
		if (workloads.length === 0) {
			throw new Error('The playground has no workloads to scale.');
		}
		const w =
			workloads.length === 1
				? workloads[0]!
				: (
						await vscode.window.showQuickPick(
							workloads.map((x) => ({ label: `${x.kind} ${x.name}`, description: `${x.namespace} · ${x.replicas} replicas`, w: x })),
							{ title: 'Scale which workload?' },
						)
					)?.w;
		if (!w) {
			return;
		}
		const input = await vscode.window.showInputBox({
			title: `Scale ${w.kind} ${w.namespace}/${w.name}`,
			prompt: 'Replicas',
			value: String(w.replicas),
			validateInput: (v) => (/^\d+$/.test(v.trim()) && Number(v) <= 10000 ? undefined : 'A whole number from 0 to 10000'),
		});
		if (input === undefined) {
			return;
		}
		cp.scale(w.kind, w.namespace, w.name, Number(input.trim()));
	},

	'endpointLens.playground.deletePod': async (ctx, node) => {
		const pod = await pickPod(ctx, node, 'Delete which pod (no grace period)?');
		if (pod) {
			controlPlane(ctx).deletePod(pod.namespace, pod.name);
		}
	},

	'endpointLens.playground.terminatePod': async (ctx, node) => {
		const pod = await pickPod(ctx, node, 'Terminate which pod (graceful)?');
		if (pod) {
			controlPlane(ctx).terminatePod(pod.namespace, pod.name);
		}
	},

	'endpointLens.playground.markPodNotReady': async (ctx, node) => {
		const pod = await pickPod(ctx, node, 'Mark which pod not ready?');
		if (pod) {
			controlPlane(ctx).setPodReady(pod.namespace, pod.name, false);
		}
	},

	'endpointLens.playground.markPodReady': async (ctx, node) => {
		const pod = await pickPod(ctx, node, 'Mark which pod ready?');
		if (pod) {
			controlPlane(ctx).setPodReady(pod.namespace, pod.name, true);
		}
	},

	'endpointLens.playground.removeAllPods': async (ctx, node) => {
		const svc = await pickService(ctx, node, 'Remove every pod of which Service?');
		if (svc) {
			controlPlane(ctx).removeAllPods(svc.namespace, svc.name);
		}
	},
};

/** Every command id this module handles (package.json must contribute exactly these). */
export const commandIds = Object.keys(handlers);

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
	return Object.entries(handlers).map(([id, handler]) =>
		vscode.commands.registerCommand(id, async (arg?: unknown) => {
			try {
				return await handler(ctx, isNode(arg) ? arg : undefined, arg);
			} catch (err) {
				const message = err instanceof Error ? err.message : String(err);
				void vscode.window.showErrorMessage(`Endpoint Lens: ${message}`);
				return undefined;
			}
		}),
	);
}
