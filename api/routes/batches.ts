// /v1/balance-check-batches: many checks in one request. POST starts the batch workflow and hands it
// the items a page at a time, then answers 202 + Location; GET reads progress and pages the items;
// DELETE cancels the items not started yet. Batches belong to the API key's owner (404 for others).
import { createHash, randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  BATCH_PAGE_SIZE,
  batchPageInput,
  batchPageWorkflowId,
  batchWorkflowId,
  type BatchInput,
  type BatchItem,
} from '../../contracts/batch';
import { batchKey } from '../../contracts/search-attributes';
import type { balanceCheckBatch, balanceCheckBatchPage } from '../../workflows';
import { addBatchPageUpdate, BATCH_FINISHED, cancelBatchUpdate } from '../../workflows/batch-definitions';
import { requireScope, type ApiKey } from '../auth';
import { callbackTargetFor, type CallbackApiConfig } from '../callbacks/callback-target';
import type { CallbackTarget } from '../../contracts/callbacks';
import { decodeBatchId, encodeBatchId, type BatchRef } from '../batch-id';
import { BatchItemsQuery, type BatchSchemas } from '../batch-schemas';
import { batchNotFound, batchStatus, readBatch, readBatchItems } from '../batch-view';
import { executeUpdate } from '../execute-update';
import { canonicalHash, idempotencyStoreKey, replayableId, type IdempotencyStore } from '../idempotency';
import { problem, validationProblem } from '../problem';
import { parseCreateRequest } from '../create-request';
import { withTemporalDeadline } from '../temporal-deadline';

export interface BatchesDeps {
  client: Client;
  taskQueue: string;
  idempotency: IdempotencyStore;
  /** Item checks call providers on the paced per-provider task queues (see worker/provider-workers.ts). */
  providerTaskQueues?: boolean;
  /** Built from the providers the API admits (api/batch-schemas.ts batchSchemas). */
  startBatchBody: BatchSchemas['startBatch'];
  /** Callback endpoints, allow-lists and the SSRF policy (loadCallbackConfig); absent: no callbacks. */
  callbacks?: CallbackApiConfig;
}

const location = (ref: BatchRef) => `/v1/balance-check-batches/${encodeBatchId(ref.owner, ref.batchId)}`;

function batchRefParam(req: Request, res: Response): BatchRef {
  const ref = decodeBatchId(String(req.params.id));
  if (!ref || ref.owner !== (res.locals.apiKey as ApiKey).owner) throw batchNotFound();
  return ref;
}

/**
 * With an Idempotency-Key the batch id derives from (owner, key name, key): a retry after a failure
 * mid-delivery finds the same batch workflow and delivers the pages still missing.
 */
