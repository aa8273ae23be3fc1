// /webhooks/{mx|meld|spinwheel} against the running stack: each provider's own authentication, stale
// timestamps, body limit, dedupe (one signal), unknown resource → 202; responses checked against OpenAPI.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildOpenApiDocument } from '../../api/openapi';
import { signMeldWebhook } from '../../providers/meld/signature';
import { startTestStack, type TestStack } from '../helpers/stack';
import { waitFor } from '../helpers/wait';
import { createContractRecorder } from './contract-recorder';
import type { balanceCheck } from '../../workflows';

const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

describe('provider webhooks (running stack)', () => {
  let stack: TestStack;
  const contract = createContractRecorder(buildOpenApiDocument() as never);

  async function post(provider: string, body: string | object, headers: Record<string, string>) {
    const path = `/webhooks/${provider}`;
    const res = await fetch(stack.apiUrl + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : undefined;
    contract.record('POST', path, res.status, res.headers, parsed);
    return { status: res.status, body: parsed, headers: res.headers };
  }
  const mxAuth = () => ({
    authorization: basic(stack.providerEnv.MX_WEBHOOK_USERNAME!, stack.providerEnv.MX_WEBHOOK_PASSWORD!),
  });
  const meldHeaders = (
    rawBody: string,
    timestamp = new Date().toISOString(),
    secret = stack.providerEnv.MELD_WEBHOOK_SECRET!,
  ) => ({
    'meld-signature-timestamp': timestamp,
    'meld-signature': signMeldWebhook({
      secret,
      timestamp,
      url: stack.providerEnv.MELD_WEBHOOK_URL!,
      rawBody: Buffer.from(rawBody),
    }),
  });
  const spinwheelHeaders = (secret = stack.providerEnv.SPINWHEEL_WEBHOOK_SECRET!) => ({
    [stack.providerEnv.SPINWHEEL_WEBHOOK_HEADER!]: secret,
  });
  const mxStatus = (memberId: string, status = 'CONNECTED') => ({
    type: 'CONNECTION_STATUS',
    user_guid: 'USR-sandbox',
    member_guid: memberId,
    connection_status: status,
    updated_at: '2026-01-01T00:00:00Z',
  });
  const meldEvent = (eventId: string) =>
    JSON.stringify({
      eventType: 'BANK_LINKING_ACCOUNTS_UPDATED',
      eventId,
      timestamp: new Date().toISOString(),
      payload: { customerId: 'nobody', connectionId: 'nothing' },
    });
  const spinwheelEvent = (webhookId: string) => ({
    webhookId,
    eventType: 'REFRESH_TRANSACTION_STATUS',
    userId: 'no-such-user',
    data: { refreshTransactionStatus: 'COMPLETED' },
  });

  before(async () => {
    stack = await startTestStack();
  });
  after(async () => {
    await stack?.stop();
  });

  it('wrong or missing credentials, signature or secret → 401 problem', async () => {
    const cases = [
      await post('mx', mxStatus('MBR-connected'), {}),
      await post('mx', mxStatus('MBR-connected'), { authorization: basic('mx-webhooks', 'wrong') }),
      await post('meld', meldEvent('m-1'), { ...meldHeaders(meldEvent('m-1')), 'meld-signature': 'AAAA' }),
      await post('meld', meldEvent('m-1'), meldHeaders(meldEvent('m-1'), undefined, 'another-secret')),
      await post('meld', meldEvent('m-1'), {}),
      await post('spinwheel', spinwheelEvent('s-1'), spinwheelHeaders('wrong-secret')),
      await post('spinwheel', spinwheelEvent('s-1'), {}),
    ];
    for (const res of cases) {
      assert.equal(res.status, 401, JSON.stringify(res.body));
      assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      assert.equal(res.body.type, 'https://balance-check.dev/problems/webhook-unauthorized');
    }
  });

  it('Meld: a stale (or future) signature timestamp → 401 even when correctly signed', async () => {
    const body = meldEvent('m-stale');
    const stale = await post('meld', body, meldHeaders(body, new Date(Date.now() - 3600_000).toISOString()));
    assert.equal(stale.status, 401);
    assert.match(stale.body.detail, /STALE_TIMESTAMP/);
    const future = await post('meld', body, meldHeaders(body, new Date(Date.now() + 3600_000).toISOString()));
    assert.equal(future.status, 401);
    assert.match(future.body.detail, /FUTURE_TIMESTAMP/);
    // The signature covers the raw bytes: re-spacing the JSON breaks it.
    const respaced = await post('meld', JSON.stringify(JSON.parse(body), null, 2), meldHeaders(body));
    assert.equal(respaced.status, 401);
  });

  it('oversize body → 413 before authentication', async () => {
    const res = await post('mx', { ...mxStatus('MBR-connected'), pad: 'x'.repeat(70_000) }, mxAuth());
    assert.equal(res.status, 413);
    assert.equal(res.body.type, 'https://balance-check.dev/problems/too-large');
  });

  it('authenticated events for resources with no running check → 202 (all providers), not an error', async () => {
    const mx = await post('mx', mxStatus('MBR-nobody'), mxAuth());
    assert.deepEqual([mx.status, mx.body], [202, { status: 'no-running-check' }]);
    const body = meldEvent(`m-${Date.now()}`);
    const meld = await post('meld', body, meldHeaders(body));
    assert.deepEqual([meld.status, meld.body], [202, { status: 'no-running-check' }]);
    const sw = await post('spinwheel', spinwheelEvent(`s-${Date.now()}`), spinwheelHeaders());
    assert.deepEqual([sw.status, sw.body], [202, { status: 'no-running-check' }]);
  });

  it('ignored event types → 202 ignored; malformed JSON → 400; unknown provider → 404', async () => {
    const ignored = await post(
      'mx',
      { type: 'AGGREGATION', user_guid: 'USR-sandbox', member_guid: 'MBR-connected' },
      mxAuth(),
    );
    assert.equal(ignored.status, 202);
    assert.equal(ignored.body.status, 'ignored');
    const malformed = await post('mx', '{"type":', mxAuth());
    assert.equal(malformed.status, 400);
    const unknown = await post('plaid', {}, {});
    assert.equal(unknown.status, 404);
  });

  it('a duplicate delivery → one signal (per check)', async () => {
    const start = await stack.api('POST', '/v1/balance-checks', {
      provider: 'mx',
      resource: { userId: 'USR-sandbox', memberId: 'MBR-no-webhook' },
    });
    assert.equal(start.status, 202);
    const event = mxStatus('MBR-no-webhook', 'CHALLENGED');
    const first = await post('mx', event, mxAuth());
    assert.equal(first.status, 204);
    const second = await post('mx', event, mxAuth());
    assert.deepEqual([second.status, second.body], [202, { status: 'duplicate' }]);
    const handle = stack.env.client.workflow.getHandle<typeof balanceCheck>(
      start.body.workflowId,
      start.body.runId,
    );
    await waitFor(async () => (await handle.describe()).status.name !== 'RUNNING', 30_000);
    const signals = (await handle.fetchHistory()).events!.filter(
      (e) => e.workflowExecutionSignaledEventAttributes,
    );
    assert.equal(signals.length, 1);
    // Dedupe is per check: the next check of the resource gets an identical-looking event again.
    const next = await stack.api('POST', '/v1/balance-checks', {
      provider: 'mx',
      resource: { userId: 'USR-sandbox', memberId: 'MBR-no-webhook' },
    });
    assert.notEqual(next.body.id, start.body.id);
    assert.equal((await post('mx', event, mxAuth())).status, 204);
    await waitFor(
      async () =>
        (await stack.env.client.workflow.getHandle<typeof balanceCheck>(next.body.workflowId).describe())
          .status.name !== 'RUNNING',
      30_000,
    );
    const metrics = await fetch(`${stack.apiUrl}/metrics`).then((r) => r.text());
    assert.match(metrics, /webhooks_received_total\{provider="mx",outcome="duplicate"\} 1/);
    assert.match(metrics, /webhooks_received_total\{provider="meld",outcome="unauthorized"\} [1-9]/);
  });

  it('every webhook response matches the generated OpenAPI document', () => {
    assert.ok(contract.count() >= 15);
    assert.deepEqual(contract.violations(), []);
  });
});
