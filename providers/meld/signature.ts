// Meld webhook signatures (docs.meld.io "Webhook Authentication"):
//   meld-signature = base64url-with-padding( HMAC-SHA256(secret, `${timestamp}.${url}.${rawBody}`) )
// with the timestamp from the meld-signature-timestamp header and the full public URL the webhook
// was sent to. The raw bytes are signed, so receivers must not re-serialize the JSON.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { MELD_ASSUMPTIONS } from './assumptions';

export const MELD_SIGNATURE_HEADER = 'meld-signature';
export const MELD_TIMESTAMP_HEADER = 'meld-signature-timestamp';

export interface MeldSignInput {
  secret: string;
  /** The exact header text (Meld: ISO 8601, e.g. 2022-05-26T20:25:17.682818Z). */
  timestamp: string;
  url: string;
  rawBody: Buffer;
}

export function signMeldWebhook({ secret, timestamp, url, rawBody }: MeldSignInput): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${url}.`).update(rawBody).digest('base64');
  // Node's 'base64url' drops the '=' padding Meld keeps, so translate the alphabet by hand.
  return mac.replace(/\+/g, '-').replace(/\//g, '_');
}

export type MeldHeaders = Headers | Record<string, string | string[] | undefined>;

export type MeldVerifyFailure =
  | 'MISSING_SIGNATURE'
  | 'MISSING_TIMESTAMP'
  | 'BAD_TIMESTAMP'
  | 'STALE_TIMESTAMP'
  | 'FUTURE_TIMESTAMP'
  | 'SIGNATURE_MISMATCH';

export type MeldVerifyResult = { ok: true } | { ok: false; reason: MeldVerifyFailure };

export interface MeldVerifyInput {
  secret: string;
  /** The configured public URL Meld posts to, not one rebuilt from (spoofable) proxy headers. */
  url: string;
  headers: MeldHeaders;
  rawBody: Buffer;
  toleranceSeconds?: number;
  /** Current time in epoch ms (tests pin it). */
  now?: number;
}

export function verifyMeldWebhook(input: MeldVerifyInput): MeldVerifyResult {
  const signature = headerValue(input.headers, MELD_SIGNATURE_HEADER);
  const timestamp = headerValue(input.headers, MELD_TIMESTAMP_HEADER);
  if (!signature) return { ok: false, reason: 'MISSING_SIGNATURE' };
  if (!timestamp) return { ok: false, reason: 'MISSING_TIMESTAMP' };
  const signedAt = parseMeldTimestamp(timestamp);
  if (signedAt === undefined) return { ok: false, reason: 'BAD_TIMESTAMP' };
  const toleranceMs = (input.toleranceSeconds ?? 300) * 1000;
  const skew = (input.now ?? Date.now()) - signedAt;
  if (skew > toleranceMs) return { ok: false, reason: 'STALE_TIMESTAMP' };
  if (skew < -toleranceMs) return { ok: false, reason: 'FUTURE_TIMESTAMP' };
  const expected = Buffer.from(
    signMeldWebhook({ secret: input.secret, timestamp, url: input.url, rawBody: input.rawBody }),
  );
  const given = Buffer.from(signature);
  // timingSafeEqual needs equal lengths; a length difference reveals nothing secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'SIGNATURE_MISMATCH' };
  }
  return { ok: true };
}

/** Epoch ms of a Meld timestamp header; ISO 8601, or epoch seconds (MELD_ASSUMPTIONS.webhookTimestampFormats). */
export function parseMeldTimestamp(value: string): number | undefined {
  const text = value.trim();
  if (MELD_ASSUMPTIONS.webhookTimestampFormats.includes('EPOCH_SECONDS') && /^\d{1,12}$/.test(text)) {
    return Number(text) * 1000;
  }
  // Require a full date-time with zone so that e.g. "2022" or "May 26" are not accepted by Date.parse.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

function headerValue(headers: MeldHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  const first = Array.isArray(value) ? value[0] : value;
  return first && first.length > 0 ? first : undefined;
}
