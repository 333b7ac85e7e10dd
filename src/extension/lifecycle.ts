/**
 * One disposal discipline (STYLE 6): every adapter extends `Disposable` and registers what it creates with
 * `_register`, so disposing the root (which lives in `context.subscriptions`) tears everything down in reverse order.
 */
export interface IDisposable {
	dispose(): void;
}

export abstract class Disposable implements IDisposable {
	private readonly toDispose: IDisposable[] = [];
	private disposed = false;

	protected get isDisposed(): boolean {
		return this.disposed;
	}

	protected _register<T extends IDisposable>(d: T): T {
		if (this.disposed) {
			d.dispose();
		} else {
			this.toDispose.push(d);
		}
		return d;
	}

	dispose(): void {
		if (this.disposed) {
			return;
		}
		this.disposed = true;
		for (const d of this.toDispose.splice(0).reverse()) {
			try {
				d.dispose();
			} catch (err) {
				console.error('[endpoint-lens] dispose failed:', err);
			}
		}
	}
}

/** A disposable that runs `fn` once. */
export function toDisposable(fn: () => void): IDisposable {
	let done = false;
	return {
		dispose() {
			if (!done) {
				done = true;
				fn();
			}
		},
	};
}
