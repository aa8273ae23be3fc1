// The shared API state (API_STATE_URL) on a real PostgreSQL: concurrent callers — as from several
// replicas — get one idempotency claim, one bucket, one first sighting of an event id; migrations are
// safe to run from replicas starting together; an unreachable database is a 503, not a 500.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Pool } from 'pg';
import { HttpProblem } from '../../api/problem';
import { openSharedApiState, type SharedApiState } from '../../api/state/open-state';
import { createPostgresIdempotencyStore } from '../../api/state/postgres-idempotency';
import { freePort } from '../../scripts/cluster/config';
import { startPostgres, type Postgres } from '../../scripts/cluster/postgres';

describe('shared API state in PostgreSQL', () => {
  let pg: Postgres;
  let dir: string;
  let url: string;
  const states: SharedApiState[] = [];
  const pools: Pool[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bc-state-'));
    chmodSync(dir, 0o755); // PostgreSQL runs as another OS user when we are root
    pg = startPostgres({ dir: join(dir, 'pg'), port: await freePort() });
    url = pg.url('api_state_test');
  });
  after(async () => {
    await Promise.all([...states.map((s) => s.close()), ...pools.map((p) => p.end())]);
    pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('replicas starting together create the database and migrate it once', async () => {
    states.push(
      ...(await Promise.all([openSharedApiState(url), openSharedApiState(url), openSharedApiState(url)])),
    );
    const pool = new Pool({ connectionString: url });
    pool.on('error', () => undefined); // idle connections end with the database-down test
    pools.push(pool);
    const rows = await pool.query('SELECT version FROM api_state_migrations');
    assert.deepEqual(
      rows.rows.map((r: { version: number }) => r.version),
      [1],
    );
  });

  test('idempotency: one claim among concurrent callers; done/in-progress/released/expired as in memory', async () => {
    const [a, b] = states as [SharedApiState, SharedApiState];
    const claims = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).idempotency.claim('key-1', 'hash-1')),
    );
    assert.equal(claims.filter((c) => c.claimed).length, 1);
    for (const c of claims.filter((x) => !x.claimed)) {
      assert.deepEqual(c, { claimed: false, record: { state: 'in-progress', bodyHash: 'hash-1' } });
    }
    await a.idempotency.complete('key-1', 'check-1');
    assert.deepEqual(await b.idempotency.claim('key-1', 'other'), {
      claimed: false,
      record: { state: 'done', bodyHash: 'hash-1', checkId: 'check-1' },
    });
    await b.idempotency.claim('key-2', 'h');
    await a.idempotency.release('key-2');
    assert.deepEqual(await b.idempotency.claim('key-2', 'h2'), { claimed: true });

    const pool = new Pool({ connectionString: url });
    pool.on('error', () => undefined); // idle connections end with the database-down test
    pools.push(pool);
    const shortLived = createPostgresIdempotencyStore(pool, 50);
    assert.deepEqual(await shortLived.claim('key-3', 'old'), { claimed: true });
    await new Promise((r) => setTimeout(r, 120));
    assert.deepEqual(
      await shortLived.claim('key-3', 'new'),
      { claimed: true },
      'an expired record is taken over',
    );
  });

  test('rate limit: one bucket per key across callers', async () => {
    const [a, b] = states as [SharedApiState, SharedApiState];
    const verdicts = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).rateLimiter.take('api-key-x', 10)),
    );
    assert.equal(verdicts.filter((v) => v.ok).length, 10);
    for (const v of verdicts.filter((x) => !x.ok)) {
      assert.ok(!v.ok && v.retryAfterSeconds >= 1 && v.retryAfterSeconds <= 6, JSON.stringify(v));
    }
    assert.deepEqual(await a.rateLimiter.take('api-key-y', 10), { ok: true }, 'buckets are per key');
  });

  test('event ids: the first sighting wins; forget lets a redelivery through', async () => {
    const [a, b] = states as [SharedApiState, SharedApiState];
    const seen = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).eventIds.seen('run:evt-1')),
    );
    assert.equal(seen.filter((x) => !x).length, 1);
    await b.eventIds.forget('run:evt-1');
    assert.equal(await a.eventIds.seen('run:evt-1'), false);
    assert.equal(await b.eventIds.seen('run:evt-1'), true);
  });

  test('database down: 503 state-unavailable with Retry-After, then back to normal', async () => {
    const [a] = states as [SharedApiState];
    pg.stop();
    try {
      await assert.rejects(a.idempotency.claim('key-down', 'h'), (err: unknown) => {
        assert.ok(err instanceof HttpProblem);
        assert.equal(err.problem.status, 503);
        assert.equal(err.headers['Retry-After'], '1');
        return true;
      });
    } finally {
      pg.restart();
    }
    // stop/restart block this process (spawnSync); an API process would read the server's "terminating
    // connection" notices on its idle connections while the database is down. Let this one read them.
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(await a.idempotency.claim('key-down', 'h'), { claimed: true });
  });
});
