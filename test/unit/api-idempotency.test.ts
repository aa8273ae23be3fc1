// Idempotency-Key records: claim, complete, release, the 24 h TTL, the caps, and the body hash.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  IDEMPOTENCY_MAX_ENTRIES,
  IDEMPOTENCY_MAX_ENTRIES_PER_OWNER,
  IDEMPOTENCY_TTL_MS,
  canonicalHash,
  createMemoryIdempotencyStore,
  idempotencyStoreKey,
  replayableId,
} from '../../api/idempotency';
import { HttpProblem } from '../../api/problem';

const clock = (start = 1_000_000) => {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
};

describe('idempotency records', () => {
  it('claims a new key once; later claims see the record (without its expiry)', async () => {
    const store = createMemoryIdempotencyStore();
    assert.deepEqual(await store.claim('k\n1', 'h1'), { claimed: true });
    assert.deepEqual(await store.claim('k\n1', 'h2'), {
      claimed: false,
      record: { state: 'in-progress', bodyHash: 'h1' },
    });
    await store.complete('k\n1', 'check-1');
    assert.deepEqual(await store.claim('k\n1', 'h1'), {
      claimed: false,
      record: { state: 'done', bodyHash: 'h1', checkId: 'check-1' },
    });
  });
  it('frees a released key for a retry, and never creates a record by completing an unknown key', async () => {
    const store = createMemoryIdempotencyStore();
    await store.claim('k\n1', 'h1');
    await store.release('k\n1');
    assert.deepEqual(await store.claim('k\n1', 'h2'), { claimed: true });
    await store.complete('k\n9', 'check-9');
    assert.deepEqual(await store.claim('k\n9', 'h'), { claimed: true });
  });
  it('keeps a record for 24 h by default: still there 1 ms before, gone at exactly 24 h', async () => {
    assert.equal(IDEMPOTENCY_TTL_MS, 86_400_000);
    const c = clock();
    const store = createMemoryIdempotencyStore({ now: c.now });
    await store.claim('k\n1', 'h');
    c.advance(IDEMPOTENCY_TTL_MS - 1);
    assert.equal((await store.claim('k\n1', 'h')).claimed, false);
    c.advance(1);
    assert.equal((await store.claim('k\n1', 'h')).claimed, true);
  });
  it('counts the TTL from the claim: completing a record does not extend it', async () => {
    const c = clock();
    const store = createMemoryIdempotencyStore({ now: c.now, ttlMs: 1000 });
    await store.claim('k\n1', 'h');
    c.advance(600);
    await store.claim('k\n2', 'h');
    await store.complete('k\n1', 'check-1');
    c.advance(400);
    assert.equal((await store.claim('k\n1', 'h')).claimed, true, 'expired 1000 ms after its claim');
    assert.equal((await store.claim('k\n2', 'h')).claimed, false, 'the younger record lives on');
    c.advance(600);
    assert.equal((await store.claim('k\n2', 'h')).claimed, true);
  });
  it('caps records per API key (the text before the newline), the oldest first, other keys untouched', async () => {
    assert.equal(IDEMPOTENCY_MAX_ENTRIES_PER_OWNER, 20_000);
    const store = createMemoryIdempotencyStore({ maxEntriesPerOwner: 2 });
    await store.claim('a\n1', 'h');
    await store.claim('b\n1', 'h');
    await store.claim('a\n2', 'h');
    await store.claim('a\n3', 'h');
    assert.equal((await store.claim('b\n1', 'h')).claimed, false);
    assert.equal((await store.claim('a\n3', 'h')).claimed, false);
    assert.equal((await store.claim('a\n2', 'h')).claimed, false);
    assert.equal((await store.claim('a\n1', 'h')).claimed, true, "a's oldest was evicted");
  });
  it('puts keys without a newline in one shared group', async () => {
    const store = createMemoryIdempotencyStore({ maxEntriesPerOwner: 1 });
    await store.claim('first-key', 'h');
    await store.claim('other-key', 'h');
    assert.equal((await store.claim('other-key', 'h')).claimed, false);
    assert.equal(
      (await store.claim('first-key', 'h')).claimed,
      true,
      'both keys belong to the same (empty) owner',
    );
  });
  it('caps records in all, the oldest first; a custom owner function groups keys', async () => {
    assert.equal(IDEMPOTENCY_MAX_ENTRIES, 100_000);
    const store = createMemoryIdempotencyStore({ maxEntries: 2, ownerOf: (k) => k[0]! });
    await store.claim('a1', 'h');
    await store.claim('b1', 'h');
    await store.claim('c1', 'h');
    assert.equal((await store.claim('c1', 'h')).claimed, false);
    assert.equal((await store.claim('b1', 'h')).claimed, false);
    assert.equal((await store.claim('a1', 'h')).claimed, true);
    const grouped = createMemoryIdempotencyStore({ maxEntriesPerOwner: 1, ownerOf: (k) => k[0]! });
    await grouped.claim('a1', 'h');
    await grouped.claim('a2', 'h');
    assert.equal((await grouped.claim('a1', 'h')).claimed, true);
  });
});

