// The goals of issue #15 (P1–P6), each with its measured figure and verdict, from one run's results.
import type { BenchResult } from './run';

export interface GoalRow {
  goal: string;
  target: string;
  measured: string;
  met: boolean;
}

const ms = (x: number) => `${x.toFixed(1)} ms`;
const x2 = (x: number) => `${x.toFixed(2)}×`;

export function goals(r: BenchResult): GoalRow[] {
  const u = r.unloaded;
  const uRatio = u.real.p50 / u.trivial.p50;
  const l = r.loaded;
  const lp50 = l.real.p50 / l.trivial.p50;
  const lp99 = l.real.p99 / l.trivial.p99;
  const webhook = r.cost.find((c) => c.scenario === 'mx-webhook');
  const mfa = r.cost.find((c) => c.scenario === 'mx-mfa');
  // Runs saved before the pairs were measured have no diffP50: their difference of p50s stands.
  const p5diff = r.starts.unloaded.diffP50 ?? r.starts.unloaded.apiP50 - r.starts.unloaded.sdkP50;
  const p5ratio = r.starts.api.perSecond / r.starts.sdk.perSecond;
  return [
    {
      goal: 'P1 latency, unloaded (webhook → long-poll returns, concurrency 1)',
      target: 'p50 ≤ 30 ms and ≤ 1.3× trivial',
      measured: `p50 ${ms(u.real.p50)} (n ${u.real.n}); trivial ${ms(u.trivial.p50)}; ratio ${x2(uRatio)}`,
      met: u.real.p50 <= 30 && uRatio <= 1.3,
    },
    {
      goal: `P1 latency under load (concurrency ${l.real.concurrency})`,
      target: 'p50 and p99 ≤ 1.3× trivial',
      measured: `p50 ${ms(l.real.p50)} / ${ms(l.trivial.p50)} = ${x2(lp50)}; p99 ${ms(l.real.p99)} / ${ms(l.trivial.p99)} = ${x2(lp99)}`,
      met: lp50 <= 1.3 && lp99 <= 1.3,
    },
    {
      goal: 'P2 throughput vs trivial ceiling',
      target: '≥ 0.9',
      measured: `${r.throughput.real.perSecond.toFixed(1)} / ${r.throughput.trivial.perSecond.toFixed(1)} checks/s = ${r.throughput.ratio.toFixed(2)} (CPU/check trivial/real ${r.throughput.cpuRatio?.toFixed(2) ?? 'n/a'})`,
      met: r.throughput.ratio >= 0.9,
    },
    {
      goal: 'P3 cost (recorded histories)',
      target: '≤ 6 actions and ≤ 25 events on the webhook path, ≤ 12 actions one-round MFA',
      measured: `mx-webhook ${webhook?.actions ?? 'n/a'} actions / ${webhook?.events ?? 'n/a'} events; mx-mfa ${mfa?.actions ?? 'n/a'} actions / ${mfa?.events ?? 'n/a'} events`,
      met: (webhook?.actions ?? 99) <= 6 && (mfa?.actions ?? 99) <= 12 && (webhook?.events ?? 99) <= 25,
    },
    {
      goal: 'P4 memory (parked on MFA in one worker)',
      target: '10,000 parked, peak RSS ≤ 1 GiB, all complete',
      measured: `${r.parked.parked} of ${r.parked.n} parked, peak RSS ${r.parked.rssPeakMiB.toFixed(0)} MiB, ${r.parked.completed} completed`,
      met:
        r.parked.n >= 10_000 &&
        r.parked.parked >= r.parked.n &&
        r.parked.rssPeakMiB <= 1024 &&
        r.parked.completed >= r.parked.n,
    },
    {
      goal: 'P5 API overhead',
      target: 'API − SDK start p50 ≤ 5 ms at concurrency 1; rate ratio ≥ 0.95 at load',
      measured: `p50 ${ms(r.starts.unloaded.apiP50)} vs ${ms(r.starts.unloaded.sdkP50)}, ${r.starts.unloaded.diffP50 === undefined ? 'difference' : 'paired difference p50'} ${ms(p5diff)}; ratio ${p5ratio.toFixed(2)} at concurrency ${r.cfg.concurrency}`,
      met: p5diff <= 5 && p5ratio >= 0.95,
    },
    {
      goal: 'P6 provider calls',
      target: 'one refresh per resource in flight; maxAgeSeconds repeats → 0 calls',
      measured: `${r.providerCalls.fresh.perThousand.toFixed(0)} calls per 1,000 requests fresh (${r.providerCalls.fresh.runsPerResource.toFixed(1)} refreshes per resource over ${r.providerCalls.windowSeconds} s); ${r.providerCalls.cached.calls} calls for ${r.providerCalls.cached.requests} repeats with maxAgeSeconds (${r.providerCalls.cached.reused} reused)`,
      met: r.providerCalls.cached.calls === 0,
    },
  ];
}
