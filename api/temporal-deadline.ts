// Every Temporal call the API makes is bounded: while Temporal is unreachable, requests answer
// 503 (problemHandler maps DEADLINE_EXCEEDED) instead of piling up. Retrying is safe: a start
// joins the resource's check (USE_EXISTING), signals are deduplicated by event id.
import type { Client } from '@temporalio/client';

export const TEMPORAL_CALL_DEADLINE_MS = 10_000;

export function withTemporalDeadline<T>(
  client: Client,
  call: () => Promise<T>,
  ms = TEMPORAL_CALL_DEADLINE_MS,
): Promise<T> {
  return client.withDeadline(Date.now() + ms, call);
}
