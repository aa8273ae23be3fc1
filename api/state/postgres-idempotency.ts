// IdempotencyStore in PostgreSQL: one row per (API key, Idempotency-Key). The claim is one INSERT …
// ON CONFLICT, so two replicas racing on the same key see exactly one winner; an expired row is
// taken over in the same statement.
import type { Pool } from 'pg';
import { IDEMPOTENCY_TTL_MS, type IdempotencyRecord, type IdempotencyStore } from '../idempotency';

export function createPostgresIdempotencyStore(pool: Pool, ttlMs = IDEMPOTENCY_TTL_MS): IdempotencyStore {
  return {
    async claim(key, bodyHash) {
      // A row may vanish between the failed insert and the read (released): then claim again.
      for (let attempt = 0; attempt < 5; attempt++) {
        const inserted = await pool.query(
          `INSERT INTO api_idempotency AS i (key, body_hash, check_id, expires_at)
           VALUES ($1, $2, NULL, now() + $3 * interval '1 millisecond')
           ON CONFLICT (key) DO UPDATE
             SET body_hash = EXCLUDED.body_hash, check_id = NULL, expires_at = EXCLUDED.expires_at
             WHERE i.expires_at <= now()
           RETURNING key`,
          [key, bodyHash, ttlMs],
        );
        if (inserted.rowCount === 1) return { claimed: true };
        const existing = await pool.query<{ body_hash: string; check_id: string | null }>(
          'SELECT body_hash, check_id FROM api_idempotency WHERE key = $1 AND expires_at > now()',
          [key],
        );
        const row = existing.rows[0];
        if (row) {
          const record: IdempotencyRecord = row.check_id
            ? { state: 'done', bodyHash: row.body_hash, checkId: row.check_id }
            : { state: 'in-progress', bodyHash: row.body_hash };
          return { claimed: false, record };
        }
      }
      throw new Error('idempotency claim did not settle after 5 attempts');
    },
    async complete(key, checkId) {
      await pool.query('UPDATE api_idempotency SET check_id = $2 WHERE key = $1', [key, checkId]);
    },
    async release(key) {
      await pool.query('DELETE FROM api_idempotency WHERE key = $1', [key]);
    },
  };
}
