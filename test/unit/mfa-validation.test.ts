// MFA answer validation (the Update validator): what a submission must satisfy before it reaches history.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import {
  MFA_INVALID_ANSWER,
  MFA_NOT_AWAITING,
  type ChallengeView,
  type MfaSubmission,
} from '../../contracts/balance-check';
import { CheckState } from '../../workflows/check-state';
import { resolveOptionValues, validateMfaSubmission } from '../../workflows/mfa';

const code: ChallengeView = { id: 'CRD-1', type: 'TEXT', label: 'Code?' };
const pick: ChallengeView = {
  id: 'CRD-2',
  type: 'OPTIONS',
  label: 'Phone?',
  options: [
    { id: 'opt-a', label: 'xxx-1234', value: 'PHONE_A' },
    { id: 'opt-b', label: 'xxx-9876', value: 'PHONE_B' },
  ],
};

function waiting(challenges: ChallengeView[] = [code, pick]): CheckState {
  const s = new CheckState({ provider: 'mx', resource: { userId: 'U', memberId: 'M' } }, 0, 600_000);
  s.phase = 'WAITING_FOR_MFA';
  s.challenges = challenges;
  return s;
}

/** Asserts the submission is refused, as a non-retryable failure of `type`, with a message matching `message`. */
function refused(state: CheckState, submission: unknown, type: string, message: RegExp): void {
  assert.throws(
    () => validateMfaSubmission(state, submission as MfaSubmission),
    (err: unknown) => {
      assert.ok(err instanceof ApplicationFailure, `expected an ApplicationFailure, got ${String(err)}`);
      assert.equal(err.type, type);
      assert.equal(err.nonRetryable, true);
      assert.match(err.message, message);
      return true;
    },
  );
}

const full = {
  answers: [
    { challengeId: 'CRD-1', value: '123456' },
    { challengeId: 'CRD-2', value: 'PHONE_B' },
  ],
};

describe('MFA submission validation', () => {
  it('accepts one non-empty answer per challenge, an option given by its value or by its id', () => {
    assert.doesNotThrow(() => validateMfaSubmission(waiting(), full));
    assert.doesNotThrow(() =>
      validateMfaSubmission(waiting(), {
        answers: [
          { challengeId: 'CRD-2', value: 'opt-a' },
          { challengeId: 'CRD-1', value: 'x' },
        ],
      }),
    );
  });

  it('refuses answers unless the check waits for MFA, naming the phase', () => {
    for (const phase of ['STARTING', 'REFRESHING', 'ANSWERING_MFA', 'READING_BALANCES', 'DONE'] as const) {
      const s = waiting();
      s.phase = phase;
      refused(
        s,
        full,
        MFA_NOT_AWAITING,
        new RegExp(`^The check is not waiting for MFA \\(phase ${phase}\\)$`),
      );
    }
  });

  it('refuses a second submission while the first is still waiting to be sent', () => {
    const s = waiting();
    s.pendingSubmission = full;
    refused(s, full, MFA_NOT_AWAITING, /\(phase WAITING_FOR_MFA\)/);
  });

  it('refuses a submission without answers (missing, not a list, or empty)', () => {
    for (const bad of [undefined, null, {}, { answers: 'CRD-1=1' }, { answers: [] }]) {
      refused(waiting(), bad, MFA_INVALID_ANSWER, /^answers must be a non-empty list$/);
    }
  });

  it('refuses an answer to a challenge the check did not ask (or no challenge id at all)', () => {
    refused(
      waiting(),
      { answers: [{ challengeId: 'CRD-9', value: '1' }] },
      MFA_INVALID_ANSWER,
      /^Unknown challenge id: CRD-9$/,
    );
    refused(waiting(), { answers: [null] }, MFA_INVALID_ANSWER, /^Unknown challenge id: undefined$/);
  });

  it('refuses an empty or non-text answer', () => {
    for (const value of ['', undefined, 42]) {
      refused(
        waiting(),
        { answers: [{ challengeId: 'CRD-1', value }] },
        MFA_INVALID_ANSWER,
        /^Empty answer for challenge CRD-1$/,
      );
    }
  });

  it('refuses an option answer that is neither one of its option values nor ids (labels do not count)', () => {
    for (const value of ['xxx-1234', 'PHONE_C', 'phone_a']) {
      refused(
        waiting([pick]),
        { answers: [{ challengeId: 'CRD-2', value }] },
        MFA_INVALID_ANSWER,
        /^Answer for challenge CRD-2 must be one of its options$/,
      );
    }
  });

  it('takes any text for a challenge without options (absent or an empty list)', () => {
    assert.doesNotThrow(() =>
      validateMfaSubmission(waiting([{ ...code, options: [] }]), {
        answers: [{ challengeId: 'CRD-1', value: 'free' }],
      }),
    );
  });

  it('refuses a partial submission, naming every unanswered challenge with its label', () => {
    const third: ChallengeView = { id: 'CRD-3', type: 'TEXT', label: 'Zip?' };
    refused(
      waiting([code, pick, third]),
      { answers: [{ challengeId: 'CRD-2', value: 'PHONE_A' }] },
      MFA_INVALID_ANSWER,
      /^Missing answer for challenge CRD-1 \(Code\?\), CRD-3 \(Zip\?\)$/,
    );
  });
});

describe('MFA option answers sent to the provider', () => {
  it('replaces an option id by the option value; values, free text and unknown ids pass as given', () => {
    const s = waiting();
    const sent = resolveOptionValues(s, {
      answers: [
        { challengeId: 'CRD-2', value: 'opt-b' },
        { challengeId: 'CRD-1', value: 'opt-b' },
        { challengeId: 'CRD-9', value: 'opt-a' },
      ],
    });
    assert.deepEqual(sent, {
      answers: [
        { challengeId: 'CRD-2', value: 'PHONE_B' },
        { challengeId: 'CRD-1', value: 'opt-b' },
        { challengeId: 'CRD-9', value: 'opt-a' },
      ],
    });
    assert.deepEqual(resolveOptionValues(s, { answers: [{ challengeId: 'CRD-2', value: 'PHONE_A' }] }), {
      answers: [{ challengeId: 'CRD-2', value: 'PHONE_A' }],
    });
  });
});
