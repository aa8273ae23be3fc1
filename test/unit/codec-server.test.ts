import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { request, type Server } from 'node:http';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import express from 'express';
import { AesGcmPayloadCodec } from '../../codec/aes-gcm-codec';
import { createCodecRouter, type CodecRouterOptions } from '../../codec/codec-server';
import {
  defaultAllowedHosts,
  startCodecServer,
  type RunningCodecServer,
} from '../../codec/codec-http-server';
import { CodecServerConfigError, loadCodecServerSettings } from '../../codec/server-config';

const UI = 'http://localhost:8233';
const b64 = (s: string) => Buffer.from(s).toString('base64');
const plainPayload = {
  metadata: { encoding: b64('json/plain') },
  data: b64(JSON.stringify({ iban: 'DE89370400440532013000' })),
};

async function listen(
  token?: string,
  extra: Partial<CodecRouterOptions> = { allowEncode: true },
): Promise<{ url: string; server: Server }> {
  const codec = new AesGcmPayloadCodec({ encryptWith: 'k1', keys: { k1: randomBytes(32) } });
  const app = express();
  app.use(createCodecRouter({ codec, bearerToken: token, allowedOrigins: [UI], ...extra }));
  const server = app.listen(0);
  await new Promise<void>((resolve) => server.once('listening', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

void describe('codec server (open)', () => {
  let url = '';
  let server: Server;
  before(async () => ({ url, server } = await listen()));
  after(() => {
    server.closeAllConnections(); // fetch keeps sockets alive; do not let them hold the test process open
    server.close();
  });

  void it('encodes then decodes back to the original proto-JSON payload', async () => {
    const enc = await post(`${url}/codec/encode`, { payloads: [plainPayload] });
    assert.equal(enc.status, 200);
    const encoded = (await enc.json()) as {
      payloads: Array<{ metadata: Record<string, string>; data: string }>;
    };
    assert.equal(
      Buffer.from(encoded.payloads[0]?.metadata.encoding ?? '', 'base64').toString(),
      'binary/encrypted',
    );
    assert.ok(!Buffer.from(encoded.payloads[0]?.data ?? '', 'base64').includes('DE89'));
    const dec = await post(`${url}/codec/decode`, encoded);
    assert.equal(dec.status, 200);
    assert.deepEqual(await dec.json(), { payloads: [plainPayload] });
  });

  void it('answers a preflight from the allowed UI origin with CORS headers', async () => {
    const res = await fetch(`${url}/codec/decode`, {
      method: 'OPTIONS',
      headers: {
        origin: UI,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,x-namespace',
      },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), UI);
    assert.equal(res.headers.get('access-control-allow-credentials'), 'true');
    assert.match(
      res.headers.get('access-control-allow-headers') ?? '',
      /Authorization.*Content-Type.*X-Namespace/,
    );
  });

  void it('gives no CORS grant to other origins', async () => {
    const res = await fetch(`${url}/codec/decode`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(res.headers.get('access-control-allow-origin'), null);
    const postRes = await post(`${url}/codec/decode`, { payloads: [] }, { origin: 'https://evil.example' });
    assert.equal(postRes.headers.get('access-control-allow-origin'), null);
  });

  for (const [name, body] of [
    ['invalid JSON', '{"payloads": ['],
    ['missing payloads', {}],
    ['non-base64 data', { payloads: [{ metadata: {}, data: '***' }] }],
    ['non-base64 metadata', { payloads: [{ metadata: { encoding: 'json/plain' } }] }],
  ] as const) {
    void it(`rejects ${name} with 400 problem+json`, async () => {
      const res = await post(`${url}/codec/decode`, body);
      assert.equal(res.status, 400);
      assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
      const problem = (await res.json()) as { status: number; title: string };
      assert.equal(problem.status, 400);
      assert.ok(problem.title.length > 0);
    });
  }

  void it('answers 422 naming the key id for payloads it cannot decrypt', async () => {
    const foreign = {
      metadata: { encoding: b64('binary/encrypted'), 'encryption-key-id': b64('k-old') },
      data: b64('x'.repeat(40)),
    };
    const res = await post(`${url}/codec/decode`, { payloads: [foreign] });
    assert.equal(res.status, 422);
    assert.match(((await res.json()) as { detail: string }).detail, /'k-old'/);
  });
});

void describe('codec server (bearer token)', () => {
  let url = '';
  let server: Server;
  before(async () => ({ url, server } = await listen('s3cret')));
  after(() => {
    server.closeAllConnections(); // fetch keeps sockets alive; do not let them hold the test process open
    server.close();
  });

  void it('requires the bearer token on POST but not on the preflight', async () => {
    const missing = await post(`${url}/codec/decode`, { payloads: [] });
    assert.equal(missing.status, 401);
    assert.equal(missing.headers.get('www-authenticate'), 'Bearer');
    const wrong = await post(`${url}/codec/decode`, { payloads: [] }, { authorization: 'Bearer nope' });
    assert.equal(wrong.status, 401);
    const ok = await post(
      `${url}/codec/decode`,
      { payloads: [plainPayload] },
      { authorization: 'Bearer s3cret' },
    );
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { payloads: [plainPayload] });
    const preflight = await fetch(`${url}/codec/decode`, { method: 'OPTIONS', headers: { origin: UI } });
    assert.equal(preflight.status, 204);
  });
});

/** A POST with a chosen Host header (fetch does not let a caller set Host). */
function postWithHost(url: string, host: string, body: unknown): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        hostname,
        port,
        path: '/codec/decode',
        method: 'POST',
        headers: { host, 'content-type': 'application/json', connection: 'close' },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

void describe('codec server: no encode for browsers, Host allow-list', () => {
  const servers: Server[] = [];
  const running: RunningCodecServer[] = [];
  after(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      s.close();
    }
    for (const r of running) await r.close();
  });

  void it('serves no /codec/encode unless enabled', async () => {
    const { url, server } = await listen(undefined, {});
    servers.push(server);
    assert.equal((await post(`${url}/codec/encode`, { payloads: [plainPayload] })).status, 404);
    assert.equal((await post(`${url}/codec/decode`, { payloads: [plainPayload] })).status, 200);
  });

  void it('never offers /codec/encode to browsers, even when enabled: no preflight, no CORS grant', async () => {
    const { url, server } = await listen(undefined, { allowEncode: true });
    servers.push(server);
    const preflight = await fetch(`${url}/codec/encode`, {
      method: 'OPTIONS',
      headers: { origin: UI, 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.status, 404);
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
    const res = await post(`${url}/codec/encode`, { payloads: [plainPayload] }, { origin: UI });
    assert.equal(res.status, 200); // the CLI (no browser) may use it in development …
    assert.equal(res.headers.get('access-control-allow-origin'), null); // … a page cannot read it
    const decode = await post(`${url}/codec/decode`, { payloads: [] }, { origin: UI });
    assert.equal(decode.headers.get('access-control-allow-origin'), UI);
  });

  void it('answers 421 for a Host not on the allow-list (names match any port; name:port exactly)', async () => {
    const { url, server } = await listen(undefined, { allowedHosts: ['codec.internal', 'ui.example:8443'] });
    servers.push(server);
    const body = { payloads: [plainPayload] };
    assert.equal((await postWithHost(url, 'codec.internal:8234', body)).status, 200);
    assert.equal((await postWithHost(url, 'CODEC.INTERNAL', body)).status, 200);
    assert.equal((await postWithHost(url, 'ui.example:8443', body)).status, 200);
    const wrongPort = await postWithHost(url, 'ui.example:9999', body);
    assert.equal(wrongPort.status, 421);
    const rebound = await postWithHost(url, 'attacker.example', body);
    assert.equal(rebound.status, 421);
    assert.match(rebound.body, /Misdirected/);
  });

  void it('startCodecServer allows only loopback names and its own host by default', async () => {
    const codec = new AesGcmPayloadCodec({ encryptWith: 'k1', keys: { k1: randomBytes(32) } });
    const codecServer = await startCodecServer({ codec, allowedOrigins: [] });
    running.push(codecServer);
    const port = new URL(codecServer.url).port;
    const body = { payloads: [plainPayload] };
    assert.equal((await postWithHost(codecServer.url, `127.0.0.1:${port}`, body)).status, 200);
    assert.equal((await postWithHost(codecServer.url, `localhost:${port}`, body)).status, 200);
    assert.equal((await postWithHost(codecServer.url, `rebind.attacker.example:${port}`, body)).status, 421);
    assert.deepEqual(defaultAllowedHosts('0.0.0.0'), ['localhost', '127.0.0.1', '[::1]']);
    assert.ok(defaultAllowedHosts('10.1.2.3').includes('10.1.2.3'));
  });
});

void describe('codec server settings (codec/main.ts)', () => {
  const base = { CODEC_ALLOWED_ORIGINS: UI };
  const token = 'a-codec-token-of-some-length';

  void it('production: refuses to start without a bearer token, with encode on, or bound to all interfaces without hosts', () => {
    assert.throws(
      () => loadCodecServerSettings({ ...base, NODE_ENV: 'production' }),
      /CODEC_BEARER_TOKEN is required/,
    );
    assert.throws(
      () => loadCodecServerSettings({ ...base, NODE_ENV: 'production', CODEC_BEARER_TOKEN: '' }),
      CodecServerConfigError,
    );
    assert.throws(
      () =>
        loadCodecServerSettings({
          ...base,
          NODE_ENV: 'production',
          CODEC_BEARER_TOKEN: token,
          CODEC_ALLOW_ENCODE: 'true',
        }),
      /CODEC_ALLOW_ENCODE/,
    );
    assert.throws(
      () =>
        loadCodecServerSettings({
          ...base,
          NODE_ENV: 'production',
          CODEC_BEARER_TOKEN: token,
          CODEC_HOST: '0.0.0.0',
        }),
      /CODEC_ALLOWED_HOSTS/,
    );
    const ok = loadCodecServerSettings({
      ...base,
      NODE_ENV: 'production',
      CODEC_BEARER_TOKEN: token,
      CODEC_HOST: '0.0.0.0',
      CODEC_ALLOWED_HOSTS: 'codec.internal, codec.internal:8443',
    });
    assert.deepEqual(ok.allowedHosts, ['codec.internal', 'codec.internal:8443']);
    assert.equal(ok.bearerToken, token);
    assert.equal(ok.allowEncode, false);
  });

  void it('development: token optional, encode only when asked, default hosts loopback + CODEC_HOST', () => {
    const dev = loadCodecServerSettings({ ...base, CODEC_HOST: '10.0.0.5' });
    assert.equal(dev.bearerToken, undefined);
    assert.equal(dev.allowEncode, false);
    assert.deepEqual(dev.allowedHosts, ['localhost', '127.0.0.1', '[::1]', '10.0.0.5']);
    assert.equal(loadCodecServerSettings({ ...base, CODEC_ALLOW_ENCODE: 'true' }).allowEncode, true);
  });

  void it('the codec server process exits at start-up in production without a token', async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', join(__dirname, '../../codec/main.ts')],
        {
          env: {
            ...process.env,
            NODE_ENV: 'production',
            CODEC_ALLOWED_ORIGINS: UI,
            CODEC_BEARER_TOKEN: '',
            CODEC_PORT: '0',
          },
        },
        (err, _stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
      );
    });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /CODEC_BEARER_TOKEN is required in production/);
  });
});
