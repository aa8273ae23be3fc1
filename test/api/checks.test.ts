// /v1/balance-checks against the running stack (dev server, worker, MX simulator): every endpoint and
// status code, idempotency, join, maxAge reuse, long-poll, cancel, MFA, relay events, auth, rate limit.
// Every response is then validated against the generated OpenAPI document.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodeCheckId } from '../../api/check-id';
import { buildOpenApiDocument } from '../../api/openapi';
import { startTestStack, TEST_API_KEYS, type TestStack } from '../helpers/stack';
import { waitFor } from '../helpers/wait';
import { createContractRecorder } from './contract-recorder';
import type { balanceCheck } from '../../workflows';

const USER = 'USR-sandbox';
const mx = (memberId: string, extra: Record<string, unknown> = {}) => ({
  provider: 'mx',
  resource: { userId: USER, memberId },
  ...extra,
});
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('balance-checks API (running stack)', () => {
  let stack: TestStack;
  const contract = createContractRecorder(buildOpenApiDocument() as never);

  /** stack.api, recorded for the contract check. */
  async function api(method: string, path: string, body?: unknown, headers?: Record<string, string>) {
    const res = await stack.api(method, path, body, headers);
    contract.record(method, path, res.status, res.headers, res.body);
    return res;
  }
  /** A request with an exact body and headers (no JSON encoding, no default key unless given). */
  async function raw(
    method: string,
    path: string,
    body: string | undefined,
    headers: Record<string, string>,
  ) {
    const res = await fetch(stack.apiUrl + path, { method, body, headers });
    const text = await res.text();
    const parsed = text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
    contract.record(method, path, res.status, res.headers, parsed);
    return { status: res.status, headers: res.headers, body: parsed };
  }
  const view = async (id: string) => (await api('GET', `/v1/balance-checks/${id}`)).body;
  const untilPhase = async (id: string, phase: string) => {
    let v: any;
    await waitFor(async () => (v = await view(id)).phase === phase, 30_000);
    return v;
  };

  before(async () => {
    stack = await startTestStack({ providers: ['mx'], updateDeadlineMs: 3_000 });
  });
  after(async () => {
    await stack?.stop();
  });

  it('POST validates with zod: unknown fields and missing fields → 422 naming the paths', async () => {
    const res = await api('POST', '/v1/balance-checks', {
      provider: 'mx',
      resource: { userId: USER },
      colour: 'blue',
    });
    assert.equal(res.status, 422);
    assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    assert.equal(res.body.type, 'https://balance-check.dev/problems/validation');
    const paths = res.body.errors.map((e: { path: string }) => e.path);
    assert.ok(paths.includes('body'), JSON.stringify(res.body)); // unrecognized key "colour" is reported at the object
    assert.match(res.body.detail, /colour/);
    const missing = await api(
      'POST',
      '/v1/balance-checks',
      mx('MBR-connected', { requiredAmount: { amount: 1.5, currency: 'usd' } }),
    );
    assert.equal(missing.status, 422);
    const missingPaths = missing.body.errors.map((e: { path: string }) => e.path);
    assert.ok(
      missingPaths.includes('body.requiredAmount.amount') &&
        missingPaths.includes('body.requiredAmount.currency'),
      JSON.stringify(missing.body),
    );
  });

  it('malformed JSON → 400, non-JSON content type → 415, oversize body → 413', async () => {
    const auth = bearer(TEST_API_KEYS.full);
    const bad = await raw('POST', '/v1/balance-checks', '{"provider":', {
      ...auth,
      'content-type': 'application/json',
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.type, 'https://balance-check.dev/problems/malformed-json');
    const text = await raw('POST', '/v1/balance-checks', 'provider=mx', {
      ...auth,
      'content-type': 'text/plain',
    });
    assert.equal(text.status, 415);
    const big = await raw('POST', '/v1/balance-checks', JSON.stringify({ pad: 'x'.repeat(40_000) }), {
      ...auth,
      'content-type': 'application/json',
    });
    assert.equal(big.status, 413);
    assert.equal(big.body.type, 'https://balance-check.dev/problems/too-large');
  });

  it('401 without or with an unknown key (WWW-Authenticate), 403 without the scope', async () => {
    const none = await raw('GET', '/v1/balance-checks/chk_x', undefined, {});
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);
    const wrong = await api('GET', '/v1/balance-checks/chk_x', undefined, bearer('not-a-key'));
    assert.equal(wrong.status, 401);
    const readOnly = await api(
      'POST',
      '/v1/balance-checks',
      mx('MBR-connected'),
      bearer(TEST_API_KEYS.readOnly),
    );
    assert.equal(readOnly.status, 403);
    assert.match(readOnly.body.detail, /write/);
    const relay = await api('GET', '/v1/balance-checks/chk_x', undefined, bearer(TEST_API_KEYS.relay));
    assert.equal(relay.status, 403);
  });

  it('per-key rate limit: 429 with Retry-After', async () => {
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof api>> | undefined;
    for (let i = 0; i < 4; i++) {
      last = await api('GET', '/v1/balance-checks/chk_unknown', undefined, bearer(TEST_API_KEYS.limited));
      statuses.push(last.status);
    }
    assert.deepEqual(statuses, [404, 404, 404, 429]);
    assert.ok(Number(last!.headers.get('retry-after')) >= 1);
    assert.equal(last!.body.type, 'https://balance-check.dev/problems/rate-limited');
    // Other keys are not affected.
    assert.equal((await api('GET', '/v1/balance-checks/chk_unknown')).status, 404);
  });

  let connectedId = '';
  it('Prefer: wait=N long-polls: 200 with the result', async () => {
    const res = await api('POST', '/v1/balance-checks', mx('MBR-connected'), { prefer: 'wait=25' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.headers.get('preference-applied'), 'wait=25');
    assert.equal(res.headers.get('location'), `/v1/balance-checks/${res.body.id}`);
    assert.equal(res.body.result.status, 'COMPLETED');
    connectedId = res.body.id;
    const read = await api(
      'GET',
      `/v1/balance-checks/${connectedId}`,
      undefined,
      bearer(TEST_API_KEYS.readOnly),
    );
    assert.equal(read.status, 200);
    assert.equal(read.body.phase, 'DONE');
  });

  /** maxAgeSeconds 300 on the connected member answers with its first check: 200, reused, no provider call. */
  async function expectConnectedReused() {
    const calls = stack.simulators.mx!.callLog().length;
    const res = await api('POST', '/v1/balance-checks', mx('MBR-connected', { maxAgeSeconds: 300 }));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.headers.get('x-balance-check-reused'), 'true');
    assert.equal(res.body.id, connectedId);
    assert.equal(res.body.result.status, 'COMPLETED');
    assert.equal(stack.simulators.mx!.callLog().length, calls, 'no request reached the provider');
  }

  it('maxAgeSeconds reuses the latest completed check: 200, X-Balance-Check-Reused, no provider call', async () => {
    const sim = stack.simulators.mx!;
    const starts = sim.refreshStarts(`${USER}:MBR-connected`);
    await expectConnectedReused();
    assert.equal(sim.refreshStarts(`${USER}:MBR-connected`), starts);
    // Another question (a funding amount) is not answered by the old result: a new check starts.
    const other = await api(
      'POST',
      '/v1/balance-checks',
      mx('MBR-connected', {
        maxAgeSeconds: 300,
        fundingAccountId: 'ACT-connected-checking',
        requiredAmount: { amount: 1000, currency: 'USD' },
      }),
      { prefer: 'wait=25' },
    );
    assert.equal(other.status, 200);
    assert.equal(other.headers.get('x-balance-check-reused'), null);
    assert.notEqual(other.body.id, connectedId);
    assert.equal(sim.refreshStarts(`${USER}:MBR-connected`), starts + 1);
  });

  it('maxAgeSeconds after a throttled refresh: the earlier completed answer, not a second 429 at the provider', async () => {
    const sim = stack.simulators.mx!;
    sim.injectFault('check_balance', { status: 429, times: 1 });
    const refused = await api('POST', '/v1/balance-checks', mx('MBR-connected'), { prefer: 'wait=25' });
    assert.equal(refused.status, 200, JSON.stringify(refused.body));
    assert.deepEqual(
      [refused.body.result.status, refused.body.result.reason?.code],
      ['NOT_SUPPORTED', 'REFRESH_THROTTLED'],
    );
    // The latest run is the throttled one; the run before it (another question, COMPLETED) is passed
    // over; the one before that answered this question and is still within maxAge.
    await expectConnectedReused();
    // Too old for the caller: a new refresh, not the earlier answer.
    const young = await api('POST', '/v1/balance-checks', mx('MBR-connected', { maxAgeSeconds: 0 }), {
      prefer: 'wait=25',
    });
    assert.equal(young.headers.get('x-balance-check-reused'), null);
    assert.notEqual(young.body.id, connectedId);
    assert.equal(young.body.result.status, 'COMPLETED');
  });

  it('Idempotency-Key: same key + same body → same check (replayed); different body → 422; bad key → 422', async () => {
    const key = { 'idempotency-key': `idem-${Date.now()}` };
    const first = await api('POST', '/v1/balance-checks', mx('MBR-no-webhook'), key);
    assert.equal(first.status, 202, JSON.stringify(first.body));
    assert.equal(first.body.status, 'RUNNING');
    // Same body with keys in another order: still the same request.
    const again = await api(
      'POST',
      '/v1/balance-checks',
      { resource: { memberId: 'MBR-no-webhook', userId: USER }, provider: 'mx' },
      key,
    );
    assert.ok([200, 202].includes(again.status));
    assert.equal(again.body.id, first.body.id);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    const conflict = await api('POST', '/v1/balance-checks', mx('MBR-denied'), key);
    assert.equal(conflict.status, 422);
    assert.equal(conflict.body.type, 'https://balance-check.dev/problems/idempotency-key-reused');
    const badKey = await api('POST', '/v1/balance-checks', mx('MBR-no-webhook'), {
      'idempotency-key': 'has spaces',
    });
    assert.equal(badKey.status, 422);
    assert.equal(badKey.body.errors[0].path, 'header.idempotency-key');
    await untilPhase(first.body.id, 'DONE');
    const replayDone = await api('POST', '/v1/balance-checks', mx('MBR-no-webhook'), key);
    assert.equal(replayDone.status, 200);
    assert.equal(replayDone.body.id, first.body.id);
    assert.equal(replayDone.body.result.status, 'COMPLETED');
  });

  it('concurrent requests for one resource join the check in flight (one provider refresh)', async () => {
    const sim = stack.simulators.mx!;
    const before = sim.refreshStarts(`${USER}:MBR-slow`);
    const [a, b, c] = await Promise.all(
      [1, 2, 3].map(() => api('POST', '/v1/balance-checks', mx('MBR-slow'))),
    );
    assert.deepEqual([a!.status, b!.status, c!.status], [202, 202, 202]);
    // One refresh (one workflow run), three callers (three check ids).
    assert.equal(new Set([a, b, c].map((r) => r!.body.runId)).size, 1);
    assert.equal(new Set([a, b, c].map((r) => r!.body.id)).size, 3);
    await waitFor(() => sim.refreshStarts(`${USER}:MBR-slow`) > before);
    // Cancel: 202 for each caller; the last one leaving cancels the refresh; a second DELETE is a 409.
    for (const other of [b, c])
      assert.equal((await api('DELETE', `/v1/balance-checks/${other!.body.id}`)).status, 202);
    const del = await api('DELETE', `/v1/balance-checks/${a!.body.id}`);
    assert.equal(del.status, 202, JSON.stringify(del.body));
    assert.equal(del.body.status, 'CANCELING');
    const done = await untilPhase(a!.body.id, 'DONE');
    assert.equal(done.status, 'CANCELED');
    assert.equal(sim.refreshStarts(`${USER}:MBR-slow`), before + 1);
    const again = await api('DELETE', `/v1/balance-checks/${a!.body.id}`);
    assert.equal(again.status, 409);
    assert.equal(again.body.type, 'https://balance-check.dev/problems/check-finished');
  });

  it('unknown or garbage ids → 404 problem (GET, DELETE, mfa, events)', async () => {
    const ghost = encodeCheckId({
      workflowId: 'balance-check:test:mx:USR-sandbox:MBR-ghost',
      runId: '00000000-0000-4000-8000-000000000000',
      callerId: 'first',
    });
    for (const id of ['garbage', 'chk_', 'chk_!!!', ghost]) {
      const res = await api('GET', `/v1/balance-checks/${encodeURIComponent(id)}`);
      assert.equal(res.status, 404, `${id}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.type, 'https://balance-check.dev/problems/not-found');
    }
    assert.equal((await api('DELETE', `/v1/balance-checks/${ghost}`)).status, 404);
    for (const id of ['garbage', ghost]) {
      const mfa = await api('POST', `/v1/balance-checks/${id}/mfa`, {
        answers: [{ challengeId: 'a', value: 'b' }],
      });
      assert.equal(mfa.status, 404, `${id}: ${JSON.stringify(mfa.body)}`);
      assert.equal(mfa.body.type, 'https://balance-check.dev/problems/not-found');
    }
    assert.equal(
      (
        await api('POST', `/v1/balance-checks/${ghost}/events`, {
          eventId: 'e',
          provider: 'mx',
          kind: 'REFRESH_COMPLETED',
          occurredAt: new Date().toISOString(),
        })
      ).status,
      404,
    );
    const route = await api('GET', '/v1/nothing-here');
    assert.equal(route.status, 404);
  });

  it('MFA: 422 with the validator reason, 200 accepted, then 409; 409 on a finished check', async () => {
    const start = await api('POST', '/v1/balance-checks', mx('MBR-challenge'));
    assert.equal(start.status, 202);
    const id = start.body.id;
    const waiting = await untilPhase(id, 'WAITING_FOR_MFA');
    assert.equal(waiting.challenges.length, 1);
    const challengeId = waiting.challenges[0].id;
    const schema = await api('POST', `/v1/balance-checks/${id}/mfa`, { answers: [] });
    assert.equal(schema.status, 422);
    assert.equal(schema.body.errors[0].path, 'body.answers');
    const unknown = await api('POST', `/v1/balance-checks/${id}/mfa`, {
      answers: [{ challengeId: 'CRD-nope', value: 'correct' }],
    });
    assert.equal(unknown.status, 422);
    assert.equal(unknown.body.type, 'https://balance-check.dev/problems/invalid-mfa-answer');
    assert.match(unknown.body.detail, /Unknown challenge id: CRD-nope/);
    const ok = await api('POST', `/v1/balance-checks/${id}/mfa`, {
      answers: [{ challengeId, value: 'correct' }],
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual(ok.body, { accepted: true, round: 1 });
    const late = await api('POST', `/v1/balance-checks/${id}/mfa`, {
      answers: [{ challengeId, value: 'correct' }],
    });
    assert.equal(late.status, 409, JSON.stringify(late.body));
    assert.equal(late.body.type, 'https://balance-check.dev/problems/not-awaiting-mfa');
    const done = await untilPhase(id, 'DONE');
    assert.equal(done.result.status, 'COMPLETED');
    const finished = await api('POST', `/v1/balance-checks/${connectedId}/mfa`, {
      answers: [{ challengeId, value: 'x' }],
    });
    assert.equal(finished.status, 409);
  });

  it('events from a relay: 202 signaled, duplicate dropped, 403/422/409 as due', async () => {
    const start = await api('POST', '/v1/balance-checks', mx('MBR-failed'));
    const id = start.body.id;
    const event = {
      eventId: `relay-${Date.now()}`,
      provider: 'mx',
      kind: 'STATUS_CHANGED',
      providerStatus: 'FAILED',
      occurredAt: new Date().toISOString(),
    };
    const relay = bearer(TEST_API_KEYS.relay);
    const sent = await api('POST', `/v1/balance-checks/${id}/events`, event, relay);
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    assert.equal(sent.body.status, 'signaled');
    const dup = await api('POST', `/v1/balance-checks/${id}/events`, event, relay);
    assert.deepEqual(dup.body, { status: 'duplicate' });
    // Signals sent during a workflow task are written after it: count them once the check is done.
    const signalCount = async () =>
      (
        await stack.env.client.workflow
          .getHandle<typeof balanceCheck>(start.body.workflowId, start.body.runId)
          .fetchHistory()
      ).events!.filter((e) => e.workflowExecutionSignaledEventAttributes).length;
    assert.equal(
      (await api('POST', `/v1/balance-checks/${id}/events`, event, bearer(TEST_API_KEYS.readOnly))).status,
      403,
    );
    const mismatch = await api(
      'POST',
      `/v1/balance-checks/${id}/events`,
      { ...event, eventId: 'other', provider: 'meld' },
      relay,
    );
    assert.equal(mismatch.status, 422);
    assert.equal(mismatch.body.errors[0].path, 'body.provider');
    const invalid = await api(
      'POST',
      `/v1/balance-checks/${id}/events`,
      { eventId: '', kind: 'WHATEVER' },
      relay,
    );
    assert.equal(invalid.status, 422);
    assert.ok(invalid.body.errors.length >= 3, JSON.stringify(invalid.body));
    const finished = await api(
      'POST',
      `/v1/balance-checks/${connectedId}/events`,
      { ...event, eventId: 'late' },
      relay,
    );
    assert.equal(finished.status, 409);
    await untilPhase(id, 'DONE');
    await waitFor(
      async () =>
        (await stack.env.client.workflow.getHandle<typeof balanceCheck>(start.body.workflowId).describe())
          .status.name !== 'RUNNING',
    );
    assert.equal(await signalCount(), 1, 'one signal for two deliveries');
  });

  it('a check with no worker: GET and MFA answer 503 within their deadlines, not hang', async () => {
    const workflowId = 'balance-check:test:mx:USR-sandbox:MBR-orphan';
    const handle = await stack.env.client.workflow.start<typeof balanceCheck>('balanceCheck', {
      taskQueue: 'no-worker-polls-this',
      workflowId,
      args: [{ provider: 'mx', resource: { userId: USER, memberId: 'MBR-orphan' } }],
    });
    try {
      const id = encodeCheckId({ workflowId, runId: handle.firstExecutionRunId, callerId: 'first' });
      const t0 = Date.now();
      const mfa = await api('POST', `/v1/balance-checks/${id}/mfa`, {
        answers: [{ challengeId: 'a', value: 'b' }],
      });
      assert.equal(mfa.status, 503, JSON.stringify(mfa.body));
      assert.equal(mfa.body.type, 'https://balance-check.dev/problems/worker-unavailable');
      assert.ok(Date.now() - t0 < 10_000);
      const get = await api('GET', `/v1/balance-checks/${id}`);
      assert.equal(get.status, 503);
    } finally {
      await handle.terminate('test cleanup');
    }
  });

  it('health, readiness, metrics, OpenAPI and docs; request ids and secure headers everywhere', async () => {
    const health = await api('GET', '/healthz');
    assert.deepEqual(health.body, { status: 'ok' });
    const ready = await api('GET', '/readyz');
    assert.equal(ready.status, 200);
    const metrics = await fetch(`${stack.apiUrl}/metrics`).then((r) => r.text());
    assert.match(metrics, /balance_checks_started_total\{provider="mx"\} \d+/);
    assert.match(
      metrics,
      /http_requests_total\{route="\/v1\/balance-checks\/:id",method="GET",status="404"\}/,
    );
    assert.match(
      metrics,
      /http_requests_total\{route="\/v1\/balance-checks\/:id\/mfa",method="POST",status="409"\}/,
    );
    assert.match(metrics, /http_requests_total\{route="unmatched",method="GET",status="401"\}/);
    const doc = await api('GET', '/openapi.json');
    assert.equal(doc.body.openapi, '3.1.0');
    // One variant per provider (its resource shape), each with the shared fields.
    const variants = doc.body.components.schemas.StartCheckRequest.oneOf;
    assert.deepEqual(
      variants.map((v: any) => v.properties.provider.const),
      ['mx', 'meld', 'spinwheel'],
    );
    for (const v of variants) assert.ok(v.properties.maxAgeSeconds, JSON.stringify(v));
    const page = await fetch(`${stack.apiUrl}/docs`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /swagger-ui-bundle\.js/);
    assert.doesNotMatch(html, /https?:\/\//, 'no CDN');
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    const bundle = await fetch(`${stack.apiUrl}/docs/swagger-ui-bundle.js`);
    assert.equal(bundle.status, 200);
    await bundle.arrayBuffer();
    const mine = await api('GET', '/healthz', undefined, { 'x-request-id': 'req-abc.123' });
    assert.equal(mine.headers.get('x-request-id'), 'req-abc.123');
    const generated = await api('GET', '/v1/balance-checks/x');
    assert.match(generated.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(generated.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(generated.headers.get('x-powered-by'), null);
  });

  it('every response above matches the generated OpenAPI document (ajv 2020)', () => {
    assert.ok(contract.count() > 50, `only ${contract.count()} responses recorded`);
    assert.deepEqual(contract.violations(), []);
  });
});
