// Request schemas of the API (zod): the handlers validate with them and openapi.ts documents them.
import { z } from 'zod';
import { PROVIDER_NAMES } from '../contracts/balance-check';
import { isKnownCurrency } from '../money/currencies';

/** Provider ids: no ':' (it separates parts of the workflow id), bounded length. */
export const ProviderId = z
  .string()
  .regex(/^[A-Za-z0-9._@-]{1,128}$/, 'letters, digits, . _ @ - (1–128 characters)');

export const MoneySchema = z.strictObject({
  amount: z
    .number()
    .int()
    .min(0)
    .max(Number.MAX_SAFE_INTEGER)
    .describe('Integer minor units (e.g. 1999 = $19.99)'),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'an ISO 4217 code in upper case')
    .refine(isKnownCurrency, 'an ISO 4217 currency we know the minor units of'),
});

export const StartCheckBody = z
  .strictObject({
    provider: z.enum(PROVIDER_NAMES),
    resource: z.strictObject({ userId: ProviderId, memberId: ProviderId.optional() }),
    accountIds: z.array(ProviderId).min(1).max(100).optional(),
    fundingAccountId: ProviderId.optional(),
    requiredAmount: MoneySchema.optional(),
    callbackUrl: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .optional()
      .describe(
        'Send this check’s events (Standard Webhooks, signed with the key’s secret) here; must match the key’s callback allow-list',
      ),
    maxAgeSeconds: z
      .number()
      .int()
      .min(0)
      .max(86_400)
      .optional()
      .describe(
        'Answer with the most recent completed check of this resource if it is at most this old (no provider call)',
      ),
    timeouts: z
      .strictObject({
        overallSeconds: z.number().int().min(5).max(3600).optional(),
        mfaSeconds: z.number().int().min(5).max(1800).optional(),
        pollIntervalSeconds: z.number().int().min(1).max(300).optional(),
        maxPollIntervalSeconds: z.number().int().min(1).max(600).optional(),
      })
      .optional(),
  })
  .superRefine((body, ctx) => {
    if (body.provider !== 'spinwheel' && !body.resource.memberId) {
      ctx.addIssue({
        code: 'custom',
        path: ['resource', 'memberId'],
        message: `required for ${body.provider}`,
      });
    }
    if (body.provider === 'spinwheel' && body.resource.memberId) {
      ctx.addIssue({
        code: 'custom',
        path: ['resource', 'memberId'],
        message: 'spinwheel checks name a user only',
      });
    }
    if ((body.fundingAccountId === undefined) !== (body.requiredAmount === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['requiredAmount'],
        message: 'fundingAccountId and requiredAmount go together',
      });
    }
  });
export type StartCheckBody = z.infer<typeof StartCheckBody>;

export const MfaBody = z.strictObject({
  answers: z
    .array(z.strictObject({ challengeId: z.string().min(1).max(200), value: z.string().min(1).max(1000) }))
    .min(1)
    .max(20),
});

/** A provider event a relay has already verified upstream (POST /v1/balance-checks/{id}/events). */
export const CheckEventBody = z.strictObject({
  eventId: z.string().min(1).max(300).describe('Provider event id; repeated ids are dropped'),
  provider: z.enum(PROVIDER_NAMES),
  kind: z.enum(['REFRESH_STARTED', 'REFRESH_COMPLETED', 'REFRESH_FAILED', 'STATUS_CHANGED']),
  providerStatus: z.string().min(1).max(100).optional(),
  occurredAt: z.iso
    .datetime({ offset: true })
    .describe('When the provider says it happened: required, so the check can reject stale or future-stamped events'),
  refreshId: z.string().min(1).max(300).optional(),
});

/** Idempotency-Key: printable ASCII, as Stripe accepts (≤ 255). */
export const IdempotencyKeyHeader = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, '1–255 printable ASCII characters, no spaces')
  .optional();

export const CheckIdParam = z.string().describe('Opaque check id (chk_…) from the Location header');

/** `Prefer: wait=N` (RFC 7240), N ≤ 30 seconds. */
export function parsePreferWait(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const m = /(?:^|[,;\s])wait=(\d{1,4})(?:$|[,;\s])/.exec(header);
  if (!m) return undefined;
  return Math.min(Number(m[1]), 30);
}
