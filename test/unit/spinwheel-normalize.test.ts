// Spinwheel normalization: exact minor units and the eligibility mapping of every documented description.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eligibilityOf, normalizeSpinwheelCard } from '../../providers/spinwheel/normalize';
import { summarizeRefresh } from '../../providers/spinwheel/provider';
import { CreditCardSchema, UserSchema } from '../../providers/spinwheel/schemas';
import type { SpinwheelCreditCard } from '../../providers/spinwheel/schemas';
import {
  SANDBOX_UPDATED_ON,
  SW_CARD,
  SW_USER_SANDBOX,
  sandboxUsers,
} from '../../providers/spinwheel/sandbox';

function sandboxCard(id: string): SpinwheelCreditCard {
  const json = sandboxUsers(Date.now())
    .get(SW_USER_SANDBOX)!
    .find((c) => c.json.id === id)!.json;
  return CreditCardSchema.parse(json);
}

function cardWith(realtimeBalance: Record<string, unknown>): SpinwheelCreditCard {
  return CreditCardSchema.parse({ id: 'c1', capabilities: { data: { realtimeBalance } } });
}

void describe('normalizeSpinwheelCard', () => {
  void it('maps a credit card to exact minor units: owed, available credit, limit', () => {
    const b = normalizeSpinwheelCard(sandboxCard(SW_CARD.supported), 'REALTIME');
    assert.deepEqual(b, {
      accountId: SW_CARD.supported,
      name: 'Everyday Visa',
      kind: 'CREDIT',
      providerType: 'CREDIT_CARD',
      currency: 'USD',
      current: 101999, // 1019.99 * 100 would be 101998.99999999999
      available: 398001,
      limit: 500000,
      asOf: new Date(SANDBOX_UPDATED_ON).toISOString(),
      freshness: 'REALTIME',
    });
  });

  void it('rounds half away from zero and survives 0.1/0.2-style amounts', () => {
    const card = CreditCardSchema.parse({
      id: 'c2',
      balanceDetails: { outstandingBalance: 1.005, availableCredit: 0.1 + 0.2, updatedOn: 1709960400000 },
      cardProfile: { creditLimit: 4998.995 },
    });
    const b = normalizeSpinwheelCard(card, 'CACHED', { code: 'X', message: 'why' });
    assert.equal(b.current, 101);
    assert.equal(b.available, 30); // 0.30000000000000004 → 30 cents
    assert.equal(b.limit, 499900);
    assert.equal(b.asOf, '2024-03-09T05:00:00.000Z');
    assert.deepEqual(b.note, { code: 'X', message: 'why' });
  });

  void it('gives nulls, not zeros, when balanceDetails (unconfirmed) is absent', () => {
    const b = normalizeSpinwheelCard(
      CreditCardSchema.parse({ id: 'c3', unknownField: { nested: true } }),
      'CACHED',
    );
    assert.equal(b.current, null);
    assert.equal(b.available, null);
    assert.equal(b.limit, null);
    assert.equal(b.asOf, null);
  });

  void it('reads a user without creditCards as an empty list', () => {
    assert.deepEqual(UserSchema.parse({ userId: 'u' }).creditCards, []);
  });
});

