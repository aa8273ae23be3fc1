// Reading a batch: progress (counts by phase and outcome) and per-item results a page at a time.
// Counts of finished pages come from the batch workflow; running pages are asked themselves.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  addCounts,
  batchPageWorkflowId,
  countItems,
  type BatchCounts,
  type BatchItemResult,
  type BatchStatus,
} from '../contracts/batch';
import type { balanceCheckBatch, balanceCheckBatchPage } from '../workflows';
import { batchStatusQuery, pageItemsQuery } from '../workflows/batch-definitions';
import { encodeBatchId, type BatchRef } from './batch-id';
import { problem } from './problem';
import { withTemporalDeadline } from './temporal-deadline';

export const batchNotFound = () => problem(404, 'not-found', 'No such balance check batch');

export interface BatchView {
  id: string;
  status: BatchStatus['state'];
  totalItems: number;
  counts: BatchCounts;
  createdAt?: string;
  finishedAt?: string | null;
  itemsUrl: string;
}

const QUERY_DEADLINE_MS = 5_000;

/** The batch's status from its query (running) or its result (finished); 404 when there is none. */
export async function batchStatus(client: Client, ref: BatchRef): Promise<BatchStatus> {
  const handle = client.workflow.getHandle<typeof balanceCheckBatch>(ref.workflowId);
  let description;
  try {
    description = await withTemporalDeadline(client, () => handle.describe());
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw batchNotFound();
    throw err;
  }
  if (description.type !== 'balanceCheckBatch') throw batchNotFound();
  if (description.status.name === 'COMPLETED') return withTemporalDeadline(client, () => handle.result());
  if (description.status.name !== 'RUNNING')
    throw problem(409, 'batch-ended', `The batch workflow is ${description.status.name}`);
  return query(client, () => handle.query(batchStatusQuery));
}

export async function readBatch(client: Client, ref: BatchRef): Promise<BatchView> {
  const status = await batchStatus(client, ref);
  let counts = status.finishedCounts;
  const notStarted = status.pages.reduce(
    (n, p, i) => (p === 'RECEIVED' || p === 'WAITING' ? n + pageLength(status, i) : n),
    0,
  );
  for (let page = 0; page < status.pageCount; page++) {
    if (status.pages[page] !== 'RUNNING') continue;
    counts = addCounts(counts, countItems(await runningPageItems(client, ref, page)));
  }
  counts = addCounts(counts, { ...countItems([]), total: notStarted, pending: notStarted });
  return {
    id: encodeBatchId(ref.owner, ref.batchId),
    status: status.state,
    totalItems: status.totalItems,
    counts,
    createdAt: status.createdAt,
    finishedAt: status.finishedAt,
    itemsUrl: `/v1/balance-check-batches/${encodeBatchId(ref.owner, ref.batchId)}/items`,
  };
}

/** Items [from, from + limit) in index order, and the cursor of what follows (null at the end). */
export async function readBatchItems(
  client: Client,
  ref: BatchRef,
  from: number,
  limit: number,
): Promise<{ items: BatchItemResult[]; nextCursor: string | null }> {
  const status = await batchStatus(client, ref);
  const items: BatchItemResult[] = [];
  let at = from;
  while (items.length < limit && at < status.totalItems) {
    const page = Math.floor(at / status.pageSize);
    const rows = await pageItems(client, ref, status, page);
    if (rows.length === 0) break; // never delivered
    const offset = at - page * status.pageSize;
    const taken = rows.slice(offset, offset + (limit - items.length));
    items.push(...taken);
    at += taken.length;
    if (taken.length === 0) break;
  }
  return { items, nextCursor: at < status.totalItems && items.length > 0 ? String(at) : null };
}

async function pageItems(client: Client, ref: BatchRef, status: BatchStatus, page: number) {
  const state = status.pages[page];
  // A received page's workflow holds its items (all PENDING until the batch runs it).
  if (state === 'RECEIVED' || state === 'RUNNING') return runningPageItems(client, ref, page);
  if (state === 'DONE') {
    const handle = client.workflow.getHandle<typeof balanceCheckBatchPage>(
      batchPageWorkflowId(ref.workflowId, page),
    );
    return (await withTemporalDeadline(client, () => handle.result()).catch(() => undefined))?.items ?? [];
  }
  return [];
}

async function runningPageItems(client: Client, ref: BatchRef, page: number): Promise<BatchItemResult[]> {
  const handle = client.workflow.getHandle<typeof balanceCheckBatchPage>(
    batchPageWorkflowId(ref.workflowId, page),
  );
  try {
    return await query(client, () => handle.query(pageItemsQuery));
  } catch (err) {
    // It finished between the batch's answer and this query: its result holds the items. A page still
    // running is not waited for (its result would hold the request until the deadline): the 503 stands.
    const closed = await withTemporalDeadline(client, () => handle.describe()).catch(() => undefined);
    if (closed?.status.name !== 'COMPLETED') throw err;
    return (await withTemporalDeadline(client, () => handle.result())).items;
  }
}

function pageLength(status: BatchStatus, page: number): number {
  return Math.min(status.pageSize, status.totalItems - page * status.pageSize);
}

/** A query needs a worker: bounded, so a missing worker answers 503, not a hung request. */
function query<T>(client: Client, call: () => Promise<T>): Promise<T> {
  return client.withDeadline(Date.now() + QUERY_DEADLINE_MS, call).catch((err) => {
    if (err instanceof WorkflowNotFoundError) throw batchNotFound();
    throw problem(
      503,
      'worker-unavailable',
      'The batch is running but no worker answered in time',
      undefined,
      {},
      { 'Retry-After': '5' },
    );
  });
}
