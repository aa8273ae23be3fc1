// Activities of the per-caller workflow behind the Nexus `check` operation: start or join the owner's
// refresh (exactly as the API does), wait for this caller's answer, withdraw when the caller cancels.
import { Context } from '@temporalio/activity';
import type { CheckRef } from '../api/check-id';
import { startOrJoinCheck } from '../api/start-check';
import type { BalanceCheckInput, BalanceCheckResult } from '../contracts/balance-check';
import { answerFor } from '../workflows/answers';
import type { balanceCheck } from '../workflows/balance-check';
import { withdrawCallerUpdate } from '../workflows/definitions';

const HEARTBEAT_MS = 5_000;

export function createNexusActivities(taskQueue: string) {
  return {
    async startOrJoinForNexus(input: BalanceCheckInput): Promise<CheckRef> {
      return startOrJoinCheck(Context.current().client, taskQueue, input);
    },
    /** Long-polls the check's result; heartbeats so a dead worker is noticed and cancellation arrives. */
    async awaitCallerAnswer(ref: CheckRef): Promise<BalanceCheckResult> {
      const ctx = Context.current();
      const beat = setInterval(() => ctx.heartbeat(), HEARTBEAT_MS);
      try {
        const result = ctx.client.workflow.getHandle<typeof balanceCheck>(ref.workflowId, ref.runId).result();
        const run = await Promise.race([result, ctx.cancelled]);
        const answer = answerFor(run, ref.callerId);
        if (!answer) throw new Error(`Caller ${ref.callerId} is not in ${ref.workflowId}`);
        return answer;
      } finally {
        clearInterval(beat);
      }
    },
    async withdrawFromCheck(ref: CheckRef): Promise<void> {
      await Context.current()
        .client.workflow.getHandle(ref.workflowId, ref.runId)
        .executeUpdate(withdrawCallerUpdate, { args: [ref.callerId] })
        .catch(() => undefined); // finished or already withdrawn: nothing to withdraw from
    },
  };
}
