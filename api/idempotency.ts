// Idempotency-Key (as Stripe does it): the same key with the same body answers with the same check for
// 24 h; the same key with another body is a 422. Scope = API key name + Idempotency-Key.
// The store is in memory behind IdempotencyStore: with several API replicas, use a shared store
// (Redis SET NX PX / a DB unique key) or a retry landing on another replica starts a second check.
// Memory is bounded: at most `maxEntries` records in all and `maxEntriesPerOwner` per API key, the
// oldest evicted first. An evicted key is forgotten early: a retry with it starts (or joins) a check
// again, which the workflow id's single-flight makes harmless.
import { createHash } from 'node:crypto';
import { CappedMap } from './capped-map';
import { problem } from './problem';

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

type Entry = IdempotencyRecord & { expiresAt: number };

const ownerBeforeNewline = (key: string): string => {
  const i = key.indexOf('\n');
  // Stryker disable next-line EqualityOperator,StringLiteral: equivalent (scripts/mutation/EQUIVALENT.md)
  return i < 0 ? '' : key.slice(0, i);
};

export function createMemoryIdempotencyStore({
  ttlMs = IDEMPOTENCY_TTL_MS,
  now = Date.now,
  maxEntries = IDEMPOTENCY_MAX_ENTRIES,
  maxEntriesPerOwner = IDEMPOTENCY_MAX_ENTRIES_PER_OWNER,
  ownerOf = ownerBeforeNewline,
}: MemoryIdempotencyOptions = {}): IdempotencyStore {
  const entries = new CappedMap<Entry>({ maxEntries, maxPerGroup: maxEntriesPerOwner, groupOf: ownerOf });
  const sweep = () => {
    // One TTL for all, so age order is expiry order: stop at the first live entry.
    const t = now();
    for (let oldest = entries.oldest(); oldest && oldest.value.expiresAt <= t; oldest = entries.oldest())
      entries.delete(oldest.key);
  };
  return {
    async claim(key, bodyHash) {
      sweep();
      const record = entries.get(key);
      if (record) return { claimed: false, record: publicRecord(record) };
      entries.set(key, { state: 'in-progress', bodyHash, expiresAt: now() + ttlMs });
      return { claimed: true };
    },
    async complete(key, checkId) {
      const entry = entries.get(key);
      // Replacing keeps the entry's place, so age order (and expiry order) is unchanged.
      if (entry)
        entries.set(key, { state: 'done', bodyHash: entry.bodyHash, checkId, expiresAt: entry.expiresAt });
    },
    async release(key) {
      entries.delete(key);
    },
  };
}

function publicRecord(entry: Entry): IdempotencyRecord {
  return entry.state === 'done'
    ? { state: 'done', bodyHash: entry.bodyHash, checkId: entry.checkId }
    : { state: 'in-progress', bodyHash: entry.bodyHash };
}

/** SHA-256 of the validated body as canonical JSON (sorted keys), so key order and spacing don't matter. */
/**
 * Store key of an Idempotency-Key. The owner comes first: the store caps its records per owner (the text
 * before the first newline), so one owner's keys can never evict another's.
 */
export function idempotencyStoreKey(
  operation: 'check' | 'batch',
  owner: string,
  keyName: string,
  idempotencyKey: string,
): string {
  return operation === 'check'
    ? `${owner}\n${keyName}\n${idempotencyKey}`
    : `${owner}\nbatch\n${keyName}\n${idempotencyKey}`;
}

/**
 * A claim that found a record: the same body may be replayed once the first request is done; another
 * body is a 422, a request still in progress a 409 to retry in a second. Returns the recorded id.
 */
export function replayableId(record: IdempotencyRecord, bodyHash: string): string {
  if (record.bodyHash !== bodyHash)
    throw problem(
      422,
      'idempotency-key-reused',
      'This Idempotency-Key was used with a different request body',
      'Use a new Idempotency-Key for a different request',
    );
  if (record.state === 'in-progress')
    throw problem(
      409,
      'idempotency-in-progress',
      'A request with this Idempotency-Key is still being processed',
      undefined,
      {},
      { 'Retry-After': '1' },
    );
  return record.checkId;
}

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
