// A batch continues as new every `pagesPerRun` pages (issue 17: its history stays small for 10,000
// items). With pages of 4 items and one page per run, 12 items take 3 runs: every item is answered, the
// counts add up across runs, the API reads progress and items whichever run is current, and DELETE
// (an Update) reaches a later run and cancels what is left.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { encodeBatchId } from '../../api/batch-id';
import { TASK_QUEUE } from '../../contracts/balance-check';
import { batchWorkflowId, type BatchInput, type BatchItem, type BatchStatus } from '../../contracts/batch';
import { batchKey } from '../../contracts/search-attributes';
import type { balanceCheckBatch } from '../../workflows';
import { batchStatusQuery } from '../../workflows/batch-definitions';
import { startTestStack, type TestStack } from '../helpers/stack';
import { waitFor } from '../helpers/wait';

const item = (memberId: string, reference: string): BatchItem => ({
  provider: 'mx',
  resource: { userId: 'USR-sandbox', memberId },
  reference,
});

describe('batch continue-as-new (running stack)', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack({ providers: ['mx'] });
  });
  after(async () => {
    await stack?.stop();
  });

  /** Starts a batch of inline items (as a schedule does) owned by the test key's owner. */
  async function startBatch(items: BatchItem[], extra: Partial<BatchInput>) {
    const batchId = randomUUID();
    const workflowId = batchWorkflowId('test', batchId);
    const input: BatchInput = {
      batchId,
      owner: 'test',
      requestedBy: 'test-full',
      totalItems: items.length,
      pageSize: 4,
      pageCount: Math.ceil(items.length / 4),
      pagesPerRun: 1,
      checkTaskQueue: TASK_QUEUE,
      items,
      ...extra,
    };
    const handle = await stack.env.client.workflow.start<typeof balanceCheckBatch>('balanceCheckBatch', {
      taskQueue: TASK_QUEUE,
      workflowId,
      args: [input],
      typedSearchAttributes: [{ key: batchKey, value: batchId }],
    });
    return { handle, workflowId, id: encodeBatchId('test', batchId) };
  }
  const runsOf = async (workflowId: string) => {
    const runs: string[] = [];
    for await (const w of stack.env.client.workflow.list({ query: `WorkflowId = "${workflowId}"` }))
      runs.push(w.status.name);
    return runs;
  };

  it('12 items in pages of 4, one page per run: 3 runs, every item answered, counts right', async () => {
    const items = Array.from({ length: 12 }, (_, i) => item(`MBR-connected.${700 + i}`, `can-${i}`));
    const { handle, workflowId, id } = await startBatch(items, { itemConcurrency: 4 });

    // Progress is read through the API while later runs are current.
    let seenLaterRun = false;
    let view: any;
    await waitFor(
      async () => {
        view = (await stack.api('GET', `/v1/balance-check-batches/${id}`)).body;
        if (view.status === 'RUNNING') {
          const status: BatchStatus = await handle
            .query(batchStatusQuery)
            .catch(() => ({ runs: 0 }) as never);
          if (status.runs >= 2) {
            seenLaterRun = true;
            assert.equal(view.counts.total, 12, 'counts cover every item in a later run');
          }
        }
        return view.status === 'COMPLETED';
      },
      120_000,
      200,
    );
    const result = await handle.result();
    assert.equal(result.runs, 3, 'one run per page');
    assert.deepEqual(result.finishedCounts.byStatus, { COMPLETED: 12 });
    assert.equal(result.finishedCounts.done, 12);
    assert.equal(result.finishedCounts.total, 12);
    assert.deepEqual(view.counts.byStatus, { COMPLETED: 12 });
    assert.equal(view.counts.done, 12);
    assert.equal(view.counts.pending + view.counts.running, 0);
    assert.ok(seenLaterRun || result.runs === 3, 'the API answered during later runs');

    const runs = await runsOf(workflowId);
    assert.deepEqual(runs.sort(), ['COMPLETED', 'CONTINUED_AS_NEW', 'CONTINUED_AS_NEW']);

    const rows = (await stack.api('GET', `/v1/balance-check-batches/${id}/items?limit=500`)).body.items;
    assert.deepEqual(
      rows.map((r: any) => r.reference),
      items.map((i) => i.reference),
    );
    assert.ok(rows.every((r: any) => r.status === 'COMPLETED' && r.checkId));
  });

  it('DELETE reaches a later run: what is left is CANCELED, none is lost', async () => {
    // One slow item at a time, one page at a time: run 2 starts as page 0 runs and waits for it.
    const items = Array.from({ length: 12 }, (_, i) => item(`MBR-slow.${720 + i}`, `stop-${i}`));
    const { handle, workflowId, id } = await startBatch(items, { itemConcurrency: 1, pagesInFlight: 1 });
    await waitFor(async () => (await handle.query(batchStatusQuery)).runs >= 2, 120_000, 200);
    const del = await stack.api('DELETE', `/v1/balance-check-batches/${id}`);
    assert.equal(del.status, 202, JSON.stringify(del.body));
    const result = await handle.result();
    assert.equal(result.state, 'CANCELED');
    assert.equal(result.finishedCounts.total, 12);
    assert.equal(result.finishedCounts.done, 12);
    const canceled = result.finishedCounts.byStatus.CANCELED ?? 0;
    const completed = result.finishedCounts.byStatus.COMPLETED ?? 0;
    assert.equal(canceled + completed, 12);
    // Run 2 is current once page 0 runs: pages 1 and 2 never started, so their 8 items start no check.
    assert.ok(canceled >= 8, `completed ${completed}, canceled ${canceled}`);
    const rows = (await stack.api('GET', `/v1/balance-check-batches/${id}/items?limit=500`)).body.items;
    assert.equal(rows.length, 12);
    assert.ok(rows.slice(4).every((r: any) => r.status === 'CANCELED' && !r.checkId));
    assert.ok((await runsOf(workflowId)).length >= 2);
  });
});
