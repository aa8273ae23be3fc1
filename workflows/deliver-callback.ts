// deliverCallback: delivers one event to one receiver. Each attempt is one activity; the activity
// says how long to wait before the next (exponential backoff with jitter, from the worker's config)
// and when to give up (410 Gone, a refused host, or the retry window is over).
import * as wf from '@temporalio/workflow';
import type { createActivities } from '../activities';
import {
  CALLBACK_DELIVERIES,
  type DeliverCallbackInput,
  type DeliveryAttempt,
  type DeliveryOutcome,
} from '../contracts/callbacks';

const ATTEMPT_OPTIONS: wf.ActivityOptions = {
  // The HTTP call itself times out sooner (CALLBACK_TIMEOUT_MS); this frees an attempt whose worker died.
  startToCloseTimeout: '1 minute',
  // Infrastructure failures only (the activity reports HTTP outcomes as values).
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute', maximumAttempts: 5 },
};
const { attemptCallbackDelivery } = wf.proxyActivities<ReturnType<typeof createActivities>>(ATTEMPT_OPTIONS);

/** If the activity itself keeps failing (no worker config, a bug), look again after this long. */
const FALLBACK_RETRY_MS = 60_000;

export interface DeliveryReport {
  outcome: DeliveryOutcome;
  attempts: number;
  httpStatus?: number;
  error?: string;
}

export async function deliverCallback(input: DeliverCallbackInput): Promise<DeliveryReport> {
  const firstAttemptAt = Date.now();
  const deliveries = wf.metricMeter.createCounter(CALLBACK_DELIVERIES.name, '1', CALLBACK_DELIVERIES.help);
  const label = { event_type: input.event.type };
  for (let attempt = 1; ; attempt++) {
    const result = await attemptOnce(input, attempt, firstAttemptAt);
    if (result.outcome === 'DELIVERED') {
      deliveries.add(1, { ...label, outcome: 'delivered' });
      wf.setCurrentDetails(`**Delivered** on attempt ${attempt} (HTTP ${result.httpStatus})`);
      return { outcome: 'DELIVERED', attempts: attempt, httpStatus: result.httpStatus };
    }
    if (result.outcome === 'ABANDONED') {
      deliveries.add(1, { ...label, outcome: 'abandoned' });
      wf.setCurrentDetails(`**Abandoned** after ${attempt} attempt(s): ${describe(result)}`);
      return { outcome: 'ABANDONED', attempts: attempt, error: result.error, ...status(result) };
    }
    deliveries.add(1, { ...label, outcome: 'retrying' });
    const next = new Date(Date.now() + result.retryInMs).toISOString();
    wf.setCurrentDetails(
      [`**Retrying**: attempt ${attempt} failed: ${describe(result)}`, `Next attempt at ${next}`].join(
        '\n\n',
      ),
    );
    await wf.sleep(result.retryInMs, { summary: `Wait before attempt ${attempt + 1}` });
  }
}

async function attemptOnce(
  input: DeliverCallbackInput,
  attempt: number,
  firstAttemptAt: number,
): Promise<DeliveryAttempt> {
  try {
    return await attemptCallbackDelivery.executeWithOptions(
      { ...ATTEMPT_OPTIONS, summary: `Attempt ${attempt}: POST ${input.target.url}` },
      [{ ...input, attempt, firstAttemptAt: new Date(firstAttemptAt).toISOString() }],
    );
  } catch (err) {
    if (wf.isCancellation(err)) throw err;
    return { outcome: 'RETRY', error: (err as Error).message, retryInMs: FALLBACK_RETRY_MS };
  }
}

function describe(result: Exclude<DeliveryAttempt, { outcome: 'DELIVERED' }>): string {
  return result.httpStatus !== undefined ? `HTTP ${result.httpStatus} — ${result.error}` : result.error;
}

function status(result: DeliveryAttempt) {
  return result.httpStatus !== undefined ? { httpStatus: result.httpStatus } : {};
}
