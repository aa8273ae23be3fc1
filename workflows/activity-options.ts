// How the workflow calls its activities: one proxy, one retry policy, summaries for the UI.
import * as wf from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { NON_RETRYABLE_PROVIDER_ERRORS } from '../contracts/provider-errors';
import { providerTaskQueue } from '../contracts/balance-check';
import type { CheckState } from './check-state';

const ACTIVITY_OPTIONS: wf.ActivityOptions = {
  // Provider calls time out at 10 s; a worker that dies mid-call frees the check after this.
  startToCloseTimeout: '20 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 10,
    nonRetryableErrorTypes: NON_RETRYABLE_PROVIDER_ERRORS,
  },
};

export const acts = wf.proxyActivities<ReturnType<typeof createActivities>>(ACTIVITY_OPTIONS);

/** Activity options with a UI summary; retries stop at the check's deadline (never before 15 s). */
export function withSummary(state: CheckState, summary: string): wf.ActivityOptions {
  return {
    ...ACTIVITY_OPTIONS,
    summary,
    scheduleToCloseTimeout: Math.max(state.deadline - Date.now(), 15_000),
    // Opt-in per check (its input), so runs recorded without it replay with the same commands.
    ...(state.input.providerTaskQueues
      ? { taskQueue: providerTaskQueue(wf.workflowInfo().taskQueue, state.input.provider) }
      : {}),
  };
}
