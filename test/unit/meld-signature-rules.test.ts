// Meld webhook verification at its edges: the 300 s tolerance, header forms, timestamp formats.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MELD_SIGNATURE_HEADER,
  MELD_TIMESTAMP_HEADER,
  parseMeldTimestamp,
  signMeldWebhook,
  verifyMeldWebhook,
} from '../../providers/meld/signature';

const secret = 'whsec-rules';
const url = 'https://hooks.example.test/meld';
const rawBody = Buffer.from('{"eventType":"BANK_LINKING_ACCOUNTS_UPDATED","eventId":"e1"}');

function signedAt(timestamp: string, over: Partial<Parameters<typeof verifyMeldWebhook>[0]> = {}) {
  const signature = signMeldWebhook({ secret, timestamp, url, rawBody });
  return verifyMeldWebhook({
    secret,
    url,
    rawBody,
    headers: { [MELD_SIGNATURE_HEADER]: signature, [MELD_TIMESTAMP_HEADER]: timestamp },
    ...over,
  });
}

describe('Meld signature timestamp tolerance', () => {
  const ts = '2026-11-21T10:00:00.000Z';
  const at = Date.parse(ts);
  it('accepts a signature exactly 300 s old or 300 s ahead; 1 ms more is stale / future', () => {
    assert.equal(MELD_SIGNATURE_HEADER, 'meld-signature');
    assert.equal(MELD_TIMESTAMP_HEADER, 'meld-signature-timestamp');
    assert.deepEqual(signedAt(ts, { now: at + 300_000 }), { ok: true });
    assert.deepEqual(signedAt(ts, { now: at + 300_001 }), { ok: false, reason: 'STALE_TIMESTAMP' });
    assert.deepEqual(signedAt(ts, { now: at - 300_000 }), { ok: true });
    assert.deepEqual(signedAt(ts, { now: at - 300_001 }), { ok: false, reason: 'FUTURE_TIMESTAMP' });
  });
  it('takes a tolerance in seconds, zero meaning the same millisecond only', () => {
    assert.deepEqual(signedAt(ts, { now: at + 30_000, toleranceSeconds: 30 }), { ok: true });
    assert.deepEqual(signedAt(ts, { now: at + 30_001, toleranceSeconds: 30 }), {
      ok: false,
      reason: 'STALE_TIMESTAMP',
    });
    assert.deepEqual(signedAt(ts, { now: at, toleranceSeconds: 0 }), { ok: true });
    assert.deepEqual(signedAt(ts, { now: at + 1, toleranceSeconds: 0 }), {
      ok: false,
      reason: 'STALE_TIMESTAMP',
    });
  });
  it('checks time against the clock when no time is given', () => {
    assert.deepEqual(signedAt(new Date().toISOString()), { ok: true });
    assert.deepEqual(signedAt(new Date(Date.now() - 600_000).toISOString()), {
      ok: false,
      reason: 'STALE_TIMESTAMP',
    });
  });
  it('checks the time before the signature: a stale header fails as stale even when forged', () => {
    const headers = { [MELD_SIGNATURE_HEADER]: 'forged=', [MELD_TIMESTAMP_HEADER]: ts };
    assert.deepEqual(verifyMeldWebhook({ secret, url, rawBody, headers, now: at + 400_000 }), {
      ok: false,
      reason: 'STALE_TIMESTAMP',
    });
  });
});

