import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMeldTimestamp, signMeldWebhook, verifyMeldWebhook } from '../../providers/meld/signature';

// Meld's published example, verbatim, from "Webhooks Authentication":
// https://docs.meld.io/docs/webhook-authentication (also
// https://docs.meld.io/docs/bank-linking/onboarding/step-5-setting-up-webhooks/webhook-authentication).
// Independently re-checked with: printf '%s' "$TS.$URL.$BODY" | openssl dgst -sha256 -hmac "$SECRET" -binary | base64 | tr '+/' '-_'
const PUBLISHED = {
  secret: '42m4NMLS34WQ6BbMfo1KFKqMv4hy',
  url: 'https://example.meld.io/webhooks',
  signature: 'O4bN5E0U9s88l2DFc0kjt-0w3LLA3Zkv8hXhafc22Hg=',
  timestamp: '2022-05-26T20:25:17.682818Z',
  body: '{"eventType":"WEBHOOK_TEST","eventId":"GDtv8pQgwzc9HuFFBQFrww","timestamp":"2022-05-26T20:23:45.908400Z","accountId":"W9jpQc1HKvwscqMPcLmzUS","profileId":null,"version":"2021-10-27","payload":{"requestId":"7aWW1GXTjWCCtNubzvVX7V"}}',
};
const publishedAt = Date.parse('2022-05-26T20:25:17.682Z');

const verifyPublished = (over: Partial<Parameters<typeof verifyMeldWebhook>[0]> = {}) =>
  verifyMeldWebhook({
    secret: PUBLISHED.secret,
    url: PUBLISHED.url,
    headers: { 'meld-signature': PUBLISHED.signature, 'meld-signature-timestamp': PUBLISHED.timestamp },
    rawBody: Buffer.from(PUBLISHED.body),
    now: publishedAt + 10_000,
    ...over,
  });

void describe('Meld webhook signature', () => {
  void it("reproduces Meld's published example signature", () => {
    const signature = signMeldWebhook({
      secret: PUBLISHED.secret,
      timestamp: PUBLISHED.timestamp,
      url: PUBLISHED.url,
      rawBody: Buffer.from(PUBLISHED.body),
    });
    assert.equal(signature, PUBLISHED.signature);
    assert.ok(signature.endsWith('='), 'Meld keeps base64 padding');
  });

  void it("verifies Meld's published example (headers in any case, as Headers or a record)", () => {
    assert.deepEqual(verifyPublished(), { ok: true });
    const headers = new Headers({
      'Meld-Signature': PUBLISHED.signature,
      'Meld-Signature-Timestamp': PUBLISHED.timestamp,
    });
    assert.deepEqual(verifyPublished({ headers }), { ok: true });
  });

  void it('uses the URL-safe alphabet: a vector whose standard base64 has + and /', () => {
    // Computed independently (not by this code), pasted from the shell:
    //   printf '%s' '1700000002.https://hooks.example.test/meld.{"a":2}' |
    //     openssl dgst -sha256 -hmac 'whsec-test' -binary | base64
    //   → /v+cSwUlZO3iF0NyTT6sg4gQbBFEFcvGlr+0PnGqhcM=
    const sig = signMeldWebhook({
      secret: 'whsec-test',
      timestamp: '1700000002',
      url: 'https://hooks.example.test/meld',
      rawBody: Buffer.from('{"a":2}'),
    });
    assert.equal(sig, '_v-cSwUlZO3iF0NyTT6sg4gQbBFEFcvGlr-0PnGqhcM=');
  });

  void it('round-trips sign → verify over raw bytes', () => {
    const rawBody = Buffer.from('{"eventType":"BANK_LINKING_ACCOUNTS_UPDATED","eventId":"e1"}');
    const timestamp = new Date().toISOString();
    const url = 'https://api.example.test/webhooks/meld';
    const signature = signMeldWebhook({ secret: 's3cret', timestamp, url, rawBody });
    const headers = { 'meld-signature': signature, 'meld-signature-timestamp': timestamp };
    assert.deepEqual(verifyMeldWebhook({ secret: 's3cret', url, headers, rawBody }), { ok: true });
    assert.deepEqual(verifyMeldWebhook({ secret: 'other', url, headers, rawBody }), {
      ok: false,
      reason: 'SIGNATURE_MISMATCH',
    });
  });

  void it('rejects a tampered body, even whitespace-only re-serialization', () => {
    const pretty = Buffer.from(JSON.stringify(JSON.parse(PUBLISHED.body), null, 2));
    assert.deepEqual(verifyPublished({ rawBody: pretty }), { ok: false, reason: 'SIGNATURE_MISMATCH' });
    const tampered = Buffer.from(PUBLISHED.body.replace('WEBHOOK_TEST', 'WEBHOOK_TESX'));
    assert.deepEqual(verifyPublished({ rawBody: tampered }), { ok: false, reason: 'SIGNATURE_MISMATCH' });
  });

  void it('rejects a different URL (the signed URL is the configured public one)', () => {
    assert.deepEqual(verifyPublished({ url: 'http://example.meld.io/webhooks' }), {
      ok: false,
      reason: 'SIGNATURE_MISMATCH',
    });
  });

  void it('rejects stale and future timestamps beyond the tolerance', () => {
    assert.deepEqual(verifyPublished({ now: publishedAt + 301_000 }), {
      ok: false,
      reason: 'STALE_TIMESTAMP',
    });
    assert.deepEqual(verifyPublished({ now: publishedAt - 301_000 }), {
      ok: false,
      reason: 'FUTURE_TIMESTAMP',
    });
    assert.deepEqual(verifyPublished({ now: publishedAt + 299_000 }), { ok: true });
    assert.deepEqual(verifyPublished({ now: publishedAt + 60_000, toleranceSeconds: 30 }), {
      ok: false,
      reason: 'STALE_TIMESTAMP',
    });
  });

  void it('rejects missing headers and unparseable timestamps', () => {
    assert.deepEqual(verifyPublished({ headers: { 'meld-signature-timestamp': PUBLISHED.timestamp } }), {
      ok: false,
      reason: 'MISSING_SIGNATURE',
    });
    assert.deepEqual(verifyPublished({ headers: { 'meld-signature': PUBLISHED.signature } }), {
      ok: false,
      reason: 'MISSING_TIMESTAMP',
    });
    assert.deepEqual(
      verifyPublished({
        headers: { 'meld-signature': PUBLISHED.signature, 'meld-signature-timestamp': 'yesterday' },
      }),
      {
        ok: false,
        reason: 'BAD_TIMESTAMP',
      },
    );
    assert.equal(parseMeldTimestamp('2022-05-26'), undefined);
    assert.equal(parseMeldTimestamp('1653596717'), 1653596717000);
  });

  void it('rejects signatures of the wrong length without throwing', () => {
    for (const bad of [PUBLISHED.signature.slice(0, -1), `${PUBLISHED.signature}A`, 'x']) {
      const headers = { 'meld-signature': bad, 'meld-signature-timestamp': PUBLISHED.timestamp };
      assert.deepEqual(verifyPublished({ headers }), { ok: false, reason: 'SIGNATURE_MISMATCH' });
    }
  });
});
