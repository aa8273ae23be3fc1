// The Nexus operation on the real dev server: a payment service's workflow in namespace `payments`
// calls service `balance-check`, operation `check`, through an endpoint, and gets its own typed result;
// the check belongs to the caller namespace (the owner).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import { TASK_QUEUE } from '../../contracts/balance-check';
import { MX_SANDBOX_USER } from '../../providers/mx/sandbox';
import { startTestStack, type TestStack } from '../helpers/stack';
import type { payWithBalanceCheck } from './fixtures/nexus-caller';
import type { NexusCheckInput } from '../../contracts/nexus';
import type { BalanceCheckRun, BalanceCheckState } from '../../contracts/balance-check';
import { answerChallengesUpdate, statusQuery } from '../../workflows/definitions';
import { checkRefQuery } from '../../workflows/nexus-check';
import { waitFor } from '../helpers/wait';
import { PAYMENTS, startPaymentsService, type PaymentsService } from '../helpers/nexus-payments';

describe('Nexus operation balance-check/check', () => {
  let stack: TestStack;
  let paymentsService: PaymentsService;
  let payments: Client;

  before(async () => {
    stack = await startTestStack({ providers: ['mx'] });
    paymentsService = await startPaymentsService(stack.env, {
      namespace: stack.env.namespace ?? 'default',
      taskQueue: TASK_QUEUE,
    });
    payments = paymentsService.client;
  });
  after(async () => {
    await paymentsService?.stop();
    await stack?.stop();
  });

  it('a caller workflow in namespace payments gets a COMPLETED result; the check is owned by payments', async () => {
    const result = await payments.workflow.execute<typeof payWithBalanceCheck>('payWithBalanceCheck', {
      taskQueue: PAYMENTS,
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
      taskQueue: PAYMENTS,
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

  const nexusCheckCount = async () =>
    (await stack.env.client.workflow.count(`WorkflowType='nexusCheck'`)).count;

  it('a bad question is refused at the operation start (BAD_REQUEST naming the field), no check started', async () => {
    const before = await nexusCheckCount();
    const caller = await call('MBR-connected', { requiredAmount: { amount: 100, currency: 'USD' } });
    const err = await caller.result().then(
      () => assert.fail('the operation must fail'),
      (e: Error) => e,
    );
    const messages: string[] = [];
    for (let e: any = err; e; e = e.cause) messages.push(`${e.name}: ${e.message}`);
    assert.match(messages.join('\n'), /fundingAccountId and requiredAmount go together/, messages.join('\n'));
    assert.match(messages.join('\n'), /BAD_REQUEST|HandlerError/, messages.join('\n'));
    // Visibility of the earlier tests' nexusCheck runs has settled; the refused one added none.
    assert.equal(await nexusCheckCount(), before);
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
