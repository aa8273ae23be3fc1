// balanceCheckBatchPage: one page (≤ BATCH_PAGE_SIZE items) of a batch. It holds the page's items from
// the start, waits (gated) until the batch tells it to run, then runs each item as one activity that
// starts or joins the item's check and waits for that caller's answer, at most `itemConcurrency` at once.
// Canceled, it starts no further item and withdraws the items in flight from their checks (a refresh
// other callers share goes on for them). It keeps per-item {reference, check id, status, decision} and
// tells the batch its counts when it ends.
import * as wf from '@temporalio/workflow';
import type { createBatchActivities } from '../activities/batch';
import {
  BATCH_ACTIVITY_TASK_QUEUE_SUFFIX,
  countItems,
  type BatchItemRequest,
  type BatchItemResult,
  type BatchPageInput,
  type BatchPageResult,
} from '../contracts/batch';
import { cancelPageSignal, pageFinishedSignal, pageItemsQuery, runPageSignal } from './batch-definitions';

/** A page its batch never ran (the batch was terminated) gives up after this: its items are CANCELED. */
const GATE_TIMEOUT_MS = 7 * 24 * 3600_000;

export async function balanceCheckBatchPage(input: BatchPageInput): Promise<BatchPageResult> {
  const items: BatchItemResult[] = input.items.map((item, i) => ({
    index: input.firstIndex + i,
    reference: item.reference,
    status: 'PENDING',
  }));
  let canceled = false;
  let run = !input.gated;
  const inFlight = new Set<wf.CancellationScope>();
  wf.setHandler(cancelPageSignal, () => {
    canceled = true;
    for (const scope of inFlight) scope.cancel();
  });
  wf.setHandler(runPageSignal, () => void (run = true));
  wf.setHandler(pageItemsQuery, () => items);

  const queue = input.checkTaskQueue + BATCH_ACTIVITY_TASK_QUEUE_SUFFIX;
  const acts = wf.proxyActivities<ReturnType<typeof createBatchActivities>>({
    taskQueue: queue,
    // The activity waits for the check (up to its deadline, MFA included); heartbeats show it is alive,
    // so a killed worker's items are retried within the heartbeat timeout. Canceled, the page does not
    // wait for it (cancellation reaches an activity only with a heartbeat): it withdraws the item itself,
    // and the activity withdraws again when it learns, in case it joined the check meanwhile.
    startToCloseTimeout: '3 hours',
    heartbeatTimeout: '30 seconds',
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 20 },
  });
  const withdraw = wf.proxyActivities<ReturnType<typeof createBatchActivities>>({
    taskQueue: queue,
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 10 },
  });

  if (!(await wf.condition(() => run || canceled, GATE_TIMEOUT_MS))) canceled = true;

  let next = 0;
  const lane = async () => {
    while (!canceled && next < items.length) {
      const i = next++;
      const row = items[i]!;
      row.status = 'RUNNING';
      const request: BatchItemRequest = {
        batchId: input.batchId,
        owner: input.owner,
        ...(input.requestedBy ? { requestedBy: input.requestedBy } : {}),
        index: row.index,
        item: input.items[i]!,
        checkTaskQueue: input.checkTaskQueue,
        ...(input.providerTaskQueues ? { providerTaskQueues: true } : {}),
      };
      const scope = new wf.CancellationScope();
      inFlight.add(scope);
      try {
        Object.assign(row, await scope.run(() => acts.checkBatchItem(request)));
      } catch (err) {
        if (wf.isCancellation(err)) {
          // The batch was canceled with this item in flight: it gives up its interest in the check.
          const withdrawn = await wf.CancellationScope.nonCancellable(() =>
            withdraw.withdrawBatchItem(request),
          ).catch(() => ({}));
          Object.assign(row, { status: 'CANCELED', reasonCode: 'BATCH_CANCELED', ...withdrawn });
        } else {
          // Retries exhausted (or rejected for good): the item failed; the batch goes on.
          const cause = err instanceof wf.ActivityFailure ? err.cause : err;
          row.status = 'FAILED';
          row.reasonCode =
            cause instanceof wf.ApplicationFailure ? (cause.type ?? 'ITEM_FAILED') : 'ITEM_FAILED';
        }
      } finally {
        inFlight.delete(scope);
      }
    }
  };
  const lanes = Math.max(1, Math.min(input.itemConcurrency, items.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  for (const row of items) if (row.status === 'PENDING') row.status = 'CANCELED';
  const counts = countItems(items);
  wf.setCurrentDetails(
    `Page ${input.pageIndex} of batch ${input.batchId}: ${counts.done} items, ${Object.entries(
      counts.byStatus,
    )
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  // The batch's current run (whichever it is) learns the page ended; a batch already gone needs nothing.
  await wf
    .getExternalWorkflowHandle(input.batchWorkflowId)
    .signal(pageFinishedSignal, { pageIndex: input.pageIndex, counts })
    .catch(() => undefined);
  return { pageIndex: input.pageIndex, items };
}
