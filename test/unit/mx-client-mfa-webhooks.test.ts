// MFA flows and webhook delivery, client against the in-process simulator with a local webhook sink.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import express from 'express';
import { MxClient } from '../../providers/mx/client';
import { MX_SANDBOX_CHALLENGES, MX_SANDBOX_USER } from '../../providers/mx/sandbox';
import { startMxSimulator, type RunningMxSimulator } from '../../providers/mx/simulator';
import { MX_RETRY_GAPS_MS } from '../../providers/mx/simulator/webhooks';
import { translateMxWebhook, verifyMxWebhookAuth } from '../../providers/mx/webhook';
import { memberStatusWaiters, rejects, waitForValue } from '../helpers/mx-simulator';
import { listenOnLoopback, type TestServer } from '../helpers/http-server';

const AUTH = { clientId: 'client-1', apiKey: 'key-1' };
const HOOK_AUTH = { username: 'hook', password: 'hook-pass' };
const U = MX_SANDBOX_USER;

let sim: RunningMxSimulator;
let sink: { server: TestServer; url: string; received: { auth?: string; body: unknown }[] };
let client: MxClient;

async function startSink() {
  const received: { auth?: string; body: unknown }[] = [];
  const app = express();
  app.use(express.json());
  app.post('/webhooks/mx', (req, res) => {
    received.push({ auth: req.get('authorization'), body: req.body });
    res.status(204).end();
  });
  const server = await listenOnLoopback(app);
  return { server, url: `${server.url}/webhooks/mx`, received };
}

const { until, settled } = memberStatusWaiters(() => client);

before(async () => {
  sink = await startSink();
  sim = await startMxSimulator({
    ...AUTH,
    webhookAuth: HOOK_AUTH,
    webhookTarget: { url: sink.url },
    timeScale: 0.05,
    throttle: { max: 1000, windowMs: 60_000 },
    log: () => undefined,
  });
  client = new MxClient({ baseUrl: sim.url, ...AUTH, timeoutMs: 2000 });
});
after(async () => {
  await sim.close();
  await sink.server.close();
});
beforeEach(() => {
  sim.reset();
  sink.received.length = 0;
});

void describe('MFA', () => {
  const challenged = (member: string) => until(member, (s) => s.connection_status === 'CHALLENGED');

  void test('MBR-challenge: challenges in the status body and from /challenges; `correct` → CONNECTED', async () => {
    assert.deepEqual(await client.listChallenges(U, 'MBR-challenge'), [], '204 when not challenged');
    await client.checkBalance(U, 'MBR-challenge');
    const s = await challenged('MBR-challenge');
    assert.equal(s.is_being_aggregated, true);
    assert.equal(s.challenges?.[0]?.guid, MX_SANDBOX_CHALLENGES.text.guid);
    const listed = await client.listChallenges(U, 'MBR-challenge');
    assert.deepEqual(
      listed.map((c) => [c.guid, c.type, c.label]),
      [[MX_SANDBOX_CHALLENGES.text.guid, 'TEXT', MX_SANDBOX_CHALLENGES.text.label]],
    );
    const resumed = await client.resume(U, 'MBR-challenge', [{ guid: listed[0]!.guid!, value: 'correct' }]);
    assert.deepEqual([resumed.connection_status, resumed.is_being_aggregated], ['RESUMED', true]);
    assert.equal((await settled('MBR-challenge')).connection_status, 'CONNECTED');
  });
  void test('MBR-challenge: a wrong answer → DENIED; resume when not challenged → 405; unknown guid → 400', async () => {
    await rejects(client.resume(U, 'MBR-challenge', [{ guid: 'CRD-x', value: 'x' }]), (f) => {
      assert.equal(f.type, 'ProviderRejectedError');
      assert.match(f.message, /405/);
    });
    await client.checkBalance(U, 'MBR-challenge');
    await challenged('MBR-challenge');
    await rejects(client.resume(U, 'MBR-challenge', [{ guid: 'CRD-unknown', value: 'correct' }]), (f) =>
      assert.match(f.message, /400/),
    );
    await client.resume(U, 'MBR-challenge', [{ guid: MX_SANDBOX_CHALLENGES.text.guid, value: 'Paris' }]);
    assert.equal((await settled('MBR-challenge')).connection_status, 'DENIED');
  });
  void test('MBR-challenge-twice: `challenge` asks a second question, then `correct` → CONNECTED', async () => {
    await client.checkBalance(U, 'MBR-challenge-twice');
    await challenged('MBR-challenge-twice');
    await client.resume(U, 'MBR-challenge-twice', [
      { guid: MX_SANDBOX_CHALLENGES.text.guid, value: 'challenge' },
    ]);
    const second = await until('MBR-challenge-twice', (s) => s.connection_status === 'CHALLENGED');
    assert.equal(second.challenges?.[0]?.guid, MX_SANDBOX_CHALLENGES.second.guid);
    await client.resume(U, 'MBR-challenge-twice', [
      { guid: MX_SANDBOX_CHALLENGES.second.guid, value: 'correct' },
    ]);
    assert.equal((await settled('MBR-challenge-twice')).connection_status, 'CONNECTED');
    assert.equal(sim.refreshStarts(`${U}:MBR-challenge-twice`), 1);
  });
  void test('MBR-options: the option valued `correct` → CONNECTED; the other → DENIED', async () => {
    for (const [value, expected] of [
      ['correct', 'CONNECTED'],
      ['wrong', 'DENIED'],
    ] as const) {
      sim.reset();
      await client.checkBalance(U, 'MBR-options');
      const s = await challenged('MBR-options');
      assert.equal(s.challenges?.[0]?.options?.length, 2);
      await client.resume(U, 'MBR-options', [{ guid: MX_SANDBOX_CHALLENGES.options.guid, value }]);
      assert.equal((await settled('MBR-options')).connection_status, expected);
    }
  });
});

