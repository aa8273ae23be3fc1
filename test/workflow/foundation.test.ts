// The foundation: a balanceCheck runs to completion on the real dev server (no mock Temporal),
// and the workflow logic (polling on durable timers, MFA update validation) behaves.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import {
  balanceCheckWorkflowId,
  FIRST_CALLER_ID,
  type BalanceCheckInput,
  type NormalizedBalance,
} from '../../contracts/balance-check';
import type { balanceCheck } from '../../workflows';
import { answerFor } from '../../workflows/answers';
import { answerChallengesUpdate, statusQuery } from '../../workflows/definitions';
import { scriptedProvider, type ScriptedProvider } from '../helpers/scripted-provider';
import { withScriptedWorker } from '../helpers/scripted-worker';
import { startDevServer } from '../helpers/temporal-env';
import { waitFor } from '../helpers/wait';

const checking: NormalizedBalance = {
  accountId: 'ACT-1',
  kind: 'DEPOSITORY',
  currency: 'USD',
  current: 1999,
  available: 1500,
  limit: null,
  asOf: '2026-11-21T00:00:00Z',
  freshness: 'REALTIME',
};

describe('foundation: balanceCheck on the real dev server', () => {
  let env: TestWorkflowEnvironment;
  before(async () => {
    env = await startDevServer();
  });
  after(async () => {
    await env?.teardown();
  });

  const run = <T>(provider: ScriptedProvider, taskQueue: string, fn: () => Promise<T>) =>
    withScriptedWorker(env, provider, taskQueue, fn);

  const input = (memberId: string, extra: Partial<BalanceCheckInput> = {}): BalanceCheckInput => ({
    provider: 'mx',
    resource: { userId: 'USR-t', memberId },
    fundingAccountId: 'ACT-1',
    requiredAmount: { amount: 1000, currency: 'USD' },
    ...extra,
  });

  it('polls on durable timers until the provider succeeds, then returns normalized balances', async () => {
    const provider = scriptedProvider({
      statuses: [
        { state: 'RUNNING', providerStatus: 'CONNECTED' },
        { state: 'RUNNING', providerStatus: 'CONNECTED' },
        { state: 'SUCCEEDED', providerStatus: 'CONNECTED' },
      ],
      balances: [checking],
    });
    const run_ = await run(provider, 'tq-poll', () =>
      env.client.workflow.execute<typeof balanceCheck>('balanceCheck', {
        taskQueue: 'tq-poll',
        workflowId: balanceCheckWorkflowId('mx', { userId: 'USR-t', memberId: 'poll' }),
        args: [input('poll')],
      }),
    );
    const result = answerFor(run_, FIRST_CALLER_ID)!;
    assert.equal(result.status, 'COMPLETED');
    assert.equal(result.polls, 3);
    assert.deepEqual(result.balances, [checking]);
    assert.deepEqual(result.sufficiency?.decision, 'SUFFICIENT');
    assert.equal(result.sufficiency?.basis, 'AVAILABLE');
    assert.equal(provider.calls.filter((c) => c.op === 'readRefreshStatus').length, 3);
    // The status read that found the refresh done read the balances in the same activity.
    assert.equal(provider.calls.filter((c) => c.op === 'listBalances').length, 1);
  });

  it('rejects MFA answers in the validator, accepts good ones, and times out an unanswered challenge', async () => {
    const challenge = { id: 'CRD-1', type: 'TEXT' as const, label: 'What is your favorite color?' };
    const provider = scriptedProvider({
      statuses: [{ state: 'CHALLENGED', providerStatus: 'CHALLENGED', challenges: [challenge] }],
      balances: [checking],
      afterAnswers: () => [{ state: 'SUCCEEDED', providerStatus: 'CONNECTED' }],
    });
    await run(provider, 'tq-mfa', async () => {
      const handle = await env.client.workflow.start<typeof balanceCheck>('balanceCheck', {
        taskQueue: 'tq-mfa',
        workflowId: 'mfa-logic',
        args: [input('mfa')],
      });
      await assert.rejects(
        handle.executeUpdate(answerChallengesUpdate, {
          args: [{ answers: [{ challengeId: 'CRD-1', value: 'x' }] }],
        }),
        (err: unknown) =>
          err instanceof WorkflowUpdateFailedError &&
          /not waiting for MFA/.test(String((err.cause as Error)?.message)),
      );
      await waitFor(async () => (await handle.query(statusQuery)).phase === 'WAITING_FOR_MFA');
      const state = await handle.query(statusQuery);
      assert.equal(state.challenges[0]?.label, challenge.label);
      await assert.rejects(
        handle.executeUpdate(answerChallengesUpdate, {
          args: [{ answers: [{ challengeId: 'CRD-nope', value: 'x' }] }],
        }),
        (err: unknown) =>
          /Unknown challenge id/.test(String((err as Error & { cause?: Error }).cause?.message)),
      );
      const accepted = await handle.executeUpdate(answerChallengesUpdate, {
        args: [{ answers: [{ challengeId: 'CRD-1', value: 'blue' }] }],
      });
      assert.deepEqual(accepted, { accepted: true, round: 1 });
      const result = await handle.result();
      assert.equal(result.status, 'COMPLETED');
      assert.equal(result.mfaRounds, 1);
      assert.deepEqual(provider.answers, [[{ challengeId: 'CRD-1', value: 'blue' }]]);
    });
  });

  it('ends an unanswered challenge with a typed MFA_TIMEOUT result', async () => {
    const provider = scriptedProvider({
      statuses: [
        {
          state: 'CHALLENGED',
          providerStatus: 'CHALLENGED',
          challenges: [{ id: 'CRD-1', type: 'TEXT', label: 'Q' }],
        },
      ],
    });
    const result = await run(provider, 'tq-mfa-timeout', () =>
      env.client.workflow.execute<typeof balanceCheck>('balanceCheck', {
        taskQueue: 'tq-mfa-timeout',
        workflowId: 'mfa-timeout',
        args: [input('mfa-t', { timeouts: { mfaSeconds: 2 } })],
      }),
    );
    assert.equal(result.status, 'TIMED_OUT');
    assert.equal(result.reason?.code, 'MFA_TIMEOUT');
  });
});
