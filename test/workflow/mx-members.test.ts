// MX on the real dev server + MX simulator, through the API: every sandbox member reaches its
// result; a webhook ends a check without waiting for a poll, polling alone ends MBR-no-webhook;
// duplicate and stale webhooks are harmless; the result carries exact integer minor units.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NormalizedBalance } from '../../contracts/balance-check';
import { providerEventSignal, statusQuery } from '../../workflows/definitions';
import { useMxCheckStack } from '../helpers/mx-checks';
import { waitFor } from '../helpers/wait';

const USER = 'USR-sandbox';
/** providers/mx/registration.ts SANDBOX.webhook: what the simulator sends and the API expects. */
const WEBHOOK_AUTH = `Basic ${Buffer.from('mx-webhooks:sandbox-webhook-password').toString('base64')}`;
/** MX_POLLING.minIntervalMs: no status poll happens before this. */
const POLL_FLOOR_MS = 3000;

/**
 * MBR-connected after a refresh, from providers/mx/sandbox*.ts, written out by hand so a float
 * conversion (19.99 * 100 = 1998.999…) or a sign/kind mistake fails. Closed accounts are left out.
 * [account suffix, kind, providerType, currency, current, available, limit]
 */
const CONNECTED_EXPECTED: [
  string,
  NormalizedBalance['kind'],
  string,
  string,
  number,
  number | null,
  number | null,
][] = [
  ['checking', 'DEPOSITORY', 'CHECKING', 'USD', 250030, 1999, null],
  ['checking-pending', 'DEPOSITORY', 'CHECKING', 'USD', 25007, null, null],
  ['savings', 'DEPOSITORY', 'SAVINGS', 'USD', 123456789, 123456789, null],
  ['credit-card', 'CREDIT', 'CREDIT_CARD', 'USD', 435, 499565, 500000],
  ['overdrawn', 'DEPOSITORY', 'CHECKING', 'USD', -4510, -4510, null],
  ['money-market', 'DEPOSITORY', 'SAVINGS/MONEY_MARKET', 'USD', 30, 30, null],
  ['cd', 'DEPOSITORY', 'SAVINGS/CERTIFICATE_OF_DEPOSIT', 'USD', 1000001, null, null],
  ['prepaid', 'DEPOSITORY', 'PREPAID', 'USD', 101, 101, null], // 1.005 → 101 (half away from zero)
  ['cash', 'DEPOSITORY', 'CASH', 'USD', 2020, null, null],
  ['line-of-credit', 'CREDIT', 'LINE_OF_CREDIT', 'USD', 150050, 849950, 1000000],
  ['overdraft-line', 'CREDIT', 'CHECKING_LINE_OF_CREDIT', 'USD', 0, 50000, 50000],
  ['overpaid-card', 'CREDIT', 'CREDIT_CARD', 'USD', -2550, 102550, 100000],
  ['auto-loan', 'LOAN', 'LOAN/AUTO', 'USD', 1523456, null, null],
  ['student-loan', 'LOAN', 'LOAN/STUDENT', 'USD', 3200099, null, null],
  ['mortgage', 'LOAN', 'MORTGAGE', 'USD', 25000001, null, null],
  ['brokerage', 'INVESTMENT', 'INVESTMENT/BROKERAGE', 'USD', 9876543210123, null, null],
  ['retirement', 'INVESTMENT', 'INVESTMENT/401_K', 'USD', 5555555, null, null],
  ['insurance', 'OTHER', 'INSURANCE', 'USD', 100000, null, null],
  ['property', 'OTHER', 'PROPERTY', 'USD', 35000000, null, null],
  ['eur-savings', 'DEPOSITORY', 'SAVINGS', 'EUR', 99999, 99999, null],
  ['jpy-savings', 'DEPOSITORY', 'SAVINGS', 'JPY', 123456, 123456, null], // JPY has no minor unit
  ['no-currency', 'DEPOSITORY', 'CHECKING', 'USD', 1999, 1999, null], // MX omitted currency_code → USD
];

