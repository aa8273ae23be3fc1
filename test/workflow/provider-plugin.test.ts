// "A new provider is one folder + one registry line": a test-only fourth provider (echo), registered
// from test/fixtures/providers/echo/ alone, runs the generic flows through the real API, worker and dev
// server — start → webhook → COMPLETED, start → polls → COMPLETED, its own funding question — and the
// API's request schema and OpenAPI document admit it with its resource shape, from its registration.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { echoRegistration } from '../fixtures/providers/echo/registration';
import { echoSandbox } from '../fixtures/providers/echo/simulator/registration';
import { startTestStack, type TestStack } from '../helpers/stack';
import { waitFor } from '../helpers/wait';

describe('a fourth provider registered from one folder', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack({
      providers: [],
      extraProviders: [{ registration: echoRegistration, sandbox: echoSandbox }],
    });
  });
  after(async () => {
    await stack?.stop();
  });

  async function runToEnd(body: Record<string, unknown>) {
    const started = await stack.api('POST', '/v1/balance-checks', body);
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const location = started.headers.get('location')!;
    let view: any;
    await waitFor(async () => {
      view = (await stack.api('GET', location)).body;
      return view.result !== undefined;
    }, 30_000);
    return view;
  }

  it('start → webhook → COMPLETED with REALTIME balances in minor units', async () => {
    const view = await runToEnd({ provider: 'echo', resource: { userId: 'u-1', memberId: 'acct-webhook' } });
    assert.equal(view.result.status, 'COMPLETED', JSON.stringify(view.result));
    assert.equal(view.result.provider, 'echo');
    assert.ok(view.result.eventsAccepted >= 1, 'the webhook was accepted');
    assert.deepEqual(
      view.result.balances.map((b: any) => [b.accountId, b.current, b.currency, b.freshness]),
      [
        ['acct-webhook-checking', 123456, 'USD', 'REALTIME'],
        ['acct-webhook-savings', 10, 'USD', 'REALTIME'],
      ],
    );
    assert.equal(stack.simulators.echo!.refreshStarts('acct-webhook'), 1);
  });

  it('start → polls → COMPLETED when the provider sends no webhook', async () => {
    const view = await runToEnd({ provider: 'echo', resource: { userId: 'u-1', memberId: 'no-webhook-1' } });
    assert.equal(view.result.status, 'COMPLETED', JSON.stringify(view.result));
    assert.equal(view.result.eventsAccepted, 0);
    assert.ok(view.result.polls >= 1, `polls ${view.result.polls}`);
    assert.equal(view.result.balances.length, 2);
  });

  it('answers its own funding question and account filter', async () => {
    const view = await runToEnd({
      provider: 'echo',
      resource: { userId: 'u-2', memberId: 'acct-fund' },
      accountIds: ['acct-fund-savings'],
      fundingAccountId: 'acct-fund-savings',
      requiredAmount: { amount: 11, currency: 'USD' },
    });
    assert.equal(view.result.status, 'COMPLETED');
    assert.deepEqual(
      view.result.balances.map((b: any) => b.accountId),
      ['acct-fund-savings'],
    );
    assert.equal(view.result.sufficiency.decision, 'INSUFFICIENT');
    assert.deepEqual(view.result.sufficiency.availableAmount, { amount: 10, currency: 'USD' });
  });

  it('the request schema and the OpenAPI document come from its registration', async () => {
    const noMember = await stack.api('POST', '/v1/balance-checks', {
      provider: 'echo',
      resource: { userId: 'u' },
    });
    assert.equal(noMember.status, 422);
    assert.deepEqual(
      noMember.body.errors.map((e: any) => e.path),
      ['body.resource.memberId'],
    );
    const doc = (await stack.api('GET', '/openapi.json')).body;
    const variants = doc.components.schemas.StartCheckRequest.oneOf;
    const echo = variants.find((v: any) => v.properties.provider.const === 'echo');
    assert.ok(echo, 'an echo variant');
    assert.deepEqual(echo.properties.resource.required, ['userId', 'memberId']);
    const webhookParam = doc.paths['/webhooks/{provider}'].parameters[0];
    assert.ok(webhookParam.schema.enum.includes('echo'));
  });
});
