// Case P5 alone (API starts vs SDK starts), for before/after measurements of the API's start path:
//   npx tsx bench/starts-run.ts [--unloaded 60] [--starts 300] [--concurrency 50]
// Same stack as `npm run bench` (dev server, simulators at timeScale 0.1, worker, API behind the tap).
import { loadavg } from 'node:os';
import { startsCase } from './cases/starts';
import { SIZES } from './sizes';
import { startBenchStack } from './stack';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string, fallback: number) =>
    args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback;
  const cfg = {
    ...SIZES.medium,
    startsUnloaded: flag('--unloaded', 60),
    starts: flag('--starts', 300),
    concurrency: flag('--concurrency', 50),
  };
  const bench = await startBenchStack();
  const { env, namespace, stack, tap } = bench;
  const problems: string[] = [];
  const log = (l: string) => console.log(`[starts] ${l}`);
  try {
    bench.webhooksTo(stack.apiUrl);
    log(
      `load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' / ')}`,
    );
    const r = await startsCase({ env, namespace, stack, tap, cfg, log, problems });
    log(
      `load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' / ')}`,
    );
    console.log(
      JSON.stringify({ cfg: { n1: cfg.startsUnloaded, n: cfg.starts, c: cfg.concurrency }, ...r, problems }),
    );
  } finally {
    await bench.close();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
