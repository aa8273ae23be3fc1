// Batches (issue 17): many checks in one request, each item answered for its own question, items of
// a resource with a check in flight joining it, idempotent creation, paged items, cancel, owners.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { decodeCheckId } from '../../api/check-id';
import { balanceCheckWorkflowId } from '../../contracts/balance-check';
import { batchCallerId } from '../../contracts/batch';
import { statusQuery } from '../../workflows/definitions';
import { buildOpenApiDocument } from '../../api/openapi';
import { SW_CARD, SW_USER_SANDBOX } from '../../providers/spinwheel/sandbox';
import { startTestStack, TEST_API_KEYS, type TestStack } from '../helpers/stack';
import { waitFor } from '../helpers/wait';
import { createContractRecorder } from './contract-recorder';

const USER = 'USR-sandbox';
const usd = (amount: number) => ({ amount, currency: 'USD' });
const mx = (memberId: string, reference: string, extra: Record<string, unknown> = {}) => ({
  provider: 'mx',
  resource: { userId: USER, memberId },
  reference,
  ...extra,
});
const asOther = { authorization: `Bearer ${TEST_API_KEYS.otherTenant}` };

describe('balance check batches (running stack)', () => {
  let stack: TestStack;
  const batches: string[] = [];
  const contract = createContractRecorder(buildOpenApiDocument() as never);
  async function api(method: string, path: string, body?: unknown, headers?: Record<string, string>) {
    const res = await stack.api(method, path, body, headers);
    contract.record(method, path, res.status, res.headers, res.body);
    return res;
  }

  async function createBatch(body: unknown, headers?: Record<string, string>) {
    const res = await api('POST', '/v1/balance-check-batches', body, headers);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal(res.headers.get('location'), `/v1/balance-check-batches/${res.body.id}`);
    batches.push(res.body.id);
    return res.body as { id: string; totalItems: number };
  }
  const view = async (id: string) => (await api('GET', `/v1/balance-check-batches/${id}`)).body;
  async function finished(id: string, ms = 120_000) {
    let v: any;
    await waitFor(
      async () => {
        v = await view(id);
        return v.status === 'COMPLETED' || v.status === 'CANCELED';
      },
      ms,
      250,
    );
    return v;
  }
  async function allItems(id: string, limit = 100) {
    const items: any[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await api(
        'GET',
        `/v1/balance-check-batches/${id}/items?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      assert.equal(res.status, 200, JSON.stringify(res.body));
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    return { items, pages };
  }

  before(async () => {
    stack = await startTestStack({ providers: ['mx', 'spinwheel'] });
  });
  afterEach(async () => {
    // A failed test must not leave its batch running into the next one.
    for (const id of batches.splice(0)) {
      await api('DELETE', `/v1/balance-check-batches/${id}`).catch(() => undefined);
    }
  });
  after(async () => {
    await stack?.stop();
    assert.deepEqual(contract.violations(), []);
  });

  it('a batch of mixed scenarios: each item its own right answer; items of one resource share its refresh', async () => {
    const mxSim = stack.simulators.mx!;
    const slowStarts = mxSim.refreshStarts(`${USER}:MBR-slow.101`);
    const items = [
      mx('MBR-connected.101', 'webhook-enough', {
        fundingAccountId: 'ACT-connected-checking',
        requiredAmount: usd(1000),
      }),
      mx('MBR-connected.102', 'webhook-short', {
        fundingAccountId: 'ACT-connected-checking',
        requiredAmount: usd(900_000_000),
      }),
      mx('MBR-no-webhook.101', 'polling'),
      mx('MBR-challenge.101', 'mfa-parked', { timeouts: { mfaSeconds: 5 } }),
      mx('MBR-failed.101', 'failed'),
      {
        provider: 'spinwheel',
        resource: { userId: SW_USER_SANDBOX },
        accountIds: [SW_CARD.exhausted],
        reference: 'exhausted',
      },
      // Two items about one resource: one provider refresh, each item its own question and answer.
      mx('MBR-slow.101', 'shared-small', {
        fundingAccountId: 'ACT-slow-checking',
        requiredAmount: usd(1000),
      }),
      mx('MBR-slow.101', 'shared-large', {
        fundingAccountId: 'ACT-slow-checking',
        requiredAmount: usd(5000),
      }),
    ];
    const batch = await createBatch({ items });
    assert.equal(batch.totalItems, items.length);
    const done = await finished(batch.id);
    assert.equal(done.status, 'COMPLETED');
    assert.equal(done.counts.done, items.length);
    assert.equal(done.counts.pending + done.counts.running, 0);

    const { items: rows } = await allItems(batch.id);
    const by = Object.fromEntries(rows.map((r) => [r.reference, r]));
    assert.deepEqual(
      rows.map((r) => r.index),
      items.map((_, i) => i),
    );
    assert.equal(by['webhook-enough'].status, 'COMPLETED');
    assert.equal(by['webhook-enough'].decision, 'SUFFICIENT');
    assert.equal(by['webhook-short'].decision, 'INSUFFICIENT');
    assert.equal(by['polling'].status, 'COMPLETED');
    assert.equal(by['mfa-parked'].status, 'TIMED_OUT');
    assert.equal(by['mfa-parked'].reasonCode, 'MFA_TIMEOUT');
    assert.equal(by['failed'].status, 'FAILED');
    assert.equal(by['exhausted'].status, 'NOT_SUPPORTED');
    assert.equal(by['exhausted'].reasonCode, 'REFRESH_EXHAUSTED');
    assert.equal(by['shared-small'].decision, 'SUFFICIENT');
    assert.equal(by['shared-large'].decision, 'INSUFFICIENT', 'ACT-slow-checking has 19.99 available');
    assert.deepEqual(done.counts.byStatus, { COMPLETED: 5, TIMED_OUT: 1, FAILED: 1, NOT_SUPPORTED: 1 });
    assert.deepEqual(done.counts.byDecision, { SUFFICIENT: 2, INSUFFICIENT: 2 });

    const small = decodeCheckId(by['shared-small'].checkId)!;
    const large = decodeCheckId(by['shared-large'].checkId)!;
    assert.equal(small.workflowId, large.workflowId);
    assert.equal(small.runId, large.runId, 'the second item joined the first one’s refresh');
    assert.notEqual(small.callerId, large.callerId);
    assert.equal(
      mxSim.refreshStarts(`${USER}:MBR-slow.101`),
      slowStarts + 1,
      'one provider refresh for both',
    );

    // Each item's check id reads as a single check, answered for that item's question.
    const check = await api('GET', `/v1/balance-checks/${by['shared-large'].checkId}`);
    assert.equal(check.status, 200);
    assert.deepEqual(check.body.result.sufficiency.requiredAmount, usd(5000));

    // Operators find every check of the batch by its search attribute.
    const batchId = Buffer.from(batch.id.slice(4), 'base64url').toString().split('\n')[1];
    await waitFor(async () => {
      const n = await stack.env.client.workflow.count(
        `BalanceCheckBatch = "${batchId}" AND WorkflowType = "balanceCheck"`,
      );
      return n.count === items.length - 1; // the shared resource is one workflow
    });
  });

  it('creation is idempotent: same key and body → the same batch; another body → 422', async () => {
    const body = { items: [mx('MBR-connected.201', 'only')] };
    const key = { 'idempotency-key': `batch-${Date.now()}` };
    const first = await createBatch(body, key);
    const again = await api('POST', '/v1/balance-check-batches', body, key);
    assert.equal(again.status, 202);
    assert.equal(again.body.id, first.id);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    const other = await api(
      'POST',
      '/v1/balance-check-batches',
      { items: [mx('MBR-connected.201', 'x')] },
      key,
    );
    assert.equal(other.status, 422);
    assert.equal(other.body.type, 'https://balance-check.dev/problems/idempotency-key-reused');
    assert.equal(other.body.detail, 'Use a new Idempotency-Key for a different request');
    await finished(first.id);
    const { items } = await allItems(first.id);
    assert.equal(items.length, 1, 'one batch, one item: the replay started nothing');
  });

  it('items are paged with a cursor across batch pages, in order, each with its check id', async () => {
    // 450 items (3 batch pages of 200) over 90 resources, 5 consecutive items each: items of a resource
    // are in flight together and join its refresh (5 at most per member: MX's throttle allows 5).
    const items = Array.from({ length: 450 }, (_, i) =>
      mx(`MBR-connected.${300 + Math.floor(i / 5)}`, `ref-${i}`),
    );
    const batch = await createBatch({ items, itemConcurrency: 50 });
    const done = await finished(batch.id, 240_000);
    assert.equal(done.status, 'COMPLETED');
    assert.deepEqual(done.counts.byStatus, { COMPLETED: 450 });
    const { items: rows, pages } = await allItems(batch.id, 120);
    assert.equal(pages, 4);
    assert.deepEqual(
      rows.map((r) => r.reference),
      items.map((i) => i.reference),
    );
    assert.ok(rows.every((r) => r.status === 'COMPLETED' && decodeCheckId(r.checkId)));
    const resources = new Set(rows.map((r) => decodeCheckId(r.checkId)!.workflowId));
    const runs = new Set(rows.map((r) => decodeCheckId(r.checkId)!.runId));
    assert.equal(resources.size, 90);
    // Fast sandbox refreshes may end while a later item is still starting (it then refreshes again).
    assert.ok(runs.size < 300, `items joined checks in flight: ${runs.size} refreshes for 450 items`);
    const bad = await api('GET', `/v1/balance-check-batches/${batch.id}/items?cursor=abc`);
    assert.equal(bad.status, 422);
  });

  it('DELETE cancels the items not started yet and withdraws the ones in flight; none is lost', async () => {
    // One item at a time on slow members: most are still waiting when the batch is canceled.
    const items = Array.from({ length: 20 }, (_, i) => mx(`MBR-slow.${400 + i}`, `c-${i}`));
    const batch = await createBatch({ items, itemConcurrency: 1 });
    await waitFor(async () => (await view(batch.id)).counts.running === 1);
    const del = await api('DELETE', `/v1/balance-check-batches/${batch.id}`);
    assert.equal(del.status, 202, JSON.stringify(del.body));
    const done = await finished(batch.id);
    assert.equal(done.status, 'CANCELED');
    const { items: rows } = await allItems(batch.id);
    assert.equal(rows.length, 20);
    const canceled = rows.filter((r) => r.status === 'CANCELED');
    const answered = rows.filter((r) => r.status === 'COMPLETED');
    // The item in flight at DELETE is withdrawn from its check (or had just been answered).
    const withdrawn = canceled.filter((r) => r.checkId);
    assert.ok(canceled.length >= 15, `canceled ${canceled.length}`);
    assert.ok(withdrawn.length + answered.length >= 1, 'the item in flight was withdrawn or answered');
    assert.ok(withdrawn.every((r) => r.reasonCode === 'BATCH_CANCELED'));
    assert.equal(canceled.length + answered.length, 20);
    assert.ok(canceled.length - withdrawn.length >= 15, 'items not started start no check');
    const again = await api('DELETE', `/v1/balance-check-batches/${batch.id}`);
    assert.equal(again.status, 409);
  });

  it('DELETE withdraws items in flight: CANCELED for the batch, a refresh shared with another caller answers it', async () => {
    const shared = `MBR-slow.${610 + (Date.now() % 50)}`;
    const alone = `MBR-slow.${670 + (Date.now() % 50)}`;
    const sharedStarts = stack.simulators.mx!.refreshStarts(`${USER}:${shared}`);
    // Another caller's single check of the resource, then a batch whose first item joins its refresh.
    const single = await api('POST', '/v1/balance-checks', {
      provider: 'mx',
      resource: { userId: USER, memberId: shared },
    });
    assert.equal(single.status, 202, JSON.stringify(single.body));
    const batch = await createBatch({
      items: [mx(shared, 'joined'), mx(alone, 'alone')],
      itemConcurrency: 2,
    });
    const batchId = Buffer.from(batch.id.slice(4), 'base64url').toString().split('\n')[1]!;
    const inCheck = async (memberId: string, index: number) => {
      const handle = stack.env.client.workflow.getHandle(
        balanceCheckWorkflowId('mx', { userId: USER, memberId }, 'test'),
      );
      const state = await handle.query(statusQuery, batchCallerId(batchId, index)).catch(() => undefined);
      return state?.caller != null && !state.caller.withdrawn;
    };
    await waitFor(async () => (await inCheck(shared, 0)) && (await inCheck(alone, 1)), 30_000, 100);

    const del = await api('DELETE', `/v1/balance-check-batches/${batch.id}`);
    assert.equal(del.status, 202, JSON.stringify(del.body));
    const done = await finished(batch.id);
    assert.equal(done.status, 'CANCELED');
    assert.deepEqual(done.counts.byStatus, { CANCELED: 2 });
    const { items: rows } = await allItems(batch.id);
    for (const row of rows) {
      assert.equal(row.status, 'CANCELED', JSON.stringify(row));
      assert.equal(row.reasonCode, 'BATCH_CANCELED');
      assert.ok(row.checkId, 'a withdrawn item names the check it left');
    }
    // The batch's caller reads as withdrawn in the shared check; the other caller is still answered.
    const joined = decodeCheckId(rows[0].checkId)!;
    assert.equal(joined.workflowId, decodeCheckId(single.body.id)!.workflowId);
    assert.equal(joined.runId, decodeCheckId(single.body.id)!.runId, 'the item had joined that refresh');
    const mine = await api('GET', `/v1/balance-checks/${rows[0].checkId}`);
    assert.equal(mine.body.status, 'CANCELED');
    let theirs: any;
    await waitFor(async () => {
      theirs = (await api('GET', `/v1/balance-checks/${single.body.id}`)).body;
      return theirs.status !== 'RUNNING';
    }, 60_000);
    assert.equal(theirs.status, 'COMPLETED', JSON.stringify(theirs));
    assert.equal(
      stack.simulators.mx!.refreshStarts(`${USER}:${shared}`),
      sharedStarts + 1,
      'one refresh, not canceled with the batch',
    );
    // The item alone in its check was its last caller: that refresh is canceled.
    let left: any;
    await waitFor(async () => {
      left = (await api('GET', `/v1/balance-checks/${rows[1].checkId}`)).body;
      return left.status !== 'RUNNING';
    }, 60_000);
    assert.equal(left.status, 'CANCELED');
  });

  it('another owner gets 404 for the batch, its items and DELETE; bad bodies are 422', async () => {
    const batch = await createBatch({ items: [mx('MBR-connected.501', 'mine')] });
    for (const [method, path] of [
      ['GET', `/v1/balance-check-batches/${batch.id}`],
      ['GET', `/v1/balance-check-batches/${batch.id}/items`],
      ['DELETE', `/v1/balance-check-batches/${batch.id}`],
    ] as const) {
      const res = await api(method, path, undefined, asOther);
      assert.equal(res.status, 404, `${method} ${path}`);
    }
    assert.equal((await api('GET', '/v1/balance-check-batches/bat_nope')).status, 404);
    const noMember = await api('POST', '/v1/balance-check-batches', {
      items: [{ provider: 'mx', resource: { userId: USER }, reference: 'x' }],
    });
    assert.equal(noMember.status, 422);
    assert.match(JSON.stringify(noMember.body.errors), /body\.items\.0\.resource\.memberId/);
    const noRef = await api('POST', '/v1/balance-check-batches', {
      items: [{ provider: 'mx', resource: { userId: USER, memberId: 'MBR-connected' } }],
    });
    assert.equal(noRef.status, 422);
    const tooMany = await api('POST', '/v1/balance-check-batches', {
      items: Array.from({ length: 10_001 }, (_, i) => mx('MBR-connected', `r${i}`)),
    });
    assert.equal(tooMany.status, 422);
    await finished(batch.id);
  });
});
