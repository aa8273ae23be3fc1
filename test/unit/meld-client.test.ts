// MeldClient against the in-process Meld simulator, with a local webhook receiver that verifies
// signatures over the raw body the way the API route must.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import express from 'express';
import { ProviderErrorType } from '../../providers/http/errors';
import { MeldClient } from '../../providers/meld/client';
import { MELD_ASSUMPTIONS } from '../../providers/meld/assumptions';
import { MELD_SANDBOX_CUSTOMER, MELD_SANDBOX_LARGE_CUSTOMER } from '../../providers/meld/sandbox';
import { startMeldSimulator, type RunningMeldSimulator } from '../../providers/meld/simulator';
import { verifyMeldWebhook } from '../../providers/meld/signature';
import { listenOnLoopback, type TestServer } from '../helpers/http-server';

const API_KEY = 'sb-meld-key';
const SECRET = 'meld-profile-secret';
/** The public URL Meld is configured with; the receiver must verify against it, not its local address. */
const PUBLIC_URL = 'https://balance-check.example.test/webhooks/meld';

interface Received {
  ok: boolean;
  reason?: string;
  body: { eventType: string; eventId: string; payload: { connectionId: string; requestId?: string } };
  at: number;
}

let sim: RunningMeldSimulator;
let sink: TestServer;
let received: Received[] = [];

async function startSink(): Promise<{ server: TestServer; url: string }> {
  const app = express();
  app.post('/webhooks/meld', express.raw({ type: '*/*' }), (req, res) => {
    const rawBody = req.body as Buffer;
    const check = verifyMeldWebhook({ secret: SECRET, url: PUBLIC_URL, headers: req.headers, rawBody });
    received.push({
      ok: check.ok,
      reason: check.ok ? undefined : check.reason,
      body: JSON.parse(rawBody.toString('utf8')),
      at: Date.now(),
    });
    res.status(check.ok ? 204 : 401).end();
  });
  const server = await listenOnLoopback(app);
  return { server, url: `${server.url}/webhooks/meld` };
}

const client = (over: Partial<ConstructorParameters<typeof MeldClient>[0]> = {}) =>
  new MeldClient({
    baseUrl: sim.url,
    apiKey: API_KEY,
    fetch,
    timeoutMs: 2000,
    meldVersion: '2023-12-19',
    ...over,
  });

async function waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function rejectsWith(
  promise: Promise<unknown>,
  type: string,
  nonRetryable: boolean,
): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => assert.fail('expected a failure'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ApplicationFailure, `expected ApplicationFailure, got ${String(err)}`);
  assert.equal(err.type, type);
  assert.equal(err.nonRetryable, nonRetryable);
  return err;
}

const refreshCalls = () => sim.callLog().filter((c) => c.operation === 'refresh');

before(async () => {
  const s = await startSink();
  sink = s.server;
  sim = await startMeldSimulator({
    apiKey: API_KEY,
    webhookSecret: SECRET,
    webhookUrl: PUBLIC_URL,
    webhookTarget: { url: s.url },
    timeScale: 0.05,
  });
});
after(async () => {
  await sim.close();
  await sink.close();
});
beforeEach(() => {
  sim.reset();
  received = [];
});

