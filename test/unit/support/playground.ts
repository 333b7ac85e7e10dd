/**
 * Test support for the playground: a manual clock (timers fire only when a test advances time) and the examples as
 * workspace files.
 */
import { readFileSync } from 'node:fs';
import type { PlaygroundClock } from '../../../src/cluster/playground/playground';
import type { WorkspaceFile } from '../../../src/core/manifests/workspace';

export const clockStart = Date.parse('2025-01-01T00:00:00Z');

/** Timers fire only when the test advances time, in (time, creation) order, each seeing `now()` = its due time. */
export class ManualClock implements PlaygroundClock {
	private t = clockStart;
	private seq = 0;
	private timers: { at: number; seq: number; fn: () => void }[] = [];
	now(): number {
		return this.t;
	}
	setTimeout(fn: () => void, ms: number): unknown {
		const timer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn };
		this.timers.push(timer);
		return timer;
	}
	clearTimeout(handle: unknown): void {
		this.timers = this.timers.filter((t) => t !== handle);
	}
	advance(ms: number): void {
		const target = this.t + ms;
		for (;;) {
			this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
			const next = this.timers[0];
			if (!next || next.at > target) {
				break;
			}
			this.timers.shift();
			this.t = next.at;
			next.fn();
		}
		this.t = target;
	}
}

/** Files of examples/, by name. */
export function example(...names: string[]): WorkspaceFile[] {
	return names.map((n) => ({ path: `examples/${n}`, text: readFileSync(`examples/${n}`, 'utf8') }));
}
