// Callbacks without a server: Standard Webhooks signatures as the `standardwebhooks` package checks
// them (rotation: either secret verifies), our receiver helper, backoff bounds, the SSRF ranges, the
// delivery activity's outcomes (2xx, 410, 5xx, refused host, missing secret, window over), allow-lists.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { callbackBody, createCallbackActivities, retryDelayMs } from '../../activities/callbacks';
import { callbackTargetFor } from '../../api/callbacks/callback-target';
import { HttpProblem } from '../../api/problem';
import { loadCallbackConfig } from '../../callbacks/config';
import { signWebhook, webhookId } from '../../callbacks/signing';
import { assertCallbackHostAllowed, CallbackUrlRefused, isBlockedAddress } from '../../callbacks/ssrf';
import { verifyBalanceCheckWebhook, WebhookVerificationError } from '../../client/verify-webhook';
import type { DeliverCallbackInput } from '../../contracts/callbacks';
import { createCallbackReceiver, SANDBOX_CALLBACK_SECRET } from '../../sandbox/callback-receiver';

const NEW = 'whsec_2xwOc3QmPEPPex6lmRJ8lypJLtKoAqcx';
const OLD = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const RUN = '01a22605-a142-7ac4-9d38-316555e9e59f';
const CALLER = '62c6d7e2-3620-4ec8-884e-b6c2896b68a5';

const input = (url = 'https://hooks.example.com/balance'): DeliverCallbackInput => ({
  target: { url, key: 'acme/backend' },
  event: {
    eventKey: `balance-check:acme:mx:U:M:${RUN}:${CALLER}:final`,
    type: 'balance_check.completed',
    occurredAt: '2026-11-29T06:00:00.000Z',
    check: { workflowId: 'balance-check:acme:mx:U:M', runId: RUN, callerId: CALLER },
    answer: null,
  },
});
const config = (over: Record<string, unknown> = {}) => ({
  secrets: { 'acme/backend': [NEW, OLD] },
  production: false,
  allowPrivateHosts: [],
  retry: { initialMs: 1000, maxMs: 8000, forMs: 60_000 },
  timeoutMs: 1000,
  ...over,
});
const answering = (status: number) => {
  const requests: { url: string; headers: Record<string, string>; body: string }[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    requests.push({ url, headers: init.headers as Record<string, string>, body: String(init.body) });
    return new Response(null, { status });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, requests };
};
const attempt = (over: Partial<{ attempt: number; firstAttemptAt: string }> = {}) => ({
  ...input(),
  attempt: 1,
  firstAttemptAt: new Date().toISOString(),
  ...over,
});

describe('callback signing (Standard Webhooks)', () => {
  it('the standardwebhooks package verifies our signature with either of two rotated secrets', () => {
    const body = JSON.stringify({ type: 'balance_check.completed', data: { checkId: 'chk_x' } });
    const headers = signWebhook([NEW, OLD], 'msg_1', Math.floor(Date.now() / 1000), body);
    assert.equal(headers['webhook-signature'].split(' ').length, 2);
    for (const secret of [NEW, OLD])
      assert.deepEqual(new Webhook(secret).verify(body, { ...headers }), JSON.parse(body));
    assert.throws(() => new Webhook(NEW).verify(body.replace('chk_x', 'chk_y'), { ...headers }));
    const other = 'whsec_' + Buffer.from('another secret, 32 bytes long!!!').toString('base64');
    assert.throws(() => new Webhook(other).verify(body, { ...headers }));
  });

  it('our receiver helper accepts what standardwebhooks signs and refuses tampering and old timestamps', () => {
    const body = JSON.stringify({ type: 'balance_check.failed', timestamp: 'x', data: { checkId: 'chk_1' } });
    const now = new Date();
    const signature = new Webhook(OLD).sign('msg_2', now, body);
    const headers = {
      'webhook-id': 'msg_2',
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signature,
    };
    const { data } = verifyBalanceCheckWebhook([NEW, OLD], headers, body).event;
    assert.equal('checkId' in data ? data.checkId : undefined, 'chk_1');
    assert.throws(() => verifyBalanceCheckWebhook([NEW], headers, body), WebhookVerificationError);
    assert.throws(() => verifyBalanceCheckWebhook(OLD, headers, body + ' '), WebhookVerificationError);
    assert.throws(
      () => verifyBalanceCheckWebhook(OLD, headers, body, { now: () => now.getTime() + 600_000 }),
      /too old/,
    );
  });

  it('webhook-id is stable per event key and differs between events', () => {
    assert.equal(webhookId('a:b:final'), webhookId('a:b:final'));
    assert.notEqual(webhookId('a:b:final'), webhookId('a:b:action_required.1'));
    assert.match(webhookId('x'), /^msg_[\w-]{32}$/);
  });
});

