// Freshness is decided here, once, for every provider: providers report what they saw (update
// timestamps, their own per-account refresh outcome, why an account cannot be refreshed) in an
// AccountRead, and decideFreshness turns that into REALTIME or CACHED with the reason. Pure, no I/O.
import type { NormalizedBalance, Reason } from './balance-check';
import type { AccountRead, BalancesRead } from './provider';

/** What freshness is judged against: whether this check's refresh succeeded, when it started, what is known cached. */
export interface FreshnessContext {
  refreshed: boolean;
  startedAt: string;
  /** Accounts the check already knows are CACHED, with why (per account, or '*' for all). */
  cachedReasons?: { accountId: string; reason: Reason }[];
}

/**
 * True when a balance stamped at updatedAtMs was written by the refresh that started at startedAt.
 * Providers stamp in whole units (granularityMs, e.g. seconds), so the start is floored to one: a
 * balance stamped in the refresh's first second counts, one stamped the second before does not.
 */
export function updatedSince(
  updatedAtMs: number | undefined,
  startedAt: string,
  granularityMs: number,
): boolean {
  if (updatedAtMs === undefined || Number.isNaN(updatedAtMs)) return false;
  const since = Math.floor(Date.parse(startedAt) / granularityMs) * granularityMs;
  return updatedAtMs >= since;
}

/** Why the account is CACHED (a reason, or null for CACHED without one), or undefined when REALTIME. */
function cachedBecause(
  account: AccountRead,
  ctx: FreshnessContext,
  granularityMs: number,
): Reason | null | undefined {
  const id = account.balance.accountId;
  const known =
    ctx.cachedReasons?.find((r) => r.accountId === id)?.reason ??
    ctx.cachedReasons?.find((r) => r.accountId === '*')?.reason;
  if (known) return known;
  if (account.unusable) return account.unusable;
  if (!ctx.refreshed) return account.notRefreshed ?? null;
  if (account.reported) return account.reported.updated ? undefined : account.reported.reason;
  if (updatedSince(account.updatedAtMs, ctx.startedAt, granularityMs)) return undefined;
  return account.notUpdated ?? NOT_UPDATED;
}

const NOT_UPDATED: Reason = {
  code: 'NOT_UPDATED_BY_REFRESH',
  message: 'The refresh completed but this account’s balance did not update',
};

/**
 * One place decides freshness: REALTIME only when this check's refresh succeeded and the provider
 * shows it updated the account (its own report, else an update time at/after the refresh start);
 * otherwise CACHED with the reason. Known reasons (the check's) come first, then the provider's.
 */
export function decideFreshness(read: BalancesRead, ctx: FreshnessContext): NormalizedBalance[] {
  return read.accounts.map((account) => {
    const reason = cachedBecause(account, ctx, read.timestampGranularityMs);
    const balance: NormalizedBalance = {
      ...account.balance,
      freshness: reason === undefined ? 'REALTIME' : 'CACHED',
    };
    if (reason) balance.note = reason;
    else delete balance.note;
    return balance;
  });
}
