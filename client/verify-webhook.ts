// For receivers of our callbacks: verify a Standard Webhooks delivery (signature over
// `${webhook-id}.${webhook-timestamp}.${body}` with any of the secrets, timestamp within tolerance)
// and return the parsed event. Node only (node:crypto); the raw body must be the exact bytes received.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface BalanceCheckWebhookEvent {
  type: string;
  timestamp: string;
  data: {
    checkId: string;
    status: string;
    answer: Record<string, unknown> | null;
    challenges?: { id: string; type: string; label: string; options?: { id: string; label: string }[] }[];
    answerBy?: string;
  };
}

export class WebhookVerificationError extends Error {}

export interface VerifiedWebhook {
  /** webhook-id: the same on every retry of an event — dedupe on it. */
  id: string;
  event: BalanceCheckWebhookEvent;
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
