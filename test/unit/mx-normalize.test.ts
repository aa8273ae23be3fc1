import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  mapMxConnectionStatus,
  mxAccountKind,
  mxFailureReason,
  normalizeMxAccount,
  pendingByAccount,
  toChallengeView,
} from '../../providers/mx/normalize';
import { MX_SANDBOX_CHALLENGES } from '../../providers/mx/sandbox';
import type { MxAccount, MxTransaction } from '../../providers/mx/schemas';

const account = (over: Partial<MxAccount>): MxAccount => ({
  guid: 'ACT-1',
  type: 'CHECKING',
  currency_code: 'USD',
  ...over,
});
const realtime = { freshness: 'REALTIME' as const };

void describe('normalizeMxAccount amounts', () => {
  const cases: [string, Partial<MxAccount>, number | null, number | null][] = [
    ['19.99 (float *100 gives 1998.999…)', { balance: 19.99, available_balance: 19.99 }, 1999, 1999],
    ['1.005 rounds half away from zero', { balance: 1.005, available_balance: 1.005 }, 101, 101],
    ['0.1 + 0.2 style value', { balance: 0.1 + 0.2, available_balance: 0.3 }, 30, 30],
    ['1234567.89', { balance: 1234567.89, available_balance: null }, 123456789, null],
    ['98765432101.23 (beyond 2^32 cents)', { balance: 98765432101.23 }, 9876543210123, null],
    ['overdrawn checking stays negative', { balance: -45.1, available_balance: -45.1 }, -4510, -4510],
    ['4.35 (float *100 gives 434.999…)', { balance: 4.35 }, 435, null],
  ];
  for (const [name, fields, current, available] of cases) {
    void test(name, () => {
      const b = normalizeMxAccount(account(fields), realtime);
      assert.equal(b.current, current);
      assert.equal(b.available, available);
      assert.equal(b.limit, null);
      assert.equal(b.kind, 'DEPOSITORY');
    });
  }

  void test('JPY has exponent 0, EUR 2', () => {
    assert.equal(
      normalizeMxAccount(account({ currency_code: 'JPY', balance: 123456 }), realtime).current,
      123456,
    );
    assert.equal(
      normalizeMxAccount(account({ currency_code: 'EUR', balance: 999.99 }), realtime).current,
      99999,
    );
  });

  void test('currency defaults to USD when MX omits it', () => {
    const b = normalizeMxAccount(account({ currency_code: null, balance: 19.99 }), realtime);
    assert.equal(b.currency, 'USD');
    assert.equal(b.current, 1999);
  });

  void test('unknown currency: no amounts, CACHED with a reason instead of a wrong number', () => {
    const b = normalizeMxAccount(account({ currency_code: 'XYZ', balance: 10 }), realtime);
    assert.deepEqual(
      [b.current, b.available, b.freshness, b.note?.code],
      [null, null, 'CACHED', 'UNKNOWN_CURRENCY'],
    );
  });

  void test('credit card: balance positive = owed, available = available_credit, limit = credit_limit', () => {
    const b = normalizeMxAccount(
      account({
        type: 'CREDIT_CARD',
        balance: 4.35,
        available_credit: 4995.65,
        credit_limit: 5000,
        available_balance: 1,
      }),
      realtime,
    );
    assert.deepEqual([b.kind, b.current, b.available, b.limit], ['CREDIT', 435, 499565, 500000]);
    const overpaid = normalizeMxAccount(
      account({ type: 'CREDIT_CARD', balance: -25.5, credit_limit: 1000, available_credit: 1025.5 }),
      realtime,
    );
    assert.deepEqual([overpaid.current, overpaid.available], [-2550, 102550]);
  });

  void test('loan: owed amount as current, nothing available', () => {
    const b = normalizeMxAccount(
      account({ type: 'MORTGAGE', balance: 250000.01, available_balance: 5 }),
      realtime,
    );
    assert.deepEqual([b.kind, b.current, b.available], ['LOAN', 25000001, null]);
  });

  void test('metadata: name, providerType, asOf as ISO, freshness and note passed through', () => {
    const note = { code: 'X', message: 'y' };
    const b = normalizeMxAccount(
      account({
        name: 'Main',
        subtype: 'MONEY_MARKET',
        type: 'SAVINGS',
        updated_at: '2025-02-13T18:09:00+00:00',
      }),
      { freshness: 'CACHED', note },
    );
    assert.deepEqual(
      [b.name, b.providerType, b.asOf, b.freshness, b.note],
      ['Main', 'SAVINGS/MONEY_MARKET', '2025-02-13T18:09:00.000Z', 'CACHED', note],
    );
    assert.equal(normalizeMxAccount(account({ updated_at: null }), realtime).asOf, null);
  });
});

void test('account kind mapping', () => {
  const table: [string | null, string | null, string][] = [
    ['CHECKING', null, 'DEPOSITORY'],
    ['SAVINGS', null, 'DEPOSITORY'],
    ['PREPAID', null, 'DEPOSITORY'],
    ['CASH', null, 'DEPOSITORY'],
    ['ANY', 'MONEY_MARKET', 'DEPOSITORY'],
    ['ANY', 'CD', 'DEPOSITORY'],
    ['CREDIT_CARD', null, 'CREDIT'],
    ['LINE_OF_CREDIT', null, 'CREDIT'],
    ['CHECKING_LINE_OF_CREDIT', null, 'CREDIT'],
    ['LOAN', 'AUTO', 'LOAN'],
    ['MORTGAGE', null, 'LOAN'],
    ['INVESTMENT', '401_K', 'INVESTMENT'],
    ['INSURANCE', null, 'OTHER'],
    ['PROPERTY', null, 'OTHER'],
    [null, null, 'OTHER'],
    ['checking', null, 'DEPOSITORY'],
  ];
  for (const [type, subtype, kind] of table)
    assert.equal(mxAccountKind(type, subtype), kind, `${type}/${subtype}`);
});

