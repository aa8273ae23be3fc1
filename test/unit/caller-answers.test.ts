// Each caller's answer from the one shared refresh: its own accounts and its own funding decision.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BalanceCheckRun, CallerRecord, NormalizedBalance } from '../../contracts/balance-check';
import { answerFor, callerAnswer, callerOutcome } from '../../workflows/answers';

const balance = (accountId: string, available: number): NormalizedBalance => ({
  accountId,
  kind: 'DEPOSITORY',
  currency: 'USD',
  current: available,
  available,
  limit: null,
  asOf: '2026-11-21T10:00:00Z',
  freshness: 'REALTIME',
});

const shared: Omit<BalanceCheckRun, 'callers'> = {
  status: 'COMPLETED',
  provider: 'mx',
  resource: { userId: 'U', memberId: 'M' },
  balances: [balance('A', 500), balance('B', 20)],
  startedAt: '2026-11-21T10:00:00.000Z',
  finishedAt: '2026-11-21T10:00:09.000Z',
  polls: 3,
  eventsAccepted: 2,
  mfaRounds: 1,
  owner: 'acme',
};

const caller = (over: Partial<CallerRecord> = {}): CallerRecord => ({
  callerId: 'c1',
  question: {},
  joinedAt: '2026-11-21T10:00:00.000Z',
  withdrawn: false,
  ...over,
});

const runFacts = {
  provider: 'mx',
  resource: { userId: 'U', memberId: 'M' },
  startedAt: '2026-11-21T10:00:00.000Z',
  finishedAt: '2026-11-21T10:00:09.000Z',
  polls: 3,
  eventsAccepted: 2,
  mfaRounds: 1,
};

describe("a caller's answer", () => {
  it('is the whole refresh for a caller without a question (never the owner)', () => {
    assert.deepEqual(callerAnswer(shared, caller()), {
      ...runFacts,
      status: 'COMPLETED',
      balances: shared.balances,
    });
  });

  it("holds only the caller's accounts, in the refresh's order", () => {
    const answer = callerAnswer(shared, caller({ question: { accountIds: ['B', 'Z'] } }));
    assert.deepEqual(
      answer.balances.map((b) => b.accountId),
      ['B'],
    );
  });

  it("decides the caller's own funding question on the caller's accounts", () => {
    const yes = callerAnswer(
      shared,
      caller({ question: { fundingAccountId: 'A', requiredAmount: { amount: 500, currency: 'USD' } } }),
    );
    assert.equal(yes.sufficiency?.decision, 'SUFFICIENT');
    const no = callerAnswer(
      shared,
      caller({ question: { fundingAccountId: 'B', requiredAmount: { amount: 21, currency: 'USD' } } }),
    );
    assert.equal(no.sufficiency?.decision, 'INSUFFICIENT');
    const outside = callerAnswer(
      shared,
      caller({
        question: {
          accountIds: ['B'],
          fundingAccountId: 'A',
          requiredAmount: { amount: 1, currency: 'USD' },
        },
      }),
    );
    assert.equal(
      outside.sufficiency?.reason?.code,
      'ACCOUNT_NOT_FOUND',
      'an account the caller did not ask for',
    );
  });

  it('has no decision without both a funding account and an amount', () => {
    for (const question of [{ fundingAccountId: 'A' }, { requiredAmount: { amount: 1, currency: 'USD' } }]) {
      assert.equal('sufficiency' in callerAnswer(shared, caller({ question })), false);
    }
  });

  it("carries the refresh's reason, and with no balances at all makes it the reason of an UNKNOWN decision", () => {
    const reason = { code: 'PROVIDER_DENIED', message: 'MX denied the refresh' };
    const question = { fundingAccountId: 'A', requiredAmount: { amount: 1, currency: 'USD' } };
    const failed = { ...shared, status: 'FAILED' as const, reason, balances: [] };
    const answer = callerAnswer(failed, caller({ question }));
    assert.equal(answer.status, 'FAILED');
    assert.deepEqual(answer.reason, reason);
    assert.deepEqual(answer.sufficiency, {
      decision: 'UNKNOWN',
      basis: 'NONE',
      fundingAccountId: 'A',
      requiredAmount: { amount: 1, currency: 'USD' },
      availableAmount: null,
      reason,
    });
  });

  it("keeps the decision's own reason when there were balances, or when the refresh gave no reason", () => {
    const reason = { code: 'PROVIDER_DENIED', message: 'denied' };
    const question = { fundingAccountId: 'Z', requiredAmount: { amount: 1, currency: 'USD' } };
    const withBalances = callerAnswer({ ...shared, reason }, caller({ question }));
    assert.equal(withBalances.sufficiency?.reason?.code, 'ACCOUNT_NOT_FOUND');
    const noReason = callerAnswer({ ...shared, balances: [] }, caller({ question }));
    assert.equal(noReason.sufficiency?.reason?.code, 'ACCOUNT_NOT_FOUND');
    assert.equal('reason' in noReason, false);
    const insufficient = callerAnswer(
      { ...shared, reason },
      caller({ question: { fundingAccountId: 'B', requiredAmount: { amount: 99, currency: 'USD' } } }),
    );
    assert.equal(insufficient.sufficiency?.decision, 'INSUFFICIENT');
    assert.equal(insufficient.sufficiency?.reason, undefined);
  });

  it('is CANCELED with no balances and no decision for a caller who withdrew', () => {
    const answer = callerAnswer(
      shared,
      caller({
        withdrawn: true,
        question: { fundingAccountId: 'A', requiredAmount: { amount: 1, currency: 'USD' } },
      }),
    );
    assert.deepEqual(answer, {
      ...runFacts,
      status: 'CANCELED',
      reason: { code: 'CANCELED', message: 'The check was canceled by its caller' },
      balances: [],
    });
  });
});

describe('caller outcomes in the run result', () => {
  it("records each caller with its answer's status and decision", () => {
    const question = { fundingAccountId: 'A', requiredAmount: { amount: 600, currency: 'USD' } };
    const out = callerOutcome(shared, caller({ question }));
    assert.equal(out.status, 'COMPLETED');
    assert.equal(out.callerId, 'c1');
    assert.deepEqual(out.question, question);
    assert.equal(out.sufficiency?.decision, 'INSUFFICIENT');
    const plain = callerOutcome(shared, caller({ callerId: 'c2' }));
    assert.deepEqual(plain, { ...caller({ callerId: 'c2' }), status: 'COMPLETED' });
    assert.equal(callerOutcome(shared, caller({ withdrawn: true })).status, 'CANCELED');
  });

  it('answers a caller of a finished run by id, and nobody else', () => {
    const run: BalanceCheckRun = {
      ...shared,
      callers: [
        { ...caller({ callerId: 'c1', question: { accountIds: ['A'] } }), status: 'COMPLETED' },
        { ...caller({ callerId: 'c2', question: { accountIds: ['B'] } }), status: 'COMPLETED' },
      ],
    };
    assert.deepEqual(
      answerFor(run, 'c2')?.balances.map((b) => b.accountId),
      ['B'],
    );
    assert.deepEqual(
      answerFor(run, 'c1')?.balances.map((b) => b.accountId),
      ['A'],
    );
    assert.equal(answerFor(run, 'c3'), undefined);
  });
});
