// MX account/challenge/status → the project's normalized shapes. Pure functions.
import type {
  AccountKind,
  ChallengeView,
  Freshness,
  NormalizedBalance,
  Reason,
} from '../../contracts/balance-check';
import type { RefreshStatus } from '../../contracts/provider';
import { isKnownCurrency } from '../../money/currencies';
import { toMinorUnits, toMinorUnitsOrNull } from '../../money/decimal';
import type { MxAccount, MxChallenge, MxTransaction } from './schemas';

const KIND_GROUPS: [AccountKind, string[]][] = [
  ['DEPOSITORY', ['CHECKING', 'SAVINGS', 'PREPAID', 'CASH', 'MONEY_MARKET', 'CD', 'CERTIFICATE_OF_DEPOSIT']],
  ['CREDIT', ['CREDIT_CARD', 'LINE_OF_CREDIT', 'CHECKING_LINE_OF_CREDIT']],
  ['LOAN', ['LOAN', 'MORTGAGE', 'STUDENT_LOAN', 'AUTO_LOAN']],
  ['INVESTMENT', ['INVESTMENT', 'BROKERAGE', 'RETIREMENT']],
];
const KIND_BY_TYPE = new Map(KIND_GROUPS.flatMap(([kind, types]) => types.map((t) => [t, kind] as const)));

/** The account kind from MX `type`, falling back to `subtype` (MX puts MONEY_MARKET, CD… there). */
export function mxAccountKind(type: string | null | undefined, subtype?: string | null): AccountKind {
  return (
    KIND_BY_TYPE.get((type ?? '').toUpperCase()) ?? KIND_BY_TYPE.get((subtype ?? '').toUpperCase()) ?? 'OTHER'
  );
}

export interface NormalizeOptions {
  freshness: Freshness;
  note?: Reason;
}

/** An account MX names (guid is nullable in the spec; one without cannot be addressed or reported). */
export type NamedMxAccount = MxAccount & { guid: string };
export const isNamedMxAccount = (a: MxAccount): a is NamedMxAccount =>
  typeof a.guid === 'string' && a.guid !== '';

export function normalizeMxAccount(account: MxAccount, opts: NormalizeOptions): NormalizedBalance {
  const kind = mxAccountKind(account.type, account.subtype);
  // MX omits currency_code for many US institutions; its data is USD unless it says otherwise.
  const currency = (account.currency_code ?? 'USD').toUpperCase();
  const name = account.name ?? account.nickname;
  const base = {
    // The provider skips accounts without a guid (isNamedMxAccount); '' only guards the type.
    accountId: account.guid ?? '',
    ...(name ? { name } : {}),
    kind,
    ...(account.type
      ? { providerType: account.subtype ? `${account.type}/${account.subtype}` : account.type }
      : {}),
    currency,
    asOf: isoOrNull(account.updated_at),
    freshness: opts.freshness,
    ...(opts.note ? { note: opts.note } : {}),
  };
  if (!isKnownCurrency(currency)) {
    // A code we cannot scale exactly must not become a wrong amount: report no amounts, say why.
    const note = {
      code: 'UNKNOWN_CURRENCY',
      message: `MX account ${account.guid} has unknown currency ${currency}`,
    };
    return { ...base, current: null, available: null, limit: null, freshness: 'CACHED', note };
  }
  const minor = (v: number | null | undefined) => toMinorUnitsOrNull(v, currency);
  // Debt accounts: MX's balance is positive when owed, which is our convention for CREDIT/LOAN.
  if (kind === 'CREDIT') {
    return {
      ...base,
      current: minor(account.balance),
      available: minor(account.available_credit),
      limit: minor(account.credit_limit),
    };
  }
  if (kind === 'LOAN') {
    return { ...base, current: minor(account.balance), available: null, limit: minor(account.credit_limit) };
  }
  // Asset accounts: negative balance = overdrawn; available_balance often absent (null).
  return {
    ...base,
    current: minor(account.balance),
    available: minor(account.available_balance),
    limit: null,
  };
}

/**
 * Pending debits minus credits per account, in the account's minor units. MX amounts are positive
 * with `type` giving the direction; a missing type counts as a debit (the cautious side for funding).
 */
