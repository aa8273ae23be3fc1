// For receivers of our callbacks: verify a Standard Webhooks delivery (signature over
// `${webhook-id}.${webhook-timestamp}.${body}` with any of the secrets, timestamp within tolerance)
// and return the parsed event. Node only (node:crypto); the raw body must be the exact bytes received.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { webhooks } from './schema';

/** Any event we send: the payloads of the OpenAPI document's `webhooks` (types generated into schema.ts). */
export type BalanceCheckWebhookEvent =
  webhooks[keyof webhooks]['post']['requestBody']['content']['application/json'];

/** A batch ended (`balance_check_batch.completed`): its final status and counts; items are paged from itemsUrl. */
export type BalanceCheckBatchWebhookEvent = Extract<
  BalanceCheckWebhookEvent,
  { type: 'balance_check_batch.completed' }
>;

export class WebhookVerificationError extends Error {}

export interface VerifiedWebhook {
  /** webhook-id: the same on every retry of an event — dedupe on it. */
  id: string;
  event: BalanceCheckWebhookEvent;
}

/** The event as a batch's end (`balance_check_batch.completed`), or undefined for a check's event. */
export function asBatchEvent(event: BalanceCheckWebhookEvent): BalanceCheckBatchWebhookEvent | undefined {
  return event.type === 'balance_check_batch.completed' ? event : undefined;
}

export function verifyBalanceCheckWebhook(
  secrets: string | readonly string[],
  headers: Record<string, string | string[] | undefined> | Headers,
  rawBody: string,
  opts: { toleranceSeconds?: number; now?: () => number } = {},
): VerifiedWebhook {
  const header = (name: string) => {
    const value = headers instanceof Headers ? headers.get(name) : headers[name];
    return Array.isArray(value) ? value[0] : (value ?? undefined);
  };
  const id = header('webhook-id');
  const timestamp = header('webhook-timestamp');
  const signature = header('webhook-signature');
  if (!id || !timestamp || !signature) throw new WebhookVerificationError('Missing webhook-* headers');
  const seconds = Number(timestamp);
  const now = Math.floor((opts.now ?? Date.now)() / 1000);
  if (!Number.isInteger(seconds) || Math.abs(now - seconds) > (opts.toleranceSeconds ?? 300))
    throw new WebhookVerificationError('webhook-timestamp is too old or too new');
  const content = `${id}.${timestamp}.${rawBody}`;
  const expected = (typeof secrets === 'string' ? [secrets] : secrets).map((secret) =>
    createHmac('sha256', Buffer.from(secret.replace(/^whsec_/, ''), 'base64'))
      .update(content, 'utf8')
      .digest(),
  );
  const given = signature
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => Buffer.from(s.slice(3), 'base64'));
  const ok = given.some((g) => expected.some((e) => e.length === g.length && timingSafeEqual(e, g)));
  if (!ok) throw new WebhookVerificationError('No valid signature');
  return { id, event: JSON.parse(rawBody) as BalanceCheckWebhookEvent };
}
