// How a check ends, shared by the workflow's story (balance-check.ts) and its waits.
import type { CheckStatus, NormalizedBalance, Reason } from '../contracts/balance-check';

/** How a check ends: its status, why, and the balances read (if any). */
export class Finish {
  constructor(
    readonly status: CheckStatus,
    readonly reason?: Reason,
    readonly balances: NormalizedBalance[] = [],
  ) {}
}

/** Accounts known to be CACHED before any balance read, with why. */
export type CachedReasons = { accountId: string; reason: Reason }[];
