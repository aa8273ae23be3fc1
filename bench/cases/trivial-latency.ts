// The engine's own signal → result latency: the trivial workflow of the same shape (signal → one
// activity → result), measured from the moment the simulated job's signal is sent to handle.result()
// returning. P1's ratios divide the real webhook → result figures by these, same run, same concurrency.
import type { Client } from '@temporalio/client';
import { historyEvents, stepsFromHistory, summarizeSteps } from '../history-steps';
import { JOB_MS } from '../sizes';
import { stats, type Summary } from '../stats';
import { closedLoop, trivialCheck, type TrivialWorker } from '../throughput';

export interface TrivialLatency extends Summary {
  concurrency: number;
  failures: number;
  steps?: { step: string; summary: Summary }[];
}

export async function trivialLatency(
  client: Client,
  worker: TrivialWorker,
  opts: { n: number; concurrency: number; base: number; steps?: boolean },
): Promise<TrivialLatency> {
  const lat: number[] = [];
  const runs: [string, number][][] = [];
  const pending: Promise<void>[] = [];
  const loop = await closedLoop(
    'trivial latency',
    opts.concurrency,
    opts.n,
    trivialCheck(client, opts.base, JOB_MS, (workflowId, runId, doneAt) => {
      const sent = worker.signalledAt(workflowId);
      if (sent === undefined) return;
      lat.push(doneAt - sent);
      if (opts.steps)
        pending.push(
          historyEvents(client, workflowId, runId).then(
            (events) => void runs.push(stepsFromHistory(events, sent, doneAt)),
          ),
        );
    }),
  );
  await Promise.all(pending);
  return {
    ...stats(lat),
    concurrency: opts.concurrency,
    failures: loop.failed,
    ...(opts.steps ? { steps: summarizeSteps(runs) } : {}),
  };
}
