// MX webhooks at their edges: status ids, the Basic header's form, timestamp forms, and why a body is ignored.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MX_CHALLENGE_DUPLICATE_WINDOW_MS,
  createMxWebhookTranslator,
  mxStatusId,
  translateMxWebhook,
  verifyMxWebhookAuth,
} from '../../providers/mx/webhook';

const creds = { username: 'mx-hooks', password: 'pw' };
const token = Buffer.from('mx-hooks:pw').toString('base64');

const status = {
  type: 'CONNECTION_STATUS',
  member_guid: 'MBR-1',
  user_guid: 'USR-1',
  connection_status: 'DENIED',
};

const ignored = (body: unknown): string => {
  const r = translateMxWebhook(body);
  assert.ok('ignored' in r, `expected ${JSON.stringify(body)} to be ignored`);
  return r.ignored;
};
const event = (body: unknown) => {
  const r = translateMxWebhook(body);
  assert.ok('event' in r, `expected an event, got ${JSON.stringify(r)}`);
  return r.event;
};

describe('MX connection status ids', () => {
  it("numbers statuses as MX's webhooks do, from CREATED = 0 to PENDING = 21", () => {
    assert.equal(mxStatusId('CREATED'), 0);
    assert.equal(mxStatusId('PREVENTED'), 1);
    assert.equal(mxStatusId('CHALLENGED'), 3);
    assert.equal(mxStatusId('CONNECTED'), 6);
    assert.equal(mxStatusId('PENDING'), 21);
    assert.equal(mxStatusId('connected'), undefined);
    assert.equal(mxStatusId('NOPE'), undefined);
  });
  it('reads a body carrying only the id, CREATED (0) included', () => {
    assert.equal(
      event({ ...status, connection_status: undefined, connection_status_id: 0 }).providerStatus,
      'CREATED',
    );
    assert.equal(
      event({ ...status, connection_status: null, connection_status_id: 6 }).providerStatus,
      'CONNECTED',
    );
    assert.equal(
      event({ ...status, connection_status: undefined, connection_status_id: 21 }).providerStatus,
      'PENDING',
    );
    assert.equal(
      ignored({ ...status, connection_status: undefined, connection_status_id: 22 }),
      'CONNECTION_STATUS webhook without a status',
    );
  });
});

describe('MX webhook Basic credentials', () => {
  it('takes any whitespace after the scheme and trailing whitespace', () => {
    assert.equal(verifyMxWebhookAuth(`Basic  ${token}`, creds), true);
    assert.equal(verifyMxWebhookAuth(`BASIC\t${token}  `, creds), true);
  });
  it('refuses anything before the scheme or after the credentials, and a scheme without a space', () => {
    assert.equal(verifyMxWebhookAuth(`xBasic ${token}`, creds), false);
    assert.equal(verifyMxWebhookAuth(`Basic ${token} extra`, creds), false);
    assert.equal(verifyMxWebhookAuth(`Basic${token}`, creds), false);
    assert.equal(verifyMxWebhookAuth(null, creds), false);
  });
  it('compares the decoded text as UTF-8', () => {
    const utf = { username: 'zoë', password: 'naïve' };
    assert.equal(
      verifyMxWebhookAuth(`Basic ${Buffer.from('zoë:naïve', 'utf8').toString('base64')}`, utf),
      true,
    );
    assert.equal(
      verifyMxWebhookAuth(`Basic ${Buffer.from('zoë:naïve', 'latin1').toString('base64')}`, utf),
      false,
    );
  });
});

describe('MX BALANCE webhooks', () => {
  const balance = { type: 'BALANCE', member_guid: 'MBR-1', user_guid: 'USR-1', completed_at: 1740000000 };
  it('take completed_at as whole unix seconds, as a number or digits only', () => {
    assert.equal(event(balance).occurredAt, '2025-02-19T21:20:00.000Z');
    assert.equal(event({ ...balance, completed_at: '1740000000' }).occurredAt, '2025-02-19T21:20:00.000Z');
    for (const bad of ['1740000000x', 'x1740000000', '1740000000.5', '', '2025-02-19T21:20:00Z']) {
      assert.match(
        ignored({ ...balance, completed_at: bad }),
        /^invalid BALANCE webhook: completed_at: /,
        bad,
      );
    }
  });
  it('say which fields are wrong, at most three', () => {
    const reason = ignored({ type: 'BALANCE' });
    assert.match(
      reason,
      /^invalid BALANCE webhook: member_guid: [^;]+; user_guid: [^;]+; completed_at: [^;]+$/,
    );
  });
});

