// The Nexus operation survives a crash of the handler side: a caller workflow in namespace `payments`
// asks for an MFA check through the endpoint; the worker serving the operation (a child process, as in
// the reliability tests) is SIGKILLed while the operation is in flight — its nexusCheck workflow waiting
// on the check's answer, the check parked on MFA. A fresh worker takes over, the MFA answer goes in,
// and the caller gets its COMPLETED result: one nexusCheck, one check run, one caller — nothing lost or doubled.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { WorkflowHandle } from '@temporalio/client';
import type { CheckRef } from '../../api/check-id';
import type { BalanceCheckRun, BalanceCheckState } from '../../contracts/balance-check';
import { MX_SANDBOX_USER } from '../../providers/mx/sandbox';
import { answerChallengesUpdate, statusQuery } from '../../workflows/definitions';
import { checkRefQuery } from '../../workflows/nexus-check';
import {
  spawnWorker,
  startReliabilityEnv,
  type ChildWorker,
  type ReliabilityEnv,
} from '../reliability/harness';
import { waitFor } from '../helpers/wait';
import { PAYMENTS, startPaymentsService, type PaymentsService } from '../helpers/nexus-payments';
import type { payWithBalanceCheck } from './fixtures/nexus-caller';
const MEMBER = 'MBR-challenge';

describe('Nexus operation: the handler-side worker is SIGKILLed mid-operation', () => {
  let r: ReliabilityEnv;
  let paymentsService: PaymentsService;
  const workers: ChildWorker[] = [];

  before(async () => {
    r = await startReliabilityEnv({ timeScale: 1 });
    // The caller's worker lives in this process; only the handler side (the balance-check worker) dies.
    paymentsService = await startPaymentsService(r.env, { namespace: r.namespace, taskQueue: r.taskQueue });
  });
  after(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGTERM')));
    await paymentsService?.stop();
    await r?.close();
  });

  const nexusChecks = async () => {
    const ids: string[] = [];
    for await (const wf of r.client.workflow.list({ query: `WorkflowType='nexusCheck'` }))
      ids.push(wf.workflowId);
    return ids;
  };

  it('a fresh worker finishes the operation: the caller gets COMPLETED, nothing started twice', async () => {
    const first = spawnWorker(r, `nexus-w1-${Date.now()}`);
    workers.push(first);
    await first.ready;

    const caller = await paymentsService.client.workflow.start<typeof payWithBalanceCheck>(
      'payWithBalanceCheck',
      {
        taskQueue: PAYMENTS,
        workflowId: `pay-crash-${Date.now()}`,
        args: [
          {
            provider: 'mx',
            resource: { userId: MX_SANDBOX_USER, memberId: MEMBER },
            timeouts: { mfaSeconds: 300 },
          },
        ],
      },
    );

    // In flight: the handler's nexusCheck is waiting on the check's answer (on the first worker), the check on MFA.
    let handlerIds: string[] = [];
    await waitFor(async () => (handlerIds = await nexusChecks()).length > 0, 60_000);
    const handlerSide = r.client.workflow.getHandle(handlerIds[0]!);
    let asked: CheckRef | null = null;
    await waitFor(async () => (asked = await handlerSide.query(checkRefQuery)) !== null, 60_000);
    const ref: CheckRef = asked!;
    const check: WorkflowHandle = r.client.workflow.getHandle(ref.workflowId);
    let state: BalanceCheckState | undefined;
    await waitFor(
      async () => (state = await check.query(statusQuery, ref.callerId)).phase === 'WAITING_FOR_MFA',
      60_000,
    );
    await waitFor(async () => {
      const pending = (await handlerSide.describe()).raw.pendingActivities ?? [];
      return pending.some(
        (a) => a.activityType?.name === 'awaitCallerAnswer' && a.lastWorkerIdentity === first.id,
      );
    }, 30_000);

    await first.kill('SIGKILL');
    assert.equal(first.proc.signalCode, 'SIGKILL');
    const fresh = spawnWorker(r, `nexus-w2-${Date.now()}`);
    workers.push(fresh);
    await fresh.ready;

    await check.executeUpdate(answerChallengesUpdate, {
      args: [
        { callerId: ref.callerId, answers: [{ challengeId: state!.challenges[0]!.id, value: 'correct' }] },
      ],
    });
    const result = await caller.result();
    assert.equal(result.status, 'COMPLETED');
    assert.equal(result.mfaRounds, 1);
    assert.ok(result.balances.length > 0);

    // The answer came through the fresh worker: the waiting activity was retried there.
    const history = await handlerSide.fetchHistory();
    const started = history.events!.filter((e) => e.activityTaskStartedEventAttributes);
    const waited = started.at(-1)!.activityTaskStartedEventAttributes!;
    assert.equal(waited.identity, fresh.id);
    assert.ok((waited.attempt ?? 1) > 1, 'the attempt on the killed worker was retried');
    // Nothing doubled: one handler workflow for the one request, one run of the check, one caller in it.
    assert.deepEqual(await nexusChecks(), handlerIds);
    const runs: string[] = [];
    for await (const wf of r.client.workflow.list({ query: `WorkflowId='${ref.workflowId}'` }))
      runs.push(wf.runId);
    assert.equal(runs.length, 1);
    const run = (await check.result()) as BalanceCheckRun;
    assert.deepEqual(
      run.callers.map((c) => c.callerId),
      [ref.callerId],
    );
  });
});
