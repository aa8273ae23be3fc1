// A token bucket per API key shared by every replica: one upsert refills by the database's clock
// (replicas' clocks may disagree), takes a token when there is one, and says whether it did. The row
// lock of ON CONFLICT DO UPDATE serialises concurrent requests for the same key.
import type { Pool } from 'pg';
import type { SharedRateLimiter } from './types';

export function createPostgresRateLimiter(pool: Pool): SharedRateLimiter {
  return {
    async take(key, perMinute) {
      const perMs = perMinute / 60_000;
      const r = await pool.query<{ tokens: number; granted: boolean }>(
        `WITH clock AS (SELECT extract(epoch FROM clock_timestamp()) * 1000 AS t)
         INSERT INTO api_rate_buckets AS b (key, tokens, at_ms, granted)
         SELECT $1, $2::float8 - 1, t, true FROM clock
         ON CONFLICT (key) DO UPDATE SET
           tokens = LEAST($2::float8, b.tokens + GREATEST(0, EXCLUDED.at_ms - b.at_ms) * $3::float8)
                    - CASE WHEN LEAST($2::float8, b.tokens + GREATEST(0, EXCLUDED.at_ms - b.at_ms) * $3::float8) >= 1
                           THEN 1 ELSE 0 END,
           granted = LEAST($2::float8, b.tokens + GREATEST(0, EXCLUDED.at_ms - b.at_ms) * $3::float8) >= 1,
           at_ms = GREATEST(b.at_ms, EXCLUDED.at_ms)
         RETURNING tokens, granted`,
        [key, perMinute, perMs],
      );
      const row = r.rows[0]!;
      if (row.granted) return { ok: true };
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - row.tokens) / perMs / 1000)) };
    },
  };
}
