/**
 * The playground's "Walk Through the Endpoint Flow": the classic twelve steps (src/core/diagrams/walkthrough.ts) played
 * on the playground itself, one step at a time, so that the Services tree and the diagram change together. The
 * walk-through applies its own Service and Deployment (namespace `walkthrough`) on top of the workspace's manifests
 * and takes them away when the panel closes.
 *
 * Every step is reached by replaying the steps before it from a clean state, with the simulated kubelet settled, so
 * Previous is exact and a step always looks the same.
 */
import * as vscode from 'vscode';
import type { DiagramModel } from '../shared/protocol';
import { serviceKey } from '../core/store/types';
import type { Diagrams } from './diagrams';
import { runtime } from './lazy';
import { Disposable } from './lifecycle';
import type { PlaygroundSource } from './playgroundSource';

export const walkthroughNamespace = 'walkthrough';
export const walkthroughService = 'demo';

const serviceYaml = `apiVersion: v1
kind: Service
metadata:
  name: ${walkthroughService}
  namespace: ${walkthroughNamespace}
spec:
  selector:
    app: demo
  ports:
    - name: http
      port: 80
      targetPort: http
`;

const deploymentYaml = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${walkthroughService}
  namespace: ${walkthroughNamespace}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: demo
  template:
    metadata:
      labels:
        app: demo
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - name: http
              containerPort: 8080
`;

const serviceFile = { path: 'endpoint-lens-walkthrough/service.yaml', text: serviceYaml };
const deploymentFile = { path: 'endpoint-lens-walkthrough/deployment.yaml', text: deploymentYaml };

export class Walkthrough extends Disposable {
	private step = -1;
	private active = false;
	/** Steps run one after the other, never overlapping. */
	private queue: Promise<unknown> = Promise.resolve();

	constructor(
		private readonly playground: PlaygroundSource,
		private readonly diagrams: Diagrams,
	) {
		super();
		this._register(
			diagrams.panel.onDidRequestStep((direction) => {
				if (!this.active || diagrams.panel.diagram?.kind !== 'walkthrough') {
					return;
				}
				const to = direction === 'restart' ? 0 : direction === 'next' ? this.step + 1 : this.step - 1;
				void this.go(to);
			}),
		);
		this._register(diagrams.panel.onDidClose(() => void this.stop()));
	}

	/** The step shown (0-based), or -1. */
	get current(): number {
		return this.step;
	}

	/** Starts (or restarts) at step 1. */
	start(): Promise<DiagramModel | undefined> {
		this.active = true;
		return this.go(0);
	}

	/** Goes to a step: the next one is played on top of the current state, any other replayed from the start. */
	go(index: number): Promise<DiagramModel | undefined> {
		const run = this.queue.then(() => this.goNow(index));
		this.queue = run.catch(() => undefined);
		return run;
	}

	private async goNow(index: number): Promise<DiagramModel | undefined> {
		const total = runtime().walkthroughSteps.length;
		const to = Math.max(0, Math.min(total - 1, index));
		await this.playground.start();
		if (to !== this.step + 1) {
			await this.playground.setOverlay([]);
			for (let i = 0; i < to; i++) {
				await this.perform(i);
			}
		}
		await this.perform(to);
		this.step = to;
		const diagram = this.diagram(to);
		this.diagrams.showExternal(diagram);
		return diagram;
	}

	/** What step `i` does to the playground. */
	private async perform(i: number): Promise<void> {
		const cluster = () => {
			const c = this.playground.controlPlane;
			if (!c) {
				throw new Error('the playground is not running');
			}
			return c;
		};
		switch (i) {
			case 0: // Create the Service: the controllers write an empty Endpoints and a placeholder slice.
				await this.playground.setOverlay([serviceFile]);
				break;
			case 1: // Pods start: scheduled, running with an IP, Ready.
				await this.playground.setOverlay([serviceFile, deploymentFile]);
				cluster().settle();
				break;
			case 7: // A pod is removed: scaled away, it terminates gracefully (a terminating endpoint).
				cluster().scale('Deployment', walkthroughNamespace, walkthroughService, 1);
				break;
			case 9: // No pods left: every selected pod is gone.
				cluster().removeAllPods(walkthroughNamespace, walkthroughService);
				cluster().settle();
				break;
			default: // The other steps explain what the state already shows.
				break;
		}
		this.playground.store.flush();
	}

	private diagram(i: number): DiagramModel {
		const rt = runtime();
		const store = this.playground.store;
		const key = serviceKey(walkthroughNamespace, walkthroughService);
		const service = store.get('Service', walkthroughNamespace, walkthroughService);
		if (!service) {
			throw new Error(`the walk-through's Service ${key} is not in the playground`);
		}
		const built = rt.buildWalkthroughDiagram(i, {
			service,
			slices: store.slicesForService(key),
			endpoints: store.endpointsForService(key) ?? null,
			pods: store.podsForService(key),
			origin: 'playground',
		});
		const text = rt.walkthroughSteps[i]!;
		const total = rt.walkthroughSteps.length;
		return {
			id: 'walkthrough',
			kind: 'walkthrough',
			title: 'Walk-through: how endpoints come to be',
			subtitle: `Playground · Service ${key}`,
			mermaid: built.mermaid,
			notes: built.notes,
			step: { index: i, total, title: text.title, explanation: text.explanation, canPrevious: i > 0, canNext: i < total - 1 },
		};
	}

	/** Ends the walk-through: its objects leave the playground. */
	async stop(): Promise<void> {
		if (!this.active) {
			return;
		}
		this.active = false;
		this.step = -1;
		await (this.queue = this.queue.then(() => this.playground.setOverlay([])).catch((err: unknown) => {
			void vscode.window.showErrorMessage(`Endpoint Lens: ending the walk-through failed: ${err instanceof Error ? err.message : String(err)}`);
		}));
	}
}
