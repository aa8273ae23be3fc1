// Recently signaled provider event ids, so a provider's (or relay's) redelivery costs no second signal.
// Per replica; the workflow drops duplicate event ids too, so this only saves work.
export class RecentEventIds {
  private readonly ids = new Set<string>();
  constructor(private readonly max = 10_000) {}

  /** True when the id was seen; otherwise remembers it. */
  seen(id: string): boolean {
    if (this.ids.has(id)) return true;
    this.ids.add(id);
    if (this.ids.size > this.max) this.ids.delete(this.ids.values().next().value as string);
    return false;
  }

  forget(id: string): void {
    this.ids.delete(id);
  }
}
