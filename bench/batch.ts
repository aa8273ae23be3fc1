// Batch bench (issue 17): one N-item batch vs N single checks through the API, on the sandbox
// (simulators at a fast time scale, MX paced by its task-queue rate limit). Reports wall time,
// provider calls/s against the limit, worker RSS, the batch's history (batch + its pages) and
// history events per item. `npx tsx bench/batch.ts --size smoke|full` (full = 10,000 items), or
// `--items N --rate R` for another size.
import type { Client } from '@temporalio/client';
import { batchPageWorkflowId } from '../contracts/batch';
import { decodeBatchId } from '../api/batch-id';
import { decodeCheckId } from '../api/check-id';
import { costOfHistory } from './cost';
import { createLogger } from '../observability/logger';
import { startSandboxStack } from '../sandbox/stack';
import { sandboxApi } from '../test/helpers/sandbox-api';
import { startDevServer, workflowBundle } from '../test/helpers/temporal-env';

export interface BatchBenchReport {
  items: number;
  rateLimit: number;
  batch: {
    wallS: number;
    completed: number;
    providerCallsPerS: number;
    /** The batch workflow (every run) and its pages. */
    historyEvents: number;
    historyBytes: number;
    /** Runs of the batch workflow (it continues as new) and the largest run's history. */
    runs: number;
    largestRunEvents: number;
    largestRunBytes: number;
    /** Billable Temporal actions per item: the batch's runs and pages, plus its item checks (sampled). */
    actionsPerItem: number;
  };
  singles: {
    wallS: number;
    completed: number;
    providerCallsPerS: number;
    historyEventsPerCheck: number;
    /** Billable Temporal actions per check (sampled). */
    actionsPerCheck: number;
  };
  workerRssMiB: number;
}

/** Item checks and single checks whose histories are read for actions per check. */
const ACTION_SAMPLE = 200;
/** Single checks in flight from the bench at once, as a payment service would pace its own starts. */
const SINGLES_IN_FLIGHT = 200;

const SIZES = { smoke: { items: 12, rate: 20 }, full: { items: 10_000, rate: 200 } } as const;

