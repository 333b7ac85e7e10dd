/**
 * The soak's clusters: two test API servers (A and B) and the workload writing to them, in a child process of the
 * soak so the servers have their own event loop — as a real cluster does — and the clients' timings are their own.
 * Driven over the IPC channel by soak.ts: one request, one reply (`{ id, result }` or `{ id, error }`).
 */
import { writeFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import type { ResourceKind } from '../../src/core/store/types';
import { resourceKinds } from '../../src/core/store/types';
import type { TestApiServer } from '../support/apiserver/server';
import { startTestApiServer } from '../support/apiserver/server';
import { Workload, prng } from './workload';

/** Server-side faults (the client-side ones — a hidden view, a context switch — are the soak's own). */
export type ServerFault =
	| { kind: 'drop-watches'; abrupt: boolean }
	| { kind: 'gone-410' }
	| { kind: 'server-errors'; status: number }
	| { kind: 'slow-responses'; delayMs: number }
	| { kind: 'token-expiry' }
	| { kind: 'namespace-forbidden'; user: string };

export type ClusterRequest =
	| { type: 'init'; kubeconfigPath: string; seed: number }
	| { type: 'write'; ms: number; budget: number; perTick: number; tickMs: number; shareB: number }
	| { type: 'fault'; fault: ServerFault }
	| { type: 'clear' }
	| { type: 'delay'; ms: number }
	| { type: 'fingerprints'; server: 'A' | 'B' }
	| { type: 'verbs' }
	| { type: 'close' };

export interface VerbSummary {
	requests: number;
	/** `server user resource namespace` → first-page lists and watches. */
	informers: Record<string, { lists: number; watches: number }>;
	/** Requests other than GET get/list/watch, or for secrets. */
	violations: string[];
	changes: { A: Record<string, number>; B: Record<string, number> };
	totals: { A: number; B: number };
}

let a: TestApiServer;
let b: TestApiServer;
let workA: Workload;
let workB: Workload;
let random: () => number;
let kubeconfigPath = '';
let clear: () => void = () => undefined;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One kubeconfig with cluster A's contexts and cluster B as context `other`, as a user's merged file. */
function kubeconfigText(): string {
	const ka = new KubeConfig();
	ka.loadFromString(a.kubeconfig);
	const kb = new KubeConfig();
	kb.loadFromString(b.kubeconfig);
	const merged = new KubeConfig();
	merged.loadFromOptions({
		clusters: [...ka.getClusters(), { ...kb.getCluster('test')!, name: 'other' }],
		users: [...ka.getUsers(), { ...kb.getUser('test-admin')!, name: 'other-admin' }],
		contexts: [...ka.getContexts(), { name: 'other', cluster: 'other', user: 'other-admin', namespace: 'default' }],
		currentContext: 'test',
	});
	return merged.exportConfig();
}

async function handle(req: ClusterRequest): Promise<unknown> {
	switch (req.type) {
		case 'init': {
			a = await startTestApiServer({ historySize: 2000 });
			b = await startTestApiServer({ historySize: 2000 });
			random = prng(req.seed ^ 0xfa17);
			workA = new Workload(a, req.seed, 6);
			workB = new Workload(b, req.seed + 1, 2);
			workA.seed(6);
			workB.seed(4);
			kubeconfigPath = req.kubeconfigPath;
			writeFileSync(kubeconfigPath, kubeconfigText(), { mode: 0o600 });
			return { A: a.url, B: b.url };
		}
		case 'write': {
			const until = Date.now() + req.ms;
			let written = 0;
			while (Date.now() < until && written < req.budget) {
				workA.step(req.perTick);
				written += req.perTick;
				if (random() < req.shareB) {
					workB.step(1);
					written++;
				}
				await sleep(req.tickMs);
			}
			return written;
		}
		case 'fault':
			clear = inject(req.fault);
			return null;
		case 'clear':
			clear();
			clear = () => undefined;
			return null;
		case 'delay':
			a.faults.delayMs = req.ms;
			b.faults.delayMs = req.ms;
			return null;
		case 'fingerprints': {
			const server = req.server === 'A' ? a : b;
			const out: [string, string][] = [];
			for (const kind of resourceKinds) {
				for (const o of server.list(kind as ResourceKind)) {
					out.push([`${kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`, `${o.metadata?.uid}@${o.metadata?.resourceVersion}`]);
				}
			}
			return out;
		}
		case 'verbs':
			return summarize();
		case 'close':
			await Promise.all([a.close(), b.close()]);
			setImmediate(() => process.exit(0));
			return null;
	}
}

/** Injects a fault; returns what clears it. */
function inject(fault: ServerFault): () => void {
	switch (fault.kind) {
		case 'drop-watches':
			a.faults.dropWatches(fault.abrupt);
			b.faults.dropWatches(fault.abrupt);
			return () => undefined;
		case 'gone-410':
			// The watch history forgotten: every rewatch from an older resourceVersion is 410 Gone.
			a.faults.compact();
			b.faults.compact();
			a.faults.dropWatches();
			b.faults.dropWatches();
			return () => undefined;
		case 'server-errors':
			a.faults.failing = { status: fault.status };
			a.faults.dropWatches(true);
			return () => {
				a.faults.failing = undefined;
			};
		case 'slow-responses':
			a.faults.delayMs = fault.delayMs;
			b.faults.delayMs = fault.delayMs;
			a.faults.dropWatches();
			b.faults.dropWatches();
			return () => {
				a.faults.delayMs = 0;
				b.faults.delayMs = 0;
			};
		case 'token-expiry':
			// Every token is forgotten; the kubeconfig file gets the new ones when the fault clears, as a `login`
			// command or a credential helper writes them. Open watches end too (their tokens were checked at start).
			a.faults.expireTokens();
			b.faults.expireTokens();
			a.faults.dropWatches();
			b.faults.dropWatches();
			return () => writeFileSync(kubeconfigPath, kubeconfigText(), { mode: 0o600 });
		case 'namespace-forbidden': {
			// A RoleBinding removed: the user's requests in one namespace are 403 until it is restored. Watches are
			// dropped so the denial is met (RBAC changes do not end open watches by themselves).
			const names = workA.namespaceNames;
			const ns = names[Math.floor(random() * names.length)]!;
			a.faults.forbidNamespace(fault.user, ns);
			a.faults.dropWatches();
			return () => a.faults.allowNamespace(fault.user, ns);
		}
	}
}

function summarize(): VerbSummary {
	const informers: VerbSummary['informers'] = {};
	const violations: string[] = [];
	for (const [label, server] of [['A', a], ['B', b]] as const) {
		for (const v of server.verbs) {
			if (v.method !== 'GET' || !['get', 'list', 'watch'].includes(v.verb) || /\/secrets\b/.test(v.path)) {
				violations.push(`${label}: ${v.method} ${v.verb} ${v.path}`);
			}
			if ((v.verb !== 'list' && v.verb !== 'watch') || v.resource === undefined || v.query.includes('continue=') || v.status === 401) {
				continue;
			}
			const key = `${label} ${v.user} ${v.resource} ${v.namespace ?? '(all)'}`;
			const s = (informers[key] ??= { lists: 0, watches: 0 });
			if (v.verb === 'list') {s.lists++;}
			else {s.watches++;}
		}
	}
	return {
		requests: a.verbs.length + b.verbs.length,
		informers,
		violations,
		changes: { A: workA.counts, B: workB.counts },
		totals: { A: workA.total, B: workB.total },
	};
}

process.on('message', (msg: { id: number; req: ClusterRequest }) => {
	handle(msg.req).then(
		(result) => process.send!({ id: msg.id, result }),
		(err: unknown) => process.send!({ id: msg.id, error: err instanceof Error ? err.stack ?? err.message : String(err) }),
	);
});
process.on('disconnect', () => process.exit(0));
