// Standalone worker settings (`npm run worker`), read once from env. Providers, Temporal and codec
// keys have their own loaders (createProviderRegistry, loadTemporalSettings, loadCodecKeys).
import { z } from 'zod';

/** The worker's workflow cache when WORKER_MAX_CACHED_WORKFLOWS is unset (the bench's P4 worker uses it too). */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 500;

const WorkerEnv = z.object({
  NODE_ENV: z.string().optional(),
  /** host:port Core serves Prometheus /metrics on; `off` disables it. */
  WORKER_METRICS_ADDRESS: z.string().min(1).default('0.0.0.0:9464'),
  /** Dev only: where a generated codec key is kept when BALANCE_CHECK_CODEC_KEYS is unset. */
  DATA_DIR: z.string().min(1).default('.data'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** Shown in the Temporal UI's worker list; defaults to the SDK's pid@host. */
  WORKER_IDENTITY: z.string().min(1).optional(),
  /** Must match the API's (default contracts' TASK_QUEUE, `balance-check`). */
  TEMPORAL_TASK_QUEUE: z.string().min(1).optional(),
  /**
   * Workflow cache size. Worker RSS grows 0.6–0.9 MiB per cached check, not per parked one (10,000 parked
   * on MFA: 1,094 MiB with 1000 cached, 520 MiB with 500; docs/BENCHMARKS.md P4). Evicted checks replay
   * their short history when their answer or webhook comes.
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(DEFAULT_MAX_CACHED_WORKFLOWS),
});

export interface WorkerSettings {
  production: boolean;
  metricsAddress?: string;
  dataDir: string;
  logLevel: z.infer<typeof WorkerEnv>['LOG_LEVEL'];
  identity?: string;
  taskQueue?: string;
  maxCachedWorkflows: number;
}

export function loadWorkerSettings(env: Record<string, string | undefined> = process.env): WorkerSettings {
  const parsed = WorkerEnv.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) throw new Error(`Invalid worker settings:\n${z.prettifyError(parsed.error)}`);
  const s = parsed.data;
  return {
    production: s.NODE_ENV === 'production',
    metricsAddress: s.WORKER_METRICS_ADDRESS === 'off' ? undefined : s.WORKER_METRICS_ADDRESS,
    dataDir: s.DATA_DIR,
    logLevel: s.LOG_LEVEL,
    identity: s.WORKER_IDENTITY,
    taskQueue: s.TEMPORAL_TASK_QUEUE,
    maxCachedWorkflows: s.WORKER_MAX_CACHED_WORKFLOWS,
  };
}