describe('retry delays', () => {
  it('grow exponentially with jitter between half and all of the ceiling, capped', () => {
    const retry = { initialMs: 1000, maxMs: 8000, forMs: 1 };
    assert.deepEqual(
      [1, 2, 3, 4, 5, 40].map((n) => [retryDelayMs(n, retry, () => 0), retryDelayMs(n, retry, () => 1)]),
      [
        [500, 1000],
        [1000, 2000],
        [2000, 4000],
        [4000, 8000],
        [4000, 8000],
        [4000, 8000],
      ],
    );
  });
});

describe('SSRF guard', () => {
  it('blocks loopback, private, link-local, CGNAT, metadata and unique-local addresses; passes public ones', () => {
    for (const a of [
      '127.0.0.1',
      '10.0.0.1',
      '172.16.5.4',
      '192.168.1.1',
      '169.254.169.254',
      '100.100.100.200',
      '0.0.0.0',
      '::1',
      'fd00:ec2::254',
      'fe80::1',
      '::ffff:10.0.0.1',
    ])
      assert.ok(isBlockedAddress(a), a);
    for (const a of ['93.184.216.34', '8.8.8.8', '2606:4700::1111']) assert.ok(!isBlockedAddress(a), a);
  });

  it('production resolves the host and refuses private answers unless the host is allowed; dev allows all', async () => {
    const resolve = async () => ['10.1.2.3'];
    const prod = { production: true, allowPrivateHosts: ['hooks.internal'], resolve };
    await assert.rejects(assertCallbackHostAllowed('https://x.example.com/h', prod), CallbackUrlRefused);
    await assert.rejects(assertCallbackHostAllowed('http://[::1]:8080/h', prod), CallbackUrlRefused);
    await assertCallbackHostAllowed('https://hooks.internal/h', prod);
    await assertCallbackHostAllowed('https://x.example.com/h', {
      ...prod,
      resolve: async () => ['93.184.216.34'],
    });
    await assertCallbackHostAllowed('http://127.0.0.1:9/h', { production: false, allowPrivateHosts: [] });
  });
});

describe('attemptCallbackDelivery', () => {
  it('2xx: delivered, one signed POST with the Standard Webhooks body and the caller check id', async () => {
    const { fetch, requests } = answering(204);
    const act = createCallbackActivities({ config: config(), fetch });
    assert.deepEqual(await act.attemptCallbackDelivery(attempt()), { outcome: 'DELIVERED', httpStatus: 204 });
    const [req] = requests;
    assert.equal(req!.url, 'https://hooks.example.com/balance');
    assert.equal(req!.headers['webhook-id'], webhookId(input().event.eventKey));
    assert.deepEqual(new Webhook(NEW).verify(req!.body, req!.headers), callbackBody(input().event));
    assert.match(JSON.parse(req!.body).data.checkId, /^chk_/);
  });

  it('410: abandoned; 5xx: retry after a backoff delay; after the window: abandoned', async () => {
    const gone = createCallbackActivities({ config: config(), fetch: answering(410).fetch });
    assert.equal((await gone.attemptCallbackDelivery(attempt())).outcome, 'ABANDONED');
    const failing = createCallbackActivities({
      config: config(),
      fetch: answering(503).fetch,
      random: () => 1,
    });
    assert.deepEqual(await failing.attemptCallbackDelivery(attempt({ attempt: 3 })), {
      outcome: 'RETRY',
      httpStatus: 503,
      error: 'The receiver answered 503',
      retryInMs: 4000,
    });
    const late = await failing.attemptCallbackDelivery(
      attempt({ attempt: 30, firstAttemptAt: new Date(Date.now() - 61_000).toISOString() }),
    );
    assert.equal(late.outcome, 'ABANDONED');
  });

  it('a refused host (production) is abandoned without a request; a missing secret retries', async () => {
    const { fetch, requests } = answering(200);
    const prod = createCallbackActivities({ config: config({ production: true }), fetch });
    const refused = await prod.attemptCallbackDelivery({
      ...attempt(),
      ...input('http://169.254.169.254/x'),
    });
    assert.equal(refused.outcome, 'ABANDONED');
    const noSecret = createCallbackActivities({ config: config({ secrets: {} }), fetch });
    assert.equal((await noSecret.attemptCallbackDelivery(attempt())).outcome, 'RETRY');
    assert.equal(requests.length, 0);
  });
});

