// Response shapes of Meld's Bank Linking API (docs.meld.io API reference). Unknown fields are
// stripped, not rejected: Meld adds fields over time. Optional-looking fields are nullish because
// Meld's samples show them as null for some service providers.
import { z } from 'zod';

/** Money is a JSON number in major units; null or absent when the institution does not report it. */
const money = z.number().nullish();

export const meldBalancesSchema = z.object({
  currency: z.string().nullish(),
  currentAmount: money,
  availableAmount: money,
  updatedAt: z.string().nullish(),
});

export const meldAccountSchema = z.object({
  id: z.string(),
  accountId: z.string().nullish(),
  customerId: z.string().nullish(),
  externalCustomerId: z.string().nullish(),
  connectionIds: z.array(z.string()).nullish(),
  institutionId: z.string().nullish(),
  institutionName: z.string().nullish(),
  /** Position in a paginated list: the `after` cursor for the next page. */
  key: z.string().nullish(),
  name: z.string().nullish(),
  truncatedAccountNumber: z.string().nullish(),
  status: z.string().nullish(),
  type: z.string().nullish(),
  subtype: z.string().nullish(),
  balances: meldBalancesSchema.nullish(),
});
export type MeldAccount = z.infer<typeof meldAccountSchema>;

export const meldAccountPageSchema = z.object({
  count: z.number().nullish(),
  financialAccounts: z.array(meldAccountSchema),
});

export const meldConnectionSchema = z.object({
  id: z.string(),
  customerId: z.string().nullish(),
  externalCustomerId: z.string().nullish(),
  institutionId: z.string().nullish(),
  institutionName: z.string().nullish(),
  key: z.string().nullish(),
  status: z.string(),
  statusReason: z.string().nullish(),
  successfullyAggregatedAt: z.string().nullish(),
  products: z.array(z.string()).nullish(),
  serviceProviderDetails: z.unknown().optional(),
});
export type MeldConnection = z.infer<typeof meldConnectionSchema>;

export const meldConnectionListSchema = z.object({
  connections: z.array(meldConnectionSchema),
  count: z.number().nullish(),
  remaining: z.number().nullish(),
});

export const meldRefreshAnswerSchema = z.object({
  requestId: z.string(),
  serviceProviderDetails: z.unknown().optional(),
});

/** Meld's error body; every field optional because we only read it to enrich messages. */
export const meldErrorBodySchema = z.object({
  code: z.string().nullish(),
  message: z.string().nullish(),
  errors: z.array(z.unknown()).nullish(),
  requestId: z.string().nullish(),
  timestamp: z.string().nullish(),
});
export type MeldErrorBody = z.infer<typeof meldErrorBodySchema>;

/** One transaction (assumption: see MELD_ASSUMPTIONS.pendingTransactionsPath). Positive = money out. */
export const meldTransactionSchema = z.object({
  id: z.string(),
  key: z.string().nullish(),
  financialAccountId: z.string().nullish(),
  accountId: z.string().nullish(),
  amount: z.number(),
  currency: z.string(),
  status: z.string().nullish(),
  description: z.string().nullish(),
  transactionDate: z.string().nullish(),
  postedDate: z.string().nullish(),
});
export type MeldTransaction = z.infer<typeof meldTransactionSchema>;

export const meldTransactionPageSchema = z.object({
  count: z.number().nullish(),
  financialAccountTransactions: z.array(meldTransactionSchema),
  remaining: z.number().nullish(),
});

/** Webhook envelope (docs: "All webhook events have the same attributes"). */
export const meldWebhookSchema = z.object({
  eventType: z.string(),
  eventId: z.string(),
  timestamp: z.string().nullish(),
  accountId: z.string().nullish(),
  profileId: z.string().nullish(),
  version: z.string().nullish(),
  payload: z
    .object({
      requestId: z.string().nullish(),
      customerId: z.string().nullish(),
      externalCustomerId: z.string().nullish(),
      connectionId: z.string().nullish(),
      institutionId: z.string().nullish(),
      newStatus: z.string().nullish(),
      oldStatus: z.string().nullish(),
      reason: z.string().nullish(),
    })
    .nullish(),
});
export type MeldWebhook = z.infer<typeof meldWebhookSchema>;
