// Spinwheel client and provider against the in-process simulator (first card settles after 200 ms), with a local webhook sink.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import express from 'express';
import type { RefreshRef, RefreshStatus } from '../../contracts/provider';
import { SpinwheelClient } from '../../providers/spinwheel/client';
import { createSpinwheelProvider } from '../../providers/spinwheel/provider';
import type { SpinwheelRefreshItem } from '../../providers/spinwheel/schemas';
import {
  SANDBOX_UPDATED_ON,
  SW_CARD,
  SW_USER_SANDBOX,
  SW_USER_SINGLE,
} from '../../providers/spinwheel/sandbox';
import { startSpinwheelSimulator, type RunningSpinwheelSimulator } from '../../providers/spinwheel/simulator';
import { translateSpinwheelWebhook, verifySpinwheelWebhook } from '../../providers/spinwheel/webhook';
import type { RunningSimulator } from '../../providers/simulator-kit';
import { readBalances } from '../../activities';
import { listenOnLoopback, type TestServer } from '../helpers/http-server';

const SECRET = 'sk_test_spinwheel';
const HOOK = { name: 'x-spinwheel-secret', value: 'whsec-shared' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let sim: RunningSimulator;
let sink: TestServer;
let sinkUrl: string;
const received: { headers: Record<string, string | string[] | undefined>; body: unknown }[] = [];

async function waitFor<T>(read: () => Promise<T> | T, done: (v: T) => boolean, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(20);
  }
}

async function rejection(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ApplicationFailure, `expected ApplicationFailure, got ${String(err)}`);
  return err;
}

// These tests use the optional status endpoint; the documented path has its own describe below.
const client = (secretKey = SECRET, timeoutMs = 2000) =>
  new SpinwheelClient({ baseUrl: sim.url, secretKey, timeoutMs, statusEndpoint: 'probe' });
const itemsOf = (answer: Awaited<ReturnType<SpinwheelClient['refreshLiabilities']>>) => {
  assert.ok('items' in answer, 'a refresh answer with items');
  return answer.items;
};
const statusOf = async (userId: string, key: string): Promise<SpinwheelRefreshItem[]> => {
  const items = await client().getRefreshStatus(userId, key);
  assert.ok(items, 'the status endpoint answered');
  return items;
};
const provider = () => createSpinwheelProvider(client());
const resource = { userId: SW_USER_SANDBOX };

async function settled(ref: RefreshRef): Promise<RefreshStatus> {
  return waitFor(
    () => provider().readRefreshStatus(ref),
    (s) => s.state !== 'RUNNING',
  );
}

before(async () => {
  const app = express();
  app.use(express.json());
  app.post('/webhooks/spinwheel', (req, res) => {
    received.push({ headers: req.headers, body: req.body as unknown });
    res.status(204).end();
  });
  sink = await listenOnLoopback(app);
  sinkUrl = `${sink.url}/webhooks/spinwheel`;
  sim = await startSpinwheelSimulator({
    secretKey: SECRET,
    webhookSecretHeader: HOOK,
    webhookTarget: { url: sinkUrl },
    timeScale: 0.05,
  });
});

after(async () => {
  await sim.close();
  await sink.close();
});

beforeEach(() => {
  sim.reset();
  sim.setWebhookTarget({ url: sinkUrl });
  received.length = 0;
});