describe('MX CONNECTION_STATUS webhooks', () => {
  it("are MX's, for the member's user, with the status MX sent", () => {
    const r = translateMxWebhook(status);
    assert.ok('event' in r);
    assert.deepEqual(r.resource, { userId: 'USR-1', memberId: 'MBR-1' });
    assert.equal(r.event.provider, 'mx');
    assert.equal(r.event.kind, 'STATUS_CHANGED');
    assert.equal(r.event.providerStatus, 'DENIED');
  });
  it('take updated_at or timestamp as unix seconds (number or digits) or ISO 8601 with any offset', () => {
    const at = '2025-02-19T21:20:00.000Z';
    assert.equal(event({ ...status, updated_at: 1740000000 }).occurredAt, at);
    assert.equal(event({ ...status, updated_at: '1740000000' }).occurredAt, at);
    assert.equal(event({ ...status, timestamp: 1740000000 }).occurredAt, at);
    assert.equal(event({ ...status, timestamp: '2025-02-19T22:20:00+01:00' }).occurredAt, at);
    assert.equal(event({ ...status, updated_at: '2025-02-19T21:20:00Z', timestamp: 1 }).occurredAt, at);
    assert.equal(
      event({ ...status, updated_at: 1740000000 }).eventId,
      `mx:CONNECTION_STATUS:MBR-1:DENIED:${at}`,
    );
  });
  it('take fractional unix seconds to the millisecond', () => {
    assert.equal(event({ ...status, updated_at: 1740000000.5 }).occurredAt, '2025-02-19T21:20:00.500Z');
  });
  it('leave out a timestamp that is not a date', () => {
    assert.equal(event({ ...status, updated_at: 'yesterday' }).occurredAt, undefined);
  });
  it('say which fields are wrong, at most three of them', () => {
    const reason = ignored({
      type: 'CONNECTION_STATUS',
      connection_status: 5,
      connection_status_id: 'x',
      updated_at: true,
      timestamp: {},
    });
    assert.match(
      reason,
      /^invalid CONNECTION_STATUS webhook: member_guid: [^;]+; user_guid: [^;]+; connection_status: [^;]+$/,
    );
  });
});

describe('MX bodies that are not balance news', () => {
  it('are ignored with the reason', () => {
    assert.equal(ignored({}), 'not an MX webhook body (no type)');
    assert.equal(ignored({ type: 7 }), 'not an MX webhook body (no type)');
    assert.equal(
      ignored({ type: 'HOLDINGS', member_guid: 'MBR-1', user_guid: 'USR-1' }),
      'MX webhook type HOLDINGS is not used by balance checks',
    );
  });
});

describe('MX CHALLENGED deliveries without a timestamp (one event per MFA round)', () => {
  const challenged = { ...status, connection_status: 'CHALLENGED' };
  const member = (i: number) => ({ ...challenged, member_guid: `MBR-${i}` });
  function translator(start = 1_000) {
    const clock = { t: start };
    const translate = createMxWebhookTranslator(() => clock.t);
    const id = (body: unknown) => {
      const r = translate(body);
      assert.ok('event' in r);
      return r.event.eventId;
    };
    return { clock, id };
  }
  it('a copy exactly 250 ms after the first is the same delivery; 1 ms later it is a new round', () => {
    assert.equal(MX_CHALLENGE_DUPLICATE_WINDOW_MS, 250);
    const a = translator();
    const first = a.id(challenged);
    a.clock.t += 250;
    assert.equal(a.id(challenged), first);
    const b = translator();
    const firstB = b.id(challenged);
    b.clock.t += 251;
    assert.notEqual(b.id(challenged), firstB);
  });
  it('counts the window from the first copy, not the latest', () => {
    const a = translator();
    const first = a.id(challenged);
    a.clock.t += 200;
    assert.equal(a.id(challenged), first);
    a.clock.t += 200;
    assert.notEqual(a.id(challenged), first);
  });
  it('a CHALLENGED body with a timestamp takes its id from the timestamp, at any time', () => {
    const a = translator();
    const stamped = { ...challenged, updated_at: 1740000000 };
    const first = a.id(stamped);
    a.clock.t += 60_000;
    assert.equal(a.id(stamped), first);
    assert.equal(first, 'mx:CONNECTION_STATUS:MBR-1:CHALLENGED:2025-02-19T21:20:00.000Z');
  });
  it('remembers 10,000 challenged members: the 10,000th newer one does not push the first out', () => {
    const a = translator();
    const first = a.id(member(0));
    for (let i = 1; i < 10_000; i++) a.id(member(i));
    a.clock.t += 10;
    assert.equal(a.id(member(0)), first);
  });
  it('forgets the oldest challenged member once 10,001 are remembered', () => {
    const a = translator(0);
    const first = a.id(member(0));
    for (let i = 1; i <= 10_000; i++) a.id(member(i));
    a.clock.t = 10;
    assert.notEqual(a.id(member(0)), first, 'within the window, yet a new round: member 0 was forgotten');
  });
  it('forgets the least recently started round first (a new round counts as recent)', () => {
    const a = translator(0);
    a.id(member(0));
    const first1 = a.id(member(1));
    a.clock.t = 300;
    const round2 = a.id(member(0)); // a new round of member 0: now more recent than member 1
    a.clock.t = 310;
    for (let i = 2; i <= 10_000; i++) a.id(member(i)); // 10,001 remembered: the oldest goes
    a.clock.t = 320;
    assert.equal(a.id(member(0)), round2, 'member 0 was not the oldest');
    assert.notEqual(a.id(member(1)), first1, 'member 1, the oldest, was forgotten: a new round');
  });
});
