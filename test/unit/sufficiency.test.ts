// decideSufficiency: every basis, every UNKNOWN reason, the boundaries, cached balances, and a
// property check that the decision always agrees with the amount it reports.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { AccountKind, Money, NormalizedBalance, Reason } from '../../contracts/balance-check';
import { decideSufficiency } from '../../money/sufficiency';

const usd = (amount: number): Money => ({ amount, currency: 'USD' });

const depository = (over: Partial<NormalizedBalance> = {}): NormalizedBalance => ({
  accountId: 'acct-dep',
  kind: 'DEPOSITORY',
  currency: 'USD',
  current: 100_000,
  available: 95_000,
  limit: null,
  asOf: '2026-01-01T00:00:00.000Z',
  freshness: 'REALTIME',
  ...over,
});

const card = (over: Partial<NormalizedBalance> = {}): NormalizedBalance => ({
  accountId: 'acct-card',
  kind: 'CREDIT',
  currency: 'USD',
  current: 101, // owed
  available: 499_900, // available credit
  limit: 500_000,
  asOf: '2026-01-01T00:00:00.000Z',
  freshness: 'REALTIME',
  ...over,
});

const decide = (b: NormalizedBalance | NormalizedBalance[], required: Money, id?: string) => {
  const list = Array.isArray(b) ? b : [b];
  return decideSufficiency(list, id ?? list[0]!.accountId, required);
};

void describe('decideSufficiency — AVAILABLE (depository with an available balance)', () => {
  it('is SUFFICIENT when available equals the required amount, INSUFFICIENT one minor unit above', () => {
    const at = decide(depository(), usd(95_000));
    assert.deepEqual(at, {
      decision: 'SUFFICIENT',
      basis: 'AVAILABLE',
      fundingAccountId: 'acct-dep',
      requiredAmount: usd(95_000),
      availableAmount: usd(95_000),
    });
    const above = decide(depository(), usd(95_001));
    assert.equal(above.decision, 'INSUFFICIENT');
    assert.equal(above.basis, 'AVAILABLE');
    assert.deepEqual(above.availableAmount, usd(95_000));
    assert.equal(above.reason, undefined);
  });

  it('uses available, not current, even when current is larger (holds already counted)', () => {
    const r = decide(depository({ current: 1_000_000, available: 10 }), usd(11));
    assert.equal(r.decision, 'INSUFFICIENT');
    assert.deepEqual(r.availableAmount, usd(10));
  });

  it('ignores pending when available is known (available already reflects holds)', () => {
    const r = decide(depository({ available: 500, pending: 400 }), usd(500));
    assert.equal(r.decision, 'SUFFICIENT');
    assert.equal(r.basis, 'AVAILABLE');
    assert.deepEqual(r.availableAmount, usd(500));
  });

  it('a zero amount is always fundable; an overdrawn account funds nothing positive', () => {
    assert.equal(decide(depository({ available: 0 }), usd(0)).decision, 'SUFFICIENT');
    const overdrawn = decide(depository({ current: -2_500, available: -2_500 }), usd(1));
    assert.equal(overdrawn.decision, 'INSUFFICIENT');
    assert.deepEqual(overdrawn.availableAmount, usd(-2_500));
    assert.equal(decide(depository({ current: -2_500, available: -2_500 }), usd(0)).decision, 'INSUFFICIENT');
  });

  it('INVESTMENT and OTHER accounts with an available balance are judged on it', () => {
    for (const kind of ['INVESTMENT', 'OTHER'] as AccountKind[]) {
      const r = decide(depository({ kind, available: 700 }), usd(700));
      assert.equal(r.decision, 'SUFFICIENT', kind);
      assert.equal(r.basis, 'AVAILABLE', kind);
    }
  });

  it('handles amounts up to Number.MAX_SAFE_INTEGER exactly', () => {
    const max = Number.MAX_SAFE_INTEGER;
    assert.equal(decide(depository({ available: max }), usd(max)).decision, 'SUFFICIENT');
    assert.equal(decide(depository({ available: max - 1 }), usd(max)).decision, 'INSUFFICIENT');
  });

  it('works in minor units of zero- and three-decimal currencies without conversion', () => {
    const yen = decide(depository({ currency: 'JPY', available: 5_000 }), { amount: 5_000, currency: 'JPY' });
    assert.equal(yen.decision, 'SUFFICIENT');
    assert.deepEqual(yen.availableAmount, { amount: 5_000, currency: 'JPY' });
    const dinar = decide(depository({ currency: 'KWD', available: 1_005 }), {
      amount: 1_006,
      currency: 'KWD',
    });
    assert.equal(dinar.decision, 'INSUFFICIENT');
  });
});