void describe('SpinwheelClient', () => {
  void it('answers 401 for a wrong secret key: non-retryable auth error', async () => {
    const err = await rejection(client('sk_wrong').getUser(SW_USER_SANDBOX));
    assert.equal(err.type, 'ProviderAuthError');
    assert.equal(err.nonRetryable, true);
    assert.deepEqual(
      sim.callLog().map((c) => [c.operation, c.status]),
      [['user', 401]],
    );
  });

  void it('reads the sandbox user with all five cards', async () => {
    const user = await client().getUser(SW_USER_SANDBOX);
    assert.deepEqual(
      user.creditCards.map((c) => c.id).sort(),
      Object.values(SW_CARD)
        .filter((id) => id !== SW_CARD.single)
        .sort(),
    );
  });

  void it('refreshing a NOT_SUPPORTED card is rejected with a clear 400', async () => {
    const err = await rejection(client().refreshLiabilities(SW_USER_SANDBOX, 'k-bad', [SW_CARD.exhausted]));
    assert.equal(err.type, 'ProviderRejectedError');
    assert.match(err.message, /HTTP 400.*not eligible/);
    assert.equal(sim.refreshStarts(SW_USER_SANDBOX), 0);
  });

  void it('the same extRequestId twice returns the same transaction and starts one refresh', async () => {
    const first = itemsOf(await client().refreshLiabilities(SW_USER_SINGLE, 'k-same', [SW_CARD.single]));
    const second = itemsOf(await client().refreshLiabilities(SW_USER_SINGLE, 'k-same', [SW_CARD.single]));
    assert.equal(first[0]?.refreshTransactionStatus, 'IN_PROGRESS');
    assert.equal(second[0]?.refreshTransactionId, first[0]?.refreshTransactionId);
    assert.equal(sim.refreshStarts(SW_USER_SINGLE), 1);
  });

  void it('5xx with Retry-After is retryable and carries the delay; the next call succeeds', async () => {
    sim.injectFault('user', { status: 503, retryAfterSeconds: 7 });
    const err = await rejection(client().getUser(SW_USER_SANDBOX));
    assert.equal(err.type, 'ProviderRetryableError');
    assert.equal(err.nonRetryable, false);
    assert.equal(err.nextRetryDelay, 7000);
    assert.equal((await client().getUser(SW_USER_SANDBOX)).creditCards.length, 5);
  });

  void it('timeouts and reset connections are retryable; "*" faults hit every operation', async () => {
    sim.injectFault('refresh_status', { delayMs: 500 });
    await client().refreshLiabilities(SW_USER_SINGLE, 'k-t', [SW_CARD.single]);
    const slow = await rejection(client(SECRET, 100).getRefreshStatus(SW_USER_SINGLE, 'k-t'));
    assert.deepEqual([slow.type, /timed out/.test(slow.message)], ['ProviderRetryableError', true]);
    sim.injectFault('*', { resetConnection: true });
    assert.equal((await rejection(client().getUser(SW_USER_SINGLE))).type, 'ProviderRetryableError');
  });

  void it('malformed JSON, wrong shape and HTML answers are non-retryable invalid responses', async () => {
    for (const fault of [{ malformedBody: true }, { wrongShape: true }, { wrongContentType: true }]) {
      sim.injectFault('user', fault);
      const err = await rejection(client().getUser(SW_USER_SANDBOX));
      assert.deepEqual(
        [err.type, err.nonRetryable],
        ['ProviderInvalidResponseError', true],
        JSON.stringify(fault),
      );
    }
  });
});

