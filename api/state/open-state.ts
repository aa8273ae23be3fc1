// API state shared by replicas (API_STATE_URL): opens the pool, creates the database if it is missing,
// runs the migrations, and sweeps expired rows now and then. Without API_STATE_URL the API keeps
// its state in memory (one replica).
import { Pool } from 'pg';
import type { Logger } from 'pino';
import type { IdempotencyStore } from '../idempotency';
import { problem } from '../problem';
import { migrate } from './migrations';
import { createPostgresEventIds } from './postgres-event-ids';
import { createPostgresIdempotencyStore } from './postgres-idempotency';
import { createPostgresRateLimiter } from './postgres-rate-limit';
import type { SharedEventIds, SharedRateLimiter } from './types';

export interface SharedApiState {
  idempotency: IdempotencyStore;
  rateLimiter: SharedRateLimiter;
  eventIds: SharedEventIds;
  close(): Promise<void>;
}

const SWEEP_EVERY_MS = 5 * 60_000;

/** CREATE DATABASE through the server's `postgres` database when the named one does not exist yet. */
async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const database = decodeURIComponent(target.pathname.slice(1));
  if (!database) throw new Error('API_STATE_URL names no database (postgres://user@host:port/<database>)');
  const probe = new Pool({ connectionString: url, max: 1 });
  try {
    await probe.query('SELECT 1');
    return;
  } catch (err) {
    if ((err as { code?: string }).code !== '3D000') throw err; // 3D000: invalid_catalog_name
  } finally {
    await probe.end();
  }
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const pool = new Pool({ connectionString: admin.toString(), max: 1 });
  try {
    await pool.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
  } catch (err) {
    // Another replica created it first: 42P04 duplicate_database, or 23505 when both ran CREATE together.
    if (!['42P04', '23505'].includes((err as { code?: string }).code ?? '')) throw err;
  } finally {
    await pool.end();
  }
}

export async function openSharedApiState(url: string, logger?: Logger): Promise<SharedApiState> {
  await ensureDatabase(url);
  const pool = new Pool({ connectionString: url, max: 10 });
  // A dropped connection (database restart) must not crash the API: the next query reconnects.
  pool.on('error', (err) => logger?.warn({ err }, 'API state: idle connection lost'));
  const applied = await migrate(pool);
  if (applied.length > 0) logger?.info({ applied }, 'API state: migrations applied');
  const sweep = setInterval(() => {
    void pool
      .query(
        `DELETE FROM api_idempotency WHERE expires_at < now();
         DELETE FROM api_event_ids WHERE expires_at < now();
         DELETE FROM api_rate_buckets WHERE at_ms < extract(epoch FROM now()) * 1000 - 3600 * 1000;`,
      )
      .catch((err: Error) => logger?.warn({ err }, 'API state: sweep failed'));
  }, SWEEP_EVERY_MS);
  sweep.unref();
  const guard = unavailableOnError(logger);
  return {
    idempotency: guard(createPostgresIdempotencyStore(pool)),
    rateLimiter: guard(createPostgresRateLimiter(pool)),
    eventIds: guard(createPostgresEventIds(pool)),
    async close() {
      clearInterval(sweep);
      await pool.end();
    },
  };
}

/**
 * The database being unreachable (restarting, failing over) is a 503 with Retry-After for the caller
 * to retry — not a 500, and never a request served without its idempotency/rate/dedupe guarantee.
 */
function unavailableOnError(logger?: Logger) {
  return <T extends object>(store: T): T => {
    const wrapped = {} as Record<string, unknown>;
    for (const [name, fn] of Object.entries(store)) {
      const call = fn as (...a: unknown[]) => Promise<unknown>;
      wrapped[name] = async (...args: unknown[]) => {
        try {
          try {
            return await call(...args);
          } catch (err) {
            // A pooled connection the database closed (restart, failover) fails on first use: once more
            // on a fresh one before telling the caller to come back.
            if (!isConnectionLost(err)) throw err;
            return await call(...args);
          }
        } catch (err) {
          logger?.warn({ err, op: name }, 'API state unavailable');
          throw problem(
            503,
            'state-unavailable',
            'Shared API state is unavailable; retry shortly',
            undefined,
            {},
            {
              'Retry-After': '1',
            },
          );
        }
      };
    }
    return wrapped as T;
  };
}

/** Admin shutdown / crash shutdown / cannot connect now (57P0x), or the socket went away. */
function isConnectionLost(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return (
    /^57P0[123]$/.test(e.code ?? '') ||
    ['ECONNRESET', 'ECONNREFUSED', 'EPIPE'].includes(e.code ?? '') ||
    /Connection terminated|connection.*closed/i.test(e.message ?? '')
  );
}