export function pendingByAccount(
  transactions: MxTransaction[],
  currencyOf: (accountGuid: string) => string,
): Map<string, number> {
  const sums = new Map<string, number>();
  for (const t of transactions) {
    if (t.status?.toUpperCase() !== 'PENDING' || t.amount === null || t.amount === undefined) continue;
    if (!t.account_guid) continue;
    const currency = currencyOf(t.account_guid);
    if (!isKnownCurrency(currency)) continue;
    const amount = Math.abs(toMinorUnits(t.amount, currency));
    const signed = t.type?.toUpperCase() === 'CREDIT' ? -amount : amount;
    sums.set(t.account_guid, (sums.get(t.account_guid) ?? 0) + signed);
  }
  return sums;
}

/** Statuses where MX is still working even with is_being_aggregated false (PROVIDERS.md). */
const WORKING_STATUSES = new Set(['CREATED', 'RECONNECTED', 'UPDATED', 'RESUMED']);

/**
 * MX member status → refresh state.
 * - CHALLENGED wins: MX keeps is_being_aggregated true while it waits for MFA answers.
 * - SUCCEEDED needs CONNECTED, not aggregating, and successfully_aggregated_at at or after the refresh
 *   start. MX timestamps have whole-second precision, so the start is compared at second precision.
 * - Any other status while not aggregating is an end state MX will not leave by itself → FAILED.
 */
export function mapMxConnectionStatus(
  status: string | null,
  isBeingAggregated: boolean,
  successfullyAggregatedAt: string | null,
  refreshStartedAt: string,
): RefreshStatus['state'] {
  const s = status?.toUpperCase() ?? null;
  if (s === 'CHALLENGED') return 'CHALLENGED';
  if (isBeingAggregated || s === null || WORKING_STATUSES.has(s)) return 'RUNNING';
  if (s === 'CONNECTED') {
    const done = successfullyAggregatedAt ? Date.parse(successfullyAggregatedAt) : NaN;
    const start = Math.floor(Date.parse(refreshStartedAt) / 1000) * 1000;
    return !Number.isNaN(done) && done >= start ? 'SUCCEEDED' : 'RUNNING';
  }
  return 'FAILED';
}

const FAILURE_MESSAGES: Record<string, string> = {
  DENIED: 'The institution refused the credentials or the MFA answer',
  EXPIRED: 'The MFA answer did not arrive in time',
  LOCKED: 'The account is locked at the institution',
  IMPEDED: 'The user must act on the institution website',
  PREVENTED: 'MX stopped after repeated failed logins; new credentials are needed',
  REJECTED: 'The MFA answer was rejected',
  DISCONNECTED: 'MX could not connect to the institution',
  FAILED: 'MX could not complete the job',
};

/** Reason for a FAILED state: code PROVIDER_<STATUS>. */
export function mxFailureReason(status: string | null): Reason {
  const s = (status ?? 'UNKNOWN').toUpperCase();
  return { code: `PROVIDER_${s}`, message: FAILURE_MESSAGES[s] ?? `MX connection status ${s}` };
}

// MX guides show integer challenge types; this order is MX's documented enum order (assumption).
const CHALLENGE_TYPES = ['TEXT', 'OPTIONS', 'TOKEN', 'IMAGE_DATA', 'IMAGE_OPTIONS'] as const;

/** MX challenge → what the caller sees: question, options (guid as id); never answers we sent. */
export function toChallengeView(challenge: MxChallenge): ChallengeView {
  const raw = challenge.type;
  const type =
    (typeof raw === 'number'
      ? CHALLENGE_TYPES[raw]
      : CHALLENGE_TYPES.find((t) => t === raw?.toUpperCase())) ?? 'TEXT';
  const options = [...(challenge.options ?? []), ...(challenge.image_options ?? [])].map((o) => ({
    id: o.guid ?? o.value ?? '',
    label: o.label ?? o.value ?? '',
    value: o.value ?? o.guid ?? '',
  }));
  return {
    // guid is nullable in the spec: the field name is the next best handle for the caller.
    id: challenge.guid ?? challenge.field_name ?? '',
    type,
    label: challenge.label ?? challenge.field_name ?? 'Answer the question from your bank',
    ...(challenge.field_name ? { fieldName: challenge.field_name } : {}),
    ...(options.length > 0 ? { options } : {}),
    ...(challenge.image_data ? { imageData: challenge.image_data } : {}),
  };
}

function isoOrNull(value: string | null | undefined): string | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
