// Meld webhooks → events: what each event type becomes, and why a body is ignored (never thrown on).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { translateMeldWebhook } from '../../providers/meld/webhook';

const base = { eventId: 'evt-1', timestamp: '2026-11-21T10:00:00.123456Z' };
const ids = { customerId: 'C1', connectionId: 'N1' };

const ignored = (body: unknown): string => {
  const r = translateMeldWebhook(body);
  assert.ok('ignored' in r, `expected ${JSON.stringify(body)} to be ignored, got ${JSON.stringify(r)}`);
  return r.ignored;
};

describe('Meld webhook translation', () => {
  it('a completed refresh names the customer connection, its time and its request id', () => {
    assert.deepEqual(
      translateMeldWebhook({
        ...base,
        eventType: 'BANK_LINKING_ACCOUNTS_UPDATED',
        payload: { ...ids, requestId: 'REQ-7' },
      }),
      {
        resource: { userId: 'C1', memberId: 'N1' },
        event: {
          eventId: 'evt-1',
          provider: 'meld',
          kind: 'REFRESH_COMPLETED',
          occurredAt: '2026-11-21T10:00:00.123456Z',
          refreshId: 'REQ-7',
        },
      },
    );
  });
  it('leaves out a time or request id Meld did not send (null or absent)', () => {
    const r = translateMeldWebhook({
      eventId: 'evt-2',
      timestamp: null,
      eventType: 'BANK_LINKING_ACCOUNTS_UPDATING',
      payload: { ...ids, requestId: null },
    });
    assert.deepEqual(r, {
      resource: { userId: 'C1', memberId: 'N1' },
      event: { eventId: 'evt-2', provider: 'meld', kind: 'REFRESH_STARTED' },
    });
  });
  it("a connection status change carries Meld's new status", () => {
    for (const eventType of ['BANK_LINKING_CONNECTION_STATUS_CHANGE', 'CONNECTION_STATUS_CHANGE']) {
      const r = translateMeldWebhook({
        ...base,
        eventType,
        payload: { ...ids, newStatus: 'RECONNECT_REQUIRED' },
      });
      assert.ok('event' in r);
      assert.equal(r.event.kind, 'STATUS_CHANGED');
      assert.equal(r.event.providerStatus, 'RECONNECT_REQUIRED');
    }
  });
  it('a customer-action event reads as CUSTOMER_ACTION_REQUIRED', () => {
    for (const eventType of ['BANK_LINKING_CUSTOMER_ACTION_REQUIRED', 'CUSTOMER_ACTION_REQUIRED']) {
      const r = translateMeldWebhook({ ...base, eventType, payload: ids });
      assert.ok('event' in r);
      assert.deepEqual(
        [r.event.kind, r.event.providerStatus],
        ['STATUS_CHANGED', 'CUSTOMER_ACTION_REQUIRED'],
      );
    }
  });
});

describe('Meld webhooks ignored, with the reason', () => {
  it('a body that is not a Meld envelope', () => {
    for (const body of [null, 'x', {}, { eventType: 'X' }, { eventType: 1, eventId: 'e' }]) {
      assert.equal(ignored(body), 'not a Meld webhook envelope', JSON.stringify(body));
    }
  });
  it("Meld's test event", () => {
    assert.equal(ignored({ ...base, eventType: 'WEBHOOK_TEST', payload: ids }), 'WEBHOOK_TEST');
  });
  it('a status change without a new status, or without a payload at all', () => {
    const eventType = 'BANK_LINKING_CONNECTION_STATUS_CHANGE';
    assert.equal(ignored({ ...base, eventType, payload: ids }), `${eventType} without payload.newStatus`);
    assert.equal(ignored({ ...base, eventType }), `${eventType} without payload.newStatus`);
    assert.equal(ignored({ ...base, eventType, payload: null }), `${eventType} without payload.newStatus`);
  });
  it('an event type balance checks do not use', () => {
    assert.equal(
      ignored({ ...base, eventType: 'BANK_LINKING_CONNECTED', payload: ids }),
      'unhandled event type BANK_LINKING_CONNECTED',
    );
  });
  it('an event without both the customer and the connection id (it cannot be routed)', () => {
    const eventType = 'BANK_LINKING_ACCOUNTS_UPDATED';
    for (const payload of [
      undefined,
      null,
      { customerId: 'C1' },
      { connectionId: 'N1' },
      { customerId: '', connectionId: 'N1' },
    ]) {
      assert.equal(
        ignored({ ...base, eventType, payload }),
        `${eventType} without customerId/connectionId`,
        JSON.stringify(payload),
      );
    }
  });
});
