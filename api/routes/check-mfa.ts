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
import { MFA_INVALID_ANSWER, MFA_NOT_AWAITING } from '../../contracts/balance-check';
import { answerChallengesUpdate } from '../../workflows/definitions';
import { requireScope } from '../auth';
import { describeCheck } from '../check-view';
import { problem, validationProblem } from '../problem';
import { MfaBody } from '../schemas';
import { checkRefParam } from './checks';

export interface CheckMfaDeps {
  client: Client;
  /** Bound on the Update (default 15 s). */
  updateDeadlineMs?: number;
}

export function createCheckMfaRouter(deps: CheckMfaDeps): Router {
  const router = Router();
  router.post('/:id/mfa', requireScope('write'), async (req, res) => {
    const ref = checkRefParam(req);
    const parsed = MfaBody.safeParse(req.body);
    if (!parsed.success) throw validationProblem(parsed.error);
    const handle = deps.client.workflow.getHandle(ref.workflowId, ref.runId);
    try {
      const accepted = await deps.client.withDeadline(Date.now() + (deps.updateDeadlineMs ?? 15_000), () =>
        handle.executeUpdate(answerChallengesUpdate, { args: [parsed.data] }),
      );
      res.status(200).json(accepted);
    } catch (err) {
      // Like its siblings: an unknown check is 404; a finished one is 409 (below).
      if (err instanceof WorkflowNotFoundError) await describeCheck(deps.client, ref);
      throw mfaProblem(err);
    }
  });
  return router;
}

function mfaProblem(err: unknown) {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    if (err.cause.type === MFA_NOT_AWAITING)
      return problem(409, 'not-awaiting-mfa', 'The check is not waiting for MFA', err.cause.message);
    if (err.cause.type === MFA_INVALID_ANSWER)
      return problem(422, 'invalid-mfa-answer', 'The MFA answers were rejected', err.cause.message);
  }
  if (err instanceof WorkflowNotFoundError) {
    return problem(409, 'not-awaiting-mfa', 'The check is not waiting for MFA', 'The check has finished');
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
