// Spinwheel end to end on the real dev server: API → workflow → worker → Spinwheel simulator
// (timeScale 0.1) → shared-secret webhooks back into the API. Every sandbox card reaches its
// result, alone and mixed in one check; extRequestId keeps an activity retry from refreshing
// twice; webhook authentication; sufficiency on a card (AVAILABLE_CREDIT), realtime and cached.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { BalanceCheckResult, NormalizedBalance } from '../../contracts/balance-check';
import { SANDBOX_UPDATED_ON, SW_CARD, SW_USER_SANDBOX } from '../../providers/spinwheel/sandbox';
import type { RunningSpinwheelSimulator } from '../../providers/spinwheel/simulator';
import { startTestStack, type TestStack } from '../helpers/stack';

const SIX_HOURS_MS = 6 * 3600 * 1000;

describe('Spinwheel end to end on the sandbox', () => {
  let stack: TestStack;
  let sim: RunningSpinwheelSimulator;

  before(async () => {
    stack = await startTestStack({ providers: ['spinwheel'] });
    sim = stack.simulators.spinwheel as RunningSpinwheelSimulator;
  });
  after(async () => {
    await stack?.stop();
  });
  afterEach(() => {
    sim.clearFaults();
    sim.setWebhookPlan({ mode: 'deliver' });
  });

  const body = (extra: Record<string, unknown> = {}) => ({
    provider: 'spinwheel',
    resource: { userId: SW_USER_SANDBOX },
    timeouts: { overallSeconds: 20 },
    ...extra,
  });

  async function runCheck(b: Record<string, unknown>): Promise<BalanceCheckResult> {
    const res = await stack.api('POST', '/v1/balance-checks', b, { prefer: 'wait=30' });
    assert.equal(res.status, 200, `no result within 30 s: ${JSON.stringify(res.body)}`);
    return res.body.result as BalanceCheckResult;
  }

  const card = (r: BalanceCheckResult, id: string): NormalizedBalance => {
    const found = r.balances.find((b) => b.accountId === id);
    assert.ok(found, `${id} missing from ${JSON.stringify(r.balances.map((b) => b.accountId))}`);
    return found;
  };
  const ms = (iso: string | null | undefined) => Date.parse(iso ?? '');
  const refreshCalls = (since: number) =>
    sim.callLog().filter((c) => c.operation === 'refresh' && c.at >= since);

  /** The cached card exactly as the sandbox holds it before any refresh (amounts in cents). */
  const assertCached = (
    b: NormalizedBalance,
    code: string,
    owed: number,
    available: number,
    limit: number,
  ) => {
    assert.equal(b.freshness, 'CACHED');
    assert.equal(b.note?.code, code, JSON.stringify(b.note));
    assert.deepEqual(
      [b.kind, b.currency, b.current, b.available, b.limit],
      ['CREDIT', 'USD', owed, available, limit],
    );
    assert.equal(ms(b.asOf), SANDBOX_UPDATED_ON, 'the last known balance, not a new one');
  };

  it('sw-card-supported: refreshed → COMPLETED, REALTIME card in exact cents (1.005 → 101, 4998.995 → 499900)', async () => {
    const starts = sim.refreshStarts(SW_USER_SANDBOX);
    const r = await runCheck(body({ accountIds: [SW_CARD.supported] }));
    assert.equal(r.status, 'COMPLETED', JSON.stringify(r.reason));
    assert.equal(r.balances.length, 1);
    const b = card(r, SW_CARD.supported);
    assert.equal(b.freshness, 'REALTIME', JSON.stringify(b.note));
    assert.deepEqual([b.kind, b.current, b.available, b.limit], ['CREDIT', 101, 499_900, 500_000]);
    assert.ok(ms(b.asOf) >= ms(r.startedAt) - 1000, `asOf ${b.asOf} predates the check ${r.startedAt}`);
    assert.equal(sim.refreshStarts(SW_USER_SANDBOX), starts + 1);
  });

  it('sw-card-exhausted: NOT_SUPPORTED REFRESH_EXHAUSTED with retryAt; CACHED balance; sufficiency decided on it and says so', async () => {
    const since = Date.now();
    const r = await runCheck(
      body({
        accountIds: [SW_CARD.exhausted],
        fundingAccountId: SW_CARD.exhausted,
        requiredAmount: { amount: 99_970, currency: 'USD' },
      }),
    );
    assert.equal(r.status, 'NOT_SUPPORTED');
    assert.equal(r.reason?.code, 'REFRESH_EXHAUSTED');
    const retryIn = ms(r.reason?.retryAt) - Date.now();
    assert.ok(retryIn > SIX_HOURS_MS - 120_000 && retryIn <= SIX_HOURS_MS, `retryAt ${r.reason?.retryAt}`);
    const b = card(r, SW_CARD.exhausted);
    assertCached(b, 'REFRESH_EXHAUSTED', 30, 99_970, 100_000);
    assert.equal(b.note?.retryAt, r.reason?.retryAt);
    assert.equal(refreshCalls(since).length, 0, 'an ineligible card is never sent to refresh');
    assert.deepEqual(r.sufficiency, {
      decision: 'SUFFICIENT',
      basis: 'AVAILABLE_CREDIT',
      fundingAccountId: SW_CARD.exhausted,
      requiredAmount: { amount: 99_970, currency: 'USD' },
      availableAmount: { amount: 99_970, currency: 'USD' },
      reason: b.note,
    });
  });

  it('sw-card-closed: NOT_SUPPORTED CLOSED_ACCOUNT; CACHED balance with the reason', async () => {
    const r = await runCheck(body({ accountIds: [SW_CARD.closed] }));
    assert.equal(r.status, 'NOT_SUPPORTED');
    assert.equal(r.reason?.code, 'CLOSED_ACCOUNT');
    assert.equal(r.reason?.retryAt, undefined);
    assertCached(card(r, SW_CARD.closed), 'CLOSED_ACCOUNT', 1_999, 0, 0);
  });

  it('sw-card-field-error: NOT_SUPPORTED FIELD_ERROR naming the missing field; CACHED balance', async () => {
    const r = await runCheck(body({ accountIds: [SW_CARD.fieldError] }));
    assert.equal(r.status, 'NOT_SUPPORTED');
    assert.equal(r.reason?.code, 'FIELD_ERROR');
    assert.match(r.reason?.message ?? '', /CREDIT_CARD_NUMBER: NOT_PRESENT/);
    assertCached(card(r, SW_CARD.fieldError), 'FIELD_ERROR', 10, 249_990, 250_000);
  });

  it('sw-card-refresh-fails: FAILED → the last balance, CACHED with REFRESH_FAILED', async () => {
    const starts = sim.refreshStarts(SW_USER_SANDBOX);
    const r = await runCheck(body({ accountIds: [SW_CARD.refreshFails] }));
    assert.equal(r.status, 'FAILED');
    assert.equal(r.reason?.code, 'REFRESH_FAILED');
    assertCached(card(r, SW_CARD.refreshFails), 'REFRESH_FAILED', 25_020, 74_980, 100_000);
    assert.equal(sim.refreshStarts(SW_USER_SANDBOX), starts + 1, 'it was refreshed (and failed) once');
  });

  it('mixed cards in one check: refresh the two SUPPORTED cards only; each card gets its own freshness and reason', async () => {
    const since = Date.now();
    const r = await runCheck(
      body({ fundingAccountId: SW_CARD.supported, requiredAmount: { amount: 499_900, currency: 'USD' } }),
    );
    assert.equal(r.status, 'COMPLETED', JSON.stringify(r.reason));
    assert.equal(r.balances.length, 5);
    const supported = card(r, SW_CARD.supported);
    assert.equal(supported.freshness, 'REALTIME', JSON.stringify(supported.note));
    assert.deepEqual([supported.current, supported.available], [101, 499_900]);
    assertCached(card(r, SW_CARD.exhausted), 'REFRESH_EXHAUSTED', 30, 99_970, 100_000);
    assert.ok(card(r, SW_CARD.exhausted).note?.retryAt, 'the exhausted card says when to come back');
    assertCached(card(r, SW_CARD.closed), 'CLOSED_ACCOUNT', 1_999, 0, 0);
    assertCached(card(r, SW_CARD.fieldError), 'FIELD_ERROR', 10, 249_990, 250_000);
    assertCached(card(r, SW_CARD.refreshFails), 'REFRESH_FAILED', 25_020, 74_980, 100_000);
    // One refresh call naming exactly the SUPPORTED cards.
    const requests = sim.refreshRequests().filter((q) => q.at >= since);
    assert.equal(requests.length, 1);
    assert.deepEqual(
      [...requests[0]!.creditCardIds].sort(),
      [SW_CARD.refreshFails, SW_CARD.supported].sort(),
    );
    assert.equal(refreshCalls(since).length, 1);
    // Sufficiency on the realtime card: AVAILABLE_CREDIT, no cached caveat.
    assert.deepEqual(r.sufficiency, {
      decision: 'SUFFICIENT',
      basis: 'AVAILABLE_CREDIT',
      fundingAccountId: SW_CARD.supported,
      requiredAmount: { amount: 499_900, currency: 'USD' },
      availableAmount: { amount: 499_900, currency: 'USD' },
    });
  });

  it('same extRequestId never refreshes twice across an activity retry (response lost after the refresh was recorded)', async () => {
    sim.reset();
    // The simulator records the transaction, then the answer is lost (socket destroyed): the activity retries.
    sim.loseResponses('refresh', 1);
    const r = await runCheck(body({ accountIds: [SW_CARD.supported] }));
    assert.equal(r.status, 'COMPLETED', JSON.stringify(r.reason));
    assert.equal(card(r, SW_CARD.supported).freshness, 'REALTIME');
    assert.equal(sim.refreshStarts(SW_USER_SANDBOX), 1, 'one refresh transaction at Spinwheel');
    const requests = sim.refreshRequests();
    assert.equal(requests.length, 2, 'the refresh call was retried');
    assert.equal(requests[0]!.extRequestId, requests[1]!.extRequestId, 'with the same idempotency key');
    assert.deepEqual(
      requests.map((q) => q.responseLost),
      [true, false],
    );
    assert.deepEqual(
      sim
        .callLog()
        .filter((c) => c.operation === 'refresh')
        .map((c) => c.status),
      [0, 200],
      'first answer lost, the retry answered by replaying the transaction',
    );
  });

  it('a 503 before the refresh is recorded is retried too, and still one refresh transaction', async () => {
    sim.reset();
    sim.injectFault('refresh', { status: 503 });
    const r = await runCheck(body({ accountIds: [SW_CARD.supported] }));
    assert.equal(r.status, 'COMPLETED', JSON.stringify(r.reason));
    assert.equal(sim.refreshStarts(SW_USER_SANDBOX), 1);
    assert.deepEqual(
      sim
        .callLog()
        .filter((c) => c.operation === 'refresh')
        .map((c) => c.status),
      [503, 200],
    );
  });

  it('POST /webhooks/spinwheel with a wrong or missing secret header → 401; the right one is accepted', async () => {
    const url = `${stack.apiUrl}/webhooks/spinwheel`;
    const header = stack.providerEnv.SPINWHEEL_WEBHOOK_HEADER!;
    const secret = stack.providerEnv.SPINWHEEL_WEBHOOK_SECRET!;
    const payload = JSON.stringify({
      webhookId: 'wh-test-1',
      subscriptionId: 'sub-test',
      eventType: 'REFRESH_TRANSACTION_STATUS',
      userId: 'sw-user-nobody',
      data: { extRequestId: 'x', refreshTransactionStatus: 'COMPLETED', creditCardId: SW_CARD.supported },
    });
    const post = (headers: Record<string, string>) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: payload,
      });

    const missing = await post({});
    assert.equal(missing.status, 401, await missing.text());
    const wrong = await post({ [header]: `${secret}-wrong` });
    assert.equal(wrong.status, 401, await wrong.text());
    const empty = await post({ [header]: '' });
    assert.equal(empty.status, 401, await empty.text());
    const otherHeader = await post({ 'x-some-other-header': secret });
    assert.equal(otherHeader.status, 401, await otherHeader.text());
    // Control: the configured header and secret pass authentication (no check runs for this user).
    const right = await post({ [header]: secret });
    assert.equal(right.status, 202, await right.text());
  });
});