function batchIdFor(
  key: { owner: string; keyName: string; idempotencyKey: string } | undefined | '',
): string {
  if (!key) return randomUUID();
  // The hashed text is the one batch ids have always derived from, so a retry across a deploy finds its batch.
  const h = createHash('sha256')
    .update(`batch\nbatch\n${key.owner}\n${key.keyName}\n${key.idempotencyKey}`)
    .digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function createBatchesRouter(deps: BatchesDeps): Router {
  const router = Router();
  const { client } = deps;

  router.post('/', requireScope('write'), async (req, res) => {
    const { body, idempotencyKey } = parseCreateRequest(deps.startBatchBody, req);
    const apiKey = res.locals.apiKey as ApiKey;
    const callback = await callbackTargetFor(deps.callbacks, apiKey, body.callbackUrl);
    const bodyHash = canonicalHash(body);
    const storeKey = idempotencyKey
      ? idempotencyStoreKey('batch', apiKey.owner, apiKey.name, idempotencyKey)
      : undefined;
    if (storeKey) {
      const claim = await deps.idempotency.claim(storeKey, bodyHash);
      if (!claim.claimed) {
        const ref = decodeBatchId(replayableId(claim.record, bodyHash))!;
        res.set('Idempotent-Replayed', 'true');
        return void res
          .status(202)
          .set('Location', location(ref))
          .json(await readBatch(client, ref));
      }
    }
    const batchId = batchIdFor(
      idempotencyKey && { owner: apiKey.owner, keyName: apiKey.name, idempotencyKey },
    );
    const ref: BatchRef = {
      owner: apiKey.owner,
      batchId,
      workflowId: batchWorkflowId(apiKey.owner, batchId),
    };
    try {
      await startBatch(ref, apiKey, body.items as BatchItem[], body.itemConcurrency, callback);
    } catch (err) {
      if (storeKey) await deps.idempotency.release(storeKey);
      throw err;
    }
    if (storeKey) await deps.idempotency.complete(storeKey, encodeBatchId(ref.owner, ref.batchId));
    res
      .status(202)
      .set('Location', location(ref))
      .json({
        id: encodeBatchId(ref.owner, ref.batchId),
        status: 'RUNNING',
        totalItems: body.items.length,
        counts: {
          total: body.items.length,
          pending: body.items.length,
          running: 0,
          done: 0,
          byStatus: {},
          byDecision: {},
        },
        itemsUrl: `${location(ref)}/items`,
      });
  });

  async function startBatch(
    ref: BatchRef,
    apiKey: ApiKey,
    items: BatchItem[],
    itemConcurrency?: number,
    callback?: CallbackTarget,
  ) {
    const input: BatchInput = {
      batchId: ref.batchId,
      owner: ref.owner,
      requestedBy: apiKey.name,
      totalItems: items.length,
      pageCount: Math.ceil(items.length / BATCH_PAGE_SIZE),
      checkTaskQueue: deps.taskQueue,
      ...(deps.providerTaskQueues ? { providerTaskQueues: true } : {}),
      ...(itemConcurrency ? { itemConcurrency } : {}),
      ...(callback ? { callback } : {}),
    };
    try {
      await withTemporalDeadline(client, () =>
        client.workflow.start<typeof balanceCheckBatch>('balanceCheckBatch', {
          taskQueue: deps.taskQueue,
          workflowId: ref.workflowId,
          args: [input],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          typedSearchAttributes: [{ key: batchKey, value: ref.batchId }],
          staticSummary: `Balance check batch of ${items.length} items (${ref.owner})`,
          staticDetails: `Owner: ${ref.owner}\n\nRequested by: ${apiKey.name}\n\nItems: ${items.length} in ${input.pageCount} pages of ${BATCH_PAGE_SIZE}\n\nItem checks: search BalanceCheckBatch = "${ref.batchId}"`,
        }),
      );
    } catch (err) {
      // Same Idempotency-Key after a failed request: the batch exists; deliver what it lacks.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    // Each page's items go to its own (gated) page workflow, then the batch is told the page is there:
    // the batch's history never holds items. A retry finds the pages already started and delivers the rest.
    const handle = client.workflow.getHandle(ref.workflowId);
    for (let index = 0; index < input.pageCount; index++) {
      const page = items.slice(index * BATCH_PAGE_SIZE, (index + 1) * BATCH_PAGE_SIZE);
      await withTemporalDeadline(client, () =>
        client.workflow.start<typeof balanceCheckBatchPage>('balanceCheckBatchPage', {
          taskQueue: deps.taskQueue,
          workflowId: batchPageWorkflowId(ref.workflowId, index),
          args: [batchPageInput(input, ref.workflowId, index, page)],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          typedSearchAttributes: [{ key: batchKey, value: ref.batchId }],
          staticSummary: `Batch ${ref.batchId}: items ${index * BATCH_PAGE_SIZE}–${index * BATCH_PAGE_SIZE + page.length - 1}`,
        }),
      ).catch((err: unknown) => {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      });
      await executeUpdate(client, handle, addBatchPageUpdate, [{ index }]);
    }
  }

  router.get('/:id', requireScope('read'), async (req, res) => {
    res.json(await readBatch(client, batchRefParam(req, res)));
  });

  router.get('/:id/items', requireScope('read'), async (req, res) => {
    const ref = batchRefParam(req, res);
    const query = BatchItemsQuery.safeParse(req.query);
    if (!query.success) throw validationProblem(query.error, 'query');
    const from = Number(query.data.cursor ?? 0);
    const page = await readBatchItems(client, ref, from, query.data.limit ?? 100);
    res.json({
      items: page.items.map(({ index, reference, status, checkId, decision, reasonCode }) => ({
        index,
        reference,
        status,
        ...(checkId ? { checkId } : {}),
        ...(decision ? { decision } : {}),
        ...(reasonCode ? { reasonCode } : {}),
      })),
      nextCursor: page.nextCursor,
    });
  });

  router.delete('/:id', requireScope('write'), async (req, res) => {
    const ref = batchRefParam(req, res);
    const before = await batchStatus(client, ref);
    if (before.finishedAt) throw problem(409, 'batch-finished', 'The batch has already finished');
    try {
      await executeUpdate(client, client.workflow.getHandle(ref.workflowId), cancelBatchUpdate, [
        (res.locals.apiKey as ApiKey).name,
      ]);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw batchNotFound();
      const type =
        err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure
          ? err.cause.type
          : undefined;
      if (type === BATCH_FINISHED || (err as { code?: number }).code === 5)
        throw problem(409, 'batch-finished', 'The batch has already finished');
      throw err;
    }
    res
      .status(202)
      .set('Location', location(ref))
      .json(await readBatch(client, ref));
  });

  return router;
}
