// The README's walk-through on the sandbox stack as `npm start` builds it: the sandbox key's MFA check
// sends its action_required event (with the challenge) to the built-in receiver, which logs it and
// lists it at GET /sandbox/callbacks; after the answer, the completed event follows.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createLogger } from '../../observability/logger';
import { SANDBOX_API_KEY, startSandboxStack, type SandboxStack } from '../../sandbox/stack';
import { startDevServer, workflowBundle } from '../helpers/temporal-env';
import { waitFor } from '../helpers/wait';

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
});
