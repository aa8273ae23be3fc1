// Simulator modes that make Spinwheel behave the other way from each guess in assumptions.ts, so a
// test can run a check with the guess wrong (test/workflow/assumptions-wrong.test.ts).
import { REALTIME_BALANCE_CAPABILITY } from '../assumptions';

export interface SpinwheelAssumptionModes {
  /** GET …/liabilities/refresh/{extRequestId}: served, absent (404) or not allowed (405). */
  statusEndpoint: 'served' | 'absent' | 'method-not-allowed';
  /** The capability name a refresh body may carry; a body without capabilities refreshes the balance too. */
  capabilityName: string;
  /** An IN_PROGRESS webhook per card when its refresh starts. */
  inProgressWebhooks: boolean;
  /** Whether webhook data carries the extRequestId. */
  webhookExtRequestId: boolean;
  /** balanceDetails.updatedOn as epoch ms or as an ISO 8601 string. */
  updatedOnFormat: 'epoch-ms' | 'iso-8601';
  /** A refresh POST that replays a known extRequestId: the existing transaction, or 409. */
  replay: 'existing-transaction' | 'conflict';
}

export const DEFAULT_SPINWHEEL_MODES: SpinwheelAssumptionModes = {
  statusEndpoint: 'served',
  capabilityName: REALTIME_BALANCE_CAPABILITY,
  inProgressWebhooks: true,
  webhookExtRequestId: true,
  updatedOnFormat: 'epoch-ms',
  replay: 'existing-transaction',
};

/** A user's JSON as served: updatedOn rewritten when the mode says ISO 8601. */
export function presentUser<T extends { creditCards: Record<string, unknown>[] }>(
  user: T,
  modes: SpinwheelAssumptionModes,
): T {
  if (modes.updatedOnFormat === 'epoch-ms') return user;
  return {
    ...user,
    creditCards: user.creditCards.map((c) => {
      const details = c.balanceDetails as { updatedOn?: number } | undefined;
      if (!details || typeof details.updatedOn !== 'number') return c;
      return { ...c, balanceDetails: { ...details, updatedOn: new Date(details.updatedOn).toISOString() } };
    }),
  };
}
