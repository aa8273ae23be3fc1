// Meld accounts → balances: every Meld type name's kind, the fields passed through, and pending sums.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { meldAccountKind, normalizeMeldAccount, sumPendingMinorUnits } from '../../providers/meld/normalize';
import type { MeldAccount, MeldTransaction } from '../../providers/meld/schemas';

describe('Meld account kinds', () => {
  const expected = {
    DEPOSITORY: ['DEPOSITORY', 'CHECKING', 'SAVINGS', 'MONEY_MARKET', 'CD', 'PREPAID'],
    CREDIT: ['CREDIT', 'CREDIT_CARD', 'LINE_OF_CREDIT'],
    LOAN: ['LOAN', 'MORTGAGE', 'STUDENT', 'AUTO'],
    INVESTMENT: ['INVESTMENT', 'BROKERAGE', 'RETIREMENT'],
  } as const;
  it('reads each type name alone (no subtype to lean on), in any case', () => {
    for (const [kind, names] of Object.entries(expected)) {
      for (const name of names) {
        assert.equal(meldAccountKind(name), kind, name);
        assert.equal(meldAccountKind(name.toLowerCase(), null), kind, name);
      }
    }
  });
  it('falls back on each subtype name when the type is missing or unfamiliar; else OTHER', () => {
    for (const [kind, names] of Object.entries(expected)) {
      for (const name of names) {
        assert.equal(meldAccountKind(null, name), kind, name);
        assert.equal(meldAccountKind('SOMETHING_NEW', name), kind, name);
      }
    }
    assert.equal(meldAccountKind('CREDIT', 'CHECKING'), 'CREDIT', 'the type decides');
    assert.equal(meldAccountKind(undefined, undefined), 'OTHER');
    assert.equal(meldAccountKind('', ''), 'OTHER');
  });
});

describe('Meld account normalization', () => {
  const account = (over: Partial<MeldAccount> = {}): MeldAccount =>
    ({
      id: 'A1',
      name: 'Everyday',
      type: 'DEPOSITORY',
      subtype: 'CHECKING',
      balances: {
        currency: 'usd',
        currentAmount: 10.5,
        availableAmount: 9.25,
        updatedAt: '2026-11-21T10:00:00Z',
      },
      ...over,
    }) as MeldAccount;
  it('passes name, type/subtype, both amounts in minor units and the balance time', () => {
    assert.deepEqual(normalizeMeldAccount(account(), { freshness: 'REALTIME' }), {
      accountId: 'A1',
      name: 'Everyday',
      kind: 'DEPOSITORY',
      providerType: 'DEPOSITORY/CHECKING',
      currency: 'USD',
      current: 1050,
      available: 925,
      limit: null,
      asOf: '2026-11-21T10:00:00Z',
      freshness: 'REALTIME',
    });
  });
  it('leaves out what Meld did not send: no name, no subtype, no pending, no note', () => {
    const n = normalizeMeldAccount(account({ name: null, subtype: null, balances: null }), {
      freshness: 'CACHED',
    });
    assert.equal(n.name, undefined);
    assert.equal(n.providerType, 'DEPOSITORY');
    assert.equal(n.currency, 'USD', 'Meld accounts without a currency are in USD');
    assert.deepEqual([n.current, n.available, n.asOf], [null, null, null]);
    assert.equal('pending' in n, false);
    assert.equal('note' in n, false);
    assert.equal(
      normalizeMeldAccount(account({ type: null, subtype: null }), { freshness: 'CACHED' }).providerType,
      undefined,
    );
  });
  it('records the pending total when one was read (zero and null included) and the note when given', () => {
    const note = { code: 'STALE', message: 'older balance' };
    const n = normalizeMeldAccount(account(), { freshness: 'CACHED', pending: 0, note });
    assert.equal(n.pending, 0);
    assert.deepEqual(n.note, note);
    assert.equal(normalizeMeldAccount(account(), { freshness: 'CACHED', pending: null }).pending, null);
  });
});

describe('Meld pending total', () => {
  const tx = (amount: number, status: string | null | undefined, currency = 'USD') =>
    ({ id: `t${amount}`, amount, status, currency }) as unknown as MeldTransaction;
  it('sums pending transactions (a missing status counts as pending), money out positive', () => {
    assert.equal(
      sumPendingMinorUnits([tx(1.25, 'PENDING'), tx(-0.5, 'pending'), tx(2, undefined), tx(3, null)], 'USD'),
      575,
    );
  });
  it('skips posted transactions and other currencies', () => {
    assert.equal(
      sumPendingMinorUnits([tx(1, 'POSTED'), tx(2, 'PENDING', 'EUR'), tx(4, 'PENDING', 'usd')], 'usd'),
      400,
    );
    assert.equal(sumPendingMinorUnits([], 'USD'), 0);
  });
});
