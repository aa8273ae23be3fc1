// Batches: many checks in one request. Plain types and constants only (bundled into workflow code).
// A batch is a parent workflow that hands its items, a page at a time, to page child workflows; each
// page runs its items with bounded concurrency through an activity that starts or joins the item's
// check (so items of a resource with a refresh in flight share it) and waits for that caller's answer.
import type {
  CheckQuestion,
  CheckStatus,
  CheckTimeouts,
  ProviderName,
  ResourceRef,
  SufficiencyDecision,
} from './balance-check';

/** One item: the question of a single check plus the caller's own reference. */
export interface BatchItem extends CheckQuestion {
  provider: ProviderName;
  resource: ResourceRef;
  timeouts?: CheckTimeouts;
  reference: string;
}

export const MAX_BATCH_ITEMS = 10_000;
/** Items per page workflow: a page's history stays a few hundred activities. */
export const BATCH_PAGE_SIZE = 200;
/** Item checks in flight per page, and pages in flight per batch (defaults; the API may lower them). */
export const DEFAULT_ITEM_CONCURRENCY = 25;
export const DEFAULT_PAGES_IN_FLIGHT = 2;

/** Activity task queue of the batch item activities (they wait on checks; kept off the provider queue). */
export const BATCH_ACTIVITY_TASK_QUEUE_SUFFIX = '-batch-items';

export interface BatchInput {
  batchId: string;
  owner: string;
  requestedBy?: string;
  totalItems: number;
  /** Pages the API delivers with the addBatchPage update (ceil(totalItems / BATCH_PAGE_SIZE)). */
  pageCount: number;
  itemConcurrency?: number;
  pagesInFlight?: number;
  /** Task queue the item checks (balanceCheck workflows) run on. */
  checkTaskQueue: string;
  /** Item checks call providers on the paced per-provider task queues. */
  providerTaskQueues?: boolean;
  /** Items given with the start (scheduled batches, ≤ MAX_SCHEDULED_ITEMS); otherwise addBatchPage delivers them. */
  items?: BatchItem[];
}

/** A schedule's action carries its items in the workflow input: bounded so the payload stays small. */
export const MAX_SCHEDULED_ITEMS = 1000;

/** What a schedule starts each time it fires: a batch of these items. */
export interface ScheduledBatchInput {
  owner: string;
  requestedBy?: string;
  items: BatchItem[];
  itemConcurrency?: number;
  checkTaskQueue: string;
  providerTaskQueues?: boolean;
  scheduleId: string;
}

export interface BatchPageDelivery {
  index: number;
  items: BatchItem[];
}

export type BatchItemStatus = 'PENDING' | 'RUNNING' | CheckStatus;

/** What the batch keeps per item: small, so a page's result stays small. */
export interface BatchItemResult {
  index: number;
  reference: string;
  status: BatchItemStatus;
  checkId?: string;
  decision?: SufficiencyDecision;
  reasonCode?: string;
}

export interface BatchCounts {
  total: number;
  pending: number;
  running: number;
  done: number;
  /** Finished items by status (COMPLETED, FAILED, …, CANCELED). */
  byStatus: Partial<Record<CheckStatus, number>>;
  /** Finished items that asked a funding question, by decision. */
  byDecision: Partial<Record<SufficiencyDecision, number>>;
}

export interface BatchPageInput {
  batchId: string;
  owner: string;
  requestedBy?: string;
  pageIndex: number;
  firstIndex: number;
  items: BatchItem[];
  itemConcurrency: number;
  checkTaskQueue: string;
  providerTaskQueues?: boolean;
  /** The batch was canceled before this page started: every item is CANCELED at once. */
  canceled?: boolean;
}

export interface BatchPageResult {
  pageIndex: number;
  items: BatchItemResult[];
}

export type BatchPageState = 'WAITING' | 'RECEIVED' | 'RUNNING' | 'DONE';

export interface BatchStatus {
  batchId: string;
  owner: string;
  state: 'RUNNING' | 'CANCELING' | 'COMPLETED' | 'CANCELED';
  totalItems: number;
  pageCount: number;
  pageSize: number;
  pages: BatchPageState[];
  /** Counts of finished pages (running pages are counted by their own query). */
  finishedCounts: BatchCounts;
  createdAt: string;
  finishedAt: string | null;
}

/** What the activity of one item needs. */
export interface BatchItemRequest {
  batchId: string;
  owner: string;
  requestedBy?: string;
  index: number;
  item: BatchItem;
  checkTaskQueue: string;
  providerTaskQueues?: boolean;
}

export const batchWorkflowId = (owner: string, batchId: string) => `balance-check-batch:${owner}:${batchId}`;
export const batchPageWorkflowId = (batchWorkflowId: string, page: number) =>
  `${batchWorkflowId}:page:${page}`;

/** The caller id of an item in its check: deterministic, so a retried start joins instead of duplicating. */
export const batchCallerId = (batchId: string, index: number) => `b-${batchId}-${index}`;

export function emptyCounts(): BatchCounts {
  return { total: 0, pending: 0, running: 0, done: 0, byStatus: {}, byDecision: {} };
}

export function countItems(
  items: readonly BatchItemResult[],
  into: BatchCounts = emptyCounts(),
): BatchCounts {
  for (const item of items) {
    into.total++;
    if (item.status === 'PENDING') into.pending++;
    else if (item.status === 'RUNNING') into.running++;
    else {
      into.done++;
      into.byStatus[item.status] = (into.byStatus[item.status] ?? 0) + 1;
      if (item.decision) into.byDecision[item.decision] = (into.byDecision[item.decision] ?? 0) + 1;
    }
  }
  return into;
}

export function addCounts(a: BatchCounts, b: BatchCounts): BatchCounts {
  const out = { ...a, byStatus: { ...a.byStatus }, byDecision: { ...a.byDecision } };
  out.total += b.total;
  out.pending += b.pending;
  out.running += b.running;
  out.done += b.done;
  for (const [k, v] of Object.entries(b.byStatus))
    out.byStatus[k as CheckStatus] = (out.byStatus[k as CheckStatus] ?? 0) + v;
  for (const [k, v] of Object.entries(b.byDecision))
    out.byDecision[k as SufficiencyDecision] = (out.byDecision[k as SufficiencyDecision] ?? 0) + v;
  return out;
}