void describe('MeldClient ↔ Meld simulator', () => {
  void it('sends BASIC <raw key>; a wrong key is a non-retryable auth failure with a Meld error body', async () => {
    await rejectsWith(
      client({ apiKey: 'wrong' }).findConnection(MELD_SANDBOX_CUSTOMER, 'meld-conn-active'),
      ProviderErrorType.Auth,
      true,
    );
    const raw = await fetch(`${sim.url}/bank-linking/connections/meld-conn-active`, {
      headers: { Authorization: `Basic ${Buffer.from(`${API_KEY}:`).toString('base64')}` },
    });
    assert.equal(raw.status, 401, 'base64 user:pass is not what Meld expects');
    assert.deepEqual(Object.keys((await raw.json()) as object).sort(), [
      'code',
      'errors',
      'message',
      'requestId',
      'timestamp',
    ]);
    const ok = await client().findConnection(MELD_SANDBOX_CUSTOMER, 'meld-conn-active');
    assert.equal(ok.status, 'ACTIVE');
  });

  void it('follows the after-cursor to collect more than 100 accounts', async () => {
    const accounts = await client().searchAccounts({
      customerId: MELD_SANDBOX_LARGE_CUSTOMER,
      connectionId: 'meld-conn-many',
    });
    assert.equal(accounts.length, 250);
    assert.equal(new Set(accounts.map((a) => a.id)).size, 250);
    assert.equal(sim.callLog().filter((c) => c.operation === 'accounts').length, 3);
    const small = await client({ pageLimit: 2 }).searchAccounts({
      customerId: MELD_SANDBOX_CUSTOMER,
      connectionId: 'meld-conn-active',
    });
    assert.equal(small.length, 5);
  });

  void it('simulator rejects a page limit over 100 with 400', async () => {
    const res = await fetch(`${sim.url}/bank-linking/accounts?limit=101`, {
      headers: { Authorization: `BASIC ${API_KEY}` },
    });
    assert.equal(res.status, 400);
  });

  void it('refresh starts one job; signed webhooks UPDATING → UPDATED arrive; balances.updatedAt moves', async () => {
    const c = client();
    const before = await c.getAccount('meld-acct-active-checking');
    const startedAt = Date.now();
    const outcome = await c.refresh('meld-conn-active');
    assert.equal(outcome.kind, 'STARTED');
    // IN_PROGRESS is a linking state (assumptions.ts: in-progress-meaning): a refresh leaves it ACTIVE.
    assert.equal((await c.findConnection(MELD_SANDBOX_CUSTOMER, 'meld-conn-active')).status, 'ACTIVE');
    await waitFor(() => received.length >= 2);
    assert.deepEqual(
      received.map((r) => [r.ok, r.body.eventType]),
      [
        [true, 'BANK_LINKING_ACCOUNTS_UPDATING'],
        [true, 'BANK_LINKING_ACCOUNTS_UPDATED'],
      ],
    );
    assert.ok(
      outcome.kind === 'STARTED' && received.every((r) => r.body.payload.requestId === outcome.requestId),
    );
    const afterJob = await c.getAccount('meld-acct-active-checking');
    assert.ok(Date.parse(afterJob.balances!.updatedAt!) >= startedAt);
    assert.notEqual(afterJob.balances!.updatedAt, before.balances!.updatedAt);
    assert.equal(afterJob.balances!.currentAmount, 19.98, 'the drifting sandbox account moved by one cent');
    assert.equal((await c.findConnection(MELD_SANDBOX_CUSTOMER, 'meld-conn-active')).status, 'ACTIVE');
    assert.equal(sim.refreshStarts(`${MELD_SANDBOX_CUSTOMER}:meld-conn-active`), 1);
  });

  void it('webhooks are signed for the configured public URL, not the address they were posted to', async () => {
    const local = await startSink();
    try {
      sim.setWebhookTarget({ url: local.url });
      await client().refresh('meld-conn-active');
      await waitFor(() => received.length >= 2);
      assert.ok(
        received.every((r) => r.ok),
        'verified against PUBLIC_URL',
      );
    } finally {
      await local.server.close();
    }
  });

  void it('409 is a typed not-refreshable answer, not an error', async () => {
    const outcome = await client().refresh('meld-conn-reconnect');
    assert.equal(outcome.kind, 'NOT_REFRESHABLE');
    assert.equal(sim.refreshStarts(`${MELD_SANDBOX_CUSTOMER}:meld-conn-reconnect`), 0);
  });

  void it('429 throws a non-retryable ProviderThrottledError carrying retryAt', async () => {
    const err = await rejectsWith(client().refresh('meld-conn-throttled'), ProviderErrorType.Throttled, true);
    const details = err.details?.[0] as { retryAt?: string; httpStatus?: number };
    assert.equal(details.httpStatus, 429);
    assert.ok(details.retryAt && Date.parse(details.retryAt) > Date.now());
    assert.equal(refreshCalls().length, 1);
  });

  void it('5xx, resets and timeouts are retryable; 404 is NotFound', async () => {
    sim.injectFault('connections', { status: 503, retryAfterSeconds: 2 });
    const e503 = await rejectsWith(
      client().findConnection(MELD_SANDBOX_CUSTOMER, 'meld-conn-active'),
      ProviderErrorType.Retryable,
      false,
    );
    assert.equal(e503.nextRetryDelay, 2000);
    sim.injectFault('accounts', { resetConnection: true });
    await rejectsWith(
      client().searchAccounts({ customerId: MELD_SANDBOX_CUSTOMER, connectionId: 'meld-conn-active' }),
      ProviderErrorType.Retryable,
      false,
    );
    sim.injectFault('*', { delayMs: 500 });
    await rejectsWith(
      client({ timeoutMs: 100 }).getAccount('meld-acct-active-checking'),
      ProviderErrorType.Retryable,
      false,
    );
    await rejectsWith(client().getAccount('no-such-account'), ProviderErrorType.NotFound, true);
  });

  void it('malformed, wrongly shaped or HTML bodies are non-retryable invalid responses', async () => {
    for (const fault of [{ malformedBody: true }, { wrongShape: true }, { wrongContentType: true }]) {
      sim.injectFault('accounts', fault);
      await rejectsWith(
        client().searchAccounts({ customerId: MELD_SANDBOX_CUSTOMER, connectionId: 'meld-conn-active' }),
        ProviderErrorType.InvalidResponse,
        true,
      );
    }
  });

  void it('lists pending transactions (positive = money out)', async () => {
    const txns = await client().listPendingTransactions({
      customerId: MELD_SANDBOX_CUSTOMER,
      financialAccountId: 'meld-acct-no-available-checking',
    });
    assert.deepEqual(txns.map((t) => t.amount).sort(), [-5.5, 0.1, 0.2, 19.99].sort());
  });
});