describe('idempotency store keys and replays', () => {
  it('puts the owner first, so batch and check keys of one owner share its cap and never evict another owner', async () => {
    assert.equal(idempotencyStoreKey('check', 'acme', 'k1', 'idem-1'), 'acme\nk1\nidem-1');
    assert.equal(idempotencyStoreKey('batch', 'acme', 'k1', 'idem-1'), 'acme\nbatch\nk1\nidem-1');
    const store = createMemoryIdempotencyStore({ maxEntriesPerOwner: 2 });
    assert.equal((await store.claim(idempotencyStoreKey('batch', 'b', 'k', 'only'), 'h')).claimed, true);
    for (const k of ['1', '2', '3']) await store.claim(idempotencyStoreKey('batch', 'a', 'k', k), 'h');
    assert.equal(
      (await store.claim(idempotencyStoreKey('batch', 'b', 'k', 'only'), 'h')).claimed,
      false,
      "owner b's batch record survives owner a's flood of batch keys",
    );
    assert.equal((await store.claim(idempotencyStoreKey('check', 'a', 'k', '1'), 'h')).claimed, true);
  });

  const problemOf = (f: () => unknown) => {
    try {
      f();
    } catch (err) {
      assert.ok(err instanceof HttpProblem);
      return err;
    }
    assert.fail('no problem thrown');
  };

  it('replays a done record with the same body, and names what it recorded', () => {
    assert.equal(replayableId({ state: 'done', bodyHash: 'h', checkId: 'chk_1' }, 'h'), 'chk_1');
  });

  it('refuses another body with a 422 and a hint, even while the first request is in progress', () => {
    for (const record of [
      { state: 'done' as const, bodyHash: 'h', checkId: 'chk_1' },
      { state: 'in-progress' as const, bodyHash: 'h' },
    ]) {
      const p = problemOf(() => replayableId(record, 'other'));
      assert.equal(p.problem.status, 422);
      assert.equal(p.problem.type, 'https://balance-check.dev/problems/idempotency-key-reused');
      assert.equal(p.problem.title, 'This Idempotency-Key was used with a different request body');
      assert.equal(p.problem.detail, 'Use a new Idempotency-Key for a different request');
      assert.deepEqual(p.headers, {});
    }
  });

  it('answers a same-body request still in progress with a 409 to retry in a second', () => {
    const p = problemOf(() => replayableId({ state: 'in-progress', bodyHash: 'h' }, 'h'));
    assert.equal(p.problem.status, 409);
    assert.equal(p.problem.type, 'https://balance-check.dev/problems/idempotency-in-progress');
    assert.equal(p.problem.title, 'A request with this Idempotency-Key is still being processed');
    assert.equal(p.problem.detail, undefined);
    assert.deepEqual(p.headers, { 'Retry-After': '1' });
  });
});

describe('canonical body hash', () => {
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');
  it('is the SHA-256 of the JSON with sorted keys, no spaces, absent values left out', () => {
    assert.equal(canonicalHash({ b: 1, a: [1, 'x', null], c: undefined }), sha('{"a":[1,"x",null],"b":1}'));
    assert.equal(canonicalHash({ z: { y: true, x: 'é"' } }), sha('{"z":{"x":"é\\"","y":true}}'));
    assert.equal(canonicalHash('text'), sha('"text"'));
    assert.equal(canonicalHash(42), sha('42'));
    assert.equal(canonicalHash(null), sha('null'));
    assert.equal(canonicalHash([]), sha('[]'));
    assert.equal(canonicalHash({}), sha('{}'));
  });
  it('ignores key order but not array order', () => {
    assert.equal(canonicalHash({ a: 1, b: { c: 2, d: 3 } }), canonicalHash({ b: { d: 3, c: 2 }, a: 1 }));
    assert.notEqual(canonicalHash({ ids: ['A', 'B'] }), canonicalHash({ ids: ['B', 'A'] }));
    assert.equal(canonicalHash({ B: 1, a: 2, A: 3 }), sha('{"A":3,"B":1,"a":2}'), 'code-unit order');
  });
});
