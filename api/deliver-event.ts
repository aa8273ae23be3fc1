// One way a verified provider event reaches a check: dedupe per run + signal. Shared by the provider
// webhook routes (which fan out to every owner's check of the resource) and the relay's /events route.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  balanceCheckWorkflowId,
  type ProviderEvent,
  type ProviderName,
  type ResourceRef,
} from '../contracts/balance-check';
import { providerEventSignal } from '../workflows/definitions';
import type { EventIdDedupe } from './state/types';
import { withTemporalDeadline } from './temporal-deadline';
import type { balanceCheck } from '../workflows';

export type Delivery = 'signaled' | 'duplicate' | 'no-check';

/** Signals one run unless this event id already reached it (a provider's or relay's redelivery). */
export async function signalRun(
  client: Client,
  recent: EventIdDedupe,
  ref: { workflowId: string; runId: string },
  event: ProviderEvent,
): Promise<Delivery> {
  // Dedupe is per run: a new check of the same resource may see an event that looks exactly like one
  // an earlier check saw (MX bodies carry no timestamp).
  const eventKey = `${ref.runId}:${event.eventId}`;
  if (await recent.seen(eventKey)) return 'duplicate';
  try {
    // Signal, don't wait: the workflow decides what the event means.
    await withTemporalDeadline(client, () =>
      client.workflow
        .getHandle<typeof balanceCheck>(ref.workflowId, ref.runId)
        .signal(providerEventSignal, event),
    );
    return 'signaled';
  } catch (err) {
    await recent.forget(eventKey); // let a redelivery try again
    if (err instanceof WorkflowNotFoundError) return 'no-check'; // it just closed
    throw err;
  }
}

/**
 * A provider webhook concerns a resource, and each owner has its own check of it: every owner's
 * running check gets the event. Owners are the configured API keys' owners.
 */
export async function deliverToOwners(
  client: Client,
  recent: EventIdDedupe,
  owners: readonly string[],
  provider: ProviderName,
  resource: ResourceRef,
  event: ProviderEvent,
): Promise<Delivery> {
  const results = await Promise.all(
    owners.map(async (owner): Promise<Delivery> => {
      const workflowId = balanceCheckWorkflowId(provider, resource, owner);
      let runId: string;
      try {
        const description = await withTemporalDeadline(client, () =>
          client.workflow.getHandle<typeof balanceCheck>(workflowId).describe(),
        );
        if (description.status.name !== 'RUNNING') return 'no-check';
        runId = description.runId;
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return 'no-check';
        throw err;
      }
      return signalRun(client, recent, { workflowId, runId }, event);
    }),
  );
  if (results.includes('signaled')) return 'signaled';
  return results.includes('duplicate') ? 'duplicate' : 'no-check';
}
