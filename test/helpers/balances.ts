// A plain USD checking balance for tests that care about freshness and notes, not amounts.
import type { Freshness, NormalizedBalance } from '../../contracts/balance-check';

export const depositoryBalance = (
  accountId: string,
  freshness: Freshness = 'REALTIME',
): NormalizedBalance => ({
  accountId,
  kind: 'DEPOSITORY',
  currency: 'USD',
  current: 100,
  available: 90,
  limit: null,
  asOf: null,
  freshness,
});
