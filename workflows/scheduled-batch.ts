// What a balance check schedule starts each time it fires: a batch of its items (a child that outlives
// this short workflow), whose id this workflow returns so the API can list a schedule's batches.
import * as wf from '@temporalio/workflow';
import { BATCH_PAGE_SIZE, batchWorkflowId, type ScheduledBatchInput } from '../contracts/batch';
import { batchKey } from '../contracts/search-attributes';
import { balanceCheckBatch } from './batch';

export async function scheduledBalanceCheckBatch(
  input: ScheduledBatchInput,
): Promise<{ batchId: string; workflowId: string }> {
  const batchId = wf.uuid4();
  const workflowId = batchWorkflowId(input.owner, batchId);
  await wf.startChild(balanceCheckBatch, {
    workflowId,
    args: [
      {
        batchId,
        owner: input.owner,
        ...(input.requestedBy ? { requestedBy: input.requestedBy } : {}),
        totalItems: input.items.length,
        pageCount: Math.ceil(input.items.length / BATCH_PAGE_SIZE),
        checkTaskQueue: input.checkTaskQueue,
        ...(input.itemConcurrency ? { itemConcurrency: input.itemConcurrency } : {}),
        ...(input.providerTaskQueues ? { providerTaskQueues: true } : {}),
        items: input.items,
        ...(input.callback ? { callback: input.callback } : {}),
      },
    ],
    parentClosePolicy: 'ABANDON',
    typedSearchAttributes: [{ key: batchKey, value: batchId }],
    staticSummary: `Scheduled balance check batch of ${input.items.length} items (${input.owner})`,
    staticDetails: `Started by schedule ${input.scheduleId}`,
  });
  return { batchId, workflowId };
}
