// Spinwheel cards: the reason a caller sees for each kind of ineligibility, and which name a card shows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eligibilityOf, normalizeSpinwheelCard } from '../../providers/spinwheel/normalize';
import type { SpinwheelCreditCard } from '../../providers/spinwheel/schemas';

const card = (realtimeBalance: unknown, over: Record<string, unknown> = {}) =>
  ({ id: 'CARD-1', capabilities: { data: { realtimeBalance } }, ...over }) as unknown as SpinwheelCreditCard;

describe('Spinwheel card eligibility', () => {
  it('explains each documented NOT_SUPPORTED description in plain words', () => {
    const expected: Record<string, RegExp> = {
      CLOSED_ACCOUNT_NO_BALANCE: /closed and has no outstanding balance/,
      CLOSED_ACCOUNT: /^The card is closed\.$/,
      REFRESH_EXHAUSTED: /used up its real-time balance refreshes/,
      NOT_PRIMARY_ACCOUNT_HOLDER: /not the primary holder/,
      ACCOUNT_TERMINATED: /terminated/,
      INSTITUTION_NOT_SUPPORTED: /issuer does not support real-time balance/,
      INSTITUTION_DISABLED: /disabled for the card's issuer/,
      ACCOUNT_NUMBER_VERIFICATION_FAILED: /could not verify the card account number/,
    };
    for (const [code, message] of Object.entries(expected)) {
      const e = eligibilityOf(card({ availability: 'NOT_SUPPORTED', description: code }));
      assert.equal(e.eligible, false);
      assert.equal(e.reason?.code, code);
      assert.match(e.reason!.message, message, code);
    }
  });
  it('says when the card may be refreshed again, from nextEligibleRefreshOn (epoch ms), epoch 0 included', () => {
    const e = eligibilityOf(
      card({ availability: 'NOT_SUPPORTED', description: 'REFRESH_EXHAUSTED', nextEligibleRefreshOn: 0 }),
    );
    assert.equal(e.reason?.retryAt, '1970-01-01T00:00:00.000Z');
    const none = eligibilityOf(
      card({ availability: 'NOT_SUPPORTED', description: 'REFRESH_EXHAUSTED', nextEligibleRefreshOn: null }),
    );
    assert.equal('retryAt' in none.reason!, false);
  });
  it('names the card and the missing capability when Spinwheel lists none (or no capabilities at all)', () => {
    const expected = {
      eligible: false,
      reason: { code: 'CAPABILITY_MISSING', message: 'Card CARD-1 lists no realtimeBalance capability.' },
    };
    assert.deepEqual(eligibilityOf(card(undefined)), expected);
    assert.deepEqual(
      eligibilityOf({ id: 'CARD-1', capabilities: { data: null } } as unknown as SpinwheelCreditCard),
      expected,
    );
    assert.deepEqual(
      eligibilityOf({ id: 'CARD-1', capabilities: null } as unknown as SpinwheelCreditCard),
      expected,
    );
  });
  it('lists the fields Spinwheel says are missing, or says none was named', () => {
    const named = eligibilityOf(
      card({
        availability: 'FIELD_ERROR',
        fieldErrors: [
          { field: 'zip', error: 'missing' },
          { field: 'dob', error: 'invalid' },
        ],
      }),
    );
    assert.deepEqual(named.reason, {
      code: 'FIELD_ERROR',
      message: 'Card CARD-1 is missing data Spinwheel needs (zip: missing, dob: invalid).',
    });
    for (const fieldErrors of [undefined, null, []]) {
      assert.equal(
        eligibilityOf(card({ availability: 'FIELD_ERROR', fieldErrors })).reason?.message,
        'Card CARD-1 is missing data Spinwheel needs (no field named).',
      );
    }
  });
});

describe('Spinwheel card name', () => {
  it('is the display name, else the issuer, else absent', () => {
    assert.equal(
      normalizeSpinwheelCard(card(undefined, { displayName: 'Gold', issuer: 'Bank' }), 'CACHED').name,
      'Gold',
    );
    assert.equal(
      normalizeSpinwheelCard(card(undefined, { displayName: null, issuer: 'Bank' }), 'CACHED').name,
      'Bank',
    );
    assert.equal(
      'name' in normalizeSpinwheelCard(card(undefined, { displayName: '', issuer: null }), 'CACHED'),
      false,
    );
    assert.equal('name' in normalizeSpinwheelCard(card(undefined), 'CACHED'), false);
  });
  it('has no balance time when Spinwheel gave none', () => {
    assert.equal(
      normalizeSpinwheelCard(card(undefined, { balanceDetails: { updatedOn: null } }), 'CACHED').asOf,
      null,
    );
    assert.equal(
      normalizeSpinwheelCard(card(undefined, { balanceDetails: { updatedOn: 0 } }), 'CACHED').asOf,
      '1970-01-01T00:00:00.000Z',
    );
  });
});
