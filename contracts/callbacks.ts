// Outbound callbacks (Standard Webhooks): what the workflow hands to the delivery workflow. Plain
// types and constants only: this module is bundled into workflow code. Secrets never appear here —
// the delivery activity looks them up in the worker's config by the API key named in the target.
import type { BalanceCheckResult, ChallengeView } from './balance-check';
import type { BatchCounts } from './batch';

/** Where one caller's events go: the URL and the API key whose signing secrets sign them. */
export interface CallbackTarget {
  url: string;
  /** `owner/name` of the API key that asked (API_CALLBACKS / CALLBACK_SECRETS entries use it). */
  key: string;
}

export const CALLBACK_EVENT_TYPES = [
  'balance_check.action_required',
  'balance_check.completed',
  'balance_check.failed',
  'balance_check.timed_out',
  'balance_check.canceled',
  'balance_check.not_supported',
  /** A batch ended (every item answered, or canceled): to the batch creator's callback target. */
  'balance_check_batch.completed',
] as const;
export type CallbackEventType = (typeof CALLBACK_EVENT_TYPES)[number];

/** The caller a callback is about: the API builds its check id (chk_…) from these. */
export interface CallbackCheckRef {
  workflowId: string;
  runId: string;
  callerId: string;
}

/**
 * One event for one caller. `eventKey` is stable per (run, caller, event): the webhook-id is derived
 * from it, so every retry and every replay carries the same id and receivers dedupe on it.
 */
export interface CallbackEvent {
  eventKey: string;
  type: CallbackEventType;
  occurredAt: string;
  check: CallbackCheckRef;
  /** The caller's own answer (null while the check is still running, e.g. waiting for MFA). */
  answer: BalanceCheckResult | null;
  /** action_required while running: the challenges to answer (labels and options, never answers). */
  challenges?: ChallengeView[];
  /** action_required while running: when the MFA answers are due. */
  answerBy?: string;
}

/** A batch ended: its final state and counts (per-item results are paged from the API). */
export interface BatchCallbackEvent {
  eventKey: string;
  type: 'balance_check_batch.completed';
  occurredAt: string;
  batch: {
    owner: string;
    batchId: string;
    status: 'COMPLETED' | 'CANCELED';
    totalItems: number;
    counts: BatchCounts;
  };
}

export interface DeliverCallbackInput {
  target: CallbackTarget;
  event: CallbackEvent | BatchCallbackEvent;
}

/** One delivery attempt as the activity reports it; the workflow sleeps `retryInMs` before the next. */
export type DeliveryAttempt =
  | { outcome: 'DELIVERED'; httpStatus: number }
  /** 410 Gone, a refused host, or the retry window is over: stop for good. */
  | { outcome: 'ABANDONED'; httpStatus?: number; error: string }
  | { outcome: 'RETRY'; httpStatus?: number; error: string; retryInMs: number };

export type DeliveryOutcome = 'DELIVERED' | 'ABANDONED';

/** The delivery workflow's id: one per event, so a second start of the same event is a no-op. */
export function callbackWorkflowId(event: Pick<CallbackEvent, 'eventKey'>): string {
  return `balance-check-callback:${event.eventKey}`;
}

/** Metric names of deliveries (the worker's Prometheus endpoint; see observability/). */
export const CALLBACK_DELIVERIES = {
  name: 'balance_check_callback_deliveries_total',
  help: 'Callback delivery attempts by outcome: delivered, retrying, abandoned',
} as const;
