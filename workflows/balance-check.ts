// balanceCheck: refresh a provider resource once, wait (webhook signal or durable-timer poll), answer
// MFA through an Update, read normalized balances, and answer every caller's own question.
import * as wf from '@temporalio/workflow';
import type { BalanceCheckInput, BalanceCheckRun } from '../contracts/balance-check';
import type { RefreshRef } from '../contracts/provider';
import { outcomeKey, phaseKey } from '../contracts/search-attributes';
import { recordCheckOutcome } from '../observability/check-outcomes';
import { acts, withSummary } from './activity-options';
import { CheckState } from './check-state';
import { registerHandlers } from './handlers';
import { reasonFromActivityFailure } from './outcome';
import { CallbackNotifier } from './callbacks';
import { allAccounts, readBalances, readBalancesBestEffort } from './balance-reads';
import { Finish, type CachedReasons } from './finish';
import { describeDone, setPhase } from './visibility';
import { waitForRefresh } from './wait-for-refresh';

const DEFAULT_OVERALL_S = 600;

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
  if (wf.isCancellation(err))
    return new Finish('CANCELED', { code: 'CANCELED', message: 'The check was canceled' });
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
    end.balances ??
    (await readBalances(state, ref, true, [...cachedReasons, ...(status.failedAccounts ?? [])]));
  return new Finish('COMPLETED', undefined, balances);
}
