// Case P5 alone (API starts vs SDK starts), for before/after measurements of the API's start path:
//   npx tsx bench/starts-run.ts [--unloaded 60] [--starts 300] [--concurrency 50]
// Same stack as `npm run bench` (dev server, simulators at timeScale 0.1, worker, API behind the tap).
import { loadavg } from 'node:os';
import { startSandboxStack } from '../sandbox/stack';
import { startDevServer, workflowBundle } from '../test/helpers/temporal-env';
import { startsCase } from './cases/starts';
import { SIZES, BENCH_STACK_KEYS } from './sizes';
import { webhookTap } from './webhook-tap';

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
  const env = await startDevServer();
  const namespace = env.namespace ?? 'default';
  const stack = await startSandboxStack({
    client: env.client,
    connection: env.nativeConnection,
    namespace,
    timeScale: 0.1,
    workflowBundle: await workflowBundle(),
    log: () => undefined,
    ...BENCH_STACK_KEYS,
  });
  const tap = await webhookTap(stack.apiUrl);
  const problems: string[] = [];
  const log = (l: string) => console.log(`[starts] ${l}`);
  try {
    for (const sim of Object.values(stack.simulators))
      sim.setWebhookTarget({ url: `${stack.apiUrl}/webhooks/${sim.provider}` });
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
    tap.server.closeAllConnections();
    tap.server.close();
    await stack.close();
    await env.teardown();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
