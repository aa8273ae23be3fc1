// Meld end to end on the real dev server: API → workflow → worker → Meld simulator (timeScale 0.1)
// → signed webhooks back into the API. Every sandbox connection reaches its result; webhooks
// delivered, missing (poll fallback), duplicated, delayed, forged and stale; the deadline; and
// sufficiency on every basis the Meld sandbox can show.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { BalanceCheckResult, NormalizedBalance } from '../../contracts/balance-check';
import { MELD_SANDBOX_CUSTOMER } from '../../providers/meld/sandbox';
import {
  MELD_SIGNATURE_HEADER,
  MELD_TIMESTAMP_HEADER,
  signMeldWebhook,
} from '../../providers/meld/signature';
import type { RunningMeldSimulator } from '../../providers/meld/simulator';
import { startTestStack, type TestStack } from '../helpers/stack';
import { answerOf, callerIdOf } from '../helpers/answers';
import { waitFor } from '../helpers/wait';
import type { balanceCheck } from '../../workflows';

const CUSTOMER = MELD_SANDBOX_CUSTOMER;
const key = (connectionId: string) => `${CUSTOMER}:${connectionId}`;

describe('Meld end to end on the sandbox', () => {
  let stack: TestStack;
  let sim: RunningMeldSimulator;

  before(async () => {
    stack = await startTestStack({ providers: ['meld'] });
    sim = stack.simulators.meld as RunningMeldSimulator;
  });
  after(async () => {
    await stack?.stop();
  });
  afterEach(() => {
    sim.setWebhookPlan({ mode: 'deliver' });
    sim.setAssumptionModes({ inProgressMeaning: 'linking', singleConnectionGet: 'served' });
    sim.clearFaults();
  });

  const body = (connectionId: string, extra: Record<string, unknown> = {}) => ({
    provider: 'meld',
    resource: { userId: CUSTOMER, memberId: connectionId },
    timeouts: { overallSeconds: 20 },
    ...extra,
  });

  /** Starts a check through the API and waits for its result there (Prefer: wait). */
  async function runCheck(b: Record<string, unknown>): Promise<BalanceCheckResult> {
    const res = await stack.api('POST', '/v1/balance-checks', b, { prefer: 'wait=30' });
    assert.equal(res.status, 200, `no result within 30 s: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.status, res.body.result.status);
    return res.body.result as BalanceCheckResult;
  }

  /** Starts a check through the API without waiting; result() follows the run on the server. */
  async function startCheck(b: Record<string, unknown>) {
    const res = await stack.api('POST', '/v1/balance-checks', b);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const { id, workflowId, runId } = res.body as { id: string; workflowId: string; runId: string };
    return {
      id,
      result: (): Promise<BalanceCheckResult> =>
        answerOf(stack.env.client.workflow.getHandle<typeof balanceCheck>(workflowId, runId), callerIdOf(id)),
    };
  }

  const account = (r: BalanceCheckResult, id: string): NormalizedBalance => {
    const found = r.balances.find((b) => b.accountId === id);
    assert.ok(found, `${id} missing from ${JSON.stringify(r.balances.map((b) => b.accountId))}`);
    return found;
  };
  const ms = (iso: string | null) => Date.parse(iso ?? '');
  const elapsed = (r: BalanceCheckResult) => ms(r.finishedAt) - ms(r.startedAt);
  const calls = (operation: string, since: number) =>
    sim.callLog().filter((c) => c.operation === operation && c.at >= since);

  /** POSTs a Meld webhook with raw bytes, signed as told (wrong secret, stale time, other URL…). */
  async function postMeldWebhook(
    payload: Record<string, unknown>,
    sign: { secret?: string; timestamp?: string; signedUrl?: string; omit?: 'signature' | 'timestamp' } = {},
  ) {
    const url = `${stack.apiUrl}/webhooks/meld`;
    const rawBody = Buffer.from(JSON.stringify(payload));
    const timestamp = sign.timestamp ?? new Date().toISOString();
    const signature = signMeldWebhook({
      secret: sign.secret ?? stack.providerEnv.MELD_WEBHOOK_SECRET!,
      timestamp,
      url: sign.signedUrl ?? url,
      rawBody,
    });
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (sign.omit !== 'signature') headers[MELD_SIGNATURE_HEADER] = signature;
    if (sign.omit !== 'timestamp') headers[MELD_TIMESTAMP_HEADER] = timestamp;
    const res = await fetch(url, { method: 'POST', headers, body: rawBody });
    return { status: res.status, text: await res.text() };
  }
  const meldEvent = (eventType: string, eventId: string, connectionId: string) => ({
    eventType,
    eventId,
    timestamp: new Date().toISOString(),
    accountId: 'meld-sim-account',
    profileId: 'meld-sim-profile',
    version: '2021-10-27',
    payload: { customerId: CUSTOMER, connectionId },
  });

  it('meld-conn-active: the UPDATED webhook completes the check with no poll; every account REALTIME in exact minor units', async () => {
    const starts = sim.refreshStarts(key('meld-conn-active'));
    const r = await runCheck(body('meld-conn-active'));
    assert.equal(r.status, 'COMPLETED', JSON.stringify(r.reason));
    assert.equal(r.reason, undefined);
    assert.equal(r.polls, 0, 'a webhook, not a timer poll, ended the wait');
    assert.ok(r.eventsAccepted >= 1);
    assert.equal(sim.refreshStarts(key('meld-conn-active')), starts + 1);
    assert.equal(r.balances.length, 5);
    for (const b of r.balances) {
      assert.equal(b.freshness, 'REALTIME', `${b.accountId}: ${JSON.stringify(b.note)}`);
      assert.ok(
        ms(b.asOf) >= ms(r.startedAt) - 1000,
        `${b.accountId} asOf ${b.asOf} before the check started ${r.startedAt}`,
      );
    }
    // The checking account drifts down one cent per refresh (a card swipe at the bank).
    const checking = account(r, 'meld-acct-active-checking');
    assert.equal(checking.kind, 'DEPOSITORY');
    assert.equal(checking.current, 1999 - (starts + 1));
    assert.equal(checking.available, 1999 - (starts + 1));
    assert.deepEqual(
      (({ kind, current, available, currency }) => ({ kind, current, available, currency }))(
        account(r, 'meld-acct-active-savings'),
      ),
      { kind: 'DEPOSITORY', current: 101, available: 10, currency: 'USD' },
    );
    const card = account(r, 'meld-acct-active-card');
    assert.deepEqual([card.kind, card.current, card.available], ['CREDIT', 20, 499_980]);
    const mortgage = account(r, 'meld-acct-active-mortgage');
    assert.deepEqual([mortgage.kind, mortgage.current, mortgage.available], ['LOAN', 25_000_010, null]);
    assert.equal(account(r, 'meld-acct-active-brokerage').current, 1_234_567_890_123);
  });

  it('meld-conn-slow: waits out a ~2 s job on webhooks (UPDATING then UPDATED), still no timer poll', async () => {
    const r = await runCheck(body('meld-conn-slow'));
    assert.equal(r.status, 'COMPLETED', JSON.stringify(r.reason));
    assert.equal(r.polls, 0);
    assert.equal(r.eventsAccepted, 2);
    assert.ok(elapsed(r) >= 1500, `finished after ${elapsed(r)} ms, before the job could have`);
    const checking = account(r, 'meld-acct-slow-checking');
    assert.deepEqual(
      [checking.freshness, checking.current, checking.available],
      ['REALTIME', 50_050, 48_005],
    );
  });

  it('meld-conn-no-webhook: no webhook ever; the poll sees balances.updatedAt pass the refresh start', async () => {
    const delivered = sim.webhookStats().delivered;
    const r = await runCheck(body('meld-conn-no-webhook'));
    assert.equal(r.status, 'COMPLETED', JSON.stringify(r.reason));
    assert.ok(r.polls >= 1, 'only a poll can have seen it');
    assert.equal(r.eventsAccepted, 0);
    assert.ok(elapsed(r) >= 4500, `the first poll waits Meld's 5 s floor, finished after ${elapsed(r)} ms`);
    assert.equal(
      sim.webhookStats().delivered,
      delivered,
      'the simulator sent no webhook for this connection',
    );
    const checking = account(r, 'meld-acct-no-webhook-checking');
    assert.equal(checking.freshness, 'REALTIME');
    assert.ok(ms(checking.asOf) >= ms(r.startedAt) - 1000, `asOf ${checking.asOf} vs start ${r.startedAt}`);
    assert.deepEqual([checking.current, checking.available], [7_525, 7_030]);
  });

  it('meld-conn-reconnect: RECONNECT_REQUIRED → ACTION_REQUIRED with the reason; no refresh is attempted', async () => {
    const since = Date.now();
    const r = await runCheck(body('meld-conn-reconnect'));
    assert.equal(r.status, 'ACTION_REQUIRED');
    assert.equal(r.reason?.code, 'RECONNECT_REQUIRED');
    assert.match(r.reason?.message ?? '', /LOGIN_REQUIRED/);
    assert.equal(calls('refresh', since).length, 0);
    assert.equal(sim.refreshStarts(key('meld-conn-reconnect')), 0);
  });

  it('meld-conn-interactive: DEGRADED/INTERACTIVE_REFRESH → ACTION_REQUIRED; no refresh is attempted', async () => {
    const since = Date.now();
    const r = await runCheck(body('meld-conn-interactive'));
    assert.equal(r.status, 'ACTION_REQUIRED');
    assert.equal(r.reason?.code, 'INTERACTIVE_REFRESH');
    assert.match(r.reason?.message ?? '', /DEGRADED/);
    assert.equal(calls('refresh', since).length, 0);
  });

  it('meld-conn-throttled: 429 → FAILED PROVIDER_THROTTLED with retryAt, and exactly one refresh call (no loop)', async () => {
    const since = Date.now();
    const r = await runCheck(body('meld-conn-throttled'));
    assert.equal(r.status, 'FAILED');
    assert.equal(r.reason?.code, 'PROVIDER_THROTTLED');
    // Retry-After is 3 h × timeScale 0.1 = 1080 s.
    const retryIn = ms(r.reason?.retryAt ?? null) - ms(r.finishedAt);
    assert.ok(retryIn > 1000_000 && retryIn <= 1080_000 + 5_000, `retryAt ${r.reason?.retryAt}`);
    const refreshes = calls('refresh', since);
    assert.deepEqual(
      refreshes.map((c) => c.status),
      [429],
      'one refresh call answered 429, never repeated',
    );
    assert.equal(sim.refreshStarts(key('meld-conn-throttled')), 0);
  });

  it('meld-conn-no-available: no availableAmount; pending read → CURRENT_LESS_PENDING, decided at the exact cent', async () => {
    const since = Date.now();
    const fundingAccountId = 'meld-acct-no-available-checking';
    // current 1000.00 − pending (19.99 + 0.10 + 0.20 − 5.50 = 14.79) = 985.21
    const enough = await runCheck(
      body('meld-conn-no-available', {
        fundingAccountId,
        requiredAmount: { amount: 98_521, currency: 'USD' },
      }),
    );
    assert.equal(enough.status, 'COMPLETED', JSON.stringify(enough.reason));
    const b = account(enough, fundingAccountId);
    assert.deepEqual([b.freshness, b.current, b.available, b.pending], ['REALTIME', 100_000, null, 1_479]);
    assert.deepEqual(enough.sufficiency, {
      decision: 'SUFFICIENT',
      basis: 'CURRENT_LESS_PENDING',
      fundingAccountId,
      requiredAmount: { amount: 98_521, currency: 'USD' },
      availableAmount: { amount: 98_521, currency: 'USD' },
    });
    assert.ok(calls('transactions', since).length >= 1, 'pending transactions were read');

    const short = await runCheck(
      body('meld-conn-no-available', {
        fundingAccountId,
        requiredAmount: { amount: 98_522, currency: 'USD' },
      }),
    );
    assert.equal(short.sufficiency?.decision, 'INSUFFICIENT');
    assert.equal(short.sufficiency?.basis, 'CURRENT_LESS_PENDING');
  });

  it('sufficiency end to end: AVAILABLE (depository), AVAILABLE_CREDIT (card), UNKNOWN (currency, not found, no spendable data)', async () => {
    const judge = async (fundingAccountId: string, amount: number, currency = 'USD') => {
      const r = await runCheck(
        body('meld-conn-active', { fundingAccountId, requiredAmount: { amount, currency } }),
      );
      assert.equal(r.status, 'COMPLETED', JSON.stringify(r.reason));
      assert.ok(r.sufficiency, 'a check with fundingAccountId + requiredAmount answers sufficiency');
      assert.equal(r.sufficiency.fundingAccountId, fundingAccountId);
      assert.deepEqual(r.sufficiency.requiredAmount, { amount, currency });
      return r.sufficiency;
    };
    const savings = await judge('meld-acct-active-savings', 10);
    assert.deepEqual(
      [savings.decision, savings.basis, savings.availableAmount],
      ['SUFFICIENT', 'AVAILABLE', { amount: 10, currency: 'USD' }],
    );
    assert.equal(savings.reason, undefined, 'decided on a REALTIME balance');

    const card = await judge('meld-acct-active-card', 499_981);
    assert.deepEqual(
      [card.decision, card.basis, card.availableAmount],
      ['INSUFFICIENT', 'AVAILABLE_CREDIT', { amount: 499_980, currency: 'USD' }],
    );

    const euro = await judge('meld-acct-active-savings', 10, 'EUR');
    assert.deepEqual(
      [euro.decision, euro.basis, euro.availableAmount, euro.reason?.code],
      ['UNKNOWN', 'NONE', null, 'CURRENCY_MISMATCH'],
    );

    const missing = await judge('meld-acct-does-not-exist', 1);
    assert.deepEqual([missing.decision, missing.reason?.code], ['UNKNOWN', 'ACCOUNT_NOT_FOUND']);

    const mortgage = await judge('meld-acct-active-mortgage', 1);
    assert.deepEqual([mortgage.decision, mortgage.reason?.code], ['UNKNOWN', 'NO_SPENDABLE_BALANCE']);
  });

  it('duplicated webhooks: every event posted twice, the check counts each once and starts one refresh', async () => {
    sim.setWebhookPlan({ mode: 'duplicate' });
    const starts = sim.refreshStarts(key('meld-conn-slow'));
    const before = sim.webhookStats();
    const r = await runCheck(body('meld-conn-slow'));
    assert.equal(r.status, 'COMPLETED', JSON.stringify(r.reason));
    assert.equal(r.eventsAccepted, 2, 'UPDATING and UPDATED, each once');
    assert.equal(r.polls, 0);
    assert.equal(sim.refreshStarts(key('meld-conn-slow')), starts + 1);
    // Both copies of both events were answered 2xx (the second copy as a duplicate).
    await waitFor(() => sim.webhookStats().delivered >= before.delivered + 4, 5_000);
    assert.equal(sim.webhookStats().failures, before.failures);
    assert.equal(account(r, 'meld-acct-slow-checking').freshness, 'REALTIME');
  });

  it('delayed webhooks: events held 2.5 s still end the check, before the first timer poll', async () => {
    sim.setWebhookPlan({ mode: 'delay', delayMs: 2_500 });
    const r = await runCheck(body('meld-conn-active'));
    assert.equal(r.status, 'COMPLETED', JSON.stringify(r.reason));
    assert.equal(r.polls, 0, 'the late webhook, not a poll, ended the wait');
    assert.ok(r.eventsAccepted >= 1);
    assert.ok(elapsed(r) >= 2_000, `finished after ${elapsed(r)} ms, before any webhook arrived`);
    assert.ok(r.balances.every((b) => b.freshness === 'REALTIME'));
  });

  it('forged, stale, re-targeted or unsigned webhooks → 401; the running check is unaffected and completes', async () => {
    const starts = sim.refreshStarts(key('meld-conn-slow'));
    const check = await startCheck(body('meld-conn-slow'));
    await waitFor(() => sim.refreshStarts(key('meld-conn-slow')) === starts + 1, 10_000, 20);
    // A forged "refresh done" would end the wait early (and read stale balances) if it were accepted.
    const forged = meldEvent('BANK_LINKING_ACCOUNTS_UPDATED', 'forged-1', 'meld-conn-slow');
    const wrongSecret = await postMeldWebhook(forged, { secret: 'not-the-webhook-secret' });
    assert.equal(wrongSecret.status, 401, wrongSecret.text);
    assert.match(wrongSecret.text, /SIGNATURE_MISMATCH/);
    const stale = await postMeldWebhook(forged, {
      timestamp: new Date(Date.now() - 10 * 60_000).toISOString(),
    });
    assert.equal(stale.status, 401, stale.text);
    assert.match(stale.text, /STALE_TIMESTAMP/);
    const otherUrl = await postMeldWebhook(forged, { signedUrl: 'https://attacker.example/webhooks/meld' });
    assert.equal(otherUrl.status, 401, otherUrl.text);
    const unsigned = await postMeldWebhook(forged, { omit: 'signature' });
    assert.equal(unsigned.status, 401, unsigned.text);
    // Control: the same signing with the right secret and time is accepted (WEBHOOK_TEST is ignored by design).
    const control = await postMeldWebhook(meldEvent('WEBHOOK_TEST', 'control-1', 'meld-conn-slow'));
    assert.equal(control.status, 202, control.text);

    const r = await check.result();
    assert.equal(r.status, 'COMPLETED', JSON.stringify(r.reason));
    assert.equal(r.eventsAccepted, 2, 'only the simulator’s own UPDATING and UPDATED');
    assert.ok(elapsed(r) >= 1500, `ended after ${elapsed(r)} ms: the forged completion was believed`);
    const checking = account(r, 'meld-acct-slow-checking');
    assert.equal(checking.freshness, 'REALTIME', JSON.stringify(checking.note));
  });

  it('joins a refresh already running at Meld (IN_PROGRESS) and completes on that refresh’s UPDATED webhook', async () => {
    // Someone else (Meld's own aggregation, another caller) started the refresh: we don't know its requestId.
    // The connection reads IN_PROGRESS meanwhile only where Meld means "refresh running" by it (a mode:
    // our reading is "linking not finished", assumptions.ts in-progress-meaning); either way we join.
    sim.setAssumptionModes({ inProgressMeaning: 'refresh-running' });
    const outside = await fetch(`${sim.url}/bank-linking/connections/meld-conn-slow/refresh`, {
      method: 'POST',
      headers: {
        authorization: `BASIC ${stack.providerEnv.MELD_API_KEY!}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ products: ['BALANCES'] }),
    });
    assert.equal(outside.status, 200, await outside.text());
    const starts = sim.refreshStarts(key('meld-conn-slow'));
    const r = await runCheck(body('meld-conn-slow'));
    assert.equal(r.status, 'COMPLETED', JSON.stringify(r.reason));
    assert.equal(sim.refreshStarts(key('meld-conn-slow')), starts, 'joined, started no second refresh');
    assert.equal(account(r, 'meld-acct-slow-checking').freshness, 'REALTIME');
    assert.equal(r.eventsAccepted, 1, 'the running refresh’s UPDATED webhook is about this check');
    assert.equal(r.polls, 0, 'the webhook, not the 5 s poll, ended the wait');
  });

  it('gives up at the deadline with TIMED_OUT when neither webhook nor poll sees completion', async () => {
    // A refresh is already running at Meld (IN_PROGRESS) and never finishes; webhooks are lost.
    sim.setWebhookPlan({ mode: 'drop' });
    sim.setConnectionStatus('meld-conn-no-webhook', 'IN_PROGRESS');
    try {
      const starts = sim.refreshStarts(key('meld-conn-no-webhook'));
      // 8 s: the first poll comes 5–6 s (Meld's floor + jitter) after the refresh starts, so one always fits.
      const r = await runCheck(body('meld-conn-no-webhook', { timeouts: { overallSeconds: 8 } }));
      assert.equal(r.status, 'TIMED_OUT', JSON.stringify(r));
      assert.equal(r.reason?.code, 'REFRESH_TIMEOUT');
      assert.ok(r.polls >= 1, 'it kept polling until the deadline');
      assert.ok(
        elapsed(r) >= 7_500 && elapsed(r) < 14_000,
        `gave up after ${elapsed(r)} ms for an 8 s deadline`,
      );
      assert.equal(
        sim.refreshStarts(key('meld-conn-no-webhook')),
        starts,
        'joined the running refresh, started none',
      );
    } finally {
      sim.setConnectionStatus('meld-conn-no-webhook', 'ACTIVE');
    }
  });
});
