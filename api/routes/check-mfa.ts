// POST /v1/balance-checks/{id}/mfa — MFA answers as a workflow Update: 200 accepted, 409 not waiting
// for MFA, 422 the validator's reason; bounded by a deadline so a missing worker answers 503.
import { Router } from 'express';
import {
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { MFA_INVALID_ANSWER, MFA_NOT_AWAITING, UNKNOWN_CALLER } from '../../contracts/balance-check';
import { answerChallengesUpdate } from '../../workflows/definitions';
import { requireScope } from '../auth';
import { problem, validationProblem } from '../problem';
import { MfaBody } from '../schemas';
import { describeCheck, notFound } from '../check-view';
import { executeUpdate } from '../execute-update';
import { checkRefParam } from './checks';
import type { balanceCheck } from '../../workflows';

export interface CheckMfaDeps {
  client: Client;
  /** Bound on the Update (default 15 s). */
  updateDeadlineMs?: number;
}

export function createCheckMfaRouter(deps: CheckMfaDeps): Router {
  const router = Router();
  router.post('/:id/mfa', requireScope('write'), async (req, res) => {
    const ref = checkRefParam(req, res);
    const parsed = MfaBody.safeParse(req.body);
    if (!parsed.success) throw validationProblem(parsed.error);
    const handle = deps.client.workflow.getHandle<typeof balanceCheck>(ref.workflowId, ref.runId);
    try {
      const accepted = await executeUpdate(
        deps.client,
        handle,
        answerChallengesUpdate,
        [{ ...parsed.data, callerId: ref.callerId }],
        deps.updateDeadlineMs ?? 15_000,
      );
      res.status(200).json(accepted);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        await describeCheck(deps.client, ref); // 404 when the run does not exist at all
        throw problem(409, 'not-awaiting-mfa', 'The check is not waiting for MFA', 'The check has finished');
      }
      throw mfaProblem(err);
    }
  });
  return router;
}

function mfaProblem(err: unknown) {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    if (err.cause.type === MFA_NOT_AWAITING)
      return problem(409, 'not-awaiting-mfa', 'The check is not waiting for MFA', err.cause.message);
    if (err.cause.type === UNKNOWN_CALLER) return notFound();
    if (err.cause.type === MFA_INVALID_ANSWER)
      return problem(422, 'invalid-mfa-answer', 'The MFA answers were rejected', err.cause.message);
  }
  const code = (err as { code?: number }).code;
  if (
    err instanceof WorkflowUpdateRPCTimeoutOrCancelledError ||
    code === 4 /* DEADLINE_EXCEEDED */ ||
    code === 1 /* CANCELLED */
  ) {
    return problem(
      503,
      'worker-unavailable',
      'No worker took the answers in time; try again',
      undefined,
      {},
      { 'Retry-After': '5' },
    );
  }
  return err;
}
