// The README's walk-through on the sandbox stack as `npm start` builds it: the sandbox key's MFA check
// sends its action_required event (with the challenge) to the built-in receiver, which logs it and
// lists it at GET /sandbox/callbacks; after the answer, the completed event follows. A batch's end sends
// one balance_check_batch.completed event (issues 16 + 17) to its creator's target, the same way.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createLogger } from '../../observability/logger';
import { SANDBOX_API_KEY, startSandboxStack, type SandboxStack } from '../../sandbox/stack';
import { sandboxApi } from '../helpers/sandbox-api';
import { startDevServer, workflowBundle } from '../helpers/temporal-env';
import { waitFor } from '../helpers/wait';

interface Received {
  id: string;
  event: { type: string; data: Record<string, any> };
}

describe('sandbox: built-in callback receiver', () => {
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

  it('the MFA check of the README: action_required with the challenge, then completed', async () => {
    const auth = { authorization: `Bearer ${SANDBOX_API_KEY}`, 'content-type': 'application/json' };
    const started = await fetch(`${stack.apiUrl}/v1/balance-checks`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        provider: 'mx',
        resource: { userId: 'USR-sandbox', memberId: 'MBR-challenge' },
      }),
    });
    assert.equal(started.status, 202);
    const { id } = (await started.json()) as { id: string };
    const listed = async () =>
      (await (await fetch(`${stack.apiUrl}/sandbox/callbacks`)).json()) as {
        event: { type: string; data: { checkId: string; challenges?: { id: string }[] } };
      }[];
    await waitFor(async () => (await listed()).length === 1, 30_000);
    const [first] = await listed();
    assert.equal(first!.event.type, 'balance_check.action_required');
    assert.equal(first!.event.data.checkId, id);
    assert.deepEqual(
      first!.event.data.challenges?.map((c) => c.id),
      ['CRD-sandbox-text-1'],
    );
    assert.match(
      lines.join('\n'),
      /callback received: balance_check\.action_required chk_\S+ challenges: CRD-sandbox-text-1/,
    );
    const answered = await fetch(`${stack.apiUrl}/v1/balance-checks/${id}/mfa`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ answers: [{ challengeId: 'CRD-sandbox-text-1', value: 'correct' }] }),
    });
    assert.equal(answered.status, 200);
    await waitFor(async () => (await listed()).length === 2, 30_000);
    assert.equal((await listed())[1]!.event.type, 'balance_check.completed');
  });

  const api = (method: string, path: string, body?: unknown) => sandboxApi(stack.apiUrl)(method, path, body);
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
    const before = (await received()).length;
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
      (await received()).slice(before).map((r) => r.event.type),
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
