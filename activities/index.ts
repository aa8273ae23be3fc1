// Activities: the workflow's only door to providers. Dependencies come in through the factory,
// so tests point the provider clients at simulators; credentials never enter workflow history.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ChallengeView, NormalizedBalance, ProviderName } from '../contracts/balance-check';
import { decideFreshness } from '../contracts/freshness';
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

export type { ProviderRegistry };

export interface ActivityDeps {
  providers: ProviderRegistry;
}

export function createActivities({ providers }: ActivityDeps) {
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
      return { status, balances: await readBalances(p, { ...req, refreshed: true, cachedReasons }) };
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
      return readBalances(provider(req.provider), req);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;

/** Which attempt this is, so providers without an idempotency key can tell a retry from a first call. */
function attemptInfo(): { attempt: number; firstAttemptAt: string } {
  const { attempt, scheduledTimestampMs } = Context.current().info;
  return { attempt, firstAttemptAt: new Date(scheduledTimestampMs).toISOString() };
}

/** The provider reports the accounts and what it saw; freshness is decided once, from those facts. */
export async function readBalances(
  provider: BalanceProvider,
  req: BalancesRequest,
): Promise<NormalizedBalance[]> {
  return decideFreshness(await provider.listBalances(req), req);
}
