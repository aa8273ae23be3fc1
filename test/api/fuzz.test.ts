// Property-based fuzzing (fast-check): > 10,000 generated malformed requests — bodies, headers, ids,
// content types, sizes — through the real app (handlers, middleware, schemas) on loopback. The Temporal
// client is a stand-in that knows no workflows (malformed requests must never need one; a request that
// reached `start` would be a 500 and fail the run). Zero 5xx; every 4xx a problem+json naming the issue.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { createApp, type ApiDeps } from '../../api/app';
import { hashApiKey } from '../../api/auth';
import { encodeCheckId } from '../../api/check-id';
import { createLogger } from '../../observability/logger';
import { REGISTRATIONS } from '../../providers/registry';
import { listenOnLoopback, type TestServer } from '../helpers/http-server';
import { clientWithNoWorkflows } from '../helpers/no-workflows-client';

const KEY = 'fuzz-key';
const AUTH = { authorization: `Bearer ${KEY}` };
const ENV = {
  MX_BASE_URL: 'http://127.0.0.1:9',
  MX_CLIENT_ID: 'c',
  MX_API_KEY: 'k',
  // Secrets long enough that no generated header can equal them by chance (a 1-char secret was guessed once).
  MX_WEBHOOK_USERNAME: 'fuzz-mx-webhook-user',
  MX_WEBHOOK_PASSWORD: 'fuzz-mx-webhook-password-0123456789',
  MELD_BASE_URL: 'http://127.0.0.1:9',
  MELD_API_KEY: 'k',
  MELD_WEBHOOK_SECRET: 'fuzz-meld-webhook-secret-0123456789',
  MELD_WEBHOOK_URL: 'http://127.0.0.1/webhooks/meld',
  SPINWHEEL_BASE_URL: 'http://127.0.0.1:9',
  SPINWHEEL_SECRET_KEY: 'k',
  SPINWHEEL_WEBHOOK_SECRET: 'fuzz-spinwheel-webhook-secret-0123456789',
};

