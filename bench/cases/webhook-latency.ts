// Case P1: webhook → result. The provider's webhook arrives at the tap in front of the API → the
// caller's Prefer: wait long-poll returns; MX, Meld and Spinwheel in rotation. With `steps`, each
// check's history gives the per-step breakdown (bench/history-steps.ts).
import { type BenchContext, longPoll } from '../context';
import { historyEvents, stepsFromHistory, summarizeSteps } from '../history-steps';
import { pool, stats, type Summary } from '../stats';

export const WEBHOOK_SCENARIOS = ['mx-webhook', 'meld-webhook', 'spinwheel-webhook'];

export interface WebhookLatency extends Summary {
  concurrency: number;
  failures: number;
  e2e: Summary;
  byProvider: Record<string, Summary>;
  steps?: Record<string, { step: string; summary: Summary }[]>;
}

export async function webhookLatency(
  ctx: BenchContext,
  opts: { n: number; concurrency: number; base: number; steps?: boolean },
): Promise<WebhookLatency> {
  const lat: number[] = [];
  const byProvider: Record<string, number[]> = {};
  const runs: Record<string, [string, number][][]> = {};
  const e2e: number[] = [];
  let failures = 0;
  await pool(
    opts.concurrency,
    Array.from({ length: opts.n }, (_, i) => i),
    async (i) => {
      const name = WEBHOOK_SCENARIOS[i % WEBHOOK_SCENARIOS.length]!;
      const r = await longPoll(ctx, name, opts.base + i);
      const hookAt = ctx.tap.lastFor(r.id);
      if (r.status !== 200 || r.result !== 'COMPLETED' || hookAt === undefined) return void failures++;
      lat.push(r.done - hookAt);
      (byProvider[name] ??= []).push(r.done - hookAt);
      e2e.push(r.done - r.start);
      if (opts.steps && r.workflowId)
        (runs[name] ??= []).push(
          stepsFromHistory(await historyEvents(ctx.env.client, r.workflowId, r.runId), hookAt, r.done),
        );
    },
  );
  return {
    ...stats(lat),
    concurrency: opts.concurrency,
    failures,
    e2e: stats(e2e),
    byProvider: Object.fromEntries(Object.entries(byProvider).map(([k, v]) => [k, stats(v)])),
    ...(opts.steps
      ? { steps: Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, summarizeSteps(v)])) }
      : {}),
  };
}
