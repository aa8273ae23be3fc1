// Updates, signals and queries of the batch workflows, shared with the API.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { BatchItemResult, BatchPageDelivery, BatchStatus } from '../contracts/batch';

/** The API delivers a batch's items a page at a time (a page again is a no-op: retries are safe). */
export const addBatchPageUpdate = defineUpdate<{ index: number; pagesReceived: number }, [BatchPageDelivery]>(
  'addBatchPage',
);
/** DELETE: no further item starts; items already running finish and keep their answers. */
export const cancelBatchUpdate = defineUpdate<BatchStatus, [canceledBy: string]>('cancelBatch');
export const batchStatusQuery = defineQuery<BatchStatus>('batchStatus');
/** The items of a page the batch holds but has not started yet (all PENDING). */
export const heldPageItemsQuery = defineQuery<BatchItemResult[], [page: number]>('heldPageItems');

/** From the batch to a running page: start no further item. */
export const cancelPageSignal = defineSignal('cancelBatchPage');
export const pageItemsQuery = defineQuery<BatchItemResult[]>('pageItems');

export const BATCH_PAGE_REJECTED = 'BatchPageRejected';
export const BATCH_FINISHED = 'BatchFinished';
