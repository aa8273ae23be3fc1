// The wait of a check: webhook signals wake it, durable timers poll the provider otherwise, and MFA
// rounds are answered through the Update in between.
import * as wf from '@temporalio/workflow';
import type { NormalizedBalance } from '../contracts/balance-check';
import type { RefreshRef, RefreshStart, RefreshStatus, StatusAndBalances } from '../contracts/provider';
import { acts, withSummary } from './activity-options';
import { balanceRead } from './balance-reads';
import type { CheckState } from './check-state';
import { Finish, type CachedReasons } from './finish';
import { pollDelayMs, pollSchedule } from './poll-schedule';
import { describeWaiting, setPhase } from './visibility';

const DEFAULT_MFA_S = 300;

/**
 * Waits until the refresh ends. A webhook wakes it at once; a durable timer otherwise fires the next
 * status read. Only a completion naming this refresh ends the wait without a status read (see
 * CheckState.decideWake); a status read that finds the refresh done also reads the balances.
 */
export async function waitForRefresh(
  state: CheckState,
  ref: RefreshRef,
  start: RefreshStart,
  cachedReasons: CachedReasons,
): Promise<Finish | { status: RefreshStatus; balances?: NormalizedBalance[] }> {
  setPhase(state, 'REFRESHING');
  const schedule = pollSchedule(start.polling, state.input.timeouts);
  // Checks whose refresh was started by protocol-2 activities wait out the poll floor inside the
  // status read and read the status together with the MFA answers; older ones replay as recorded.
  const v2 = start.protocol === 2;
  let attempt = 0;
  let failuresSeen = 0;
  let lastReadAt = 0;
  /** v2: a read already taken with the MFA answers, handled before waiting again. */
  let taken: StatusAndBalances | null = null;
  for (;;) {
    let read: StatusAndBalances;
    if (taken) {
      read = taken;
      taken = null;
    } else {
      const remaining = state.deadline - Date.now();
      if (remaining <= 0)
        return new Finish('TIMED_OUT', {
          code: 'REFRESH_TIMEOUT',
          message: 'The provider did not finish the refresh before the deadline',
        });
      // v2: the phase after an MFA answer is upserted only once the check waits again (a check the
      // answer's read finished goes from WAITING_FOR_MFA straight to DONE, one upsert less).
      if (v2) setPhase(state, 'REFRESHING');
      const delay = Math.min(pollDelayMs(schedule, attempt, Math.random), remaining);
      state.nextPollAt = Date.now() + delay;
      describeWaiting(state);
      const woken = await wf.condition(() => state.pendingEvents.length > 0, delay, {
        summary: `Next ${state.input.provider} status poll`,
      });
      state.nextPollAt = null;
      let readAfterMs = 0;
      if (woken) {
        const decision = state.decideWake(state.takeRelevantEvents(), start.polling.trustCompletionEvent);
        if (decision === 'KEEP_WAITING') continue;
        if (decision === 'COMPLETED')
          return { status: { state: 'SUCCEEDED', providerStatus: 'COMPLETION_EVENT' } };
        // Honour the provider's floor between status reads even when events arrive quickly
        // (v2: inside the read activity, so it costs no timer).
        const wait = lastReadAt + schedule.firstMs - Date.now();
        if (wait > 0 && v2) readAfterMs = wait;
        else if (wait > 0) await wf.sleep(wait, { summary: 'Respect provider poll floor' });
      } else {
        if (Date.now() >= state.deadline) continue;
        state.polls++;
        attempt++;
      }
      read = await acts.readStatusAndBalances.executeWithOptions(
        withSummary(state, `Read ${state.input.provider} refresh status`),
        [
          {
            ...balanceRead(state, ref),
            refreshed: true,
            cachedReasons,
            ...(readAfterMs ? { readAfterMs } : {}),
          },
        ],
      );
    }
    const { status } = read;
    lastReadAt = Date.now();
    state.providerStatus = status.providerStatus;
    if (status.state === 'FAILED') {
      failuresSeen++;
      if (failuresSeen >= start.polling.failureConfirmations) return read;
      attempt = 0; // confirm soon
      continue;
    }
    failuresSeen = 0;
    if (status.state === 'CHALLENGED') {
      state.challengeSeen = true;
      const answered = await answerChallenges(
        state,
        ref,
        status,
        v2 ? { readAfterMs: pollDelayMs(schedule, 0, Math.random), cachedReasons } : undefined,
      );
      if (answered instanceof Finish) return answered;
      if (answered) {
        taken = answered; // that read was the first poll after the answer
        attempt = 1;
        continue;
      }
      attempt = 0; // the provider resumes now: look again soon
      setPhase(state, 'REFRESHING');
      continue;
    }
    if (status.state !== 'RUNNING') return read;
  }
}

/**
 * One MFA round: expose the challenges, wait for the Update's answers, send them. v2 (withRead): the
 * same activity then reads the status at the first poll time after an answer and returns that read.
 */
async function answerChallenges(
  state: CheckState,
  ref: RefreshRef,
  status: RefreshStatus,
  withRead?: { readAfterMs: number; cachedReasons: CachedReasons },
): Promise<Finish | StatusAndBalances | undefined> {
  state.challenges =
    status.challenges && status.challenges.length > 0
      ? status.challenges
      : await acts.listChallenges.executeWithOptions(withSummary(state, 'List MFA challenges'), [ref]);
  state.mfaDeadline = Date.now() + (state.input.timeouts?.mfaSeconds ?? DEFAULT_MFA_S) * 1000;
  setPhase(state, 'WAITING_FOR_MFA');
  describeWaiting(state);
  state.notifier?.actionRequired();
  const answered = await wf.condition(
    () => state.pendingSubmission !== null,
    state.mfaDeadline - Date.now(),
    { summary: 'Wait for MFA answers' },
  );
  if (!answered)
    return new Finish('TIMED_OUT', { code: 'MFA_TIMEOUT', message: 'No MFA answer arrived in time' });
  setPhase(state, 'ANSWERING_MFA');
  const submission = state.pendingSubmission!;
  let read: StatusAndBalances | undefined;
  try {
    if (withRead) {
      read = await acts.answerAndReadStatus.executeWithOptions(
        withSummary(state, `Send MFA answers, read ${state.input.provider} status`),
        [
          {
            ...balanceRead(state, ref),
            answers: submission.answers,
            refreshed: true,
            cachedReasons: withRead.cachedReasons,
            readAfterMs: withRead.readAfterMs,
          },
        ],
      );
    } else {
      await acts.answerChallenges.executeWithOptions(withSummary(state, 'Send MFA answers'), [
        { ...ref, answers: submission.answers },
      ]);
    }
  } catch (err) {
    state.answerError = (err as Error).message;
    throw err;
  }
  state.mfaRounds++;
  state.answeredRounds = state.mfaRounds;
  state.pendingSubmission = null;
  state.challenges = [];
  state.mfaDeadline = null;
  return read;
}
