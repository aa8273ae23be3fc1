// The batch item activity: start or join the item's check (one refresh per owner and resource, so
// items of a resource with a check in flight join it) and wait for this caller's answer. Created with
// a Temporal Client (the factory is the only door to it) and run on the batch items task queue, apart
// from the provider activities: these wait for minutes and must never take a provider call's slot.
import { Context } from '@temporalio/activity';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { encodeCheckId, type CheckRef } from '../api/check-id';
import { startOrJoinCheck } from '../api/start-check';
import type { BalanceCheckRun } from '../contracts/balance-check';
import { batchCallerId, type BatchItemRequest, type BatchItemResult } from '../contracts/batch';
import { answerFor } from '../workflows/answers';

export interface BatchActivityDeps {
  client: Client;
  /** How often a waiting item heartbeats (default 5 s; the workflow's heartbeat timeout is 30 s). */
  heartbeatMs?: number;
}

export type BatchItemAnswer = Omit<BatchItemResult, 'index' | 'reference'>;

export function createBatchActivities({ client, heartbeatMs = 5000 }: BatchActivityDeps) {
  return {
    async checkBatchItem(req: BatchItemRequest): Promise<BatchItemAnswer> {
      const ctx = Context.current();
      // A retry after a worker died resumes the wait on the check it had already started or joined.
      let ref = ctx.info.heartbeatDetails as CheckRef | undefined;
      if (!ref?.workflowId) {
        const { reference: _reference, ...question } = req.item;
        ref = await startOrJoinCheck(
          client,
          req.checkTaskQueue,
          {
            ...question,
            owner: req.owner,
            ...(req.requestedBy ? { requestedBy: req.requestedBy } : {}),
            callerId: batchCallerId(req.batchId, req.index),
            ...(req.providerTaskQueues ? { providerTaskQueues: true } : {}),
          },
          { batchId: req.batchId },
        );
      }
      const started = ref;
      ctx.heartbeat(started);
      const beat = setInterval(() => ctx.heartbeat(started), heartbeatMs);
      try {
        const run = await Promise.race([
          client.workflow.getHandle(started.workflowId, started.runId).result() as Promise<BalanceCheckRun>,
          ctx.cancelled,
        ]);
        const answer = answerFor(run, started.callerId);
        if (!answer)
          return { checkId: encodeCheckId(started), status: 'FAILED', reasonCode: 'CALLER_NOT_FOUND' };
        return {
          checkId: encodeCheckId(started),
          status: answer.status,
          ...(answer.sufficiency ? { decision: answer.sufficiency.decision } : {}),
          ...(answer.reason ? { reasonCode: answer.reason.code } : {}),
        };
      } catch (err) {
        // The check's workflow was terminated or failed (an operator's action): the item has its answer.
        if (err instanceof WorkflowFailedError)
          return { checkId: encodeCheckId(started), status: 'FAILED', reasonCode: 'CHECK_WORKFLOW_FAILED' };
        throw err;
      } finally {
        clearInterval(beat);
      }
    },
  };
}
