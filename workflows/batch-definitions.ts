// Updates, signals and queries of the batch workflows, shared with the API.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { BatchItemResult, BatchPageDelivery, BatchPageFinished, BatchStatus } from '../contracts/batch';

/** The API has started a page's (gated) workflow with its items (a page again is a no-op: retries are safe). */
export const addBatchPageUpdate = defineUpdate<{ index: number; pagesReceived: number }, [BatchPageDelivery]>(
  'addBatchPage',
);
/** DELETE: no further item starts; items in flight are withdrawn from their checks (CANCELED). */
export const cancelBatchUpdate = defineUpdate<BatchStatus, [canceledBy: string]>('cancelBatch');
export const batchStatusQuery = defineQuery<BatchStatus>('batchStatus');
/** From a page to its batch (whichever run is current) when the page ends. */
export const pageFinishedSignal = defineSignal<[BatchPageFinished]>('batchPageFinished');

/** From the batch to a gated page: start its items. */
export const runPageSignal = defineSignal('runBatchPage');
/** From the batch to a page: start no further item, withdraw the items in flight. */
export const cancelPageSignal = defineSignal('cancelBatchPage');
export const pageItemsQuery = defineQuery<BatchItemResult[]>('pageItems');

export const BATCH_PAGE_REJECTED = 'BatchPageRejected';
export const BATCH_FINISHED = 'BatchFinished';
