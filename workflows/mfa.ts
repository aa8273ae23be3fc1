// MFA answer validation: runs in the Update validator, so a bad submission is rejected before it
// reaches history and the caller learns why at once.
import { ApplicationFailure } from '@temporalio/workflow';
import { MFA_INVALID_ANSWER, MFA_NOT_AWAITING, type MfaSubmission } from '../contracts/balance-check';
import type { CheckState } from './check-state';

export function validateMfaSubmission(state: CheckState, submission: MfaSubmission): void {
  if (state.phase !== 'WAITING_FOR_MFA' || state.pendingSubmission !== null) {
    throw ApplicationFailure.nonRetryable(
      `The check is not waiting for MFA (phase ${state.phase})`,
      MFA_NOT_AWAITING,
    );
  }
  const answers = Array.isArray(submission?.answers) ? submission.answers : [];
  if (answers.length === 0) {
    throw ApplicationFailure.nonRetryable('answers must be a non-empty list', MFA_INVALID_ANSWER);
  }
  const pending = new Map(state.challenges.map((c) => [c.id, c]));
  const answered = new Set<string>();
  for (const answer of answers) {
    const challenge = pending.get(answer?.challengeId);
    if (!challenge) {
      throw ApplicationFailure.nonRetryable(
        `Unknown challenge id: ${String(answer?.challengeId)}`,
        MFA_INVALID_ANSWER,
      );
    }
    if (typeof answer.value !== 'string' || answer.value.length === 0) {
      throw ApplicationFailure.nonRetryable(`Empty answer for challenge ${challenge.id}`, MFA_INVALID_ANSWER);
    }
    if (
      challenge.options?.length &&
      !challenge.options.some((o) => o.value === answer.value || o.id === answer.value)
    ) {
      throw ApplicationFailure.nonRetryable(
        `Answer for challenge ${challenge.id} must be one of its options`,
        MFA_INVALID_ANSWER,
      );
    }
    answered.add(challenge.id);
  }
  const missing = state.challenges.filter((c) => !answered.has(c.id));
  if (missing.length > 0) {
    throw ApplicationFailure.nonRetryable(
      `Missing answer for challenge ${missing.map((c) => `${c.id} (${c.label})`).join(', ')}`,
      MFA_INVALID_ANSWER,
    );
  }
}

/** An OPTIONS answer may name the option id; providers take the option value. */
export function resolveOptionValues(state: CheckState, submission: MfaSubmission): MfaSubmission {
  return {
    answers: submission.answers.map((a) => {
      const option = state.challenges
        .find((c) => c.id === a.challengeId)
        ?.options?.find((o) => o.id === a.value);
      return option ? { challengeId: a.challengeId, value: option.value } : a;
    }),
  };
}
