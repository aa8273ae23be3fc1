// Case P5: the API's overhead on a start. POST /v1/balance-checks (no wait) vs the SDK client making
// the API's own start call (startOrJoinCheck: same search attributes, memo, summary), at concurrency 1
// (p50 difference) and at the load concurrency (rate ratio). The started checks run meanwhile.
import { TASK_QUEUE } from '../../contracts/balance-check';
import { startOrJoinCheck } from '../../api/start-check';
import { scenario } from '../../test/reliability/scenarios';
import { benchAuth, type BenchContext } from '../context';
import { pool, stats, type Summary } from '../stats';

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

export async function startsCase(ctx: BenchContext) {
  const s = scenario('mx-webhook');
  const viaApi = (base: number) => async (i: number) => {
    const res = await fetch(`${ctx.stack.apiUrl}/v1/balance-checks`, {
      method: 'POST',
      headers: benchAuth,
      body: JSON.stringify({ provider: 'mx', resource: s.resource(base + i) }),
    });
    await res.arrayBuffer();
    return res.status;
  };
  const viaSdk = (base: number) => async (i: number) => {
    await startOrJoinCheck(ctx.env.client, TASK_QUEUE, {
      provider: 'mx',
      resource: s.resource(base + i),
      requestedBy: 'bench',
      owner: 'bench',
    });
    return true;
  };
  const n1 = ctx.cfg.startsUnloaded;
  // Alternate API and SDK in halves (A B B A) so drift on a shared machine hits both alike.
  const a1 = await measureStarts(1, Math.ceil(n1 / 2), viaApi(70_000));
  const b1 = await measureStarts(1, Math.ceil(n1 / 2), viaSdk(75_000));
  const b2 = await measureStarts(1, Math.ceil(n1 / 2), viaSdk(77_000));
  const a2 = await measureStarts(1, Math.ceil(n1 / 2), viaApi(72_000));
  const api = await measureStarts(ctx.cfg.concurrency, ctx.cfg.starts, viaApi(30_000));
  const sdk = await measureStarts(ctx.cfg.concurrency, ctx.cfg.starts, viaSdk(60_000));
  const worseP50 = (x: StartStats, y: StartStats) => Math.max(x.p50, y.p50);
  const unloaded = {
    n: n1,
    apiP50: worseP50(a1, a2),
    sdkP50: worseP50(b1, b2),
    errors: a1.errors + a2.errors + b1.errors + b2.errors,
  };
  ctx.log(
    `starts at concurrency 1: API p50 ${unloaded.apiP50.toFixed(1)} ms, SDK p50 ${unloaded.sdkP50.toFixed(1)} ms`,
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
