// MxClient against the in-process simulator: auth, version, jobs, error classification, pagination.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { MX_API_VERSION, MX_CONFLICT_RETRY_MS, MxClient } from '../../providers/mx/client';
import { MX_SANDBOX_USER } from '../../providers/mx/sandbox';
import { startMxSimulator, type RunningMxSimulator } from '../../providers/mx/simulator';
import { memberStatusWaiters, rejects, waitForValue } from '../helpers/mx-simulator';

const AUTH = { clientId: 'client-1', apiKey: 'key-1' };
const U = MX_SANDBOX_USER;

let sim: RunningMxSimulator;
let client: MxClient;

const { settled } = memberStatusWaiters(() => client);

before(async () => {
  sim = await startMxSimulator({ ...AUTH, timeScale: 0.05, throttle: { max: 1000, windowMs: 60_000 } });
  client = new MxClient({ baseUrl: sim.url, ...AUTH, timeoutMs: 2000 });
});
after(() => sim.close());
beforeEach(() => sim.reset());

void describe('auth and version', () => {
  void test('401 without Basic auth, as a JSON error; the client maps bad credentials to a non-retryable auth error', async () => {
    const res = await fetch(`${sim.url}/users/${U}/members/MBR-connected/status`, {
      headers: { 'Accept-Version': MX_API_VERSION },
    });
    assert.equal(res.status, 401);
    assert.ok(((await res.json()) as { error: { message: string } }).error.message);
    const bad = new MxClient({ baseUrl: sim.url, clientId: AUTH.clientId, apiKey: 'wrong' });
    await rejects(bad.readStatus(U, 'MBR-connected'), (f) =>
      assert.deepEqual([f.type, f.nonRetryable], ['ProviderAuthError', true]),
    );
  });
  void test('406 without or with a wrong Accept-Version', async () => {
    const authorization = `Basic ${Buffer.from(`${AUTH.clientId}:${AUTH.apiKey}`).toString('base64')}`;
    const url = `${sim.url}/users/${U}/members/MBR-connected/status`;
    assert.equal((await fetch(url, { headers: { authorization } })).status, 406);
    assert.equal(
      (await fetch(url, { headers: { authorization, 'Accept-Version': 'v20111101' } })).status,
      406,
    );
    assert.equal(
      (await fetch(url, { headers: { authorization, 'Accept-Version': MX_API_VERSION } })).status,
      200,
    );
  });
  void test("the balance guide's vendor Accept header without Accept-Version is accepted (legacy versioning); a wrong Accept-Version with it is not", async () => {
    const authorization = `Basic ${Buffer.from(`${AUTH.clientId}:${AUTH.apiKey}`).toString('base64')}`;
    const url = `${sim.url}/users/${U}/members/MBR-connected/status`;
    const accept = 'application/vnd.mx.api.v1+json';
    assert.equal((await fetch(url, { headers: { authorization, accept } })).status, 200);
    assert.equal(
      (await fetch(url, { headers: { authorization, accept, 'Accept-Version': 'v20111101' } })).status,
      406,
    );
  });
});

void describe('simulator follows the guides', () => {
  const authorization = `Basic ${Buffer.from(`${AUTH.clientId}:${AUTH.apiKey}`).toString('base64')}`;
  const get = (path: string) =>
    fetch(`${sim.url}${path}`, { headers: { authorization, 'Accept-Version': MX_API_VERSION } });

  void test('serves readMember and readAccountByMember', async () => {
    const member = (await (await get(`/users/${U}/members/MBR-connected`)).json()) as {
      member: { guid: string; connection_status: string };
    };
    assert.deepEqual([member.member.guid, member.member.connection_status], ['MBR-connected', 'CONNECTED']);
    const [first] = await client.listAccounts(U, 'MBR-connected');
    const one = await get(`/users/${U}/members/MBR-connected/accounts/${first!.guid}`);
    assert.equal(one.status, 200);
    assert.equal(((await one.json()) as { account: { guid: string } }).account.guid, first!.guid);
    assert.equal((await get(`/users/${U}/members/MBR-connected/accounts/ACT-nope`)).status, 404);
  });

  void test('check_balance starts no job from a status the aggregation guide does not list (DENIED)', async () => {
    await client.checkBalance(U, 'MBR-denied');
    const denied = await settled('MBR-denied');
    assert.equal(denied.connection_status, 'DENIED');
    const starts = sim.refreshStarts(`${U}:MBR-denied`);
    const again = await client.checkBalance(U, 'MBR-denied');
    assert.deepEqual([again.connection_status, again.is_being_aggregated], ['DENIED', false]);
    assert.equal(sim.refreshStarts(`${U}:MBR-denied`), starts, 'no new job');
  });

  void test('throttle mode without Retry-After: 429 carries no Retry-After header', async () => {
    sim.setAssumptionModes({ throttleRetryAfter: false });
    const tight = await startMxSimulator({ ...AUTH, throttle: { max: 0, windowMs: 60_000 } });
    try {
      tight.setAssumptionModes({ throttleRetryAfter: false });
      const res = await fetch(`${tight.url}/users/${U}/members/MBR-connected/check_balance`, {
        method: 'POST',
        headers: { authorization, 'Accept-Version': MX_API_VERSION },
      });
      assert.equal(res.status, 429);
      assert.equal(res.headers.get('retry-after'), null);
    } finally {
      await tight.close();
    }
  });
});

