// Pure parts of the workflow: poll schedule, event acceptance/staleness, callers (freshness: freshness.test.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProviderEvent } from '../../contracts/balance-check';
import { CheckState, EVENT_SKEW_MS } from '../../workflows/check-state';
import { pollDelayMs, pollSchedule } from '../../workflows/poll-schedule';

const profile = {
  minIntervalMs: 3000,
  maxIntervalMs: 30000,
  trustCompletionEvent: true,
  failureConfirmations: 2,
};

describe('poll schedule', () => {
  it('never polls faster than the provider floor, even when asked to', () => {
    const s = pollSchedule(profile, { pollIntervalSeconds: 1 });
    assert.equal(s.firstMs, 3000);
    for (let attempt = 0; attempt < 20; attempt++) {
      for (const r of [0, 0.5, 0.999]) assert.ok(pollDelayMs(s, attempt, () => r) >= 3000);
    }
  });
  it('backs off ×1.5 with ±20 % jitter up to the cap', () => {
    const s = pollSchedule(profile, {});
    assert.equal(
      pollDelayMs(s, 0, () => 0.5),
      3000,
    );
    assert.equal(
      pollDelayMs(s, 2, () => 0.5),
      6750,
    );
    assert.equal(
      pollDelayMs(s, 2, () => 0),
      5400,
    );
    assert.equal(
      pollDelayMs(s, 30, () => 0.999),
      30000,
    );
  });
  it('takes a caller cap above the floor', () => {
    assert.deepEqual(pollSchedule(profile, { pollIntervalSeconds: 5, maxPollIntervalSeconds: 10 }), {
      firstMs: 5000,
      capMs: 10000,
    });
    assert.deepEqual(pollSchedule(profile, { maxPollIntervalSeconds: 1 }), { firstMs: 3000, capMs: 3000 });
  });
});

describe('CheckState events', () => {
  const start = Date.parse('2026-11-21T10:00:00.500Z');
  const now = start + 5_000;
  const state = () => {
    const s = new CheckState(
      { provider: 'mx', resource: { userId: 'U', memberId: 'M' } },
      start,
      start + 600_000,
    );
    s.refreshStartedAt = start;
    s.refreshId = 'R1';
    return s;
  };
  const event = (over: Partial<ProviderEvent>): ProviderEvent => ({
    eventId: 'e1',
    provider: 'mx',
    kind: 'REFRESH_COMPLETED',
    ...over,
  });

  it('drops duplicates by event id and events of another provider', () => {
    const s = state();
    assert.equal(s.acceptEvent(event({}), now), true);
    assert.equal(s.acceptEvent(event({}), now), false);
    assert.equal(s.acceptEvent(event({ eventId: 'e2', provider: 'meld' }), now), false);
    assert.equal(s.pendingEvents.length, 1);
  });
  it('drops malformed signal payloads (e.g. the codec marker for an unencrypted payload)', () => {
    const s = state();
    for (const bad of [
      null,
      'REFRESH_COMPLETED',
      { $rejected: 'unencrypted-payload' },
      { eventId: '', provider: 'mx', kind: 'REFRESH_COMPLETED' },
      { eventId: 'x', provider: 'mx', kind: 'DONE' },
      { eventId: 'x', provider: 'mx', kind: 'REFRESH_COMPLETED', refreshId: 7 },
    ])
      assert.equal(s.acceptEvent(bad, now), false, JSON.stringify(bad));
    assert.equal(s.pendingEvents.length, 0);
  });
  it('rejects events stamped in the future beyond the 1 s skew; at exactly 1 s they are kept', () => {
    const s = state();
    const at = (ms: number) => new Date(now + ms).toISOString();
    assert.equal(s.acceptEvent(event({ eventId: 'year', occurredAt: at(365 * 86_400_000) }), now), false);
    assert.equal(
      s.acceptEvent(event({ eventId: 'just-over', occurredAt: at(EVENT_SKEW_MS + 1) }), now),
      false,
    );
    assert.equal(s.acceptEvent(event({ eventId: 'edge', occurredAt: at(EVENT_SKEW_MS) }), now), true);
    assert.equal(s.acceptEvent(event({ eventId: 'garbage', occurredAt: 'soon' }), now), false);
  });
  it('treats events older than the refresh (beyond 1 s of skew) or naming another refresh as stale', () => {
    const s = state();
    s.acceptEvent(event({ eventId: 'old', occurredAt: '2026-11-21T09:59:58Z' }), now);
    s.acceptEvent(event({ eventId: 'edge', occurredAt: '2026-11-21T09:59:59.500Z' }), now);
    s.acceptEvent(event({ eventId: 'same-second', occurredAt: '2026-11-21T10:00:00Z' }), now);
    s.acceptEvent(event({ eventId: 'other-refresh', refreshId: 'R0' }), now);
    s.acceptEvent(event({ eventId: 'fresh', occurredAt: '2026-11-21T10:00:03Z', refreshId: 'R1' }), now);
    assert.deepEqual(
      s.takeRelevantEvents().map((e) => e.eventId),
      ['edge', 'same-second', 'fresh'],
    );
    assert.equal(s.eventsAccepted, 3);
  });
  it('ignores events once the outcome is decided', () => {
    const s = state();
    s.outcome = {} as never;
    assert.equal(s.acceptEvent(event({}), now), false);
    assert.equal(s.pendingEvents.length, 0);
  });
  it('shows challenges only while waiting for MFA, and only to its callers', () => {
    const s = state();
    s.challenges = [{ id: 'CRD-1', type: 'TEXT', label: 'Q?' }];
    assert.deepEqual(s.view().challenges, []);
    s.phase = 'WAITING_FOR_MFA';
    assert.equal(s.view().challenges[0]?.label, 'Q?');
    assert.equal(s.view('stranger').caller, null);
    assert.deepEqual(s.view('stranger').challenges, []);
  });
});

