// Spinwheel webhook checks at their edges: source addresses as sockets report them, and malformed bodies.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { translateSpinwheelWebhook, verifySpinwheelWebhook } from '../../providers/spinwheel/webhook';

const check = (remoteIp: string | undefined, allowedIps: string[]) =>
  verifySpinwheelWebhook({
    headers: { 'x-spinwheel-secret': 'shh' },
    headerName: 'X-Spinwheel-Secret',
    secret: 'shh',
    remoteIp,
    allowedIps,
  });

describe('Spinwheel source addresses', () => {
  it('matches an allowed IPv4 address whether the socket reports it plain, mapped (::ffff:) or padded', () => {
    assert.equal(check('10.0.0.1', ['10.0.0.1']), true);
    assert.equal(check('::ffff:10.0.0.1', ['10.0.0.1']), true);
    assert.equal(check('::FFFF:10.0.0.1', ['10.0.0.1']), true);
    assert.equal(check(' 10.0.0.1 ', ['10.0.0.1']), true);
    assert.equal(check('10.0.0.1', [' ::ffff:10.0.0.1']), true);
  });
  it('refuses any other address, even one sharing the last characters', () => {
    assert.equal(check('20.0.0.1', ['10.0.0.1']), false);
    assert.equal(check('::ffff:20.0.0.1', ['10.0.0.1']), false);
    assert.equal(check(undefined, ['10.0.0.1']), false);
  });
  it('keeps IPv6 addresses as they are', () => {
    assert.equal(check('::ffff:abcd:1234', ['abcd:1234']), false);
    assert.equal(check('2001:db8::1', ['2001:db8::1']), true);
  });
});

describe('Spinwheel malformed refresh webhooks', () => {
  it('are ignored, quoting the first problem the schema found', () => {
    const r = translateSpinwheelWebhook({
      eventType: 'REFRESH_TRANSACTION_STATUS',
      userId: 'U1',
      data: { refreshTransactionStatus: 'COMPLETED' },
    });
    assert.ok('ignored' in r);
    assert.match(r.ignored, /^malformed REFRESH_TRANSACTION_STATUS: (?!invalid$).+/);
    const other = translateSpinwheelWebhook({ eventType: 'OTHER' });
    assert.deepEqual(other, { ignored: 'event type OTHER is not REFRESH_TRANSACTION_STATUS' });
    assert.deepEqual(translateSpinwheelWebhook(null), {
      ignored: 'event type undefined is not REFRESH_TRANSACTION_STATUS',
    });
  });
});
