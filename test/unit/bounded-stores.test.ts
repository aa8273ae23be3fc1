// The API's in-memory stores stay bounded: Idempotency-Key records, webhook/relay event ids and
// rate-limit buckets are capped in all and per API key / check run, oldest evicted first; a flood of
// 1e6 distinct keys leaves the heap where the cap put it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { createMemoryIdempotencyStore } from '../../api/idempotency';
import { createMemoryRateLimiter } from '../../api/rate-limit';
import { RecentEventIds } from '../../api/recent-events';

const run = promisify(execFile);

describe('bounded idempotency store', () => {
  it('evicts the oldest records of an API key beyond its cap, and leaves other keys alone', async () => {
    const store = createMemoryIdempotencyStore({ maxEntries: 100, maxEntriesPerOwner: 3 });
    for (const k of ['a1', 'a2', 'a3'])
      assert.deepEqual(await store.claim(`A\n${k}`, 'h'), { claimed: true });
    await store.complete('A\na1', 'chk_1');
    assert.deepEqual(await store.claim('B\nb1', 'h'), { claimed: true });
    assert.deepEqual(await store.claim('A\na4', 'h'), { claimed: true }); // evicts A's oldest: a1
    assert.deepEqual(await store.claim('A\na1', 'h2'), { claimed: true }); // forgotten → claimable; evicts a2
    const kept = await store.claim('A\na3', 'other');
    assert.deepEqual(kept, { claimed: false, record: { state: 'in-progress', bodyHash: 'h' } });
    assert.equal((await store.claim('A\na2', 'h')).claimed, true);
    assert.equal((await store.claim('B\nb1', 'h')).claimed, false, "B's record survives A's flood");
  });

  it('evicts the oldest record of anyone beyond the global cap; completed records keep their age', async () => {
    const store = createMemoryIdempotencyStore({ maxEntries: 3, maxEntriesPerOwner: 3 });
    await store.claim('A\n1', 'h');
    await store.claim('B\n1', 'h');
    await store.claim('C\n1', 'h');
    await store.complete('A\n1', 'chk_a'); // completing does not make it newer
    await store.claim('D\n1', 'h'); // evicts A\n1
    assert.equal((await store.claim('A\n1', 'h')).claimed, true);
    assert.deepEqual(await store.claim('C\n1', 'x'), {
      claimed: false,
      record: { state: 'in-progress', bodyHash: 'h' },
    });
  });

  it('still expires records after the TTL and frees released keys', async () => {
    let t = 0;
    const store = createMemoryIdempotencyStore({ ttlMs: 1000, now: () => t, maxEntries: 10 });
    await store.claim('A\n1', 'h');
    await store.complete('A\n1', 'chk_1');
    t = 999;
    assert.deepEqual(await store.claim('A\n1', 'h'), {
      claimed: false,
      record: { state: 'done', bodyHash: 'h', checkId: 'chk_1' },
    });
    t = 1000;
    assert.equal((await store.claim('A\n1', 'h')).claimed, true);
    await store.release('A\n1');
    assert.equal((await store.claim('A\n1', 'h')).claimed, true);
  });
});

describe('bounded event-id dedupe', () => {
  it('caps ids per check run and in all, oldest first', () => {
    const recent = new RecentEventIds({ maxEntries: 5, maxPerCheck: 2 });
    assert.equal(recent.seen('run1:e1'), false);
    assert.equal(recent.seen('run1:e2'), false);
    assert.equal(recent.seen('run2:e1'), false);
    assert.equal(recent.seen('run1:e3'), false); // run1 over its cap: e1 goes
    assert.equal(recent.seen('run2:e1'), true, "another run's id is kept");
    assert.equal(recent.seen('run1:e2'), true);
    assert.equal(recent.seen('run1:e1'), false, 'the evicted id is new again');
    for (const id of ['run3:a', 'run4:a', 'run5:a']) recent.seen(id);
    assert.equal(recent.size, 5);
    assert.equal(recent.seen('run2:e1'), false, 'the globally oldest id was evicted');
    recent.forget('run5:a');
    assert.equal(recent.seen('run5:a'), false);
  });
});

describe('bounded rate-limit buckets', () => {
  it('keeps at most maxBuckets, dropping the least recently used (which starts full again)', () => {
    const limiter = createMemoryRateLimiter(() => 0, 2);
    assert.equal(limiter.take('a', 1).ok, true);
    assert.equal(limiter.take('a', 1).ok, false);
    assert.equal(limiter.take('b', 1).ok, true);
    assert.equal(limiter.take('a', 1).ok, false); // a is now the most recently used
    assert.equal(limiter.take('c', 1).ok, true); // evicts b, not a
    assert.equal(limiter.take('a', 1).ok, false, 'a busy key keeps its (empty) bucket');
    assert.equal(limiter.take('b', 1).ok, true, 'b was dropped and starts full');
  });
});

describe('memory under a flood of 1e6 distinct keys (child process, heap after GC)', () => {
  const flood = async (kind: string, groups: number, t: { diagnostic(m: string): void }) => {
    const { stdout } = await run(
      process.execPath,
      [
        '--expose-gc',
        '--import',
        'tsx',
        join(__dirname, '../helpers/store-flood.ts'),
        kind,
        '1000000',
        String(groups),
      ],
      { maxBuffer: 1 << 20 },
    );
    const figures = JSON.parse(stdout) as { retained: number; fill: number; peak: number; final: number };
    t.diagnostic(
      `${kind}: ${JSON.stringify({ ...figures, bytesPerEntry: Math.round(figures.final / figures.retained) })}`,
    );
    return figures;
  };

  it('idempotency store: 1e6 keys over 5 API keys keep 100,000 records; the heap stays at the cap level', async (t) => {
    const f = await flood('idempotency', 5, t);
    assert.equal(f.retained, 100_000, 'the default global cap (5 × 20,000 per key)');
    // The cost of one record at realistic sizes, measured when the cap was first reached …
    const perEntry = f.fill / 100_000;
    assert.ok(perEntry > 100 && perEntry < 2048, `bytes per record ${perEntry}`);
    // … and 900,000 more keys later the heap is still that (unbounded, it would be ~10× more).
    assert.ok(f.peak < f.fill * 1.25 + 8e6, `peak ${f.peak} vs ${f.fill} at the cap`);
    assert.ok(f.final < 100_000 * 2048, `final ${f.final}`);
  });

  it('event-id dedupe: 1e6 ids over 1,000 checks keep 50,000; the heap stays at the cap level', async (t) => {
    const f = await flood('recent-events', 1000, t);
    assert.equal(f.retained, 50_000);
    const perEntry = f.fill / 50_000;
    assert.ok(perEntry > 50 && perEntry < 1024, `bytes per id ${perEntry}`);
    assert.ok(f.peak < f.fill * 1.25 + 4e6, `peak ${f.peak} vs ${f.fill} at the cap`);
  });

  it('event-id dedupe: 1e6 ids at one check keep that check to 1,000 ids', async (t) => {
    const f = await flood('recent-events', 1, t);
    assert.equal(f.retained, 1000);
  });
});
