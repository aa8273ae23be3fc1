// Spinwheel behind the BalanceProvider interface. Eligibility is per card: only SUPPORTED cards
// are refreshed; the rest come back with their cached balance and the reason as a note.
import type { NormalizedBalance, Reason } from '../../contracts/balance-check';
import type {
  AccountEligibility,
  BalanceProvider,
  BalancesRequest,
  PollingProfile,
  RefreshRef,
  RefreshStart,
  RefreshStartRequest,
  RefreshStatus,
} from '../../contracts/provider';
import type { SpinwheelClient } from './client';
import { eligibilityOf, normalizeSpinwheelCard } from './normalize';
import type { SpinwheelCreditCard, SpinwheelRefreshItem } from './schemas';

export const SPINWHEEL_POLLING: PollingProfile = {
  minIntervalMs: 3000,
  maxIntervalMs: 30_000,
  // The webhook data shape is unconfirmed (assumptions.ts): a status read confirms completion.
  trustCompletionEvent: false,
  // FAILED is terminal and per card at Spinwheel; one read is enough.
  failureConfirmations: 1,
};

function refreshFailed(cardId: string): Reason {
  return {
    code: 'REFRESH_FAILED',
    message: `Spinwheel could not refresh card ${cardId}; the last known balance is shown.`,
  };
}

function selectCards(cards: SpinwheelCreditCard[], accountIds?: string[]): SpinwheelCreditCard[] {
  return accountIds ? cards.filter((c) => accountIds.includes(c.id)) : cards;
}

function stillRunning(cardId: string): Reason {
  return {
    code: 'REFRESH_IN_PROGRESS',
    message: `Card ${cardId} is still refreshing; the last known balance is shown.`,
  };
}

/** One reason for "nothing to refresh": the shared one when every card agrees, else a summary. */
function noneEligibleReason(accounts: AccountEligibility[]): Reason {
  if (accounts.length === 0)
    return { code: 'NO_CREDIT_CARDS', message: 'The user has no matching credit cards.' };
  const codes = new Set(accounts.map((a) => a.reason?.code));
  // The earliest time any card becomes refreshable again tells the caller when to come back.
  const retryAt = accounts
    .map((a) => a.reason?.retryAt)
    .filter((t): t is string => t !== undefined)
    .sort()[0];
  const first = accounts[0]?.reason;
  const reason: Reason =
    codes.size === 1 && first
      ? { code: first.code, message: first.message }
      : {
          code: 'NO_ELIGIBLE_ACCOUNTS',
          message: `No card supports a real-time refresh now: ${accounts.map((a) => `${a.accountId} ${a.reason?.code}`).join(', ')}.`,
        };
  return retryAt ? { ...reason, retryAt } : reason;
}

/** Reduces per-card statuses to the check's refresh state. */
export function summarizeRefresh(items: SpinwheelRefreshItem[]): RefreshStatus {
  if (items.length === 0) {
    return {
      state: 'FAILED',
      providerStatus: 'UNKNOWN',
      reason: { code: 'REFRESH_NOT_FOUND', message: 'Spinwheel lists no card for this refresh.' },
    };
  }
  if (items.some((i) => i.refreshTransactionStatus === 'IN_PROGRESS'))
    return { state: 'RUNNING', providerStatus: 'IN_PROGRESS' };
  const failed = items.filter((i) => i.refreshTransactionStatus === 'FAILED');
  if (failed.length === items.length) {
    return {
      state: 'FAILED',
      providerStatus: 'FAILED',
      reason: {
        code: 'REFRESH_FAILED',
        message: `Spinwheel could not refresh any card (${failed.map((i) => i.creditCardId).join(', ')}).`,
      },
    };
  }
  const status: RefreshStatus = { state: 'SUCCEEDED', providerStatus: 'COMPLETED' };
  if (failed.length > 0)
    status.failedAccounts = failed.map((i) => ({
      accountId: i.creditCardId,
      reason: refreshFailed(i.creditCardId),
    }));
  return status;
}

export function createSpinwheelProvider(client: SpinwheelClient): BalanceProvider {
  return {
    name: 'spinwheel',

    async startRefresh(req: RefreshStartRequest): Promise<RefreshStart> {
      // Eligibility changes (e.g. REFRESH_EXHAUSTED), so read it fresh before every refresh.
      const user = await client.getUser(req.resource.userId);
      const accounts: AccountEligibility[] = selectCards(user.creditCards, req.accountIds).map((card) => ({
        accountId: card.id,
        ...eligibilityOf(card),
      }));
      const eligibleIds = accounts.filter((a) => a.eligible).map((a) => a.accountId);
      const common = {
        refreshId: req.refreshKey,
        startedAt: new Date().toISOString(),
        polling: SPINWHEEL_POLLING,
        accounts,
        mfaPossible: false,
      };
      if (eligibleIds.length === 0)
        return { ...common, state: 'NOT_REFRESHABLE', reason: noneEligibleReason(accounts) };
      // refreshKey is deterministic per check: an activity retry replays the same extRequestId,
      // and Spinwheel answers with the existing transaction instead of starting a second one.
      await client.refreshLiabilities(req.resource.userId, req.refreshKey, eligibleIds);
      return { ...common, state: 'STARTED' };
    },

    async readRefreshStatus(ref: RefreshRef): Promise<RefreshStatus> {
      return summarizeRefresh(await client.getRefreshStatus(ref.resource.userId, ref.refreshId));
    },

    async listBalances(req: BalancesRequest): Promise<NormalizedBalance[]> {
      // The transaction's own item statuses say which cards really completed, independent of
      // what the caller remembered; only those may be called REALTIME.
      const items = req.refreshed ? await client.getRefreshStatus(req.resource.userId, req.refreshId) : [];
      const user = await client.getUser(req.resource.userId);
      const cached = new Map((req.cachedReasons ?? []).map((c) => [c.accountId, c.reason]));
      return selectCards(user.creditCards, req.accountIds).map((card) => {
        const item = items.find((i) => i.creditCardId === card.id);
        const told = cached.get(card.id);
        if (told) return normalizeSpinwheelCard(card, 'CACHED', told);
        if (item?.refreshTransactionStatus === 'COMPLETED') return normalizeSpinwheelCard(card, 'REALTIME');
        if (item?.refreshTransactionStatus === 'FAILED')
          return normalizeSpinwheelCard(card, 'CACHED', refreshFailed(card.id));
        if (item) return normalizeSpinwheelCard(card, 'CACHED', stillRunning(card.id));
        const { reason } = eligibilityOf(card);
        return normalizeSpinwheelCard(
          card,
          'CACHED',
          reason ?? {
            code: 'NOT_REFRESHED',
            message: `Card ${card.id} was not refreshed by this check; the last known balance is shown.`,
          },
        );
      });
    },
  };
}
