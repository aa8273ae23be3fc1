// /v1/balance-checks: start (idempotent; reuse / join / long-poll), read, cancel — each caller sees
// only its own checks (the API key's owner), answered for its own question.
import { Router, type Request, type Response } from 'express';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { CHECK_FINISHED, UNKNOWN_CALLER, type BalanceCheckInput } from '../../contracts/balance-check';
import { withdrawCallerUpdate } from '../../workflows/definitions';
import { requireScope, type ApiKey } from '../auth';
import { callbackTargetFor, type CallbackApiConfig } from '../callbacks/callback-target';
import { decodeCheckId, encodeCheckId, type CheckRef } from '../check-id';
import { awaitResult, describeCheck, doneView, notFound, readCheck, runningView } from '../check-view';
import {
  canonicalHash,
  idempotencyStoreKey,
  replayableId,
  type IdempotencyRecord,
  type IdempotencyStore,
} from '../idempotency';
import { problem } from '../problem';
import { parseCreateRequest } from '../create-request';
import { parsePreferWait, type RequestSchemas } from '../schemas';
import { findRecentResult, startOrJoinCheck } from '../start-check';
import { executeUpdate } from '../execute-update';
import type { balanceCheck } from '../../workflows';

export interface ChecksDeps {
  client: Client;
  taskQueue: string;
  idempotency: IdempotencyStore;
  /** Built from the providers the API admits (api/schemas.ts requestSchemas). */
  startCheckBody: RequestSchemas['startCheck'];
  onCheckStarted?: (provider: string) => void;
  /** Checks call providers on the paced per-provider task queues (see worker/provider-workers.ts). */
  providerTaskQueues?: boolean;
  /** Callback endpoints, allow-lists and the SSRF policy (loadCallbackConfig); absent: no callbacks. */
  callbacks?: CallbackApiConfig;
  /** Aborted when the process starts shutting down: long-polls answer 202 at once. */
  draining?: AbortSignal;
}

const location = (ref: CheckRef) => `/v1/balance-checks/${encodeCheckId(ref)}`;

/** The check named by the path, if it belongs to the caller's owner; 404 otherwise (never "forbidden"). */
export function checkRefParam(req: Request, res: Response): CheckRef {
  const ref = decodeCheckId(String(req.params.id));
  const apiKey = res.locals.apiKey as ApiKey;
  if (!ref || ref.owner !== apiKey.owner) throw notFound();
  return { workflowId: ref.workflowId, runId: ref.runId, callerId: ref.callerId };
}

export function createChecksRouter(deps: ChecksDeps): Router {
  const router = Router();
  const { client } = deps;

  router.post('/', requireScope('write'), async (req, res) => {
    const { body, idempotencyKey } = parseCreateRequest(deps.startCheckBody, req);
    const wait = parsePreferWait(req.get('prefer'));
    const apiKey = res.locals.apiKey as ApiKey;
    const { maxAgeSeconds, callbackUrl, ...question } = body;
    const callback = await callbackTargetFor(deps.callbacks, apiKey, callbackUrl);
    const input: BalanceCheckInput = {
      ...question,
      requestedBy: apiKey.name,
      owner: apiKey.owner,
      ...(deps.providerTaskQueues ? { providerTaskQueues: true } : {}),
      ...(callback ? { callback } : {}),
    };

    const bodyHash = canonicalHash(body);
    const storeKey = idempotencyKey
      ? idempotencyStoreKey('check', apiKey.owner, apiKey.name, idempotencyKey)
      : undefined;
    if (storeKey) {
      const claim = await deps.idempotency.claim(storeKey, bodyHash);
      if (!claim.claimed) return replayCheck(claim.record, bodyHash, res, wait);
    }
    let ref: CheckRef;
    try {
      const recent =
        maxAgeSeconds !== undefined ? await findRecentResult(client, input, maxAgeSeconds) : undefined;
      if (recent) {
        if (storeKey) await deps.idempotency.complete(storeKey, encodeCheckId(recent.ref));
        res
          .status(200)
          .set({ Location: location(recent.ref), 'X-Balance-Check-Reused': 'true' })
          .json(doneView(recent.ref, recent.result));
        return;
      }
      ref = await startOrJoinCheck(client, deps.taskQueue, input);
    } catch (err) {
      if (storeKey) await deps.idempotency.release(storeKey);
      throw err;
    }
    if (storeKey) await deps.idempotency.complete(storeKey, encodeCheckId(ref));
    deps.onCheckStarted?.(input.provider);
    await answerStarted(res, ref, wait);
  });

  /** Same key, same body: the same check as it is now; another body: 422; still being started: 409. */
  async function replayCheck(
    record: IdempotencyRecord,
    bodyHash: string,
    res: Response,
    wait: number | undefined,
  ) {
    const ref = decodeCheckId(replayableId(record, bodyHash))!;
    res.set('Idempotent-Replayed', 'true');
    if (wait) return answerStarted(res, ref, wait);
    const view = await readCheck(client, ref);
    res
      .status(view.status === 'RUNNING' ? 202 : 200)
      .set('Location', location(ref))
      .json(view);
  }

  async function answerStarted(res: Response, ref: CheckRef, wait: number | undefined) {
    res.set('Location', location(ref));
    if (wait) {
      res.set('Preference-Applied', `wait=${wait}`);
      const result = await awaitResult(client, ref, wait, deps.draining);
      if (result) return void res.status(200).json(doneView(ref, result));
    }
    res.status(202).json(runningView(ref));
  }

  router.get('/:id', requireScope('read'), async (req, res) => {
    res.json(await readCheck(client, checkRefParam(req, res)));
  });

  /** Withdraws this caller; the provider wait is canceled when it was the last caller. */
  router.delete('/:id', requireScope('write'), async (req, res) => {
    const ref = checkRefParam(req, res);
    const description = await describeCheck(client, ref);
    if (description.status.name !== 'RUNNING') throw finished(description.status.name);
    try {
      await executeUpdate(
        client,
        client.workflow.getHandle<typeof balanceCheck>(ref.workflowId, ref.runId),
        withdrawCallerUpdate,
        [ref.callerId],
      );
    } catch (err) {
      const type =
        err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure
          ? err.cause.type
          : undefined;
      if (type === UNKNOWN_CALLER) throw notFound();
      if (type === CHECK_FINISHED || err instanceof WorkflowNotFoundError) throw finished('COMPLETED');
      throw err;
    }
    res.status(202).set('Location', location(ref)).json(runningView(ref, 'CANCELING'));
  });

  return router;
}

function finished(workflowStatus: string) {
  return problem(
    409,
    'check-finished',
    'The check has already finished',
    `Its workflow is ${workflowStatus}`,
  );
}
