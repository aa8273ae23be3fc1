// Turning what happened into a typed result: provider failures are outcomes, not thrown errors.
import { RetryState } from '@temporalio/common';
import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';
import type { Reason } from '../contracts/balance-check';
import { PROVIDER_ERROR_CODES as CODES } from '../contracts/provider-errors';

/** The reason for an activity that failed for good; undefined when `err` is not an activity failure. */
export function reasonFromActivityFailure(err: unknown): { reason: Reason; timedOut: boolean } | undefined {
  if (!(err instanceof ActivityFailure)) return undefined;
  const cause = err.cause;
  // Retries stopped by the check's deadline (scheduleToClose): the check timed out waiting on the provider.
  const deadlineHit = err.retryState === RetryState.TIMEOUT;
  if (cause instanceof ApplicationFailure) {
    const details = (cause.details?.[0] ?? {}) as { retryAt?: string };
    return {
      reason: {
        code: CODES[cause.type ?? ''] ?? cause.type ?? 'ACTIVITY_FAILED',
        message: cause.message,
        ...(details.retryAt ? { retryAt: details.retryAt } : {}),
      },
      timedOut: deadlineHit && !cause.nonRetryable,
    };
  }
  if (cause instanceof TimeoutFailure) {
    return {
      reason: {
        code: 'PROVIDER_UNAVAILABLE',
        message: `${err.activityType} did not succeed before the check's deadline`,
      },
      timedOut: true,
    };
  }
  return { reason: { code: 'ACTIVITY_FAILED', message: cause?.message ?? err.message }, timedOut: false };
}
