// Request and response schemas of /v1/balance-check-batches (zod): the routes validate with them and
// api/openapi.ts documents them. An item is the single-check question (StartCheckBody's rules) plus
// the caller's own reference.
import { z } from 'zod';
import { MAX_BATCH_ITEMS } from '../contracts/batch';
import { StartCheckBody } from './schemas';

const { maxAgeSeconds: _maxAge, ...questionShape } = StartCheckBody.shape;

export const BatchItemBody = z
  .strictObject({
    ...questionShape,
    reference: z
      .string()
      .min(1)
      .max(200)
      .describe('Your own id for this item (an invoice, a debit); returned with its result'),
  })
  .superRefine((item, ctx) => {
    // The same cross-field rules as a single check (memberId per provider, funding pairs).
    const { reference: _reference, ...question } = item;
    const single = StartCheckBody.safeParse(question);
    if (!single.success)
      for (const issue of single.error.issues) ctx.addIssue({ ...issue, code: 'custom' } as never);
  });
export type BatchItemBody = z.infer<typeof BatchItemBody>;

export const StartBatchBody = z.strictObject({
  items: z.array(BatchItemBody).min(1).max(MAX_BATCH_ITEMS),
  itemConcurrency: z
    .number()
    .int()
    .min(1)
    .max(100)
    .optional()
    .describe('Item checks in flight per page of 200 items (default 25); provider pacing applies on top'),
});

export const BatchItemsQuery = z.strictObject({
  cursor: z
    .string()
    .regex(/^\d{1,5}$/)
    .optional()
    .describe('nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(500).optional().describe('Items per page (default 100)'),
});

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
