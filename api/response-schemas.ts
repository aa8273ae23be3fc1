// Response schemas (zod) mirroring contracts/balance-check.ts: the OpenAPI document is generated from
// them, and the contract test validates real responses against that document.
import { z } from 'zod';
import { CHECK_PHASES } from '../contracts/balance-check';

const Provider = z.string().describe('The provider the check ran at (one the API admits)');
const Instant = z.string().describe('ISO 8601 date-time');
const Money = z.object({ amount: z.number().int(), currency: z.string() });
const Reason = z.object({ code: z.string(), message: z.string(), retryAt: Instant.optional() });
const Resource = z.object({ userId: z.string(), memberId: z.string().optional() });
const Phase = z.enum(CHECK_PHASES);

const Balance = z.object({
  accountId: z.string(),
  name: z.string().optional(),
  kind: z.enum(['DEPOSITORY', 'CREDIT', 'LOAN', 'INVESTMENT', 'OTHER']),
  providerType: z.string().optional(),
  currency: z.string(),
  current: z.number().int().nullable(),
  available: z.number().int().nullable(),
  limit: z.number().int().nullable(),
  pending: z.number().int().nullable().optional(),
  asOf: Instant.nullable(),
  freshness: z.enum(['REALTIME', 'CACHED']),
  note: Reason.optional(),
});

const Sufficiency = z.object({
  decision: z.enum(['SUFFICIENT', 'INSUFFICIENT', 'UNKNOWN']),
  basis: z.enum(['AVAILABLE', 'AVAILABLE_CREDIT', 'CURRENT_LESS_PENDING', 'NONE']),
  fundingAccountId: z.string(),
  requiredAmount: Money,
  availableAmount: Money.nullable(),
  reason: Reason.optional(),
});

export const CheckResultSchema = z.object({
  status: z.enum(['COMPLETED', 'FAILED', 'ACTION_REQUIRED', 'NOT_SUPPORTED', 'TIMED_OUT', 'CANCELED']),
  provider: Provider,
  resource: Resource,
  reason: Reason.optional(),
  balances: z.array(Balance),
  sufficiency: Sufficiency.optional(),
  startedAt: Instant,
  finishedAt: Instant,
  polls: z.number().int(),
  eventsAccepted: z.number().int(),
  mfaRounds: z.number().int(),
});

export const ChallengeSchema = z.object({
  id: z.string(),
  type: z.enum(['TEXT', 'OPTIONS', 'TOKEN', 'IMAGE_DATA', 'IMAGE_OPTIONS']),
  label: z.string(),
  fieldName: z.string().optional(),
  options: z.array(z.object({ id: z.string(), label: z.string(), value: z.string() })).optional(),
  imageData: z.string().optional(),
});

export const CheckViewSchema = z.object({
  id: z.string().describe('Opaque check id'),
  workflowId: z.string(),
  runId: z.string(),
  status: z
    .enum([
      'RUNNING',
      'CANCELING',
      'COMPLETED',
      'FAILED',
      'ACTION_REQUIRED',
      'NOT_SUPPORTED',
      'TIMED_OUT',
      'CANCELED',
    ])
    .describe('RUNNING while the check runs; then the result status'),
  phase: Phase.nullable().optional(),
  challenges: z
    .array(ChallengeSchema)
    .optional()
    .describe('Pending MFA challenges (labels and options, never answers)'),
  polls: z.number().int().optional(),
  nextPollAt: Instant.nullable().optional(),
  deadline: Instant.optional(),
  result: CheckResultSchema.optional(),
});

export const ProblemSchema = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

export const MfaAcceptedSchema = z.object({ accepted: z.literal(true), round: z.number().int() });
export const EventAcceptedSchema = z.object({ status: z.enum(['signaled', 'duplicate']) });
export const WebhookAcceptedSchema = z.object({
  status: z.enum(['ignored', 'duplicate', 'no-running-check']),
  reason: z.string().optional(),
});
export const HealthSchema = z.object({ status: z.enum(['ok', 'ready']), temporal: z.string().optional() });
