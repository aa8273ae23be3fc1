// JSON logs: one access line per request with its request id; API keys and webhook secrets never appear.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import { createApp } from '../../api/app';
import { hashApiKey } from '../../api/auth';
import { createLogger } from '../../observability/logger';
import { REGISTRATIONS } from '../../providers/registry';
import { listenOnLoopback, type TestServer } from '../helpers/http-server';

const KEY = 'very-secret-api-key-123';
const WEBHOOK_PASSWORD = 'very-secret-webhook-password';

describe('API logs', () => {
  const lines: Record<string, unknown>[] = [];
  let server: TestServer;
  let base = '';
  before(async () => {
    const mx = REGISTRATIONS.mx;
    const app = createApp({
      client: {} as Client, // no request here reaches Temporal
      webhookProviders: {
        mx: {
          registration: mx,
          config: mx.configFromEnv({
            MX_BASE_URL: 'http://127.0.0.1:9',
            MX_CLIENT_ID: 'c',
            MX_API_KEY: 'k',
            MX_WEBHOOK_USERNAME: 'u',
            MX_WEBHOOK_PASSWORD: WEBHOOK_PASSWORD,
          }),
        },
      },
      apiKeys: [{ name: 'logger-test', owner: 'logger-test', sha256: hashApiKey(KEY), scopes: ['read'] }],
      logger: createLogger({
        name: 'api',
        destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
      }),
    });
    server = await listenOnLoopback(app);
    base = server.url;
  });
  after(() => server?.close());

  it('logs each request with its id and the key name, never the key or a webhook secret', async () => {
    const a = await fetch(`${base}/v1/balance-checks/garbage`, {
      headers: { authorization: `Bearer ${KEY}`, 'x-request-id': 'req-1' },
    });
    assert.equal(a.status, 404);
    const b = await fetch(`${base}/v1/balance-checks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}-wrong`, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(b.status, 401);
    const auth = `Basic ${Buffer.from(`u:${WEBHOOK_PASSWORD}x`).toString('base64')}`;
    const c = await fetch(`${base}/webhooks/mx`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: '{"type":"BALANCE"}',
    });
    assert.equal(c.status, 401);
    await new Promise((r) => setImmediate(r));

    const text = JSON.stringify(lines);
    assert.ok(!text.includes(KEY) && !text.includes(WEBHOOK_PASSWORD) && !text.includes(auth), text);
    const access = lines.filter((l) => l.msg === 'request');
    assert.equal(access.length, 3);
    assert.deepEqual(access[0], {
      ...access[0],
      level: 'info',
      requestId: 'req-1',
      status: 404,
      apiKeyName: 'logger-test',
      route: '/v1/balance-checks/:id',
    });
    for (const line of lines)
      assert.ok(typeof line.requestId === 'string' && typeof line.time === 'string', JSON.stringify(line));
    assert.ok(lines.some((l) => l.msg === 'webhook authentication failed' && l.provider === 'mx'));
  });
});
