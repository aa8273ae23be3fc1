import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  createMxWebhookTranslator,
  MX_CHALLENGE_DUPLICATE_WINDOW_MS,
  translateMxWebhook,
  verifyMxWebhookAuth,
} from '../../providers/mx/webhook';

const creds = { username: 'mx-hooks', password: 's3cret:with-colon' };
const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

void describe('verifyMxWebhookAuth', () => {
  void test('accepts the configured credentials (scheme is case-insensitive)', () => {
    assert.equal(verifyMxWebhookAuth(basic(creds.username, creds.password), creds), true);
    assert.equal(
      verifyMxWebhookAuth(basic(creds.username, creds.password).replace('Basic', 'basic'), creds),
      true,
    );
  });
  void test('refuses wrong, missing, shorter/longer and malformed credentials', () => {
    assert.equal(verifyMxWebhookAuth(basic(creds.username, 'wrong'), creds), false);
    assert.equal(verifyMxWebhookAuth(basic('other', creds.password), creds), false);
    assert.equal(verifyMxWebhookAuth(basic(creds.username, `${creds.password}x`), creds), false);
    assert.equal(verifyMxWebhookAuth(undefined, creds), false);
    assert.equal(verifyMxWebhookAuth('', creds), false);
    assert.equal(
      verifyMxWebhookAuth(
        `Bearer ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`,
        creds,
      ),
      false,
    );
    assert.equal(verifyMxWebhookAuth('Basic !!!not-base64', creds), false);
  });
  void test('an empty expected password does not accept a missing header', () => {
    assert.equal(verifyMxWebhookAuth(undefined, { username: '', password: '' }), false);
    assert.equal(verifyMxWebhookAuth(basic('', ''), { username: '', password: '' }), true);
  });
});

const balance = {
  action: 'member_data_updated',
  type: 'BALANCE',
  member_guid: 'MBR-1',
  user_guid: 'USR-1',
  completed_at: 1740000000,
  completed_on: '2025-02-19',
  some_new_field: { nested: true },
};

void describe('translateMxWebhook BALANCE', () => {
  void test('→ REFRESH_COMPLETED for the member, occurredAt from completed_at (unix seconds)', () => {
    assert.deepEqual(translateMxWebhook(balance), {
      resource: { userId: 'USR-1', memberId: 'MBR-1' },
      event: {
        eventId: 'mx:BALANCE:MBR-1:1740000000',
        provider: 'mx',
        kind: 'REFRESH_COMPLETED',
        occurredAt: '2025-02-19T21:20:00.000Z',
      },
    });
  });
  void test('event id is deterministic: a redelivery matches, another completion does not', () => {
    const id = (body: unknown) =>
      'event' in translateMxWebhook(body)
        ? (translateMxWebhook(body) as { event: { eventId: string } }).event.eventId
        : null;
    assert.equal(id({ ...balance }), id(balance));
    assert.notEqual(id({ ...balance, completed_at: 1740000001 }), id(balance));
    assert.notEqual(id({ ...balance, member_guid: 'MBR-2' }), id(balance));
  });
  void test('completed_at as a digit string is accepted; missing fields are ignored with a reason', () => {
    const r = translateMxWebhook({ ...balance, completed_at: '1740000000' });
    assert.ok('event' in r && r.event.occurredAt === '2025-02-19T21:20:00.000Z');
    const missing = translateMxWebhook({ ...balance, completed_at: undefined });
    assert.ok('ignored' in missing && /completed_at/.test(missing.ignored));
    assert.ok('ignored' in translateMxWebhook({ ...balance, member_guid: '' }));
  });
});

const status = {
  action: 'CHANGED',
  type: 'CONNECTION_STATUS',
  member_guid: 'MBR-1',
  user_guid: 'USR-1',
  connection_status: 'CHALLENGED',
  connection_status_id: 3,
  connection_status_message: 'Challenged',
};

void describe('translateMxWebhook CONNECTION_STATUS', () => {
  void test('→ STATUS_CHANGED carrying connection_status; id from member, status and body hash', () => {
    const r = translateMxWebhook(status);
    assert.ok('event' in r);
    assert.deepEqual(r.resource, { userId: 'USR-1', memberId: 'MBR-1' });
    assert.equal(r.event.kind, 'STATUS_CHANGED');
    assert.equal(r.event.providerStatus, 'CHALLENGED');
    assert.equal(r.event.occurredAt, undefined);
    assert.match(r.event.eventId, /^mx:CONNECTION_STATUS:MBR-1:CHALLENGED:[0-9a-f]{16}:\d+$/);
    const again = translateMxWebhook(JSON.parse(JSON.stringify(status)));
    assert.ok(
      'event' in again && again.event.eventId === r.event.eventId,
      'a redelivered body has the same id',
    );
    const denied = translateMxWebhook({ ...status, connection_status: 'DENIED', connection_status_id: 2 });
    assert.ok('event' in denied && denied.event.eventId !== r.event.eventId);
  });
  void test('status from connection_status_id when the name is absent', () => {
    const r = translateMxWebhook({ ...status, connection_status: undefined, connection_status_id: 2 });
    assert.ok('event' in r && r.event.providerStatus === 'DENIED');
  });
  void test('a timestamp, when present, gives occurredAt and the id', () => {
    const r = translateMxWebhook({ ...status, updated_at: '2025-03-01T10:00:00Z' });
    assert.ok('event' in r);
    assert.equal(r.event.occurredAt, '2025-03-01T10:00:00.000Z');
    assert.equal(r.event.eventId, 'mx:CONNECTION_STATUS:MBR-1:CHALLENGED:2025-03-01T10:00:00.000Z');
  });
});

void test('unknown types and non-objects are ignored, never thrown', () => {
  for (const body of [{ type: 'AGGREGATION', member_guid: 'MBR-1' }, null, 'text', 42, [], {}]) {
    const r = translateMxWebhook(body);
    assert.ok('ignored' in r, JSON.stringify(body));
  }
  assert.ok(
    'ignored' in
      translateMxWebhook({ ...status, connection_status: undefined, connection_status_id: undefined }),
  );
});

void describe('CHALLENGED rounds and true duplicates', () => {
  const idOf = (t: ReturnType<typeof translateMxWebhook>) => {
    assert.ok('event' in t, JSON.stringify(t));
    return t.event.eventId;
  };
  void test('identical CHALLENGED bodies of two MFA rounds get two ids; a copy of one delivery keeps its id', () => {
    let clock = 1_000_000;
    const translate = createMxWebhookTranslator(() => clock);
    const round1 = idOf(translate(status));
    clock += 5; // the duplicate of that delivery, moments later
    assert.equal(idOf(translate({ ...status })), round1);
    clock += MX_CHALLENGE_DUPLICATE_WINDOW_MS + 1; // the answer, the resume and a new login later
    const round2 = idOf(translate({ ...status }));
    assert.notEqual(round2, round1, 'the second round is not dropped as a duplicate');
    clock += 3;
    assert.equal(idOf(translate({ ...status })), round2, "round 2's own duplicate still collapses");
  });
  void test('other statuses still collapse on the body alone, at any distance in time', () => {
    let clock = 0;
    const translate = createMxWebhookTranslator(() => clock);
    const denied = { ...status, connection_status: 'DENIED', connection_status_id: 2 };
    const first = idOf(translate(denied));
    clock += 3_600_000;
    assert.equal(idOf(translate(denied)), first);
  });
});