void describe('decideSufficiency — AVAILABLE_CREDIT (credit card)', () => {
  it('judges a card on its available credit, not on what is owed', () => {
    const at = decide(card(), usd(499_900));
    assert.equal(at.decision, 'SUFFICIENT');
    assert.equal(at.basis, 'AVAILABLE_CREDIT');
    assert.deepEqual(at.availableAmount, usd(499_900));
    assert.equal(decide(card(), usd(499_901)).decision, 'INSUFFICIENT');
  });

  it('a maxed-out card (no available credit) funds nothing positive', () => {
    const r = decide(card({ current: 500_000, available: 0 }), usd(1));
    assert.equal(r.decision, 'INSUFFICIENT');
    assert.equal(r.basis, 'AVAILABLE_CREDIT');
  });

  it('without available credit, falls back to limit − owed − pending', () => {
    const r = decide(card({ available: null, limit: 100_000, current: 30_000, pending: 5_000 }), usd(65_000));
    assert.equal(r.decision, 'SUFFICIENT');
    assert.equal(r.basis, 'CURRENT_LESS_PENDING');
    assert.deepEqual(r.availableAmount, usd(65_000));
    assert.equal(
      decide(card({ available: null, limit: 100_000, current: 30_000, pending: 5_000 }), usd(65_001))
        .decision,
      'INSUFFICIENT',
    );
    // No pending read: limit − owed.
    const noPending = decide(card({ available: null, limit: 100_000, current: 30_000 }), usd(70_000));
    assert.deepEqual(noPending.availableAmount, usd(70_000));
    assert.equal(noPending.decision, 'SUFFICIENT');
  });
});

void describe('decideSufficiency — CURRENT_LESS_PENDING (no available balance)', () => {
  // meld-conn-no-available: current 1000.00, pending 19.99 + 0.10 + 0.20 − 5.50 = 14.79 out.
  const noAvailable = depository({
    accountId: 'meld-acct-no-available-checking',
    current: 100_000,
    available: null,
    pending: 1_479,
  });

  it('is current − pending, decided at the exact boundary', () => {
    const at = decide(noAvailable, usd(98_521));
    assert.equal(at.decision, 'SUFFICIENT');
    assert.equal(at.basis, 'CURRENT_LESS_PENDING');
    assert.deepEqual(at.availableAmount, usd(98_521));
    assert.equal(decide(noAvailable, usd(98_522)).decision, 'INSUFFICIENT');
  });

  it('pending credits (negative pending) add to what can be spent', () => {
    const r = decide(depository({ available: null, current: 1_000, pending: -550 }), usd(1_550));
    assert.equal(r.decision, 'SUFFICIENT');
    assert.deepEqual(r.availableAmount, usd(1_550));
  });

  it('zero pending (read, none found) still gives a basis: current itself', () => {
    const r = decide(depository({ available: null, current: 1_000, pending: 0 }), usd(1_000));
    assert.equal(r.decision, 'SUFFICIENT');
    assert.equal(r.basis, 'CURRENT_LESS_PENDING');
  });
});

