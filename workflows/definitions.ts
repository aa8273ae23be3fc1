// Signals, queries and updates of the balanceCheck workflow, shared with the API.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  BalanceCheckState,
  CallerJoined,
  CallerRegistration,
  MfaAccepted,
  MfaSubmission,
  ProviderEvent,
} from '../contracts/balance-check';

/** A provider webhook (verified by the API) about this check's refresh. */
export const providerEventSignal = defineSignal<[ProviderEvent]>('providerEvent');
/** What the check is doing now, as one caller sees it (its own answer once done; no MFA answers). */
export const statusQuery = defineQuery<BalanceCheckState, [callerId?: string]>('status');
/** MFA answers; rejected by the validator when nothing is pending, an answer is missing, or the caller is unknown. */
export const answerChallengesUpdate = defineUpdate<MfaAccepted, [MfaSubmission]>('answerChallenges');
/** Another caller's question about the running refresh: answered from the same provider refresh. */
export const joinCheckUpdate = defineUpdate<CallerJoined, [CallerRegistration]>('joinCheck');
/** A caller cancels its check; the provider wait is canceled only when no caller is left. */
export const withdrawCallerUpdate = defineUpdate<{ remainingCallers: number }, [callerId: string]>(
  'withdrawCaller',
);
