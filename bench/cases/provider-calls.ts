// Case P6: provider calls per 1,000 requests. R resources (MX webhook-path clones), Q requests spread
// evenly over W seconds (start or join, no wait); calls counted from the simulators' own call logs.
// Then the same Q requests again with maxAgeSeconds: every one should reuse a recent answer (0 calls).
import { TASK_QUEUE } from '../../contracts/balance-check';
import { scenario } from '../../test/reliability/scenarios';
import { benchAuth, type BenchContext } from '../context';
import { pool } from '../stats';
import { drained } from '../throughput';

export interface ProviderCallRound {
  requests: number;
  non2xx: number;
  /** HTTP statuses of the requests, e.g. {"202": 990, "503": 10}. */
  statuses: Record<string, number>;
  calls: number;
  perThousand: number;
  byOperation: Record<string, number>;
  /** Refreshes (workflow runs) started per resource: one at a time per resource by construction. */
  runsPerResource: number;
  reused: number;
}

export async function providerCallsCase(ctx: BenchContext) {
  const { resources, requests, windowSeconds } = ctx.cfg.providerCalls;
  const s = scenario('mx-webhook');
  const callsSince = (t: number) => {
    const byOperation: Record<string, number> = {};
    let calls = 0;
    for (const sim of Object.values(ctx.stack.simulators))
      for (const c of sim.callLog().filter((c) => c.at >= t)) {
        calls++;
        byOperation[`${sim.provider}:${c.operation}`] =
          (byOperation[`${sim.provider}:${c.operation}`] ?? 0) + 1;
      }
    return { calls, byOperation };
  };
  const round = async (maxAgeSeconds?: number): Promise<ProviderCallRound> => {
    const t0 = Date.now();
    const runs = new Set<string>();
    let non2xx = 0;
    let reused = 0;
    const statuses: Record<string, number> = {};
    const gapMs = (windowSeconds * 1000) / requests;
    await pool(
      Math.min(requests, 50),
      Array.from({ length: requests }, (_, i) => i),
      async (i) => {
        const wait = t0 + i * gapMs - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const res = await fetch(`${ctx.stack.apiUrl}/v1/balance-checks`, {
          method: 'POST',
          headers: benchAuth,
          body: JSON.stringify({
            provider: 'mx',
            resource: s.resource(80_000 + (i % resources)),
            ...(maxAgeSeconds === undefined ? {} : { maxAgeSeconds }),
          }),
        });
        const body = (await res.json().catch(() => ({}))) as { runId?: string; workflowId?: string };
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (res.status !== 200 && res.status !== 202) non2xx++;
        if (res.headers.get('x-balance-check-reused') === 'true') reused++;
        if (body.runId) runs.add(body.runId);
      },
    );
    const left = await drained(ctx.env.client, TASK_QUEUE, 60_000);
    if (left > 0) ctx.problems.push(`P6: ${left} checks still running 60 s after the requests`);
    const { calls, byOperation } = callsSince(t0);
    return {
      requests,
      non2xx,
      statuses,
      calls,
      perThousand: (calls / requests) * 1000,
      byOperation,
      runsPerResource: runs.size / resources,
      reused,
    };
  };
  const fresh = await round();
  const cached = await round(windowSeconds + 600);
  ctx.log(
    `provider calls per 1,000 requests: ${fresh.perThousand.toFixed(0)} fresh, ${cached.perThousand.toFixed(0)} with maxAgeSeconds`,
  );
  if (fresh.non2xx + cached.non2xx > 0)
    ctx.problems.push(`P6: ${fresh.non2xx + cached.non2xx} requests not 2xx`);
  return { resources, windowSeconds, fresh, cached };
}
