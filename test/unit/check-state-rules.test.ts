// The workflow state's rules, stated at their boundaries: which events count, which callers see what.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProviderEvent } from '../../contracts/balance-check';
import { FIRST_CALLER_ID } from '../../contracts/balance-check';
import {
  CheckState,
  EVENT_SKEW_MS,
  MAX_REMEMBERED_EVENT_IDS,
  isProviderEvent,
} from '../../workflows/check-state';

const START = Date.parse('2026-11-21T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const mx = { provider: 'mx' as const, resource: { userId: 'U', memberId: 'M' } };
const ev = (over: Partial<ProviderEvent> = {}): ProviderEvent => ({
  eventId: 'e1',
  provider: 'mx',
  kind: 'REFRESH_COMPLETED',
  ...over,
});

function refreshing(): CheckState {
  const s = new CheckState(mx, START, START + 600_000);
  s.refreshStartedAt = START;
  s.refreshId = 'R1';
  return s;
}

describe('event staleness (relative to the refresh start)', () => {
  it('a completion stamped more than 1 s before the refresh started is stale; at exactly 1 s it is not', () => {
    assert.equal(EVENT_SKEW_MS, 1000);
    const s = refreshing();
    s.acceptEvent(ev({ eventId: 'over', occurredAt: iso(START - 1001) }), START + 5000);
    s.acceptEvent(ev({ eventId: 'exact', occurredAt: iso(START - 1000) }), START + 5000);
    assert.deepEqual(
      s.takeRelevantEvents().map((e) => e.eventId),
      ['exact'],
    );
  });
  it('keeps every event while the refresh start is unknown, however old', () => {
    const s = refreshing();
    s.refreshStartedAt = null;
    s.acceptEvent(ev({ eventId: 'ancient', occurredAt: '1969-12-31T23:59:58Z' }), START);
    assert.equal(s.takeRelevantEvents().length, 1);
  });
  it('a refresh id decides only when both sides have one', () => {
    const s = refreshing();
    s.acceptEvent(ev({ eventId: 'named', refreshId: 'R1' }), START);
    s.acceptEvent(ev({ eventId: 'other', refreshId: 'R2' }), START);
    s.acceptEvent(ev({ eventId: 'empty', refreshId: '' }), START);
    s.acceptEvent(ev({ eventId: 'none' }), START);
    assert.deepEqual(
      s.takeRelevantEvents().map((e) => e.eventId),
      ['named', 'empty', 'none'],
    );
    const unknown = refreshing();
    unknown.refreshId = null;
    unknown.acceptEvent(ev({ eventId: 'any', refreshId: 'R9' }), START);
    assert.equal(unknown.takeRelevantEvents().length, 1);
  });
  it('takes pending events once, counting only the relevant ones as accepted', () => {
    const s = refreshing();
    s.acceptEvent(ev({ eventId: 'a' }), START);
    s.acceptEvent(ev({ eventId: 'b', refreshId: 'R0' }), START);
    assert.equal(s.takeRelevantEvents().length, 1);
    assert.equal(s.pendingEvents.length, 0);
    assert.deepEqual(s.takeRelevantEvents(), []);
    assert.equal(s.eventsAccepted, 1);
  });
});

describe('event acceptance (signal handler)', () => {
  it('accepts an event stamped exactly 1 s ahead of the workflow clock, not 1 ms more', () => {
    const s = refreshing();
    assert.equal(s.acceptEvent(ev({ eventId: 'a', occurredAt: iso(START + 1000) }), START), true);
    assert.equal(s.acceptEvent(ev({ eventId: 'b', occurredAt: iso(START + 1001) }), START), false);
    assert.equal(s.acceptEvent(ev({ eventId: 'c' }), START), true, 'an event without a time is kept');
  });
  it(`remembers the last ${MAX_REMEMBERED_EVENT_IDS} event ids: the oldest beyond that may come again`, () => {
    assert.equal(MAX_REMEMBERED_EVENT_IDS, 200);
    const s = refreshing();
    for (let i = 0; i < 200; i++) assert.equal(s.acceptEvent(ev({ eventId: `e${i}` }), START), true);
    assert.equal(s.acceptEvent(ev({ eventId: 'e0' }), START), false, 'all 200 are remembered');
    assert.equal(s.acceptEvent(ev({ eventId: 'e200' }), START), true);
    assert.equal(s.acceptEvent(ev({ eventId: 'e0' }), START), true, 'the oldest was forgotten');
    assert.equal(s.acceptEvent(ev({ eventId: 'e2' }), START), false, 'the others are still remembered');
  });
  it('accepts only this provider, before the outcome', () => {
    const s = refreshing();
    assert.equal(s.acceptEvent(ev({ provider: 'spinwheel' }), START), false);
    assert.equal(s.acceptEvent(ev(), START), true);
    s.outcome = {
      ...mx,
      status: 'COMPLETED',
      balances: [],
      startedAt: '',
      finishedAt: '',
      polls: 0,
      eventsAccepted: 0,
      mfaRounds: 0,
    };
    assert.equal(s.acceptEvent(ev({ eventId: 'late' }), START), false);
  });
});

describe('signal payload shape', () => {
  const ok = { eventId: 'e', provider: 'mx', kind: 'STATUS_CHANGED' };
  it('takes every event kind, and text fields up to 500 characters', () => {
    for (const kind of ['REFRESH_STARTED', 'REFRESH_COMPLETED', 'REFRESH_FAILED', 'STATUS_CHANGED']) {
      assert.equal(isProviderEvent({ ...ok, kind }), true, kind);
    }
    const max = 'x'.repeat(500);
    assert.equal(
      isProviderEvent({ ...ok, eventId: max, providerStatus: max, occurredAt: max, refreshId: max }),
      true,
    );
  });
  it('refuses ids and text over 500 characters, and fields of the wrong type', () => {
    const long = 'x'.repeat(501);
    for (const bad of [
      { ...ok, eventId: long },
      { ...ok, providerStatus: long },
      { ...ok, occurredAt: long },
      { ...ok, refreshId: long },
      { ...ok, eventId: 7 },
      { ...ok, provider: 7 },
      { ...ok, kind: 7 },
      { ...ok, providerStatus: 7 },
      { ...ok, occurredAt: 7 },
      { ...ok, refreshId: null },
      { provider: 'mx', kind: 'STATUS_CHANGED' },
      { eventId: 'e', kind: 'STATUS_CHANGED' },
      undefined,
      7,
    ]) {
      assert.equal(isProviderEvent(bad), false, JSON.stringify(bad));
    }
  });
});

describe('wake-up decision', () => {
  it('a completion naming this refresh ends the wait even among other news; failures still need a read', () => {
    const s = refreshing();
    assert.equal(s.decideWake([ev({ kind: 'REFRESH_STARTED' }), ev({ refreshId: 'R1' })], true), 'COMPLETED');
    assert.equal(
      s.decideWake([ev({ kind: 'REFRESH_STARTED' }), ev({ kind: 'REFRESH_FAILED' })], true),
      'CONFIRM_BY_STATUS',
    );
    assert.equal(s.decideWake([ev({ kind: 'STATUS_CHANGED', refreshId: 'R1' })], true), 'CONFIRM_BY_STATUS');
    s.refreshId = null;
    assert.equal(s.decideWake([ev({ refreshId: 'R1' })], true), 'CONFIRM_BY_STATUS');
  });
});

describe('a new check', () => {
  it('starts in STARTING with no challenges, polls, events, rounds, timers or outcome', () => {
    const s = new CheckState(mx, START, START + 1);
    assert.equal(s.phase, 'STARTING');
    assert.deepEqual(s.challenges, []);
    assert.deepEqual(s.pendingEvents, []);
    assert.deepEqual(
      [s.polls, s.eventsAccepted, s.mfaRounds, s.nextPollAt, s.mfaDeadline, s.outcome, s.refreshId],
      [0, 0, 0, null, null, null, null],
    );
  });
});

describe('callers', () => {
  it('the first caller is the input question, under the default id unless one is given', () => {
    const s = new CheckState({ ...mx, accountIds: ['A'], requestedBy: 'svc' }, START, START + 1);
    assert.deepEqual(s.callers, [
      {
        callerId: FIRST_CALLER_ID,
        requestedBy: 'svc',
        question: { accountIds: ['A'], fundingAccountId: undefined, requiredAmount: undefined },
        joinedAt: iso(START),
        withdrawn: false,
      },
    ]);
    const named = new CheckState({ ...mx, callerId: 'c9' }, START, START + 1);
    assert.equal(named.callers[0]?.callerId, 'c9');
    assert.equal('requestedBy' in named.callers[0]!, false);
  });
  it('a joiner is recorded with its question and join time; joining twice returns the first record', () => {
    const s = refreshing();
    const money = { amount: 5, currency: 'USD' };
    const rec = s.join(
      { callerId: 'c2', requestedBy: 'ops', fundingAccountId: 'A', requiredAmount: money },
      START + 7,
    );
    assert.deepEqual(rec, {
      callerId: 'c2',
      requestedBy: 'ops',
      question: { accountIds: undefined, fundingAccountId: 'A', requiredAmount: money },
      joinedAt: iso(START + 7),
      withdrawn: false,
    });
    assert.equal(s.join({ callerId: 'c2' }, START + 9), rec);
    assert.equal('requestedBy' in s.join({ callerId: 'c3' }, START), false);
    assert.equal(s.activeCallers, 3);
  });
  it('reads the union of the active callers accounts, each once; every account when none is active', () => {
    const s = new CheckState({ ...mx, callerId: 'c1', accountIds: ['A', 'B'] }, START, START + 1);
    s.join({ callerId: 'c2', accountIds: ['B', 'C'] }, START);
    s.join({ callerId: 'c3' }, START);
    assert.equal(s.accountsToRead(), undefined);
    s.withdraw('c3');
    assert.deepEqual(s.accountsToRead(), ['A', 'B', 'C']);
    s.withdraw('c1');
    assert.deepEqual(s.accountsToRead(), ['B', 'C']);
    s.withdraw('c2');
    assert.equal(s.accountsToRead(), undefined);
  });
  it('does not cancel a decided refresh when the last caller leaves; an unknown caller changes nothing', () => {
    const s = refreshing();
    let canceled = 0;
    s.cancelRefresh = () => canceled++;
    assert.equal(s.withdraw('nobody'), 1);
    s.outcome = {
      ...mx,
      status: 'COMPLETED',
      balances: [],
      startedAt: '',
      finishedAt: '',
      polls: 0,
      eventsAccepted: 0,
      mfaRounds: 0,
    };
    assert.equal(s.withdraw(FIRST_CALLER_ID), 0);
    assert.equal(canceled, 0);
  });
});

describe('views', () => {
  const outcome = {
    ...mx,
    owner: 'acme',
    status: 'COMPLETED' as const,
    balances: [
      {
        accountId: 'A',
        kind: 'DEPOSITORY' as const,
        currency: 'USD',
        current: 10,
        available: 10,
        limit: null,
        asOf: null,
        freshness: 'REALTIME' as const,
      },
      {
        accountId: 'B',
        kind: 'DEPOSITORY' as const,
        currency: 'USD',
        current: 20,
        available: 20,
        limit: null,
        asOf: null,
        freshness: 'REALTIME' as const,
      },
    ],
    startedAt: iso(START),
    finishedAt: iso(START + 9000),
    polls: 2,
    eventsAccepted: 1,
    mfaRounds: 0,
  };
  it("the operator's view: every field, timestamps as ISO text, the shared outcome without its owner", () => {
    const s = new CheckState({ ...mx, callerId: 'c1', accountIds: ['A'] }, START, START + 600_000);
    s.phase = 'REFRESHING';
    s.providerStatus = 'SYNCING';
    s.polls = 4;
    s.nextPollAt = START + 3000;
    assert.deepEqual(s.view(), {
      phase: 'REFRESHING',
      provider: 'mx',
      resource: mx.resource,
      providerStatus: 'SYNCING',
      challenges: [],
      polls: 4,
      nextPollAt: iso(START + 3000),
      deadline: iso(START + 600_000),
      mfaDeadline: null,
      startedAt: iso(START),
      callers: 1,
      caller: null,
      result: null,
    });
    s.mfaDeadline = START + 300_000;
    s.nextPollAt = null;
    assert.equal(s.view().mfaDeadline, iso(START + 300_000));
    assert.equal(s.view().nextPollAt, null);
    s.outcome = outcome;
    const { owner: _owner, ...withoutOwner } = outcome;
    assert.deepEqual(s.view().result, withoutOwner);
  });
  it("a caller's view: its record, challenges while it is an active caller, its own answer once decided", () => {
    const s = new CheckState({ ...mx, callerId: 'c1', accountIds: ['A'] }, START, START + 600_000);
    s.join({ callerId: 'c2', accountIds: ['B'] }, START + 1000);
    s.phase = 'WAITING_FOR_MFA';
    s.challenges = [{ id: 'CRD-1', type: 'TEXT', label: 'Code?' }];
    assert.equal(s.view('c2').caller?.callerId, 'c2');
    assert.equal(s.view('c2').challenges.length, 1);
    assert.equal(s.view('c2').result, null);
    s.withdraw('c2');
    assert.deepEqual(s.view('c2').challenges, [], 'a withdrawn caller no longer sees challenges');
    s.outcome = outcome;
    assert.deepEqual(
      s.view('c1').result?.balances.map((b) => b.accountId),
      ['A'],
    );
    assert.equal(s.view('c2').result?.status, 'CANCELED');
    assert.equal(s.view('nobody').result, null);
  });
  it('a caller who withdrew before the end gets CANCELED at once, with the run so far', () => {
    const s = new CheckState({ ...mx, callerId: 'c1' }, START, START + 600_000);
    s.join({ callerId: 'c2' }, START + 2000);
    s.polls = 3;
    s.eventsAccepted = 2;
    s.mfaRounds = 1;
    s.withdraw('c2');
    const before = Date.now();
    const result = s.view('c2').result!;
    assert.equal(result.status, 'CANCELED');
    assert.equal(result.reason?.code, 'CANCELED');
    assert.equal(result.startedAt, iso(START + 2000));
    assert.ok(Date.parse(result.finishedAt) >= before - 1000);
    assert.deepEqual(
      [
        result.provider,
        result.resource,
        result.polls,
        result.eventsAccepted,
        result.mfaRounds,
        result.balances,
      ],
      ['mx', mx.resource, 3, 2, 1, []],
    );
  });
  it('the run result holds the shared outcome and every caller with its status', () => {
    const s = new CheckState({ ...mx, callerId: 'c1' }, START, START + 600_000);
    s.join({ callerId: 'c2' }, START);
    s.withdraw('c2');
    s.outcome = outcome;
    const run = s.run();
    assert.equal(run.owner, 'acme');
    assert.deepEqual(
      run.callers.map((c) => [c.callerId, c.status]),
      [
        ['c1', 'COMPLETED'],
        ['c2', 'CANCELED'],
      ],
    );
  });
});
