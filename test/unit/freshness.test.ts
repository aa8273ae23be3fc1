// decideFreshness: the one place an account becomes REALTIME or CACHED, from what the provider reported.
// Boundaries: the refresh start floored to the provider's timestamp unit, and which reason wins.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Reason } from '../../contracts/balance-check';
import { decideFreshness, updatedSince, type FreshnessContext } from '../../contracts/freshness';
import type { AccountRead } from '../../contracts/provider';
import { depositoryBalance } from '../helpers/balances';

const balance = (accountId: string) => depositoryBalance(accountId, 'CACHED');
const START = '2026-11-21T10:00:00.500Z';
const START_SECOND = Date.parse('2026-11-21T10:00:00Z');
const ctx = (over: Partial<FreshnessContext> = {}): FreshnessContext => ({
  refreshed: true,
  startedAt: START,
  ...over,
});
const reason = (code: string): Reason => ({ code, message: code.toLowerCase() });
/** [freshness, note code] of one account read with the given facts. */
const decide = (facts: Omit<AccountRead, 'balance'>, c = ctx(), granularityMs = 1000) => {
  const [b] = decideFreshness(
    { accounts: [{ balance: balance('A'), ...facts }], timestampGranularityMs: granularityMs },
    c,
  );
  return [b!.freshness, b!.note?.code];
};

describe('updatedSince (the refresh start floored to the provider’s timestamp unit)', () => {
  it('counts a stamp in the refresh’s first (floored) second, not the millisecond before it', () => {
    assert.equal(updatedSince(START_SECOND, START, 1000), true);
    assert.equal(updatedSince(START_SECOND - 1, START, 1000), false);
    assert.equal(updatedSince(START_SECOND + 999, START, 1000), true);
  });
  it('with millisecond stamps compares exactly', () => {
    assert.equal(updatedSince(Date.parse(START), START, 1), true);
    assert.equal(updatedSince(Date.parse(START) - 1, START, 1), false);
  });
  it('no stamp, or one that is not a date, is not proof of an update', () => {
    assert.equal(updatedSince(undefined, START, 1000), false);
    assert.equal(updatedSince(Number.NaN, START, 1000), false);
  });
});

describe('decideFreshness', () => {
  it('REALTIME when the refresh succeeded and the account was stamped at/after the floored start', () => {
    assert.deepEqual(decide({ updatedAtMs: START_SECOND }), ['REALTIME', undefined]);
    assert.deepEqual(decide({ updatedAtMs: START_SECOND - 1 }), ['CACHED', 'NOT_UPDATED_BY_REFRESH']);
  });
  it('a stamp before the start gives the provider’s own words when it has them', () => {
    const notUpdated = reason('ACCOUNT_NOT_REFRESHED');
    assert.deepEqual(decide({ updatedAtMs: START_SECOND - 1, notUpdated }), [
      'CACHED',
      'ACCOUNT_NOT_REFRESHED',
    ]);
    assert.deepEqual(decide({ notUpdated }), ['CACHED', 'ACCOUNT_NOT_REFRESHED']);
  });
  it('the provider’s own report wins over the stamp, both ways', () => {
    assert.deepEqual(decide({ reported: { updated: true } }), ['REALTIME', undefined]);
    assert.deepEqual(
      decide({
        reported: { updated: false, reason: reason('REFRESH_FAILED') },
        updatedAtMs: START_SECOND + 5000,
      }),
      ['CACHED', 'REFRESH_FAILED'],
    );
  });
  it('without a successful refresh everything is CACHED: the provider’s reason, or none', () => {
    const c = ctx({ refreshed: false });
    assert.deepEqual(decide({ updatedAtMs: START_SECOND + 5000, reported: { updated: true } }, c), [
      'CACHED',
      undefined,
    ]);
    assert.deepEqual(decide({ notRefreshed: reason('NOT_REFRESHED') }, c), ['CACHED', 'NOT_REFRESHED']);
  });
  it('an unusable account is CACHED whatever the refresh did', () => {
    assert.deepEqual(decide({ unusable: reason('UNKNOWN_CURRENCY'), reported: { updated: true } }), [
      'CACHED',
      'UNKNOWN_CURRENCY',
    ]);
  });
  it("the check's known reasons come first: the account's own, else '*' for all", () => {
    const facts = { unusable: reason('ACCOUNT_NOT_ACTIVE'), reported: { updated: true } as const };
    const own = ctx({
      cachedReasons: [
        { accountId: '*', reason: reason('ALL') },
        { accountId: 'A', reason: reason('MINE') },
      ],
    });
    assert.deepEqual(decide(facts, own), ['CACHED', 'MINE']);
    assert.deepEqual(decide(facts, ctx({ cachedReasons: [{ accountId: '*', reason: reason('ALL') }] })), [
      'CACHED',
      'ALL',
    ]);
    assert.deepEqual(
      decide(
        { reported: { updated: true } },
        ctx({ cachedReasons: [{ accountId: 'B', reason: reason('B') }] }),
      ),
      ['REALTIME', undefined],
    );
  });
  it('keeps the balances and replaces a note the normalizer left, per account', () => {
    const stale = { ...balance('B'), note: reason('OLD') };
    const out = decideFreshness(
      {
        accounts: [
          { balance: balance('A'), reported: { updated: true } },
          { balance: stale, reported: { updated: true } },
        ],
        timestampGranularityMs: 1000,
      },
      ctx(),
    );
    assert.deepEqual(out, [
      { ...balance('A'), freshness: 'REALTIME' },
      { ...balance('B'), freshness: 'REALTIME' },
    ]);
  });
});
