// Activities: the workflow's only door to providers. Dependencies come in through the factory,
// so tests point the provider clients at simulators; credentials never enter workflow history.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import {
  TASK_QUEUE,
  type ChallengeView,
  type NormalizedBalance,
  type ProviderName,
  type Reason,
} from '../contracts/balance-check';
import type {
  BalanceProvider,
  BalancesRequest,
  ChallengeAnswerRequest,
  RefreshRef,
  RefreshStart,
  RefreshStartRequest,
  RefreshStatus,
  ProviderRegistry,
  StatusAndBalances,
} from '../contracts/provider';
import { createCallbackActivities, type CallbackDeliveryDeps } from './callbacks';
import { createNexusActivities } from './nexus';

export type { ProviderRegistry };

export interface ActivityDeps {
  providers: ProviderRegistry;
  /** Callback delivery (signing secrets, retry policy); without it deliveries wait and retry. */
  callbacks?: CallbackDeliveryDeps;
  /** Task queue checks start on (the Nexus operation starts or joins them there). */
  taskQueue?: string;
}

export function createActivities({ providers, callbacks, taskQueue }: ActivityDeps) {
  const provider = (name: ProviderName): BalanceProvider => {
    const found = providers[name];
    if (!found) {
      throw ApplicationFailure.nonRetryable(
        `Provider ${name} is not configured on this worker`,
        'ProviderNotConfigured',
      );
    }
    return found;
  };
  return {
    ...createCallbackActivities(callbacks),
    ...createNexusActivities(taskQueue ?? TASK_QUEUE),
    async startRefresh(req: RefreshStartRequest): Promise<RefreshStart> {
      return provider(req.provider).startRefresh({ ...req, ...attemptInfo() });
    },
    async readRefreshStatus(ref: RefreshRef): Promise<RefreshStatus> {
      return provider(ref.provider).readRefreshStatus(ref);
    },
    /**
     * The status read of the wait loop: when the provider says the refresh succeeded, the balances are
     * read in the same activity (a completion is confirmed and answered with one task, not two).
     */
    async readStatusAndBalances(req: BalancesRequest): Promise<StatusAndBalances> {
      const p = provider(req.provider);
      const status = await p.readRefreshStatus(req);
      if (status.state !== 'SUCCEEDED') return { status };
      const cachedReasons = [...(req.cachedReasons ?? []), ...(status.failedAccounts ?? [])];
      const balances = await p.listBalances({ ...req, refreshed: true, cachedReasons });
      return { status, balances: markFreshness(balances, true, cachedReasons) };
    },
    async listChallenges(ref: RefreshRef): Promise<ChallengeView[]> {
      const p = provider(ref.provider);
      if (!p.listChallenges)
        throw ApplicationFailure.nonRetryable(`${ref.provider} has no MFA`, 'ProviderRejectedError');
      return p.listChallenges(ref);
    },
    async answerChallenges(req: ChallengeAnswerRequest): Promise<void> {
      const p = provider(req.provider);
      if (!p.answerChallenges)
        throw ApplicationFailure.nonRetryable(`${req.provider} has no MFA`, 'ProviderRejectedError');
      await p.answerChallenges(req);
    },
    async listBalances(req: BalancesRequest): Promise<NormalizedBalance[]> {
      const balances = await provider(req.provider).listBalances(req);
      return markFreshness(balances, req.refreshed, req.cachedReasons ?? []);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;

/** Which attempt this is, so providers without an idempotency key can tell a retry from a first call. */
function attemptInfo(): { attempt: number; firstAttemptAt: string } {
  const { attempt, scheduledTimestampMs } = Context.current().info;
  return { attempt, firstAttemptAt: new Date(scheduledTimestampMs).toISOString() };
}

/**
 * One place decides freshness: REALTIME only when this check's refresh succeeded for the account;
 * otherwise CACHED with the reason (per account, or '*' for all).
 */
export function markFreshness(
  balances: NormalizedBalance[],
  refreshed: boolean,
  cachedReasons: { accountId: string; reason: Reason }[],
): NormalizedBalance[] {
  const reasonFor = (id: string) =>
    cachedReasons.find((r) => r.accountId === id)?.reason ??
    cachedReasons.find((r) => r.accountId === '*')?.reason;
  return balances.map((b) => {
    const reason = reasonFor(b.accountId) ?? b.note;
    if (refreshed && !reason && b.freshness !== 'CACHED') return { ...b, freshness: 'REALTIME' };
    return { ...b, freshness: 'CACHED', ...(reason ? { note: reason } : {}) };
  });
}
