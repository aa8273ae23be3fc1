// Request and response schemas of /v1/balance-check-batches and /v1/balance-check-schedules (zod), built
// from the provider registrations the API admits, like api/schemas.ts: the routes validate with them and
// api/batch-openapi.ts documents them. An item is the single-check question (providerQuestion: one
// variant per provider) plus the caller's own reference.
import { z } from 'zod';
import { MAX_BATCH_ITEMS, MAX_SCHEDULED_ITEMS } from '../contracts/batch';
import type { AnyProviderRegistration } from '../providers/registration';
import { providerQuestion } from './schemas';

const REFERENCE = {
  reference: z
    .string()
    .min(1)
    .max(200)
    .describe('Your own id for this item (an invoice, a debit); returned with its result'),
};

const itemConcurrency = z
  .number()
  .int()
  .min(1)
  .max(100)
  .optional()
  .describe('Item checks in flight per page of 200 items (default 25); provider pacing applies on top');

const Calendar = z.strictObject({
  month: z.number().int().min(1).max(12).optional(),
  dayOfMonth: z.number().int().min(1).max(31).optional(),
  dayOfWeek: z
    .enum(['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'])
    .optional(),
  hour: z.number().int().min(0).max(23),
  minute: z.number().int().min(0).max(59).optional(),
});
export type CalendarBody = z.infer<typeof Calendar>;

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The batch and schedule request schemas of an API admitting these providers (createApp builds them once). */
export function batchSchemas(registrations: readonly AnyProviderRegistration[]) {
  const item = providerQuestion(registrations, REFERENCE, 'batch item');
  const startBatch = z.strictObject({
    items: z.array(item).min(1).max(MAX_BATCH_ITEMS),
    itemConcurrency,
    callbackUrl: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .optional()
      .describe(
        'Send balance_check_batch.completed here when the batch ends (Standard Webhooks, signed with the key’s secret); must match the key’s callback allow-list. Default: the key’s configured endpoint',
      ),
  });
  const startSchedule = z
    .strictObject({
      batch: z.strictObject({
        items: z.array(item).min(1).max(MAX_SCHEDULED_ITEMS),
        itemConcurrency,
      }),
      cron: z
        .array(z.string().min(9).max(100))
        .max(10)
        .optional()
        .describe('Cron expressions, e.g. "0 6 14,L * *"'),
      calendars: z
        .array(Calendar)
        .max(20)
        .optional()
        .describe('e.g. {dayOfMonth: 14, hour: 6} and the last day'),
      at: z.iso.datetime({ offset: true }).optional().describe('Run once at this time'),
      timeZone: z
        .string()
        .min(1)
        .max(64)
        .optional()
        .describe('IANA zone, e.g. America/New_York (default UTC)'),
      paused: z.boolean().optional(),
    })
    .check((ctx) => {
      const body = ctx.value;
      if (!body.cron && !body.calendars && !body.at)
        ctx.issues.push({
          code: 'custom',
          input: body,
          path: ['cron'],
          message: 'give cron, calendars or at',
        });
      if (body.timeZone && !validTimeZone(body.timeZone))
        ctx.issues.push({
          code: 'custom',
          input: body,
          path: ['timeZone'],
          message: 'not an IANA time zone',
        });
    });
  return { item, startBatch, startSchedule };
}
export type BatchSchemas = ReturnType<typeof batchSchemas>;
export type StartScheduleBody = z.infer<BatchSchemas['startSchedule']>;

export const BatchItemsQuery = z.strictObject({
  cursor: z
    .string()
    .regex(/^\d{1,5}$/)
    .optional()
    .describe('nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(500).optional().describe('Items per page (default 100)'),
});

export const BatchIdParam = z.string().describe('Opaque batch id (bat_…) from the Location header');
export const ScheduleIdParam = z.string().describe('Schedule id (sch_…) from the Location header');

const Counts = z.object({
  total: z.number().int(),
  pending: z.number().int(),
  running: z.number().int(),
  done: z.number().int(),
  byStatus: z.record(z.string(), z.number().int()),
  byDecision: z.record(z.string(), z.number().int()),
});

export const BatchViewSchema = z.object({
  id: z.string(),
  status: z.enum(['RUNNING', 'CANCELING', 'COMPLETED', 'CANCELED']),
  totalItems: z.number().int(),
  counts: Counts,
  createdAt: z.string().optional(),
  finishedAt: z.string().nullable().optional(),
  itemsUrl: z.string(),
});

export const BatchItemViewSchema = z.object({
  index: z.number().int(),
  reference: z.string(),
  status: z.enum([
    'PENDING',
    'RUNNING',
    'COMPLETED',
    'FAILED',
    'ACTION_REQUIRED',
    'NOT_SUPPORTED',
    'TIMED_OUT',
    'CANCELED',
  ]),
  checkId: z.string().optional().describe('GET /v1/balance-checks/{checkId} for the full answer'),
  decision: z.enum(['SUFFICIENT', 'INSUFFICIENT', 'UNKNOWN']).optional(),
  reasonCode: z.string().optional(),
});

export const BatchItemsPageSchema = z.object({
  items: z.array(BatchItemViewSchema),
  nextCursor: z.string().nullable(),
});

export const ScheduleViewSchema = z.object({
  id: z.string(),
  paused: z.boolean(),
  note: z.string().nullable(),
  nextRuns: z.array(z.string()),
  timeZone: z.string(),
  batches: z.array(z.object({ firedAt: z.string(), batchId: z.string().optional() })),
});

export const ScheduleListSchema = z.object({ schedules: z.array(z.object({ id: z.string() })) });