describe('CheckState wake-up decision (which events end the wait)', () => {
  const s = () => {
    const st = new CheckState({ provider: 'meld', resource: { userId: 'C', memberId: 'N' } }, 0, 600_000);
    st.refreshId = 'req-1';
    return st;
  };
  const ev = (over: Partial<ProviderEvent>): ProviderEvent => ({
    eventId: 'e',
    provider: 'meld',
    kind: 'REFRESH_COMPLETED',
    ...over,
  });
  it('keeps waiting on "refresh started" news alone (and on nothing relevant)', () => {
    assert.equal(s().decideWake([ev({ kind: 'REFRESH_STARTED' })], true), 'KEEP_WAITING');
    assert.equal(s().decideWake([], true), 'KEEP_WAITING');
  });
  it('ends the wait on a completion naming this refresh, when the provider allows it', () => {
    assert.equal(s().decideWake([ev({ refreshId: 'req-1' })], true), 'COMPLETED');
    assert.equal(s().decideWake([ev({ refreshId: 'req-1' })], false), 'CONFIRM_BY_STATUS');
  });
  it('confirms by a status read a completion without proof: no refresh id, another, or an empty one', () => {
    const st = s();
    assert.equal(st.decideWake([ev({})], true), 'CONFIRM_BY_STATUS');
    assert.equal(st.decideWake([ev({ occurredAt: '2026-11-21T10:00:03Z' })], true), 'CONFIRM_BY_STATUS');
    assert.equal(st.decideWake([ev({ refreshId: 'req-2' })], true), 'CONFIRM_BY_STATUS');
    st.refreshId = '';
    assert.equal(st.decideWake([ev({ refreshId: '' })], true), 'CONFIRM_BY_STATUS');
  });
  it('after an MFA challenge, even a completion naming the refresh needs a status read', () => {
    const st = s();
    st.challengeSeen = true;
    assert.equal(st.decideWake([ev({ refreshId: 'req-1' })], true), 'CONFIRM_BY_STATUS');
  });
  it('failures and status changes are confirmed by a status read', () => {
    assert.equal(
      s().decideWake([ev({ kind: 'REFRESH_FAILED', refreshId: 'req-1' })], true),
      'CONFIRM_BY_STATUS',
    );
    assert.equal(s().decideWake([ev({ kind: 'STATUS_CHANGED' })], true), 'CONFIRM_BY_STATUS');
  });
});

describe('CheckState callers', () => {
  const input = {
    provider: 'mx' as const,
    resource: { userId: 'U', memberId: 'M' },
    callerId: 'c1',
    accountIds: ['A'],
  };
  it('starts with the first caller and registers joiners once each', () => {
    const s = new CheckState(input, 0, 1000);
    s.join({ callerId: 'c2', accountIds: ['B'] }, 10);
    s.join({ callerId: 'c2', accountIds: ['C'] }, 20);
    assert.deepEqual(
      s.callers.map((c) => [c.callerId, c.question.accountIds]),
      [
        ['c1', ['A']],
        ['c2', ['B']],
      ],
    );
    assert.deepEqual(s.accountsToRead(), ['A', 'B']);
    s.join({ callerId: 'c3' }, 30);
    assert.equal(s.accountsToRead(), undefined, 'a caller without a filter needs every account');
  });
  it('cancels the refresh only when the last caller withdraws', () => {
    const s = new CheckState(input, 0, 1000);
    let canceled = 0;
    s.cancelRefresh = () => canceled++;
    s.join({ callerId: 'c2' }, 10);
    assert.equal(s.withdraw('c1'), 1);
    assert.equal(canceled, 0);
    assert.deepEqual(s.accountsToRead(), undefined);
    assert.equal(s.withdraw('c2'), 0);
    assert.equal(canceled, 1);
  });
  it('gives a withdrawn caller CANCELED at once, with no balances', () => {
    const s = new CheckState(input, 0, 1000);
    s.join({ callerId: 'c2' }, 10);
    s.withdraw('c1');
    assert.equal(s.view('c1').result?.status, 'CANCELED');
    assert.deepEqual(s.view('c1').result?.balances, []);
    assert.equal(s.view('c2').result, null);
  });
});
