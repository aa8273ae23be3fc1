// Meld behind the BalanceProvider interface. Resource: userId = Meld customerId, memberId = connectionId.
// Meld has no refresh-status endpoint: completion comes by webhook, and polls can only see whether
// every account's balances.updatedAt moved past the refresh start.
import { ApplicationFailure } from '@temporalio/common';
import type { Reason } from '../../contracts/balance-check';
import { updatedSince } from '../../contracts/freshness';
import type {
  AccountRead,
  BalanceProvider,
  BalancesRead,
  PollingProfile,
  RefreshRef,
  RefreshStart,
  RefreshStatus,
} from '../../contracts/provider';
import { fatalError, ProviderErrorType, type ProviderErrorDetails } from '../http/errors';
import { MELD_ASSUMPTIONS } from './assumptions';
import type { MeldClient } from './client';
import { assessMeldConnection } from './connection-status';
import { normalizeMeldAccount, sumPendingMinorUnits } from './normalize';
import type { MeldAccount } from './schemas';

/** Meld's webhooks are signed, so a completion event may end the wait on its own. */
export const MELD_POLLING: PollingProfile = {
  minIntervalMs: 5000,
  maxIntervalMs: 60000,
  trustCompletionEvent: true,
  failureConfirmations: 1,
};

/**
 * refreshId of a refresh we joined rather than started: Meld has no endpoint naming the running job's
 * requestId, and the workflow matches webhook requestIds against a non-empty refreshId only, so an
 * empty id lets the joined job's BANK_LINKING_ACCOUNTS_UPDATED through (stale events are still dropped
 * by their timestamp). Meld's reads use neither refreshId nor refreshKey.
 */
export const JOINED_REFRESH_ID = '';

