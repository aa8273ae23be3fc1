// balanceCheck: refresh a provider resource, wait (webhook signal or durable-timer poll), answer
// MFA through an Update, read normalized balances, and answer with a typed result.
import * as wf from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type {
  BalanceCheckInput,
  BalanceCheckResult,
  CheckPhase,
  CheckStatus,
  NormalizedBalance,
  Reason,
} from '../contracts/balance-check';
import type { RefreshRef, RefreshStart, RefreshStatus } from '../contracts/provider';
import { outcomeKey, phaseKey } from '../contracts/search-attributes';
import { decideSufficiency } from '../money/sufficiency';
import { recordCheckOutcome } from '../observability/check-outcomes';
import { NON_RETRYABLE_PROVIDER_ERRORS } from '../providers/http/errors';
import { CheckState } from './check-state';
import { answerChallengesUpdate, providerEventSignal, statusQuery } from './definitions';
import { resolveOptionValues, validateMfaSubmission } from './mfa';
import { reasonFromActivityFailure } from './outcome';
import { pollDelayMs, pollSchedule } from './poll-schedule';

const DEFAULT_OVERALL_S = 600;
const DEFAULT_MFA_S = 300;
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
const acts = wf.proxyActivities<ReturnType<typeof createActivities>>(ACTIVITY_OPTIONS);

/** Thrown inside the story to end it with a result. */
class Finish {
  constructor(
    readonly status: CheckStatus,
    readonly reason?: Reason,
    readonly balances: NormalizedBalance[] = [],
  ) {}
}

export async function balanceCheck(input: BalanceCheckInput): Promise<BalanceCheckResult> {
  const startedAt = Date.now();
  const state = new CheckState(
    input,
    startedAt,
    startedAt + (input.timeouts?.overallSeconds ?? DEFAULT_OVERALL_S) * 1000,
  );
  // Handlers first: a signal or update may already be waiting in the first workflow task.
  wf.setHandler(statusQuery, () => state.view());
  wf.setHandler(providerEventSignal, (event) => state.acceptEvent(event));
  wf.setHandler(
    answerChallengesUpdate,
    async (submission) => {
      const round = state.mfaRounds + 1;
      state.pendingSubmission = resolveOptionValues(state, submission);
      await wf.condition(() => state.answeredRounds >= round || state.result !== null);
      if (state.answeredRounds < round) {
        throw wf.ApplicationFailure.nonRetryable(
          state.answerError ?? 'The check ended before the answers were sent',
          'NotAwaitingMfa',
        );
      }
      return { accepted: true as const, round };
    },
    { validator: (submission) => validateMfaSubmission(state, submission) },
  );

  let outcome: Finish;
  try {
    outcome = await runCheck(state);
  } catch (err) {
    if (err instanceof Finish) outcome = err;
    else if (wf.isCancellation(err))
      outcome = new Finish('CANCELED', { code: 'CANCELED', message: 'The check was canceled' });
    else {
      const failed = reasonFromActivityFailure(err);
      if (!failed) throw err; // a bug, not a provider outcome: let the workflow task fail and be fixed
      outcome = new Finish(failed.timedOut ? 'TIMED_OUT' : 'FAILED', failed.reason);
    }
  }
  const result = buildResult(state, outcome);
  state.result = result;
  recordCheckOutcome(wf.metricMeter, result); // replay-safe: the workflow meter skips replays
  setPhase(state, 'DONE');
  wf.upsertSearchAttributes([
    { key: phaseKey, value: 'DONE' },
    { key: outcomeKey, value: result.status },
  ]);
  wf.setCurrentDetails(
    `**${result.status}**${result.reason ? ` — ${result.reason.code}: ${result.reason.message}` : ''}`,
  );
  // Let an in-flight MFA update see the result before the run closes (even after cancellation).
  await wf.CancellationScope.nonCancellable(() => wf.condition(wf.allHandlersFinished));
  return result;
}

