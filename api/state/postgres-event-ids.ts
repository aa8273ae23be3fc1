// Webhook/event dedupe shared by every replica: the first INSERT of an event id wins, so a provider
// delivering the same event to two replicas costs one signal. Ids are kept for an hour (providers
// redeliver within the hour). forget() frees an id whose signal failed so the redelivery can retry; a
// replica killed between the insert and its signal costs that delivery only: the check still polls,
// and the workflow drops a duplicate event id, so a redelivery after the TTL is harmless.
import type { Pool } from 'pg';
import type { SharedEventIds } from './types';

export const EVENT_ID_TTL_MS = 3600 * 1000;

export function createPostgresEventIds(pool: Pool, ttlMs = EVENT_ID_TTL_MS): SharedEventIds {
  return {
    async seen(id) {
      const r = await pool.query(
        `INSERT INTO api_event_ids AS e (id, expires_at) VALUES ($1, now() + $2 * interval '1 millisecond')
         ON CONFLICT (id) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE e.expires_at <= now()
         RETURNING id`,
        [id, ttlMs],
      );
      return r.rowCount === 0;
    },
    async forget(id) {
      await pool.query('DELETE FROM api_event_ids WHERE id = $1', [id]);
    },
  };
}
