// Scheduled batches (issue 17): a Temporal Schedule that starts a batch; pause, resume, trigger now,
// list, delete through the API; a triggered schedule's batch completes; other owners get 404.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestStack, TEST_API_KEYS, type TestStack } from '../helpers/stack';
import { waitFor } from '../helpers/wait';

const asOther = { authorization: `Bearer ${TEST_API_KEYS.otherTenant}` };

describe('balance check schedules (running stack)', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack({ providers: ['mx'] });
  });
  after(async () => {
    await stack?.stop();
  });

  it('a schedule fires on trigger and its batch completes; pause, resume, list, delete', async () => {
    const items = [0, 1, 2].map((i) => ({
      provider: 'mx',
      resource: { userId: 'USR-sandbox', memberId: `MBR-connected.${900 + i}` },
      fundingAccountId: 'ACT-connected-checking',
      requiredAmount: { amount: 1000, currency: 'USD' },
      reference: `debit-${i}`,
    }));
    // The day before the 15th at 06:00 New York time (Temporal's cron has no "last day of month").
    const rejected = await stack.api('POST', '/v1/balance-check-schedules', {
      batch: { items },
      cron: ['0 6 14,L * *'],
    });
    assert.equal(rejected.status, 422, JSON.stringify(rejected.body));
    const created = await stack.api('POST', '/v1/balance-check-schedules', {
      batch: { items },
      cron: ['0 6 14 * *'],
      timeZone: 'America/New_York',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id as string;
    assert.equal(created.headers.get('location'), `/v1/balance-check-schedules/${id}`);
    assert.equal(created.body.paused, false);
    assert.equal(created.body.timeZone, 'America/New_York');
    const next = new Date(created.body.nextRuns[0]);
    const nyHour = Number(
      new Intl.DateTimeFormat('en-US', {
        timeZone: 'America/New_York',
        hour: 'numeric',
        hourCycle: 'h23',
      }).format(next),
    );
    assert.equal(nyHour, 6, `next run ${created.body.nextRuns[0]} is 06:00 in New York`);

    const paused = await stack.api('POST', `/v1/balance-check-schedules/${id}/pause`);
    assert.equal(paused.body.paused, true);
    const resumed = await stack.api('POST', `/v1/balance-check-schedules/${id}/resume`);
    assert.equal(resumed.body.paused, false);
    const listed = await stack.api('GET', '/v1/balance-check-schedules');
    assert.ok(listed.body.schedules.some((s: any) => s.id === id));
    const theirs = await stack.api('GET', '/v1/balance-check-schedules', undefined, asOther);
    assert.ok(!theirs.body.schedules.some((s: any) => s.id === id), 'another owner does not list it');
    assert.equal(
      (await stack.api('GET', `/v1/balance-check-schedules/${id}`, undefined, asOther)).status,
      404,
    );
    // Bound to its owner: another tenant's key finds no such schedule, whatever it asks.
    for (const action of ['trigger', 'pause', 'resume'])
      assert.equal(
        (await stack.api('POST', `/v1/balance-check-schedules/${id}/${action}`, undefined, asOther)).status,
        404,
        action,
      );
    assert.equal(
      (await stack.api('GET', `/v1/balance-check-schedules/${id}`)).body.paused,
      false,
      'their pause did nothing',
    );

    const fired = await stack.api('POST', `/v1/balance-check-schedules/${id}/trigger`);
    assert.equal(fired.status, 202);
    let batchId: string | undefined;
    await waitFor(async () => {
      batchId = (await stack.api('GET', `/v1/balance-check-schedules/${id}`)).body.batches[0]?.batchId;
      return batchId !== undefined;
    });
    let batch: any;
    await waitFor(async () => {
      batch = (await stack.api('GET', `/v1/balance-check-batches/${batchId}`)).body;
      return batch.status === 'COMPLETED';
    }, 120_000);
    assert.deepEqual(batch.counts.byDecision, { SUFFICIENT: 3 });
    // The batch a schedule started belongs to the schedule's owner too.
    for (const path of [`/v1/balance-check-batches/${batchId}`, `/v1/balance-check-batches/${batchId}/items`])
      assert.equal((await stack.api('GET', path, undefined, asOther)).status, 404, path);
    const rows = (await stack.api('GET', `/v1/balance-check-batches/${batchId}/items`)).body.items;
    assert.deepEqual(
      rows.map((r: any) => r.reference),
      items.map((i) => i.reference),
    );

    assert.equal(
      (await stack.api('DELETE', `/v1/balance-check-schedules/${id}`, undefined, asOther)).status,
      404,
    );
    assert.equal((await stack.api('DELETE', `/v1/balance-check-schedules/${id}`)).status, 204);
    assert.equal((await stack.api('GET', `/v1/balance-check-schedules/${id}`)).status, 404);
  });

  it('bad schedules are 422: no spec, unknown time zone', async () => {
    const batch = { items: [{ provider: 'mx', resource: { userId: 'U', memberId: 'M' }, reference: 'r' }] };
    assert.equal((await stack.api('POST', '/v1/balance-check-schedules', { batch })).status, 422);
    const zone = await stack.api('POST', '/v1/balance-check-schedules', {
      batch,
      cron: ['0 6 * * *'],
      timeZone: 'Mars/Olympus',
    });
    assert.equal(zone.status, 422);
  });
});
