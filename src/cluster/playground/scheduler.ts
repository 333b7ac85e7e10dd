/**
 * Time in the playground: the clock it reads, and a queue of future tasks (the simulated kubelet's transitions and
 * grace-period expiries) behind a single clock timer.
 *
 * Tasks run in (due time, scheduling order) order, so two runs that schedule the same tasks under the same clock run
 * them in the same order — with a manual clock, the playground is fully deterministic. The queue never runs a task
 * by itself inside `schedule`: the owner drains it (`popDue`/`popNext`) and decides how each task runs (the
 * playground runs each one as one batch of changes followed by the controllers).
 */

/** The clock the playground reads and arms timers on. Inject a manual one in tests. */
export interface PlaygroundClock {
	/** Milliseconds since the Unix epoch. */
	now(): number;
	setTimeout(fn: () => void, ms: number): unknown;
	clearTimeout(handle: unknown): void;
}

/** Wall-clock time and Node's timers. */
export const realClock: PlaygroundClock = {
	now: () => Date.now(),
	setTimeout: (fn, ms) => setTimeout(fn, ms),
	clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** A scheduled task. `cancelled` tasks stay in the queue but are skipped. */
export interface Task {
	readonly due: number;
	readonly seq: number;
	readonly run: () => void;
	cancelled: boolean;
}

/** Future tasks ordered by due time, then by scheduling order; one clock timer armed for the earliest. */
export class TaskQueue {
	private tasks: Task[] = [];
	private seq = 0;
	private timer: unknown;
	private timerDue: number | undefined;
	private disposed = false;

	/**
	 * @param clock the time source
	 * @param onTimer called when the armed timer fires; the owner drains the due tasks and calls `arm()` again
	 */
	constructor(
		private readonly clock: PlaygroundClock,
		private readonly onTimer: () => void,
	) {}

	/** Number of tasks still to run (cancelled ones excluded). */
	get size(): number {
		return this.tasks.filter((t) => !t.cancelled).length;
	}

	/**
	 * Schedules `run` `ms` milliseconds after `from` (default: now; 0 or less: due then). Does not arm the timer;
	 * call `arm()`.
	 */
	schedule(ms: number, run: () => void, from: number = this.clock.now()): Task {
		const task: Task = { due: from + Math.max(0, ms), seq: this.seq++, run, cancelled: false };
		// Binary search for the first task due strictly later: equal due times keep scheduling order.
		let lo = 0;
		let hi = this.tasks.length;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (this.tasks[mid]!.due <= task.due) {
				lo = mid + 1;
			} else {
				hi = mid;
			}
		}
		this.tasks.splice(lo, 0, task);
		return task;
	}

	/** The next task due at or before now, removed from the queue; undefined when none is due. */
	popDue(): Task | undefined {
		this.dropCancelledHead();
		const head = this.tasks[0];
		if (head && head.due <= this.clock.now()) {
			return this.tasks.shift();
		}
		return undefined;
	}

	/** The next task (not cancelled) without removing it. */
	peek(): Task | undefined {
		this.dropCancelledHead();
		return this.tasks[0];
	}

	/** The next task whatever its due time, removed from the queue. */
	popNext(): Task | undefined {
		this.dropCancelledHead();
		return this.tasks.shift();
	}

	/** Arms (or re-arms) the clock timer for the earliest task; clears it when there is none. */
	arm(): void {
		if (this.disposed) {
			return;
		}
		this.dropCancelledHead();
		const head = this.tasks[0];
		if (head === undefined) {
			this.clearTimer();
			return;
		}
		if (this.timer !== undefined && this.timerDue === head.due) {
			return;
		}
		this.clearTimer();
		this.timerDue = head.due;
		this.timer = this.clock.setTimeout(
			() => {
				this.timer = undefined;
				this.timerDue = undefined;
				this.onTimer();
			},
			Math.max(0, head.due - this.clock.now()),
		);
	}

	/** Drops every task and the timer; nothing runs afterwards. */
	dispose(): void {
		this.disposed = true;
		this.tasks = [];
		this.clearTimer();
	}

	private clearTimer(): void {
		if (this.timer !== undefined) {
			this.clock.clearTimeout(this.timer);
		}
		this.timer = undefined;
		this.timerDue = undefined;
	}

	private dropCancelledHead(): void {
		while (this.tasks.length > 0 && this.tasks[0]!.cancelled) {
			this.tasks.shift();
		}
	}
}
