// Starting a check: reuse a recent completed one (maxAgeSeconds), or start — joining the check already
// in flight for the resource (the workflow id is the resource).
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  balanceCheckWorkflowId,
  type BalanceCheckInput,
  type BalanceCheckResult,
} from '../contracts/balance-check';
import { phaseKey, providerKey, resourceKey, userKey } from '../contracts/search-attributes';
import type { CheckRef } from './check-view';
import { canonicalHash } from './idempotency';
import { withTemporalDeadline } from './temporal-deadline';

/**
 * What a result depends on besides the resource. Kept in the workflow memo so a reused result
 * answers the same question (same accounts, same funding amount).
 */
export function questionFingerprint(input: BalanceCheckInput): string {
  return canonicalHash({
    accountIds: input.accountIds ? [...input.accountIds].sort() : null,
    fundingAccountId: input.fundingAccountId ?? null,
    requiredAmount: input.requiredAmount ?? null,
  });
}

/** The most recent run of the resource's workflow, if it completed within maxAge with status COMPLETED. */
export async function findRecentResult(
  client: Client,
  input: BalanceCheckInput,
  maxAgeSeconds: number,
): Promise<{ ref: CheckRef; result: BalanceCheckResult } | undefined> {
  const workflowId = balanceCheckWorkflowId(input.provider, input.resource);
  let description;
  try {
    description = await withTemporalDeadline(client, () => client.workflow.getHandle(workflowId).describe()); // no runId: the latest run
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
  const closedAt = description.closeTime?.getTime();
  if (description.status.name !== 'COMPLETED' || closedAt === undefined) return undefined;
  if (Date.now() - closedAt > maxAgeSeconds * 1000) return undefined;
  if (description.memo?.question !== questionFingerprint(input)) return undefined;
  const ref = { workflowId, runId: description.runId };
  const result = (await withTemporalDeadline(client, () =>
    client.workflow.getHandle(workflowId, ref.runId).result(),
  )) as BalanceCheckResult;
  return result.status === 'COMPLETED' ? { ref, result } : undefined;
}

export async function startOrJoinCheck(
  client: Client,
  taskQueue: string,
  input: BalanceCheckInput,
): Promise<CheckRef> {
  const workflowId = balanceCheckWorkflowId(input.provider, input.resource);
  const resource = `${input.provider}:${input.resource.userId}:${input.resource.memberId ?? '-'}`;
  const handle = await withTemporalDeadline(client, () =>
    client.workflow.start('balanceCheck', {
      taskQueue,
      workflowId,
      args: [input],
      // Concurrent requests for one resource join the running check; a finished one may be followed by a new one.
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      memo: { question: questionFingerprint(input) },
      typedSearchAttributes: [
        { key: providerKey, value: input.provider },
        { key: userKey, value: input.resource.userId },
        { key: resourceKey, value: resource },
        { key: phaseKey, value: 'STARTING' },
      ],
      staticSummary: `${input.provider} balance check for ${resource}`,
      staticDetails: [
        `Requested by: ${input.requestedBy ?? 'unknown'}`,
        input.accountIds ? `Accounts: ${input.accountIds.join(', ')}` : 'Accounts: all',
        input.requiredAmount
          ? `Can ${input.fundingAccountId} fund ${input.requiredAmount.amount} ${input.requiredAmount.currency} (minor units)?`
          : '',
      ]
        .filter(Boolean)
        .join('\n\n'),
    }),
  );
  return { workflowId, runId: handle.firstExecutionRunId };
}
