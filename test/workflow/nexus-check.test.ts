// The Nexus operation on the real dev server: a payment service's workflow in namespace `payments`
// calls service `balance-check`, operation `check`, through an endpoint, and gets its own typed result;
// the check belongs to the caller namespace (the owner).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { Worker } from '@temporalio/worker';
import { NEXUS_ENDPOINT } from '../../contracts/nexus';
import { TASK_QUEUE } from '../../contracts/balance-check';
import { MX_SANDBOX_USER } from '../../providers/mx/sandbox';
import { startTestStack, type TestStack } from '../helpers/stack';
import type { payWithBalanceCheck } from './fixtures/nexus-caller';
import type { NexusCheckInput } from '../../contracts/nexus';
import type { BalanceCheckRun, BalanceCheckState } from '../../contracts/balance-check';
import { answerChallengesUpdate, statusQuery } from '../../workflows/definitions';
import { checkRefQuery } from '../../workflows/nexus-check';
import { waitFor } from '../helpers/wait';

const PAYMENTS = 'payments';

describe('Nexus operation balance-check/check', () => {
  let stack: TestStack;
  let callerWorker: Worker;
  let running: Promise<void>;
  let payments: Client;

  before(async () => {
    stack = await startTestStack({ providers: ['mx'] });
    const { connection } = stack.env;
    await connection.workflowService.registerNamespace({
      namespace: PAYMENTS,
      workflowExecutionRetentionPeriod: msToTs('1 day'),
    });
    await connection.operatorService.createNexusEndpoint({
      spec: {
        name: NEXUS_ENDPOINT,
        target: { worker: { namespace: stack.env.namespace ?? 'default', taskQueue: TASK_QUEUE } },
      },
    });
    callerWorker = await Worker.create({
      connection: stack.env.nativeConnection,
      namespace: PAYMENTS,
      taskQueue: 'payments',
      workflowsPath: require.resolve('./fixtures/nexus-caller'),
    });
    running = callerWorker.run();
    payments = new Client({ connection, namespace: PAYMENTS });
  });
  after(async () => {
    callerWorker?.shutdown();
    await running?.catch(() => undefined);
    await stack?.stop();
  });

  it('a caller workflow in namespace payments gets a COMPLETED result; the check is owned by payments', async () => {
    const result = await payments.workflow.execute<typeof payWithBalanceCheck>('payWithBalanceCheck', {
      taskQueue: 'payments',
      workflowId: `pay-${Date.now()}`,
      args: [
        {
          provider: 'mx',
          resource: { userId: MX_SANDBOX_USER, memberId: 'MBR-connected' },
          fundingAccountId: 'ACT-connected-checking',
          requiredAmount: { amount: 100, currency: 'USD' },
        },
      ],
    });
    assert.equal(result.status, 'COMPLETED');
    assert.ok(result.balances.length > 0);
    assert.ok(result.sufficiency, 'the caller’s own question is answered');
    const check = stack.env.client.workflow.getHandle(
      `balance-check:${PAYMENTS}:mx:${MX_SANDBOX_USER}:MBR-connected`,
    );
    assert.equal((await check.describe()).status.name, 'COMPLETED');
  });

  const checkOf = (memberId: string) =>
    stack.env.client.workflow.getHandle(`balance-check:${PAYMENTS}:mx:${MX_SANDBOX_USER}:${memberId}`);
  const call = (memberId: string, extra: Partial<NexusCheckInput> = {}) =>
    payments.workflow.start<typeof payWithBalanceCheck>('payWithBalanceCheck', {
      taskQueue: 'payments',
      workflowId: `pay-${memberId}-${Date.now()}`,
      args: [{ provider: 'mx', resource: { userId: MX_SANDBOX_USER, memberId }, ...extra }],
    });
  /** The nexusCheck workflow (handler side) whose check is this member's. */
  const nexusCheckOf = async (memberId: string) => {
    let found: string | undefined;
    await waitFor(async () => {
      for await (const wf of stack.env.client.workflow.list({ query: `WorkflowType='nexusCheck'` })) {
        const ref = await stack.env.client.workflow.getHandle(wf.workflowId).query(checkRefQuery);
        if (ref?.workflowId === checkOf(memberId).workflowId) found = wf.workflowId;
      }
      return found !== undefined;
    }, 30_000);
    return stack.env.client.workflow.getHandle(found!);
  };

  it('MFA: the Nexus caller waits while the check asks; an answer for its caller id completes it', async () => {
    const caller = await call('MBR-challenge', { timeouts: { mfaSeconds: 60 } });
    const handlerSide = await nexusCheckOf('MBR-challenge');
    const ref = (await handlerSide.query(checkRefQuery))!;
    let state: BalanceCheckState | undefined;
    await waitFor(
      async () =>
        (state = await checkOf('MBR-challenge').query(statusQuery, ref.callerId)).phase === 'WAITING_FOR_MFA',
    );
    await checkOf('MBR-challenge').executeUpdate(answerChallengesUpdate, {
      args: [
        { callerId: ref.callerId, answers: [{ challengeId: state!.challenges[0]!.id, value: 'correct' }] },
      ],
    });
    const result = await caller.result();
    assert.equal(result.status, 'COMPLETED');
    assert.equal(result.mfaRounds, 1);
  });

  it('canceling the caller withdraws its interest: the refresh only it asked for is canceled', async () => {
    // MBR-options waits for an MFA answer that never comes: only the withdrawal can end it early.
    const caller = await call('MBR-options', { timeouts: { mfaSeconds: 120 } });
    const handlerSide = await nexusCheckOf('MBR-options');
    await waitFor(async () => (await checkOf('MBR-options').query(statusQuery)).phase === 'WAITING_FOR_MFA');
    await caller.cancel();
    const run = (await checkOf('MBR-options').result()) as BalanceCheckRun;
    assert.equal(run.status, 'CANCELED');
    assert.deepEqual(
      run.callers.map((c) => c.withdrawn),
      [true],
    );
    await waitFor(async () => (await handlerSide.describe()).status.name !== 'RUNNING', 30_000);
  });
});
