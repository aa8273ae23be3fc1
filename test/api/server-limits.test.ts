// The API server's socket-level limits (api/server.ts) around the real app on the real stack: a
// trickled body or header block is cut at its timeout, header-authenticated webhooks (MX, Spinwheel)
// answer 401 without reading the body, connections beyond the cap are refused, and a long-poll
// response is not cut by requestTimeout (it bounds receiving the request, not answering it).
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createApp, type ApiDeps } from '../../api/app';
import { listenApi, type ApiServerSettings } from '../../api/server';
import { createLogger } from '../../observability/logger';
import { REGISTRATIONS } from '../../providers/registry';
import { startTestStack, TEST_API_KEYS, type TestStack } from '../helpers/stack';
import { hashApiKey } from '../../api/auth';

const SHORT: ApiServerSettings = {
  headersTimeoutMs: 1_000,
  requestTimeoutMs: 1_500,
  keepAliveTimeoutMs: 1_000,
  maxConnections: 50,
  checkIntervalMs: 100,
};

/** A raw HTTP/1.1 exchange: what the server answered, and when the socket closed (ms after connecting). */
function rawExchange(
  url: string,
  send: (socket: Socket) => void,
): Promise<{ response: string; closedAfterMs: number; socket: Socket }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(Number(port), hostname, () => send(socket));
    let response = '';
    socket.on('data', (d) => (response += d.toString('latin1')));
    socket.on('error', () => undefined); // a reset after the answer is expected
    socket.on('close', () => resolve({ response, closedAfterMs: Date.now() - started, socket }));
  });
}

/** Writes `text` one byte at a time every `everyMs` until the socket closes. */
function trickle(socket: Socket, text: string, everyMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || i >= text.length) return clearInterval(timer);
    socket.write(text[i++]!);
  }, everyMs);
  socket.on('close', () => clearInterval(timer));
}

