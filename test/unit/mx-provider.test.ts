import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import type { ResourceRef } from '../../contracts/balance-check';
import type { BalanceProvider, RefreshRef, RefreshStatus } from '../../contracts/provider';
import { MxClient } from '../../providers/mx/client';
import { createMxProvider } from '../../providers/mx/provider';
import { MX_SANDBOX_CHALLENGES, MX_SANDBOX_USER } from '../../providers/mx/sandbox';
import {
  startMxSimulator,
  type MxSimulatorOptions,
  type RunningMxSimulator,
} from '../../providers/mx/simulator';
import { readBalances } from '../../activities';

const AUTH = { clientId: 'client-1', apiKey: 'key-1' };
const base: MxSimulatorOptions = { ...AUTH, timeScale: 0.05, throttle: { max: 1000, windowMs: 60_000 } };
const resource = (memberId: string): ResourceRef => ({ userId: MX_SANDBOX_USER, memberId });

let sim: RunningMxSimulator;
let mx: BalanceProvider;

async function refresh(p: BalanceProvider, memberId: string): Promise<RefreshRef> {
  const start = await p.startRefresh({ provider: 'mx', resource: resource(memberId), refreshKey: 'k-1' });
  assert.equal(start.state, 'STARTED');
  return {
    provider: 'mx',
    resource: resource(memberId),
    refreshId: start.refreshId,
    startedAt: start.startedAt,
  };
}

