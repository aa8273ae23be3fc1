// Meld webhook (already signature-verified) → the ProviderEvent the workflow receives as a signal.
import type { WebhookTranslation } from '../../contracts/provider';
import type { ProviderEvent } from '../../contracts/balance-check';
import { MELD_ASSUMPTIONS } from './assumptions';
import { meldWebhookSchema } from './schemas';

export type MeldWebhookTranslation = WebhookTranslation;

const REFRESH_EVENTS: Record<string, ProviderEvent['kind']> = {
  BANK_LINKING_ACCOUNTS_UPDATING: 'REFRESH_STARTED',
  BANK_LINKING_ACCOUNTS_UPDATED: 'REFRESH_COMPLETED',
};

export function translateMeldWebhook(body: unknown): MeldWebhookTranslation {
  const parsed = meldWebhookSchema.safeParse(body);
  if (!parsed.success) return { ignored: 'not a Meld webhook envelope' };
  const { eventType, eventId, timestamp, payload } = parsed.data;
  if (eventType === 'WEBHOOK_TEST') return { ignored: 'WEBHOOK_TEST' };

  let kind: ProviderEvent['kind'] | undefined = REFRESH_EVENTS[eventType];
  let providerStatus: string | undefined;
  if ((MELD_ASSUMPTIONS.statusChangeEvents as readonly string[]).includes(eventType)) {
    kind = 'STATUS_CHANGED';
    providerStatus = payload?.newStatus ?? undefined;
    if (!providerStatus) return { ignored: `${eventType} without payload.newStatus` };
  } else if ((MELD_ASSUMPTIONS.actionRequiredEvents as readonly string[]).includes(eventType)) {
    kind = 'STATUS_CHANGED';
    providerStatus = 'CUSTOMER_ACTION_REQUIRED';
  }
  if (!kind) return { ignored: `unhandled event type ${eventType}` };

  const customerId = payload?.customerId;
  const connectionId = payload?.connectionId;
  // Without both ids the event cannot be routed to a check (workflow id = customer + connection).
  if (!customerId || !connectionId) return { ignored: `${eventType} without customerId/connectionId` };

  const event: ProviderEvent = { eventId, provider: 'meld', kind };
  if (providerStatus) event.providerStatus = providerStatus;
  if (timestamp) event.occurredAt = timestamp;
  if (payload?.requestId) event.refreshId = payload.requestId;
  return { resource: { userId: customerId, memberId: connectionId }, event };
}
