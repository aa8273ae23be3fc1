// Unref'd, tracked timers so a simulator never keeps the process alive and close() cancels them all.
export class Timers {
  private readonly pending = new Set<NodeJS.Timeout>();
  private readonly sleepers = new Set<() => void>();

  schedule(fn: () => void, ms: number): void {
    const t = setTimeout(
      () => {
        this.pending.delete(t);
        fn();
      },
      Math.max(0, ms),
    );
    t.unref();
    this.pending.add(t);
  }

  /** Resolves after ms, or at once when clearAll() runs (so no request handler hangs past close). */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.sleepers.delete(done);
        resolve();
      };
      this.sleepers.add(done);
      this.schedule(done, ms);
    });
  }

  clearAll(): void {
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
    for (const wake of [...this.sleepers]) wake();
  }
}
