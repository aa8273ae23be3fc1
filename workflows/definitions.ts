// Signals, queries and updates of the balanceCheck workflow, shared with the API.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  BalanceCheckState,
  MfaAccepted,
  MfaSubmission,
  ProviderEvent,
} from '../contracts/balance-check';

/** A provider webhook (verified by the API) about this check's refresh. */
export const providerEventSignal = defineSignal<[ProviderEvent]>('providerEvent');
/** What the check is doing now: phase, pending challenges (no answers), polls, deadlines. */
export const statusQuery = defineQuery<BalanceCheckState>('status');
/** MFA answers; rejected by the validator when nothing is pending or an answer is missing. */
export const answerChallengesUpdate = defineUpdate<MfaAccepted, [MfaSubmission]>('answerChallenges');