void describe('decideSufficiency — UNKNOWN', () => {
  const assertUnknown = (r: ReturnType<typeof decideSufficiency>, code: string) => {
    assert.equal(r.decision, 'UNKNOWN');
    assert.equal(r.basis, 'NONE');
    assert.equal(r.availableAmount, null);
    assert.equal(r.reason?.code, code, JSON.stringify(r.reason));
    assert.ok(r.reason?.message);
  };

  it('currency mismatch: a USD account cannot be judged against EUR', () => {
    const r = decide(depository(), { amount: 1, currency: 'EUR' });
    assertUnknown(r, 'CURRENCY_MISMATCH');
    assert.match(r.reason!.message, /USD/);
    assert.match(r.reason!.message, /EUR/);
    assertUnknown(decide(card(), { amount: 1, currency: 'CAD' }), 'CURRENCY_MISMATCH');
  });

  it('currency codes compare case-insensitively on both sides', () => {
    assert.equal(decide(depository(), { amount: 1, currency: 'usd' }).decision, 'SUFFICIENT');
    const lowerAccount = decide(depository({ currency: 'usd' }), usd(1));
    assert.equal(lowerAccount.decision, 'SUFFICIENT');
    assert.deepEqual(lowerAccount.availableAmount, usd(95_000));
  });

  it('account not found: not in the list, or an empty list (a check that read no balances)', () => {
    assertUnknown(decide([depository(), card()], usd(1), 'acct-missing'), 'ACCOUNT_NOT_FOUND');
    assertUnknown(decideSufficiency([], 'acct-dep', usd(1)), 'ACCOUNT_NOT_FOUND');
  });

  it('no spendable data: depository with neither available nor pending', () => {
    assertUnknown(decide(depository({ available: null }), usd(1)), 'NO_SPENDABLE_BALANCE');
    assertUnknown(decide(depository({ available: null, pending: null }), usd(1)), 'NO_SPENDABLE_BALANCE');
    assertUnknown(
      decide(depository({ available: null, current: null, pending: 10 }), usd(1)),
      'NO_SPENDABLE_BALANCE',
    );
  });

  it('no spendable data: a loan never funds a payment, whatever it reports', () => {
    assertUnknown(
      decide(depository({ kind: 'LOAN', current: 25_000_010, available: 1_000, limit: 30_000_000 }), usd(1)),
      'NO_SPENDABLE_BALANCE',
    );
  });

  it('no spendable data: a card with neither available credit nor limit + owed', () => {
    assertUnknown(decide(card({ available: null, limit: null }), usd(1)), 'NO_SPENDABLE_BALANCE');
    assertUnknown(decide(card({ available: null, current: null }), usd(1)), 'NO_SPENDABLE_BALANCE');
  });

  it('an invalid required amount (negative, fractional, unsafe) is not judged', () => {
    for (const amount of [-1, 1.5, Number.MAX_SAFE_INTEGER + 2, Number.NaN, Number.POSITIVE_INFINITY]) {
      assertUnknown(decide(depository(), usd(amount)), 'INVALID_AMOUNT');
    }
  });

  it('checks run in order: not found beats currency, currency beats missing data', () => {
    assertUnknown(
      decide(depository({ available: null }), { amount: 1, currency: 'EUR' }, 'other'),
      'ACCOUNT_NOT_FOUND',
    );
    assertUnknown(
      decide(depository({ available: null }), { amount: 1, currency: 'EUR' }),
      'CURRENCY_MISMATCH',
    );
  });
});

