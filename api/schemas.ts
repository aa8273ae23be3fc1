// Request schemas of the API (zod), built from the provider registrations the API admits: the handlers
// validate with them and openapi.ts documents them.
import { z } from 'zod';
import { KNOWN_CURRENCIES } from '../money/currencies';
import type { AnyProviderRegistration } from '../providers/registration';

/** Provider ids: no ':' (it separates parts of the workflow id), bounded length. */
const PROVIDER_ID = /^[A-Za-z0-9._@-]{1,128}$/;
const PROVIDER_ID_RULE = 'letters, digits, . _ @ - (1–128 characters)';
export const ProviderId = z.string().regex(PROVIDER_ID, PROVIDER_ID_RULE);

export const MoneySchema = z.strictObject({
  amount: z
    .number()
    .int()
    .min(0)
    .max(Number.MAX_SAFE_INTEGER)
    .describe('Integer minor units (e.g. 1999 = $19.99)'),
  currency: z.enum(KNOWN_CURRENCIES as [string, ...string[]], {
    error: 'an ISO 4217 currency code (upper case) we know the minor units of',
  }),
});

const Timeouts = z.strictObject({
  overallSeconds: z.number().int().min(5).max(3600).optional(),
  mfaSeconds: z.number().int().min(5).max(1800).optional(),
  pollIntervalSeconds: z.number().int().min(1).max(300).optional(),
  maxPollIntervalSeconds: z.number().int().min(1).max(600).optional(),
});

/** The fields every provider's question shares (a single check's and a batch item's). */
const QUESTION = {
  accountIds: z.array(ProviderId).min(1).max(100).optional(),
  fundingAccountId: ProviderId.optional().describe('With requiredAmount: can this account fund it?'),
  requiredAmount: MoneySchema.optional().describe('With fundingAccountId'),
  timeouts: Timeouts.optional(),
};

/**
 * A single check's own fields: it may be answered from a recent one (no provider call), and sends its
 * events to a callback URL (a batch's items do neither: the batch has its own callback).
 */
const SINGLE_CHECK = {
  maxAgeSeconds: z
    .number()
    .int()
    .min(0)
    .max(86_400)
    .optional()
    .describe(
      'Answer with the most recent completed check of this resource if it is at most this old (no provider call)',
    ),
  callbackUrl: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .optional()
    .describe(
      'Send this check’s events (Standard Webhooks, signed with the key’s secret) here; must match the key’s callback allow-list',
    ),
};

/** `resource` as this provider names it: memberId required, or forbidden (then it is reported as unknown). */
function resourceSchema(r: AnyProviderRegistration) {
  const { userId, memberId } = r.resource;
  if (memberId.presence === 'required') {
    return z.strictObject({
      userId: ProviderId.describe(userId),
      memberId: z
        .string({ error: (i) => (i.input === undefined ? `required for ${r.name}` : undefined) })
        .regex(PROVIDER_ID, PROVIDER_ID_RULE)
        .describe(memberId.meaning),
    });
  }
  return z
    .strictObject(
      { userId: ProviderId.describe(userId) },
      {
        error: (issue) =>
          issue.code === 'unrecognized_keys' && issue.keys.includes('memberId')
            ? `no memberId for ${r.name}: ${memberId.why}`
            : undefined,
      },
    )
    .describe(`No memberId: ${memberId.why}`);
}

/**
 * A check's question, one variant per registered provider (its resource shape), discriminated by
 * `provider`, with `extra` fields beside the shared ones. Every rule is in the schema, so the OpenAPI
 * document states it: memberId required or forbidden per provider, fundingAccountId and requiredAmount
 * together (dependentRequired), the currencies.
 */
export function providerQuestion<E extends z.core.$ZodLooseShape>(
  registrations: readonly AnyProviderRegistration[],
  extra: E,
  title = 'check',
) {
  const names = registrations.map((r) => r.name);
  const variants = registrations.map((r) =>
    z
      .strictObject({
        provider: z.literal(r.name).describe(r.title),
        resource: resourceSchema(r),
        ...QUESTION,
        ...extra,
      })
      .meta({
        title: `${r.title} ${title}`,
        dependentRequired: { fundingAccountId: ['requiredAmount'], requiredAmount: ['fundingAccountId'] },
      }),
  );
  return z
    .discriminatedUnion('provider', variants as [(typeof variants)[number], ...typeof variants], {
      error: (issue) => (issue.code === 'invalid_union' ? `one of ${names.join(', ')}` : undefined),
    })
    .check((ctx) => {
      const body = ctx.value as { fundingAccountId?: string; requiredAmount?: unknown };
      if ((body.fundingAccountId === undefined) !== (body.requiredAmount === undefined)) {
        ctx.issues.push({
          code: 'custom',
          input: body,
          path: [body.fundingAccountId === undefined ? 'fundingAccountId' : 'requiredAmount'],
          message: 'fundingAccountId and requiredAmount go together',
        });
      }
    });
}

/** POST /v1/balance-checks: the question, how old a reused answer may be, where its events go. */
export function startCheckBody(registrations: readonly AnyProviderRegistration[]) {
  return providerQuestion(registrations, SINGLE_CHECK);
}
export type StartCheckBody = z.infer<ReturnType<typeof startCheckBody>>;

export const MfaBody = z.strictObject({
  answers: z
    .array(z.strictObject({ challengeId: z.string().min(1).max(200), value: z.string().min(1).max(1000) }))
    .min(1)
    .max(20),
});

/** A provider event a relay has already verified upstream (POST /v1/balance-checks/{id}/events). */
export function checkEventBody(registrations: readonly AnyProviderRegistration[]) {
  return z.strictObject({
    eventId: z.string().min(1).max(300).describe('Provider event id; repeated ids are dropped'),
    provider: z.enum(registrations.map((r) => r.name) as [string, ...string[]]),
    kind: z.enum(['REFRESH_STARTED', 'REFRESH_COMPLETED', 'REFRESH_FAILED', 'STATUS_CHANGED']),
    providerStatus: z.string().min(1).max(100).optional(),
    occurredAt: z.iso
      .datetime({ offset: true })
      .describe(
        'When the provider says it happened: required, so the check can reject stale or future-stamped events',
      ),
    refreshId: z.string().min(1).max(300).optional(),
  });
}

/** The request schemas of an API admitting these providers (createApp builds them once). */
export function requestSchemas(registrations: readonly AnyProviderRegistration[]) {
  return { startCheck: startCheckBody(registrations), checkEvent: checkEventBody(registrations) };
}
export type RequestSchemas = ReturnType<typeof requestSchemas>;

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