describe('API server limits (real app, real stack)', () => {
  let stack: TestStack;
  const servers: Server[] = [];
  let mxAuth = '';

  async function serve(settings: ApiServerSettings): Promise<string> {
    const webhookProviders: ApiDeps['webhookProviders'] = {};
    for (const name of ['mx', 'meld', 'spinwheel'] as const) {
      const registration = REGISTRATIONS[name];
      webhookProviders[name] = { registration, config: registration.configFromEnv(stack.providerEnv) };
    }
    const app = createApp({
      client: stack.env.client,
      webhookProviders,
      apiKeys: [
        { name: 'limits', owner: 'limits', sha256: hashApiKey(TEST_API_KEYS.full), scopes: ['read', 'write', 'events'] },
      ],
      logger: createLogger({ name: 'api', level: 'silent' }),
    });
    const { server, url } = await listenApi(app, { port: 0, host: '127.0.0.1', settings });
    servers.push(server);
    return url;
  }

  before(async () => {
    stack = await startTestStack({ providers: ['mx', 'meld', 'spinwheel'] });
    const { MX_WEBHOOK_USERNAME: u, MX_WEBHOOK_PASSWORD: p } = stack.providerEnv;
    mxAuth = `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
  });
  after(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      s.close();
    }
    await stack?.stop();
  });

  it('a trickled body (slowloris) is cut with 408 at the request timeout', async (t) => {
    const url = await serve(SHORT);
    // Meld signs the body, so its route reads the body first: the timeout is what bounds it.
    const { response, closedAfterMs } = await rawExchange(url, (socket) => {
      socket.write(
        'POST /webhooks/meld HTTP/1.1\r\nHost: api\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n',
      );
      trickle(socket, '{"eventType":"' + 'x'.repeat(990), 100);
    });
    t.diagnostic(`trickled body cut after ${closedAfterMs} ms (requestTimeout ${SHORT.requestTimeoutMs} ms)`);
    assert.match(response, /^HTTP\/1\.1 408 /);
    assert.ok(closedAfterMs >= SHORT.requestTimeoutMs - 50, `cut after ${closedAfterMs} ms`);
    assert.ok(closedAfterMs < SHORT.requestTimeoutMs + 5_000, `cut after ${closedAfterMs} ms`);
  });

  it('a trickled header block is cut with 408 at the headers timeout', async (t) => {
    const url = await serve(SHORT);
    const { response, closedAfterMs } = await rawExchange(url, (socket) => {
      socket.write('GET /healthz HTTP/1.1\r\n');
      trickle(socket, 'X-Slow: ' + 'y'.repeat(500), 100);
    });
    t.diagnostic(
      `trickled headers cut after ${closedAfterMs} ms (headersTimeout ${SHORT.headersTimeoutMs} ms)`,
    );
    assert.match(response, /^HTTP\/1\.1 408 /);
    assert.ok(closedAfterMs >= SHORT.headersTimeoutMs - 50 && closedAfterMs < SHORT.headersTimeoutMs + 5_000);
  });

  it('an unauthenticated MX or Spinwheel webhook with a large body gets 401 without its body being read', async (t) => {
    const url = await serve(SHORT);
    for (const [path, length] of [
      ['/webhooks/mx', 60_000], // under the body limit
      ['/webhooks/mx', 50_000_000], // far over it: still 401, not 413 (the body is never looked at)
      ['/webhooks/spinwheel', 60_000],
    ] as const) {
      const { response, closedAfterMs } = await rawExchange(url, (socket) => {
        socket.write(
          `POST ${path} HTTP/1.1\r\nHost: api\r\nAuthorization: Basic d3Jvbmc6d3Jvbmc=\r\n` +
            `Content-Type: application/json\r\nContent-Length: ${length}\r\n\r\n{"type":"BALANCE"`,
        );
        // …and the rest of the body never comes.
      });
      t.diagnostic(`${path} (Content-Length ${length}): 401 and closed after ${closedAfterMs} ms`);
      assert.match(response, /^HTTP\/1\.1 401 /, path);
      assert.match(response, /\r\nConnection: close\r\n/i);
      assert.match(response, /webhook-unauthorized/);
      // Answered at once, not after waiting for (or timing out on) the body.
      assert.ok(closedAfterMs < SHORT.requestTimeoutMs, `${path}: ${closedAfterMs} ms`);
    }
    // The contrast: authenticated, the same missing body is waited for, until the request timeout.
    const authed = await rawExchange(url, (socket) => {
      socket.write(
        `POST /webhooks/mx HTTP/1.1\r\nHost: api\r\nAuthorization: ${mxAuth}\r\n` +
          'Content-Type: application/json\r\nContent-Length: 60000\r\n\r\n{"type":"BALANCE"',
      );
    });
    assert.match(authed.response, /^HTTP\/1\.1 408 /);
    assert.ok(authed.closedAfterMs >= SHORT.requestTimeoutMs - 50);
  });

  it('a declared Content-Length over the body limit (webhooks, /v1) → 413 at once, without draining the body', async (t) => {
    const url = await serve(SHORT);
    for (const [path, auth] of [
      ['/webhooks/mx', `Authorization: ${mxAuth}\r\n`],
      ['/webhooks/meld', ''], // signed over the body: the size is checked before anything is read
      ['/v1/balance-checks', `Authorization: Bearer ${TEST_API_KEYS.full}\r\n`],
    ] as const) {
      const { response, closedAfterMs } = await rawExchange(url, (socket) => {
        socket.write(
          `POST ${path} HTTP/1.1\r\nHost: api\r\n${auth}Content-Type: application/json\r\n` +
            'Content-Length: 50000000\r\n\r\n{',
        );
      });
      t.diagnostic(`${path}: 413 and closed after ${closedAfterMs} ms`);
      assert.match(response, /^HTTP\/1\.1 413 /, path);
      assert.match(response, /\r\nConnection: close\r\n/i);
      assert.ok(closedAfterMs < SHORT.requestTimeoutMs, `${path}: ${closedAfterMs} ms`);
    }
  });

  it('connections beyond the cap are refused; once one closes, requests are served again', async () => {
    const url = await serve({
      ...SHORT,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 10_000,
      maxConnections: 3,
    });
    const { hostname, port } = new URL(url);
    const open = await Promise.all(
      [1, 2, 3].map(
        () =>
          new Promise<Socket>((resolve) => {
            const s = connect(Number(port), hostname, () => resolve(s));
          }),
      ),
    );
    // Let the server register the three before the fourth arrives.
    await new Promise((r) => setTimeout(r, 200));
    const refused = await rawExchange(url, (socket) =>
      socket.write('GET /healthz HTTP/1.1\r\nHost: api\r\n\r\n'),
    );
    assert.equal(refused.response, '', 'no answer: the fourth connection is closed at once');
    open[0]!.destroy();
    await new Promise((r) => setTimeout(r, 200));
    const served = await rawExchange(url, (socket) =>
      socket.write('GET /healthz HTTP/1.1\r\nHost: api\r\nConnection: close\r\n\r\n'),
    );
    assert.match(served.response, /^HTTP\/1\.1 200 /);
    for (const s of open) s.destroy();
  });

  it('requestTimeout bounds receiving the request, not the answer: a long-poll longer than it succeeds', async (t) => {
    const url = await serve({ ...SHORT, requestTimeoutMs: 1_000 });
    const started = Date.now();
    const res = await fetch(`${url}/v1/balance-checks`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TEST_API_KEYS.full}`,
        'content-type': 'application/json',
        prefer: 'wait=20',
      },
      // MBR-slow completes after ~20 s × timeScale 0.1.
      body: JSON.stringify({ provider: 'mx', resource: { userId: 'USR-sandbox', memberId: 'MBR-slow' } }),
    });
    const elapsed = Date.now() - started;
    t.diagnostic(`long-poll answered after ${elapsed} ms with requestTimeout 1000 ms`);
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(((await res.json()) as { phase: string }).phase, 'DONE');
    assert.ok(elapsed > 1_000, `the answer took ${elapsed} ms, longer than the request timeout`);
  });
});