describe('Meld signature headers', () => {
  const ts = '2026-11-21T10:00:00.000Z';
  const now = Date.parse(ts);
  const signature = signMeldWebhook({ secret, timestamp: ts, url, rawBody });
  const verify = (headers: Parameters<typeof verifyMeldWebhook>[0]['headers']) =>
    verifyMeldWebhook({ secret, url, rawBody, headers, now });
  it('reads header names in any case, and the first of repeated values', () => {
    assert.deepEqual(verify({ 'MELD-SIGNATURE': signature, 'Meld-Signature-Timestamp': ts }), { ok: true });
    assert.deepEqual(verify({ 'meld-signature': [signature, 'other'], 'meld-signature-timestamp': [ts] }), {
      ok: true,
    });
    assert.deepEqual(verify({ 'meld-signature': ['other', signature], 'meld-signature-timestamp': ts }), {
      ok: false,
      reason: 'SIGNATURE_MISMATCH',
    });
  });
  it('treats empty or absent values as missing, the signature first', () => {
    assert.deepEqual(verify({ 'meld-signature': '', 'meld-signature-timestamp': ts }), {
      ok: false,
      reason: 'MISSING_SIGNATURE',
    });
    assert.deepEqual(verify({ 'meld-signature': [], 'meld-signature-timestamp': ts }), {
      ok: false,
      reason: 'MISSING_SIGNATURE',
    });
    assert.deepEqual(verify({ 'meld-signature': undefined, 'meld-signature-timestamp': ts }), {
      ok: false,
      reason: 'MISSING_SIGNATURE',
    });
    assert.deepEqual(verify({ 'meld-signature': signature, 'meld-signature-timestamp': '' }), {
      ok: false,
      reason: 'MISSING_TIMESTAMP',
    });
    assert.deepEqual(verify({}), { ok: false, reason: 'MISSING_SIGNATURE' });
    assert.deepEqual(verify(new Headers()), { ok: false, reason: 'MISSING_SIGNATURE' });
    assert.deepEqual(verify(new Headers({ 'meld-signature': signature })), {
      ok: false,
      reason: 'MISSING_TIMESTAMP',
    });
    assert.deepEqual(verify({ 'x-meld-signature': signature, 'meld-signature-timestamp': ts }), {
      ok: false,
      reason: 'MISSING_SIGNATURE',
    });
  });
  it('signs timestamp, URL and body each in its place (moving a dot breaks it)', () => {
    const moved = signMeldWebhook({ secret, timestamp: `${ts}.${url}`, url: '', rawBody });
    assert.notEqual(moved, signature);
    assert.match(signature, /^[A-Za-z0-9_-]{43}=$/);
  });
});

describe('Meld timestamp header formats', () => {
  it('reads ISO 8601 with or without fractional seconds, in Z or an offset', () => {
    assert.equal(parseMeldTimestamp('2022-05-26T20:25:17Z'), Date.parse('2022-05-26T20:25:17Z'));
    assert.equal(parseMeldTimestamp('2022-05-26T20:25:17.682818Z'), Date.parse('2022-05-26T20:25:17.682Z'));
    assert.equal(parseMeldTimestamp('2022-05-26T22:25:17+02:00'), Date.parse('2022-05-26T20:25:17Z'));
    assert.equal(parseMeldTimestamp('2022-05-26T15:25:17.5-05:00'), Date.parse('2022-05-26T20:25:17.500Z'));
    assert.equal(parseMeldTimestamp('  2022-05-26T20:25:17Z '), Date.parse('2022-05-26T20:25:17Z'));
  });
  it('reads epoch seconds of up to 12 digits', () => {
    assert.equal(parseMeldTimestamp('1653596717'), 1653596717000);
    assert.equal(parseMeldTimestamp(' 0 '), 0);
    assert.equal(parseMeldTimestamp('999999999999'), 999999999999000);
    assert.equal(parseMeldTimestamp('1653596717000'), undefined, '13 digits are milliseconds, not seconds');
  });
  it('refuses partial dates, missing zones, other separators and impossible dates', () => {
    for (const bad of [
      'May 26 2022',
      '2022-05-26',
      '2022-05-26T20:25Z',
      '2022-05-26T20:25:17',
      '2022-05-26 20:25:17Z',
      '2022-05-26T20:25:17.Z',
      '2022-05-26T20:25:17+0200',
      '2022-05-26T20:25:17+02',
      'x2022-05-26T20:25:17Z',
      '+002022-05-26T20:25:17Z',
      '2022-05-26T20:25:17Zx',
      '2022-13-45T20:25:17Z',
      '1653596717.5',
      '-1653596717',
      '',
    ]) {
      assert.equal(parseMeldTimestamp(bad), undefined, bad);
    }
  });
});
