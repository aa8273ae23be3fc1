// HTTP semantics through the real app (middleware, routers, schemas) with a Temporal client that knows
// no workflows: the Bearer scheme is case-insensitive; a method a documented path does not serve is 405
// with Allow; a JSON `null` (or any non-object JSON) body is a 422 problem, not a parser 400; /mfa for
// an unknown check is 404 like GET, DELETE and /events.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../api/app';
import { hashApiKey } from '../../api/auth';
import { encodeCheckId } from '../../api/check-id';
import { createLogger } from '../../observability/logger';
import { listenOnLoopback, type TestServer } from '../helpers/http-server';
import { clientWithNoWorkflows } from '../helpers/no-workflows-client';

const KEY = 'semantics-key';
const GHOST = encodeCheckId({
  workflowId: 'balance-check:k:mx:USR-1:MBR-ghost',
  runId: '00000000-0000-4000-8000-000000000000',
  callerId: 'first',
});

describe('HTTP semantics', () => {
  let server: TestServer;
  let base = '';
  before(async () => {
    const app = createApp({
      client: clientWithNoWorkflows(),
      webhookProviders: {},
      apiKeys: [{ name: 'k', owner: 'k', sha256: hashApiKey(KEY), scopes: ['read', 'write', 'events'] }],
      logger: createLogger({ name: 'api', level: 'silent' }),
    });
    server = await listenOnLoopback(app);
    base = server.url;
  });
  after(() => server?.close());

  const send = async (method: string, path: string, headers: Record<string, string> = {}, body?: string) => {
    const res = await fetch(base + path, { method, headers, body });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as any) : undefined };
  };

  for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
    it(`accepts the ${scheme} scheme (404 for an unknown check, not 401)`, async () => {
      const res = await send('GET', `/v1/balance-checks/${GHOST}`, { authorization: `${scheme} ${KEY}` });
      assert.equal(res.status, 404, JSON.stringify(res.body));
    });
  }
  it('still refuses other schemes and wrong keys with 401 + WWW-Authenticate', async () => {
    for (const authorization of [`Basic ${KEY}`, `Bearer wrong-key`, `Bearer${KEY}`, KEY]) {
      const res = await send('GET', `/v1/balance-checks/${GHOST}`, { authorization });
      assert.equal(res.status, 401, authorization);
      assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer /);
    }
  });

  for (const [method, path, allow] of [
    ['PUT', '/v1/balance-checks', 'POST'],
    ['GET', '/v1/balance-checks', 'POST'],
    ['PATCH', `/v1/balance-checks/${GHOST}`, 'GET, DELETE, HEAD'],
    ['POST', `/v1/balance-checks/${GHOST}`, 'GET, DELETE, HEAD'],
    ['GET', `/v1/balance-checks/${GHOST}/mfa`, 'POST'],
    ['DELETE', `/v1/balance-checks/${GHOST}/events`, 'POST'],
    ['GET', '/webhooks/mx', 'POST'],
    ['POST', '/healthz', 'GET, HEAD'],
    ['DELETE', '/openapi.json', 'GET, HEAD'],
  ] as const) {
    it(`${method} ${path.replace(GHOST, '{id}')} → 405, Allow: ${allow}`, async () => {
      // No credentials: the method is wrong whoever asks.
      const res = await send(method, path);
      assert.equal(res.status, 405, JSON.stringify(res.body));
      assert.equal(res.headers.get('allow'), allow);
      assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      assert.equal(res.body.type, 'https://balance-check.dev/problems/method-not-allowed');
    });
  }
  it('OPTIONS answers 204 with Allow; unknown paths stay 404', async () => {
    const options = await send('OPTIONS', '/v1/balance-checks');
    assert.equal(options.status, 204);
    assert.equal(options.headers.get('allow'), 'POST');
    assert.equal((await send('PUT', '/v1/nothing-here')).status, 404);
  });

  for (const path of [
    '/v1/balance-checks',
    `/v1/balance-checks/${GHOST}/mfa`,
    `/v1/balance-checks/${GHOST}/events`,
  ]) {
    for (const body of ['null', '"text"', '42', '[]']) {
      it(`JSON ${body} body on POST ${path.replace(GHOST, '{id}')} → 422`, async () => {
        const res = await send(
          'POST',
          path,
          { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
          body,
        );
        assert.equal(res.status, 422, JSON.stringify(res.body));
        assert.equal(res.body.type, 'https://balance-check.dev/problems/validation');
        assert.equal(res.body.errors[0].path, 'body');
      });
    }
  }
  it('malformed JSON is still a 400', async () => {
    const res = await send(
      'POST',
      '/v1/balance-checks',
      { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      '{"provider":',
    );
    assert.equal(res.status, 400);
  });

  it('/mfa for an unknown or undecodable check → 404 like GET, DELETE and /events', async () => {
    const auth = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
    const answers = JSON.stringify({ answers: [{ challengeId: 'a', value: 'b' }] });
    const event = JSON.stringify({
      eventId: 'e',
      provider: 'mx',
      kind: 'REFRESH_COMPLETED',
      occurredAt: new Date().toISOString(),
    });
    for (const id of [GHOST, 'garbage', 'chk_!!!']) {
      const statuses = [
        (await send('GET', `/v1/balance-checks/${id}`, auth)).status,
        (await send('DELETE', `/v1/balance-checks/${id}`, auth)).status,
        (await send('POST', `/v1/balance-checks/${id}/mfa`, auth, answers)).status,
        (await send('POST', `/v1/balance-checks/${id}/events`, auth, event)).status,
      ];
      assert.deepEqual(statuses, [404, 404, 404, 404], id);
    }
  });
});
