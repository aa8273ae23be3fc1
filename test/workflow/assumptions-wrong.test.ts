// Every provider guess that sits on a request or a parse (providers/*/assumptions.ts, `simulatorMode`)
// run the other way through the real stack: API → workflow on the dev server → worker → simulator in
// the mode that contradicts the guess → webhooks back. Each check must still end right, or end with a
// clear typed reason — never run to its deadline. Checks get a 20 s deadline and a 30 s wait; every
// one here must end well before (asserted), so a guess that turns into a hang fails the test.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { BalanceCheckResult, NormalizedBalance } from '../../contracts/balance-check';
import { MELD_ASSUMPTION_LIST } from '../../providers/meld/assumptions';
import { MELD_SANDBOX_CUSTOMER } from '../../providers/meld/sandbox';
import type { RunningMeldSimulator } from '../../providers/meld/simulator';
import { MX_ASSUMPTIONS } from '../../providers/mx/assumptions';
import { MX_SANDBOX_USER } from '../../providers/mx/sandbox';
import type { RunningMxSimulator } from '../../providers/mx/simulator';
import { SPINWHEEL_ASSUMPTIONS } from '../../providers/spinwheel/assumptions';
import { SW_CARD, SW_USER_SANDBOX, SW_USER_SINGLE } from '../../providers/spinwheel/sandbox';
import type { RunningSpinwheelSimulator } from '../../providers/spinwheel/simulator';
import { startTestStack, type TestStack } from '../helpers/stack';

const DEADLINE_S = 20;
/** A check that ends this long before its deadline did not merely time out. */
const WELL_BEFORE_MS = 12_000;

/** Assumption ids whose guess-wrong run is in this file (each describe adds its own). */
const covered = new Set<string>();

