// A funding decision made on a cached balance carries a reason a caller can show as it is.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideSufficiency } from '../../money/sufficiency';

describe('sufficiency on a cached balance', () => {
  it('says, in words, that the balance was cached when the provider gave no note', () => {
    const decision = decideSufficiency(
      [
        {
          accountId: 'A',
          kind: 'DEPOSITORY',
          currency: 'usd',
          current: 900,
          available: 800,
          limit: null,
          asOf: null,
          freshness: 'CACHED',
        },
      ],
      'A',
      { amount: 800, currency: 'USD' },
    );
    assert.deepEqual(decision, {
      fundingAccountId: 'A',
      requiredAmount: { amount: 800, currency: 'USD' },
      decision: 'SUFFICIENT',
      basis: 'AVAILABLE',
      availableAmount: { amount: 800, currency: 'USD' },
      reason: { code: 'CACHED_BALANCE', message: 'Decided on a cached balance' },
    });
  });
});
