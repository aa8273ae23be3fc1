// Batches: many checks in one request. Plain types and constants only (bundled into workflow code).
// The items live in page workflows (≤ BATCH_PAGE_SIZE items each, started gated by the API, or by the
// batch for a schedule's inline items); the batch workflow only tells pages when to run and keeps their
// states and counts, continuing as new every few pages so its history stays small. Each page runs its
// items with bounded concurrency through an activity that starts or joins the item's check (so items of
// a resource with a refresh in flight share it) and waits for that caller's answer.
import type {
  CheckQuestion,
  CheckStatus,
  CheckTimeouts,
  ProviderName,
  ResourceRef,
  SufficiencyDecision,
} from './balance-check';
import type { CallbackTarget } from './callbacks';

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
/** Pages a batch run starts before it continues as new (sooner when the server suggests it). */
export const DEFAULT_PAGES_PER_RUN = 10;

/** Activity task queue of the batch item activities (they wait on checks; kept off the provider queue). */
export const BATCH_ACTIVITY_TASK_QUEUE_SUFFIX = '-batch-items';

export interface BatchInput {
  batchId: string;
  owner: string;
  requestedBy?: string;
  totalItems: number;
  /** Pages the API delivers with the addBatchPage update (ceil(totalItems / pageSize)). */
  pageCount: number;
  /** Items per page (default BATCH_PAGE_SIZE). */
  pageSize?: number;
  itemConcurrency?: number;
  pagesInFlight?: number;
  /** Pages started per run before continuing as new (default DEFAULT_PAGES_PER_RUN). */
  pagesPerRun?: number;
  /** What the previous run handed on when it continued as new. */
  carry?: BatchCarry;
  /** Where balance_check_batch.completed goes (the creator's callback target); absent: no callback. */
  callback?: CallbackTarget;
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
  /** The schedule's creator's callback target: each batch it starts reports its end there. */
  callback?: CallbackTarget;
}

/** A batch's state across continue-as-new: small (a state per page and the counts). */
export interface BatchCarry {
  pages: BatchPageState[];
  finishedCounts: BatchCounts;
  canceled: boolean;
  createdAt: string;
  /** The next page to start. */
  nextPage: number;
  /** Runs so far. */
  runs: number;
}

/** The API has started page `index`'s workflow (gated) with its items. */
export interface BatchPageDelivery {
  index: number;
}

/** From a page to its batch when it ends. */
export interface BatchPageFinished {
  pageIndex: number;
  counts: BatchCounts;
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
  /** Told when the page ends (by workflow id: the batch's current run). */
  batchWorkflowId: string;
  owner: string;
  requestedBy?: string;
  pageIndex: number;
  firstIndex: number;
  items: BatchItem[];
  itemConcurrency: number;
  checkTaskQueue: string;
  providerTaskQueues?: boolean;
  /** Waits for the batch's runPage signal (or cancel) before starting items. */
  gated?: boolean;
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
  /** Workflow runs so far (it continues as new every few pages). */
  runs: number;
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

/** The input of page `index` of a batch: its slice of the items, gated until the batch runs it. */
export function batchPageInput(
  batch: Pick<
    BatchInput,
    'batchId' | 'owner' | 'requestedBy' | 'itemConcurrency' | 'checkTaskQueue' | 'providerTaskQueues'
  >,
  batchWorkflowIdValue: string,
  index: number,
  pageItems: BatchItem[],
  pageSize = BATCH_PAGE_SIZE,
): BatchPageInput {
  return {
    batchId: batch.batchId,
    batchWorkflowId: batchWorkflowIdValue,
    owner: batch.owner,
    ...(batch.requestedBy ? { requestedBy: batch.requestedBy } : {}),
    pageIndex: index,
    firstIndex: index * pageSize,
    items: pageItems,
    itemConcurrency: batch.itemConcurrency ?? DEFAULT_ITEM_CONCURRENCY,
    checkTaskQueue: batch.checkTaskQueue,
    ...(batch.providerTaskQueues ? { providerTaskQueues: true } : {}),
    gated: true,
  };
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
