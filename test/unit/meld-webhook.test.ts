import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { translateMeldWebhook } from '../../providers/meld/webhook';

const envelope = (eventType: string, payload: Record<string, unknown> = {}) => ({
  eventType,
  eventId: 'evt-1',
  timestamp: '2024-05-01T12:00:00.123456Z',
  accountId: 'W9jpQc1HKvwscqMPcLmzUS',
  profileId: 'prof-1',
  version: '2021-10-27',
  payload: {
    requestId: 'req-9',
    customerId: 'cus-1',
    externalCustomerId: 'ext-1',
    connectionId: 'conn-1',
    institutionId: 'ins-1',
    ...payload,
  },
});

void describe('translateMeldWebhook', () => {
  void it('maps ACCOUNTS_UPDATING / UPDATED to refresh events for customer + connection', () => {
    const started = translateMeldWebhook(envelope('BANK_LINKING_ACCOUNTS_UPDATING'));
    assert.deepEqual(started, {
      resource: { userId: 'cus-1', memberId: 'conn-1' },
      event: {
        eventId: 'evt-1',
        provider: 'meld',
        kind: 'REFRESH_STARTED',
        occurredAt: '2024-05-01T12:00:00.123456Z',
        refreshId: 'req-9',
      },
    });
    const done = translateMeldWebhook(envelope('BANK_LINKING_ACCOUNTS_UPDATED'));
    assert.ok('event' in done);
    assert.equal(done.event.kind, 'REFRESH_COMPLETED');
  });

  void it('maps connection status changes with payload.newStatus (both spellings)', () => {
    for (const type of ['CONNECTION_STATUS_CHANGE', 'BANK_LINKING_CONNECTION_STATUS_CHANGE']) {
      const t = translateMeldWebhook(
        envelope(type, { oldStatus: 'ACTIVE', newStatus: 'RECONNECT_REQUIRED' }),
      );
      assert.ok('event' in t, type);
      assert.equal(t.event.kind, 'STATUS_CHANGED');
      assert.equal(t.event.providerStatus, 'RECONNECT_REQUIRED');
    }
    assert.ok(
      'ignored' in translateMeldWebhook(envelope('CONNECTION_STATUS_CHANGE')),
      'no newStatus → ignored',
    );
  });

  void it('maps customer-action-required to STATUS_CHANGED CUSTOMER_ACTION_REQUIRED', () => {
    for (const type of ['CUSTOMER_ACTION_REQUIRED', 'BANK_LINKING_CUSTOMER_ACTION_REQUIRED']) {
      const t = translateMeldWebhook(envelope(type, { reason: 'LOGIN_REQUIRED' }));
      assert.ok('event' in t, type);
      assert.deepEqual(
        [t.event.kind, t.event.providerStatus],
        ['STATUS_CHANGED', 'CUSTOMER_ACTION_REQUIRED'],
      );
    }
  });

  void it("ignores WEBHOOK_TEST (Meld's published test body), unknown events and non-envelopes", () => {
    const published = JSON.parse(
      '{"eventType":"WEBHOOK_TEST","eventId":"GDtv8pQgwzc9HuFFBQFrww","timestamp":"2022-05-26T20:23:45.908400Z","accountId":"W9jpQc1HKvwscqMPcLmzUS","profileId":null,"version":"2021-10-27","payload":{"requestId":"7aWW1GXTjWCCtNubzvVX7V"}}',
    ) as unknown;
    assert.deepEqual(translateMeldWebhook(published), { ignored: 'WEBHOOK_TEST' });
    assert.ok('ignored' in translateMeldWebhook(envelope('BANK_LINKING_TRANSACTIONS_AGGREGATED')));
    assert.ok('ignored' in translateMeldWebhook({ hello: 'world' }));
    assert.ok('ignored' in translateMeldWebhook(null));
    assert.ok(
      'ignored' in translateMeldWebhook(envelope('BANK_LINKING_ACCOUNTS_UPDATED', { connectionId: null })),
    );
  });
});
