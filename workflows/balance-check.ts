// balanceCheck: refresh a provider resource once, wait (webhook signal or durable-timer poll), answer
// MFA through an Update, read normalized balances, and answer every caller's own question.
import * as wf from '@temporalio/workflow';
import type {
  BalanceCheckInput,
  BalanceCheckRun,
  CheckStatus,
  NormalizedBalance,
  Reason,
} from '../contracts/balance-check';
import type { RefreshRef, RefreshStart, RefreshStatus } from '../contracts/provider';
import { outcomeKey, phaseKey } from '../contracts/search-attributes';
import { recordCheckOutcome } from '../observability/check-outcomes';
import { acts, withSummary } from './activity-options';
import { CallbackNotifier } from './callbacks';
import { CheckState } from './check-state';
import { registerHandlers } from './handlers';
import { reasonFromActivityFailure } from './outcome';
import { pollDelayMs, pollSchedule } from './poll-schedule';
import { describeDone, describeWaiting, setPhase } from './visibility';

const DEFAULT_OVERALL_S = 600;
const DEFAULT_MFA_S = 300;

/** How a check ends: its status, why, and the balances read (if any). */
class Finish {
  constructor(
    readonly status: CheckStatus,
    readonly reason?: Reason,
    readonly balances: NormalizedBalance[] = [],
  ) {}
}

type CachedReasons = { accountId: string; reason: Reason }[];

export async function balanceCheck(input: BalanceCheckInput): Promise<BalanceCheckRun> {
  const startedAt = Date.now();
  const state = new CheckState(
    input,
    startedAt,
    startedAt + (input.timeouts?.overallSeconds ?? DEFAULT_OVERALL_S) * 1000,
  );
  const notifier = new CallbackNotifier(state);
  state.notifier = notifier;
  registerHandlers(state);
  // The provider wait runs in its own scope: the last caller withdrawing cancels it.
  const refresh = new wf.CancellationScope();
  state.cancelRefresh = () => refresh.cancel();
  const finish = await refresh.run(() => runCheck(state)).catch(finishFromError);

  state.outcome = {
    status: finish.status,
    provider: input.provider,
    resource: input.resource,
    ...(input.owner ? { owner: input.owner } : {}),
    ...(finish.reason ? { reason: finish.reason } : {}),
    balances: finish.balances,
    startedAt: new Date(startedAt).toISOString(),
    finishedAt: new Date(Date.now()).toISOString(),
    polls: state.polls,
    eventsAccepted: state.eventsAccepted,
    mfaRounds: state.mfaRounds,
  };
  recordCheckOutcome(wf.metricMeter, state.outcome); // replay-safe: the workflow meter skips replays
  setPhase(state, 'DONE');
  wf.upsertSearchAttributes([
    { key: phaseKey, value: 'DONE' },
    { key: outcomeKey, value: finish.status },
  ]);
  describeDone(state);
  notifier.outcome();
  // Let in-flight updates (MFA answers, joins) see the outcome before the run closes.
  await wf.CancellationScope.nonCancellable(() => wf.condition(wf.allHandlersFinished));
  // Deliveries run on their own (abandoned children): only their starts are awaited here.
  await notifier.started();
  return state.run();
}

/** Cancellation and provider failures are outcomes; anything else is a bug that must fail the task. */
function finishFromError(err: unknown): Finish {
  if (wf.isCancellation(err)) return new Finish('CANCELED', { code: 'CANCELED', message: 'The check was canceled' });
  const failed = reasonFromActivityFailure(err);
  if (!failed) throw err;
  return new Finish(failed.timedOut ? 'TIMED_OUT' : 'FAILED', failed.reason);
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
    refreshId: start.refreshId,
    startedAt: start.startedAt,
    accountIds: input.accountIds,
  };
  state.refreshStartedAt = Date.parse(start.startedAt);
  state.refreshId = start.refreshId;
  const ineligible = (start.accounts ?? []).filter((a) => !a.eligible && a.reason);
  const cachedReasons: CachedReasons = ineligible.map((a) => ({ accountId: a.accountId, reason: a.reason! }));

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

  const end = await waitForRefresh(state, ref, start, cachedReasons);
  if (end instanceof Finish) return end;
  const { status } = end;
  if (status.state === 'FAILED') {
    const reason = status.reason ?? {
      code: `PROVIDER_${status.providerStatus}`,
      message: 'The refresh failed',
    };
    const cached = await readBalancesBestEffort(state, ref, [...cachedReasons, ...allAccounts(reason)]);
    return new Finish('FAILED', reason, cached);
  }
  if (status.state === 'ACTION_REQUIRED') return new Finish('ACTION_REQUIRED', status.reason);
  const balances =
    end.balances ?? (await readBalances(state, ref, true, [...cachedReasons, ...(status.failedAccounts ?? [])]));
  return new Finish('COMPLETED', undefined, balances);
}

