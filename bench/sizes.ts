// Bench sizes: `smoke` (CI, bench-smoke test) only shows every case runs; `full` is the real figure.
import { hashApiKey, type ApiKey } from '../api/auth';
export const SIZES = {
  smoke: {
    latency: 15,
    unloadedPerProvider: 3,
    polling: 6,
    starts: 40,
    startsUnloaded: 10,
    concurrency: 10,
    throughput: { n: 30, concurrency: 15 },
    parked: { n: 20, concurrency: 10, boundSeconds: 60 },
    providerCalls: { resources: 10, requests: 100, windowSeconds: 3 },
  },
  /** What a shared 2-core box affords in ~10 min: full-size P6, the rest scaled down. */
  medium: {
    latency: 150,
    unloadedPerProvider: 50,
    polling: 20,
    starts: 300,
    startsUnloaded: 60,
    concurrency: 50,
    throughput: { n: 400, concurrency: 50 },
    parked: { n: 200, concurrency: 50, boundSeconds: 120 },
    providerCalls: { resources: 100, requests: 1000, windowSeconds: 60 },
  },
  full: {
    latency: 500,
    unloadedPerProvider: 200,
    polling: 100,
    starts: 1000,
    startsUnloaded: 200,
    concurrency: 50,
    throughput: { n: 1500, concurrency: 500 },
    parked: { n: 1200, concurrency: 50, boundSeconds: 300 },
    providerCalls: { resources: 100, requests: 1000, windowSeconds: 60 },
  },
};
export type Size = keyof typeof SIZES;
export type SizeConfig = (typeof SIZES)[Size];

/** The bench's own API key: its per-key rate (per minute) is far above any load the bench makes, so 429s mean a bug. */
export const BENCH_API_KEY = 'bench-api-key';
export const BENCH_RATE_PER_MINUTE = 10_000_000;
/** MX's simulated job at the bench's timeScale 0.1 (2000 ms × 0.1): the trivial workflow's signal comes this late. */
export const JOB_MS = 200;

/** The bench's own API key (owner `bench`) with a rate no case reaches, for every stack it starts. */
export const BENCH_STACK_KEYS: { apiKeys: ApiKey[]; ratePerMinute: number } = {
  apiKeys: [
    {
      name: 'bench',
      owner: 'bench',
      sha256: hashApiKey(BENCH_API_KEY),
      scopes: ['read', 'write', 'events'],
      ratePerMinute: BENCH_RATE_PER_MINUTE,
    },
  ],
  ratePerMinute: BENCH_RATE_PER_MINUTE,
};