void test('pending: debits minus credits in exact minor units, PENDING only', () => {
  const t = (
    guid: string,
    amount: number,
    type: string | null,
    status: string,
    account_guid = 'ACT-a',
  ): MxTransaction => ({ guid, account_guid, amount, type, status });
  const sums = pendingByAccount(
    [
      t('1', 0.1, 'DEBIT', 'PENDING'),
      t('2', 0.2, 'DEBIT', 'PENDING'),
      t('3', 0.07, 'CREDIT', 'PENDING'),
      t('4', 42.5, 'DEBIT', 'POSTED'),
      t('5', 19.99, null, 'PENDING', 'ACT-b'),
    ],
    () => 'USD',
  );
  assert.equal(sums.get('ACT-a'), 23);
  assert.equal(sums.get('ACT-b'), 1999, 'a pending amount without a type counts as a debit');
});

void describe('mapMxConnectionStatus', () => {
  const start = '2025-03-01T10:00:00.400Z';
  const after = '2025-03-01T10:00:05Z';
  const before = '2025-03-01T09:00:00Z';
  const table: [string | null, boolean, string | null, string][] = [
    ['CONNECTED', false, after, 'SUCCEEDED'],
    ['CONNECTED', false, '2025-03-01T10:00:00Z', 'SUCCEEDED'], // same second as the start: MX has whole seconds
    ['CONNECTED', false, before, 'RUNNING'], // not yet moved forward
    ['CONNECTED', false, null, 'RUNNING'],
    ['CONNECTED', true, after, 'RUNNING'],
    ['CHALLENGED', true, before, 'CHALLENGED'],
    ['CHALLENGED', false, before, 'CHALLENGED'],
    ['CREATED', false, before, 'RUNNING'],
    ['RESUMED', false, before, 'RUNNING'],
    ['UPDATED', false, before, 'RUNNING'],
    ['RECONNECTED', false, before, 'RUNNING'],
    ['DENIED', true, before, 'RUNNING'],
    ['DENIED', false, before, 'FAILED'],
    ['FAILED', false, before, 'FAILED'],
    ['EXPIRED', false, before, 'FAILED'],
    ['LOCKED', false, before, 'FAILED'],
    ['IMPEDED', false, before, 'FAILED'],
    ['PREVENTED', false, before, 'FAILED'],
    ['DEGRADED', false, before, 'FAILED'],
    ['DISCONNECTED', false, before, 'FAILED'],
    ['IMPAIRED', false, before, 'FAILED'],
    [null, false, before, 'RUNNING'],
  ];
  for (const [status, aggregating, saa, expected] of table) {
    void test(`${status} aggregating=${aggregating} saa=${saa} → ${expected}`, () => {
      assert.equal(mapMxConnectionStatus(status, aggregating, saa, start), expected);
    });
  }
  void test('failure reason code is PROVIDER_<STATUS>', () => {
    assert.equal(mxFailureReason('DENIED').code, 'PROVIDER_DENIED');
    assert.equal(mxFailureReason('impaired').code, 'PROVIDER_IMPAIRED');
    assert.match(mxFailureReason('DENIED').message, /refused/);
  });
});

void describe('toChallengeView', () => {
  void test('TEXT challenge: guid as id, label, field name, no options', () => {
    assert.deepEqual(toChallengeView(MX_SANDBOX_CHALLENGES.text), {
      id: 'CRD-sandbox-text-1',
      type: 'TEXT',
      label: 'What city were you born in?',
      fieldName: 'city',
    });
  });
  void test('OPTIONS challenge: option guid as id, label and value', () => {
    const view = toChallengeView(MX_SANDBOX_CHALLENGES.options);
    assert.equal(view.type, 'OPTIONS');
    assert.deepEqual(view.options, [
      { id: 'CRD-sandbox-option-sms', label: 'Text (***) ***-1234', value: 'correct' },
      { id: 'CRD-sandbox-option-email', label: 'Email j***@example.com', value: 'wrong' },
    ]);
  });
  void test('integer types from MX guides and image challenges', () => {
    assert.equal(toChallengeView({ guid: 'CRD-1', label: 'q', type: 0 }).type, 'TEXT');
    assert.equal(toChallengeView({ guid: 'CRD-1', label: 'q', type: 1 }).type, 'OPTIONS');
    const image = toChallengeView({
      guid: 'CRD-2',
      label: null,
      field_name: 'Who is this?',
      type: 'IMAGE_OPTIONS',
      image_options: [{ guid: 'CRD-i', label: 'IMAGE_1', value: 'v1', data_uri: 'data:' }],
    });
    assert.deepEqual(
      [image.type, image.label, image.options?.[0]?.id],
      ['IMAGE_OPTIONS', 'Who is this?', 'CRD-i'],
    );
    assert.equal(
      toChallengeView({ guid: 'CRD-3', type: 'IMAGE_DATA', image_data: 'data:image/png;base64,AA' })
        .imageData,
      'data:image/png;base64,AA',
    );
  });
});
