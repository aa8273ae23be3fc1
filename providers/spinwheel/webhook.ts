// Spinwheel webhooks: not signed. Spinwheel sends from fixed IPs and adds custom headers we
// configure, so we check a shared-secret header (constant time) and, optionally, the source IP.
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { ProviderEvent, ResourceRef } from '../../contracts/balance-check';
import { REFRESH_WEBHOOK_EVENT_TYPE } from './assumptions';
import { RefreshStatusValueSchema } from './schemas';

export interface SpinwheelWebhookCheck {
  /** Request headers as Node gives them (lower-case names). */
  headers: Record<string, string | string[] | undefined>;
  /** The custom header configured at Spinwheel, e.g. x-spinwheel-secret. */
  headerName: string;
  secret: string;
  remoteIp?: string;
  /** When non-empty, the request must come from one of these addresses. */
  allowedIps?: string[];
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** "::ffff:10.0.0.1" (IPv4 seen through a dual-stack socket) → "10.0.0.1". */
function normalizeIp(ip: string): string {
  const trimmed = ip.trim();
  return trimmed.toLowerCase().startsWith('::ffff:') && trimmed.includes('.') ? trimmed.slice(7) : trimmed;
}

export function verifySpinwheelWebhook(check: SpinwheelWebhookCheck): boolean {
  // An empty configured secret would accept an empty header: treat it as misconfiguration.
  if (check.secret.length === 0) return false;
  if (check.allowedIps && check.allowedIps.length > 0) {
    if (!check.remoteIp) return false;
    const ip = normalizeIp(check.remoteIp);
    if (!check.allowedIps.some((allowed) => normalizeIp(allowed) === ip)) return false;
  }
  const received = check.headers[check.headerName.toLowerCase()];
  if (typeof received !== 'string') return false;
  // Hashing first gives equal-length buffers, so timingSafeEqual leaks neither content nor length.
  return timingSafeEqual(sha256(received), sha256(check.secret));
}

const WebhookItemSchema = z.looseObject({
  extRequestId: z.string().nullish(),
  refreshTransactionId: z.string().nullish(),
  refreshTransactionStatus: RefreshStatusValueSchema,
  creditCardId: z.string().nullish(),
});

// Data shape unconfirmed (assumptions.ts: webhook-data-shape): one item, or an array of items.
const WebhookEnvelopeSchema = z.looseObject({
  webhookId: z.string().min(1),
  subscriptionId: z.string().nullish(),
  eventType: z.string(),
  userId: z.string().min(1),
  data: z.union([WebhookItemSchema, z.array(WebhookItemSchema).min(1)]),
});

export type SpinwheelWebhookTranslation =
  { resource: ResourceRef; event: ProviderEvent } | { ignored: string };

const KIND_BY_STATUS = {
  COMPLETED: 'REFRESH_COMPLETED',
  FAILED: 'REFRESH_FAILED',
  // News that a card's refresh is underway (guide line 59): it wakes no status read.
  IN_PROGRESS: 'REFRESH_STARTED',
} as const;

/** Maps a verified webhook body to the workflow signal it stands for, or says why it is ignored. */
export function translateSpinwheelWebhook(body: unknown): SpinwheelWebhookTranslation {
  const eventType = (body as { eventType?: unknown } | null)?.eventType;
  if (eventType !== REFRESH_WEBHOOK_EVENT_TYPE) {
    return { ignored: `event type ${String(eventType)} is not ${REFRESH_WEBHOOK_EVENT_TYPE}` };
  }
  const parsed = WebhookEnvelopeSchema.safeParse(body);
  if (!parsed.success) {
    return {
      ignored: `malformed ${REFRESH_WEBHOOK_EVENT_TYPE}: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
    };
  }
  const { webhookId, userId, data } = parsed.data;
  const items = Array.isArray(data) ? data : [data];
  const statuses = items.map((i) => i.refreshTransactionStatus);
  // Several items: still running if any is; otherwise completed if any card completed.
  const status = statuses.includes('IN_PROGRESS')
    ? 'IN_PROGRESS'
    : statuses.includes('COMPLETED')
      ? 'COMPLETED'
      : 'FAILED';
  const event: ProviderEvent = {
    eventId: webhookId,
    provider: 'spinwheel',
    kind: KIND_BY_STATUS[status],
    providerStatus: status,
  };
  // The extRequestId we sent (startRefresh's refreshId): lets the workflow match the event to its refresh.
  const refreshId = items.find((i) => i.extRequestId)?.extRequestId;
  if (refreshId) event.refreshId = refreshId;
  return { resource: { userId }, event };
}
