// createMeldProvider against the in-process Meld simulator (no webhooks: the provider only reads).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { RefreshRef, RefreshStart } from '../../contracts/provider';
import type { FetchLike } from '../../providers/http/request-json';
import { MeldClient } from '../../providers/meld/client';
import { createMeldProvider, MELD_POLLING } from '../../providers/meld/provider';
import { MELD_SANDBOX_CUSTOMER } from '../../providers/meld/sandbox';
import { startMeldSimulator, type RunningMeldSimulator } from '../../providers/meld/simulator';
import { readBalances } from '../../activities';

const API_KEY = 'sb-meld-key';
let sim: RunningMeldSimulator;

const providerWith = (fetchImpl: FetchLike = fetch) =>
  createMeldProvider(
    new MeldClient({ baseUrl: sim.url, apiKey: API_KEY, fetch: fetchImpl, timeoutMs: 2000 }),
  );
const resource = (connectionId: string) => ({ userId: MELD_SANDBOX_CUSTOMER, memberId: connectionId });
const start = (connectionId: string, provider = providerWith()) =>
  provider.startRefresh({
    provider: 'meld',
    resource: resource(connectionId),
    refreshKey: `key-${connectionId}`,
  });
const refOf = (connectionId: string, s: RefreshStart, accountIds?: string[]): RefreshRef => ({
  provider: 'meld',
  resource: resource(connectionId),
  refreshId: s.refreshId,
  startedAt: s.startedAt,
  accountIds,
});
const refreshCalls = () => sim.callLog().filter((c) => c.operation === 'refresh').length;

async function pollUntilSettled(ref: RefreshRef, timeoutMs = 5000) {
  const provider = providerWith();
  const states: string[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await provider.readRefreshStatus(ref);
    states.push(status.state);
    if (status.state !== 'RUNNING' || Date.now() > deadline) return { status, states };
    await new Promise((r) => setTimeout(r, 50));
  }
}

before(async () => {
  sim = await startMeldSimulator({ apiKey: API_KEY, webhookSecret: 'unused', timeScale: 0.05 });
});
after(() => sim.close());
beforeEach(() => sim.reset());

