import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { meldAccountKind, normalizeMeldAccount, sumPendingMinorUnits } from '../../providers/meld/normalize';
import { meldAccountSchema, type MeldAccount, type MeldTransaction } from '../../providers/meld/schemas';

const account = (
  balances: MeldAccount['balances'],
  type = 'DEPOSITORY',
  subtype: string | null = 'CHECKING',
): MeldAccount =>
  meldAccountSchema.parse({
    id: 'acct-1',
    customerId: 'cus-1',
    connectionIds: ['conn-1'],
    key: 'k1',
    name: 'Checking',
    type,
    subtype,
    balances,
    owners: [{ name: 'extra fields are tolerated' }],
  });

const txn = (amount: number, currency = 'USD', status = 'PENDING'): MeldTransaction => ({
  id: `t${amount}`,
  amount,
  currency,
  status,
});

void describe('normalizeMeldAccount', () => {
  void it('converts float-breaking amounts to exact minor units', () => {
    const cases: [number, number][] = [
      [19.99, 1999],
      [1.005, 101], // half away from zero, from the decimal text, not 1.005 * 100 = 100.49999…
      [0.1 + 0.2, 30],
      [12345678901.23, 1234567890123],
      [-42.1, -4210],
    ];
    for (const [amount, minor] of cases) {
      const n = normalizeMeldAccount(
        account({ currency: 'USD', currentAmount: amount, availableAmount: amount, updatedAt: null }),
        {
          freshness: 'REALTIME',
        },
      );
      assert.equal(n.current, minor, `current ${amount}`);
      assert.equal(n.available, minor, `available ${amount}`);
    }
  });

  void it('uses the currency exponent (JPY 0, KWD 3)', () => {
    const jpy = normalizeMeldAccount(
      account({ currency: 'JPY', currentAmount: 1500, availableAmount: 1499.5 }),
      { freshness: 'CACHED' },
    );
    assert.deepEqual([jpy.current, jpy.available, jpy.currency], [1500, 1500, 'JPY']);
    const kwd = normalizeMeldAccount(account({ currency: 'KWD', currentAmount: 1.2345 }), {
      freshness: 'CACHED',
    });
    assert.equal(kwd.current, 1235);
  });

  void it('maps type/subtype to kinds', () => {
    assert.equal(meldAccountKind('DEPOSITORY', 'CHECKING'), 'DEPOSITORY');
    assert.equal(meldAccountKind('DEPOSITORY', 'SAVINGS'), 'DEPOSITORY');
    assert.equal(meldAccountKind(null, 'SAVINGS'), 'DEPOSITORY');
    assert.equal(meldAccountKind('CREDIT', 'CREDIT_CARD'), 'CREDIT');
    assert.equal(meldAccountKind('LOAN', 'MORTGAGE'), 'LOAN');
    assert.equal(meldAccountKind('INVESTMENT', '401K'), 'INVESTMENT');
    assert.equal(meldAccountKind('depository', null), 'DEPOSITORY');
    assert.equal(meldAccountKind('INSURANCE', 'WHOLE_LIFE'), 'OTHER');
    assert.equal(meldAccountKind(undefined, undefined), 'OTHER');
  });

  void it('leaves available null when Meld omits availableAmount or sends null', () => {
    const omitted = normalizeMeldAccount(account({ currency: 'USD', currentAmount: 1000 }), {
      freshness: 'REALTIME',
    });
    assert.equal(omitted.current, 100000);
    assert.equal(omitted.available, null);
    const nulled = normalizeMeldAccount(
      account({ currency: 'USD', currentAmount: null, availableAmount: null }),
      { freshness: 'REALTIME' },
    );
    assert.deepEqual([nulled.current, nulled.available], [null, null]);
  });

  void it('keeps CREDIT balances as Meld signs them: positive = owed; available = available credit', () => {
    const card = normalizeMeldAccount(
      account({ currency: 'USD', currentAmount: 250.75, availableAmount: 4749.25 }, 'CREDIT', 'CREDIT_CARD'),
      {
        freshness: 'REALTIME',
      },
    );
    assert.deepEqual([card.kind, card.current, card.available, card.limit], ['CREDIT', 25075, 474925, null]);
    assert.equal(card.providerType, 'CREDIT/CREDIT_CARD');
  });

  void it('carries freshness, note, pending and asOf through', () => {
    const note = { code: 'NOT_REFRESHED', message: 'cached' };
    const n = normalizeMeldAccount(
      account({ currency: 'usd', currentAmount: 5, updatedAt: '2024-01-01T00:00:00Z' }),
      {
        freshness: 'CACHED',
        note,
        pending: 1479,
      },
    );
    assert.deepEqual(
      {
        freshness: n.freshness,
        note: n.note,
        pending: n.pending,
        asOf: n.asOf,
        currency: n.currency,
        accountId: n.accountId,
      },
      {
        freshness: 'CACHED',
        note,
        pending: 1479,
        asOf: '2024-01-01T00:00:00Z',
        currency: 'USD',
        accountId: 'acct-1',
      },
    );
  });

  void it('tolerates an account without balances (no BALANCES product)', () => {
    const n = normalizeMeldAccount(account(null), { freshness: 'CACHED' });
    assert.deepEqual([n.current, n.available, n.asOf], [null, null, null]);
  });
});

void describe('sumPendingMinorUnits', () => {
  void it('sums debits minus credits exactly, skipping other currencies and non-pending', () => {
    const total = sumPendingMinorUnits(
      [txn(19.99), txn(0.1), txn(0.2), txn(-5.5), txn(99, 'EUR'), txn(7, 'USD', 'POSTED')],
      'USD',
    );
    assert.equal(total, 1479);
  });
});