describe('provider guesses run the other way through the real workflow', () => {
  let stack: TestStack;
  let mx: RunningMxSimulator;
  let meld: RunningMeldSimulator;
  let sw: RunningSpinwheelSimulator;

  before(async () => {
    stack = await startTestStack({ providers: ['mx', 'meld', 'spinwheel'] });
    mx = stack.simulators.mx as RunningMxSimulator;
    meld = stack.simulators.meld as RunningMeldSimulator;
    sw = stack.simulators.spinwheel as RunningSpinwheelSimulator;
  });
  after(async () => {
    await stack?.stop();
  });
  afterEach(() => {
    mx.reset();
    meld.reset();
    sw.reset();
  });

  async function runCheck(body: Record<string, unknown>): Promise<BalanceCheckResult> {
    const res = await stack.api(
      'POST',
      '/v1/balance-checks',
      { timeouts: { overallSeconds: DEADLINE_S }, ...body },
      { prefer: 'wait=30' },
    );
    assert.equal(res.status, 200, `no result within 30 s: ${JSON.stringify(res.body)}`);
    const r = res.body.result as BalanceCheckResult;
    const took = Date.parse(r.finishedAt) - Date.parse(r.startedAt);
    assert.ok(took < WELL_BEFORE_MS, `ended after ${took} ms: the guess turned into a wait for the deadline`);
    assert.notEqual(r.status, 'TIMED_OUT', JSON.stringify(r.reason));
    return r;
  }
  const card = (r: BalanceCheckResult, id: string): NormalizedBalance => {
    const found = r.balances.find((b) => b.accountId === id);
    assert.ok(found, `${id} missing from ${JSON.stringify(r.balances.map((b) => b.accountId))}`);
    return found;
  };
  const spinwheel = (accountIds?: string[], userId = SW_USER_SANDBOX) => ({
    provider: 'spinwheel',
    resource: { userId },
    ...(accountIds ? { accountIds } : {}),
  });
  const meldCheck = (connectionId: string) => ({
    provider: 'meld',
    resource: { userId: MELD_SANDBOX_CUSTOMER, memberId: connectionId },
  });

  describe('Spinwheel', () => {
    // First: the status endpoint is absent. The sandbox worker probes it (SPINWHEEL_STATUS_ENDPOINT=probe),
    // gets 404 once and stays on the documented path, so every later Spinwheel check here runs on it.
    it('status-endpoint absent: one probe (404), then the documented path completes the check; no second probe', async () => {
      covered.add('status-endpoint');
      covered.add('completion-by-user-read');
      sw.setAssumptionModes({ statusEndpoint: 'absent' });
      const r = await runCheck(spinwheel([SW_CARD.supported]));
      assert.equal(r.status, 'COMPLETED', JSON.stringify(r.reason));
      const b = card(r, SW_CARD.supported);
      assert.equal(b.freshness, 'REALTIME', JSON.stringify(b.note));
      assert.deepEqual([b.current, b.available], [101, 499_900]);
      const probes = sw.callLog().filter((c) => c.operation === 'refresh_status');
      assert.deepEqual(
        probes.map((c) => c.status),
        [404],
        'probed once; a 404 never failed the check',
      );
      sw.reset();
      const again = await runCheck(spinwheel([SW_CARD.supported]));
      assert.equal(again.status, 'COMPLETED');
      assert.equal(sw.callLog().filter((c) => c.operation === 'refresh_status').length, 0);
    });

    it('documented path, every card: the FAILED card comes back CACHED REFRESH_NOT_CONFIRMED; the rest as before', async () => {
      const r = await runCheck(spinwheel());
      assert.equal(r.status, 'COMPLETED', JSON.stringify(r.reason));
      assert.equal(card(r, SW_CARD.supported).freshness, 'REALTIME');
      const failed = card(r, SW_CARD.refreshFails);
      assert.deepEqual([failed.freshness, failed.note?.code], ['CACHED', 'REFRESH_NOT_CONFIRMED']);
      assert.equal(card(r, SW_CARD.exhausted).note?.code, 'REFRESH_EXHAUSTED');
      assert.equal(card(r, SW_CARD.closed).note?.code, 'CLOSED_ACCOUNT');
    });

    it('documented path, only the failing card: FAILED REFRESH_NOT_CONFIRMED with its last balance, not a timeout', async () => {
      const r = await runCheck(spinwheel([SW_CARD.refreshFails]));
      assert.deepEqual([r.status, r.reason?.code], ['FAILED', 'REFRESH_NOT_CONFIRMED']);
      assert.equal(card(r, SW_CARD.refreshFails).freshness, 'CACHED');
    });

    it('capability-name wrong (Spinwheel wants another name): 400, one retry without capabilities, COMPLETED', async () => {
      covered.add('capability-name');
      sw.setAssumptionModes({ capabilityName: 'REAL_TIME_BALANCE' });
      const r = await runCheck(spinwheel([SW_CARD.single], SW_USER_SINGLE));
      assert.equal(r.status, 'COMPLETED', JSON.stringify(r.reason));
      assert.equal(card(r, SW_CARD.single).freshness, 'REALTIME');
      assert.deepEqual(
        sw
          .callLog()
          .filter((c) => c.operation === 'refresh')
          .map((c) => c.status),
        [400, 200],
      );
      assert.equal(sw.refreshStarts(SW_USER_SINGLE), 1);
    });

    it('in-progress-webhooks wrong (none sent): COMPLETED', async () => {
      covered.add('in-progress-webhooks');
      sw.setAssumptionModes({ inProgressWebhooks: false });
      const r = await runCheck(spinwheel([SW_CARD.supported]));
      assert.equal(r.status, 'COMPLETED', JSON.stringify(r.reason));
      assert.equal(card(r, SW_CARD.supported).freshness, 'REALTIME');
    });

    it('webhook-data-shape wrong (no extRequestId in data): the event is confirmed by a user read; COMPLETED', async () => {
      covered.add('webhook-data-shape');
      sw.setAssumptionModes({ webhookExtRequestId: false });
      const r = await runCheck(spinwheel([SW_CARD.supported]));
      assert.equal(r.status, 'COMPLETED', JSON.stringify(r.reason));
      assert.equal(card(r, SW_CARD.supported).freshness, 'REALTIME');
      assert.ok(r.eventsAccepted >= 1, 'the webhooks still counted for this check');
    });

    it('updated-on-epoch-ms wrong (ISO 8601 strings): the user read still parses; COMPLETED with the right asOf', async () => {
      covered.add('updated-on-epoch-ms');
      sw.setAssumptionModes({ updatedOnFormat: 'iso-8601' });
      const r = await runCheck(spinwheel([SW_CARD.supported]));
      assert.equal(r.status, 'COMPLETED', JSON.stringify(r.reason));
      const b = card(r, SW_CARD.supported);
      assert.equal(b.freshness, 'REALTIME');
      assert.ok(Date.parse(b.asOf ?? '') >= Date.parse(r.startedAt) - 1000, `asOf ${b.asOf}`);
    });

    it('ext-request-id-replay wrong (a replay answers 409) after a lost answer: still one refresh, COMPLETED', async () => {
      covered.add('ext-request-id-replay');
      sw.setAssumptionModes({ replay: 'conflict' });
      sw.loseResponses('refresh', 1);
      const r = await runCheck(spinwheel([SW_CARD.supported]));
      assert.equal(r.status, 'COMPLETED', JSON.stringify(r.reason));
      assert.equal(sw.refreshStarts(SW_USER_SANDBOX), 1);
      assert.deepEqual(
        sw
          .callLog()
          .filter((c) => c.operation === 'refresh')
          .map((c) => c.status),
        [0, 409],
      );
    });

    it('no webhooks at all on the documented path: polling GET /v1/users finishes the check', async () => {
      sw.setWebhookPlan({ mode: 'drop' });
      const r = await runCheck(spinwheel([SW_CARD.supported]));
      assert.equal(r.status, 'COMPLETED', JSON.stringify(r.reason));
      assert.ok(r.polls >= 1);
    });
  });

  describe('Meld', () => {
    it('connection-from-list: without the single-connection GET the check completes from the documented list', async () => {
      covered.add('connection-from-list');
      meld.setAssumptionModes({ singleConnectionGet: 'absent' });
      const r = await runCheck(meldCheck('meld-conn-active'));
      assert.equal(r.status, 'COMPLETED', JSON.stringify(r.reason));
      assert.ok(r.balances.every((b) => b.freshness === 'REALTIME'));
      assert.ok(
        meld
          .callLog()
          .filter((c) => c.operation === 'connections')
          .every((c) => c.status === 200),
        'no connection read failed',
      );
    });

    it('in-progress-meaning wrong (IN_PROGRESS while a refresh runs): webhook and polling checks both complete', async () => {
      covered.add('in-progress-meaning');
      meld.setAssumptionModes({ inProgressMeaning: 'refresh-running' });
      const hooked = await runCheck(meldCheck('meld-conn-active'));
      assert.equal(hooked.status, 'COMPLETED', JSON.stringify(hooked.reason));
      const polled = await runCheck(meldCheck('meld-conn-no-webhook'));
      assert.equal(polled.status, 'COMPLETED', JSON.stringify(polled.reason));
      assert.ok(polled.polls >= 1, 'polls saw the refresh end through balances.updatedAt');
    });

    it('in-progress-meaning as settled (linking not finished): ACTION_REQUIRED CONNECTION_NOT_READY at once', async () => {
      meld.setConnectionStatus('meld-conn-active', 'IN_PROGRESS', null, { neverAggregated: true });
      const r = await runCheck(meldCheck('meld-conn-active'));
      assert.deepEqual([r.status, r.reason?.code], ['ACTION_REQUIRED', 'CONNECTION_NOT_READY']);
      assert.equal(meld.refreshStarts(`${MELD_SANDBOX_CUSTOMER}:meld-conn-active`), 0);
    });

    it('inactive-account-statuses: a CLOSED account does not hold a polled check open and is left out', async () => {
      covered.add('inactive-account-statuses');
      meld.setAccountStatus('meld-acct-active-savings', 'CLOSED');
      meld.setWebhookPlan({ mode: 'drop' });
      const r = await runCheck(meldCheck('meld-conn-active'));
      assert.equal(r.status, 'COMPLETED', JSON.stringify(r.reason));
      assert.equal(r.balances.length, 4);
      assert.ok(!r.balances.some((b) => b.accountId === 'meld-acct-active-savings'));
    });

    it('inactive-account-statuses wrong (closed under another word): the UPDATED webhook completes it; the account says NOT_UPDATED_BY_REFRESH', async () => {
      meld.setAccountStatus('meld-acct-active-savings', 'DORMANT');
      const r = await runCheck(meldCheck('meld-conn-active'));
      assert.equal(r.status, 'COMPLETED', JSON.stringify(r.reason));
      const dormant = card(r, 'meld-acct-active-savings');
      assert.deepEqual([dormant.freshness, dormant.note?.code], ['CACHED', 'NOT_UPDATED_BY_REFRESH']);
    });
  });

  describe('MX', () => {
    it('throttle-429 without Retry-After: one check_balance call, NOT_SUPPORTED REFRESH_THROTTLED with cached balances', async () => {
      covered.add('throttle-429');
      mx.injectFault('check_balance', { status: 429, times: 20 });
      const r = await runCheck({
        provider: 'mx',
        resource: { userId: MX_SANDBOX_USER, memberId: 'MBR-connected' },
      });
      assert.deepEqual([r.status, r.reason?.code], ['NOT_SUPPORTED', 'REFRESH_THROTTLED']);
      assert.ok(r.balances.length > 0 && r.balances.every((b) => b.freshness === 'CACHED'));
      assert.equal(
        mx.callLog().filter((c) => c.operation === 'check_balance').length,
        1,
        'no retry storm on the member throttle',
      );
    });
  });

  it('every assumption with a simulator mode has its guess-wrong run above', () => {
    const withMode = [...SPINWHEEL_ASSUMPTIONS, ...MELD_ASSUMPTION_LIST, ...MX_ASSUMPTIONS]
      .filter((a) => a.simulatorMode)
      .map((a) => a.id);
    assert.deepEqual(
      withMode.filter((id) => !covered.has(id)),
      [],
    );
  });
});