async function runCheck(state: CheckState): Promise<Finish> {
  const { input } = state;
  const start = await acts.startRefresh.executeWithOptions(
    withSummary(state, `Start ${input.provider} refresh`),
    [
      {
        provider: input.provider,
        resource: input.resource,
        refreshKey: wf.uuid4(),
        accountIds: input.accountIds,
      },
    ],
  );
  const ref: RefreshRef = {
    provider: input.provider,
    resource: input.resource,
    refreshKey: start.refreshId,
    refreshId: start.refreshId,
    startedAt: start.startedAt,
    accountIds: input.accountIds,
  };
  state.refreshStartedAt = Date.parse(start.startedAt);
  state.refreshId = start.refreshId;
  const ineligible = (start.accounts ?? []).filter((a) => !a.eligible && a.reason);
  const cachedReasons = ineligible.map((a) => ({ accountId: a.accountId, reason: a.reason! }));

  if (start.state === 'ACTION_REQUIRED') {
    // v2: also return the last known balances (CACHED, with the reason). Guarded: checks recorded
    // before this change (test/histories/v1-before-cached-on-action-required) replay without the read.
    if (!wf.patched('cached-balances-on-action-required') || !start.reason)
      return new Finish('ACTION_REQUIRED', start.reason);
    const cached = await readBalancesBestEffort(state, ref, [...cachedReasons, ...allAccounts(start.reason)]);
    return new Finish('ACTION_REQUIRED', start.reason, cached);
  }
  if (start.state === 'FAILED') return new Finish('FAILED', start.reason);
  if (start.state === 'NOT_REFRESHABLE') {
    const cached = await readBalances(state, ref, false, cachedReasons);
    return new Finish('NOT_SUPPORTED', start.reason, cached);
  }

  const status = await waitForRefresh(state, ref, start);
  if (status.state === 'FAILED') {
    const reason = status.reason ?? {
      code: `PROVIDER_${status.providerStatus}`,
      message: 'The refresh failed',
    };
    const cached = await readBalancesBestEffort(state, ref, [...cachedReasons, ...allAccounts(reason)]);
    return new Finish('FAILED', reason, cached);
  }
  if (status.state === 'ACTION_REQUIRED') return new Finish('ACTION_REQUIRED', status.reason);
  const balances = await readBalances(state, ref, true, [...cachedReasons, ...(status.failedAccounts ?? [])]);
  return new Finish('COMPLETED', undefined, balances);
}

/** Waits until the refresh ends: a trusted completion event, or a status read (timer- or event-driven). */
async function waitForRefresh(
  state: CheckState,
  ref: RefreshRef,
  start: RefreshStart,
): Promise<RefreshStatus> {
  setPhase(state, 'REFRESHING');
  const schedule = pollSchedule(start.polling, state.input.timeouts);
  let attempt = 0;
  let failuresSeen = 0;
  let lastReadAt = 0;
  for (;;) {
    const remaining = state.deadline - Date.now();
    if (remaining <= 0)
      throw new Finish('TIMED_OUT', {
        code: 'REFRESH_TIMEOUT',
        message: 'The provider did not finish the refresh before the deadline',
      });
    const delay = Math.min(pollDelayMs(schedule, attempt, Math.random), remaining);
    state.nextPollAt = Date.now() + delay;
    describeWaiting(state);
    const woken = await wf.condition(() => state.pendingEvents.length > 0, delay, {
      summary: `Next ${state.input.provider} status poll`,
    });
    state.nextPollAt = null;
    let trustedCompletion = false;
    if (woken) {
      const events = state.takeRelevantEvents();
      // Only stale/foreign events, or "refresh started" news (Meld UPDATING): keep waiting, same schedule.
      if (events.every((e) => e.kind === 'REFRESH_STARTED')) continue;
      // A completion stamped before this refresh began (inside the skew allowance) may be the previous
      // refresh's: let a status read decide. patched(): runs recorded before this rule replay as they were.
      trustedCompletion =
        start.polling.trustCompletionEvent &&
        events.some(
          (e) =>
            e.kind === 'REFRESH_COMPLETED' &&
            !(state.predatesRefresh(e) && wf.patched('distrust-completion-before-refresh-start')),
        );
      if (!trustedCompletion) {
        // Honour the provider's floor between status reads even when events arrive quickly.
        const wait = lastReadAt + schedule.firstMs - Date.now();
        if (wait > 0) await wf.sleep(wait, { summary: 'Respect provider poll floor' });
      }
    } else {
      if (Date.now() >= state.deadline) continue;
      state.polls++;
      attempt++;
    }
    const status: RefreshStatus = trustedCompletion
      ? { state: 'SUCCEEDED', providerStatus: 'COMPLETION_EVENT' }
      : await acts.readRefreshStatus.executeWithOptions(
          withSummary(state, `Read ${state.input.provider} refresh status`),
          [ref],
        );
    lastReadAt = Date.now();
    state.providerStatus = status.providerStatus;
    if (status.state === 'FAILED') {
      failuresSeen++;
      if (failuresSeen >= start.polling.failureConfirmations) return status;
      attempt = 0; // confirm soon
      continue;
    }
    failuresSeen = 0;
    if (status.state === 'CHALLENGED') {
      await answerChallenges(state, ref, status);
      attempt = 0; // the provider resumes now: look again soon
      setPhase(state, 'REFRESHING');
      continue;
    }
    if (status.state !== 'RUNNING') return status;
  }
}

async function answerChallenges(state: CheckState, ref: RefreshRef, status: RefreshStatus): Promise<void> {
  state.challenges =
    status.challenges && status.challenges.length > 0
      ? status.challenges
      : await acts.listChallenges.executeWithOptions(withSummary(state, 'List MFA challenges'), [ref]);
  state.mfaDeadline = Date.now() + (state.input.timeouts?.mfaSeconds ?? DEFAULT_MFA_S) * 1000;
  setPhase(state, 'WAITING_FOR_MFA');
  describeWaiting(state);
  const answered = await wf.condition(
    () => state.pendingSubmission !== null,
    state.mfaDeadline - Date.now(),
    {
      summary: 'Wait for MFA answers',
    },
  );
  if (!answered)
    throw new Finish('TIMED_OUT', { code: 'MFA_TIMEOUT', message: 'No MFA answer arrived in time' });
  setPhase(state, 'ANSWERING_MFA');
  const submission = state.pendingSubmission!;
  try {
    await acts.answerChallenges.executeWithOptions(withSummary(state, 'Send MFA answers'), [
      { ...ref, answers: submission.answers },
    ]);
  } catch (err) {
    state.answerError = (err as Error).message;
    throw err;
  }
  state.mfaRounds++;
  state.answeredRounds = state.mfaRounds;
  state.pendingSubmission = null;
  state.challenges = [];
  state.mfaDeadline = null;
}