export function createMeldProvider(client: MeldClient, now: () => Date = () => new Date()): BalanceProvider {
  const ids = (ref: { resource: { userId: string; memberId?: string } }) => {
    const connectionId = ref.resource.memberId;
    if (!connectionId) {
      throw fatalError(ProviderErrorType.Rejected, 'Meld resources need memberId = connectionId', {
        provider: 'meld',
        operation: 'resource',
      });
    }
    return { customerId: ref.resource.userId, connectionId };
  };

  async function accountsOf(ref: RefreshRef): Promise<MeldAccount[]> {
    const accounts = await client.searchAccounts(ids(ref));
    return ref.accountIds?.length ? accounts.filter((a) => ref.accountIds!.includes(a.id)) : accounts;
  }

  return {
    name: 'meld',

    async startRefresh(req): Promise<RefreshStart> {
      const { connectionId } = ids(req);
      const answer = (
        state: RefreshStart['state'],
        startedAt: Date,
        extra: Partial<RefreshStart> = {},
      ): RefreshStart => ({
        state,
        refreshId: req.refreshKey,
        startedAt: startedAt.toISOString(),
        polling: MELD_POLLING,
        ...extra,
      });
      const before = await client.findConnection(req.resource.userId, connectionId);
      const assessed = assessMeldConnection(before);
      if (assessed.kind === 'ACTION_REQUIRED' || assessed.kind === 'FAILED') {
        return answer(assessed.kind, now(), { reason: assessed.reason });
      }
      // Join the running refresh; its updatedAt will land after this instant. Its requestId is not
      // ours to know (Meld lists none), so the id stays empty: its UPDATED webhook must still count.
      if (assessed.kind === 'RUNNING') return answer('STARTED', now(), { refreshId: JOINED_REFRESH_ID });
      // A retry after a refresh POST that timed out: Meld may have started (and even finished) that
      // job. Meld has no idempotency key, so a connection aggregated since our first attempt is ours.
      if (req.attempt && req.attempt > 1 && req.firstAttemptAt && before.successfullyAggregatedAt) {
        const firstAttempt = new Date(req.firstAttemptAt);
        if (Date.parse(before.successfullyAggregatedAt) >= firstAttempt.getTime() - 1000) {
          return answer('STARTED', firstAttempt, { refreshId: JOINED_REFRESH_ID });
        }
      }

      const startedAt = now();
      try {
        const outcome = await client.refresh(connectionId);
        if (outcome.kind === 'STARTED') return answer('STARTED', startedAt, { refreshId: outcome.requestId });
      } catch (err) {
        const throttled = throttleReason(err);
        if (throttled) return answer('FAILED', startedAt, { reason: throttled });
        throw err;
      }
      // 409: the status changed between our read and the refresh; read it again and decide the same way.
      const after = assessMeldConnection(await client.findConnection(req.resource.userId, connectionId));
      if (after.kind === 'RUNNING') return answer('STARTED', startedAt, { refreshId: JOINED_REFRESH_ID });
      if (after.kind !== 'REFRESHABLE') return answer(after.kind, startedAt, { reason: after.reason });
      return answer('NOT_REFRESHABLE', startedAt, {
        reason: {
          code: 'REFRESH_CONFLICT',
          message: 'Meld refused the refresh (409) while the connection reads refreshable',
        },
      });
    },

    async readRefreshStatus(ref): Promise<RefreshStatus> {
      const { customerId, connectionId } = ids(ref);
      const connection = await client.findConnection(customerId, connectionId);
      const providerStatus = connection.statusReason
        ? `${connection.status}/${connection.statusReason}`
        : connection.status;
      // Our refresh was accepted, so the connection was linked: IN_PROGRESS now can only mean the refresh
      // itself (whatever Meld means by it); the balances decide, as for any refreshable status.
      const assessed =
        connection.status.toUpperCase() === 'IN_PROGRESS'
          ? { kind: 'RUNNING' as const }
          : assessMeldConnection(connection);
      if (assessed.kind === 'ACTION_REQUIRED' || assessed.kind === 'FAILED') {
        return { state: assessed.kind, providerStatus, reason: assessed.reason };
      }
      // Closed/inactive accounts never update: they must not hold the check open.
      const accounts = (await accountsOf(ref)).filter((a) => !isInactive(a));
      const fresh =
        accounts.length > 0 &&
        accounts.every((a) =>
          updatedSince(updatedAtMs(a), ref.startedAt, MELD_ASSUMPTIONS.freshnessGranularityMs),
        );
      return { state: fresh ? 'SUCCEEDED' : 'RUNNING', providerStatus };
    },

    async listBalances(req): Promise<BalancesRead> {
      const { customerId } = ids(req);
      // Like MX's closed accounts: left out unless asked for by id, and then CACHED with the reason.
      const accounts = (await accountsOf(req)).filter(
        (a) => req.accountIds?.includes(a.id) || !isInactive(a),
      );
      const reads = await Promise.all(
        accounts.map(async (account): Promise<AccountRead> => {
          const lacksAvailable =
            account.balances?.availableAmount === null || account.balances?.availableAmount === undefined;
          let pending: number | undefined;
          if (req.withPending && lacksAvailable) {
            const txns = await client.listPendingTransactions({ customerId, financialAccountId: account.id });
            pending = sumPendingMinorUnits(
              txns,
              account.balances?.currency ?? MELD_ASSUMPTIONS.currencyWhenAbsent,
            );
          }
          const updated = updatedAtMs(account);
          return {
            balance: normalizeMeldAccount(account, { freshness: 'CACHED', pending }),
            ...(isInactive(account) ? { unusable: notActive(account) } : {}),
            // Meld refreshes per connection, but an institution may skip an account: its updatedAt stays behind.
            ...(updated !== undefined ? { updatedAtMs: updated } : {}),
            notRefreshed: {
              code: 'NOT_REFRESHED',
              message: 'Balance read from Meld without a completed refresh',
            },
          };
        }),
      );
      return { accounts: reads, timestampGranularityMs: MELD_ASSUMPTIONS.freshnessGranularityMs };
    },
  };
}

/** The account cannot move money (MELD_ASSUMPTIONS.inactiveAccountStatuses). */
export function isInactive(account: MeldAccount): boolean {
  const status = account.status?.toUpperCase();
  return !!status && (MELD_ASSUMPTIONS.inactiveAccountStatuses as readonly string[]).includes(status);
}

/** When Meld last updated the account's balances (epoch ms), when it says. */
function updatedAtMs(account: MeldAccount): number | undefined {
  return account.balances?.updatedAt ? Date.parse(account.balances.updatedAt) : undefined;
}

function notActive(account: MeldAccount): Reason {
  return {
    code: 'ACCOUNT_NOT_ACTIVE',
    message: `Meld lists this account as ${account.status}: its balance is not refreshed and it cannot fund a payment`,
  };
}

function throttleReason(err: unknown): Reason | undefined {
  if (!(err instanceof ApplicationFailure) || err.type !== ProviderErrorType.Throttled) return undefined;
  const details = err.details?.[0] as ProviderErrorDetails | undefined;
  const reason: Reason = {
    code: 'PROVIDER_THROTTLED',
    message: 'Meld (or its service provider) throttled the refresh; not retrying',
  };
  if (details?.retryAt) reason.retryAt = details.retryAt;
  return reason;
}
