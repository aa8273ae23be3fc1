// A caller's answer from a balanceCheck run (the run result holds every caller's outcome).
import type { WorkflowHandle } from '@temporalio/client';
import { decodeCheckId } from '../../api/check-id';
import {
  FIRST_CALLER_ID,
  type BalanceCheckResult,
  type BalanceCheckRun,
} from '../../contracts/balance-check';
import type { balanceCheck } from '../../workflows';
import { answerFor } from '../../workflows/answers';

/** The caller id a check id names (FIRST_CALLER_ID for a run started without the API). */
export function callerIdOf(checkId: string | undefined): string {
  return (checkId && decodeCheckId(checkId)?.callerId) || FIRST_CALLER_ID;
}

/** Typed handle (type-only import of the workflow): result() is a BalanceCheckRun, no cast. */
export async function answerOf(
  handle: WorkflowHandle<typeof balanceCheck>,
  callerId: string = FIRST_CALLER_ID,
): Promise<BalanceCheckResult> {
  const run: BalanceCheckRun = await handle.result();
  const answer = answerFor(run, callerId);
  if (!answer) throw new Error(`caller ${callerId} is not in run ${handle.workflowId}`);
  return answer;
}
