// balanceCheckBatchPage: one page (≤ BATCH_PAGE_SIZE items) of a batch. Each item is one activity
// that starts or joins the item's check and waits for that caller's answer; at most
// `itemConcurrency` run at once. The page keeps per-item {reference, check id, status, decision}.
import * as wf from '@temporalio/workflow';
import type { createBatchActivities } from '../activities/batch';
import {
  BATCH_ACTIVITY_TASK_QUEUE_SUFFIX,
  countItems,
  type BatchItemResult,
  type BatchPageInput,
  type BatchPageResult,
} from '../contracts/batch';
import { cancelPageSignal, pageItemsQuery } from './batch-definitions';

export async function balanceCheckBatchPage(input: BatchPageInput): Promise<BatchPageResult> {
  const items: BatchItemResult[] = input.items.map((item, i) => ({
    index: input.firstIndex + i,
    reference: item.reference,
    status: 'PENDING',
  }));
  let canceled = input.canceled === true;
  wf.setHandler(cancelPageSignal, () => void (canceled = true));
  wf.setHandler(pageItemsQuery, () => items);

  const acts = wf.proxyActivities<ReturnType<typeof createBatchActivities>>({
    taskQueue: input.checkTaskQueue + BATCH_ACTIVITY_TASK_QUEUE_SUFFIX,
    // The activity waits for the check (up to its deadline, MFA included); heartbeats show it is alive,
    // so a killed worker's items are retried within the heartbeat timeout.
    startToCloseTimeout: '3 hours',
    heartbeatTimeout: '30 seconds',
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 20 },
  });

  let next = 0;
  const lane = async () => {
    while (!canceled && next < items.length) {
      const i = next++;
      const row = items[i]!;
      row.status = 'RUNNING';
      try {
        const answer = await acts.checkBatchItem({
          batchId: input.batchId,
          owner: input.owner,
          ...(input.requestedBy ? { requestedBy: input.requestedBy } : {}),
          index: row.index,
          item: input.items[i]!,
          checkTaskQueue: input.checkTaskQueue,
          ...(input.providerTaskQueues ? { providerTaskQueues: true } : {}),
        });
        Object.assign(row, answer);
      } catch (err) {
        // Retries exhausted (or rejected for good): the item failed; the batch goes on.
        const cause = err instanceof wf.ActivityFailure ? err.cause : err;
        row.status = 'FAILED';
        row.reasonCode =
          cause instanceof wf.ApplicationFailure ? (cause.type ?? 'ITEM_FAILED') : 'ITEM_FAILED';
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
  return { pageIndex: input.pageIndex, items };
}
