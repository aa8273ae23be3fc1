// MX webhooks → ProviderEvents, for the API's webhook route. Pure functions.
// MX does not sign webhooks; we configure HTTP Basic credentials on the receiver (MX supports that),
// and MX itself says not to rely on webhooks alone: the workflow keeps reading status.
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { WebhookTranslation } from '../../contracts/provider';

/** connection_status_id as webhooks send it (PROVIDERS.md), for bodies that carry only the id. */
const STATUS_BY_ID = [
  'CREATED',
  'PREVENTED',
  'DENIED',
  'CHALLENGED',
  'REJECTED',
  'LOCKED',
  'CONNECTED',
  'IMPEDED',
  'RECONNECTED',
  'DEGRADED',
  'DISCONNECTED',
  'DISCONTINUED',
  'CLOSED',
  'DELAYED',
  'FAILED',
  'UPDATED',
  'DISABLED',
  'IMPORTED',
  'RESUMED',
  'EXPIRED',
  'IMPAIRED',
  'PENDING',
] as const;

export function mxStatusId(status: string): number | undefined {
  const i = STATUS_BY_ID.indexOf(status as (typeof STATUS_BY_ID)[number]);
  return i < 0 ? undefined : i;
}

/** HTTP Basic check in constant time: both sides are hashed to equal-length digests before comparing. */
export function verifyMxWebhookAuth(
  authorizationHeader: string | undefined | null,
  expected: { username: string; password: string },
): boolean {
  const match = /^Basic\s+(\S+)\s*$/i.exec(authorizationHeader ?? '');
  const given = match?.[1] ? Buffer.from(match[1], 'base64').toString('utf8') : '';
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  // A missing header gives '', which never equals 'user:pass' (the colon is always there).
  return timingSafeEqual(digest(given), digest(`${expected.username}:${expected.password}`));
}

// Loose objects: MX says new fields may appear in webhook bodies.
const unixSeconds = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);
const balanceSchema = z.looseObject({
  type: z.literal('BALANCE'),
  member_guid: z.string().min(1),
  user_guid: z.string().min(1),
  completed_at: unixSeconds,
});
const connectionStatusSchema = z.looseObject({
  type: z.literal('CONNECTION_STATUS'),
  member_guid: z.string().min(1),
  user_guid: z.string().min(1),
  connection_status: z.string().nullish(),
  connection_status_id: z.number().int().nullish(),
  // Not in today's payload; used for the event id and staleness if MX ever adds one.
  updated_at: z.union([z.string(), z.number()]).nullish(),
  timestamp: z.union([z.string(), z.number()]).nullish(),
});
const envelopeSchema = z.looseObject({ type: z.string() });

export type MxWebhookTranslation = WebhookTranslation;

/**
 * Two MFA rounds send byte-identical CHALLENGED bodies (MX's payload has no round, job or time), so a
 * body hash alone would give both rounds one event id and the workflow would drop the second as a
 * duplicate. Copies of one delivery arrive together; a later round needs an answer, a resume and a
 * login first. So identical CHALLENGED bodies within this window are one event; later ones are new.
 */
export const MX_CHALLENGE_DUPLICATE_WINDOW_MS = 250;
const MAX_REMEMBERED_CHALLENGES = 10_000;

/** A translator with its own memory of recent CHALLENGED deliveries (one per API process). */
export function createMxWebhookTranslator(
  now: () => number = Date.now,
): (body: unknown) => MxWebhookTranslation {
  const firstSeen = new Map<string, number>();
  const challengeRound = (baseId: string): string => {
    const at = now();
    const seen = firstSeen.get(baseId);
    if (seen !== undefined && at - seen <= MX_CHALLENGE_DUPLICATE_WINDOW_MS) return `${baseId}:${seen}`;
    firstSeen.delete(baseId); // re-insert: the Map's order is then oldest first, for the cap below
    firstSeen.set(baseId, at);
    if (firstSeen.size > MAX_REMEMBERED_CHALLENGES) firstSeen.delete(firstSeen.keys().next().value!);
    return `${baseId}:${at}`;
  };
  return (body) => translate(body, challengeRound);
}

export const translateMxWebhook = createMxWebhookTranslator();

function translate(body: unknown, challengeRound: (baseId: string) => string): MxWebhookTranslation {
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success) return { ignored: 'not an MX webhook body (no type)' };
  if (envelope.data.type === 'BALANCE') {
    const parsed = balanceSchema.safeParse(body);
    if (!parsed.success) return { ignored: `invalid BALANCE webhook: ${issues(parsed.error)}` };
    const b = parsed.data;
    return {
      resource: { userId: b.user_guid, memberId: b.member_guid },
      event: {
        // Same job → same completed_at, so MX's retries and duplicates collapse to one id.
        eventId: `mx:BALANCE:${b.member_guid}:${b.completed_at}`,
        provider: 'mx',
        kind: 'REFRESH_COMPLETED',
        occurredAt: new Date(b.completed_at * 1000).toISOString(),
      },
    };
  }
  if (envelope.data.type === 'CONNECTION_STATUS') {
    const parsed = connectionStatusSchema.safeParse(body);
    if (!parsed.success) return { ignored: `invalid CONNECTION_STATUS webhook: ${issues(parsed.error)}` };
    const c = parsed.data;
    const status =
      c.connection_status ??
      (c.connection_status_id != null ? STATUS_BY_ID[c.connection_status_id] : undefined);
    if (!status) return { ignored: 'CONNECTION_STATUS webhook without a status' };
    const stamp = c.updated_at ?? c.timestamp;
    const occurredAt = stamp != null ? toIso(stamp) : undefined;
    // Without a timestamp, identical bodies are the same delivery (MX retries send the same body) —
    // except CHALLENGED, which repeats identically for every MFA round (see challengeRound).
    const suffix = occurredAt ?? createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 16);
    const baseId = `mx:CONNECTION_STATUS:${c.member_guid}:${status}:${suffix}`;
    return {
      resource: { userId: c.user_guid, memberId: c.member_guid },
      event: {
        eventId: status === 'CHALLENGED' && !occurredAt ? challengeRound(baseId) : baseId,
        provider: 'mx',
        kind: 'STATUS_CHANGED',
        providerStatus: status,
        ...(occurredAt ? { occurredAt } : {}),
      },
    };
  }
  return { ignored: `MX webhook type ${envelope.data.type} is not used by balance checks` };
}

function toIso(stamp: string | number): string | undefined {
  const ms = typeof stamp === 'number' || /^\d+$/.test(stamp) ? Number(stamp) * 1000 : Date.parse(stamp);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function issues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}
