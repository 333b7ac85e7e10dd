/**
 * What the diagram panel shows, and keeping it current: the flow of a Service (from a tree source's store, or
 * predicted from a manifest), the recorded timeline of a Service in a tree source, and the playground's walk-through.
 * The Mermaid text comes from the pure builders in src/core/diagrams; the panel (flowPanel.ts) only renders.
 *
 * Timelines record store deltas (`ClusterStore.onDidApply`) from the moment a flow or timeline of that source is
 * first shown until the panel closes; a note says since when.
 */
import * as vscode from 'vscode';
import type { FlowInput } from '../core/diagrams/flow';
import type { TimelineRecorder } from '../core/diagrams/timeline';
import type { Service } from '../core/k8s/types';
import type { ClusterStore } from '../core/store/store';
import { serviceKey } from '../core/store/types';
import type { DiagramModel } from '../shared/protocol';
import type { DiagramPanel } from './flowPanel';
import { runtime } from './lazy';
import { Disposable, toDisposable } from './lifecycle';
import type { PreviewFeatures, PreviewTarget } from './previewFeatures';

/** A Service in one of the tree's sources. */
export interface SourceTarget {
	sourceId: string;
	namespace: string;
	name: string;
}

/** What the panel shows now. */
type View =
	| { kind: 'flow'; source: SourceTarget }
	| { kind: 'timeline'; source: SourceTarget }
	| { kind: 'manifest'; target: PreviewTarget }
	| { kind: 'external'; id: string };

export interface DiagramSources {
	/** The store of a tree source (the playground, the active context), if it is there. */
	storeFor(sourceId: string): ClusterStore | undefined;
	/** How to name a source in titles ("Playground", "context kind-dev"). */
	labelOf(sourceId: string): string;
	/** Whether a source is the playground (its flows say so). */
	isPlayground(sourceId: string): boolean;
}

function isSourceTarget(v: unknown): v is SourceTarget {
	const t = v as Partial<SourceTarget> | undefined;
	return typeof t?.sourceId === 'string' && typeof t.namespace === 'string' && typeof t.name === 'string';
}

function isPreviewTarget(v: unknown): v is PreviewTarget {
	const t = v as Partial<PreviewTarget> | undefined;
	return typeof t?.namespace === 'string' && typeof t.name === 'string' && !('sourceId' in (t as object));
}

/** A tree node of a Service (`{ type: 'service', sourceId, namespace, name }`) or a lens target. */
export function flowTargetOf(arg: unknown): SourceTarget | PreviewTarget | undefined {
	if (isSourceTarget(arg)) {
		return { sourceId: arg.sourceId, namespace: arg.namespace, name: arg.name };
	}
	return isPreviewTarget(arg) ? arg : undefined;
}

export class Diagrams extends Disposable {
	private view: View | undefined;
	private readonly recorders = new Map<string, { recorder: TimelineRecorder; since: Date; sub: { dispose(): void } }>();
	private timer: ReturnType<typeof setTimeout> | undefined;

	constructor(
		readonly panel: DiagramPanel,
		private readonly sources: DiagramSources,
		private readonly previews: PreviewFeatures,
	) {
		super();
		this._register(
			toDisposable(() => {
				clearTimeout(this.timer);
				this.stopRecording();
			}),
		);
		this._register(
			panel.onDidClose(() => {
				this.view = undefined;
				this.stopRecording();
			}),
		);
		this._register(previews.onDidUpdate(() => this.view?.kind === 'manifest' && this.scheduleUpdate()));
	}

	/** A source's store changed: redraw when the panel shows one of its Services. */
	storeChanged(sourceId: string, services: ReadonlySet<string>): void {
		const v = this.view;
		if ((v?.kind === 'flow' || v?.kind === 'timeline') && v.source.sourceId === sourceId && services.has(serviceKey(v.source.namespace, v.source.name))) {
			this.scheduleUpdate();
		}
	}

	/** The panel shows a diagram someone else keeps current (the walk-through): stop following a Service. */
	showExternal(diagram: DiagramModel): void {
		this.view = { kind: 'external', id: diagram.id };
		this.panel.show(diagram);
	}

