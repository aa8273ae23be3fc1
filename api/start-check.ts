// Starting a check: reuse a recent answer of the same owner (maxAgeSeconds), start the owner's
// refresh of the resource, or join the one running — each caller with its own question and check id.
import { randomUUID } from 'node:crypto';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  balanceCheckWorkflowId,
  CHECK_FINISHED,
  DEFAULT_OWNER,
  TOO_MANY_CALLERS,
  type BalanceCheckInput,
  type BalanceCheckResult,
  type BalanceCheckRun,
  type CheckQuestion,
} from '../contracts/balance-check';
import { batchKey, phaseKey, providerKey, resourceKey, userKey } from '../contracts/search-attributes';
import type { balanceCheck } from '../workflows';
import { answerFor } from '../workflows/answers';
import { joinCheckUpdate } from '../workflows/definitions';
import type { CheckRef } from './check-id';
import { executeUpdate } from './execute-update';
import { canonicalHash } from './idempotency';
import { problem } from './problem';
import { withTemporalDeadline } from './temporal-deadline';

/** What a caller's answer depends on besides the resource: same question → a reusable answer. */
export function questionFingerprint(question: CheckQuestion): string {
  return canonicalHash({
    accountIds: question.accountIds ? [...question.accountIds].sort() : null,
    fundingAccountId: question.fundingAccountId ?? null,
    requiredAmount: question.requiredAmount ?? null,
  });
}

/** How many earlier runs a throttled latest run lets the lookup look at (newest first). */
const EARLIER_RUNS = 10;
/** How long the lookup of earlier runs may take before the request goes on without it. */
const VISIBILITY_DEADLINE_MS = 500;

type RecentResult = { ref: CheckRef; result: BalanceCheckResult };

/** The provider refused the refresh because the member was refreshed recently (MX's per-member 429). */
const throttled = (run: BalanceCheckRun) =>
  run.status === 'NOT_SUPPORTED' && run.reason?.code === 'REFRESH_THROTTLED';

/**
 * The owner's most recent run of the resource, if it completed within maxAge with status COMPLETED
 * and one of its callers asked the same question: that caller's answer (no provider call). When that
 * run was throttled by the provider (NOT_SUPPORTED, REFRESH_THROTTLED: the member was refreshed
 * recently), the earlier runs within maxAge are looked at too, newest first, through visibility: the
 * refresh the throttle refers to is one of them. Any other outcome (FAILED, ACTION_REQUIRED, …) stops
 * the search, so a state change at the provider is never hidden behind an older answer.
 */
