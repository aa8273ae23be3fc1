// REFRESH_TRANSACTION_STATUS webhooks from the simulator, following the test's WebhookPlan.
// A failing POST (receiver down, slow, 500) is swallowed: it must never crash the simulator.
import { SimTimers, type WebhookPlan, type WebhookTarget } from '../../simulator-kit';
import { REFRESH_WEBHOOK_EVENT_TYPE } from '../assumptions';
import type { SpinwheelAssumptionModes } from './modes';
import type { SimRefreshItem, SimTransaction } from './state';

export interface WebhookHeader {
  name: string;
  value: string;
}

const POST_TIMEOUT_MS = 5000;

export class SpinwheelWebhookSender {
  plan: WebhookPlan = { mode: 'deliver' };
  private readonly timers = new SimTimers();
  private nextId = 1;
  /** Deliveries attempted and how they ended, for tests and debugging. */
  readonly deliveries: { webhookId: string; status: number | 'error' }[] = [];

  constructor(
    public target: WebhookTarget | undefined,
    private readonly header: WebhookHeader | undefined,
    private readonly modes: () => SpinwheelAssumptionModes,
  ) {}

  /** IN_PROGRESS for a card whose refresh just started (guide: the webhook's three statuses). */
  refreshItemStarted(tx: SimTransaction, item: SimRefreshItem): void {
    if (this.modes().inProgressWebhooks) this.send(tx, item, 'IN_PROGRESS');
  }

  /** One webhook per settled card (assumptions.ts: webhook-data-shape). */
  refreshItemSettled(tx: SimTransaction, item: SimRefreshItem): void {
    this.send(tx, item, item.refreshTransactionStatus);
  }

  private send(
    tx: SimTransaction,
    item: SimRefreshItem,
    status: SimRefreshItem['refreshTransactionStatus'],
  ): void {
    const body = {
      webhookId: `wh-${this.nextId++}`,
      subscriptionId: 'sub-sandbox',
      eventType: REFRESH_WEBHOOK_EVENT_TYPE,
      userId: tx.userId,
      data: {
        ...(this.modes().webhookExtRequestId ? { extRequestId: tx.extRequestId } : {}),
        refreshTransactionId: item.refreshTransactionId,
        refreshTransactionStatus: status,
        creditCardId: item.creditCardId,
      },
    };
    switch (this.plan.mode) {
      case 'drop':
        return;
      case 'duplicate':
        // The same webhookId twice, as a provider retry would look.
        this.post(body);
        this.post(body);
        return;
      case 'delay':
        this.timers.after(this.plan.delayMs ?? 0, () => this.post(body));
        return;
      case 'deliver':
        this.post(body);
    }
  }

  dispose(): void {
    this.timers.clearAll();
  }

  private post(body: { webhookId: string }): void {
    const target = this.target;
    if (!target) return;
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (this.header) headers[this.header.name] = this.header.value;
    fetch(target.url, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(POST_TIMEOUT_MS),
    })
      .then(async (res) => {
        await res.arrayBuffer();
        this.deliveries.push({ webhookId: body.webhookId, status: res.status });
      })
      .catch(() => this.deliveries.push({ webhookId: body.webhookId, status: 'error' }));
  }
}
