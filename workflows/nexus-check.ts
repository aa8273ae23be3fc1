// nexusCheck: the per-caller workflow behind the Nexus `check` operation. It asks the owner's shared
// refresh this caller's question (start or join, as the API does), waits for this caller's answer,
// and withdraws the caller from the refresh when the Nexus caller cancels the operation.
import * as wf from '@temporalio/workflow';
import type { createNexusActivities } from '../activities/nexus';
import type { CheckRef } from '../api/check-id';
import type { BalanceCheckInput, BalanceCheckResult } from '../contracts/balance-check';

const { startOrJoinForNexus, withdrawFromCheck } = wf.proxyActivities<
  ReturnType<typeof createNexusActivities>
>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumInterval: '10 seconds' },
});
const { awaitCallerAnswer } = wf.proxyActivities<ReturnType<typeof createNexusActivities>>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '20 seconds',
  // The caller's cancel must withdraw at once, not after the activity's next heartbeat.
  cancellationType: 'TRY_CANCEL',
  retry: { maximumInterval: '10 seconds' },
});

/** The check this caller asked (its check id names it): MFA answers go there, as for API callers. */
export const checkRefQuery = wf.defineQuery<CheckRef | null>('checkRef');

export async function nexusCheck(input: BalanceCheckInput): Promise<BalanceCheckResult> {
  let ref: CheckRef | null = null;
  wf.setHandler(checkRefQuery, () => ref);
  ref = await startOrJoinForNexus(input);
  try {
    return await awaitCallerAnswer(ref);
  } catch (err) {
    if (wf.isCancellation(err)) {
      const asked = ref;
      await wf.CancellationScope.nonCancellable(() => withdrawFromCheck(asked));
    }
    throw err;
  }
}
