// Idempotency-Key (as Stripe does it): the same key with the same body answers with the same check for
// 24 h; the same key with another body is a 422. Scope = API key name + Idempotency-Key.
// The store is in memory behind IdempotencyStore: with several API replicas, use a shared store
// (Redis SET NX PX / a DB unique key) or a retry landing on another replica starts a second check.
// Memory is bounded: at most `maxEntries` records in all and `maxEntriesPerOwner` per API key, the
// oldest evicted first. An evicted key is forgotten early: a retry with it starts (or joins) a check
// again, which the workflow id's single-flight makes harmless.
import { createHash } from 'node:crypto';

export type IdempotencyRecord =
  { state: 'in-progress'; bodyHash: string } | { state: 'done'; bodyHash: string; checkId: string };

export interface IdempotencyStore {
  /** Claims the key for this body, or returns what is already recorded under it. */
  claim(
    key: string,
    bodyHash: string,
  ): Promise<{ claimed: true } | { claimed: false; record: IdempotencyRecord }>;
  /** Records the check the claimed request started (or joined / reused). */
  complete(key: string, checkId: string): Promise<void>;
  /** The request failed before naming a check: free the key so a retry can proceed. */
  release(key: string): Promise<void>;
}

export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;
export const IDEMPOTENCY_MAX_ENTRIES = 100_000;
export const IDEMPOTENCY_MAX_ENTRIES_PER_OWNER = 20_000;

export interface MemoryIdempotencyOptions {
  ttlMs?: number;
  now?: () => number;
  /** Records kept in all (default 100,000); the oldest is evicted beyond it. */
  maxEntries?: number;
  /** Records kept per owner (default 20,000), so one API key cannot evict the others' records. */
  maxEntriesPerOwner?: number;
  /** The owner (API key) of a store key; default: the text before the first newline (`<key name>\n<Idempotency-Key>`). */
  ownerOf?: (key: string) => string;
}

// The owner's group is shared by reference, so an entry does not carry its own copy of the owner name.
interface OwnerGroup {
  owner: string;
  keys: Set<string>;
}
type Entry = IdempotencyRecord & { expiresAt: number; group: OwnerGroup };

const ownerBeforeNewline = (key: string): string => {
  const i = key.indexOf('\n');
  return i < 0 ? '' : key.slice(0, i);
};

export function createMemoryIdempotencyStore({
  ttlMs = IDEMPOTENCY_TTL_MS,
  now = Date.now,
  maxEntries = IDEMPOTENCY_MAX_ENTRIES,
  maxEntriesPerOwner = IDEMPOTENCY_MAX_ENTRIES_PER_OWNER,
  ownerOf = ownerBeforeNewline,
}: MemoryIdempotencyOptions = {}): IdempotencyStore {
  // Maps and sets iterate in insertion order, i.e. oldest first: eviction and expiry take from the front.
  const entries = new Map<string, Entry>();
  const groups = new Map<string, OwnerGroup>();
  const remove = (key: string, group: OwnerGroup) => {
    entries.delete(key);
    group.keys.delete(key);
    if (group.keys.size === 0) groups.delete(group.owner);
  };
  const sweep = () => {
    // One TTL for all, so insertion order is expiry order: stop at the first live entry.
    const t = now();
    for (const [key, entry] of entries) {
      if (entry.expiresAt > t) break;
      remove(key, entry.group);
    }
  };
  return {
    async claim(key, bodyHash) {
      sweep();
      const record = entries.get(key);
      if (record) return { claimed: false, record: publicRecord(record) };
      const owner = ownerOf(key);
      const group = groups.get(owner) ?? { owner, keys: new Set<string>() };
      while (group.keys.size >= maxEntriesPerOwner) remove(group.keys.values().next().value as string, group);
      while (entries.size >= maxEntries) {
        const [oldest, entry] = entries.entries().next().value as [string, Entry];
        remove(oldest, entry.group);
      }
      groups.set(owner, group); // (again: evicting its last key may have dropped it)
      entries.set(key, { state: 'in-progress', bodyHash, expiresAt: now() + ttlMs, group });
      group.keys.add(key);
      return { claimed: true };
    },
    async complete(key, checkId) {
      const entry = entries.get(key);
      // Map.set on an existing key keeps its place, so age order (and expiry order) is unchanged.
      if (entry)
        entries.set(key, {
          state: 'done',
          bodyHash: entry.bodyHash,
          checkId,
          expiresAt: entry.expiresAt,
          group: entry.group,
        });
    },
    async release(key) {
      const entry = entries.get(key);
      if (entry) remove(key, entry.group);
    },
  };
}

function publicRecord(entry: Entry): IdempotencyRecord {
  return entry.state === 'done'
    ? { state: 'done', bodyHash: entry.bodyHash, checkId: entry.checkId }
    : { state: 'in-progress', bodyHash: entry.bodyHash };
}

/** SHA-256 of the validated body as canonical JSON (sorted keys), so key order and spacing don't matter. */
export function canonicalHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