export async function findRecentResult(
  client: Client,
  input: BalanceCheckInput,
  maxAgeSeconds: number,
): Promise<RecentResult | undefined> {
  const workflowId = balanceCheckWorkflowId(input.provider, input.resource, input.owner);
  const wanted = questionFingerprint(input);
  const since = Date.now() - maxAgeSeconds * 1000;
  let description;
  try {
    description = await withTemporalDeadline(client, () =>
      client.workflow.getHandle<typeof balanceCheck>(workflowId).describe(),
    ); // no runId: the latest run
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
  const closedAt = description.closeTime?.getTime();
  if (description.status.name !== 'COMPLETED' || closedAt === undefined || closedAt < since) return undefined;
  const runOf = (runId: string) =>
    withTemporalDeadline(client, () =>
      client.workflow.getHandle<typeof balanceCheck>(workflowId, runId).result(),
    );
  const answer = (run: BalanceCheckRun, runId: string): RecentResult | undefined => {
    if (run.status !== 'COMPLETED') return undefined;
    const same = run.callers?.find((c) => !c.withdrawn && questionFingerprint(c.question) === wanted);
    return same
      ? { ref: { workflowId, runId, callerId: same.callerId }, result: answerFor(run, same.callerId)! }
      : undefined;
  };
  const latest = await runOf(description.runId);
  if (!throttled(latest)) return answer(latest, description.runId);
  for (const runId of await earlierRuns(client, workflowId, description.runId, since)) {
    const run = await runOf(runId).catch(() => undefined);
    if (!run) return undefined; // unreadable now: start a refresh rather than fail the request
    const found = answer(run, runId);
    if (found) return found;
    if (run.status !== 'COMPLETED' && !throttled(run)) return undefined;
  }
  return undefined;
}

/**
 * Closed runs of this workflow id since `since`, newest first, the latest one left out (visibility).
 * Visibility is rate-limited per namespace (the server's frontend.namespaceRPS.visibility, 10/s by
 * default) and may lag: when it refuses, is slow or errs, the answer is "none", and the request starts a
 * refresh as it would without the fallback — never a 503.
 */
async function earlierRuns(client: Client, workflowId: string, latestRunId: string, since: number) {
  if (/["\\]/.test(workflowId)) return [];
  const runs: { runId: string; closedAt: number }[] = [];
  const query = `WorkflowId = "${workflowId}" AND ExecutionStatus = "Completed" AND CloseTime >= "${new Date(since).toISOString()}"`;
  const list = async () => {
    for await (const w of client.workflow.list({ query, pageSize: EARLIER_RUNS + 1 })) {
      // The query's CloseTime bound is the store's; it is checked here again, as the rule is ours.
      const closedAt = w.closeTime?.getTime();
      if (w.runId !== latestRunId && closedAt !== undefined && closedAt >= since)
        runs.push({ runId: w.runId, closedAt });
      if (runs.length >= EARLIER_RUNS) break;
    }
  };
  try {
    await withTemporalDeadline(client, list, VISIBILITY_DEADLINE_MS);
  } catch {
    return [];
  }
  return runs.sort((a, b) => b.closedAt - a.closedAt).map((r) => r.runId);
}

const JOIN_ATTEMPTS = 20;
const JOIN_RETRY_MS = 250;

/**
 * Starts the owner's refresh of the resource with this caller's question, or — when one is running —
 * registers the question in it (the joinCheck Update: durable, in the run's history). A refresh that
 * is just finishing takes no new question; the next attempt starts the next refresh.
 */
export async function startOrJoinCheck(
  client: Client,
  taskQueue: string,
  input: BalanceCheckInput,
  /** A batch item's check: its refresh (when this caller starts it) carries the batch id search attribute. */
  opts: { batchId?: string } = {},
): Promise<CheckRef> {
  const owner = input.owner ?? DEFAULT_OWNER;
  const callerId = input.callerId ?? randomUUID();
  const workflowId = balanceCheckWorkflowId(input.provider, input.resource, owner);
  const first: BalanceCheckInput = { ...input, owner, callerId };
  for (let attempt = 1; ; attempt++) {
    try {
      const handle = await withTemporalDeadline(client, () =>
        startRefresh(client, taskQueue, workflowId, first, opts.batchId),
      );
      return { workflowId, runId: handle.firstExecutionRunId, callerId };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    try {
      const joined = await executeUpdate(
        client,
        client.workflow.getHandle<typeof balanceCheck>(workflowId),
        joinCheckUpdate,
        [
          {
            callerId,
            requestedBy: input.requestedBy,
            accountIds: input.accountIds,
            fundingAccountId: input.fundingAccountId,
            requiredAmount: input.requiredAmount,
            ...(input.callback ? { callback: input.callback } : {}),
          },
        ],
      );
      return { workflowId, runId: joined.runId, callerId };
    } catch (err) {
      const type =
        err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure
          ? err.cause.type
          : undefined;
      if (type === TOO_MANY_CALLERS)
        throw problem(
          503,
          'check-full',
          'Too many callers share this check; retry shortly',
          undefined,
          {},
          { 'Retry-After': '5' },
        );
      const closing = type === CHECK_FINISHED || err instanceof WorkflowNotFoundError;
      if (!closing || attempt >= JOIN_ATTEMPTS) throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, JOIN_RETRY_MS));
  }
}

function startRefresh(
  client: Client,
  taskQueue: string,
  workflowId: string,
  input: BalanceCheckInput,
  batchId?: string,
) {
  const resource = `${input.provider}:${input.resource.userId}:${input.resource.memberId ?? '-'}`;
  return client.workflow.start<typeof balanceCheck>('balanceCheck', {
    taskQueue,
    workflowId,
    args: [input],
    // One refresh per owner and resource: a running one is joined (above); a finished one may be followed.
    workflowIdConflictPolicy: 'FAIL',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    typedSearchAttributes: [
      { key: providerKey, value: input.provider },
      { key: userKey, value: input.resource.userId },
      { key: resourceKey, value: resource },
      // The workflow's first step starts the refresh: saying so here saves the workflow an upsert
      // (a billable action); its status query still reports STARTING until the provider answers.
      { key: phaseKey, value: 'REFRESHING' },
      ...(batchId ? [{ key: batchKey, value: batchId }] : []),
    ],
    staticSummary: `${input.provider} balance check for ${resource} (${input.owner})`,
    staticDetails: [
      `Owner: ${input.owner}`,
      `First caller: ${input.requestedBy ?? 'unknown'}`,
      input.accountIds ? `Accounts: ${input.accountIds.join(', ')}` : 'Accounts: all',
      input.requiredAmount
        ? `Can ${input.fundingAccountId} fund ${input.requiredAmount.amount} ${input.requiredAmount.currency} (minor units)?`
        : '',
      'Later callers join with the joinCheck update (see the history); current details list them all.',
    ]
      .filter(Boolean)
      .join('\n\n'),
  });
}