void describe('Spinwheel provider', () => {
  void it('mixed cards: refreshes only SUPPORTED ones and reports eligibility per card', async () => {
    const start = await provider().startRefresh({ provider: 'spinwheel', resource, refreshKey: 'k-mixed' });
    assert.deepEqual(
      [start.state, start.refreshId, start.polling.trustCompletionEvent],
      ['STARTED', 'k-mixed', false],
    );
    const byId = new Map(start.accounts?.map((a) => [a.accountId, a]));
    assert.deepEqual(
      [byId.get(SW_CARD.supported)?.eligible, byId.get(SW_CARD.refreshFails)?.eligible],
      [true, true],
    );
    assert.equal(byId.get(SW_CARD.exhausted)?.reason?.code, 'REFRESH_EXHAUSTED');
    assert.ok(Date.parse(byId.get(SW_CARD.exhausted)?.reason?.retryAt ?? '') > Date.now());
    assert.equal(byId.get(SW_CARD.closed)?.reason?.code, 'CLOSED_ACCOUNT');
    assert.equal(byId.get(SW_CARD.fieldError)?.reason?.code, 'FIELD_ERROR');
    const items = await statusOf(SW_USER_SANDBOX, 'k-mixed');
    assert.deepEqual(
      items.map((i) => i.creditCardId).sort(),
      [SW_CARD.refreshFails, SW_CARD.supported].sort(),
    );
  });

  void it('an activity retry with the same refreshKey never starts a second refresh', async () => {
    const req = { provider: 'spinwheel' as const, resource, refreshKey: 'k-retry' };
    await provider().startRefresh(req);
    const again = await provider().startRefresh(req);
    assert.equal(again.state, 'STARTED');
    assert.equal(sim.refreshStarts(SW_USER_SANDBOX), 1);
  });

  void it('status runs to SUCCEEDED with the failed card listed; balances are REALTIME only where completed', async () => {
    const p = provider();
    const start = await p.startRefresh({ provider: 'spinwheel', resource, refreshKey: 'k-flow' });
    const ref = {
      provider: 'spinwheel' as const,
      resource,
      refreshKey: 'k-flow',
      refreshId: start.refreshId,
      startedAt: start.startedAt,
    };
    assert.equal((await p.readRefreshStatus(ref)).state, 'RUNNING');
    const status = await settled(ref);
    assert.equal(status.state, 'SUCCEEDED');
    assert.deepEqual(
      status.failedAccounts?.map((f) => [f.accountId, f.reason.code]),
      [[SW_CARD.refreshFails, 'REFRESH_FAILED']],
    );
    const cachedReasons = [
      ...(start.accounts ?? [])
        .filter((a) => !a.eligible)
        .map((a) => ({ accountId: a.accountId, reason: a.reason! })),
      ...(status.failedAccounts ?? []),
    ];
    // With and without the workflow's cachedReasons the provider must agree (it re-reads the item statuses).
    for (const reasons of [cachedReasons, undefined]) {
      const balances = new Map(
        (await readBalances(p, { ...ref, refreshed: true, cachedReasons: reasons })).map((b) => [
          b.accountId,
          b,
        ]),
      );
      const fresh = balances.get(SW_CARD.supported)!;
      assert.deepEqual(
        [fresh.freshness, fresh.current, fresh.available, fresh.note],
        ['REALTIME', 101, 499900, undefined],
      );
      assert.ok(Date.parse(fresh.asOf!) > SANDBOX_UPDATED_ON, 'a completed refresh moves updatedOn');
      const failed = balances.get(SW_CARD.refreshFails)!;
      assert.deepEqual(
        [failed.freshness, failed.current, failed.note?.code],
        ['CACHED', 25020, 'REFRESH_FAILED'],
      );
      assert.equal(failed.asOf, new Date(SANDBOX_UPDATED_ON).toISOString(), 'FAILED keeps the last balance');
      const exhausted = balances.get(SW_CARD.exhausted)!;
      assert.deepEqual(
        [exhausted.freshness, exhausted.current, exhausted.note?.code],
        ['CACHED', 30, 'REFRESH_EXHAUSTED'],
      );
      assert.ok(exhausted.note?.retryAt);
      assert.deepEqual(
        [balances.get(SW_CARD.closed)?.current, balances.get(SW_CARD.closed)?.note?.code],
        [1999, 'CLOSED_ACCOUNT'],
      );
      assert.deepEqual(
        [balances.get(SW_CARD.fieldError)?.freshness, balances.get(SW_CARD.fieldError)?.note?.code],
        ['CACHED', 'FIELD_ERROR'],
      );
    }
  });

  void it('a refresh whose only card fails ends FAILED', async () => {
    const start = await provider().startRefresh({
      provider: 'spinwheel',
      resource,
      refreshKey: 'k-fail',
      accountIds: [SW_CARD.refreshFails],
    });
    assert.deepEqual(
      start.accounts?.map((a) => a.accountId),
      [SW_CARD.refreshFails],
    );
    const status = await settled({
      provider: 'spinwheel',
      resource,
      refreshId: start.refreshId,
      startedAt: start.startedAt,
    });
    assert.deepEqual(
      [status.state, status.providerStatus, status.reason?.code],
      ['FAILED', 'FAILED', 'REFRESH_FAILED'],
    );
  });

  void it('no eligible card → NOT_REFRESHABLE with a reason and retryAt, and nothing started', async () => {
    const one = await provider().startRefresh({
      provider: 'spinwheel',
      resource,
      refreshKey: 'k-n1',
      accountIds: [SW_CARD.exhausted],
    });
    assert.deepEqual([one.state, one.reason?.code], ['NOT_REFRESHABLE', 'REFRESH_EXHAUSTED']);
    assert.ok(one.reason?.retryAt);
    const two = await provider().startRefresh({
      provider: 'spinwheel',
      resource,
      refreshKey: 'k-n2',
      accountIds: [SW_CARD.exhausted, SW_CARD.closed],
    });
    assert.deepEqual(
      [two.state, two.reason?.code, two.reason?.retryAt],
      ['NOT_REFRESHABLE', 'NO_ELIGIBLE_ACCOUNTS', one.reason?.retryAt],
    );
    assert.equal(sim.refreshStarts(SW_USER_SANDBOX), 0);
    const cached = await readBalances(provider(), {
      provider: 'spinwheel',
      resource,
      refreshId: 'k-n1',
      startedAt: one.startedAt,
      refreshed: false,
      accountIds: [SW_CARD.exhausted],
    });
    assert.deepEqual(
      cached.map((b) => [b.accountId, b.freshness, b.current, b.note?.code]),
      [[SW_CARD.exhausted, 'CACHED', 30, 'REFRESH_EXHAUSTED']],
    );
  });
});

