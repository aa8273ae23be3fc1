// The workflow's balance reads: what a read covers (every caller's accounts), refreshed or cached.
import * as wf from '@temporalio/workflow';
import type { NormalizedBalance, Reason } from '../contracts/balance-check';
import type { RefreshRef } from '../contracts/provider';
import { acts, withSummary } from './activity-options';
import type { CheckState } from './check-state';
import type { CachedReasons } from './finish';
import { setPhase } from './visibility';

/** What a balance read covers: every caller's accounts, pending amounts when someone asks for funding. */
export function balanceRead(state: CheckState, ref: RefreshRef) {
  const accountIds = state.accountsToRead();
  const withPending = state.callers.some((c) => !c.withdrawn && c.question.fundingAccountId !== undefined);
  return { ...ref, accountIds, withPending };
}

export async function readBalances(
  state: CheckState,
  ref: RefreshRef,
  refreshed: boolean,
  cachedReasons: CachedReasons,
): Promise<NormalizedBalance[]> {
  setPhase(state, 'READING_BALANCES');
  return acts.listBalances.executeWithOptions(
    withSummary(state, refreshed ? 'Read refreshed balances' : 'Read cached balances'),
    [{ ...balanceRead(state, ref), refreshed, cachedReasons }],
  );
}

/** After a failed refresh, the last known balances are still worth returning (marked CACHED). */
export async function readBalancesBestEffort(
  state: CheckState,
  ref: RefreshRef,
  cachedReasons: CachedReasons,
) {
  try {
    return await readBalances(state, ref, false, cachedReasons);
  } catch (err) {
    if (wf.isCancellation(err)) throw err;
    wf.log.warn('Could not read cached balances after a failed refresh', { error: (err as Error).message });
    return [];
  }
}

/** A reason that applies to every account ('*' is resolved by the provider when listing). */
export function allAccounts(reason: Reason) {
  return [{ accountId: '*', reason }];
}
