// The Nexus handler of service `balance-check`: operation `check` starts one nexusCheck workflow per
// Nexus request (its id names the owner and the request), so the operation is as durable as a workflow.
// The owner is the caller's namespace (from the caller's workflow link), as an API key's owner is.
import { randomUUID } from 'node:crypto';
import * as nexus from 'nexus-rpc';
import { startWorkflow, WorkflowRunOperationHandler } from '@temporalio/nexus';
import type { z } from 'zod';
import { startCheckBody } from '../api/schemas';
import { OWNER_PATTERN } from '../contracts/balance-check';
import { balanceCheckService, type NexusCheckInput } from '../contracts/nexus';
import type { AnyProviderRegistration } from '../providers/registration';
import { REGISTRATIONS } from '../providers/registry';
import type { nexusCheck } from '../workflows/nexus-check';

/** `temporal:///namespaces/<ns>/workflows/…`: the namespace of the workflow that called. */
export function callerNamespace(links: readonly nexus.Link[]): string | undefined {
  for (const link of links) {
    const m = /^\/namespaces\/([^/]+)\//.exec(link.url.pathname);
    if (m) return decodeURIComponent(m[1]!);
  }
  return undefined;
}

/** HTTP-only fields of the API's question: a Nexus caller gets its result from the operation itself. */
const HTTP_ONLY = ['callbackUrl', 'maxAgeSeconds'] as const;

/**
 * The question as POST /v1/balance-checks validates it (the same registry-derived schema), so a bad one
 * is a BAD_REQUEST naming each field — never a check that fails later at the provider.
 */
export function nexusQuestion(input: unknown, schema: ReturnType<typeof startCheckBody>): NexusCheckInput {
  const parsed = schema.safeParse(input);
  if (!parsed.success)
    throw new nexus.HandlerError('BAD_REQUEST', `Invalid question: ${issues(parsed.error)}`);
  const httpOnly = HTTP_ONLY.filter((field) => parsed.data[field] !== undefined);
  if (httpOnly.length > 0)
    throw new nexus.HandlerError('BAD_REQUEST', `Not for Nexus callers: ${httpOnly.join(', ')}`);
  return parsed.data as NexusCheckInput;
}

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(question)'}: ${i.message}`).join('; ');
}

export function createBalanceCheckNexusHandler(
  taskQueue: string,
  registrations: readonly AnyProviderRegistration[] = Object.values(REGISTRATIONS),
) {
  const schema = startCheckBody(registrations);
  return nexus.serviceHandler(balanceCheckService, {
    check: new WorkflowRunOperationHandler<NexusCheckInput, Awaited<ReturnType<typeof nexusCheck>>>(
      async (ctx, raw) => {
        const owner = callerNamespace(ctx.inboundLinks);
        if (!owner || !OWNER_PATTERN.test(owner))
          throw new nexus.HandlerError('BAD_REQUEST', 'The caller namespace (the owner) is unknown');
        const input = nexusQuestion(raw, schema);
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
