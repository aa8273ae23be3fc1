// Idempotency-Key (as Stripe does it): the same key with the same body answers with the same check for
// 24 h; the same key with another body is a 422. Scope = API key name + Idempotency-Key.
// The store is in memory behind IdempotencyStore: with several API replicas, use a shared store
// (Redis SET NX PX / a DB unique key) or a retry landing on another replica starts a second check.
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

export function createMemoryIdempotencyStore(
  ttlMs = IDEMPOTENCY_TTL_MS,
  now: () => number = Date.now,
): IdempotencyStore {
  const entries = new Map<string, IdempotencyRecord & { expiresAt: number }>();
  const sweep = () => {
    // Insertion order is expiry order (one TTL), so stop at the first live entry.
    for (const [key, entry] of entries) {
      if (entry.expiresAt > now()) break;
      entries.delete(key);
    }
  };
  return {
    async claim(key, bodyHash) {
      sweep();
      const record = entries.get(key);
      if (record) return { claimed: false, record };
      entries.set(key, { state: 'in-progress', bodyHash, expiresAt: now() + ttlMs });
      return { claimed: true };
    },
    async complete(key, checkId) {
      const entry = entries.get(key);
      if (entry)
        entries.set(key, { state: 'done', bodyHash: entry.bodyHash, checkId, expiresAt: entry.expiresAt });
    },
    async release(key) {
      entries.delete(key);
    },
  };
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
