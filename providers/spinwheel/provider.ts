// Spinwheel behind the BalanceProvider interface. Eligibility is per card: only SUPPORTED cards
// are refreshed; the rest come back with their cached balance and the reason as a note.
import type { Reason } from '../../contracts/balance-check';
import { updatedSince } from '../../contracts/freshness';
import type {
  AccountEligibility,
  AccountRead,
  BalanceProvider,
  BalancesRead,
  BalancesRequest,
  PollingProfile,
  RefreshRef,
  RefreshStart,
  RefreshStartRequest,
  RefreshStatus,
} from '../../contracts/provider';
import type { SpinwheelClient } from './client';
import { DEFAULT_REFRESH_SETTLE_MS, UPDATED_ON_GRANULARITY_MS } from './assumptions';
import { eligibilityOf, normalizeSpinwheelCard } from './normalize';
import type { SpinwheelCreditCard, SpinwheelRefreshItem } from './schemas';

export const SPINWHEEL_POLLING: PollingProfile = {
  minIntervalMs: 3000,
  maxIntervalMs: 30_000,
  // One webhook per card, and its body shape is a guess (assumptions.ts: webhook-data-shape): every
  // completion is confirmed by a status read, which sees all of the user's cards at once.
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

export interface SpinwheelProviderOptions {
  /** Documented path: how long a card may go without a new updatedOn before it counts as not refreshed. */
  settleMs?: number;
  now?: () => number;
}

/** A card's refresh has landed when its updatedOn reaches the refresh start (floored to the second). */
function updatedSinceStart(card: SpinwheelCreditCard, startedAt: string): boolean {
  const updatedOn = card.balanceDetails?.updatedOn;
  return updatedSince(
    typeof updatedOn === 'number' ? updatedOn : undefined,
    startedAt,
    UPDATED_ON_GRANULARITY_MS,
  );
}

/** What the transaction's item says about a card: COMPLETED, FAILED, still running, or not in it. */
function reportedBy(
  items: SpinwheelRefreshItem[],
  cardId: string,
  notInRefresh: Reason,
): NonNullable<AccountRead['reported']> {
  const item = items.find((i) => i.creditCardId === cardId);
  if (item?.refreshTransactionStatus === 'COMPLETED') return { updated: true };
  if (item?.refreshTransactionStatus === 'FAILED') return { updated: false, reason: refreshFailed(cardId) };
  return { updated: false, reason: item ? stillRunning(cardId) : notInRefresh };
}

function notConfirmed(cardId: string, settleMs: number): Reason {
  return {
    code: 'REFRESH_NOT_CONFIRMED',
    message:
      `Spinwheel showed no new balance for card ${cardId} within ${Math.round(settleMs / 1000)} s of the refresh ` +
      '(a failed refresh keeps the last balance); the last known balance is shown.',
  };
}

/**
 * The documented path (guide: webhook, then retrieve user): a card is done when its updatedOn moved past
 * the refresh start. A FAILED card looks like a slow one, so after settleMs the cards still waiting are
 * reported as not refreshed instead of holding the check to its deadline.
 */
export function documentedStatus(
  cards: SpinwheelCreditCard[],
  startedAt: string,
  elapsedMs: number,
  settleMs: number,
): RefreshStatus {
  const updated = cards.filter((c) => updatedSinceStart(c, startedAt));
  const waiting = cards.filter((c) => !updatedSinceStart(c, startedAt) && eligibilityOf(c).eligible);
  // Nothing landed yet is "still running" too: a card may turn NOT_SUPPORTED (budget spent) mid-refresh.
  if ((waiting.length > 0 || updated.length === 0) && elapsedMs < settleMs)
    return { state: 'RUNNING', providerStatus: 'IN_PROGRESS' };
  if (updated.length === 0) {
    return {
      state: 'FAILED',
      providerStatus: 'NOT_CONFIRMED',
      reason: {
        code: 'REFRESH_NOT_CONFIRMED',
        message: `Spinwheel showed no new balance for any card within ${Math.round(settleMs / 1000)} s of the refresh.`,
      },
    };
  }
  const status: RefreshStatus = { state: 'SUCCEEDED', providerStatus: 'COMPLETED' };
  if (waiting.length > 0)
    status.failedAccounts = waiting.map((c) => ({ accountId: c.id, reason: notConfirmed(c.id, settleMs) }));
  return status;
}

export function createSpinwheelProvider(
  client: SpinwheelClient,
  opts: SpinwheelProviderOptions = {},
): BalanceProvider {
  const settleMs = opts.settleMs ?? DEFAULT_REFRESH_SETTLE_MS;
  const now = opts.now ?? Date.now;
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
      // A retry may follow a first attempt whose refresh already ran: its updatedOn counts from then.
      const startedAt =
        req.attempt && req.attempt > 1 && req.firstAttemptAt
          ? req.firstAttemptAt
          : new Date(now()).toISOString();
      const common = {
        // The extRequestId we send, which Spinwheel's webhooks carry back (ProviderEvent.refreshId).
        refreshId: req.refreshKey,
        startedAt,
        polling: SPINWHEEL_POLLING,
        accounts,
      };
      if (eligibleIds.length === 0)
        return { ...common, state: 'NOT_REFRESHABLE', reason: noneEligibleReason(accounts) };
      // refreshKey is deterministic per check: an activity retry replays the same extRequestId,
      // and Spinwheel answers with the existing transaction (or 409) instead of starting a second one.
      await client.refreshLiabilities(req.resource.userId, req.refreshKey, eligibleIds);
      return { ...common, state: 'STARTED' };
    },

    async readRefreshStatus(ref: RefreshRef): Promise<RefreshStatus> {
      // An empty answer from the status endpoint says nothing: the documented read decides then.
      const items = await client.getRefreshStatus(ref.resource.userId, ref.refreshId);
      if (items?.length) return summarizeRefresh(items);
      const user = await client.getUser(ref.resource.userId);
      const cards = selectCards(user.creditCards, ref.accountIds);
      return documentedStatus(cards, ref.startedAt, now() - Date.parse(ref.startedAt), settleMs);
    },

    async listBalances(req: BalancesRequest): Promise<BalancesRead> {
      // With the status endpoint, the transaction's own item statuses say which cards completed;
      // on the documented path a card counts as refreshed when its updatedOn reached the refresh start.
      const read = req.refreshed
        ? await client.getRefreshStatus(req.resource.userId, req.refreshId)
        : undefined;
      const items = read?.length ? read : undefined;
      const user = await client.getUser(req.resource.userId);
      const accounts = selectCards(user.creditCards, req.accountIds).map((card): AccountRead => {
        const { eligible, reason } = eligibilityOf(card);
        const notRefreshed = reason ?? {
          code: 'NOT_REFRESHED',
          message: `Card ${card.id} was not refreshed by this check; the last known balance is shown.`,
        };
        const updatedOn = card.balanceDetails?.updatedOn;
        return {
          balance: normalizeSpinwheelCard(card, 'CACHED'),
          ...(items ? { reported: reportedBy(items, card.id, notRefreshed) } : {}),
          ...(typeof updatedOn === 'number' ? { updatedAtMs: updatedOn } : {}),
          // A FAILED card looks like a slow one on the documented path: not confirmed, or not eligible.
          notUpdated: eligible ? notConfirmed(card.id, settleMs) : notRefreshed,
          notRefreshed,
        };
      });
      return { accounts, timestampGranularityMs: UPDATED_ON_GRANULARITY_MS };
    },
  };
}
