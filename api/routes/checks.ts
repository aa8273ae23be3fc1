// /v1/balance-checks: start (idempotent; reuse / join / long-poll), read, cancel.
import { Router, type Request, type Response } from 'express';
import type { Client } from '@temporalio/client';
import type { BalanceCheckInput } from '../../contracts/balance-check';
import { requireScope, type ApiKey } from '../auth';
import { decodeCheckId, encodeCheckId } from '../check-id';
import { awaitResult, describeCheck, doneView, readCheck, runningView, type CheckRef } from '../check-view';
import { canonicalHash, type IdempotencyRecord, type IdempotencyStore } from '../idempotency';
import { problem, validationProblem } from '../problem';
import { IdempotencyKeyHeader, parsePreferWait, type RequestSchemas } from '../schemas';
import { findRecentResult, startOrJoinCheck } from '../start-check';

export interface ChecksDeps {
  client: Client;
  taskQueue: string;
  idempotency: IdempotencyStore;
  /** Built from the providers the API admits (api/schemas.ts requestSchemas). */
  startCheckBody: RequestSchemas['startCheck'];
  onCheckStarted?: (provider: string) => void;
}

const location = (ref: CheckRef) => `/v1/balance-checks/${encodeCheckId(ref.workflowId, ref.runId)}`;

export function checkRefParam(req: Request): CheckRef {
  const ref = decodeCheckId(String(req.params.id));
  if (!ref) throw problem(404, 'not-found', 'No such balance check', 'The id is not a balance check id');
  return ref;
}

export function createChecksRouter(deps: ChecksDeps): Router {
  const router = Router();
  const { client } = deps;

  router.post('/', requireScope('write'), async (req, res) => {
    const parsed = deps.startCheckBody.safeParse(req.body);
    if (!parsed.success) throw validationProblem(parsed.error);
    const idempotencyKey = IdempotencyKeyHeader.safeParse(req.get('idempotency-key'));
    if (!idempotencyKey.success) throw validationProblem(idempotencyKey.error, 'header', 'idempotency-key');
    const wait = parsePreferWait(req.get('prefer'));
    const apiKey = res.locals.apiKey as ApiKey;
    const { maxAgeSeconds, ...question } = parsed.data;
    const input: BalanceCheckInput = { ...question, requestedBy: apiKey.name };

    const bodyHash = canonicalHash(parsed.data);
    const storeKey = idempotencyKey.data ? `${apiKey.name}\n${idempotencyKey.data}` : undefined;
    if (storeKey) {
      const claim = await deps.idempotency.claim(storeKey, bodyHash);
      if (!claim.claimed) return replayCheck(claim.record, bodyHash, res, wait);
    }
    let ref: CheckRef;
    try {
      const recent =
        maxAgeSeconds !== undefined ? await findRecentResult(client, input, maxAgeSeconds) : undefined;
      if (recent) {
        if (storeKey)
          await deps.idempotency.complete(storeKey, encodeCheckId(recent.ref.workflowId, recent.ref.runId));
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
    if (storeKey) await deps.idempotency.complete(storeKey, encodeCheckId(ref.workflowId, ref.runId));
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
    if (record.bodyHash !== bodyHash) {
      throw problem(
        422,
        'idempotency-key-reused',
        'This Idempotency-Key was used with a different request body',
        'Use a new Idempotency-Key for a different request',
      );
    }
    if (record.state === 'in-progress') {
      throw problem(
        409,
        'idempotency-in-progress',
        'A request with this Idempotency-Key is still being processed',
        undefined,
        {},
        { 'Retry-After': '1' },
      );
    }
    const ref = decodeCheckId(record.checkId)!;
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
      const result = await awaitResult(client, ref, wait);
      if (result) return void res.status(200).json(doneView(ref, result));
    }
    res.status(202).json(runningView(ref));
  }

  router.get('/:id', requireScope('read'), async (req, res) => {
    res.json(await readCheck(client, checkRefParam(req)));
  });

  router.delete('/:id', requireScope('write'), async (req, res) => {
    const ref = checkRefParam(req);
    const description = await describeCheck(client, ref);
    if (description.status.name !== 'RUNNING') {
      throw problem(
        409,
        'check-finished',
        'The check has already finished',
        `Its workflow is ${description.status.name}`,
      );
    }
    // The workflow turns cancellation into a CANCELED result (and cancels the provider wait).
    await client.workflow.getHandle(ref.workflowId, ref.runId).cancel();
    res.status(202).set('Location', location(ref)).json(runningView(ref, 'CANCELING'));
  });

  return router;
}
