// The Nexus handler of service `balance-check`: operation `check` starts one nexusCheck workflow per
// Nexus request (its id names the owner and the request), so the operation is as durable as a workflow.
// The owner is the caller's namespace (from the caller's workflow link), as an API key's owner is.
import { randomUUID } from 'node:crypto';
import * as nexus from 'nexus-rpc';
import { startWorkflow, WorkflowRunOperationHandler } from '@temporalio/nexus';
import { OWNER_PATTERN } from '../contracts/balance-check';
import { balanceCheckService, type NexusCheckInput } from '../contracts/nexus';
import type { nexusCheck } from '../workflows/nexus-check';

/** `temporal:///namespaces/<ns>/workflows/…`: the namespace of the workflow that called. */
export function callerNamespace(links: readonly nexus.Link[]): string | undefined {
  for (const link of links) {
    const m = /^\/namespaces\/([^/]+)\//.exec(link.url.pathname);
    if (m) return decodeURIComponent(m[1]!);
  }
  return undefined;
}

export function createBalanceCheckNexusHandler(taskQueue: string) {
  return nexus.serviceHandler(balanceCheckService, {
    check: new WorkflowRunOperationHandler<NexusCheckInput, Awaited<ReturnType<typeof nexusCheck>>>(
      async (ctx, input) => {
        const owner = callerNamespace(ctx.inboundLinks);
        if (!owner || !OWNER_PATTERN.test(owner))
          throw new nexus.HandlerError('BAD_REQUEST', 'The caller namespace (the owner) is unknown');
        const callerId = randomUUID();
        return startWorkflow(ctx, 'nexusCheck', {
          workflowId: `nexus-check:${owner}:${ctx.requestId ?? callerId}`,
          taskQueue,
          args: [{ ...input, owner, callerId, requestedBy: `nexus:${owner}` }],
        });
      },
    ),
  });
}
