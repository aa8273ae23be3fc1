// Case P2: completed checks/s with C in flight, real vs the trivial workflow, rounds A B B A (half the
// checks each) after a warm-up of each, so a shared machine's drift hits both alike.
import { TASK_QUEUE } from '../../contracts/balance-check';
import type { BenchContext } from '../context';
import { JOB_MS } from '../sizes';
import {
  closedLoop,
  combine,
  drained,
  measuredRound,
  realCheck,
  TRIVIAL_TASK_QUEUE,
  trivialCheck,
  type VariantStats,
} from '../throughput';

export interface Throughput {
  real: VariantStats;
  trivial: VariantStats;
  ratio: number;
  cpuRatio: number | null;
}

export async function throughputCase(ctx: BenchContext): Promise<Throughput> {
  const { client } = ctx.env;
  const left = await drained(client, TASK_QUEUE, 120_000);
  if (left > 0) ctx.problems.push(`P2: ${left} checks from earlier cases still running after 120 s`);
  const tc = ctx.cfg.throughput;
  const warm = Math.min(50, Math.ceil(tc.n / 4));
  await closedLoop('warm-up', 20, warm, realCheck(client, 90_000));
  await closedLoop('warm-up', 20, warm, trivialCheck(client, 90_000, JOB_MS));
  const half = Math.ceil(tc.n / 2);
  const a1 = await measuredRound('real', tc.concurrency, half, realCheck(client, 100_000));
  const b1 = await measuredRound('trivial', tc.concurrency, half, trivialCheck(client, 100_000, JOB_MS));
  const b2 = await measuredRound(
    'trivial',
    tc.concurrency,
    half,
    trivialCheck(client, 100_000 + half, JOB_MS),
  );
  const a2 = await measuredRound('real', tc.concurrency, half, realCheck(client, 100_000 + half));
  const real = combine('real webhook-path checks (MX)', [a1, a2]);
  const trivial = combine('trivial workflow, same shape', [b1, b2]);
  const cpu = (v: VariantStats) =>
    v.serverCpuMsPerCheck === null ? null : v.serverCpuMsPerCheck + v.benchCpuMsPerCheck;
  const r: Throughput = {
    real,
    trivial,
    ratio: real.perSecond / trivial.perSecond,
    cpuRatio: cpu(real) === null ? null : cpu(trivial)! / cpu(real)!,
  };
  ctx.log(`throughput real: ${JSON.stringify(real)}`);
  ctx.log(`throughput trivial: ${JSON.stringify(trivial)}`);
  ctx.log(
    `throughput ratio real/trivial: ${r.ratio.toFixed(2)} (CPU per check trivial/real ${r.cpuRatio?.toFixed(2) ?? 'n/a'})`,
  );
  if (real.failed > 0 || trivial.failed > 0)
    ctx.problems.push(`P2: ${real.failed} real / ${trivial.failed} trivial runs did not complete`);
  if ((await drained(client, TRIVIAL_TASK_QUEUE, 10_000)) > 0)
    ctx.problems.push('P2: trivial workflows still running');
  return r;
}
