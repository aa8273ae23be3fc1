// Per-API-key rate limit: a token bucket per key (capacity = the per-minute rate, refilled evenly).
// In memory, so each replica limits on its own; the PostgreSQL limiter (api/state/) is shared by all.
// At most `maxBuckets` buckets are kept, the least recently used dropped first: an idle bucket has
// refilled anyway, so dropping it changes nothing for its key (a fresh bucket starts full).
import type { RequestHandler } from 'express';
import type { ApiKey } from './auth';
import { problem } from './problem';
import type { RateVerdict, SharedRateLimiter } from './state/types';

export interface RateLimiter {
  /** Takes one token; when none is left, says how long until one is. */
  take(key: string, perMinute: number): RateVerdict;
}

export const RATE_LIMIT_MAX_BUCKETS = 10_000;

export function createMemoryRateLimiter(
  now: () => number = Date.now,
  maxBuckets = RATE_LIMIT_MAX_BUCKETS,
): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key, perMinute) {
      const t = now();
      const perMs = perMinute / 60_000;
      const b = buckets.get(key) ?? { tokens: perMinute, at: t };
      b.tokens = Math.min(perMinute, b.tokens + (t - b.at) * perMs);
      b.at = t;
      // Delete + set moves the key to the back: the front is the least recently used.
      buckets.delete(key);
      buckets.set(key, b);
      while (buckets.size > maxBuckets) buckets.delete(buckets.keys().next().value as string);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000)) };
    },
  };
}

/**
 * After authenticate(): 429 + Retry-After when the key is over its rate. One middleware for both
 * limiters: the in-memory one answers at once, the shared one after a database round trip.
 */
export function rateLimitByKey(
  limiter: RateLimiter | SharedRateLimiter,
  defaultPerMinute: number,
): RequestHandler {
  return async (_req, res, next) => {
    const key = res.locals.apiKey as ApiKey;
    const verdict = await limiter.take(key.name, key.ratePerMinute ?? defaultPerMinute);
    if (!verdict.ok) {
      const retry = String(verdict.retryAfterSeconds);
      throw problem(
        429,
        'rate-limited',
        'Too many requests for this API key',
        `Retry after ${retry} s`,
        {},
        { 'Retry-After': retry },
      );
    }
    next();
  };
}
