// zod schemas for the MX Platform API (v20250224) answers we read. Objects are not strict:
// MX adds fields without a version bump, so unknown keys are accepted (and stripped).
// The fields we read are typed exactly; money fields are JSON numbers in major units, nullable.
// As lenient as the spec (v20250224) and no more: it marks no property required, and guids nullable,
// so pagination, its fields and the record lists may be absent and guids null.
import { z } from 'zod';

const money = z.number().nullish();
const text = z.string().nullish();

export const mxPaginationSchema = z.object({
  current_page: z.number().int().nullish(),
  per_page: z.number().int().nullish(),
  total_entries: z.number().int().nullish(),
  total_pages: z.number().int().nullish(),
});

const mxOptionSchema = z.object({
  // Nullable in the spec; the view falls back to the value as the option id.
  guid: text,
  label: text,
  value: text,
  data_uri: text,
});

export const mxChallengeSchema = z.object({
  // Nullable in the spec; such a challenge cannot be answered by guid, so it is shown without one.
  guid: text,
  label: text,
  // The spec says string (TEXT, OPTIONS…); MX's own guides show integer ids (0 = TEXT). Accept both.
  type: z.union([z.string(), z.number().int()]).nullish(),
  field_name: text,
  options: z.array(mxOptionSchema).nullish(),
  image_data: text,
  image_options: z.array(mxOptionSchema).nullish(),
});

/** Fields shared by the member status body and the full member body. */
const memberFields = {
  guid: text,
  connection_status: text,
  is_being_aggregated: z.boolean().nullish(),
  is_authenticated: z.boolean().nullish(),
  aggregated_at: text,
  successfully_aggregated_at: text,
  challenges: z.array(mxChallengeSchema).nullish(),
};

export const mxMemberStatusSchema = z.object(memberFields);
export const mxMemberSchema = z.object({
  ...memberFields,
  user_guid: text,
  connection_status_message: text,
  most_recent_job_guid: text,
});

export const mxMemberStatusBodySchema = z.object({ member: mxMemberStatusSchema });
export const mxMemberBodySchema = z.object({ member: mxMemberSchema });

const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullish()
    .transform((v) => v ?? []);

export const mxChallengesBodySchema = z.object({
  challenges: list(mxChallengeSchema),
  pagination: mxPaginationSchema.nullish(),
});

export const mxAccountSchema = z.object({
  // Nullable in the spec: an account without a guid cannot be named and is skipped by the provider.
  guid: text,
  member_guid: text,
  name: text,
  nickname: text,
  type: text,
  subtype: text,
  currency_code: text,
  balance: money,
  available_balance: money,
  available_credit: money,
  credit_limit: money,
  statement_balance: money,
  updated_at: text,
  is_closed: z.boolean().nullish(),
});

export const mxAccountsPageSchema = z.object({
  accounts: list(mxAccountSchema),
  pagination: mxPaginationSchema.nullish(),
});

/** readAccountByMember: `{account}`. */
export const mxAccountBodySchema = z.object({ account: mxAccountSchema });

export const mxTransactionSchema = z.object({
  guid: text,
  account_guid: text,
  member_guid: text,
  amount: money,
  // CREDIT | DEBIT; MX sends amounts as positive numbers and the direction here.
  type: text,
  // PENDING | POSTED
  status: text,
  currency_code: text,
  date: text,
  transacted_at: text,
});

export const mxTransactionsPageSchema = z.object({
  transactions: list(mxTransactionSchema),
  pagination: mxPaginationSchema.nullish(),
});

export type MxPagination = z.infer<typeof mxPaginationSchema>;
export type MxChallenge = z.infer<typeof mxChallengeSchema>;
export type MxMemberStatus = z.infer<typeof mxMemberStatusSchema>;
export type MxMember = z.infer<typeof mxMemberSchema>;
export type MxAccount = z.infer<typeof mxAccountSchema>;
export type MxTransaction = z.infer<typeof mxTransactionSchema>;
