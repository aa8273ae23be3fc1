// The balanceCheck workflow's message handlers. Registered before the first await, so a signal or
// update already waiting in the first workflow task finds its handler.
import * as wf from '@temporalio/workflow';
import {
  CHECK_FINISHED,
  MAX_CALLERS_PER_CHECK,
  MFA_NOT_AWAITING,
  TOO_MANY_CALLERS,
  UNKNOWN_CALLER,
  type CallerRegistration,
} from '../contracts/balance-check';
import { isCallbackTarget } from './callbacks';
import type { CheckState } from './check-state';
import {
  answerChallengesUpdate,
  joinCheckUpdate,
  providerEventSignal,
  statusQuery,
  withdrawCallerUpdate,
} from './definitions';
import { resolveOptionValues, validateMfaSubmission } from './mfa';

export function registerHandlers(state: CheckState): void {
  wf.setHandler(statusQuery, (callerId) => state.view(callerId));
  wf.setHandler(providerEventSignal, (event) => void state.acceptEvent(event, Date.now()));
  wf.setHandler(
    answerChallengesUpdate,
    async (submission) => {
      const round = state.mfaRounds + 1;
      state.pendingSubmission = resolveOptionValues(state, submission);
      await wf.condition(() => state.answeredRounds >= round || state.outcome !== null);
      if (state.answeredRounds < round) {
        throw wf.ApplicationFailure.nonRetryable(
          state.answerError ?? 'The check ended before the answers were sent',
          MFA_NOT_AWAITING,
        );
      }
      return { accepted: true as const, round };
    },
    {
      validator: (submission) => {
        requireActiveCaller(state, submission?.callerId, MFA_NOT_AWAITING);
        validateMfaSubmission(state, submission);
      },
    },
  );
  wf.setHandler(
    joinCheckUpdate,
    (registration) => {
      state.join(registration, Date.now());
      return { callerId: registration.callerId, runId: wf.workflowInfo().runId };
    },
    { validator: (registration) => validateRegistration(state, registration) },
  );
  wf.setHandler(withdrawCallerUpdate, (callerId) => ({ remainingCallers: state.withdraw(callerId) }), {
    validator: (callerId) => {
      requireActiveCaller(state, callerId, CHECK_FINISHED);
      if (state.outcome)
        throw wf.ApplicationFailure.nonRetryable('The check has already finished', CHECK_FINISHED);
    },
  });
}

/**
 * Unknown caller → UNKNOWN_CALLER (the API answers 404); a caller who withdrew → `whenWithdrawn`.
 * No caller id: an operator acting through Temporal itself (the API always names the caller).
 */
function requireActiveCaller(state: CheckState, callerId: string | undefined, whenWithdrawn: string): void {
  if (callerId === undefined) return;
  const caller = state.caller(callerId);
  if (!caller) throw wf.ApplicationFailure.nonRetryable('Not a caller of this check', UNKNOWN_CALLER);
  if (caller.withdrawn)
    throw wf.ApplicationFailure.nonRetryable('This caller canceled its check', whenWithdrawn);
}

function validateRegistration(state: CheckState, registration: CallerRegistration): void {
  if (typeof registration?.callerId !== 'string' || !/^[\w-]{1,100}$/.test(registration.callerId))
    throw wf.ApplicationFailure.nonRetryable('callerId must be 1–100 word characters', UNKNOWN_CALLER);
  if (registration.callback !== undefined && !isCallbackTarget(registration.callback))
    throw wf.ApplicationFailure.nonRetryable('callback must be { url, key }', UNKNOWN_CALLER);
  // A refresh whose outcome is decided takes no new question: the caller starts the next refresh.
  if (state.outcome)
    throw wf.ApplicationFailure.nonRetryable('The check has already finished', CHECK_FINISHED);
  if (!state.caller(registration.callerId) && state.callers.length >= MAX_CALLERS_PER_CHECK)
    throw wf.ApplicationFailure.nonRetryable(
      `A check takes at most ${MAX_CALLERS_PER_CHECK} callers`,
      TOO_MANY_CALLERS,
    );
}
