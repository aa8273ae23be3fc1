// balanceCheckBatch: many checks in one request. The items live in page workflows (balanceCheckBatchPage,
// started gated by the API, which then reports each with the addBatchPage update; a schedule's inline
// items are started here as abandoned children). The batch tells at most `pagesInFlight` pages to run,
// learns from each page's batchPageFinished signal that it ended (with its counts), and continues as new
// every `pagesPerRun` started pages (or when the server suggests it), carrying only a state per page and
// the counts: no item payload ever enters its history, and each run's history stays a few events a page.
import * as wf from '@temporalio/workflow';
import {
  addCounts,
  BATCH_PAGE_SIZE,
  batchPageInput,
  batchPageWorkflowId,
  DEFAULT_PAGES_IN_FLIGHT,
  DEFAULT_PAGES_PER_RUN,
  emptyCounts,
  type BatchCounts,
  type BatchInput,
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
  pageFinishedSignal,
  runPageSignal,
} from './batch-definitions';
import { balanceCheckBatchPage } from './batch-page';
import { startDelivery } from './callbacks';

/** A page the API never delivered (it failed mid-request) is given up after this. */
const PAGE_DELIVERY_TIMEOUT_MS = 3600_000;

export async function balanceCheckBatch(input: BatchInput): Promise<BatchStatus> {
  const { carry } = input;
  const pageSize = input.pageSize ?? BATCH_PAGE_SIZE;
  const pages: BatchPageState[] = carry
    ? [...carry.pages]
    : Array.from({ length: input.pageCount }, () => 'WAITING');
  let canceled = carry?.canceled ?? false;
  let finishedCounts: BatchCounts = carry?.finishedCounts ?? emptyCounts();
  const createdAt = carry?.createdAt ?? new Date(Date.now()).toISOString();
  const runs = (carry?.runs ?? 0) + 1;
  let finishedAt: string | null = null;
  const self = wf.workflowInfo().workflowId;
  const page = (index: number) => wf.getExternalWorkflowHandle(batchPageWorkflowId(self, index));
  const pageLength = (index: number) => Math.min(pageSize, input.totalItems - index * pageSize);
  const status = (): BatchStatus => ({
    batchId: input.batchId,
    owner: input.owner,
    state: finishedAt ? (canceled ? 'CANCELED' : 'COMPLETED') : canceled ? 'CANCELING' : 'RUNNING',
    totalItems: input.totalItems,
    pageCount: input.pageCount,
    pageSize,
    pages: [...pages],
    finishedCounts,
    createdAt,
    finishedAt,
    runs,
  });
  const progress = () => describeProgress(input, pages, finishedCounts, canceled, finishedAt !== null);
  /** A page a signal could not reach (its workflow is gone): its items count as FAILED. */
  const lost = (index: number) => {
    if (pages[index] === 'DONE') return;
    pages[index] = 'DONE';
    const n = pageLength(index);
    finishedCounts = addCounts(finishedCounts, {
      ...emptyCounts(),
      total: n,
      done: n,
      byStatus: { FAILED: n },
    });
  };

  wf.setHandler(batchStatusQuery, status);
  wf.setHandler(pageFinishedSignal, ({ pageIndex, counts }) => {
    if (pages[pageIndex] === undefined || pages[pageIndex] === 'DONE') return;
    pages[pageIndex] = 'DONE';
    finishedCounts = addCounts(finishedCounts, counts);
    progress();
  });
  wf.setHandler(
    addBatchPageUpdate,
    async ({ index }) => {
      if (pages[index] === 'WAITING') {
        pages[index] = 'RECEIVED';
        // Delivered after DELETE: the page ends at once, every item CANCELED.
        if (canceled)
          await page(index)
            .signal(cancelPageSignal)
            .catch(() => lost(index));
      }
      return { index, pagesReceived: pages.filter((p) => p !== 'WAITING').length };
    },
    {
      validator: (delivery) => {
        const index = delivery?.index;
        if (!Number.isInteger(index) || index < 0 || index >= input.pageCount)
          throw wf.ApplicationFailure.nonRetryable('No such page', BATCH_PAGE_REJECTED);
      },
    },
  );
  wf.setHandler(
    cancelBatchUpdate,
    async (canceledBy) => {
      if (!canceled) {
        wf.log.info('Batch canceled', { canceledBy });
        canceled = true;
        const open = pages.flatMap((p, i) => (p === 'RECEIVED' || p === 'RUNNING' ? [i] : []));
        await Promise.all(
          open.map((i) =>
            page(i)
              .signal(cancelPageSignal)
              .catch(() => lost(i)),
          ),
        );
        progress();
      }
      return status();
    },
    {
      validator: (_canceledBy) => {
        if (finishedAt) throw wf.ApplicationFailure.nonRetryable('The batch has finished', BATCH_FINISHED);
      },
    },
  );

  if (!carry && input.items) {
    // A schedule's batch: its items come inline; they go to page workflows like the API's, as children
    // left running when this run continues as new.
    for (let index = 0; index < input.pageCount; index++) {
      const items = input.items.slice(index * pageSize, (index + 1) * pageSize);
      await wf.startChild(balanceCheckBatchPage, {
        workflowId: batchPageWorkflowId(self, index),
        args: [batchPageInput(input, self, index, items, pageSize)],
        parentClosePolicy: 'ABANDON',
        typedSearchAttributes: [{ key: batchKey, value: input.batchId }],
        staticSummary: `Batch ${input.batchId}: items ${index * pageSize}–${index * pageSize + items.length - 1}`,
      });
      pages[index] = 'RECEIVED';
    }
  }

  const pagesInFlight = input.pagesInFlight ?? DEFAULT_PAGES_IN_FLIGHT;
  const pagesPerRun = input.pagesPerRun ?? DEFAULT_PAGES_PER_RUN;
  let startedThisRun = 0;
  progress();
  for (let index = carry?.nextPage ?? 0; index < input.pageCount; index++) {
    const delivered = await wf.condition(() => pages[index] !== 'WAITING', PAGE_DELIVERY_TIMEOUT_MS);
    if (!delivered) {
      // Never delivered: nothing to run or report for it (its items were never accepted).
      canceled = true;
      pages[index] = 'DONE';
      continue;
    }
    await wf.condition(() => canceled || pages.filter((p) => p === 'RUNNING').length < pagesInFlight);
    // Canceled: every open page was told so (cancelBatch, addBatchPage) and ends on its own.
    if (!canceled && pages[index] === 'RECEIVED') {
      pages[index] = 'RUNNING';
      await page(index)
        .signal(runPageSignal)
        .catch(() => lost(index));
      startedThisRun++;
      progress();
    }
    const more = index + 1 < input.pageCount;
    // Not while the API is still delivering pages: an update must not meet a closing run.
    const allDelivered = pages.every((p) => p !== 'WAITING');
    if (more && allDelivered && (startedThisRun >= pagesPerRun || wf.workflowInfo().continueAsNewSuggested)) {
      await wf.condition(wf.allHandlersFinished);
      const { items: _items, carry: _carry, ...rest } = input;
      return wf.continueAsNew<typeof balanceCheckBatch>({
        ...rest,
        carry: { pages, finishedCounts, canceled, createdAt, nextPage: index + 1, runs },
      });
    }
  }
  await wf.condition(() => pages.every((p) => p === 'DONE'));
  finishedAt = new Date(Date.now()).toISOString();
  progress();
  if (input.callback) {
    // The creator's callback target learns the batch ended (one event per batch: the key names it).
    await startDelivery(input.callback, {
      eventKey: `${self}:batch-completed`,
      type: 'balance_check_batch.completed',
      occurredAt: finishedAt,
      batch: {
        owner: input.owner,
        batchId: input.batchId,
        status: canceled ? 'CANCELED' : 'COMPLETED',
        totalItems: input.totalItems,
        counts: finishedCounts,
      },
    });
  }
  await wf.condition(wf.allHandlersFinished);
  return status();
}

/** Progress in the Temporal UI's current details (finished pages; running pages show their own). */
function describeProgress(
  input: BatchInput,
  pages: BatchPageState[],
  counts: BatchCounts,
  canceled: boolean,
  finished: boolean,
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
