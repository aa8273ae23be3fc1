// balanceCheckBatch: many checks in one request. The API delivers the items a page at a time
// (addBatchPage update); each page runs as a child workflow (balanceCheckBatchPage) with bounded item
// concurrency, and only `pagesInFlight` pages run at once. The batch itself keeps per-page states and
// counts only — the per-item results live in the page workflows — so its history stays a few events
// per page (≤ 50 pages for 10,000 items) and each page's history a few hundred activities.
import * as wf from '@temporalio/workflow';
import {
  addCounts,
  BATCH_PAGE_SIZE,
  batchPageWorkflowId,
  countItems,
  DEFAULT_ITEM_CONCURRENCY,
  DEFAULT_PAGES_IN_FLIGHT,
  emptyCounts,
  type BatchInput,
  type BatchItem,
  type BatchPageState,
  type BatchStatus,
} from '../contracts/batch';
import { batchKey } from '../contracts/search-attributes';
import {
  addBatchPageUpdate,
  BATCH_FINISHED,
  BATCH_PAGE_REJECTED,
  batchStatusQuery,
  cancelBatchUpdate,
  cancelPageSignal,
  heldPageItemsQuery,
} from './batch-definitions';
import { balanceCheckBatchPage } from './batch-page';

/** A page the API never delivered (it failed mid-request) is given up after this. */
const PAGE_DELIVERY_TIMEOUT_MS = 3600_000;

