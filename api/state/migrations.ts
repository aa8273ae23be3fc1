// Schema of the shared API state (API_STATE_URL), applied on start-up by every replica. Numbered,
// append-only: a deployed migration is never edited. An advisory lock serialises replicas starting
// together, and each migration runs in its own transaction with its version row.
import type { Pool } from 'pg';

export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'idempotency, rate-limit buckets, webhook event ids',
    sql: `
      CREATE TABLE api_idempotency (
        key text PRIMARY KEY,
        body_hash text NOT NULL,
        check_id text,
        expires_at timestamptz NOT NULL
      );
      CREATE INDEX api_idempotency_expires ON api_idempotency (expires_at);
      CREATE TABLE api_rate_buckets (
        key text PRIMARY KEY,
        tokens double precision NOT NULL,
        at_ms double precision NOT NULL,
        granted boolean NOT NULL
      );
      CREATE INDEX api_rate_buckets_at ON api_rate_buckets (at_ms);
      CREATE TABLE api_event_ids (
        id text PRIMARY KEY,
        expires_at timestamptz NOT NULL
      );
      CREATE INDEX api_event_ids_expires ON api_event_ids (expires_at);
    `,
  },
];

// Any constant: the lock only has to be the same one in every replica.
const MIGRATION_LOCK = 0x62616c63; // "balc"

/** Applies the migrations this database lacks; returns the versions applied now. */
export async function migrate(pool: Pool): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS api_state_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set(
      (await client.query<{ version: number }>('SELECT version FROM api_state_migrations')).rows.map(
        (r) => r.version,
      ),
    );
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO api_state_migrations (version, name) VALUES ($1, $2)', [
          m.version,
          m.name,
        ]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`API state migration ${m.version} (${m.name}) failed: ${(err as Error).message}`, {
          cause: err,
        });
      }
      applied.push(m.version);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
  return applied;
}
