// Case P5: the API's overhead on a start. POST /v1/balance-checks (no wait) vs the SDK client making
// the API's own start call (startOrJoinCheck: same search attributes, memo, summary), at concurrency 1
// (p50 difference) and at the load concurrency (rate ratio). The started checks run meanwhile, in a
// worker process of their own: sharing the API's event loop with them (as `npm start` does) made
// every HTTP turn queue behind their activities, simulators and webhooks — with the in-process worker
// GET /healthz alone took 15 ms p50 instead of 1.7 ms, and the API's start 17–25 ms more than the SDK's.
import { startOrJoinCheck } from '../../api/start-check';
import { startSandboxStack } from '../../sandbox/stack';
import { scenario } from '../../test/reliability/scenarios';
import { benchAuth, type BenchContext } from '../context';
import { BENCH_STACK_KEYS } from '../sizes';
import { postJson } from '../http-post';
import { pool, stats, type Summary } from '../stats';
import { startWorkerProcess } from '../worker-process';

const STARTS_TASK_QUEUE = 'bench-starts';

export interface StartStats extends Summary {
  perSecond: number;
  errors: number;
  statuses: Record<string, number>;
}

async function measureStarts(
  concurrency: number,
  n: number,
  start: (i: number) => Promise<boolean | number>,
): Promise<StartStats> {
  const lat: number[] = [];
  let errors = 0;
  const statuses: Record<string, number> = {};
  const began = performance.now();
  await pool(
    concurrency,
    Array.from({ length: n }, (_, i) => i),
    async (i) => {
      const t = performance.now();
      const ok = await start(i).catch(() => false);
      if (typeof ok === 'number') statuses[ok] = (statuses[ok] ?? 0) + 1;
      if (ok === false || (typeof ok === 'number' && ok !== 200 && ok !== 202)) errors++;
      lat.push(performance.now() - t);
    },
  );
  return { perSecond: n / ((performance.now() - began) / 1000), ...stats(lat), errors, statuses };
}

/** Two halves as one figure: the rate over both halves' time, the worse half's percentiles. */
function combine([x, y]: StartStats[]): StartStats {
  const seconds = x!.n / x!.perSecond + y!.n / y!.perSecond;
  const statuses: Record<string, number> = { ...x!.statuses };
  for (const [k, v] of Object.entries(y!.statuses)) statuses[k] = (statuses[k] ?? 0) + v;
  return {
    n: x!.n + y!.n,
    perSecond: (x!.n + y!.n) / seconds,
    p50: Math.max(x!.p50, y!.p50),
    p95: Math.max(x!.p95, y!.p95),
    p99: Math.max(x!.p99, y!.p99),
    errors: x!.errors + y!.errors,
    statuses,
  };
}

export async function startsCase(ctx: BenchContext) {
  const stack = await startSandboxStack({
    client: ctx.env.client,
    connection: ctx.env.nativeConnection,
    namespace: ctx.namespace,
    providers: ['mx'],
    timeScale: 0.1,
    taskQueue: STARTS_TASK_QUEUE,
    withoutWorker: true,
    log: () => undefined,
    ...BENCH_STACK_KEYS,
  });
  const worker = await startWorkerProcess({
    address: ctx.env.address,
    namespace: ctx.namespace,
    taskQueue: STARTS_TASK_QUEUE,
    providerEnv: stack.providerEnv as Record<string, string>,
  });
  try {
    return await measure(ctx, stack.apiUrl);
  } finally {
    await worker.stop();
    await stack.close();
  }
}

async function measure(ctx: BenchContext, apiUrl: string) {
  const s = scenario('mx-webhook');
  const viaApi = (base: number) => (i: number) =>
    postJson(`${apiUrl}/v1/balance-checks`, benchAuth, { provider: 'mx', resource: s.resource(base + i) });
  const viaSdk = (base: number) => async (i: number) => {
    await startOrJoinCheck(ctx.env.client, STARTS_TASK_QUEUE, {
      provider: 'mx',
      resource: s.resource(base + i),
      requestedBy: 'bench',
      owner: 'bench',
    });
    return true;
  };
  const n1 = ctx.cfg.startsUnloaded;
  // Concurrency 1: API and SDK starts interleaved one by one (pairs, the order alternating), so drift
  // on a shared machine — and the load of the checks started so far — hits both alike. Halves of one
  // kind after the other measured the drift: p50s of 37 / 51 / 83 / 73 ms for halves A B B A.
  const apiLat: number[] = [];
  const sdkLat: number[] = [];
  const diffs: number[] = [];
  let unloadedErrors = 0;
  const timed = async (fn: () => Promise<boolean | number>, into: number[]) => {
    const t = performance.now();
    const ok = await fn().catch(() => false);
    if (ok === false || (typeof ok === 'number' && ok !== 202 && ok !== 200)) unloadedErrors++;
    const ms = performance.now() - t;
    into.push(ms);
    return ms;
  };
  for (let i = 0; i < n1; i++) {
    const api = () => viaApi(70_000)(i);
    const sdk = () => viaSdk(75_000)(i);
    if (i % 2 === 0) {
      const a = await timed(api, apiLat);
      diffs.push(a - (await timed(sdk, sdkLat)));
    } else {
      const b = await timed(sdk, sdkLat);
      diffs.push((await timed(api, apiLat)) - b);
    }
  }
  // At load, halves A B B A: whichever kind ran first met the checks the other had left running.
  const half = Math.ceil(ctx.cfg.starts / 2);
  const c = ctx.cfg.concurrency;
  const apiHalves = [await measureStarts(c, half, viaApi(30_000))];
  const sdkHalves = [await measureStarts(c, half, viaSdk(60_000))];
  sdkHalves.push(await measureStarts(c, half, viaSdk(60_000 + half)));
  apiHalves.push(await measureStarts(c, half, viaApi(30_000 + half)));
  const api = combine(apiHalves);
  const sdk = combine(sdkHalves);
  const unloaded = {
    n: n1,
    apiP50: stats(apiLat).p50,
    sdkP50: stats(sdkLat).p50,
    /** Median of the per-pair differences (API − SDK), the figure least moved by drift. */
    diffP50: stats(diffs).p50,
    errors: unloadedErrors,
  };
  ctx.log(
    `starts at concurrency 1 (${n1} pairs): API p50 ${unloaded.apiP50.toFixed(1)} ms, SDK p50 ${unloaded.sdkP50.toFixed(1)} ms, paired difference p50 ${unloaded.diffP50.toFixed(1)} ms`,
  );
  ctx.log(`API starts: ${api.perSecond.toFixed(1)}/s ${JSON.stringify(api)}`);
  ctx.log(`SDK starts: ${sdk.perSecond.toFixed(1)}/s ${JSON.stringify(sdk)}`);
  if (api.errors > 0 || unloaded.errors > 0)
    ctx.problems.push(
      `P5: ${api.errors + unloaded.errors} starts were not 2xx (${JSON.stringify(api.statuses)}): the comparison is invalid`,
    );
  if (sdk.errors > 0) ctx.problems.push(`P5: ${sdk.errors} SDK starts failed`);
  return { unloaded, api, sdk };
}
