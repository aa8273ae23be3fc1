// Recently signaled provider event ids, so a provider's (or relay's) redelivery costs no second signal.
// Per replica; the workflow drops duplicate event ids too, so this only saves work. Memory is bounded:
// at most `maxEntries` ids in all and `maxPerCheck` per check run (the part of the id before the first
// ':' — callers pass `<runId>:<eventId>`), oldest evicted first, so a flood of distinct ids at one check
// cannot push every other check's ids out.
import { CappedMap } from './capped-map';

export const RECENT_EVENTS_MAX_ENTRIES = 50_000;
export const RECENT_EVENTS_MAX_PER_CHECK = 1_000;

export interface RecentEventIdsOptions {
  /** Ids kept in all (default 50,000). */
  maxEntries?: number;
  /** Ids kept per check run (default 1,000). */
  maxPerCheck?: number;
}

const runOf = (id: string): string => {
  const sep = id.indexOf(':');
  return sep < 0 ? '' : id.slice(0, sep);
};

export class RecentEventIds {
  private readonly ids: CappedMap<true>;

  constructor({
    maxEntries = RECENT_EVENTS_MAX_ENTRIES,
    maxPerCheck = RECENT_EVENTS_MAX_PER_CHECK,
  }: RecentEventIdsOptions = {}) {
    this.ids = new CappedMap({ maxEntries, maxPerGroup: maxPerCheck, groupOf: runOf });
  }

  /** True when the id was seen; otherwise remembers it. */
  seen(id: string): boolean {
    if (this.ids.has(id)) return true;
    this.ids.set(id, true);
    return false;
  }

  forget(id: string): void {
    this.ids.delete(id);
  }

  /** How many ids are remembered. */
  get size(): number {
    return this.ids.size;
  }
}