void describe('Spinwheel simulator webhooks', () => {
  const refreshAndSettle = async (key: string) => {
    await client().refreshLiabilities(SW_USER_SANDBOX, key, [SW_CARD.supported, SW_CARD.refreshFails]);
    await waitFor(
      () => statusOf(SW_USER_SANDBOX, key),
      (items) => items.every((i) => i.refreshTransactionStatus !== 'IN_PROGRESS'),
    );
  };

  void it('delivers one REFRESH_TRANSACTION_STATUS per card with the shared-secret header', async () => {
    await refreshAndSettle('k-hook');
    await waitFor(
      () => received.length,
      (n) => n >= 4,
    );
    assert.equal(received.length, 4, 'IN_PROGRESS, then COMPLETED or FAILED, for each of the two cards');
    const kinds = received.map((r) => {
      assert.equal(
        verifySpinwheelWebhook({ headers: r.headers, headerName: HOOK.name, secret: HOOK.value }),
        true,
      );
      const t = translateSpinwheelWebhook(r.body);
      assert.ok('event' in t, JSON.stringify(t));
      assert.deepEqual([t.resource, t.event.refreshId], [{ userId: SW_USER_SANDBOX }, 'k-hook']);
      return t.event.kind;
    });
    assert.deepEqual(kinds.sort(), [
      'REFRESH_COMPLETED',
      'REFRESH_FAILED',
      'REFRESH_STARTED',
      'REFRESH_STARTED',
    ]);
  });

  void it('drop sends nothing; duplicate sends each webhook twice with the same webhookId', async () => {
    (sim as RunningSpinwheelSimulator).setAssumptionModes({ inProgressWebhooks: false });
    sim.setWebhookPlan({ mode: 'drop' });
    await refreshAndSettle('k-drop');
    await sleep(100);
    assert.equal(received.length, 0);
    sim.setWebhookPlan({ mode: 'duplicate' });
    await refreshAndSettle('k-dup');
    await waitFor(
      () => received.length,
      (n) => n >= 4,
    );
    const ids = received.map((r) => (r.body as { webhookId: string }).webhookId);
    assert.equal(ids.length, 4);
    assert.equal(new Set(ids).size, 2);
  });

  void it('delay holds each webhook for the planned time', async () => {
    (sim as RunningSpinwheelSimulator).setAssumptionModes({ inProgressWebhooks: false });
    sim.setWebhookPlan({ mode: 'delay', delayMs: 300 });
    await refreshAndSettle('k-delay');
    assert.equal(received.length, 0, 'nothing may arrive before the delay');
    await waitFor(
      () => received.length,
      (n) => n >= 2,
    );
    assert.equal(received.length, 2);
  });

  void it('a dead webhook receiver never breaks the simulator', async () => {
    sim.setWebhookTarget({ url: 'http://127.0.0.1:1/nowhere' });
    await refreshAndSettle('k-dead');
    await sleep(50);
    assert.equal((await client().getUser(SW_USER_SANDBOX)).creditCards.length, 5);
  });
});

