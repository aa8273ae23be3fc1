// Spinwheel response shapes (zod). Objects are loose: Spinwheel adds fields freely and we read few.
// Fields marked unconfirmed are optional; see assumptions.ts.
import { z } from 'zod';

/** Spinwheel money: JSON numbers in dollars. */
const amount = z.number().nullish();
/**
 * Spinwheel timestamps: epoch milliseconds (assumptions.ts: updated-on-epoch-ms). An ISO 8601 string is
 * read too, and one that does not parse becomes null rather than failing the whole user read.
 */
const epochMs = z
  .union([
    z.number().int(),
    z.string().transform((v) => {
      const ms = Date.parse(v);
      return Number.isNaN(ms) ? null : ms;
    }),
  ])
  .nullish();

export const RealtimeBalanceCapabilitySchema = z.looseObject({
  availability: z.enum(['SUPPORTED', 'NOT_SUPPORTED', 'FIELD_ERROR']),
  description: z.string().nullish(),
  nextEligibleRefreshOn: epochMs,
  fieldErrors: z.array(z.looseObject({ field: z.string(), error: z.string() })).nullish(),
});

export const CreditCardSchema = z.looseObject({
  id: z.string().min(1),
  displayName: z.string().nullish(),
  issuer: z.string().nullish(),
  capabilities: z
    .looseObject({
      data: z.looseObject({ realtimeBalance: RealtimeBalanceCapabilitySchema.nullish() }).nullish(),
    })
    .nullish(),
  // Unconfirmed field names (assumptions.ts: balance-details-fields).
  balanceDetails: z
    .looseObject({
      outstandingBalance: amount,
      availableCredit: amount,
      minimumPaymentDue: amount,
      updatedOn: epochMs,
    })
    .nullish(),
  cardProfile: z.looseObject({ creditLimit: amount }).nullish(),
  statementSummary: z.looseObject({ statementBalance: amount }).nullish(),
});

export const UserSchema = z.looseObject({
  userId: z.string().nullish(),
  // A user without cards may omit the list.
  creditCards: z
    .array(CreditCardSchema)
    .nullish()
    .transform((cards) => cards ?? []),
});

export const REFRESH_STATUSES = ['IN_PROGRESS', 'COMPLETED', 'FAILED'] as const;
export const RefreshStatusValueSchema = z.enum(REFRESH_STATUSES);

export const RefreshItemSchema = z.looseObject({
  refreshTransactionStatus: RefreshStatusValueSchema,
  refreshTransactionId: z.string().nullish(),
  creditCardId: z.string().min(1),
  nextEligibleRefreshOn: epochMs,
});

/** Every Spinwheel answer: `{status: {code, desc}, data}`. */
export function envelope<T extends z.ZodType>(data: T) {
  return z.looseObject({
    status: z.looseObject({ code: z.union([z.number(), z.string()]), desc: z.string().nullish() }),
    data,
  });
}

export const UserResponseSchema = envelope(UserSchema);
export const RefreshResponseSchema = envelope(z.array(RefreshItemSchema));
// Assumed identical to the refresh answer (assumptions.ts: status-answer-shape).
export const RefreshStatusResponseSchema = RefreshResponseSchema;

export type SpinwheelCreditCard = z.infer<typeof CreditCardSchema>;
export type SpinwheelUser = z.infer<typeof UserSchema>;
export type SpinwheelRefreshItem = z.infer<typeof RefreshItemSchema>;
export type SpinwheelRefreshStatus = z.infer<typeof RefreshStatusValueSchema>;
export type RealtimeBalanceCapability = z.infer<typeof RealtimeBalanceCapabilitySchema>;