	async showFlow(target: SourceTarget | PreviewTarget): Promise<DiagramModel | undefined> {
		if (isSourceTarget(target)) {
			this.startRecording(target.sourceId);
			this.view = { kind: 'flow', source: target };
		} else {
			this.view = { kind: 'manifest', target };
		}
		const diagram = await this.build();
		if (!diagram) {
			void vscode.window.showInformationMessage(`Service ${target.namespace}/${target.name} is not there (any more).`);
			this.view = undefined;
			return undefined;
		}
		this.panel.show(diagram);
		return diagram;
	}

	async showTimeline(target: SourceTarget): Promise<DiagramModel | undefined> {
		this.startRecording(target.sourceId);
		this.view = { kind: 'timeline', source: target };
		const diagram = await this.build();
		if (diagram) {
			this.panel.show(diagram);
		}
		return diagram;
	}

	private scheduleUpdate(): void {
		clearTimeout(this.timer);
		this.timer = setTimeout(() => {
			this.timer = undefined;
			void this.build().then((d) => d && this.panel.update(d));
		}, 150);
	}

	private startRecording(sourceId: string): void {
		const store = this.sources.storeFor(sourceId);
		if (!store || this.recorders.has(sourceId)) {
			return;
		}
		const recorder = new (runtime().TimelineRecorder)({
			lookupService: (key: string) => {
				const [ns, name] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
				return store.get('Service', ns, name);
			},
		});
		const sub = store.onDidApply((delta) => recorder.record(delta, new Date()));
		this.recorders.set(sourceId, { recorder, since: new Date(), sub });
	}

	private stopRecording(): void {
		for (const r of this.recorders.values()) {
			r.sub.dispose();
		}
		this.recorders.clear();
	}

	/** The diagram of the current view, from the current state. */
	private async build(): Promise<DiagramModel | undefined> {
		const v = this.view;
		if (!v || v.kind === 'external') {
			return undefined;
		}
		const rt = runtime();
		if (v.kind === 'manifest') {
			const p = await this.previews.prediction(v.target);
			if (!p) {
				return undefined;
			}
			const input: FlowInput = {
				service: p.service,
				slices: p.endpointSlices,
				endpoints: p.endpoints,
				pods: p.selectedPods,
				origin: 'manifest',
			};
			const built = rt.buildServiceFlow(input);
			return {
				id: `manifest:${v.target.namespace}/${v.target.name}`,
				kind: 'flow',
				title: `Flow: ${v.target.namespace}/${v.target.name}`,
				subtitle: 'Predicted from the workspace manifests — not applied',
				mermaid: built.mermaid,
				notes: built.notes,
			};
		}
		const { sourceId, namespace, name } = v.source;
		const store = this.sources.storeFor(sourceId);
		const service: Service | undefined = store?.get('Service', namespace, name);
		if (!store || !service) {
			return undefined;
		}
		const key = serviceKey(namespace, name);
		const where = this.sources.labelOf(sourceId);
		if (v.kind === 'timeline') {
			const rec = this.recorders.get(sourceId);
			const built = rt.buildTimeline(key, rec?.recorder.events(key) ?? []);
			return {
				id: `timeline:${sourceId}/${key}`,
				kind: 'timeline',
				title: `Timeline: ${key}`,
				subtitle: `${where} · recorded since ${rec?.since.toLocaleTimeString() ?? 'now'}`,
				mermaid: built.mermaid,
				notes: built.notes,
			};
		}
		const built = rt.buildServiceFlow({
			service,
			slices: store.slicesForService(key),
			endpoints: store.endpointsForService(key) ?? null,
			pods: store.podsForService(key),
			origin: this.sources.isPlayground(sourceId) ? 'playground' : 'live',
			...(this.sources.isPlayground(sourceId) ? {} : { context: where }),
		});
		return {
			id: `flow:${sourceId}/${key}`,
			kind: 'flow',
			title: `Flow: ${key}`,
			subtitle: where,
			mermaid: built.mermaid,
			notes: built.notes,
		};
	}
}