/**
 * Waits until the refresh ends. A webhook wakes it at once; a durable timer otherwise fires the next
 * status read. Only a completion naming this refresh ends the wait without a status read (see
 * CheckState.decideWake); a status read that finds the refresh done also reads the balances.
 */
async function waitForRefresh(
  state: CheckState,
  ref: RefreshRef,
  start: RefreshStart,
  cachedReasons: CachedReasons,
): Promise<Finish | { status: RefreshStatus; balances?: NormalizedBalance[] }> {
  setPhase(state, 'REFRESHING');
  const schedule = pollSchedule(start.polling, state.input.timeouts);
  let attempt = 0;
  let failuresSeen = 0;
  let lastReadAt = 0;
  for (;;) {
    const remaining = state.deadline - Date.now();
    if (remaining <= 0)
      return new Finish('TIMED_OUT', {
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
    if (woken) {
      const decision = state.decideWake(state.takeRelevantEvents(), start.polling.trustCompletionEvent);
      if (decision === 'KEEP_WAITING') continue;
      if (decision === 'COMPLETED') return { status: { state: 'SUCCEEDED', providerStatus: 'COMPLETION_EVENT' } };
      // Honour the provider's floor between status reads even when events arrive quickly.
      const wait = lastReadAt + schedule.firstMs - Date.now();
      if (wait > 0) await wf.sleep(wait, { summary: 'Respect provider poll floor' });
    } else {
      if (Date.now() >= state.deadline) continue;
      state.polls++;
      attempt++;
    }
    const read = await acts.readStatusAndBalances.executeWithOptions(
      withSummary(state, `Read ${state.input.provider} refresh status`),
      [{ ...balanceRead(state, ref), refreshed: true, cachedReasons }],
    );
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
      const timedOut = await answerChallenges(state, ref, status);
      if (timedOut) return timedOut;
      attempt = 0; // the provider resumes now: look again soon
      setPhase(state, 'REFRESHING');
      continue;
    }
    if (status.state !== 'RUNNING') return read;
  }
}

/** One MFA round: expose the challenges, wait for the Update's answers, send them. */
async function answerChallenges(
  state: CheckState,
  ref: RefreshRef,
  status: RefreshStatus,
): Promise<Finish | undefined> {
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
  if (!answered) return new Finish('TIMED_OUT', { code: 'MFA_TIMEOUT', message: 'No MFA answer arrived in time' });
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
  return undefined;
}

/** What a balance read covers: every caller's accounts, pending amounts when someone asks for funding. */
function balanceRead(state: CheckState, ref: RefreshRef) {
  const accountIds = state.accountsToRead();
  const withPending = state.callers.some((c) => !c.withdrawn && c.question.fundingAccountId !== undefined);
  return { ...ref, accountIds, withPending };
}

async function readBalances(
  state: CheckState,
  ref: RefreshRef,
  refreshed: boolean,
  cachedReasons: CachedReasons,
): Promise<NormalizedBalance[]> {
  setPhase(state, 'READING_BALANCES');
  return acts.listBalances.executeWithOptions(
    withSummary(state, refreshed ? 'Read refreshed balances' : 'Read cached balances'),
    [{ ...balanceRead(state, ref), refreshed, cachedReasons }],
  );
}

/** After a failed refresh, the last known balances are still worth returning (marked CACHED). */
async function readBalancesBestEffort(state: CheckState, ref: RefreshRef, cachedReasons: CachedReasons) {
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
