// Meld account → NormalizedBalance. Exact minor units through money/decimal (never x*100).
import type { AccountKind, Freshness, NormalizedBalance, Reason } from '../../contracts/balance-check';
import { toMinorUnits, toMinorUnitsOrNull } from '../../money/decimal';
import { MELD_ASSUMPTIONS } from './assumptions';
import type { MeldAccount, MeldTransaction } from './schemas';

const KIND_BY_NAME: Record<string, AccountKind> = {
  DEPOSITORY: 'DEPOSITORY',
  CHECKING: 'DEPOSITORY',
  SAVINGS: 'DEPOSITORY',
  MONEY_MARKET: 'DEPOSITORY',
  CD: 'DEPOSITORY',
  PREPAID: 'DEPOSITORY',
  CREDIT: 'CREDIT',
  CREDIT_CARD: 'CREDIT',
  LINE_OF_CREDIT: 'CREDIT',
  LOAN: 'LOAN',
  MORTGAGE: 'LOAN',
  STUDENT: 'LOAN',
  AUTO: 'LOAN',
  INVESTMENT: 'INVESTMENT',
  BROKERAGE: 'INVESTMENT',
  RETIREMENT: 'INVESTMENT',
};

/** Meld's type decides; the subtype only helps when the type is missing or unfamiliar. */
export function meldAccountKind(type?: string | null, subtype?: string | null): AccountKind {
  const byType = type ? KIND_BY_NAME[type.toUpperCase()] : undefined;
  if (byType) return byType;
  const bySubtype = subtype ? KIND_BY_NAME[subtype.toUpperCase()] : undefined;
  return bySubtype ?? 'OTHER';
}

export interface NormalizeOptions {
  freshness: Freshness;
  note?: Reason;
  /** Sum of pending debits minus credits in minor units, when read for this account. */
  pending?: number | null;
}

/**
 * Sign convention: Meld keeps balances positive for every kind, and for CREDIT/LOAN a positive
 * currentAmount is what the customer owes — exactly our contract, so amounts pass through unchanged
 * (a negative credit balance stays negative: the issuer owes the customer). For CREDIT,
 * availableAmount is read as available credit (MELD_ASSUMPTIONS.creditAvailableIsAvailableCredit).
 */
export function normalizeMeldAccount(account: MeldAccount, opts: NormalizeOptions): NormalizedBalance {
  const balances = account.balances ?? undefined;
  const currency = (balances?.currency ?? MELD_ASSUMPTIONS.currencyWhenAbsent).toUpperCase();
  const normalized: NormalizedBalance = {
    accountId: account.id,
    name: account.name ?? undefined,
    kind: meldAccountKind(account.type, account.subtype),
    providerType: [account.type, account.subtype].filter(Boolean).join('/') || undefined,
    currency,
    current: toMinorUnitsOrNull(balances?.currentAmount, currency),
    available: toMinorUnitsOrNull(balances?.availableAmount, currency),
    // Meld's balances carry no credit limit.
    limit: null,
    asOf: balances?.updatedAt ?? null,
    freshness: opts.freshness,
  };
  if (opts.pending !== undefined) normalized.pending = opts.pending;
  if (opts.note) normalized.note = opts.note;
  return normalized;
}

/**
 * Pending total in minor units. Meld signage: positive = money out of the account, negative = in,
 * which is our "debits minus credits". Transactions in another currency cannot be summed and are skipped.
 */
export function sumPendingMinorUnits(transactions: MeldTransaction[], currency: string): number {
  return transactions
    .filter(
      (t) =>
        (t.status ?? 'PENDING').toUpperCase() === 'PENDING' &&
        t.currency.toUpperCase() === currency.toUpperCase(),
    )
    .reduce((sum, t) => sum + toMinorUnits(t.amount, currency), 0);
}
