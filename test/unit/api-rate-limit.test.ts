// Per-key rate limit: a token bucket per API key holding a minute's worth, refilled evenly.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NextFunction, Request, Response } from 'express';
import type { ApiKey } from '../../api/auth';
import { HttpProblem } from '../../api/problem';
import {
  RATE_LIMIT_MAX_BUCKETS,
  createMemoryRateLimiter,
  rateLimitByKey,
  type RateLimiter,
} from '../../api/rate-limit';
import type { SharedRateLimiter } from '../../api/state/types';

const clock = () => {
  let t = 5_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
};

const takeN = (limiter: RateLimiter, key: string, perMinute: number, n: number) =>
  Array.from({ length: n }, () => limiter.take(key, perMinute).ok);

describe('token bucket', () => {
  it("lets a fresh key spend a minute's worth at once, then refuses", () => {
    const limiter = createMemoryRateLimiter(clock().now);
    assert.deepEqual(takeN(limiter, 'k', 3, 4), [true, true, true, false]);
  });
  it('refills evenly: 60 per minute gives one back each second, not before', () => {
    const c = clock();
    const limiter = createMemoryRateLimiter(c.now);
    takeN(limiter, 'k', 60, 60);
    c.advance(999);
    assert.equal(limiter.take('k', 60).ok, false);
    c.advance(1);
    assert.equal(limiter.take('k', 60).ok, true);
    assert.equal(limiter.take('k', 60).ok, false);
  });
  it('never holds more than a minute worth, however long the key was idle', () => {
    const c = clock();
    const limiter = createMemoryRateLimiter(c.now);
    limiter.take('k', 2);
    c.advance(3_600_000);
    assert.deepEqual(takeN(limiter, 'k', 2, 3), [true, true, false]);
  });
  it('says how many whole seconds until the next token, at least 1', () => {
    const c = clock();
    const limiter = createMemoryRateLimiter(c.now);
    takeN(limiter, 'slow', 1, 1);
    assert.deepEqual(limiter.take('slow', 1), { ok: false, retryAfterSeconds: 60 });
    c.advance(30_000);
    assert.deepEqual(limiter.take('slow', 1), { ok: false, retryAfterSeconds: 30 });
    c.advance(29_001);
    assert.deepEqual(limiter.take('slow', 1), { ok: false, retryAfterSeconds: 1 }, '0.999 s rounds up');
    takeN(limiter, 'six', 6, 6);
    assert.deepEqual(limiter.take('six', 6), { ok: false, retryAfterSeconds: 10 });
    takeN(limiter, 'fast', 6000, 6000);
    assert.deepEqual(limiter.take('fast', 6000), { ok: false, retryAfterSeconds: 1 });
  });
  it('keeps one bucket per key', () => {
    const limiter = createMemoryRateLimiter(clock().now);
    takeN(limiter, 'a', 1, 1);
    assert.equal(limiter.take('a', 1).ok, false);
    assert.equal(limiter.take('b', 1).ok, true);
  });
  it(`keeps at most ${RATE_LIMIT_MAX_BUCKETS} buckets, dropping the least recently used (it starts full again)`, () => {
    assert.equal(RATE_LIMIT_MAX_BUCKETS, 10_000);
    const limiter = createMemoryRateLimiter(clock().now, 2);
    limiter.take('a', 1);
    limiter.take('b', 1);
    limiter.take('a', 1); // a is now the most recently used (and still empty)
    limiter.take('c', 1); // three buckets: b, the least recently used, goes
    assert.equal(limiter.take('b', 1).ok, true, 'b was forgotten, so it is full again');
    assert.equal(limiter.take('c', 1).ok, false, 'c is kept, still empty');
    assert.equal(limiter.take('a', 1).ok, true, 'b coming back pushed a out, so a is full again');
  });
});

describe('rate-limit middleware', () => {
  const key = (over: Partial<ApiKey> = {}): ApiKey => ({
    name: 'backend',
    owner: 'acme',
    sha256: 'x',
    scopes: ['read'],
    ...over,
  });
  async function call(handler: ReturnType<typeof rateLimitByKey>, apiKey: ApiKey) {
    let nextCalls = 0;
    try {
      await handler(
        {} as Request,
        { locals: { apiKey } } as unknown as Response,
        (() => nextCalls++) as NextFunction,
      );
      return { nextCalls };
    } catch (err) {
      assert.ok(err instanceof HttpProblem);
      return { nextCalls, problem: err };
    }
  }
  it("limits each key by its own rate, else the app default, keyed by the key's name", async () => {
    const seen: [string, number][] = [];
    const limiter: RateLimiter = {
      take: (k, perMinute) => {
        seen.push([k, perMinute]);
        return { ok: true };
      },
    };
    const handler = rateLimitByKey(limiter, 120);
    assert.equal((await call(handler, key())).nextCalls, 1);
    assert.equal((await call(handler, key({ name: 'relay', ratePerMinute: 6000 }))).nextCalls, 1);
    assert.deepEqual(seen, [
      ['backend', 120],
      ['relay', 6000],
    ]);
  });
  it('answers 429 with Retry-After in whole seconds when the key is over its rate', async () => {
    const handler = rateLimitByKey({ take: () => ({ ok: false, retryAfterSeconds: 7 }) }, 60);
    const { nextCalls, problem } = await call(handler, key());
    assert.equal(nextCalls, 0);
    assert.deepEqual(problem?.problem, {
      type: 'https://balance-check.dev/problems/rate-limited',
      title: 'Too many requests for this API key',
      status: 429,
      detail: 'Retry after 7 s',
    });
    assert.deepEqual(problem?.headers, { 'Retry-After': '7' });
  });
  it('awaits a shared (asynchronous) limiter the same way: next only when it grants, else the same 429', async () => {
    let grant = true;
    const shared: SharedRateLimiter = {
      take: async () => (grant ? { ok: true } : { ok: false, retryAfterSeconds: 3 }),
    };
    const handler = rateLimitByKey(shared, 60);
    assert.deepEqual(await call(handler, key()), { nextCalls: 1 });
    grant = false;
    const refused = await call(handler, key());
    assert.equal(refused.nextCalls, 0);
    assert.equal(refused.problem?.problem.status, 429);
    assert.deepEqual(refused.problem?.headers, { 'Retry-After': '3' });
  });
});
