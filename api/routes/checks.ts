// /v1/balance-checks: start (join / reuse / long-poll), read, cancel, answer MFA.
import { Router } from 'express';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  balanceCheckWorkflowId,
  MFA_INVALID_ANSWER,
  MFA_NOT_AWAITING,
  TASK_QUEUE,
  type BalanceCheckInput,
  type BalanceCheckResult,
} from '../../contracts/balance-check';
import { phaseKey, providerKey, resourceKey, userKey } from '../../contracts/search-attributes';
import { answerChallengesUpdate } from '../../workflows/definitions';
import { decodeCheckId, encodeCheckId } from '../check-id';
import { readCheck } from '../check-view';
import { problem, validationProblem } from '../problem';
import { MfaBody, parsePreferWait, StartCheckBody } from '../schemas';

export interface ChecksDeps {
  client: Client;
  taskQueue?: string;
  /** Bound on MFA updates so a missing worker cannot hang the request. */
  updateDeadlineMs?: number;
  onCheckStarted?: (provider: string) => void;
}

export function createChecksRouter(deps: ChecksDeps): Router {
  const router = Router();
  const { client } = deps;

  router.post('/', async (req, res) => {
    const parsed = StartCheckBody.safeParse(req.body);
    if (!parsed.success) throw validationProblem(parsed.error);
    const { maxAgeSeconds: _maxAge, ...body } = parsed.data;
    const input: BalanceCheckInput = { ...body, requestedBy: res.locals.apiKeyName as string | undefined };
    const workflowId = balanceCheckWorkflowId(input.provider, input.resource);
    const resource = `${input.provider}:${input.resource.userId}:${input.resource.memberId ?? '-'}`;
    const handle = await client.workflow.start('balanceCheck', {
      taskQueue: deps.taskQueue ?? TASK_QUEUE,
      workflowId,
      args: [input],
      // Concurrent requests for one resource join the running check; a finished one may be followed by a new one.
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
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
        input.requiredAmount ? `Can ${input.fundingAccountId} fund ${input.requiredAmount.amount} ${input.requiredAmount.currency} (minor units)?` : '',
      ]
        .filter(Boolean)
        .join('\n\n'),
    });
    deps.onCheckStarted?.(input.provider);
    const runId = handle.firstExecutionRunId;
    const id = encodeCheckId(workflowId, runId);
    const wait = parsePreferWait(req.get('prefer'));
    if (wait) {
      const result = await client
        .withDeadline(Date.now() + wait * 1000, () => client.workflow.getHandle(workflowId, runId).result() as Promise<BalanceCheckResult>)
        .catch(() => undefined);
      if (result) {
        res.status(200).set('Location', `/v1/balance-checks/${id}`).set('Preference-Applied', `wait=${wait}`);
        res.json({ id, workflowId, runId, status: result.status, phase: 'DONE', result });
        return;
      }
    }
    res.status(202).set('Location', `/v1/balance-checks/${id}`).json({ id, workflowId, runId, status: 'RUNNING' });
  });

  router.get('/:id', async (req, res) => {
    const ref = decodeCheckId(req.params.id);
    if (!ref) throw problem(404, 'not-found', 'No such balance check', 'The id is not a balance check id');
    res.json(await readCheck(client, ref.workflowId, ref.runId));
  });

  router.post('/:id/mfa', async (req, res) => {
    const ref = decodeCheckId(req.params.id);
    if (!ref) throw problem(404, 'not-found', 'No such balance check', 'The id is not a balance check id');
    const parsed = MfaBody.safeParse(req.body);
    if (!parsed.success) throw validationProblem(parsed.error);
    const handle = client.workflow.getHandle(ref.workflowId, ref.runId);
    try {
      const accepted = await client.withDeadline(Date.now() + (deps.updateDeadlineMs ?? 15_000), () =>
        handle.executeUpdate(answerChallengesUpdate, { args: [parsed.data] }),
      );
      res.status(200).json(accepted);
    } catch (err) {
      throw mfaProblem(err);
    }
  });

  return router;
}

function mfaProblem(err: unknown) {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    if (err.cause.type === MFA_NOT_AWAITING) return problem(409, 'not-awaiting-mfa', 'The check is not waiting for MFA', err.cause.message);
    if (err.cause.type === MFA_INVALID_ANSWER) return problem(422, 'invalid-mfa-answer', 'The MFA answers were rejected', err.cause.message);
  }
  if (err instanceof WorkflowNotFoundError) {
    return problem(409, 'not-awaiting-mfa', 'The check is not waiting for MFA', 'The check has finished or does not exist');
  }
  const code = (err as { code?: number }).code;
  if (code === 4 /* DEADLINE_EXCEEDED */ || code === 1 /* CANCELLED */) {
    return problem(503, 'worker-unavailable', 'No worker took the answers in time; try again');
  }
  return err;
}
