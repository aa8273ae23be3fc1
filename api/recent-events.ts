// Recently signaled provider event ids, so a provider's (or relay's) redelivery costs no second signal.
// Per replica; the workflow drops duplicate event ids too, so this only saves work. Memory is bounded:
// at most `maxEntries` ids in all and `maxPerCheck` per check run (the part of the id before the first
// ':' — callers pass `<runId>:<eventId>`), oldest evicted first, so a flood of distinct ids at one check
// cannot push every other check's ids out.
export const RECENT_EVENTS_MAX_ENTRIES = 50_000;
export const RECENT_EVENTS_MAX_PER_CHECK = 1_000;

export interface RecentEventIdsOptions {
  /** Ids kept in all (default 50,000). */
  maxEntries?: number;
  /** Ids kept per check run (default 1,000). */
  maxPerCheck?: number;
}

interface RunGroup {
  run: string;
  ids: Set<string>;
}

export class RecentEventIds {
  // Insertion order = age order: eviction takes from the front of both.
  private readonly ids = new Map<string, RunGroup>();
  private readonly runs = new Map<string, RunGroup>();
  private readonly maxEntries: number;
  private readonly maxPerCheck: number;

  constructor({
    maxEntries = RECENT_EVENTS_MAX_ENTRIES,
    maxPerCheck = RECENT_EVENTS_MAX_PER_CHECK,
  }: RecentEventIdsOptions = {}) {
    this.maxEntries = maxEntries;
    this.maxPerCheck = maxPerCheck;
  }

  /** True when the id was seen; otherwise remembers it. */
  seen(id: string): boolean {
    if (this.ids.has(id)) return true;
    const sep = id.indexOf(':');
    const run = sep < 0 ? '' : id.slice(0, sep);
    const group = this.runs.get(run) ?? { run, ids: new Set<string>() };
    while (group.ids.size >= this.maxPerCheck) this.remove(group.ids.values().next().value as string, group);
    while (this.ids.size >= this.maxEntries) {
      const [oldest, oldestGroup] = this.ids.entries().next().value as [string, RunGroup];
      this.remove(oldest, oldestGroup);
    }
    this.runs.set(run, group);
    this.ids.set(id, group);
    group.ids.add(id);
    return false;
  }

  forget(id: string): void {
    const group = this.ids.get(id);
    if (group) this.remove(id, group);
  }

  /** How many ids are remembered (for tests and metrics). */
  get size(): number {
    return this.ids.size;
  }

  private remove(id: string, group: RunGroup): void {
    this.ids.delete(id);
    group.ids.delete(id);
    if (group.ids.size === 0) this.runs.delete(group.run);
  }
}