export async function runBatchBench(
  size: keyof typeof SIZES | { items: number; rate: number },
  log: (line: string) => void = console.log,
): Promise<BatchBenchReport> {
  const { items: n, rate } = typeof size === 'string' ? SIZES[size] : size;
  const env = await startDevServer();
  const stack = await startSandboxStack({
    client: env.client,
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    providers: ['mx'],
    timeScale: 0.02,
    workflowBundle: await workflowBundle(),
    logger: createLogger({ name: 'api', level: 'silent' }),
    ratePerMinute: 1_000_000,
    providerPacing: { maxCallsPerSecond: { mx: rate } },
  });
  const api = sandboxApi(stack.apiUrl);
  const item = (i: number, offset: number) => ({
    provider: 'mx',
    resource: { userId: 'USR-sandbox', memberId: `MBR-connected.${offset + i}` },
    fundingAccountId: 'ACT-connected-checking',
    requiredAmount: { amount: 1000, currency: 'USD' },
  });
  const providerCalls = (since: number) => stack.simulators.mx!.callLog().filter((c) => c.at >= since).length;
  try {
    // 1) one batch of n items
    let since = Date.now();
    const created = await api('POST', '/v1/balance-check-batches', {
      items: Array.from({ length: n }, (_, i) => ({ ...item(i, 100_000), reference: `bench-${i}` })),
      itemConcurrency: 100,
    });
    if (created.status !== 202) throw new Error(`batch: ${created.status} ${JSON.stringify(created.body)}`);
    let view: any;
    for (;;) {
      view = (await api('GET', `/v1/balance-check-batches/${created.body.id}`)).body;
      if (view.status === 'COMPLETED') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const batchWallS = (Date.now() - since) / 1000;
    const batchCalls = providerCalls(since);
    const history = await batchHistory(env.client, created.body.id);
    log(`batch of ${n}: ${batchWallS.toFixed(1)} s, ${view.counts.byStatus.COMPLETED ?? 0} completed`);

    // 2) n single checks through the API
    since = Date.now();
    const started = await inPool(n, SINGLES_IN_FLIGHT, (i) =>
      api('POST', '/v1/balance-checks', item(i, 200_000)),
    );
    if (started.some((s) => s.status !== 202))
      throw new Error(`single: ${started.find((s) => s.status !== 202)!.status}`);
    const ids = started.map((s) => s.body.id as string);
    let completed = 0;
    for (const id of ids) {
      for (;;) {
        const v = (await api('GET', `/v1/balance-checks/${id}`)).body;
        if (v.phase === 'DONE') {
          if (v.status === 'COMPLETED') completed++;
          break;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const singlesWallS = (Date.now() - since) / 1000;
    const singleCalls = providerCalls(since);
    const single = await checkCost(env.client, sample(ids));
    const itemIds: string[] = [];
    for (let cursor: string | undefined = '0'; cursor && itemIds.length < ACTION_SAMPLE;) {
      const page = (await api('GET', `/v1/balance-check-batches/${created.body.id}/items?cursor=${cursor}`))
        .body as { items: { checkId?: string }[]; nextCursor?: string };
      for (const it of page.items) if (it.checkId) itemIds.push(it.checkId);
      cursor = page.nextCursor;
    }
    const items = await checkCost(env.client, itemIds.slice(0, ACTION_SAMPLE));
    log(
      `actions: batch ${history.actions} + ${items.actions.toFixed(1)} per item check; single ${single.actions.toFixed(1)}`,
    );
    const report: BatchBenchReport = {
      items: n,
      rateLimit: rate,
      batch: {
        wallS: batchWallS,
        completed: view.counts.byStatus.COMPLETED ?? 0,
        providerCallsPerS: batchCalls / batchWallS,
        historyEvents: history.events,
        historyBytes: history.bytes,
        runs: history.runs,
        largestRunEvents: history.largestRunEvents,
        largestRunBytes: history.largestRunBytes,
        actionsPerItem: history.actions / n + items.actions,
      },
      singles: {
        wallS: singlesWallS,
        completed,
        providerCallsPerS: singleCalls / singlesWallS,
        historyEventsPerCheck: single.events,
        actionsPerCheck: single.actions,
      },
      workerRssMiB: process.memoryUsage().rss / 2 ** 20,
    };
    log(JSON.stringify(report));
    return report;
  } finally {
    await stack.close();
    await env.teardown();
  }
}

/** Runs `task(0..n-1)` with at most `width` in flight; results in index order. */
async function inPool<T>(n: number, width: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(n);
  let next = 0;
  const lane = async () => {
    while (next < n) {
      const i = next++;
      out[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, n) }, lane));
  return out;
}

/** Up to ACTION_SAMPLE ids spread evenly over the list. */
function sample(ids: string[]): string[] {
  const step = Math.max(1, Math.floor(ids.length / ACTION_SAMPLE));
  return ids.filter((_, i) => i % step === 0).slice(0, ACTION_SAMPLE);
}

/** Mean history events and billable actions of the checks with these public ids. */
async function checkCost(client: Client, checkIds: string[]) {
  let events = 0;
  let actions = 0;
  for (const id of checkIds) {
    const ref = decodeCheckId(id);
    if (!ref) throw new Error(`not a check id: ${id}`);
    const row = costOfHistory(id, await client.workflow.getHandle(ref.workflowId, ref.runId).fetchHistory());
    events += row.events;
    actions += row.actions;
  }
  const k = Math.max(1, checkIds.length);
  return { events: events / k, actions: actions / k };
}

/** History events and bytes of the batch workflow (every run) and its pages (item checks excluded). */
async function batchHistory(client: Client, id: string) {
  const ref = decodeBatchId(id)!;
  const describe = async (workflowId: string, runId?: string) => {
    const d = await client.workflow.getHandle(workflowId, runId).describe();
    return { events: d.historyLength, bytes: d.historySize ?? 0 };
  };
  const total = { events: 0, bytes: 0, runs: 0, largestRunEvents: 0, largestRunBytes: 0, actions: 0 };
  const actions = async (workflowId: string, runId?: string) =>
    costOfHistory(workflowId, await client.workflow.getHandle(workflowId, runId).fetchHistory()).actions;
  for await (const run of client.workflow.list({ query: `WorkflowId = "${ref.workflowId}"` })) {
    const r = await describe(ref.workflowId, run.runId);
    total.runs++;
    total.events += r.events;
    total.bytes += r.bytes;
    total.largestRunEvents = Math.max(total.largestRunEvents, r.events);
    total.largestRunBytes = Math.max(total.largestRunBytes, r.bytes);
    total.actions += await actions(ref.workflowId, run.runId);
  }
  for (let page = 0; ; page++) {
    const p = await describe(batchPageWorkflowId(ref.workflowId, page)).catch(() => undefined);
    if (!p) break;
    total.events += p.events;
    total.bytes += p.bytes;
    total.actions += await actions(batchPageWorkflowId(ref.workflowId, page));
  }
  return total;
}

if (require.main === module) {
  const arg = (name: string) =>
    process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined;
  const size = arg('--size') ?? 'smoke';
  if (size !== 'smoke' && size !== 'full') throw new Error('--size smoke|full');
  const items = arg('--items');
  runBatchBench(items ? { items: Number(items), rate: Number(arg('--rate') ?? 200) } : size).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
