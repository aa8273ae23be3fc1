// The batch item activity: start or join the item's check (one refresh per owner and resource, so
// items of a resource with a check in flight join it) and wait for this caller's answer. Created with
// a Temporal Client (the factory is the only door to it) and run on the batch items task queue, apart
// from the provider activities: these wait for minutes and must never take a provider call's slot.
import { Context } from '@temporalio/activity';
import {
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { encodeCheckId, type CheckRef } from '../api/check-id';
import { executeUpdate } from '../api/execute-update';
import { startOrJoinCheck } from '../api/start-check';
import {
  balanceCheckWorkflowId,
  CHECK_FINISHED,
  UNKNOWN_CALLER,
  type BalanceCheckRun,
} from '../contracts/balance-check';
import { batchCallerId, type BatchItemRequest, type BatchItemResult } from '../contracts/batch';
import { answerFor } from '../workflows/answers';
import { withdrawCallerUpdate } from '../workflows/definitions';

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
        // The batch was canceled: the page withdraws this item at once, but this attempt may have joined
        // the check just after that; withdrawing again is harmless.
        if (err instanceof CancelledFailure) await withdrawCaller(client, started).catch(() => undefined);
        throw err;
      } finally {
        clearInterval(beat);
      }
    },

    /**
     * The batch was canceled with this item in flight: the item's caller withdraws from the resource's
     * running check, which goes on for its other callers (or is canceled when none is left). The item's
     * check id when it was in that check; nothing when it never got in or the check had already ended.
     */
    async withdrawBatchItem(req: BatchItemRequest): Promise<{ checkId?: string }> {
      const workflowId = balanceCheckWorkflowId(req.item.provider, req.item.resource, req.owner);
      const callerId = batchCallerId(req.batchId, req.index);
      const ref = await withdrawCaller(client, { workflowId, callerId });
      return ref ? { checkId: encodeCheckId(ref) } : {};
    },
  };
}

/**
 * Withdraws a caller from the resource's running check (the run given, or the current one). The check's
 * ref when the caller was in it; undefined when it never got in or the check had already ended.
 */
async function withdrawCaller(
  client: Client,
  target: { workflowId: string; runId?: string; callerId: string },
): Promise<CheckRef | undefined> {
  const { workflowId, callerId } = target;
  try {
    const { runId, status } = await client.workflow.getHandle(workflowId, target.runId).describe();
    if (status.name !== 'RUNNING') return undefined;
    await executeUpdate(client, client.workflow.getHandle(workflowId, runId), withdrawCallerUpdate, [
      callerId,
    ]);
    return { workflowId, runId, callerId };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    const type =
      err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure
        ? err.cause.type
        : undefined;
    // CHECK_FINISHED also answers a caller that has already withdrawn.
    if (type === UNKNOWN_CALLER || type === CHECK_FINISHED) return undefined;
    throw err;
  }
}
