import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Server } from 'node:http';
import express from 'express';
import { AesGcmPayloadCodec } from '../../codec/aes-gcm-codec';
import { createCodecRouter } from '../../codec/codec-server';

const UI = 'http://localhost:8233';
const b64 = (s: string) => Buffer.from(s).toString('base64');
const plainPayload = {
  metadata: { encoding: b64('json/plain') },
  data: b64(JSON.stringify({ iban: 'DE89370400440532013000' })),
};

async function listen(token?: string): Promise<{ url: string; server: Server }> {
  const codec = new AesGcmPayloadCodec({ encryptWith: 'k1', keys: { k1: randomBytes(32) } });
  const app = express();
  app.use(createCodecRouter({ codec, bearerToken: token, allowedOrigins: [UI] }));
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
    const preflight = await fetch(`${url}/codec/encode`, { method: 'OPTIONS', headers: { origin: UI } });
    assert.equal(preflight.status, 204);
  });
});
