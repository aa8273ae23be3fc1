// MX normalization rules at their edges: unknown currencies, pending sums, failure reasons, challenges.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  isNamedMxAccount,
  mxFailureReason,
  normalizeMxAccount,
  pendingByAccount,
  toChallengeView,
} from '../../providers/mx/normalize';
import type { MxAccount, MxChallenge, MxTransaction } from '../../providers/mx/schemas';

describe('MX account in an unknown currency', () => {
  it('has no amounts, is CACHED, and says which account and code', () => {
    const n = normalizeMxAccount(
      { guid: 'ACT-1', type: 'CHECKING', currency_code: 'xts', balance: 10 } as MxAccount,
      {
        freshness: 'REALTIME',
      },
    );
    assert.deepEqual([n.current, n.available, n.limit, n.freshness], [null, null, null, 'CACHED']);
    assert.deepEqual(n.note, {
      code: 'UNKNOWN_CURRENCY',
      message: 'MX account ACT-1 has unknown currency XTS',
    });
  });
});

describe('MX pending totals', () => {
  const tx = (over: Partial<MxTransaction>) =>
    ({ account_guid: 'A', amount: 1, status: 'PENDING', type: 'DEBIT', ...over }) as MxTransaction;
  it('skip transactions without a status or an amount, and accounts in a currency we cannot scale', () => {
    const sums = pendingByAccount(
      [
        tx({ amount: 2.5 }),
        tx({ status: undefined }),
        tx({ status: null as never }),
        tx({ amount: null as never }),
        tx({ amount: undefined }),
        tx({ account_guid: 'X', amount: 9 }),
        tx({ account_guid: null as never, amount: 4 }),
        tx({ account_guid: '', amount: 4 }),
      ],
      (guid) => (guid === 'X' ? 'XTS' : 'USD'),
    );
    assert.deepEqual([...sums], [['A', 250]]);
  });
});

describe('MX failure reasons', () => {
  it('give every end status its code and a message saying what happened', () => {
    const expected: Record<string, RegExp> = {
      DENIED: /refused the credentials/,
      EXPIRED: /did not arrive in time/,
      LOCKED: /locked at the institution/,
      IMPEDED: /must act on the institution website/,
      PREVENTED: /new credentials are needed/,
      REJECTED: /MFA answer was rejected/,
      DISCONNECTED: /could not connect to the institution/,
      FAILED: /could not complete the job/,
    };
    for (const [status, message] of Object.entries(expected)) {
      const r = mxFailureReason(status.toLowerCase());
      assert.equal(r.code, `PROVIDER_${status}`);
      assert.match(r.message, message, status);
    }
  });
  it('name an unlisted or missing status in the message', () => {
    assert.deepEqual(mxFailureReason('closed'), {
      code: 'PROVIDER_CLOSED',
      message: 'MX connection status CLOSED',
    });
    assert.deepEqual(mxFailureReason(null), {
      code: 'PROVIDER_UNKNOWN',
      message: 'MX connection status UNKNOWN',
    });
  });
});

describe('MX challenges as callers see them', () => {
  const challenge = (over: Partial<MxChallenge>) => ({ guid: 'CRD-1', ...over }) as MxChallenge;
  it('read the type by name in any case or by number; anything else, or none, is TEXT', () => {
    assert.equal(toChallengeView(challenge({ type: 'options' })).type, 'OPTIONS');
    assert.equal(toChallengeView(challenge({ type: 'Image_Data' })).type, 'IMAGE_DATA');
    assert.equal(toChallengeView(challenge({ type: 2 })).type, 'TOKEN');
    assert.equal(toChallengeView(challenge({ type: 'CAPTCHA' })).type, 'TEXT');
    assert.equal(toChallengeView(challenge({ type: 9 })).type, 'TEXT');
    assert.equal(toChallengeView(challenge({ type: undefined })).type, 'TEXT');
    assert.equal(toChallengeView(challenge({ type: null })).type, 'TEXT');
  });
  it("label the question by MX's label, else its field name, else a generic question", () => {
    assert.equal(toChallengeView(challenge({ label: 'PIN?', field_name: 'pin' })).label, 'PIN?');
    assert.equal(toChallengeView(challenge({ field_name: 'pin' })).label, 'pin');
    assert.equal(toChallengeView(challenge({})).label, 'Answer the question from your bank');
  });
  it('fill each option from what MX gave: guid or value as id, label or value as label, value or guid as value', () => {
    const view = toChallengeView(
      challenge({
        type: 'OPTIONS',
        options: [{ value: 'V1' }, { guid: 'G2' }, {}, { guid: 'G4', label: 'Four', value: 'V4' }] as never,
      }),
    );
    assert.deepEqual(view.options, [
      { id: 'V1', label: 'V1', value: 'V1' },
      { id: 'G2', label: '', value: 'G2' },
      { id: '', label: '', value: '' },
      { id: 'G4', label: 'Four', value: 'V4' },
    ]);
  });
});

describe('MX accounts and challenges without a guid (nullable in the spec)', () => {
  it('an account is addressable only with a non-empty guid', () => {
    assert.equal(isNamedMxAccount({ guid: 'ACT-1' } as MxAccount), true);
    for (const guid of ['', null, undefined])
      assert.equal(isNamedMxAccount({ guid } as MxAccount), false, String(guid));
    assert.equal(
      normalizeMxAccount({ guid: null, type: 'CHECKING' } as unknown as MxAccount, { freshness: 'CACHED' })
        .accountId,
      '',
    );
  });
  it("a challenge is named by its guid, else its field name, else ''", () => {
    assert.equal(toChallengeView({ guid: 'CRD-1', field_name: 'pin' } as MxChallenge).id, 'CRD-1');
    assert.equal(toChallengeView({ guid: null, field_name: 'pin' } as unknown as MxChallenge).id, 'pin');
    assert.equal(toChallengeView({ guid: null } as unknown as MxChallenge).id, '');
  });
});