describe('MX members end to end (dev server + simulator + API)', () => {
  const { stack, sim, handleOf, resultOf, calls, start } = useMxCheckStack();

  async function webhook(body: unknown) {
    return stack().api('POST', '/webhooks/mx', body, { authorization: WEBHOOK_AUTH });
  }

  it('MBR-connected: COMPLETED on the BALANCE webhook with no poll; exact minor units, kinds, currencies, REALTIME', async () => {
    const t0 = Date.now();
    const check = await start('MBR-connected');
    const result = await resultOf(check);
    const elapsed = Date.now() - t0;

    assert.equal(result.status, 'COMPLETED', JSON.stringify(result.reason));
    assert.equal(result.reason, undefined);
    // The webhook ended the wait: no timer-driven poll, well before the 3 s floor. At test speed the job
    // can finish in the second the refresh started; MX stamps whole seconds, so such a completion is
    // confirmed by one status read (it might be the previous refresh's) — never more.
    assert.equal(result.polls, 0);
    assert.equal(result.eventsAccepted, 1);
    assert.ok(calls('status').length <= 1, `${calls('status').length} status reads`);
    assert.ok(elapsed < POLL_FLOOR_MS, `took ${elapsed} ms: it waited for a poll`);
    assert.equal(sim().refreshStarts(`${USER}:MBR-connected`), 1);
    assert.equal(result.mfaRounds, 0);
    assert.deepEqual(result.resource, { userId: USER, memberId: 'MBR-connected' });

    const byId = new Map(result.balances.map((b) => [b.accountId, b]));
    assert.equal(
      byId.has('ACT-connected-closed'),
      false,
      'closed accounts are not returned unless asked for',
    );
    assert.equal(result.balances.length, CONNECTED_EXPECTED.length);
    for (const [suffix, kind, providerType, currency, current, available, limit] of CONNECTED_EXPECTED) {
      const id = `ACT-connected-${suffix}`;
      const b = byId.get(id);
      assert.ok(b, `missing ${id}`);
      assert.deepEqual(
        {
          kind: b.kind,
          providerType: b.providerType,
          currency: b.currency,
          current: b.current,
          available: b.available,
          limit: b.limit,
        },
        { kind, providerType, currency, current, available, limit },
        id,
      );
      for (const v of [b.current, b.available, b.limit])
        assert.ok(v === null || Number.isSafeInteger(v), `${id}: ${v} is not an integer`);
      assert.equal(b.freshness, 'REALTIME', id);
      assert.equal(b.note, undefined, id);
      assert.ok(
        b.asOf && Date.parse(b.asOf) >= Math.floor(Date.parse(result.startedAt) / 1000) * 1000,
        `${id} asOf ${b.asOf} predates the check`,
      );
    }

    const history = await handleOf(check).fetchHistory();
    const events = history.events?.length ?? 0;
    console.log(`MX happy-path (MBR-connected) balanceCheck history: ${events} events`);
    assert.ok(events > 0 && events < 60, `history has ${events} events`);

    // A late webhook after the check closed is answered, and starts nothing.
    const late = await webhook({
      action: 'member_data_updated',
      type: 'BALANCE',
      member_guid: 'MBR-connected',
      user_guid: USER,
      completed_at: Math.floor(Date.now() / 1000) + 5,
    });
    assert.equal(late.status, 202, JSON.stringify(late.body));
    assert.equal(late.body.status, 'no-running-check');
  });

  it('MBR-slow (~20 s at timeScale 1): status query shows phase, polls, next poll time, deadline; COMPLETED on the webhook before the first poll', async () => {
    const t0 = Date.now();
    const check = await start('MBR-slow', { timeouts: { overallSeconds: 60 } });
    await waitFor(async () => (await handleOf(check).query(statusQuery)).phase === 'REFRESHING');
    const state = await handleOf(check).query(statusQuery);
    assert.equal(state.provider, 'mx');
    assert.deepEqual(state.resource, { userId: USER, memberId: 'MBR-slow' });
    assert.deepEqual(state.challenges, []);
    assert.equal(state.polls, 0);
    assert.equal(state.mfaDeadline, null);
    assert.equal(state.result, null);
    assert.equal(Date.parse(state.deadline) - Date.parse(state.startedAt), 60_000);
    assert.ok(state.nextPollAt, 'nextPollAt is set while waiting');
    const untilPoll = Date.parse(state.nextPollAt) - Date.parse(state.startedAt);
    assert.ok(
      untilPoll >= POLL_FLOOR_MS && untilPoll <= POLL_FLOOR_MS * 1.2 + 2000,
      `next poll ${untilPoll} ms after start`,
    );

    // The API shows the same view, and refuses MFA answers at once (409) while nothing is pending.
    const view = await stack().api('GET', `/v1/balance-checks/${check.id}`);
    assert.equal(view.status, 200);
    assert.equal(view.body.status, 'RUNNING');
    assert.equal(view.body.phase, 'REFRESHING');
    assert.equal(view.body.polls, 0);
    assert.equal(view.body.deadline, state.deadline);
    assert.ok(view.body.nextPollAt);
    const asked = Date.now();
    const mfa = await stack().api('POST', `/v1/balance-checks/${check.id}/mfa`, {
      answers: [{ challengeId: 'CRD-sandbox-text-1', value: 'correct' }],
    });
    assert.equal(mfa.status, 409, JSON.stringify(mfa.body));
    assert.match(mfa.body.type, /not-awaiting-mfa$/);
    assert.match(mfa.body.detail, /not waiting for MFA \(phase REFRESHING\)/);
    assert.ok(Date.now() - asked < 2000, 'the validator answers at once');

    // A provider event delivered twice (same eventId) counts once in the workflow.
    const event = {
      eventId: 'test:dup:1',
      provider: 'mx' as const,
      kind: 'STATUS_CHANGED' as const,
      providerStatus: 'CONNECTED',
    };
    await handleOf(check).signal(providerEventSignal, event);
    await handleOf(check).signal(providerEventSignal, event);

    const result = await resultOf(check);
    const elapsed = Date.now() - t0;
    assert.equal(result.status, 'COMPLETED', JSON.stringify(result.reason));
    assert.ok(
      elapsed >= 1800,
      `MBR-slow finished in ${elapsed} ms; the simulated job takes 2 s at timeScale 0.1`,
    );
    assert.equal(result.polls, 0, 'the BALANCE webhook (at ~2 s) beat the first poll (≥ 3 s)');
    assert.equal(result.eventsAccepted, 2, 'one STATUS_CHANGED (its duplicate dropped) + one BALANCE');
    assert.ok(result.balances.every((b) => b.freshness === 'REALTIME'));
    assert.equal(sim().refreshStarts(`${USER}:MBR-slow`), 1);
  });

  it('MBR-no-webhook: only polling finishes it; a stale BALANCE webhook does not end it early', async () => {
    const t0 = Date.now();
    const check = await start('MBR-no-webhook', { timeouts: { overallSeconds: 60 } });
    await waitFor(async () => (await handleOf(check).query(statusQuery)).phase === 'REFRESHING');
    // An old BALANCE webhook (an hour before this refresh) reaches the workflow but is stale.
    const stale = await webhook({
      action: 'member_data_updated',
      type: 'BALANCE',
      member_guid: 'MBR-no-webhook',
      user_guid: USER,
      completed_at: Math.floor(Date.now() / 1000) - 3600,
      completed_on: '2026-01-01',
    });
    assert.equal(stale.status, 204, JSON.stringify(stale.body));
    const result = await resultOf(check);
    assert.equal(result.status, 'COMPLETED', JSON.stringify(result.reason));
    assert.ok(result.polls >= 1, 'a poll finished it');
    assert.equal(result.eventsAccepted, 0, 'the stale event was not accepted');
    assert.ok(Date.now() - t0 >= POLL_FLOOR_MS, 'it cannot finish before the first poll');
    assert.ok(calls('status').length >= 1);
    assert.ok(result.balances.length > 0 && result.balances.every((b) => b.freshness === 'REALTIME'));
    assert.equal(result.balances.find((b) => b.accountId === 'ACT-no-webhook-checking')?.available, 1999);
  });

  it('MBR-denied → FAILED (PROVIDER_DENIED) after two agreeing reads, cached balances returned', async () => {
    const check = await start('MBR-denied');
    const result = await resultOf(check);
    assert.equal(result.status, 'FAILED');
    assert.equal(result.reason?.code, 'PROVIDER_DENIED');
    assert.ok(result.reason?.message);
    assert.ok(calls('status').length >= 2, 'MX failure is confirmed by two status reads');
    assert.ok(
      result.balances.length > 0 &&
        result.balances.every((b) => b.freshness === 'CACHED' && b.note?.code === 'PROVIDER_DENIED'),
    );
    assert.equal(result.balances.find((b) => b.accountId === 'ACT-denied-checking')?.current, 250030);
  });

  it('MBR-failed → FAILED (PROVIDER_FAILED), found by polling (MX sends no webhook for FAILED)', async () => {
    const check = await start('MBR-failed');
    const result = await resultOf(check);
    assert.equal(result.status, 'FAILED');
    assert.equal(result.reason?.code, 'PROVIDER_FAILED');
    assert.ok(result.polls >= 2, `polls ${result.polls}`);
    assert.equal(result.eventsAccepted, 0);
    assert.ok(result.balances.every((b) => b.freshness === 'CACHED' && b.note?.code === 'PROVIDER_FAILED'));
  });

  it('duplicate webhook deliveries are harmless: one event accepted, one refresh, no poll', async () => {
    sim().setWebhookPlan({ mode: 'duplicate' });
    const check = await start('MBR-connected');
    const result = await resultOf(check);
    assert.equal(result.status, 'COMPLETED', JSON.stringify(result.reason));
    assert.equal(result.eventsAccepted, 1);
    assert.equal(result.polls, 0);
    assert.equal(sim().refreshStarts(`${USER}:MBR-connected`), 1);
    assert.equal(result.balances.find((b) => b.accountId === 'ACT-connected-checking')?.available, 1999);
  });
});
