// API process settings, read and validated once from env (zod). Provider and Temporal settings are
// read by their own modules (providers/*/registration.ts, config/temporal.ts).
import { z } from 'zod';
import { parseApiKeys } from './auth';
import { IDEMPOTENCY_MAX_ENTRIES, IDEMPOTENCY_MAX_ENTRIES_PER_OWNER } from './idempotency';
import { RATE_LIMIT_MAX_BUCKETS } from './rate-limit';
import { RECENT_EVENTS_MAX_ENTRIES, RECENT_EVENTS_MAX_PER_CHECK } from './recent-events';

const ApiEnv = z.object({
  API_PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  API_HOST: z.string().min(1).default('0.0.0.0'),
  /** name:sha256hex[:scope+scope[:perMinute]],… — see auth.ts. */
  API_KEYS: z.string().default(''),
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(600),
  API_JSON_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(32 * 1024),
  API_WEBHOOK_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(64 * 1024),
  API_MFA_DEADLINE_MS: z.coerce.number().int().positive().default(15_000),
  API_HEADERS_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  API_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  API_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  API_MAX_CONNECTIONS: z.coerce.number().int().positive().default(1_000),
  API_IDEMPOTENCY_MAX_ENTRIES: z.coerce.number().int().positive().default(IDEMPOTENCY_MAX_ENTRIES),
  API_IDEMPOTENCY_MAX_PER_KEY: z.coerce.number().int().positive().default(IDEMPOTENCY_MAX_ENTRIES_PER_OWNER),
  API_EVENT_DEDUPE_MAX_ENTRIES: z.coerce.number().int().positive().default(RECENT_EVENTS_MAX_ENTRIES),
  API_EVENT_DEDUPE_MAX_PER_CHECK: z.coerce.number().int().positive().default(RECENT_EVENTS_MAX_PER_CHECK),
  API_RATE_LIMIT_MAX_BUCKETS: z.coerce.number().int().positive().default(RATE_LIMIT_MAX_BUCKETS),
  TEMPORAL_TASK_QUEUE: z.string().min(1).optional(),
  /** postgres://… of the state shared by API replicas; unset = in memory (one replica). */
  API_STATE_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export const API_ENV_DOC: { key: string; meaning: string; secret?: boolean }[] = [
  { key: 'API_PORT', meaning: 'Port the API listens on (default 3000)' },
  { key: 'API_HOST', meaning: 'Interface the API binds (default 0.0.0.0)' },
  {
    key: 'API_KEYS',
    meaning:
      'name:sha256hex[:scopes[:perMinute]],… — API keys as SHA-256 hashes; scopes read+write+events (default read+write)',
  },
  { key: 'API_RATE_LIMIT_PER_MINUTE', meaning: 'Requests per minute per API key (default 600)' },
  { key: 'API_JSON_BODY_LIMIT_BYTES', meaning: 'Largest /v1 JSON body (default 32768; larger → 413)' },
  { key: 'API_WEBHOOK_BODY_LIMIT_BYTES', meaning: 'Largest webhook body (default 65536; larger → 413)' },
  { key: 'API_MFA_DEADLINE_MS', meaning: 'Bound on the MFA Update before 503 (default 15000)' },
  {
    key: 'API_HEADERS_TIMEOUT_MS',
    meaning: 'Time a client has to send the request headers (default 10000; ≤ API_REQUEST_TIMEOUT_MS)',
  },
  {
    key: 'API_REQUEST_TIMEOUT_MS',
    meaning: 'Time a client has to send the whole request, body included (default 30000; then 408 and close)',
  },
  {
    key: 'API_KEEP_ALIVE_TIMEOUT_MS',
    meaning:
      'Idle keep-alive connections close after this (default 5000; behind a load balancer, set it above its idle timeout)',
  },
  { key: 'API_MAX_CONNECTIONS', meaning: 'Open connections at most; more are closed at once (default 1000)' },
  {
    key: 'API_IDEMPOTENCY_MAX_ENTRIES',
    meaning: 'Idempotency-Key records kept in all, oldest evicted first (default 100000)',
  },
  { key: 'API_IDEMPOTENCY_MAX_PER_KEY', meaning: 'Idempotency-Key records kept per API key (default 20000)' },
  {
    key: 'API_EVENT_DEDUPE_MAX_ENTRIES',
    meaning: 'Webhook/relay event ids remembered for dedupe, oldest evicted first (default 50000)',
  },
  { key: 'API_EVENT_DEDUPE_MAX_PER_CHECK', meaning: 'Event ids remembered per check run (default 1000)' },
  {
    key: 'API_RATE_LIMIT_MAX_BUCKETS',
    meaning: 'Rate-limit buckets kept, least recently used dropped (default 10000)',
  },
  { key: 'TEMPORAL_TASK_QUEUE', meaning: 'Task queue checks start on (default balance-check)' },
  {
    key: 'API_STATE_URL',
    meaning:
      'postgres:// URL of the state API replicas share (idempotency, rate limits, webhook dedupe); unset = in memory',
    secret: true,
  },
  { key: 'LOG_LEVEL', meaning: 'pino level (default info)' },
];

export function loadApiConfig(env: Record<string, string | undefined> = process.env) {
  const parsed = ApiEnv.parse(env);
  // Node refuses a server whose headersTimeout exceeds its requestTimeout: say so at start-up.
  if (parsed.API_HEADERS_TIMEOUT_MS > parsed.API_REQUEST_TIMEOUT_MS)
    throw new Error('API_HEADERS_TIMEOUT_MS must not exceed API_REQUEST_TIMEOUT_MS');
  return { ...parsed, apiKeys: parseApiKeys(parsed.API_KEYS) };
}
export type ApiConfig = ReturnType<typeof loadApiConfig>;