void describe('Meld: documented reads, Meld-Version, and the guesses', () => {
  void it('sends Meld-Version on every call: the documented default unless configured', async () => {
    const seen: (string | null)[] = [];
    const spy = (input: string, init?: RequestInit) => {
      seen.push(new Headers(init?.headers).get('meld-version'));
      return fetch(input, init);
    };
    await client({ fetch: spy, meldVersion: undefined }).findConnection(
      MELD_SANDBOX_CUSTOMER,
      'meld-conn-active',
    );
    await client({ fetch: spy, meldVersion: '2030-01-01' }).getAccount('meld-acct-active-checking');
    assert.deepEqual(seen, [MELD_ASSUMPTIONS.defaultMeldVersion, '2030-01-01']);
  });

  void it('the connection comes from the list: a simulator without the single-connection GET changes nothing; an unlisted id is NotFound', async () => {
    (sim as RunningMeldSimulator).setAssumptionModes({ singleConnectionGet: 'absent' });
    const found = await client().findConnection(MELD_SANDBOX_CUSTOMER, 'meld-conn-reconnect');
    assert.deepEqual([found.id, found.status], ['meld-conn-reconnect', 'RECONNECT_REQUIRED']);
    await rejectsWith(
      client().findConnection(MELD_SANDBOX_CUSTOMER, 'meld-conn-nope'),
      ProviderErrorType.NotFound,
      true,
    );
    assert.deepEqual(
      [...new Set(sim.callLog().map((c) => c.operation))],
      ['connections'],
      'only the documented list was called',
    );
  });

  void it('refresh-running mode: the connection reads IN_PROGRESS during a job and a second refresh is refused with 409', async () => {
    (sim as RunningMeldSimulator).setAssumptionModes({ inProgressMeaning: 'refresh-running' });
    const c = client();
    assert.equal((await c.refresh('meld-conn-active')).kind, 'STARTED');
    assert.equal((await c.findConnection(MELD_SANDBOX_CUSTOMER, 'meld-conn-active')).status, 'IN_PROGRESS');
    assert.equal((await c.refresh('meld-conn-active')).kind, 'NOT_REFRESHABLE');
  });
});

void describe('Meld simulator webhook plans', () => {
  void it('duplicate: every event arrives twice with the same eventId', async () => {
    sim.setWebhookPlan({ mode: 'duplicate' });
    await client().refresh('meld-conn-active');
    await waitFor(() => received.length >= 4);
    const ids = received.map((r) => r.body.eventId);
    assert.equal(new Set(ids).size, 2);
    assert.ok(received.every((r) => r.ok));
  });

  void it('drop: no webhook arrives, yet the refresh still completes', async () => {
    sim.setWebhookPlan({ mode: 'drop' });
    const c = client();
    await c.refresh('meld-conn-active');
    const before = (
      await c.searchAccounts({ customerId: MELD_SANDBOX_CUSTOMER, connectionId: 'meld-conn-active' })
    )[0];
    // The job takes 150 ms at this timeScale; give the (dropped) webhooks ample time to show up.
    await new Promise((r) => setTimeout(r, 400));
    const afterJob = (
      await c.searchAccounts({ customerId: MELD_SANDBOX_CUSTOMER, connectionId: 'meld-conn-active' })
    )[0];
    assert.notEqual(afterJob?.balances?.updatedAt, before?.balances?.updatedAt, 'the job ran');
    assert.equal(received.length, 0);
  });

  void it('delay: events are held for delayMs', async () => {
    sim.setWebhookPlan({ mode: 'delay', delayMs: 300 });
    const sentAt = Date.now();
    await client().refresh('meld-conn-active');
    await waitFor(() => received.length >= 1);
    assert.ok(received[0]!.at - sentAt >= 280, `arrived after ${received[0]!.at - sentAt} ms`);
  });

  void it('meld-conn-no-webhook never sends; a dead receiver never crashes the simulator', async () => {
    await client().refresh('meld-conn-no-webhook');
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(received.length, 0);
    sim.setWebhookTarget({ url: 'http://127.0.0.1:9/unreachable' });
    await client().refresh('meld-conn-active');
    await waitFor(() => sim.webhookStats().failures >= 2);
    assert.equal((await client().findConnection(MELD_SANDBOX_CUSTOMER, 'meld-conn-active')).status, 'ACTIVE');
  });
});
