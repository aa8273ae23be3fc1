// The sample payloads printed in the provider documents parse with our schemas and normalize to the
// right minor units. Fixtures in test/fixtures/seeds are the seed samples as printed (JSON only: the
// code viewer's "_10" markers and Meld's "// data" placeholders removed); MX's account sample is the
// `example` values of AccountResponse in MX's own spec (test/fixtures/mx).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { meldAccountPageSchema, meldAccountSchema } from '../../providers/meld/schemas';
import { normalizeMeldAccount } from '../../providers/meld/normalize';
import {
  mxAccountsPageSchema,
  mxMemberBodySchema,
  mxMemberStatusBodySchema,
} from '../../providers/mx/schemas';
import { mapMxConnectionStatus, normalizeMxAccount } from '../../providers/mx/normalize';
import { UserResponseSchema } from '../../providers/spinwheel/schemas';
import { eligibilityOf, normalizeSpinwheelCard } from '../../providers/spinwheel/normalize';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(__dirname, '../fixtures/seeds', name), 'utf8'));

void describe('MX seed samples', () => {
  test('check_balance reference answer (member) parses: guid, status, timestamps', () => {
    const { member } = mxMemberBodySchema.parse(fixture('mx-check-balance-member.json'));
    assert.deepEqual(
      [member.guid, member.connection_status, member.is_being_aggregated, member.successfully_aggregated_at],
      ['MBR-7c6f361b-e582-15b6-60c0-358f12466b4b', 'CONNECTED', false, '2016-10-13T17:57:38.000Z'],
    );
  });

  test("the aggregation guide's member status answer parses and reads as a finished refresh", () => {
    const { member } = mxMemberStatusBodySchema.parse(fixture('mx-member-status.json'));
    assert.equal(
      mapMxConnectionStatus(
        member.connection_status ?? null,
        member.is_being_aggregated ?? false,
        member.successfully_aggregated_at ?? null,
        '2020-09-18T16:29:15Z',
      ),
      'SUCCEEDED',
    );
  });

  test("the spec's AccountResponse example parses (without pagination) and normalizes to minor units", () => {
    const spec = parse(readFileSync(join(__dirname, '../fixtures/mx/mx-platform-v20250224.yml'), 'utf8')) as {
      components: { schemas: Record<string, { properties: Record<string, { example?: unknown }> }> };
    };
    const example = Object.fromEntries(
      Object.entries(spec.components.schemas.AccountResponse!.properties).map(([k, v]) => [
        k,
        v.example ?? null,
      ]),
    );
    const page = mxAccountsPageSchema.parse({ accounts: [example] });
    const account = page.accounts[0]!;
    const b = normalizeMxAccount(account, { freshness: 'REALTIME' });
    assert.deepEqual(
      [b.accountId, b.kind, b.currency, b.current, b.available],
      ['ACT-06d7f44b-caae-0f6e-1384-01f52e75dcb1', 'DEPOSITORY', 'USD', 100_000, 100_000],
    );
  });
});

void describe('Meld seed sample', () => {
  test('the Balances product sample account parses alone and in a page, and normalizes 3578.41 → 357841', () => {
    const sample = fixture('meld-account.json');
    const account = meldAccountSchema.parse(sample);
    assert.equal(
      meldAccountPageSchema.parse({ count: 1, financialAccounts: [sample] }).financialAccounts.length,
      1,
    );
    const b = normalizeMeldAccount(account, { freshness: 'REALTIME' });
    assert.deepEqual(
      [b.accountId, b.kind, b.currency, b.current, b.available, b.asOf],
      ['W9ja25UmrZF25xbG22wdd', 'DEPOSITORY', 'USD', 357_841, 357_841, '2022-03-08T23:19:23Z'],
    );
  });
});

void describe('Spinwheel seed samples', () => {
  const samples = fixture('spinwheel-capabilities.json') as {
    supported: unknown;
    notSupported: unknown;
    unsupportedVariants: unknown[];
  };
  // The guide prints capabilities only; the balance fields are those PROVIDERS.md names.
  const card = (id: string, capabilities: unknown, balanceDetails?: unknown) => ({
    id,
    capabilities,
    ...(balanceDetails ? { balanceDetails } : {}),
    cardProfile: { creditLimit: 5000 },
  });

  test("a user with the guide's two cards parses; the SUPPORTED one is eligible, the closed one says why", () => {
    const body = UserResponseSchema.parse({
      status: { code: 200, desc: 'success' },
      data: {
        creditCards: [
          card('c-1', samples.supported, {
            outstandingBalance: 1234.56,
            availableCredit: 3765.44,
            minimumPaymentDue: 25,
            updatedOn: 1709960400000,
          }),
          card('c-2', samples.notSupported),
        ],
      },
    });
    const [supported, closed] = body.data.creditCards;
    assert.deepEqual(eligibilityOf(supported!), { eligible: true });
    assert.equal(eligibilityOf(closed!).reason?.code, 'CLOSED_ACCOUNT_NO_BALANCE');
    const b = normalizeSpinwheelCard(supported!, 'REALTIME');
    assert.deepEqual(
      [b.kind, b.currency, b.current, b.available, b.limit, b.asOf],
      ['CREDIT', 'USD', 123_456, 376_544, 500_000, '2024-03-09T05:00:00.000Z'],
    );
  });

  test('every unsupported variant the guide prints parses and gives its reason (REFRESH_EXHAUSTED with retryAt)', () => {
    const body = UserResponseSchema.parse({
      status: { code: 200, desc: 'success' },
      data: {
        creditCards: samples.unsupportedVariants.map((realtimeBalance, i) =>
          card(`v-${i}`, { data: { realtimeBalance } }),
        ),
      },
    });
    const reasons = body.data.creditCards.map((c) => eligibilityOf(c).reason);
    assert.deepEqual(
      reasons.map((r) => r?.code),
      [
        'CLOSED_ACCOUNT_NO_BALANCE',
        'FIELD_ERROR',
        'REFRESH_EXHAUSTED',
        'NOT_PRIMARY_ACCOUNT_HOLDER',
        'ACCOUNT_TERMINATED',
        'INSTITUTION_NOT_SUPPORTED',
      ],
    );
    assert.match(reasons[1]!.message, /CREDIT_CARD_NUMBER: NOT_PRESENT/);
    assert.equal(reasons[2]!.retryAt, '2024-03-09T05:00:00.000Z');
  });
});