void describe('decideSufficiency — cached balances and account selection', () => {
  it('a decision on a CACHED balance carries the account note as its reason', () => {
    const note: Reason = {
      code: 'REFRESH_EXHAUSTED',
      message: 'used up',
      retryAt: '2026-01-01T06:00:00.000Z',
    };
    const r = decide(card({ freshness: 'CACHED', note }), usd(1));
    assert.equal(r.decision, 'SUFFICIENT');
    assert.equal(r.basis, 'AVAILABLE_CREDIT');
    assert.deepEqual(r.reason, note);
  });

  it('a CACHED balance without a note still says it is cached', () => {
    const r = decide(depository({ freshness: 'CACHED' }), usd(1));
    assert.equal(r.decision, 'SUFFICIENT');
    assert.equal(r.reason?.code, 'CACHED_BALANCE');
  });

  it('a REALTIME decision has no reason', () => {
    assert.equal(decide(depository(), usd(1)).reason, undefined);
  });

  it('picks the funding account by id among many', () => {
    const list = [
      depository({ accountId: 'a', available: 1 }),
      depository({ accountId: 'b', available: 1_000 }),
      card({ accountId: 'c' }),
    ];
    const r = decideSufficiency(list, 'b', usd(1_000));
    assert.equal(r.decision, 'SUFFICIENT');
    assert.equal(r.fundingAccountId, 'b');
    assert.deepEqual(r.availableAmount, usd(1_000));
    assert.equal(decideSufficiency(list, 'c', usd(1)).basis, 'AVAILABLE_CREDIT');
  });

  it('does not mutate its inputs', () => {
    const list = [depository(), card()];
    const required = usd(5);
    const copy = structuredClone({ list, required });
    decideSufficiency(list, 'acct-card', required);
    assert.deepEqual({ list, required }, copy);
  });
});

void describe('decideSufficiency — properties', () => {
  const amount = fc.integer({ min: -1_000_000_000, max: 1_000_000_000 });
  const nullable = fc.option(amount, { nil: null });
  const balanceArb = fc.record({
    accountId: fc.constantFrom('x', 'y'),
    kind: fc.constantFrom<AccountKind>('DEPOSITORY', 'CREDIT', 'LOAN', 'INVESTMENT', 'OTHER'),
    currency: fc.constantFrom('USD', 'EUR'),
    current: nullable,
    available: nullable,
    limit: nullable,
    pending: fc.option(amount, { nil: undefined }),
    asOf: fc.constant(null),
    freshness: fc.constantFrom('REALTIME' as const, 'CACHED' as const),
  });

  it('SUFFICIENT ⇔ spendable ≥ required; UNKNOWN ⇔ no amount; basis NONE only when UNKNOWN', () => {
    fc.assert(
      fc.property(
        fc.array(balanceArb, { maxLength: 3 }),
        fc.nat({ max: 1_000_000_000 }),
        fc.constantFrom('USD', 'EUR'),
        (balances, req, currency) => {
          const r = decideSufficiency(balances as NormalizedBalance[], 'x', { amount: req, currency });
          if (r.decision === 'UNKNOWN') {
            assert.equal(r.availableAmount, null);
            assert.equal(r.basis, 'NONE');
            return;
          }
          assert.notEqual(r.basis, 'NONE');
          assert.ok(r.availableAmount);
          assert.equal(r.availableAmount.currency, currency);
          assert.equal(r.decision, r.availableAmount.amount >= req ? 'SUFFICIENT' : 'INSUFFICIENT');
          const account = balances.find((b) => b.accountId === 'x')!;
          assert.notEqual(account.kind, 'LOAN');
          if (r.basis === 'AVAILABLE') assert.equal(r.availableAmount.amount, account.available);
          if (r.basis === 'AVAILABLE_CREDIT') assert.equal(r.availableAmount.amount, account.available);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('is monotone: if an amount is fundable, every smaller amount is', () => {
    fc.assert(
      fc.property(balanceArb, fc.nat({ max: 1_000_000_000 }), fc.nat({ max: 1_000_000_000 }), (b, x, y) => {
        const [small, big] = x <= y ? [x, y] : [y, x];
        const bal = { ...b, accountId: 'x', currency: 'USD' } as NormalizedBalance;
        if (decideSufficiency([bal], 'x', usd(big)).decision === 'SUFFICIENT') {
          assert.equal(decideSufficiency([bal], 'x', usd(small)).decision, 'SUFFICIENT');
        }
      }),
      { numRuns: 2000 },
    );
  });
});
