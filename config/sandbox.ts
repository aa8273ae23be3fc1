// `npm start` settings, read once from env. Fixed default ports so the printed curls and URLs are
// stable; every one can be moved (e.g. when another sandbox already runs on the machine).
import { z } from 'zod';

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

const SandboxEnv = z.object({
  /** Loopback by default: the sandbox has dev keys and a codec that decrypts anything. */
  SANDBOX_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port(3000),
  TEMPORAL_PORT: port(7233),
  TEMPORAL_UI_PORT: port(8233),
  CODEC_PORT: port(8234),
  WORKER_METRICS_PORT: port(9464),
  /** Dev server SQLite file and the generated codec key live here (git-ignored). */
  DATA_DIR: z.string().min(1).default('.data'),
  /** Optional: require `Authorization: Bearer <token>` on the codec endpoints (CLI `--codec-auth`). */
  CODEC_BEARER_TOKEN: z.string().min(16).optional(),
  /** Simulated provider job durations × this (1 = realistic). */
  SANDBOX_TIME_SCALE: z.coerce.number().positive().default(1),
  /** Set: use that Temporal (envconfig) and start no dev server. */
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
});

export type SandboxSettings = z.infer<typeof SandboxEnv>;

export function loadSandboxSettings(env: Record<string, string | undefined> = process.env): SandboxSettings {
  // An empty variable means "unset" (e.g. `TEMPORAL_ADDRESS= npm start`).
  const parsed = SandboxEnv.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) throw new Error(`Invalid sandbox settings:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
