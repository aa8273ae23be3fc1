// MX end to end through the API: start, webhook completes it, MFA by update.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestStack, type TestStack } from '../helpers/stack';
import { waitFor } from '../helpers/wait';

describe('MX end to end (smoke)', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack({ providers: ['mx'] });
  });
  after(async () => {
    await stack?.stop();
  });

  it('MBR-connected completes on the webhook with no poll', async () => {
    const res = await stack.api('POST', '/v1/balance-checks', { provider: 'mx', resource: { userId: 'USR-sandbox', memberId: 'MBR-connected' } }, { prefer: 'wait=20' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.result.status, 'COMPLETED');
    assert.equal(res.body.result.polls, 0);
    assert.ok(res.body.result.balances.length >= 3);
  });

  it('MBR-challenge: MFA through the API', async () => {
    const res = await stack.api('POST', '/v1/balance-checks', { provider: 'mx', resource: { userId: 'USR-sandbox', memberId: 'MBR-challenge' } });
    assert.equal(res.status, 202);
    const id = res.body.id;
    let view: any;
    await waitFor(async () => {
      view = (await stack.api('GET', `/v1/balance-checks/${id}`)).body;
      return view.phase === 'WAITING_FOR_MFA';
    });
    const mfa = await stack.api('POST', `/v1/balance-checks/${id}/mfa`, { answers: [{ challengeId: view.challenges[0].id, value: 'correct' }] });
    assert.equal(mfa.status, 200, JSON.stringify(mfa.body));
    await waitFor(async () => {
      view = (await stack.api('GET', `/v1/balance-checks/${id}`)).body;
      return view.phase === 'DONE';
    });
    assert.equal(view.result.status, 'COMPLETED');
    assert.equal(view.result.mfaRounds, 1);
  });
});
