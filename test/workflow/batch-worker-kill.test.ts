// A batch survives its worker being SIGKILLed mid-way (issue 17): a child-process worker runs the
// workflows and the batch items; it is killed while items are in flight and a fresh one takes over.
// No item is lost: every item ends with its check's answer.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeCheckId } from '../../api/check-id';
import { RELIABILITY_API_KEY } from '../reliability/api-driver';
import { spawnWorker, startReliabilityEnv, type ReliabilityEnv } from '../reliability/harness';
import { waitFor } from '../helpers/wait';

describe('batch: worker SIGKILL mid-batch', () => {
  let r: ReliabilityEnv;
  before(async () => {
    r = await startReliabilityEnv({ timeScale: 0.1 });
  });
  after(async () => {
    await r?.close();
  });

  async function api(method: string, path: string, body?: unknown) {
    const res = await fetch(r.stack.apiUrl + path, {
      method,
      headers: {
        authorization: `Bearer ${RELIABILITY_API_KEY}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as any };
  }

  it('every item gets its answer after the worker is killed and replaced', async () => {
    const first = spawnWorker(r, 'batch-w1', { WITH_BATCH_ITEMS: '1' });
    await first.ready;
    const items = Array.from({ length: 40 }, (_, i) => ({
      provider: 'mx',
      resource: { userId: 'USR-sandbox', memberId: `${i % 2 ? 'MBR-slow' : 'MBR-connected'}.${700 + i}` },
      fundingAccountId: `ACT-${i % 2 ? 'slow' : 'connected'}-checking`,
      requiredAmount: { amount: 1000, currency: 'USD' },
      reference: `kill-${i}`,
    }));
    const created = await api('POST', '/v1/balance-check-batches', { items, itemConcurrency: 8 });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    const id = created.body.id as string;

    let atKill: any;
    await waitFor(async () => {
      atKill = (await api('GET', `/v1/balance-check-batches/${id}`)).body;
      return atKill.counts.done >= 4 && atKill.counts.running >= 4;
    }, 120_000);
    await first.kill('SIGKILL');
    const second = spawnWorker(r, 'batch-w2', { WITH_BATCH_ITEMS: '1' });
    await second.ready;

    let done: any;
    await waitFor(
      async () => {
        done = (await api('GET', `/v1/balance-check-batches/${id}`)).body;
        return done.status === 'COMPLETED';
      },
      240_000,
      500,
    );
    await second.kill('SIGTERM');
    console.log(
      `[batch-kill] at kill: ${JSON.stringify(atKill.counts)}; end: ${JSON.stringify(done.counts)}`,
    );
    assert.equal(done.counts.done, 40);
    assert.deepEqual(done.counts.byStatus, { COMPLETED: 40 });
    assert.deepEqual(done.counts.byDecision, { SUFFICIENT: 40 });

    const page = await api('GET', `/v1/balance-check-batches/${id}/items?limit=100`);
    assert.equal(page.body.items.length, 40);
    assert.deepEqual(
      page.body.items.map((i: any) => i.reference),
      items.map((i) => i.reference),
    );
    for (const item of page.body.items) {
      const ref = decodeCheckId(item.checkId);
      assert.ok(ref, `item ${item.reference} has its check id`);
      const check = await api('GET', `/v1/balance-checks/${item.checkId}`);
      assert.equal(check.body.result.sufficiency.decision, 'SUFFICIENT', item.reference);
    }
  });
});
