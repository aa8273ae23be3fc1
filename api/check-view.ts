// Reading a check: what the API answers a caller about its check (its own question's answer).
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { BalanceCheckResult, BalanceCheckState } from '../contracts/balance-check';
import type { balanceCheck } from '../workflows';
import { answerFor } from '../workflows/answers';
import { statusQuery } from '../workflows/definitions';
import { encodeCheckId, type CheckRef } from './check-id';
import { problem } from './problem';
import { withTemporalDeadline } from './temporal-deadline';

export type { CheckRef };

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

const QUERY_DEADLINE_MS = 5_000;

export const notFound = () => problem(404, 'not-found', 'No such balance check');

export function doneView(ref: CheckRef, result: BalanceCheckResult): CheckView {
  return {
    id: encodeCheckId(ref),
    workflowId: ref.workflowId,
    runId: ref.runId,
    status: result.status,
    phase: 'DONE',
    result,
  };
}

export function runningView(ref: CheckRef, status: 'RUNNING' | 'CANCELING' = 'RUNNING'): CheckView {
  return { id: encodeCheckId(ref), workflowId: ref.workflowId, runId: ref.runId, status };
}

/** describe(), with "no such run" (or an id Temporal refuses) as a 404 problem. */
export async function describeCheck(client: Client, ref: Pick<CheckRef, 'workflowId' | 'runId'>) {
  try {
    return await withTemporalDeadline(client, () =>
      client.workflow.getHandle<typeof balanceCheck>(ref.workflowId, ref.runId).describe(),
    );
  } catch (err) {
    if (
      err instanceof WorkflowNotFoundError ||
      (err as { code?: number }).code === 3 /* INVALID_ARGUMENT */
    ) {
      throw notFound();
    }
    throw err;
  }
}

/** The caller's answer from a finished run; 404 when the run has no such caller. */
export async function finishedAnswer(client: Client, ref: CheckRef): Promise<BalanceCheckResult> {
  const run = await withTemporalDeadline(client, () =>
    client.workflow.getHandle<typeof balanceCheck>(ref.workflowId, ref.runId).result(),
  );
  const answer = run.callers ? answerFor(run, ref.callerId) : undefined;
  if (!answer) throw notFound();
  return answer;
}

/** The running check as this caller sees it; 404 when the caller is not one of its callers. */
export async function queryCheck(client: Client, ref: CheckRef): Promise<BalanceCheckState> {
  const handle = client.workflow.getHandle<typeof balanceCheck>(ref.workflowId, ref.runId);
  // A query needs a worker; bound it so a missing worker answers 503, not a hung request.
  const state = await client
    .withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(statusQuery, ref.callerId))
    .catch((err) => {
      if (err instanceof WorkflowNotFoundError) throw notFound();
      throw problem(503, 'worker-unavailable', 'The check is running but no worker answered in time');
    });
  if (!state.caller) throw notFound();
  return state;
}

export async function readCheck(client: Client, ref: CheckRef): Promise<CheckView> {
  const description = await describeCheck(client, ref);
  const status = description.status.name;
  if (status === 'RUNNING') {
    const state = await queryCheck(client, ref);
    // The caller's answer is decided (the refresh ended, or the caller withdrew).
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
  if (status === 'COMPLETED') return doneView(ref, await finishedAnswer(client, ref));
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
    client.withDeadline(Date.now() + seconds * 1000, () =>
      client.workflow.getHandle<typeof balanceCheck>(ref.workflowId, ref.runId).result(),
    );
  const run = await (draining ? client.withAbortSignal(draining, wait) : wait()).catch(() => undefined);
  return run?.callers ? answerFor(run, ref.callerId) : undefined;
}