void describe('balance job', () => {
  void test('check_balance starts a job that ends CONNECTED with successfully_aggregated_at moved forward', async () => {
    const before = (await client.readStatus(U, 'MBR-connected')).successfully_aggregated_at!;
    const startedAt = Math.floor(Date.now() / 1000) * 1000;
    const member = await client.checkBalance(U, 'MBR-connected');
    assert.equal(member.is_being_aggregated, true);
    assert.equal(member.guid, 'MBR-connected');
    const done = await settled('MBR-connected');
    assert.equal(done.connection_status, 'CONNECTED');
    assert.ok(Date.parse(done.successfully_aggregated_at!) >= startedAt);
    assert.ok(Date.parse(done.successfully_aggregated_at!) > Date.parse(before));
    assert.equal(sim.refreshStarts(`${U}:MBR-connected`), 1);
    const accounts = await client.listAccounts(U, 'MBR-connected');
    assert.ok(
      accounts.every((a) => a.updated_at === done.successfully_aggregated_at),
      'balances carry the new updated_at',
    );
  });
  void test('202 while a balance job runs starts no new job', async () => {
    await client.checkBalance(U, 'MBR-slow');
    const again = await client.checkBalance(U, 'MBR-slow');
    assert.equal(again.is_being_aggregated, true);
    assert.equal(sim.refreshStarts(`${U}:MBR-slow`), 1);
  });
  void test('409 while another job type runs → retryable with a short delay', async () => {
    sim.startOtherJob('MBR-connected', 2000);
    await rejects(client.checkBalance(U, 'MBR-connected'), (f) => {
      assert.equal(f.type, 'ProviderRetryableError');
      assert.equal(f.nonRetryable, false);
      assert.equal(f.nextRetryDelay, MX_CONFLICT_RETRY_MS);
    });
    assert.equal(sim.refreshStarts(`${U}:MBR-connected`), 0);
  });
  void test('unknown member → non-retryable not found', async () => {
    await rejects(client.readStatus(U, 'MBR-nope'), (f) =>
      assert.deepEqual([f.type, f.nonRetryable], ['ProviderNotFoundError', true]),
    );
  });
});

void describe('faults and classification', () => {
  void test('429 with Retry-After → retryable with nextRetryDelay', async () => {
    sim.injectFault('status', { status: 429, retryAfterSeconds: 7 });
    await rejects(client.readStatus(U, 'MBR-connected'), (f) => {
      assert.deepEqual([f.type, f.nonRetryable, f.nextRetryDelay], ['ProviderRetryableError', false, 7000]);
    });
    assert.equal(
      (await client.readStatus(U, 'MBR-connected')).connection_status,
      'CONNECTED',
      'fault used once',
    );
  });
  void test('the per-member throttle answers 429 with Retry-After', async () => {
    const throttled = await startMxSimulator({
      ...AUTH,
      timeScale: 0.05,
      throttle: { max: 1, windowMs: 60_000 },
    });
    try {
      const c = new MxClient({ baseUrl: throttled.url, ...AUTH });
      await c.checkBalance(U, 'MBR-connected');
      await waitForValue(
        () => c.readStatus(U, 'MBR-connected'),
        (s) => !s.is_being_aggregated,
      );
      await rejects(c.checkBalance(U, 'MBR-connected'), (f) => {
        assert.equal(f.type, 'ProviderRetryableError');
        assert.ok(
          typeof f.nextRetryDelay === 'number' && f.nextRetryDelay > 55_000 && f.nextRetryDelay <= 60_000,
        );
      });
      assert.equal(throttled.refreshStarts(`${U}:MBR-connected`), 1);
    } finally {
      await throttled.close();
    }
  });
  void test('5xx → retryable', async () => {
    sim.injectFault('*', { status: 503 });
    await rejects(client.listAccounts(U, 'MBR-connected'), (f) =>
      assert.deepEqual([f.type, f.nonRetryable], ['ProviderRetryableError', false]),
    );
  });
  void test('malformed JSON, wrong shape and an HTML page → non-retryable ProviderInvalidResponseError', async () => {
    for (const fault of [{ malformedBody: true }, { wrongShape: true }, { wrongContentType: true }]) {
      sim.injectFault('status', fault);
      await rejects(client.readStatus(U, 'MBR-connected'), (f) => {
        assert.deepEqual(
          [f.type, f.nonRetryable],
          ['ProviderInvalidResponseError', true],
          JSON.stringify(fault),
        );
      });
    }
  });
  void test('a response slower than timeoutMs → retryable timeout; reset connection → retryable', async () => {
    const fast = new MxClient({ baseUrl: sim.url, ...AUTH, timeoutMs: 150 });
    sim.injectFault('status', { delayMs: 1000 });
    await rejects(fast.readStatus(U, 'MBR-connected'), (f) => {
      assert.equal(f.type, 'ProviderRetryableError');
      assert.match(f.message, /timed out after 150 ms/);
    });
    sim.injectFault('status', { resetConnection: true });
    await rejects(client.readStatus(U, 'MBR-connected'), (f) =>
      assert.equal(f.type, 'ProviderRetryableError'),
    );
  });
});

void describe('lists', () => {
  void test('accounts: every page is followed', async () => {
    const small = new MxClient({ baseUrl: sim.url, ...AUTH, recordsPerPage: 10 });
    const accounts = await small.listAccounts(U, 'MBR-connected');
    assert.equal(accounts.length, 23);
    assert.equal(new Set(accounts.map((a) => a.guid)).size, 23);
    assert.equal(sim.callLog().filter((c) => c.operation === 'accounts' && c.status === 200).length, 3);
  });
  void test('pending transactions only', async () => {
    const pending = await client.listPendingTransactions(U, 'MBR-challenge');
    assert.deepEqual(pending.map((t) => t.guid).sort(), [
      'TRN-challenge-1',
      'TRN-challenge-2',
      'TRN-challenge-3',
      'TRN-challenge-5',
    ]);
    assert.ok(pending.every((t) => t.status === 'PENDING'));
  });
});
