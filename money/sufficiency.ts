// "Can this account fund this amount?" — a pure decision over normalized balances.
import type { Money, NormalizedBalance, Sufficiency, SufficiencyBasis } from '../contracts/balance-check';

export function decideSufficiency(
  balances: NormalizedBalance[],
  fundingAccountId: string,
  requiredAmount: Money,
): Sufficiency {
  const base = { fundingAccountId, requiredAmount };
  const unknown = (code: string, message: string, basis: SufficiencyBasis = 'NONE'): Sufficiency => ({
    ...base,
    decision: 'UNKNOWN',
    basis,
    availableAmount: null,
    reason: { code, message },
  });
  // The API validates amounts, but the workflow can be started directly: never compare against garbage.
  if (!Number.isSafeInteger(requiredAmount.amount) || requiredAmount.amount < 0) {
    return unknown('INVALID_AMOUNT', 'The required amount must be a non-negative integer in minor units');
  }
  const account = balances.find((b) => b.accountId === fundingAccountId);
  if (!account) return unknown('ACCOUNT_NOT_FOUND', `No balance for account ${fundingAccountId}`);
  // ISO 4217 codes are case-insensitive in practice: compare them upper-cased on both sides.
  if (account.currency.toUpperCase() !== requiredAmount.currency.toUpperCase()) {
    return unknown(
      'CURRENCY_MISMATCH',
      `Account is in ${account.currency}, the required amount in ${requiredAmount.currency}`,
    );
  }
  const spendable = spendableAmount(account);
  if (!spendable) {
    return unknown(
      'NO_SPENDABLE_BALANCE',
      'The provider gave neither an available balance nor a current balance with pending transactions',
    );
  }
  return {
    ...base,
    decision: spendable.amount >= requiredAmount.amount ? 'SUFFICIENT' : 'INSUFFICIENT',
    basis: spendable.basis,
    availableAmount: { amount: spendable.amount, currency: account.currency.toUpperCase() },
    // A decision on a cached balance says so: the caller decides whether that is good enough.
    ...(account.freshness === 'CACHED'
      ? { reason: account.note ?? { code: 'CACHED_BALANCE', message: 'Decided on a cached balance' } }
      : {}),
  };
}

function spendableAmount(account: NormalizedBalance): { amount: number; basis: SufficiencyBasis } | null {
  if (account.kind === 'CREDIT') {
    if (account.available !== null) return { amount: account.available, basis: 'AVAILABLE_CREDIT' };
    if (account.limit !== null && account.current !== null) {
      return {
        amount: account.limit - account.current - (account.pending ?? 0),
        basis: 'CURRENT_LESS_PENDING',
      };
    }
    return null;
  }
  if (account.kind === 'LOAN') return null;
  if (account.available !== null) return { amount: account.available, basis: 'AVAILABLE' };
  if (account.current !== null && account.pending !== undefined && account.pending !== null) {
    return { amount: account.current - account.pending, basis: 'CURRENT_LESS_PENDING' };
  }
  return null;
}
