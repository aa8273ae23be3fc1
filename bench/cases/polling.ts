// The polling path (no webhook; MX's floor of 3 s between status reads): request → result.
import { type BenchContext, longPoll } from '../context';
import { pool, stats, type Summary } from '../stats';

export async function pollingLatency(ctx: BenchContext): Promise<Summary> {
  const e2e: number[] = [];
  await pool(
    ctx.cfg.concurrency,
    Array.from({ length: ctx.cfg.polling }, (_, i) => i),
    async (i) => {
      const r = await longPoll(ctx, i % 2 ? 'mx-polling' : 'meld-polling', 20_000 + i);
      if (r.status === 200 && r.result === 'COMPLETED') e2e.push(r.done - r.start);
    },
  );
  return stats(e2e);
}