interface Sent {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

// Generators --------------------------------------------------------------------------------------
const ascii = fc.string({ unit: 'grapheme-ascii', maxLength: 60 });
const badProviderId = fc
  .oneof(fc.string({ maxLength: 200 }), fc.integer(), fc.constant(null))
  .filter((s) => !(typeof s === 'string' && /^[A-Za-z0-9._@-]{1,128}$/.test(s)));
const validStart = { provider: 'mx', resource: { userId: 'USR-1', memberId: 'MBR-1' } };
/** A start body that is certainly invalid: one targeted mutation of a valid one, or any other JSON. */
const invalidStartBody: fc.Arbitrary<unknown> = fc.oneof(
  fc
    .record({
      k: ascii.filter(
        (k) =>
          ![
            'provider',
            'resource',
            'accountIds',
            'fundingAccountId',
            'requiredAmount',
            'maxAgeSeconds',
            'timeouts',
            '__proto__',
          ].includes(k),
      ),
      v: fc.jsonValue(),
    })
    .map(({ k, v }) => ({ ...validStart, [k]: v })),
  ascii
    .filter((p) => !['mx', 'meld', 'spinwheel'].includes(p))
    .map((provider) => ({ ...validStart, provider })),
  badProviderId.map((userId) => ({ ...validStart, resource: { userId, memberId: 'MBR-1' } })),
  fc.constantFrom('mx', 'meld').map((provider) => ({ provider, resource: { userId: 'U' } })),
  fc
    .record({
      amount: fc.oneof(fc.double(), fc.integer({ max: -1 }), ascii),
      currency: fc.oneof(ascii, fc.constant('XXX')),
    })
    .map((requiredAmount) => ({ ...validStart, fundingAccountId: 'A', requiredAmount })),
  fc
    .oneof(
      fc.integer({ min: 86_401 }),
      fc.integer({ max: -1 }),
      fc.double({ min: 0.1, max: 10, noInteger: true }),
      ascii,
    )
    .map((maxAgeSeconds) => ({ ...validStart, maxAgeSeconds })),
  fc.jsonValue().filter((v) => v === null || typeof v !== 'object' || Array.isArray(v) || !('provider' in v)),
  fc.dictionary(ascii, fc.jsonValue(), { maxKeys: 8 }),
);
const contentType = fc.constantFrom(
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/json; charset=utf-16',
  'application/merge-patch+json',
  'multipart/form-data; boundary=x',
  'application/xml',
  '',
);
const someId = fc.oneof(
  ascii.filter((s) => s.length > 0),
  fc.string({ maxLength: 500 }).map((s) => `chk_${Buffer.from(s).toString('base64url')}`),
  fc
    .tuple(ascii, fc.uuid(), ascii)
    .map(([wf, run, caller]) =>
      encodeCheckId({ workflowId: `balance-check:${wf}`, runId: run, callerId: caller }),
    ),
  fc.uint8Array({ maxLength: 300 }).map((b) => `chk_${Buffer.from(b).toString('base64url')}`),
);
const checkPath = someId.map((id) => `/v1/balance-checks/${encodeURIComponent(id)}`);
const json = (v: unknown) => JSON.stringify(v) ?? 'null';

const categories: { name: string; numRuns: number; arb: fc.Arbitrary<Sent> }[] = [
  {
    name: 'start bodies',
    numRuns: 3000,
    arb: fc.tuple(invalidStartBody, fc.option(ascii), fc.option(ascii)).map(([body, idem, prefer]) => ({
      method: 'POST',
      path: '/v1/balance-checks',
      headers: {
        ...AUTH,
        'content-type': 'application/json',
        ...(idem ? { 'idempotency-key': idem } : {}),
        ...(prefer ? { prefer } : {}),
      },
      body: json(body),
    })),
  },
  {
    name: 'raw bodies, content types and encodings',
    numRuns: 2000,
    arb: fc
      .tuple(
        fc.oneof(fc.string({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 })),
        contentType,
        fc.constantFrom(undefined, 'gzip', 'deflate', 'br', 'identity', 'x-unknown'),
      )
      .map(([body, type, encoding]) => ({
        method: 'POST',
        path: '/v1/balance-checks',
        headers: {
          ...AUTH,
          ...(type ? { 'content-type': type } : {}),
          ...(encoding ? { 'content-encoding': encoding } : {}),
        },
        body: typeof body === 'string' ? body : body,
      })),
  },
  {
    name: 'credentials',
    numRuns: 1500,
    arb: fc
      .tuple(
        fc.oneof(
          ascii,
          ascii.map((s) => `Bearer ${s}`),
          ascii.map((s) => `Basic ${s}`),
          fc.constant('Bearer'),
        ),
        fc.constantFrom('GET', 'POST', 'DELETE'),
        checkPath,
      )
      .filter(([a]) => a.trim() !== `Bearer ${KEY}`)
      .map(([authorization, method, path]) => ({
        method,
        path: method === 'POST' ? '/v1/balance-checks' : path,
        headers: { authorization, 'content-type': 'application/json' },
        body: method === 'POST' ? json(validStart) : undefined,
      })),
  },
  {
    name: 'check ids',
    numRuns: 2000,
    arb: fc.tuple(checkPath, fc.constantFrom('GET', 'DELETE', 'mfa', 'events')).map(([path, op]) => ({
      method: op === 'GET' || op === 'DELETE' ? op : 'POST',
      path: op === 'mfa' ? `${path}/mfa` : op === 'events' ? `${path}/events` : path,
      headers: { ...AUTH, 'content-type': 'application/json' },
      body:
        op === 'mfa'
          ? json({ answers: [{ challengeId: 'c', value: 'v' }] })
          : op === 'events'
            ? json({ eventId: 'e', provider: 'mx', kind: 'REFRESH_COMPLETED' })
            : undefined,
    })),
  },
  {
    name: 'mfa and event bodies',
    numRuns: 1500,
    arb: fc
      .tuple(
        fc.constantFrom('mfa', 'events'),
        fc.oneof(
          fc.jsonValue(),
          fc.record({
            answers: fc.array(
              fc.record({
                challengeId: fc.oneof(ascii, fc.integer()),
                value: fc.oneof(fc.constant(''), fc.integer()),
              }),
              { maxLength: 3 },
            ),
          }),
          fc.record(
            { eventId: fc.oneof(fc.constant(''), fc.integer()), provider: ascii, kind: ascii },
            { requiredKeys: [] },
          ),
        ),
      )
      .map(([op, body]) => ({
        method: 'POST',
        path: `/v1/balance-checks/${encodeCheckId({ workflowId: 'balance-check:fuzz:mx:U:M', runId: '00000000-0000-4000-8000-000000000000', callerId: 'first' })}/${op}`,
        headers: { ...AUTH, 'content-type': 'application/json' },
        body: json(body),
      })),
  },
  {
    name: 'webhooks',
    numRuns: 1500,
    arb: fc
      .tuple(
        fc.oneof(
          fc.constantFrom('mx', 'meld', 'spinwheel'),
          ascii.filter((s) => s.length > 0),
        ),
        fc.oneof(fc.string({ maxLength: 300 }), fc.jsonValue().map(json)),
        fc.dictionary(
          fc.constantFrom(
            'authorization',
            'meld-signature',
            'meld-signature-timestamp',
            'x-spinwheel-webhook-secret',
            'content-type',
          ),
          ascii,
        ),
      )
      .map(([provider, body, headers]) => ({
        method: 'POST',
        path: `/webhooks/${encodeURIComponent(provider)}`,
        headers,
        body,
      })),
  },
  {
    name: 'sizes',
    numRuns: 200,
    arb: fc
      .tuple(
        fc.constantFrom('/v1/balance-checks', '/webhooks/mx', '/webhooks/meld'),
        fc.integer({ min: 70_000, max: 300_000 }),
      )
      .map(([path, size]) => ({
        method: 'POST',
        path,
        headers: { ...AUTH, 'content-type': 'application/json' },
        body: json({ ...validStart, pad: 'x'.repeat(size) }),
      })),
  },
];

describe('fuzz: malformed requests across the API', () => {
  let server: TestServer;
  let base = '';
  before(async () => {
    const webhookProviders: ApiDeps['webhookProviders'] = {};
    for (const registration of Object.values(REGISTRATIONS))
      webhookProviders[registration.name] = { registration, config: registration.configFromEnv(ENV) };
    const app = createApp({
      client: clientWithNoWorkflows(),
      webhookProviders,
      apiKeys: [
        { name: 'fuzz', owner: 'fuzz', sha256: hashApiKey(KEY), scopes: ['read', 'write', 'events'] },
      ],
      ratePerMinute: 100_000_000,
      logger: createLogger({ name: 'api', level: 'silent' }),
    });
    server = await listenOnLoopback(app);
    base = server.url;
  });
  after(() => server?.close());

  it('≥ 10,000 generated malformed requests: zero 5xx, every 4xx a problem naming the issue', async () => {
    let sent = 0;
    const statuses = new Map<number, number>();
    async function check(req: Sent) {
      const res = await fetch(base + req.path, { method: req.method, headers: req.headers, body: req.body });
      const text = await res.text();
      sent++;
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const where = `${req.method} ${req.path.slice(0, 120)} → ${res.status} ${text.slice(0, 300)}`;
      assert.ok(res.status < 500, where);
      assert.ok(res.status >= 400, where); // every generated request is malformed
      assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/, where);
      const problem = JSON.parse(text) as {
        type: string;
        title: string;
        status: number;
        detail?: string;
        errors?: { path: string; message: string }[];
      };
      assert.match(problem.type, /^https:\/\/balance-check\.dev\/problems\/[a-z-]+$/, where);
      assert.ok(problem.title.length > 0 && problem.status === res.status, where);
      if (problem.type.endsWith('/validation')) {
        assert.ok(
          problem.errors!.length > 0 &&
            problem.errors!.every((e) => e.path.length > 0 && e.message.length > 0),
          where,
        );
      }
      if ([400, 401, 415, 422].includes(res.status))
        assert.ok(problem.detail || problem.errors?.length, where);
      assert.ok(res.headers.get('x-request-id'), where);
    }
    const t0 = Date.now();
    // Categories run side by side: bounded concurrency (one request in flight per category).
    await Promise.all(
      categories.map(({ arb, numRuns }) =>
        fc.assert(fc.asyncProperty(arb, check), { numRuns, endOnFailure: true }),
      ),
    );
    const total = categories.reduce((n, c) => n + c.numRuns, 0);
    console.log(
      `fuzz: ${sent} requests in ${Date.now() - t0} ms, 0 5xx; statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    assert.ok(total >= 10_000 && sent >= total);
  });
});
