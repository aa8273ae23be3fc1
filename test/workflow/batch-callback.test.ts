// balance_check_batch.completed (issues 16 + 17): when a batch ends, its creator's callback target gets
// one signed event with the batch id, final status and counts, through the same delivery workflow as a
// check's events. On the sandbox stack the sandbox key's target is the built-in receiver.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createLogger } from '../../observability/logger';
import { SANDBOX_API_KEY, startSandboxStack, type SandboxStack } from '../../sandbox/stack';
import { startDevServer, workflowBundle } from '../helpers/temporal-env';
import { waitFor } from '../helpers/wait';

interface Received {
  id: string;
  event: { type: string; data: Record<string, any> };
}

describe('batch callback: balance_check_batch.completed', () => {
  let env: TestWorkflowEnvironment;
  let stack: SandboxStack;
  const lines: string[] = [];

  before(async () => {
    env = await startDevServer();
    stack = await startSandboxStack({
      client: env.client,
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      providers: ['mx'],
      timeScale: 0.1,
      workflowBundle: await workflowBundle(),
      logger: createLogger({ name: 'api', level: 'silent' }),
      callbacks: 'built-in-receiver',
      log: (line) => lines.push(line),
    });
  });
  after(async () => {
    await stack?.close();
    await env?.teardown();
  });

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(stack.apiUrl + path, {
      method,
      headers: { authorization: `Bearer ${SANDBOX_API_KEY}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const received = async () =>
    (await (await fetch(`${stack.apiUrl}/sandbox/callbacks`)).json()) as Received[];

  it('a finished batch sends one signed event with its id, status and counts to its creator’s target', async () => {
    const items = [0, 1].map((i) => ({
      provider: 'mx',
      resource: { userId: 'USR-sandbox', memberId: `MBR-connected.${950 + i}` },
      fundingAccountId: 'ACT-connected-checking',
      requiredAmount: { amount: 1000, currency: 'USD' },
      reference: `cb-${i}`,
    }));
    const created = await api('POST', '/v1/balance-check-batches', { items });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    const id = created.body.id as string;
    await waitFor(
      async () => (await api('GET', `/v1/balance-check-batches/${id}`)).body.status === 'COMPLETED',
      60_000,
    );

    const batchEvents = async () =>
      (await received()).filter((r) => r.event.type === 'balance_check_batch.completed');
    await waitFor(async () => (await batchEvents()).length === 1, 30_000);
    const [event] = await batchEvents();
    assert.equal(event!.event.data.batchId, id);
    assert.equal(event!.event.data.status, 'COMPLETED');
    assert.equal(event!.event.data.totalItems, 2);
    assert.equal(event!.event.data.itemsUrl, `/v1/balance-check-batches/${id}/items`);
    assert.deepEqual(event!.event.data.counts.byStatus, { COMPLETED: 2 });
    assert.deepEqual(event!.event.data.counts.byDecision, { SUFFICIENT: 2 });
    assert.match(
      lines.join('\n'),
      new RegExp(`callback received: balance_check_batch\\.completed ${id} COMPLETED`),
    );
    // The items' own checks carry no callback: the batch reports once, not once per item.
    assert.deepEqual(
      (await received()).map((r) => r.event.type),
      ['balance_check_batch.completed'],
    );

    // A callbackUrl off the key's allow-list is refused before anything starts.
    const refused = await api('POST', '/v1/balance-check-batches', {
      items,
      callbackUrl: 'https://elsewhere.example/hook',
    });
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    assert.equal(
      refused.body.type?.endsWith('callback-url-not-allowed') ?? false,
      true,
      JSON.stringify(refused.body),
    );
  });
});