void describe('Meld provider', () => {
  void it('starts a refresh, reads RUNNING then SUCCEEDED via balances.updatedAt, then REALTIME balances', async () => {
    const provider = providerWith();
    const s = await start('meld-conn-active', provider);
    assert.equal(s.state, 'STARTED');
    assert.notEqual(s.refreshId, 'key-meld-conn-active', "Meld's requestId is the refresh id");
    assert.deepEqual(s.polling, MELD_POLLING);
    const { status, states } = await pollUntilSettled(refOf('meld-conn-active', s));
    assert.equal(states[0], 'RUNNING');
    assert.equal(status.state, 'SUCCEEDED');
    const balances = await readBalances(provider, { ...refOf('meld-conn-active', s), refreshed: true });
    const byId = new Map(balances.map((b) => [b.accountId, b]));
    assert.deepEqual(
      [
        'meld-acct-active-checking',
        'meld-acct-active-savings',
        'meld-acct-active-card',
        'meld-acct-active-mortgage',
        'meld-acct-active-brokerage',
      ].map((id) => [
        byId.get(id)?.kind,
        byId.get(id)?.current,
        byId.get(id)?.available,
        byId.get(id)?.freshness,
      ]),
      [
        ['DEPOSITORY', 1998, 1998, 'REALTIME'],
        ['DEPOSITORY', 101, 10, 'REALTIME'],
        ['CREDIT', 20, 499980, 'REALTIME'],
        ['LOAN', 25000010, null, 'REALTIME'],
        ['INVESTMENT', 1234567890123, 1234567890123, 'REALTIME'],
      ],
    );
  });

  void it('an ACTIVE connection whose balances predate the refresh start still reads RUNNING', async () => {
    // No refresh-status endpoint: only balances.updatedAt ≥ startedAt may declare success.
    const ref = refOf('meld-conn-active', {
      refreshId: 'r',
      startedAt: new Date().toISOString(),
    } as RefreshStart);
    const status = await providerWith().readRefreshStatus(ref);
    assert.deepEqual([status.state, status.providerStatus], ['RUNNING', 'ACTIVE']);
  });

  void it('IN_PROGRESS read as "refresh running" (simulator mode): joins it instead of starting another', async () => {
    sim.setAssumptionModes({ inProgressMeaning: 'refresh-running' });
    const provider = providerWith();
    const first = await start('meld-conn-slow', provider);
    const second = await start('meld-conn-slow', provider);
    assert.deepEqual([first.state, second.state], ['STARTED', 'STARTED']);
    assert.equal(sim.refreshStarts(`${MELD_SANDBOX_CUSTOMER}:meld-conn-slow`), 1);
    assert.equal(refreshCalls(), 1, 'no second POST while IN_PROGRESS');
  });

  void it('IN_PROGRESS on a never-aggregated connection (linking not finished) → ACTION_REQUIRED CONNECTION_NOT_READY, no refresh', async () => {
    sim.setConnectionStatus('meld-conn-active', 'IN_PROGRESS', null, { neverAggregated: true });
    const s = await start('meld-conn-active');
    assert.deepEqual([s.state, s.reason?.code], ['ACTION_REQUIRED', 'CONNECTION_NOT_READY']);
    assert.equal(refreshCalls(), 0);
  });

  void it('a CLOSED account neither holds the refresh open nor comes back unless asked for, then CACHED ACCOUNT_NOT_ACTIVE', async () => {
    sim.setAccountStatus('meld-acct-active-savings', 'CLOSED');
    const provider = providerWith();
    const s = await start('meld-conn-active', provider);
    const ref = refOf('meld-conn-active', s);
    let status = await provider.readRefreshStatus(ref);
    for (let i = 0; i < 100 && status.state === 'RUNNING'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      status = await provider.readRefreshStatus(ref);
    }
    assert.equal(status.state, 'SUCCEEDED');
    const all = await readBalances(provider, { ...ref, refreshed: true });
    assert.equal(all.length, 4);
    assert.ok(all.every((b) => b.accountId !== 'meld-acct-active-savings' && b.freshness === 'REALTIME'));
    const named = await readBalances(provider, {
      ...ref,
      accountIds: ['meld-acct-active-savings'],
      refreshed: true,
    });
    assert.deepEqual(
      named.map((b) => [b.accountId, b.freshness, b.note?.code]),
      [['meld-acct-active-savings', 'CACHED', 'ACCOUNT_NOT_ACTIVE']],
    );
  });

  void it('RECONNECT_REQUIRED → ACTION_REQUIRED naming the reason, without calling refresh', async () => {
    const s = await start('meld-conn-reconnect');
    assert.equal(s.state, 'ACTION_REQUIRED');
    assert.equal(s.reason?.code, 'RECONNECT_REQUIRED');
    assert.match(s.reason?.message ?? '', /LOGIN_REQUIRED/);
    assert.equal(refreshCalls(), 0);
  });

  void it('DEGRADED / INTERACTIVE_REFRESH → ACTION_REQUIRED INTERACTIVE_REFRESH', async () => {
    const s = await start('meld-conn-interactive');
    assert.deepEqual([s.state, s.reason?.code], ['ACTION_REQUIRED', 'INTERACTIVE_REFRESH']);
  });

  void it('409 at refresh time re-reads the connection and maps it (status changed under us)', async () => {
    // The connection breaks between our status read and the POST: Meld answers 409.
    const racing: FetchLike = (url, init) => {
      if (init?.method === 'POST')
        sim.setConnectionStatus('meld-conn-active', 'RECONNECT_REQUIRED', 'TOKEN_EXPIRED');
      return fetch(url, init);
    };
    const s = await start('meld-conn-active', providerWith(racing));
    assert.equal(s.state, 'ACTION_REQUIRED');
    assert.match(s.reason?.message ?? '', /TOKEN_EXPIRED/);
    assert.equal(sim.refreshStarts(`${MELD_SANDBOX_CUSTOMER}:meld-conn-active`), 0);
  });

  void it('429 → FAILED PROVIDER_THROTTLED with retryAt, and exactly one refresh call (no loop)', async () => {
    const s = await start('meld-conn-throttled');
    assert.equal(s.state, 'FAILED');
    assert.equal(s.reason?.code, 'PROVIDER_THROTTLED');
    assert.ok(s.reason?.retryAt && Date.parse(s.reason.retryAt) > Date.now());
    assert.equal(refreshCalls(), 1);
  });

  void it('a per-connection refresh limit also answers 429 → FAILED', async () => {
    const limited = await startMeldSimulator({
      apiKey: API_KEY,
      webhookSecret: 'x',
      timeScale: 0.05,
      refreshLimit: { max: 1, windowMs: 3_600_000 },
    });
    try {
      const provider = createMeldProvider(
        new MeldClient({ baseUrl: limited.url, apiKey: API_KEY, fetch, timeoutMs: 2000 }),
      );
      const req = { provider: 'meld' as const, resource: resource('meld-conn-active'), refreshKey: 'k' };
      assert.equal((await provider.startRefresh(req)).state, 'STARTED');
      await new Promise((r) => setTimeout(r, 300)); // let the first job finish so the second is not a join
      const second = await provider.startRefresh(req);
      assert.deepEqual([second.state, second.reason?.code], ['FAILED', 'PROVIDER_THROTTLED']);
    } finally {
      await limited.close();
    }
  });

  void it('meld-conn-no-webhook: polling alone sees completion', async () => {
    const s = await start('meld-conn-no-webhook');
    const { status } = await pollUntilSettled(refOf('meld-conn-no-webhook', s));
    assert.equal(status.state, 'SUCCEEDED');
  });

  void it('readRefreshStatus reports ACTION_REQUIRED when the connection breaks mid-refresh', async () => {
    const s = await start('meld-conn-slow');
    sim.setConnectionStatus('meld-conn-slow', 'RECONNECT_REQUIRED', 'LOGIN_REQUIRED');
    const status = await providerWith().readRefreshStatus(refOf('meld-conn-slow', s));
    assert.deepEqual([status.state, status.reason?.code], ['ACTION_REQUIRED', 'RECONNECT_REQUIRED']);
    assert.equal(status.providerStatus, 'RECONNECT_REQUIRED/LOGIN_REQUIRED');
  });

  void it('cached balances with pending transactions when availableAmount is missing', async () => {
    const ref = refOf('meld-conn-no-available', {
      refreshId: 'r',
      startedAt: new Date().toISOString(),
    } as RefreshStart);
    const [b] = await readBalances(providerWith(), { ...ref, refreshed: false, withPending: true });
    assert.ok(b);
    assert.deepEqual(
      [b.current, b.available, b.pending, b.freshness, b.note?.code],
      [100000, null, 1479, 'CACHED', 'NOT_REFRESHED'],
    );
    const [noPending] = await readBalances(providerWith(), { ...ref, refreshed: false });
    assert.equal(noPending?.pending, undefined, 'pending is only read when asked');
  });

  void it('filters by accountIds and marks accounts the refresh did not update as CACHED', async () => {
    const future = new Date(Date.now() + 60_000).toISOString();
    const ref = refOf('meld-conn-active', { refreshId: 'r', startedAt: future } as RefreshStart, [
      'meld-acct-active-card',
    ]);
    const balances = await readBalances(providerWith(), { ...ref, refreshed: true });
    assert.deepEqual(
      balances.map((b) => [b.accountId, b.freshness, b.note?.code]),
      [['meld-acct-active-card', 'CACHED', 'NOT_UPDATED_BY_REFRESH']],
    );
  });
});