void describe('webhooks', () => {
  const bodies = () => sink.received.map((r) => r.body as Record<string, unknown>);
  const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

  void test('BALANCE after a completed balance job, sent with HTTP Basic credentials', async () => {
    await client.checkBalance(U, 'MBR-connected');
    await waitForValue(
      () => sink.received.length,
      (n) => n === 1,
    );
    const [hook] = sink.received;
    assert.equal(verifyMxWebhookAuth(hook!.auth, HOOK_AUTH), true);
    const translated = translateMxWebhook(hook!.body);
    assert.ok('event' in translated);
    assert.equal(translated.event.kind, 'REFRESH_COMPLETED');
    assert.deepEqual(translated.resource, { userId: U, memberId: 'MBR-connected' });
    const s = await client.readStatus(U, 'MBR-connected');
    assert.equal(
      translated.event.occurredAt,
      new Date(Date.parse(s.successfully_aggregated_at!)).toISOString(),
    );
  });
  void test('CONNECTION_STATUS for CHALLENGED and DENIED; none for FAILED; none at all for MBR-no-webhook', async () => {
    await client.checkBalance(U, 'MBR-challenge');
    await waitForValue(
      () => bodies(),
      (b) => b.some((x) => x.connection_status === 'CHALLENGED'),
    );
    await client.resume(U, 'MBR-challenge', [{ guid: MX_SANDBOX_CHALLENGES.text.guid, value: 'nope' }]);
    await waitForValue(
      () => bodies(),
      (b) => b.some((x) => x.connection_status === 'DENIED' && x.connection_status_id === 2),
    );
    sink.received.length = 0;
    await client.checkBalance(U, 'MBR-failed');
    await client.checkBalance(U, 'MBR-no-webhook');
    await until('MBR-failed', (s) => s.connection_status === 'FAILED' && !s.is_being_aggregated);
    await settled('MBR-no-webhook');
    await settle();
    assert.deepEqual(sink.received, []);
  });
  void test('drop and duplicate plans', async () => {
    sim.setWebhookPlan({ mode: 'drop' });
    await client.checkBalance(U, 'MBR-connected');
    await settled('MBR-connected');
    await settle();
    assert.equal(sink.received.length, 0);
    sim.setWebhookPlan({ mode: 'duplicate' });
    await client.checkBalance(U, 'MBR-denied');
    await waitForValue(
      () => sink.received.length,
      (n) => n === 2,
    );
    assert.deepEqual(sink.received[0]!.body, sink.received[1]!.body);
  });
  void test("an unreachable receiver never breaks the simulator; MX's pattern: 12 retries over ~24 h (× time scale)", async () => {
    const logs: string[] = [];
    // 24 h × 0.00002 ≈ 1.7 s of retries.
    const scale = 0.00002;
    const lonely = await startMxSimulator({
      ...AUTH,
      timeScale: scale,
      webhookTarget: { url: 'http://127.0.0.1:9/nowhere' },
      log: (m) => logs.push(m),
    });
    try {
      const c = new MxClient({ baseUrl: lonely.url, ...AUTH });
      const sentAt = Date.now();
      await c.checkBalance(U, 'MBR-connected');
      await waitForValue(
        () => logs.length,
        (n) => n === 1,
        10_000,
      );
      assert.match(logs[0]!, /failed after 13 attempts/);
      const spread = MX_RETRY_GAPS_MS.reduce((a, b) => a + b, 0);
      assert.ok(spread >= 23 * 3600_000 && spread <= 25 * 3600_000, `retries spread over ${spread} ms`);
      assert.ok(Date.now() - sentAt >= spread * scale, 'the retries waited the scaled gaps');
      assert.equal((await c.readStatus(U, 'MBR-connected')).connection_status, 'CONNECTED');
    } finally {
      await lonely.close();
    }
  });
});
