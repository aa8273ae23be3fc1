// Pure parts of the workflow: poll schedule, event acceptance/staleness, freshness marking.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { markFreshness } from '../../activities';
import type { NormalizedBalance, ProviderEvent } from '../../contracts/balance-check';
import { CheckState } from '../../workflows/check-state';
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
    s.acceptEvent(event({}));
    s.acceptEvent(event({}));
    s.acceptEvent(event({ eventId: 'e2', provider: 'meld' }));
    assert.equal(s.pendingEvents.length, 1);
    assert.equal(s.eventsIgnored, 2);
  });
  it('treats events older than the refresh (beyond 1 s of skew) or naming another refresh as stale', () => {
    const s = state();
    s.acceptEvent(event({ eventId: 'old', occurredAt: '2026-11-21T09:59:58Z' }));
    s.acceptEvent(event({ eventId: 'same-second', occurredAt: '2026-11-21T10:00:00Z' }));
    s.acceptEvent(event({ eventId: 'other-refresh', refreshId: 'R0' }));
    s.acceptEvent(event({ eventId: 'fresh', occurredAt: '2026-11-21T10:00:03Z', refreshId: 'R1' }));
    assert.deepEqual(
      s.takeRelevantEvents().map((e) => e.eventId),
      ['same-second', 'fresh'],
    );
    assert.equal(s.eventsAccepted, 2);
    assert.equal(s.eventsIgnored, 2);
  });
  it('ignores events once the check has a result', () => {
    const s = state();
    s.result = {} as never;
    s.acceptEvent(event({}));
    assert.equal(s.pendingEvents.length, 0);
  });
  it('shows challenges only while waiting for MFA', () => {
    const s = state();
    s.challenges = [{ id: 'CRD-1', type: 'TEXT', label: 'Q?' }];
    assert.deepEqual(s.view().challenges, []);
    s.phase = 'WAITING_FOR_MFA';
    assert.equal(s.view().challenges[0]?.label, 'Q?');
  });
});

describe('markFreshness', () => {
  const b = (accountId: string): NormalizedBalance => ({
    accountId,
    kind: 'DEPOSITORY',
    currency: 'USD',
    current: 100,
    available: 90,
    limit: null,
    asOf: null,
    freshness: 'REALTIME',
  });
  it('is REALTIME only for refreshed accounts without a reason', () => {
    const reason = { code: 'REFRESH_EXHAUSTED', message: 'later', retryAt: '2026-11-22T00:00:00Z' };
    const out = markFreshness([b('a'), b('b')], true, [{ accountId: 'b', reason }]);
    assert.equal(out[0]?.freshness, 'REALTIME');
    assert.equal(out[1]?.freshness, 'CACHED');
    assert.deepEqual(out[1]?.note, reason);
  });
  it("marks everything CACHED when the refresh did not succeed, '*' giving the reason to all", () => {
    const reason = { code: 'PROVIDER_DENIED', message: 'denied' };
    const out = markFreshness([b('a'), b('b')], false, [{ accountId: '*', reason }]);
    assert.ok(out.every((x) => x.freshness === 'CACHED' && x.note?.code === 'PROVIDER_DENIED'));
  });
});
