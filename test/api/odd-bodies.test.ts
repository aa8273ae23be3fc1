// Odd provider bodies and odd JSON on the running stack: dates out of range, 30,000-deep nesting,
// huge / NaN-ish numbers, wrong types — for all three providers' webhooks (correctly authenticated)
// and the /v1 JSON routes. Each answers 2xx "ignored" or a 4xx problem, never a 5xx.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodeCheckId } from '../../api/check-id';
import { signMeldWebhook } from '../../providers/meld/signature';
import { startTestStack, TEST_API_KEYS, type TestStack } from '../helpers/stack';

const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('odd bodies → 2xx ignored or 4xx, never 5xx (running stack)', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack({ providers: ['mx', 'meld', 'spinwheel'] });
  });
  after(async () => {
    await stack?.stop();
  });

  async function send(path: string, rawBody: string, headers: Record<string, string>) {
    const res = await fetch(stack.apiUrl + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: rawBody,
    });
    const text = await res.text();
    return {
      status: res.status,
      text,
      body: (() => {
        try {
          return JSON.parse(text);
        } catch {
          return text;
        }
      })(),
    };
  }
  const mxHeaders = () => ({
    authorization: `Basic ${Buffer.from(`${stack.providerEnv.MX_WEBHOOK_USERNAME}:${stack.providerEnv.MX_WEBHOOK_PASSWORD}`).toString('base64')}`,
  });
  const meldHeaders = (rawBody: string) => {
    const timestamp = new Date().toISOString();
    return {
      'meld-signature-timestamp': timestamp,
      'meld-signature': signMeldWebhook({
        secret: stack.providerEnv.MELD_WEBHOOK_SECRET!,
        timestamp,
        url: stack.providerEnv.MELD_WEBHOOK_URL!,
        rawBody: Buffer.from(rawBody),
      }),
    };
  };
  const spinwheelHeaders = () => ({
    [stack.providerEnv.SPINWHEEL_WEBHOOK_HEADER!]: stack.providerEnv.SPINWHEEL_WEBHOOK_SECRET!,
  });

  // Raw texts, so numbers JSON.stringify cannot write (1e400, -0, 1e20 as written) reach the server.
  const mxBalance = (completedAt: string, user = '"USR-sandbox"', member = '"MBR-connected"') =>
    `{"type":"BALANCE","user_guid":${user},"member_guid":${member},"completed_at":${completedAt}}`;
  const mxStatus = (extra: string) =>
    `{"type":"CONNECTION_STATUS","user_guid":"USR-sandbox","member_guid":"MBR-connected",${extra}}`;
  const GENERIC: [string, string][] = [
    ['30,000-deep array', deep(30_000)],
    ['deep array inside an object', `{"type":"BALANCE","x":${deep(20_000)}}`],
    ['null', 'null'],
    ['a string', '"BALANCE"'],
    ['a number', '1e400'],
    ['empty array', '[]'],
    ['empty object', '{}'],
    ['empty body', ''],
    ['not JSON', '{"type":'],
  ];
  const MX: [string, string][] = [
    ['completed_at 1e20', mxBalance('1e20')],
    ['completed_at -1e20', mxBalance('-1e20')],
    ['completed_at 1e400 (Infinity)', mxBalance('1e400')],
    ['completed_at as a huge digit string', mxBalance('"99999999999999999999999"')],
    ['completed_at "NaN"', mxBalance('"NaN"')],
    ['completed_at null', mxBalance('null')],
    ['completed_at an object', mxBalance('{"$date":1}')],
    ['member_guid a number', mxBalance('1700000000', '"USR-sandbox"', '12345')],
    ['user_guid an array', mxBalance('1700000000', '["USR-sandbox"]')],
    ['ids with a colon', mxBalance('1700000000', '"USR:x"', '"MBR:y"')],
    [
      'ids of 5,000 characters',
      mxBalance('1700000000', JSON.stringify('U'.repeat(5000)), JSON.stringify('M'.repeat(5000))),
    ],
    ['updated_at 1e20', mxStatus('"connection_status":"CONNECTED","updated_at":1e20')],
    ['updated_at "not a date"', mxStatus('"connection_status":"CONNECTED","updated_at":"not a date"')],
    ['connection_status_id 1e300', mxStatus('"connection_status_id":1e300')],
    ['connection_status_id -1', mxStatus('"connection_status_id":-1')],
    ['connection_status a number', mxStatus('"connection_status":7')],
    ['deeply nested extra field', mxStatus(`"connection_status":"CONNECTED","extra":${deep(10_000)}`)],
  ];
  const meldEvent = (fields: string) =>
    `{"eventType":"BANK_LINKING_ACCOUNTS_UPDATED","eventId":"odd-${Math.random()}",${fields}}`;
  const MELD: [string, string][] = [
    ['timestamp 1e20', meldEvent('"timestamp":1e20,"payload":{"customerId":"c","connectionId":"k"}')],
    [
      'timestamp "+275760-09-13T00:00:00.001Z"',
      meldEvent('"timestamp":"+275760-09-13T00:00:00.001Z","payload":{"customerId":"c","connectionId":"k"}'),
    ],
    ['timestamp "NaN"', meldEvent('"timestamp":"NaN","payload":{"customerId":"c","connectionId":"k"}')],
    [
      'payload ids numbers',
      meldEvent('"timestamp":"2026-01-01T00:00:00Z","payload":{"customerId":1e400,"connectionId":-0}'),
    ],
    ['payload an array', meldEvent(`"timestamp":"2026-01-01T00:00:00Z","payload":${deep(50)}`)],
    [
      'ids with a colon',
      meldEvent('"timestamp":"2026-01-01T00:00:00Z","payload":{"customerId":"a:b","connectionId":"c:d"}'),
    ],
    [
      'eventId a number',
      '{"eventType":"BANK_LINKING_ACCOUNTS_UPDATED","eventId":1e400,"payload":{"customerId":"c","connectionId":"k"}}',
    ],
  ];
  const swEvent = (fields: string) =>
    `{"webhookId":"odd-${Math.random()}","eventType":"REFRESH_TRANSACTION_STATUS",${fields}}`;
  const SPINWHEEL: [string, string][] = [
    ['status unknown', swEvent('"userId":"sw-user-sandbox","data":{"refreshTransactionStatus":"NaN"}')],
    ['data a deep array', swEvent(`"userId":"sw-user-sandbox","data":${deep(30_000)}`)],
    ['data an empty array', swEvent('"userId":"sw-user-sandbox","data":[]')],
    ['userId a number', swEvent('"userId":1e400,"data":{"refreshTransactionStatus":"COMPLETED"}')],
    ['userId with a colon', swEvent('"userId":"a:b","data":{"refreshTransactionStatus":"COMPLETED"}')],
    [
      'userId of 5,000 characters',
      swEvent(`"userId":"${'u'.repeat(5000)}","data":{"refreshTransactionStatus":"COMPLETED"}`),
    ],
    [
      'webhookId a number',
      '{"webhookId":1e20,"eventType":"REFRESH_TRANSACTION_STATUS","userId":"u","data":{"refreshTransactionStatus":"COMPLETED"}}',
    ],
  ];

  for (const [provider, cases, headers] of [
    ['mx', [...GENERIC, ...MX], () => mxHeaders()],
    ['meld', [...GENERIC, ...MELD], (raw: string) => meldHeaders(raw)],
    ['spinwheel', [...GENERIC, ...SPINWHEEL], () => spinwheelHeaders()],
  ] as const) {
    it(`/webhooks/${provider}: every odd body → 202 ignored / no check, or 400`, async () => {
      for (const [name, raw] of cases) {
        const res = await send(`/webhooks/${provider}`, raw, headers(raw));
        assert.ok(
          res.status === 202 || res.status === 400,
          `${provider} ${name}: ${res.status} ${res.text.slice(0, 300)}`,
        );
        if (res.status === 202)
          assert.ok(['ignored', 'no-running-check'].includes(res.body.status), `${name}: ${res.text}`);
        else
          assert.equal(
            res.body.type,
            'https://balance-check.dev/problems/malformed-json',
            `${name}: ${res.text}`,
          );
      }
    });
  }

  it('MX completed_at 1e20 (a date JavaScript cannot represent) → 202 ignored with the reason', async () => {
    const res = await send('/webhooks/mx', mxBalance('1e20'), mxHeaders());
    assert.equal(res.status, 202);
    assert.equal(res.body.status, 'ignored');
    assert.match(res.body.reason, /untranslatable body: Invalid time value/);
  });

  it('a 30,000-deep webhook body → 400 naming the nesting limit', async () => {
    const res = await send('/webhooks/mx', deep(30_000), mxHeaders());
    assert.equal(res.status, 400);
    assert.match(res.body.detail, /nested deeper than 64 levels/);
  });

  it('/v1 JSON routes: deep nesting, huge / NaN-ish numbers, wrong types → 4xx problem', async () => {
    const checkId = encodeCheckId({
      workflowId: 'balance-check:test:mx:USR-sandbox:MBR-none',
      runId: '00000000-0000-4000-8000-000000000000',
      callerId: 'first',
    });
    const auth = { authorization: `Bearer ${TEST_API_KEYS.full}` };
    const start = (fields: string) =>
      `{"provider":"mx","resource":{"userId":"USR-sandbox","memberId":"MBR-connected"},${fields}}`;
    const cases: [string, string, string, number[]][] = [
      ['POST /v1/balance-checks 16,000-deep (fits 32 KiB)', '/v1/balance-checks', deep(16_000), [400]],
      ['POST /v1/balance-checks deep field', '/v1/balance-checks', start(`"accountIds":${deep(100)}`), [400]],
      [
        'amount 1e400',
        '/v1/balance-checks',
        start('"fundingAccountId":"A","requiredAmount":{"amount":1e400,"currency":"USD"}'),
        [422],
      ],
      [
        'amount 1e20',
        '/v1/balance-checks',
        start('"fundingAccountId":"A","requiredAmount":{"amount":1e20,"currency":"USD"}'),
        [422],
      ],
      [
        'amount "NaN"',
        '/v1/balance-checks',
        start('"fundingAccountId":"A","requiredAmount":{"amount":"NaN","currency":"USD"}'),
        [422],
      ],
      [
        'amount -0.5',
        '/v1/balance-checks',
        start('"fundingAccountId":"A","requiredAmount":{"amount":-0.5,"currency":"USD"}'),
        [422],
      ],
      ['maxAgeSeconds 1e400', '/v1/balance-checks', start('"maxAgeSeconds":1e400'), [422]],
      ['timeouts wrong type', '/v1/balance-checks', start('"timeouts":[1,2]'), [422]],
      ['null body', '/v1/balance-checks', 'null', [400, 422]],
      ['mfa deep', `/v1/balance-checks/${checkId}/mfa`, `{"answers":${deep(16_000)}}`, [400]],
      [
        'mfa wrong types',
        `/v1/balance-checks/${checkId}/mfa`,
        '{"answers":[{"challengeId":1e400,"value":{}}]}',
        [404, 422],
      ],
      ['events deep', `/v1/balance-checks/${checkId}/events`, deep(16_000), [400]],
      [
        'events occurredAt out of range',
        `/v1/balance-checks/${checkId}/events`,
        '{"eventId":"e","provider":"mx","kind":"REFRESH_COMPLETED","occurredAt":"+275760-09-13T00:00:00.001Z"}',
        [404, 422],
      ],
      [
        'events eventId a number',
        `/v1/balance-checks/${checkId}/events`,
        '{"eventId":1e400,"provider":"mx","kind":"REFRESH_COMPLETED"}',
        [404, 422],
      ],
    ];
    for (const [name, path, raw, expected] of cases) {
      const res = await send(path, raw, auth);
      assert.ok(expected.includes(res.status), `${name}: ${res.status} ${res.text.slice(0, 300)}`);
    }
  });
});
