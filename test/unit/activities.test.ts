// The activities as functions, run in MockActivityEnvironment (real activity Context: attempt info,
// cancellation): what each asks the provider and what it returns.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { createActivities } from '../../activities';
import type { NormalizedBalance } from '../../contracts/balance-check';
import type {
  BalancesRequest,
  RefreshStart,
  RefreshStartRequest,
  StatusAndBalances,
} from '../../contracts/provider';
import { scriptedProvider } from '../helpers/scripted-provider';
import { depositoryBalance } from '../helpers/balances';

const balance = (accountId: string) => depositoryBalance(accountId);
const ref = {
  provider: 'mx' as const,
  resource: { userId: 'U', memberId: 'M' },
  refreshKey: 'R',
  refreshId: 'R',
  startedAt: '2026-11-21T00:00:00Z',
};
const read = (over: Partial<BalancesRequest> = {}): BalancesRequest => ({ ...ref, refreshed: true, ...over });

describe('activities (MockActivityEnvironment)', () => {
  it('startRefresh hands the provider the attempt number and when the first attempt was scheduled', async () => {
    let seen: RefreshStartRequest | undefined;
    const p = scriptedProvider({ statuses: [] });
    const acts = createActivities({
      providers: { mx: { ...p, startRefresh: async (req) => ((seen = req), p.startRefresh(req)) } },
    });
    const env = new MockActivityEnvironment({
      attempt: 3,
      scheduledTimestampMs: Date.parse('2026-11-21T10:00:00Z'),
    });
    const req: RefreshStartRequest = { provider: 'mx', resource: ref.resource, refreshKey: 'k' };
    const start: RefreshStart = await env.run(acts.startRefresh, req);
    assert.equal(start.state, 'STARTED');
    assert.equal(seen?.attempt, 3);
    assert.equal(seen?.firstAttemptAt, '2026-11-21T10:00:00.000Z');
  });

  it('readStatusAndBalances reads balances only when the refresh succeeded, and marks freshness once', async () => {
    const running = scriptedProvider({
      statuses: [{ state: 'RUNNING', providerStatus: 'CREATED' }],
      balances: [balance('A')],
    });
    const env = new MockActivityEnvironment();
    const r1 = await env.run(createActivities({ providers: { mx: running } }).readStatusAndBalances, read());
    assert.deepEqual(r1, { status: { state: 'RUNNING', providerStatus: 'CREATED' } });
    assert.equal(running.calls.filter((c) => c.op === 'listBalances').length, 0);

    const failedCard = { accountId: 'B', reason: { code: 'REFRESH_FAILED', message: 'card B failed' } };
    const done = scriptedProvider({
      statuses: [{ state: 'SUCCEEDED', providerStatus: 'CONNECTED', failedAccounts: [failedCard] }],
      balances: [balance('A'), balance('B')],
    });
    const r2: StatusAndBalances = await env.run(
      createActivities({ providers: { mx: done } }).readStatusAndBalances,
      read(),
    );
    assert.deepEqual(
      r2.balances?.map((b) => [b.accountId, b.freshness, b.note?.code]),
      [
        ['A', 'REALTIME', undefined],
        ['B', 'CACHED', 'REFRESH_FAILED'],
      ],
    );
    assert.equal(done.calls.find((c) => c.op === 'listBalances')?.refreshed, true);
  });

  it('listBalances of a refresh that did not succeed marks everything CACHED', async () => {
    const p = scriptedProvider({ statuses: [], balances: [balance('A')] });
    const env = new MockActivityEnvironment();
    const out: NormalizedBalance[] = await env.run(
      createActivities({ providers: { mx: p } }).listBalances,
      read({ refreshed: false }),
    );
    assert.equal(out[0]?.freshness, 'CACHED');
  });

  it('a provider that is not configured, or has no MFA, fails non-retryably with a named type', async () => {
    const env = new MockActivityEnvironment();
    const acts = createActivities({ providers: {} });
    await assert.rejects(env.run(acts.readRefreshStatus, ref), (err: unknown) => {
      assert.ok(err instanceof ApplicationFailure);
      assert.equal(err.type, 'ProviderNotConfigured');
      assert.equal(err.nonRetryable, true);
      return true;
    });
    const { listChallenges: _l, answerChallenges: _a, ...noMfa } = scriptedProvider({ statuses: [] });
    const withoutMfa = createActivities({ providers: { mx: noMfa } });
    for (const call of [
      () => env.run(withoutMfa.listChallenges, ref),
      () => env.run(withoutMfa.answerChallenges, { ...ref, answers: [{ challengeId: 'c', value: 'v' }] }),
    ])
      await assert.rejects(
        call(),
        (err: unknown) => (err as ApplicationFailure).type === 'ProviderRejectedError',
      );
  });

  it('answerChallenges passes the answers through to the provider', async () => {
    const p = scriptedProvider({ statuses: [] });
    const env = new MockActivityEnvironment();
    await env.run(createActivities({ providers: { mx: p } }).answerChallenges, {
      ...ref,
      answers: [{ challengeId: 'CRD-1', value: 'correct' }],
    });
    assert.deepEqual(p.answers, [[{ challengeId: 'CRD-1', value: 'correct' }]]);
  });
});
