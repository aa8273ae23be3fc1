// Every way runCheck ends, against a scripted provider on the real dev server: fast, exact tests of
// the workflow's branches (start outcomes, failure confirmations, events, deadline, cancel).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import {
  FIRST_CALLER_ID,
  type BalanceCheckInput,
  type BalanceCheckResult,
  type NormalizedBalance,
  type ProviderEvent,
} from '../../contracts/balance-check';
import { ProviderErrorType } from '../../contracts/provider-errors';
import type { balanceCheck } from '../../workflows';
import { answerFor } from '../../workflows/answers';
import { providerEventSignal, statusQuery } from '../../workflows/definitions';
import { scriptedProvider, type ScriptedProvider } from '../helpers/scripted-provider';
import { withScriptedWorker } from '../helpers/scripted-worker';
import { startDevServer } from '../helpers/temporal-env';
import { waitFor } from '../helpers/wait';

const balance = (accountId: string): NormalizedBalance => ({
  accountId,
  kind: 'DEPOSITORY',
  currency: 'USD',
  current: 5000,
  available: 4000,
  limit: null,
  asOf: '2026-11-21T00:00:00Z',
  freshness: 'REALTIME',
});
const reason = (code: string) => ({ code, message: code.toLowerCase() });

describe('runCheck branches (scripted provider, real dev server)', () => {
  let env: TestWorkflowEnvironment;
  let n = 0;
  before(async () => {
    env = await startDevServer();
  });
  after(async () => {
    await env?.teardown();
  });

  /** Runs one check on its own task queue; `during` may signal/cancel while it runs. */
  async function check(
    provider: ScriptedProvider,
    extra: Partial<BalanceCheckInput> = {},
    during?: (handle: WorkflowHandle<typeof balanceCheck>) => Promise<void>,
  ): Promise<BalanceCheckResult> {
    const taskQueue = `branches-${++n}`;
    return withScriptedWorker(env, provider, taskQueue, async () => {
      const handle = await env.client.workflow.start<typeof balanceCheck>('balanceCheck', {
        taskQueue,
        workflowId: `branches-${n}`,
        args: [{ provider: 'mx', resource: { userId: 'U', memberId: `M${n}` }, ...extra }],
      });
      await during?.(handle);
      return answerFor(await handle.result(), FIRST_CALLER_ID)!;
    });
  }
  const count = (p: ScriptedProvider, op: string) => p.calls.filter((c) => c.op === op).length;

  it('NOT_REFRESHABLE → NOT_SUPPORTED with the cached balances, marked CACHED with the reason', async () => {
    const p = scriptedProvider({
      statuses: [],
      balances: [balance('A')],
      start: {
        state: 'NOT_REFRESHABLE',
        reason: reason('REFRESH_EXHAUSTED'),
        accounts: [{ accountId: 'A', eligible: false, reason: reason('REFRESH_EXHAUSTED') }],
      },
    });
    const r = await check(p);
    assert.equal(r.status, 'NOT_SUPPORTED');
    assert.equal(r.reason?.code, 'REFRESH_EXHAUSTED');
    assert.equal(r.balances[0]?.freshness, 'CACHED');
    assert.equal(r.balances[0]?.note?.code, 'REFRESH_EXHAUSTED');
    assert.equal(count(p, 'readRefreshStatus'), 0);
  });

  it('ACTION_REQUIRED at start → ACTION_REQUIRED with cached balances (no refresh wait)', async () => {
    const p = scriptedProvider({
      statuses: [],
      balances: [balance('A')],
      start: { state: 'ACTION_REQUIRED', reason: reason('RECONNECT_REQUIRED') },
    });
    const r = await check(p);
    assert.equal(r.status, 'ACTION_REQUIRED');
    assert.equal(r.reason?.code, 'RECONNECT_REQUIRED');
    assert.deepEqual(
      r.balances.map((b) => [b.freshness, b.note?.code]),
      [['CACHED', 'RECONNECT_REQUIRED']],
    );
    assert.deepEqual(p.calls.find((c) => c.op === 'listBalances')?.refreshed, false);
  });

  it('a refused start → FAILED with the provider reason', async () => {
    const r = await check(
      scriptedProvider({ statuses: [], start: { state: 'FAILED', reason: reason('PROVIDER_THROTTLED') } }),
    );
    assert.equal(r.status, 'FAILED');
    assert.equal(r.reason?.code, 'PROVIDER_THROTTLED');
  });

  it('a failed read must be confirmed: FAILED, RUNNING, FAILED, FAILED → FAILED after two agreeing reads', async () => {
    const failed = { state: 'FAILED' as const, providerStatus: 'DENIED', reason: reason('PROVIDER_DENIED') };
    const p = scriptedProvider({
      statuses: [failed, { state: 'RUNNING', providerStatus: 'CONNECTED' }, failed, failed],
      balances: [balance('A')],
      polling: { failureConfirmations: 2 },
    });
    const r = await check(p);
    assert.equal(r.status, 'FAILED');
    assert.equal(r.reason?.code, 'PROVIDER_DENIED');
    assert.equal(count(p, 'readRefreshStatus'), 4);
    assert.equal(r.balances[0]?.freshness, 'CACHED', 'the last known balances come back CACHED');
  });

  it('a completion naming this refresh ends the wait with no status read', async () => {
    const p = scriptedProvider({
      statuses: [{ state: 'RUNNING', providerStatus: 'CONNECTED' }],
      balances: [balance('A')],
      minIntervalMs: 60_000,
      start: { refreshId: 'REQ-1' },
    });
    const event: ProviderEvent = {
      eventId: 'e1',
      provider: 'mx',
      kind: 'REFRESH_COMPLETED',
      refreshId: 'REQ-1',
    };
    const r = await check(p, {}, async (h) => {
      await waitFor(async () => (await h.query(statusQuery)).phase === 'REFRESHING');
      await h.signal(providerEventSignal, event);
    });
    assert.equal(r.status, 'COMPLETED');
    assert.equal(count(p, 'readRefreshStatus'), 0);
    assert.equal(r.balances[0]?.freshness, 'REALTIME');
    assert.equal(r.eventsAccepted, 1);
  });

  it('a completion without proof is confirmed by a status read (which may say: still running)', async () => {
    const p = scriptedProvider({
      statuses: [
        { state: 'RUNNING', providerStatus: 'CONNECTED' },
        { state: 'SUCCEEDED', providerStatus: 'CONNECTED' },
      ],
      balances: [balance('A')],
      start: { refreshId: 'REQ-1' },
    });
    const r = await check(p, {}, async (h) => {
      await waitFor(async () => (await h.query(statusQuery)).phase === 'REFRESHING');
      await h.signal(providerEventSignal, { eventId: 'bare', provider: 'mx', kind: 'REFRESH_COMPLETED' });
    });
    assert.equal(r.status, 'COMPLETED');
    assert.ok(count(p, 'readRefreshStatus') >= 2, 'the first read said RUNNING: it kept waiting');
  });

  it('stale, foreign and future-stamped events are dropped: the check ends by polling', async () => {
    const p = scriptedProvider({
      statuses: [
        { state: 'RUNNING', providerStatus: 'CONNECTED' },
        { state: 'SUCCEEDED', providerStatus: 'CONNECTED' },
      ],
      balances: [balance('A')],
      minIntervalMs: 1500,
      start: { refreshId: 'REQ-1', startedAt: new Date().toISOString() },
    });
    const r = await check(p, {}, async (h) => {
      await waitFor(async () => (await h.query(statusQuery)).phase === 'REFRESHING');
      const at = (ms: number) => new Date(Date.now() + ms).toISOString();
      for (const e of [
        { eventId: 'old', occurredAt: at(-60_000) },
        { eventId: 'other', refreshId: 'REQ-0' },
        { eventId: 'future', occurredAt: at(3_600_000), refreshId: 'REQ-1' },
        { eventId: 'meld', provider: 'meld' },
      ])
        await h.signal(providerEventSignal, {
          provider: 'mx',
          kind: 'REFRESH_COMPLETED',
          ...e,
        } as ProviderEvent);
    });
    assert.equal(r.status, 'COMPLETED');
    assert.equal(r.eventsAccepted, 0);
    assert.equal(r.polls, 2, 'both reads were timer polls');
  });

  it('the overall deadline ends a refresh that never finishes: TIMED_OUT REFRESH_TIMEOUT', async () => {
    const p = scriptedProvider({ statuses: [{ state: 'RUNNING', providerStatus: 'CONNECTED' }] });
    const r = await check(p, { timeouts: { overallSeconds: 3 } });
    assert.equal(r.status, 'TIMED_OUT');
    assert.equal(r.reason?.code, 'REFRESH_TIMEOUT');
    assert.ok(r.polls >= 2);
  });

  it('cancel → CANCELED result (not a failed run)', async () => {
    const p = scriptedProvider({ statuses: [{ state: 'RUNNING', providerStatus: 'CONNECTED' }] });
    const r = await check(p, {}, async (h) => {
      await waitFor(async () => (await h.query(statusQuery)).phase === 'REFRESHING');
      await h.cancel();
    });
    assert.equal(r.status, 'CANCELED');
    assert.equal(r.reason?.code, 'CANCELED');
  });

  it('a non-retryable provider failure in the balance read → FAILED with its code', async () => {
    const p = scriptedProvider({
      statuses: [{ state: 'SUCCEEDED', providerStatus: 'CONNECTED' }],
      balancesError: ApplicationFailure.nonRetryable('bad body', ProviderErrorType.InvalidResponse),
    });
    const r = await check(p);
    assert.equal(r.status, 'FAILED');
    assert.equal(r.reason?.code, 'PROVIDER_INVALID_RESPONSE');
  });
});
