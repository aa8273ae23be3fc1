// The Spinwheel simulator's sandbox: users, cards and refresh transactions keyed by extRequestId.
import { SimTimers } from '../../simulator-kit';
import { UNSUPPORTED_REFRESH_HTTP_STATUS } from '../assumptions';
import type { SpinwheelRefreshStatus } from '../schemas';
import type { SandboxCard } from '../sandbox';
import { sandboxUsers } from '../sandbox';

export interface SimRefreshItem {
  refreshTransactionStatus: SpinwheelRefreshStatus;
  refreshTransactionId: string;
  creditCardId: string;
  nextEligibleRefreshOn: number;
}

export interface SimTransaction {
  userId: string;
  extRequestId: string;
  items: SimRefreshItem[];
}

export type RefreshOutcome = { items: SimRefreshItem[] } | { error: { httpStatus: number; desc: string } };

export class SpinwheelSandboxState {
  private users = sandboxUsers(Date.now());
  private transactions = new Map<string, SimTransaction>();
  private starts = new Map<string, number>();
  /** Pending card refreshes; unref'd, so a simulated job never keeps the process alive. */
  private readonly timers = new SimTimers();
  private nextId = 1;

  /**
   * @param jobDurationMs how long the first card of a transaction takes; later cards take a little
   *   longer each, so status reads can see a partly finished transaction.
   * @param onItemSettled called once per card when it turns COMPLETED or FAILED (webhooks).
   */
  constructor(
    private readonly jobDurationMs: number,
    private readonly onItemSettled: (tx: SimTransaction, item: SimRefreshItem) => void,
  ) {}

  user(userId: string): { userId: string; creditCards: SandboxCard['json'][] } | undefined {
    const cards = this.cardsOf(userId);
    return cards && { userId, creditCards: cards.map((c) => c.json) };
  }

  refreshStarts(userId: string): number {
    return this.starts.get(userId) ?? 0;
  }

  transaction(userId: string, extRequestId: string): SimTransaction | undefined {
    return this.transactions.get(`${userId}|${extRequestId}`);
  }

  /** Starts (or replays, for a known extRequestId) a real-time balance refresh. */
  refresh(userId: string, extRequestId: string, cardIds: string[]): RefreshOutcome {
    const cards = this.cardsOf(userId);
    if (!cards) return { error: { httpStatus: 404, desc: `User ${userId} not found` } };
    // The idempotency key wins over the body: a replay starts nothing (assumptions.ts: ext-request-id-replay).
    const existing = this.transaction(userId, extRequestId);
    if (existing) return { items: existing.items };
    const chosen: SandboxCard[] = [];
    for (const id of cardIds) {
      const card = cards.find((c) => c.json.id === id);
      if (!card)
        return { error: { httpStatus: 400, desc: `Credit card ${id} not found for user ${userId}` } };
      if (!card.refresh) {
        return {
          error: {
            httpStatus: UNSUPPORTED_REFRESH_HTTP_STATUS,
            desc: `Credit card ${id} is not eligible for REALTIME_BALANCE; refresh only SUPPORTED liabilities`,
          },
        };
      }
      chosen.push(card);
    }
    const now = Date.now();
    const tx: SimTransaction = {
      userId,
      extRequestId,
      items: chosen.map((c) => ({
        refreshTransactionStatus: 'IN_PROGRESS',
        refreshTransactionId: `rtx-${this.nextId++}`,
        creditCardId: c.json.id,
        // No refresh budget is simulated (assumptions.ts: no-refresh-budget): eligible again at once.
        nextEligibleRefreshOn: now,
      })),
    };
    this.transactions.set(`${userId}|${extRequestId}`, tx);
    this.starts.set(userId, this.refreshStarts(userId) + 1);
    tx.items.forEach((item, index) => {
      const card = chosen[index]!;
      this.timers.after(this.jobDurationMs * (1 + index / 2), () => this.settle(tx, item, card));
    });
    return { items: tx.items };
  }

  /**
   * Load-test clones: `<sandbox user id>.<n>` (e.g. sw-user-single.17) has fresh copies of that
   * user's cards, so many checks can run at once. Created on first use.
   */
  private cardsOf(userId: string): SandboxCard[] | undefined {
    const found = this.users.get(userId);
    if (found) return found;
    const match = /^([^.]+)\.(\d{1,9})$/.exec(userId);
    const cards = match && this.users.has(match[1]!) ? sandboxUsers(Date.now()).get(match[1]!) : undefined;
    if (cards) this.users.set(userId, cards);
    return cards;
  }

  /** Back to the initial sandbox; pending refreshes are abandoned. */
  reset(): void {
    this.dispose();
    this.users = sandboxUsers(Date.now());
    this.transactions.clear();
    this.starts.clear();
  }

  dispose(): void {
    this.timers.clearAll();
  }

  private settle(tx: SimTransaction, item: SimRefreshItem, card: SandboxCard): void {
    const outcome = card.refresh!;
    item.refreshTransactionStatus = outcome.outcome;
    // FAILED leaves the last balance in place, as Spinwheel documents.
    if (outcome.outcome === 'COMPLETED')
      card.json.balanceDetails = { ...outcome.after, updatedOn: Date.now() };
    this.onItemSettled(tx, item);
  }
}
