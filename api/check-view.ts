// Reading a check: what the API answers about one workflow run.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { BalanceCheckResult, BalanceCheckState } from '../contracts/balance-check';
import { statusQuery } from '../workflows/definitions';
import { encodeCheckId } from './check-id';
import { problem } from './problem';
import { withTemporalDeadline } from './temporal-deadline';

export interface CheckView {
  id: string;
  workflowId: string;
  runId: string;
  /** RUNNING while the workflow runs (CANCELING right after DELETE); then the result's status. */
  status: string;
  phase?: BalanceCheckState['phase'] | null;
  challenges?: BalanceCheckState['challenges'];
  polls?: number;
  nextPollAt?: string | null;
  deadline?: string;
  result?: BalanceCheckResult;
}

export interface CheckRef {
  workflowId: string;
  runId: string;
}

const QUERY_DEADLINE_MS = 5_000;

export function doneView(ref: CheckRef, result: BalanceCheckResult): CheckView {
  return {
    id: encodeCheckId(ref.workflowId, ref.runId),
    ...ref,
    status: result.status,
    phase: 'DONE',
    result,
  };
}

export function runningView(ref: CheckRef, status: 'RUNNING' | 'CANCELING' = 'RUNNING'): CheckView {
  return { id: encodeCheckId(ref.workflowId, ref.runId), ...ref, status };
}

/** describe(), with "no such run" (or an id Temporal refuses) as a 404 problem. */
export async function describeCheck(client: Client, ref: CheckRef) {
  try {
    return await withTemporalDeadline(client, () =>
      client.workflow.getHandle(ref.workflowId, ref.runId).describe(),
    );
  } catch (err) {
    if (
      err instanceof WorkflowNotFoundError ||
      (err as { code?: number }).code === 3 /* INVALID_ARGUMENT */
    ) {
      throw problem(404, 'not-found', 'No such balance check');
    }
    throw err;
  }
}

export async function readCheck(client: Client, ref: CheckRef): Promise<CheckView> {
  const handle = client.workflow.getHandle(ref.workflowId, ref.runId);
  const description = await describeCheck(client, ref);
  const status = description.status.name;
  if (status === 'RUNNING') {
    // A query needs a worker; bound it so a missing worker answers 503, not a hung request.
    const state = await client
      .withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(statusQuery))
      .catch(() => {
        throw problem(503, 'worker-unavailable', 'The check is running but no worker answered in time');
      });
    // The result is decided; the run is only letting in-flight handlers finish.
    if (state.result) return doneView(ref, state.result);
    return {
      ...runningView(ref),
      phase: state.phase,
      challenges: state.challenges,
      polls: state.polls,
      nextPollAt: state.nextPollAt,
      deadline: state.deadline,
    };
  }
  if (status === 'COMPLETED') return doneView(ref, (await handle.result()) as BalanceCheckResult);
  // Terminated / timed out / failed at the workflow level (an operator's action or a bug).
  return {
    ...runningView(ref),
    status: status === 'CANCELLED' || status === 'TERMINATED' ? 'CANCELED' : 'FAILED',
    phase: 'DONE',
  };
}

/**
 * The result if the run finishes within `seconds` (Prefer: wait); undefined otherwise, or as soon as
 * `draining` aborts (the API is shutting down: the caller gets 202 + Location instead of a cut connection).
 */
export async function awaitResult(
  client: Client,
  ref: CheckRef,
  seconds: number,
  draining?: AbortSignal,
): Promise<BalanceCheckResult | undefined> {
  if (draining?.aborted) return undefined;
  const wait = () =>
    client.withDeadline(
      Date.now() + seconds * 1000,
      () => client.workflow.getHandle(ref.workflowId, ref.runId).result() as Promise<BalanceCheckResult>,
    );
  return (draining ? client.withAbortSignal(draining, wait) : wait()).catch(() => undefined);
}
