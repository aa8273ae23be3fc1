// Spinwheel webhooks: shared-secret header check, IP allow-list, and translation to workflow events.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { translateSpinwheelWebhook, verifySpinwheelWebhook } from '../../providers/spinwheel/webhook';

const base = { headerName: 'X-Spinwheel-Secret', secret: 's3cret-value' };

void describe('verifySpinwheelWebhook', () => {
  void it('accepts the configured secret (header names are case-insensitive, Node lower-cases them)', () => {
    assert.equal(
      verifySpinwheelWebhook({ ...base, headers: { 'x-spinwheel-secret': 's3cret-value' } }),
      true,
    );
  });

  void it('rejects a wrong, shorter, longer, missing or repeated header', () => {
    for (const value of ['s3cret-valuE', 's3cret', 's3cret-value-and-more', '']) {
      assert.equal(
        verifySpinwheelWebhook({ ...base, headers: { 'x-spinwheel-secret': value } }),
        false,
        value,
      );
    }
    assert.equal(verifySpinwheelWebhook({ ...base, headers: {} }), false);
    const twice = { 'x-spinwheel-secret': ['s3cret-value', 's3cret-value'] };
    assert.equal(verifySpinwheelWebhook({ ...base, headers: twice }), false);
  });

  void it('rejects everything when the configured secret is empty', () => {
    assert.equal(verifySpinwheelWebhook({ headerName: 'x-s', secret: '', headers: { 'x-s': '' } }), false);
  });

  void it('enforces the IP allow-list when one is given', () => {
    const headers = { 'x-spinwheel-secret': 's3cret-value' };
    const allowedIps = ['203.0.113.7', '2001:db8::1'];
    assert.equal(verifySpinwheelWebhook({ ...base, headers, allowedIps, remoteIp: '203.0.113.7' }), true);
    // A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d.
    assert.equal(
      verifySpinwheelWebhook({ ...base, headers, allowedIps, remoteIp: '::ffff:203.0.113.7' }),
      true,
    );
    assert.equal(verifySpinwheelWebhook({ ...base, headers, allowedIps, remoteIp: '2001:db8::1' }), true);
    assert.equal(verifySpinwheelWebhook({ ...base, headers, allowedIps, remoteIp: '198.51.100.1' }), false);
    assert.equal(verifySpinwheelWebhook({ ...base, headers, allowedIps }), false);
    // Right IP, wrong secret: both checks must pass.
    const wrong = { 'x-spinwheel-secret': 'nope' };
    assert.equal(
      verifySpinwheelWebhook({ ...base, headers: wrong, allowedIps, remoteIp: '203.0.113.7' }),
      false,
    );
    // An empty list means "no IP check".
    assert.equal(
      verifySpinwheelWebhook({ ...base, headers, allowedIps: [], remoteIp: '198.51.100.1' }),
      true,
    );
  });
});

function webhook(data: unknown, extra: Record<string, unknown> = {}) {
  return {
    webhookId: 'wh-42',
    subscriptionId: 'sub-1',
    eventType: 'REFRESH_TRANSACTION_STATUS',
    userId: 'u-1',
    data,
    ...extra,
  };
}

void describe('translateSpinwheelWebhook', () => {
  const cases = [
    ['COMPLETED', 'REFRESH_COMPLETED'],
    ['FAILED', 'REFRESH_FAILED'],
    ['IN_PROGRESS', 'REFRESH_STARTED'],
  ] as const;
  for (const [status, kind] of cases) {
    void it(`${status} → ${kind}, keyed by webhookId and extRequestId`, () => {
      const t = translateSpinwheelWebhook(
        webhook({ extRequestId: 'key-1', refreshTransactionStatus: status, creditCardId: 'c1', newField: 1 }),
      );
      assert.deepEqual(t, {
        resource: { userId: 'u-1' },
        event: { eventId: 'wh-42', provider: 'spinwheel', kind, providerStatus: status, refreshId: 'key-1' },
      });
    });
  }

  void it('leaves refreshId out when the data names no extRequestId', () => {
    const t = translateSpinwheelWebhook(
      webhook({ refreshTransactionStatus: 'COMPLETED', creditCardId: 'c1' }),
    );
    assert.ok('event' in t);
    assert.equal('refreshId' in t.event, false);
  });

  void it('sums up an array of items: running if any runs, completed if any completed', () => {
    const items = (...s: string[]) =>
      s.map((refreshTransactionStatus, i) => ({ refreshTransactionStatus, creditCardId: `c${i}` }));
    const kindOf = (data: unknown) => {
      const t = translateSpinwheelWebhook(webhook(data));
      return 'event' in t ? t.event.kind : t.ignored;
    };
    assert.equal(kindOf(items('COMPLETED', 'IN_PROGRESS')), 'REFRESH_STARTED');
    assert.equal(kindOf(items('FAILED', 'COMPLETED')), 'REFRESH_COMPLETED');
    assert.equal(kindOf(items('FAILED', 'FAILED')), 'REFRESH_FAILED');
  });

  void it('ignores other event types, malformed envelopes and non-objects', () => {
    const other = translateSpinwheelWebhook(
      webhook({ refreshTransactionStatus: 'COMPLETED' }, { eventType: 'PAYMENT_STATUS' }),
    );
    assert.match('ignored' in other ? other.ignored : '', /PAYMENT_STATUS/);
    const badStatus = translateSpinwheelWebhook(
      webhook({ refreshTransactionStatus: 'DONE', creditCardId: 'c1' }),
    );
    assert.ok('ignored' in badStatus);
    const noId = translateSpinwheelWebhook(
      webhook({ refreshTransactionStatus: 'COMPLETED' }, { webhookId: '' }),
    );
    assert.ok('ignored' in noId);
    assert.ok('ignored' in translateSpinwheelWebhook(null));
    assert.ok('ignored' in translateSpinwheelWebhook('REFRESH_TRANSACTION_STATUS'));
  });
});