async function pollUntil(
  p: BalanceProvider,
  ref: RefreshRef,
  done: (s: RefreshStatus) => boolean,
): Promise<RefreshStatus> {
  const end = Date.now() + 5000;
  for (;;) {
    const s = await p.readRefreshStatus(ref);
    if (done(s)) return s;
    if (Date.now() > end) throw new Error(`still ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
const finished = (s: RefreshStatus) => s.state !== 'RUNNING';

before(async () => {
  sim = await startMxSimulator(base);
  mx = createMxProvider(new MxClient({ baseUrl: sim.url, ...AUTH }));
});
after(() => sim.close());
beforeEach(() => sim.reset());

void describe('refresh', () => {
  void test('startRefresh: STARTED with the MX polling profile, dated at whole seconds before the call', async () => {
    const before = Date.now();
    const start = await mx.startRefresh({
      provider: 'mx',
      resource: resource('MBR-connected'),
      refreshKey: 'k',
    });
    assert.equal(start.state, 'STARTED');
    assert.deepEqual(start.polling, {
      minIntervalMs: 3000,
      maxIntervalMs: 30000,
      trustCompletionEvent: false,
      failureConfirmations: 2,
    });
    const at = Date.parse(start.startedAt);
    assert.ok(at >= Math.floor(before / 1000) * 1000 && at <= Date.now() && at % 1000 === 0, start.startedAt);
    assert.equal(start.refreshId, `MBR-connected:${start.startedAt}`);
  });
  void test('RUNNING, then SUCCEEDED once MX is CONNECTED and done', async () => {
    const ref = await refresh(mx, 'MBR-connected');
    assert.equal((await mx.readRefreshStatus(ref)).state, 'RUNNING');
    assert.deepEqual(await pollUntil(mx, ref, finished), { state: 'SUCCEEDED', providerStatus: 'CONNECTED' });
  });
  void test('MBR-denied → FAILED with PROVIDER_DENIED; MBR-failed → PROVIDER_FAILED', async () => {
    for (const [member, code] of [
      ['MBR-denied', 'PROVIDER_DENIED'],
      ['MBR-failed', 'PROVIDER_FAILED'],
    ]) {
      const s = await pollUntil(mx, await refresh(mx, member!), finished);
      assert.deepEqual([s.state, s.reason?.code], ['FAILED', code]);
    }
  });
  void test('a member without memberId is refused, non-retryable', async () => {
    await assert.rejects(
      mx.startRefresh({ provider: 'mx', resource: { userId: MX_SANDBOX_USER }, refreshKey: 'k' }),
      (err: unknown) => {
        assert.ok(err instanceof ApplicationFailure);
        return err.type === 'ProviderRejectedError' && err.nonRetryable === true;
      },
    );
  });
  void test('inside the minimum interval MX starts nothing: the refresh reads SUCCEEDED on existing data', async () => {
    const strict = await startMxSimulator({ ...base, minIntervalMs: 60_000 });
    try {
      const p = createMxProvider(new MxClient({ baseUrl: strict.url, ...AUTH }));
      await pollUntil(p, await refresh(p, 'MBR-connected'), finished);
      // MX timestamps are whole seconds: start the second refresh in a later second than the last success.
      await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 10));
      const again = await refresh(p, 'MBR-connected');
      assert.ok(
        Date.parse(again.startedAt) < Math.floor(Date.now() / 1000) * 1000,
        'dated from the last job, not from now',
      );
      assert.equal(strict.refreshStarts(`${MX_SANDBOX_USER}:MBR-connected`), 1, 'no second job');
      assert.equal((await p.readRefreshStatus(again)).state, 'SUCCEEDED', 'first read, no waiting');
      const balances = await readBalances(p, { ...again, refreshed: true });
      assert.ok(
        balances.every((b) => b.freshness === 'REALTIME'),
        'accounts from the last job are not flagged stale',
      );
    } finally {
      await strict.close();
    }
  });
  void test('the per-member throttle → NOT_REFRESHABLE with REFRESH_THROTTLED and retryAt', async () => {
    const throttled = await startMxSimulator({ ...base, throttle: { max: 1, windowMs: 3600_000 } });
    try {
      const p = createMxProvider(new MxClient({ baseUrl: throttled.url, ...AUTH }));
      await pollUntil(p, await refresh(p, 'MBR-connected'), finished);
      const start = await p.startRefresh({
        provider: 'mx',
        resource: resource('MBR-connected'),
        refreshKey: 'k-2',
      });
      assert.deepEqual([start.state, start.reason?.code], ['NOT_REFRESHABLE', 'REFRESH_THROTTLED']);
      assert.ok(Date.parse(start.reason!.retryAt!) > Date.now() + 3500_000);
    } finally {
      await throttled.close();
    }
  });
});

void describe('MFA', () => {
  void test('CHALLENGED carries the challenge views; answers resume; a second round appears; then SUCCEEDED', async () => {
    const ref = await refresh(mx, 'MBR-challenge-twice');
    const first = await pollUntil(mx, ref, finished);
    assert.equal(first.state, 'CHALLENGED');
    assert.deepEqual(
      first.challenges?.map((c) => c.id),
      [MX_SANDBOX_CHALLENGES.text.guid],
    );
    assert.deepEqual(
      (await mx.listChallenges!(ref)).map((c) => c.label),
      [MX_SANDBOX_CHALLENGES.text.label],
    );
    await mx.answerChallenges!({
      ...ref,
      answers: [{ challengeId: MX_SANDBOX_CHALLENGES.text.guid, value: 'challenge' }],
    });
    const second = await pollUntil(mx, ref, finished);
    assert.deepEqual(
      second.challenges?.map((c) => c.id),
      [MX_SANDBOX_CHALLENGES.second.guid],
    );
    await mx.answerChallenges!({
      ...ref,
      answers: [{ challengeId: MX_SANDBOX_CHALLENGES.second.guid, value: 'correct' }],
    });
    assert.equal((await pollUntil(mx, ref, finished)).state, 'SUCCEEDED');
  });
  void test('a retried answer whose first attempt MX already took does not resume again (no 405 failure)', async () => {
    const ref = await refresh(mx, 'MBR-challenge');
    assert.equal((await pollUntil(mx, ref, finished)).state, 'CHALLENGED');
    const answers = [{ challengeId: MX_SANDBOX_CHALLENGES.text.guid, value: 'correct' }];
    await mx.answerChallenges!({ ...ref, answers });
    const resumes = () => sim.callLog().filter((c) => c.operation === 'resume').length;
    const before = resumes();
    await mx.answerChallenges!({ ...ref, answers }); // the activity's retry after a lost reply
    assert.equal(resumes(), before, 'the challenge is no longer pending: nothing to resume');
    assert.equal((await pollUntil(mx, ref, finished)).state, 'SUCCEEDED');
  });
  void test('OPTIONS: answering with the option id we showed sends MX the option value', async () => {
    const ref = await refresh(mx, 'MBR-options');
    const s = await pollUntil(mx, ref, finished);
    const option = s.challenges?.[0]?.options?.find((o) => o.value === 'correct');
    assert.equal(option?.id, 'CRD-sandbox-option-sms');
    await mx.answerChallenges!({
      ...ref,
      answers: [{ challengeId: s.challenges![0]!.id, value: option!.id }],
    });
    assert.equal((await pollUntil(mx, ref, finished)).state, 'SUCCEEDED');
  });
});

void describe('listBalances', () => {
  void test('REALTIME after a refresh, exact minor units, closed accounts left out', async () => {
    const ref = await refresh(mx, 'MBR-connected');
    await pollUntil(mx, ref, finished);
    const balances = await readBalances(mx, { ...ref, refreshed: true });
    assert.equal(balances.length, 22);
    assert.ok(!balances.some((b) => b.accountId === 'ACT-connected-closed'));
    assert.ok(balances.every((b) => b.freshness === 'REALTIME'));
    const byId = new Map(balances.map((b) => [b.accountId, b]));
    assert.deepEqual(byId.get('ACT-connected-checking'), {
      accountId: 'ACT-connected-checking',
      name: 'Everyday Checking',
      kind: 'DEPOSITORY',
      providerType: 'CHECKING',
      currency: 'USD',
      current: 250030,
      available: 1999,
      limit: null,
      asOf: byId.get('ACT-connected-checking')!.asOf,
      freshness: 'REALTIME',
    });
    assert.deepEqual(
      ['current', 'available', 'limit'].map((k) => byId.get('ACT-connected-credit-card')![k as 'current']),
      [435, 499565, 500000],
    );
    assert.equal(byId.get('ACT-connected-brokerage')!.current, 9876543210123);
    assert.equal(byId.get('ACT-connected-prepaid')!.current, 101);
    assert.deepEqual(
      [byId.get('ACT-connected-jpy-savings')!.currency, byId.get('ACT-connected-jpy-savings')!.current],
      ['JPY', 123456],
    );
  });
  void test('accountIds filter, pending for accounts without available_balance', async () => {
    const ref = await refresh(mx, 'MBR-challenge');
    const ids = ['ACT-challenge-checking', 'ACT-challenge-checking-pending'];
    const balances = await readBalances(mx, { ...ref, accountIds: ids, refreshed: false, withPending: true });
    assert.deepEqual(
      balances.map((b) => b.accountId),
      ids,
    );
    assert.equal(balances[0]!.pending, undefined, 'available_balance known: MX already counts pending there');
    assert.equal(balances[1]!.pending, 23, '0.1 + 0.2 − 0.07');
    assert.equal(sim.callLog().filter((c) => c.operation === 'transactions').length, 1);
  });
  void test('not refreshed → CACHED with the given reasons', async () => {
    const ref = await refresh(mx, 'MBR-slow');
    const reason = { code: 'REFRESH_TIMEOUT', message: 'too slow' };
    const balances = await readBalances(mx, {
      ...ref,
      refreshed: false,
      cachedReasons: [{ accountId: '*', reason }],
    });
    assert.ok(balances.every((b) => b.freshness === 'CACHED' && b.note?.code === 'REFRESH_TIMEOUT'));
  });
  void test('an account MX did not update during a successful refresh is CACHED with ACCOUNT_NOT_REFRESHED', async () => {
    const page = (accounts: object[]) => ({
      accounts,
      pagination: { current_page: 1, per_page: 100, total_entries: accounts.length, total_pages: 1 },
    });
    const fake = async () =>
      new Response(
        JSON.stringify(
          page([
            { guid: 'ACT-new', type: 'CHECKING', balance: 1, updated_at: '2025-03-01T10:00:03Z' },
            { guid: 'ACT-old', type: 'CHECKING', balance: 2, updated_at: '2025-03-01T09:00:00Z' },
          ]),
        ),
        { status: 200 },
      );
    const p = createMxProvider(new MxClient({ baseUrl: 'http://mx.invalid', ...AUTH, fetch: fake }));
    const balances = await readBalances(p, {
      provider: 'mx',
      resource: resource('MBR-x'),
      refreshId: 'r',
      startedAt: '2025-03-01T10:00:00.500Z',
      refreshed: true,
    });
    assert.deepEqual(
      balances.map((b) => [b.accountId, b.freshness, b.note?.code]),
      [
        ['ACT-new', 'REALTIME', undefined],
        ['ACT-old', 'CACHED', 'ACCOUNT_NOT_REFRESHED'],
      ],
    );
  });
});

void describe('refresh start time against MX clocks (canned answers)', () => {
  const startWith = async (member: object) => {
    const fake = async () =>
      new Response(JSON.stringify({ member: { guid: 'MBR-x', ...member } }), { status: 202 });
    const p = createMxProvider(new MxClient({ baseUrl: 'http://mx.invalid', ...AUTH, fetch: fake }));
    return p.startRefresh({ provider: 'mx', resource: resource('MBR-x'), refreshKey: 'k' });
  };
  void test('a running job whose MX start is earlier than our clock (MX clock behind) counts from MX’s start', async () => {
    const mxStart = new Date(Math.floor(Date.now() / 1000) * 1000 - 30_000).toISOString();
    const start = await startWith({
      connection_status: 'CONNECTED',
      is_being_aggregated: true,
      aggregated_at: mxStart,
    });
    assert.equal(start.startedAt, mxStart);
  });
  void test('not aggregating and not CONNECTED: our clock; the status read will report the failure', async () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const start = await startWith({
      connection_status: 'DENIED',
      is_being_aggregated: false,
      aggregated_at: '2025-01-01T00:00:00Z',
    });
    assert.ok(Date.parse(start.startedAt) >= before, start.startedAt);
  });
});
