/** Timing helpers shared by the bench's cases: medians of repeated runs, and one printed row per measurement. */

export interface Timing {
	median: number;
	min: number;
}

/** The median and minimum of sorted-or-not samples (ms). */
export function summarize(samples: readonly number[]): Timing {
	const sorted = [...samples].sort((a, b) => a - b);
	return { median: sorted[Math.floor(sorted.length / 2)]!, min: sorted[0]! };
}

/** The nearest-rank `p`th percentile of the samples (0 for none). */
export function percentile(samples: readonly number[], p: number): number {
	if (samples.length === 0) {
		return 0;
	}
	const sorted = [...samples].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function time(runs: number, fn: () => void): Timing {
	fn(); // warm-up
	const samples: number[] = [];
	for (let i = 0; i < runs; i++) {
		const t0 = performance.now();
		fn();
		samples.push(performance.now() - t0);
	}
	return summarize(samples);
}

export function row(name: string, t: Timing, peer: Timing, note = '', peerName = 'peer'): void {
	const ratio = t.median / peer.median;
	console.log(
		`${name.padEnd(52)} ${t.median.toFixed(1).padStart(9)} ms  (min ${t.min.toFixed(1).padStart(7)})  ${ratio.toFixed(2).padStart(6)}× ${peerName}  ${note}`,
	);
}

/** `target ≤ 20 ms: met` / `… MISSED`. */
export function target(text: string, met: boolean): string {
	return `target ${text}: ${met ? 'met' : 'MISSED'}`;
}