void describe('eligibilityOf', () => {
  void it('SUPPORTED is eligible with no reason', () => {
    assert.deepEqual(eligibilityOf(cardWith({ availability: 'SUPPORTED' })), { eligible: true });
  });

  const descriptions = [
    'CLOSED_ACCOUNT_NO_BALANCE',
    'CLOSED_ACCOUNT',
    'REFRESH_EXHAUSTED',
    'NOT_PRIMARY_ACCOUNT_HOLDER',
    'ACCOUNT_TERMINATED',
    'INSTITUTION_NOT_SUPPORTED',
    'INSTITUTION_DISABLED',
    'ACCOUNT_NUMBER_VERIFICATION_FAILED',
  ];
  for (const description of descriptions) {
    void it(`NOT_SUPPORTED ${description} → ineligible, code ${description}, specific message`, () => {
      const e = eligibilityOf(cardWith({ availability: 'NOT_SUPPORTED', description }));
      assert.equal(e.eligible, false);
      assert.equal(e.reason?.code, description);
      // A known description gets plain words, not the generic pass-through text.
      assert.doesNotMatch(e.reason?.message ?? '', /not supported for card/);
      assert.equal(e.reason?.retryAt, undefined);
    });
  }

  void it('REFRESH_EXHAUSTED carries nextEligibleRefreshOn as retryAt (ISO)', () => {
    const e = eligibilityOf(
      cardWith({
        availability: 'NOT_SUPPORTED',
        description: 'REFRESH_EXHAUSTED',
        nextEligibleRefreshOn: 1709960400000,
      }),
    );
    assert.deepEqual(e.reason && { code: e.reason.code, retryAt: e.reason.retryAt }, {
      code: 'REFRESH_EXHAUSTED',
      retryAt: '2024-03-09T05:00:00.000Z',
    });
  });

  void it('an unknown description passes through; a missing one reads NOT_SUPPORTED', () => {
    const unknown = eligibilityOf(cardWith({ availability: 'NOT_SUPPORTED', description: 'SOMETHING_NEW' }));
    assert.equal(unknown.reason?.code, 'SOMETHING_NEW');
    assert.match(unknown.reason?.message ?? '', /SOMETHING_NEW/);
    assert.equal(eligibilityOf(cardWith({ availability: 'NOT_SUPPORTED' })).reason?.code, 'NOT_SUPPORTED');
  });

  void it('FIELD_ERROR lists every field error in the message', () => {
    const e = eligibilityOf(
      cardWith({
        availability: 'FIELD_ERROR',
        fieldErrors: [
          { field: 'CREDIT_CARD_NUMBER', error: 'NOT_PRESENT' },
          { field: 'ZIP', error: 'INVALID' },
        ],
      }),
    );
    assert.equal(e.eligible, false);
    assert.equal(e.reason?.code, 'FIELD_ERROR');
    assert.match(e.reason?.message ?? '', /CREDIT_CARD_NUMBER: NOT_PRESENT, ZIP: INVALID/);
  });

  void it('a card without a realtimeBalance capability is ineligible', () => {
    const e = eligibilityOf(CreditCardSchema.parse({ id: 'bare' }));
    assert.deepEqual([e.eligible, e.reason?.code], [false, 'CAPABILITY_MISSING']);
  });

  void it('the sandbox cards map as the README table says', () => {
    assert.equal(eligibilityOf(sandboxCard(SW_CARD.supported)).eligible, true);
    assert.equal(eligibilityOf(sandboxCard(SW_CARD.refreshFails)).eligible, true);
    const exhausted = eligibilityOf(sandboxCard(SW_CARD.exhausted)).reason;
    assert.equal(exhausted?.code, 'REFRESH_EXHAUSTED');
    assert.ok(Date.parse(exhausted?.retryAt ?? '') > Date.now(), 'retryAt must lie in the future');
    assert.equal(eligibilityOf(sandboxCard(SW_CARD.closed)).reason?.code, 'CLOSED_ACCOUNT');
    assert.equal(eligibilityOf(sandboxCard(SW_CARD.fieldError)).reason?.code, 'FIELD_ERROR');
  });
});

void describe('summarizeRefresh', () => {
  const item = (creditCardId: string, refreshTransactionStatus: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED') => ({
    creditCardId,
    refreshTransactionStatus,
  });

  void it('is RUNNING while any card is IN_PROGRESS', () => {
    assert.equal(summarizeRefresh([item('a', 'COMPLETED'), item('b', 'IN_PROGRESS')]).state, 'RUNNING');
  });

  void it('is SUCCEEDED when one card completed, listing the failed ones', () => {
    const s = summarizeRefresh([item('a', 'COMPLETED'), item('b', 'FAILED')]);
    assert.equal(s.state, 'SUCCEEDED');
    assert.deepEqual(
      s.failedAccounts?.map((f) => [f.accountId, f.reason.code]),
      [['b', 'REFRESH_FAILED']],
    );
  });

  void it('is FAILED when every card failed, or when no card is listed', () => {
    const all = summarizeRefresh([item('a', 'FAILED'), item('b', 'FAILED')]);
    assert.deepEqual([all.state, all.reason?.code], ['FAILED', 'REFRESH_FAILED']);
    assert.equal(summarizeRefresh([]).state, 'FAILED');
  });
});
