// Timers the simulator owns: unref'd so they never keep a test process alive, all cleared on reset/close.
export class Scheduler {
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  after(ms: number, fn: () => void): void {
    if (this.stopped) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        fn();
      },
      Math.max(0, ms),
    );
    timer.unref();
    this.timers.add(timer);
  }

  /**
   * Promise-style wait for request handlers (fault delays). Not cleared by reset: a delayed request
   * still gets its answer (or finds its socket closed by close()).
   */
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms).unref());
  }

  clearAll(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  stop(): void {
    this.stopped = true;
    this.clearAll();
  }

  get isStopped(): boolean {
    return this.stopped;
  }
}