export async function balanceCheckBatch(input: BatchInput): Promise<BatchStatus> {
  const pages: BatchPageState[] = Array.from({ length: input.pageCount }, () => 'WAITING');
  const held = new Map<number, BatchItem[]>();
  const running = new Map<number, wf.ChildWorkflowHandle<typeof balanceCheckBatchPage>>();
  let canceled = false;
  let finishedCounts = emptyCounts();
  const createdAt = new Date(Date.now()).toISOString();
  let finishedAt: string | null = null;
  const status = (): BatchStatus => ({
    batchId: input.batchId,
    owner: input.owner,
    state: finishedAt ? (canceled ? 'CANCELED' : 'COMPLETED') : canceled ? 'CANCELING' : 'RUNNING',
    totalItems: input.totalItems,
    pageCount: input.pageCount,
    pageSize: BATCH_PAGE_SIZE,
    pages: [...pages],
    finishedCounts,
    createdAt,
    finishedAt,
  });

  wf.setHandler(batchStatusQuery, status);
  wf.setHandler(heldPageItemsQuery, (page) =>
    (held.get(page) ?? []).map((item, i) => ({
      index: page * BATCH_PAGE_SIZE + i,
      reference: item.reference,
      status: 'PENDING' as const,
    })),
  );
  wf.setHandler(
    addBatchPageUpdate,
    ({ index, items }) => {
      if (pages[index] === 'WAITING') {
        held.set(index, items);
        pages[index] = 'RECEIVED';
      }
      return { index, pagesReceived: pages.filter((p) => p !== 'WAITING').length };
    },
    {
      validator: (delivery) => {
        const { index, items } = delivery ?? {};
        const expected = Math.min(BATCH_PAGE_SIZE, input.totalItems - (index ?? 0) * BATCH_PAGE_SIZE);
        if (!Number.isInteger(index) || index < 0 || index >= input.pageCount || !Array.isArray(items))
          throw wf.ApplicationFailure.nonRetryable('No such page', BATCH_PAGE_REJECTED);
        if (items.length !== expected)
          throw wf.ApplicationFailure.nonRetryable(
            `Page ${index} has ${expected} items`,
            BATCH_PAGE_REJECTED,
          );
      },
    },
  );
  wf.setHandler(
    cancelBatchUpdate,
    async (canceledBy) => {
      if (!canceled) {
        wf.log.info('Batch canceled', { canceledBy });
        canceled = true;
        for (const handle of running.values()) await handle.signal(cancelPageSignal).catch(() => undefined);
      }
      return status();
    },
    {
      validator: (_canceledBy) => {
        if (finishedAt) throw wf.ApplicationFailure.nonRetryable('The batch has finished', BATCH_FINISHED);
      },
    },
  );

  if (input.items) {
    for (let page = 0; page < input.pageCount; page++) {
      held.set(page, input.items.slice(page * BATCH_PAGE_SIZE, (page + 1) * BATCH_PAGE_SIZE));
      pages[page] = 'RECEIVED';
    }
  }
  const itemConcurrency = input.itemConcurrency ?? DEFAULT_ITEM_CONCURRENCY;
  const pagesInFlight = input.pagesInFlight ?? DEFAULT_PAGES_IN_FLIGHT;
  const done: Promise<void>[] = [];
  describeProgress(input, pages, finishedCounts, canceled);
  for (let page = 0; page < input.pageCount; page++) {
    const delivered = await wf.condition(() => pages[page] !== 'WAITING', PAGE_DELIVERY_TIMEOUT_MS);
    if (!delivered) {
      // Never delivered: nothing to run or report for it (its items were never accepted).
      canceled = true;
      pages[page] = 'DONE';
      continue;
    }
    await wf.condition(() => running.size < pagesInFlight);
    const items = held.get(page)!;
    // A canceled batch still runs its held pages, as "everything CANCELED", so every item has a row.
    const handle = await wf.startChild(balanceCheckBatchPage, {
      workflowId: batchPageWorkflowId(wf.workflowInfo().workflowId, page),
      args: [
        {
          batchId: input.batchId,
          owner: input.owner,
          ...(input.requestedBy ? { requestedBy: input.requestedBy } : {}),
          pageIndex: page,
          firstIndex: page * BATCH_PAGE_SIZE,
          items,
          itemConcurrency,
          checkTaskQueue: input.checkTaskQueue,
          ...(input.providerTaskQueues ? { providerTaskQueues: true } : {}),
          ...(canceled ? { canceled: true } : {}),
        },
      ],
      typedSearchAttributes: [{ key: batchKey, value: input.batchId }],
      staticSummary: `Batch ${input.batchId}: items ${page * BATCH_PAGE_SIZE}–${page * BATCH_PAGE_SIZE + items.length - 1}`,
    });
    held.delete(page);
    pages[page] = 'RUNNING';
    running.set(page, handle);
    if (canceled) await handle.signal(cancelPageSignal).catch(() => undefined);
    describeProgress(input, pages, finishedCounts, canceled);
    done.push(
      handle.result().then((result) => {
        running.delete(page);
        pages[page] = 'DONE';
        finishedCounts = addCounts(finishedCounts, countItems(result.items));
        describeProgress(input, pages, finishedCounts, canceled);
      }),
    );
  }
  await Promise.all(done);
  finishedAt = new Date(Date.now()).toISOString();
  describeProgress(input, pages, finishedCounts, canceled, true);
  await wf.condition(wf.allHandlersFinished);
  return status();
}

/** Progress in the Temporal UI's current details (finished pages; running pages show their own). */
function describeProgress(
  input: BatchInput,
  pages: BatchPageState[],
  counts: ReturnType<typeof emptyCounts>,
  canceled: boolean,
  finished = false,
): void {
  const count = (s: BatchPageState) => pages.filter((p) => p === s).length;
  const statuses = Object.entries(counts.byStatus)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const decisions = Object.entries(counts.byDecision)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  wf.setCurrentDetails(
    [
      `**${finished ? (canceled ? 'CANCELED' : 'COMPLETED') : canceled ? 'CANCELING' : 'RUNNING'}** — ${counts.done} of ${input.totalItems} items answered in finished pages`,
      `Pages: ${count('DONE')} done, ${count('RUNNING')} running, ${count('RECEIVED')} queued, ${count('WAITING')} not delivered (of ${input.pageCount})`,
      `Outcomes: ${statuses || '—'}`,
      `Sufficiency: ${decisions || '—'}`,
      `Find every check of this batch: BalanceCheckBatch = "${input.batchId}"`,
    ].join('\n\n'),
  );
}
