// Timers a simulator owns: unref'd so a simulated job or delayed webhook never keeps a test process
// (or the sandbox) alive, and tracked so reset() and close() can cancel every one.
export class SimTimers {
  private readonly pending = new Set<NodeJS.Timeout>();
  private readonly sleepers = new Set<() => void>();
  private stopped = false;

  /** Runs fn after ms unless cleared first; does nothing once stopped. */
  after(ms: number, fn: () => void): void {
    if (this.stopped) return;
    const timer = setTimeout(
      () => {
        this.pending.delete(timer);
        fn();
      },
      Math.max(0, ms),
    );
    timer.unref();
    this.pending.add(timer);
  }

  /** Resolves after ms, or at once when clearAll() runs (so no request handler hangs past close). */
  sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.sleepers.delete(done);
        resolve();
      };
      this.sleepers.add(done);
      this.after(ms, done);
    });
  }

  /** Cancels every pending timer and wakes every sleeper; new timers may follow (a reset). */
  clearAll(): void {
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
    for (const wake of [...this.sleepers]) wake();
  }

  /** clearAll(), then ignore later after() calls: once closed, a late callback must start nothing. */
  stop(): void {
    this.stopped = true;
    this.clearAll();
  }

  get isStopped(): boolean {
    return this.stopped;
  }
}
