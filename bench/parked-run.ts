// Case 4 alone at a chosen size (the full bench keeps it at a size that fits its run time):
//   npx tsx bench/parked-run.ts [--n 10000] [--cache 500 (the worker's default)] [--time-scale 2]
// On a busy box parking 10,000 can outlast MX's challenge expiry (5 min × time scale): raise --time-scale;
// --bound (seconds, default 1800) covers starting, parking, answering and completion together.
// Writes bench/results/parked-<n>.json; merge it into a saved run with `bench/run.ts --render`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDevServer } from '../test/helpers/temporal-env';
import { DEFAULT_MAX_CACHED_WORKFLOWS } from '../config/worker';
import { runParked } from './parked';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string, fallback: number) =>
    args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback;
  const n = flag('--n', 10_000);
  const maxCachedWorkflows = flag('--cache', DEFAULT_MAX_CACHED_WORKFLOWS);
  const timeScale = flag('--time-scale', 2);
  const boundSeconds = flag('--bound', 1800);
  const env = await startDevServer();
  try {
    const result = await runParked(
      {
        client: env.client,
        nativeConnection: env.nativeConnection,
        address: env.address,
        namespace: env.namespace ?? 'default',
      },
      { n, concurrency: 50, boundSeconds, maxCachedWorkflows, timeScale },
      (l) => console.log(`[parked] ${l}`),
    );
    const dir = join(__dirname, 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `parked-${n}-cache${maxCachedWorkflows}.json`), JSON.stringify(result, null, 2));
    console.log(JSON.stringify(result));
  } finally {
    await env.teardown();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
