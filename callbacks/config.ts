// Callback settings, read once from env by both the API (which URLs a key may use) and the worker
// (signing secrets, retry window). Secrets stay in process config: workflow history only ever names
// the API key (`owner/name`) whose secrets sign an event.
import { z } from 'zod';

const Url = z.url({ protocol: /^https?$/ }).max(2000);

/** Per API key (`owner/name`): a default endpoint for every check it starts, and per-request URLs it may use. */
const KeyCallbacks = z.strictObject({
  url: Url.optional(),
  /** `callbackUrl` must start with one of these (scheme, host, port and path prefix). */
  allow: z.array(Url).max(50).default([]),
});

/** Standard Webhooks secrets: `whsec_` + base64 of at least 24 random bytes. */
const Secret = z.string().regex(/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/, 'a whsec_… secret (base64 key)');

const CallbackEnv = z.object({
  NODE_ENV: z.string().optional(),
  /** JSON: {"owner/name": {"url": "https://…", "allow": ["https://hooks.example.com/"]}} */
  API_CALLBACKS: z.string().default('{}'),
  /** JSON: {"owner/name": ["whsec_new", "whsec_old"]} — two secrets while rotating: two signatures. */
  CALLBACK_SECRETS: z.string().default('{}'),
  /** Hosts allowed even if they resolve to private ranges (production only; comma-separated). */
  CALLBACK_ALLOW_PRIVATE_HOSTS: z.string().default(''),
  CALLBACK_RETRY_INITIAL_MS: z.coerce.number().int().positive().default(5_000),
  CALLBACK_RETRY_MAX_MS: z.coerce.number().int().positive().default(3_600_000),
  /** How long a receiver is retried before the event is abandoned (default 24 h). */
  CALLBACK_RETRY_FOR_MS: z.coerce.number().int().positive().default(86_400_000),
  CALLBACK_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
});

export const CALLBACK_ENV_DOC: { key: string; meaning: string; secret?: boolean }[] = [
  {
    key: 'API_CALLBACKS',
    meaning: 'JSON {"owner/name": {"url"?, "allow": [url prefixes]}} — callback endpoints per API key',
  },
  {
    key: 'CALLBACK_SECRETS',
    meaning: 'JSON {"owner/name": ["whsec_…", …]} — signing secrets (two while rotating)',
    secret: true,
  },
  {
    key: 'CALLBACK_ALLOW_PRIVATE_HOSTS',
    meaning: 'Production: hosts allowed although they resolve to private ranges',
  },
  { key: 'CALLBACK_RETRY_INITIAL_MS', meaning: 'First retry delay (default 5000; doubles, with jitter)' },
  { key: 'CALLBACK_RETRY_MAX_MS', meaning: 'Longest retry delay (default 3600000)' },
  {
    key: 'CALLBACK_RETRY_FOR_MS',
    meaning: 'Retry window before an event is abandoned (default 86400000 = 24 h)',
  },
  { key: 'CALLBACK_TIMEOUT_MS', meaning: 'Timeout of one delivery attempt (default 10000)' },
];

export interface KeyCallbackConfig {
  url?: string;
  allow: string[];
}

export interface CallbackConfig {
  /** By API key `owner/name`. */
  keys: Record<string, KeyCallbackConfig>;
  secrets: Record<string, string[]>;
  /** NODE_ENV=production: refuse hosts in private ranges (see ssrf.ts). */
  production: boolean;
  allowPrivateHosts: string[];
  retry: { initialMs: number; maxMs: number; forMs: number };
  timeoutMs: number;
}

export function loadCallbackConfig(env: Record<string, string | undefined> = process.env): CallbackConfig {
  const parsed = CallbackEnv.parse(env);
  const keys = z
    .record(z.string().min(3).max(200), KeyCallbacks)
    .parse(parseJson('API_CALLBACKS', parsed.API_CALLBACKS));
  const secrets = z
    .record(z.string().min(3).max(200), z.array(Secret).min(1).max(2))
    .parse(parseJson('CALLBACK_SECRETS', parsed.CALLBACK_SECRETS));
  return {
    keys,
    secrets,
    production: parsed.NODE_ENV === 'production',
    allowPrivateHosts: parsed.CALLBACK_ALLOW_PRIVATE_HOSTS.split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
    retry: {
      initialMs: parsed.CALLBACK_RETRY_INITIAL_MS,
      maxMs: parsed.CALLBACK_RETRY_MAX_MS,
      forMs: parsed.CALLBACK_RETRY_FOR_MS,
    },
    timeoutMs: parsed.CALLBACK_TIMEOUT_MS,
  };
}

/** The name callback settings use for an API key. */
export const callbackKeyName = (key: { owner: string; name: string }) => `${key.owner}/${key.name}`;

function parseJson(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${name} must be JSON`);
  }
}