async function readBalances(
  state: CheckState,
  ref: RefreshRef,
  refreshed: boolean,
  cachedReasons: { accountId: string; reason: Reason }[],
): Promise<NormalizedBalance[]> {
  setPhase(state, 'READING_BALANCES');
  return acts.listBalances.executeWithOptions(
    withSummary(state, refreshed ? 'Read refreshed balances' : 'Read cached balances'),
    [{ ...ref, refreshed, cachedReasons, withPending: state.input.fundingAccountId !== undefined }],
  );
}

/** After a failed refresh, the last known balances are still worth returning (marked CACHED). */
async function readBalancesBestEffort(
  state: CheckState,
  ref: RefreshRef,
  cachedReasons: { accountId: string; reason: Reason }[],
) {
  try {
    return await readBalances(state, ref, false, cachedReasons);
  } catch (err) {
    if (wf.isCancellation(err)) throw err;
    wf.log.warn('Could not read cached balances after a failed refresh', { error: (err as Error).message });
    return [];
  }
}

/** A reason that applies to every account ('*' is resolved by the provider when listing). */
function allAccounts(reason: Reason) {
  return [{ accountId: '*', reason }];
}

function buildResult(state: CheckState, outcome: Finish): BalanceCheckResult {
  const { input } = state;
  const balances = input.accountIds
    ? outcome.balances.filter((b) => input.accountIds!.includes(b.accountId))
    : outcome.balances;
  const wantsSufficiency = input.fundingAccountId !== undefined && input.requiredAmount !== undefined;
  return {
    status: outcome.status,
    provider: input.provider,
    resource: input.resource,
    ...(outcome.reason ? { reason: outcome.reason } : {}),
    balances,
    ...(wantsSufficiency ? { sufficiency: sufficiencyFor(balances, input, outcome) } : {}),
    startedAt: new Date(state.startedAt).toISOString(),
    finishedAt: new Date(Date.now()).toISOString(),
    polls: state.polls,
    eventsAccepted: state.eventsAccepted,
    mfaRounds: state.mfaRounds,
  };
}

/** With no balances to judge, the check's own outcome is the reason the decision is UNKNOWN. */
function sufficiencyFor(balances: NormalizedBalance[], input: BalanceCheckInput, outcome: Finish) {
  const decision = decideSufficiency(balances, input.fundingAccountId!, input.requiredAmount!);
  if (balances.length === 0 && outcome.reason && decision.decision === 'UNKNOWN')
    return { ...decision, reason: outcome.reason };
  return decision;
}

/** Phases that last a moment: visible in the status query and current details, not worth an upsert. */
const TRANSIENT_PHASES: CheckPhase[] = ['ANSWERING_MFA', 'READING_BALANCES'];

function setPhase(state: CheckState, phase: CheckPhase): void {
  if (state.phase === phase) return;
  state.phase = phase;
  // Each upsert is a billable action: transient phases are skipped, and DONE goes out together with
  // the outcome status in one upsert. (Not behind patched(): in SDK 1.24 every patch also upserts
  // TemporalChangeVersion, which would cost the action this saves; histories were re-recorded.)
  if (TRANSIENT_PHASES.includes(phase) || phase === 'DONE') return;
  wf.upsertSearchAttributes([{ key: phaseKey, value: phase }]);
}

function describeWaiting(state: CheckState): void {
  const at = (ms: number | null) => (ms === null ? '—' : new Date(ms).toISOString());
  const lines =
    state.phase === 'WAITING_FOR_MFA'
      ? [
          `**Waiting for MFA** since ${at(Date.now())}, answer by ${at(state.mfaDeadline)}`,
          `Challenges: ${state.challenges.map((c) => c.label).join('; ')}`,
        ]
      : [
          `**Waiting for ${state.input.provider} refresh** (webhook or poll)`,
          `Next poll at ${at(state.nextPollAt)}`,
        ];
  lines.push(
    `Polls so far: ${state.polls}`,
    `Last provider status: ${state.providerStatus ?? '—'}`,
    `Deadline: ${at(state.deadline)}`,
  );
  wf.setCurrentDetails(lines.join('\n\n'));
}

/** Activity options with a UI summary; retries stop at the check's deadline (never before 15 s). */
function withSummary(state: CheckState, summary: string): wf.ActivityOptions {
  return {
    ...ACTIVITY_OPTIONS,
    summary,
    scheduleToCloseTimeout: Math.max(state.deadline - Date.now(), 15_000),
  };
}
