// Reading a check: what the API answers about one workflow run.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { BalanceCheckResult, BalanceCheckState } from '../contracts/balance-check';
import { statusQuery } from '../workflows/definitions';
import { encodeCheckId } from './check-id';
import { problem } from './problem';

export interface CheckView {
  id: string;
  workflowId: string;
  runId: string;
  /** RUNNING while the workflow runs; then the result's status (COMPLETED, FAILED, …). */
  status: string;
  phase: BalanceCheckState['phase'] | null;
  challenges?: BalanceCheckState['challenges'];
  polls?: number;
  nextPollAt?: string | null;
  deadline?: string;
  result?: BalanceCheckResult;
}

const QUERY_DEADLINE_MS = 5_000;

export async function readCheck(client: Client, workflowId: string, runId: string): Promise<CheckView> {
  const handle = client.workflow.getHandle(workflowId, runId);
  const base = { id: encodeCheckId(workflowId, runId), workflowId, runId };
  let description;
  try {
    description = await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw problem(404, 'not-found', 'No such balance check');
    throw err;
  }
  const status = description.status.name;
  if (status === 'RUNNING') {
    // A query needs a worker; bound it so a missing worker answers 503, not a hung request.
    const state = await client
      .withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(statusQuery))
      .catch(() => {
        throw problem(503, 'worker-unavailable', 'The check is running but no worker answered in time');
      });
    return {
      ...base,
      status: 'RUNNING',
      phase: state.phase,
      challenges: state.challenges,
      polls: state.polls,
      nextPollAt: state.nextPollAt,
      deadline: state.deadline,
    };
  }
  if (status === 'COMPLETED') {
    const result = (await handle.result()) as BalanceCheckResult;
    return { ...base, status: result.status, phase: 'DONE', result };
  }
  // Terminated / timed out / failed at the workflow level (an operator's action or a bug).
  return { ...base, status: status === 'CANCELLED' ? 'CANCELED' : status === 'TERMINATED' ? 'CANCELED' : 'FAILED', phase: 'DONE' };
}