void describe('Spinwheel documented path and the guesses on the wire', () => {
  const swSim = () => sim as RunningSpinwheelSimulator;
  const documented = (settleMs = 1500) =>
    createSpinwheelProvider(new SpinwheelClient({ baseUrl: sim.url, secretKey: SECRET, timeoutMs: 2000 }), {
      settleMs,
    });
  const refOf = (start: { refreshId: string; startedAt: string }, accountIds?: string[]): RefreshRef => ({
    provider: 'spinwheel',
    resource,
    refreshId: start.refreshId,
    startedAt: start.startedAt,
    ...(accountIds ? { accountIds } : {}),
  });
  const statusCalls = () => sim.callLog().filter((c) => c.operation === 'refresh_status');

  void it('off by default: status from GET /v1/users updatedOn, never the status endpoint; REALTIME card, the failed one REFRESH_NOT_CONFIRMED after the settle window', async () => {
    const p = documented(800);
    const start = await p.startRefresh({ provider: 'spinwheel', resource, refreshKey: 'k-doc' });
    assert.equal(start.state, 'STARTED');
    const ref = refOf(start, [SW_CARD.supported, SW_CARD.refreshFails]);
    assert.equal((await p.readRefreshStatus(ref)).state, 'RUNNING');
    const status = await waitFor(
      () => p.readRefreshStatus(ref),
      (s) => s.state !== 'RUNNING',
    );
    assert.equal(status.state, 'SUCCEEDED');
    assert.deepEqual(
      status.failedAccounts?.map((f) => [f.accountId, f.reason.code]),
      [[SW_CARD.refreshFails, 'REFRESH_NOT_CONFIRMED']],
    );
    const balances = await readBalances(p, { ...ref, refreshed: true, cachedReasons: status.failedAccounts });
    const byId = new Map(balances.map((b) => [b.accountId, b]));
    assert.equal(byId.get(SW_CARD.supported)?.freshness, 'REALTIME');
    assert.equal(byId.get(SW_CARD.supported)?.current, 101);
    assert.equal(byId.get(SW_CARD.refreshFails)?.note?.code, 'REFRESH_NOT_CONFIRMED');
    assert.equal(statusCalls().length, 0, 'the undocumented endpoint is never called when off');
  });

  void it('documented path with only the failing card: FAILED REFRESH_NOT_CONFIRMED once the settle window passes, not RUNNING forever', async () => {
    const p = documented(600);
    const start = await p.startRefresh({
      provider: 'spinwheel',
      resource,
      refreshKey: 'k-doc-fail',
      accountIds: [SW_CARD.refreshFails],
    });
    const ref = refOf(start, [SW_CARD.refreshFails]);
    const status = await waitFor(
      () => p.readRefreshStatus(ref),
      (s) => s.state !== 'RUNNING',
    );
    assert.deepEqual([status.state, status.reason?.code], ['FAILED', 'REFRESH_NOT_CONFIRMED']);
  });

  for (const mode of ['absent', 'method-not-allowed'] as const) {
    void it(`status endpoint ${mode}: probed once, the instance switches to the documented path and the check still completes`, async () => {
      swSim().setAssumptionModes({ statusEndpoint: mode });
      const c = new SpinwheelClient({
        baseUrl: sim.url,
        secretKey: SECRET,
        timeoutMs: 2000,
        statusEndpoint: 'probe',
      });
      const p = createSpinwheelProvider(c, { settleMs: 5000 });
      const start = await p.startRefresh({
        provider: 'spinwheel',
        resource,
        refreshKey: `k-probe-${mode}`,
        accountIds: [SW_CARD.supported],
      });
      const ref = refOf(start, [SW_CARD.supported]);
      const status = await waitFor(
        () => p.readRefreshStatus(ref),
        (s) => s.state !== 'RUNNING',
      );
      assert.equal(status.state, 'SUCCEEDED');
      assert.equal(c.usesStatusEndpoint, false);
      const balances = await readBalances(p, { ...ref, refreshed: true });
      assert.equal(balances[0]?.freshness, 'REALTIME');
      assert.deepEqual(
        statusCalls().map((x) => x.status),
        [mode === 'absent' ? 404 : 405],
        'one probe, then never again',
      );
    });
  }

  void it('another capability name: the 400 is followed by one retry without capabilities (same extRequestId), and the instance keeps that', async () => {
    swSim().setAssumptionModes({ capabilityName: 'REAL_TIME_BALANCE' });
    const c = new SpinwheelClient({ baseUrl: sim.url, secretKey: SECRET, timeoutMs: 2000 });
    const first = await c.refreshLiabilities(SW_USER_SINGLE, 'k-cap-1', [SW_CARD.single]);
    assert.ok('items' in first);
    await c.refreshLiabilities(SW_USER_SINGLE, 'k-cap-2', [SW_CARD.single]);
    assert.deepEqual(
      sim
        .callLog()
        .filter((x) => x.operation === 'refresh')
        .map((x) => x.status),
      [400, 200, 200],
    );
    assert.equal(sim.refreshStarts(SW_USER_SINGLE), 2);
  });

  void it('a replayed extRequestId answered with 409 counts as already started, not as an error', async () => {
    swSim().setAssumptionModes({ replay: 'conflict' });
    const p = documented();
    const req = {
      provider: 'spinwheel' as const,
      resource,
      refreshKey: 'k-409',
      accountIds: [SW_CARD.supported],
    };
    assert.equal((await p.startRefresh(req)).state, 'STARTED');
    assert.equal((await p.startRefresh({ ...req, attempt: 2 })).state, 'STARTED');
    assert.equal(sim.refreshStarts(SW_USER_SANDBOX), 1);
  });

  void it('updatedOn as an ISO 8601 string parses to the same instant (user read does not fail)', async () => {
    swSim().setAssumptionModes({ updatedOnFormat: 'iso-8601' });
    const user = await client().getUser(SW_USER_SANDBOX);
    assert.equal(user.creditCards[0]?.balanceDetails?.updatedOn, SANDBOX_UPDATED_ON);
  });
});
