// Reading a running batch's items when a page's query fails: a page that finished meanwhile answers from
// its result; a page still running answers 503 worker-unavailable at once, never a wait on its result.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import { readBatchItems } from '../../api/batch-view';
import { HttpProblem } from '../../api/problem';
import {
  batchPageWorkflowId,
  countItems,
  type BatchItemResult,
  type BatchStatus,
} from '../../contracts/batch';

const ref = { owner: 'acme', batchId: 'b1', workflowId: 'balance-check-batch:acme:b1' };
const status: BatchStatus = {
  batchId: 'b1',
  owner: 'acme',
  state: 'RUNNING',
  totalItems: 2,
  pageCount: 1,
  pageSize: 200,
  pages: ['RUNNING'],
  finishedCounts: countItems([]),
  createdAt: '2026-11-29T00:00:00.000Z',
  finishedAt: null,
  runs: 1,
};
const items: BatchItemResult[] = [
  { index: 0, reference: 'a', status: 'COMPLETED' },
  { index: 1, reference: 'b', status: 'COMPLETED' },
];

/** A client whose batch answers `status` and whose page's query fails; the page is `pageState`. */
function fakeClient(pageState: 'RUNNING' | 'COMPLETED') {
  const calls: string[] = [];
  const handles: Record<string, object> = {
    [ref.workflowId]: {
      describe: async () => ({ type: 'balanceCheckBatch', status: { name: 'RUNNING' } }),
      query: async () => status,
    },
    [batchPageWorkflowId(ref.workflowId, 0)]: {
      query: async () => {
        calls.push('page.query');
        throw new Error('buffered query cleared, please retry');
      },
      describe: async () => {
        calls.push('page.describe');
        return { status: { name: pageState } };
      },
      result: () => {
        calls.push('page.result');
        // A running page's result would not come before the request's deadline.
        return pageState === 'COMPLETED' ? Promise.resolve({ items }) : new Promise(() => undefined);
      },
    },
  };
  const client = {
    workflow: { getHandle: (id: string) => handles[id] },
    withDeadline: <T>(_deadline: number, fn: () => Promise<T>) => fn(),
  } as unknown as Client;
  return { client, calls };
}

describe('batch items of a page whose query fails', () => {
  it('a page that finished meanwhile: its result holds the items', async () => {
    const { client, calls } = fakeClient('COMPLETED');
    const page = await readBatchItems(client, ref, 0, 100);
    assert.deepEqual(page.items, items);
    assert.equal(page.nextCursor, null);
    assert.deepEqual(calls, ['page.query', 'page.describe', 'page.result']);
  });

  it('a page still running: 503 worker-unavailable with Retry-After, without waiting on its result', async () => {
    const { client, calls } = fakeClient('RUNNING');
    const err = await readBatchItems(client, ref, 0, 100).then(
      () => assert.fail('answered'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof HttpProblem);
    assert.equal(err.problem.status, 503);
    assert.equal(err.problem.type, 'https://balance-check.dev/problems/worker-unavailable');
    assert.deepEqual(err.headers, { 'Retry-After': '5' });
    assert.deepEqual(calls, ['page.query', 'page.describe']);
  });
});
