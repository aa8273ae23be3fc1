// Benchmark case 4's worker process: test/reliability/child-worker.ts (same env, WORKER_READY line),
// plus a line `RSS <rss bytes> <heapUsed bytes>` on stdout every RSS_EVERY_MS (default 500) so the
// bench reads the worker's own process.memoryUsage().rss, and a `CACHE …` line with the settings.
import { getHeapStatistics } from 'node:v8';

const heapMiB = getHeapStatistics().heap_size_limit / 2 ** 20;
// @temporalio/worker 1.24 default (reuseV8Context true): max(floor((heap MiB − 200) × 600 / 1024), 10).
const defaultCache = Math.max(Math.floor((Math.max(heapMiB - 200, 0) * 600) / 1024), 10);
const cache = process.env.MAX_CACHED_WORKFLOWS ? Number(process.env.MAX_CACHED_WORKFLOWS) : defaultCache;
process.stdout.write(
  `CACHE ${JSON.stringify({ maxCachedWorkflows: cache, fromEnv: Boolean(process.env.MAX_CACHED_WORKFLOWS), heapSizeLimitMiB: Math.round(heapMiB), reuseV8Context: true })}\n`,
);
const report = () => {
  const m = process.memoryUsage();
  process.stdout.write(`RSS ${m.rss} ${m.heapUsed}\n`);
};
setInterval(report, Number(process.env.RSS_EVERY_MS ?? 500)).unref();
report();

// eslint-disable-next-line @typescript-eslint/no-require-imports
require('../test/reliability/child-worker');