describe('callback targets (API)', () => {
  const key = { name: 'backend', owner: 'acme', sha256: '0'.repeat(64), scopes: ['write' as const] };
  const cfg = loadCallbackConfig({
    API_CALLBACKS: JSON.stringify({
      'acme/backend': { url: 'https://hooks.acme.com/default', allow: ['https://hooks.acme.com/checks/'] },
    }),
    CALLBACK_SECRETS: JSON.stringify({ 'acme/backend': [NEW] }),
  });

  it('uses the key default, an allow-listed callbackUrl, and refuses any other URL (422)', async () => {
    assert.deepEqual(await callbackTargetFor(cfg, key, undefined), {
      url: 'https://hooks.acme.com/default',
      key: 'acme/backend',
    });
    assert.equal(
      (await callbackTargetFor(cfg, key, 'https://hooks.acme.com/checks/1'))?.url,
      'https://hooks.acme.com/checks/1',
    );
    for (const url of [
      'https://hooks.acme.com/other',
      'https://hooks.acme.com.evil.io/checks/',
      'http://hooks.acme.com/checks/',
    ])
      await assert.rejects(callbackTargetFor(cfg, key, url), (e: HttpProblem) => e.problem.status === 422);
    assert.equal(await callbackTargetFor(cfg, { ...key, name: 'other' }, undefined), undefined);
  });

  it('config refuses secrets that are not whsec_ keys and more than two secrets', () => {
    assert.throws(() => loadCallbackConfig({ CALLBACK_SECRETS: '{"a/b": ["plain"]}' }));
    assert.throws(() => loadCallbackConfig({ CALLBACK_SECRETS: JSON.stringify({ 'a/b': [NEW, OLD, NEW] }) }));
    assert.throws(() => loadCallbackConfig({ API_CALLBACKS: 'not json' }), /must be JSON/);
  });
});

describe('the sandbox receiver', () => {
  it('verifies a delivery from the activity, logs it once per webhook-id, and lists it', async () => {
    const lines: string[] = [];
    const receiver = createCallbackReceiver([SANDBOX_CALLBACK_SECRET], (line) => lines.push(line));
    const server = createServer((req, res) => receiver.handle(req, res)).listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sandbox/callbacks`;
      const act = createCallbackActivities({
        config: config({ secrets: { 'acme/backend': [SANDBOX_CALLBACK_SECRET] } }),
      });
      const delivery = { ...attempt(), ...input(url) };
      assert.equal((await act.attemptCallbackDelivery(delivery)).outcome, 'DELIVERED');
      assert.equal((await act.attemptCallbackDelivery(delivery)).outcome, 'DELIVERED');
      assert.equal(lines.length, 1);
      assert.match(lines[0]!, /^callback received: balance_check\.completed chk_/);
      const listed = (await (await fetch(url)).json()) as { id: string }[];
      assert.deepEqual(
        listed.map((e) => e.id),
        [webhookId(input().event.eventKey)],
      );
    } finally {
      server.close();
    }
  });
});
