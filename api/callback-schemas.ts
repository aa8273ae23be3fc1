// The callback events we send (activities/callbacks.ts callbackBody), one schema per event type, for the
// OpenAPI document's `webhooks` (3.1): receivers and the generated client read the payloads from there.
// Records over the event types: a new event type does not compile until it is described here.
import { z } from 'zod';
import type { CallbackEventType } from '../contracts/callbacks';
import { BatchViewSchema } from './batch-schemas';
import { ChallengeSchema, CheckResultSchema } from './response-schemas';

const CheckId = z.string().describe('The receiving caller’s own check id (GET /v1/balance-checks/{id})');
const Instant = z.string().describe('ISO 8601 date-time');

/** A finished caller's event: its own answer, whose status the event type names. */
function finished<
  S extends 'COMPLETED' | 'FAILED' | 'TIMED_OUT' | 'CANCELED' | 'NOT_SUPPORTED' | 'ACTION_REQUIRED',
>(status: S) {
  return z.object({
    checkId: CheckId,
    status: z.literal(status),
    answer: CheckResultSchema.extend({ status: z.literal(status) }).describe('This caller’s own answer'),
  });
}

const envelope = <T extends CallbackEventType>(type: T, data: z.ZodType) =>
  z.object({ type: z.literal(type), timestamp: Instant.describe('When the event happened'), data });

interface EventDoc {
  /** Component name in the document (#/components/schemas/…). */
  id: string;
  summary: string;
  schema: z.ZodType;
}

type FinishedType = Exclude<
  CallbackEventType,
  'balance_check.action_required' | 'balance_check_batch.completed'
>;
type FinishedStatus = Parameters<typeof finished>[0];

/** The events of a finished caller: each carries an answer with the status it names. */
const FINISHED_EVENTS: Record<FinishedType, { id: string; status: FinishedStatus; summary: string }> = {
  'balance_check.completed': {
    id: 'CompletedEvent',
    status: 'COMPLETED',
    summary: 'The check completed: balances (and the sufficiency answer when asked)',
  },
  'balance_check.failed': {
    id: 'FailedEvent',
    status: 'FAILED',
    summary: 'The check failed (the reason says why)',
  },
  'balance_check.timed_out': {
    id: 'TimedOutEvent',
    status: 'TIMED_OUT',
    summary: 'The check ran out of time (overall or waiting for MFA answers)',
  },
  'balance_check.canceled': {
    id: 'CanceledEvent',
    status: 'CANCELED',
    summary: 'This caller’s check was canceled (DELETE, or the caller withdrew)',
  },
  'balance_check.not_supported': {
    id: 'NotSupportedEvent',
    status: 'NOT_SUPPORTED',
    summary: 'The provider cannot answer this question (e.g. the account type has no balance)',
  },
};

function finishedDocs(): Record<FinishedType, EventDoc> {
  const docs = Object.entries(FINISHED_EVENTS).map(([type, e]) => [
    type,
    { id: e.id, summary: e.summary, schema: envelope(type as FinishedType, finished(e.status)) },
  ]);
  return Object.fromEntries(docs) as Record<FinishedType, EventDoc>;
}

export const CALLBACK_EVENTS: Record<CallbackEventType, EventDoc> = {
  'balance_check.action_required': {
    id: 'ActionRequiredEvent',
    summary:
      'The check needs the user: MFA challenges to answer (labels and options, never answers) by answerBy — or, once finished, the provider needs the user (e.g. reconnect)',
    schema: envelope(
      'balance_check.action_required',
      z.union([
        z.object({
          checkId: CheckId,
          status: z.literal('RUNNING'),
          answer: z.null(),
          challenges: z
            .array(ChallengeSchema)
            .min(1)
            .describe('Answer with POST /v1/balance-checks/{id}/mfa'),
          answerBy: Instant.optional().describe('When the MFA answers are due'),
        }),
        finished('ACTION_REQUIRED'),
      ]),
    ),
  },
  ...finishedDocs(),
  'balance_check_batch.completed': {
    id: 'BatchCompletedEvent',
    summary:
      'A batch ended (every item answered, or canceled): its final status and counts, to the batch creator’s callback target; page the items from itemsUrl',
    schema: envelope(
      'balance_check_batch.completed',
      z.object({
        batchId: z.string().describe('The batch id (GET /v1/balance-check-batches/{id})'),
        status: z.enum(['COMPLETED', 'CANCELED']),
        totalItems: z.number().int(),
        counts: BatchViewSchema.shape.counts,
        itemsUrl: z.string(),
      }),
    ),
  },
};
