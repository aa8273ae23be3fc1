// API process settings, read and validated once from env (zod). Provider and Temporal settings are
// read by their own modules (providers/*/registration.ts, config/temporal.ts).
import { z } from 'zod';
import { parseApiKeys } from './auth';

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
  return { ...parsed, apiKeys: parseApiKeys(parsed.API_KEYS) };
}
export type ApiConfig = ReturnType<typeof loadApiConfig>;
