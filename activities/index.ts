// Activities: the workflow's only door to providers. Dependencies come in through the factory,
// so tests point the provider clients at simulators; credentials never enter workflow history.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import {
  TASK_QUEUE,
  type ChallengeView,
  type NormalizedBalance,
  type ProviderName,
} from '../contracts/balance-check';
import { decideFreshness } from '../contracts/freshness';
import type {
  AnswerAndReadRequest,
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
      const start = await provider(req.provider).startRefresh({ ...req, ...attemptInfo() });
      return { ...start, protocol: 2 };
    },
    async readRefreshStatus(ref: RefreshRef): Promise<RefreshStatus> {
      return provider(ref.provider).readRefreshStatus(ref);
    },
    async readStatusAndBalances(req: BalancesRequest): Promise<StatusAndBalances> {
      return statusAndBalances(provider(req.provider), req);
    },
    /**
     * One MFA step in one activity: send the answers, wait for the first poll after an answer
     * (readAfterMs), read the status, and the balances when the refresh is done. Saves the workflow
     * a timer and a second activity per round; a webhook arriving meanwhile is looked at afterwards.
     */
    async answerAndReadStatus(req: AnswerAndReadRequest): Promise<StatusAndBalances> {
      const p = provider(req.provider);
      if (!p.answerChallenges)
        throw ApplicationFailure.nonRetryable(`${req.provider} has no MFA`, 'ProviderRejectedError');
      // A retry after the answers went through is safe: providers skip challenges no longer pending.
      await p.answerChallenges(req);
      return statusAndBalances(p, req);
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

/**
 * The status read of the wait loop: when the provider says the refresh succeeded, the balances are
 * read in the same activity (a completion is confirmed and answered with one task, not two).
 * readAfterMs first waits out the provider's floor between reads (no workflow timer for it).
 */
async function statusAndBalances(p: BalanceProvider, req: BalancesRequest): Promise<StatusAndBalances> {
  if (req.readAfterMs && req.readAfterMs > 0) await Context.current().sleep(req.readAfterMs);
  const status = await p.readRefreshStatus(req);
  if (status.state !== 'SUCCEEDED') return { status };
  const cachedReasons = [...(req.cachedReasons ?? []), ...(status.failedAccounts ?? [])];
  return { status, balances: await readBalances(p, { ...req, refreshed: true, cachedReasons }) };
}

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
