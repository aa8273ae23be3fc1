// Webhook delivery like MX: JSON POST with the receiver's HTTP Basic credentials, retried on failure.
// A failed delivery is logged and dropped; it never throws into the simulator.
import type { WebhookPlan, WebhookTarget } from '../../simulator-kit';
import { mxStatusId } from '../webhook';
import type { SimTimers } from '../../simulator-kit';
import { mxTime, type MemberState } from './store';

/** PROVIDERS.md: MX sends CONNECTION_STATUS only for these (not for FAILED or CONNECTED). */
export const MX_WEBHOOK_STATUSES = new Set([
  'CHALLENGED',
  'DENIED',
  'EXPIRED',
  'IMPAIRED',
  'IMPEDED',
  'LOCKED',
  'PREVENTED',
  'REJECTED',
]);
/**
 * MX retries a failed delivery up to 12 times over about 24 hours (PROVIDERS.md). These are the gaps
 * before each retry at timeScale 1 (≈ 24.3 h in all, growing), multiplied by the simulator's time scale.
 */
export const MX_RETRY_GAPS_MS = [
  30_000, 60_000, 120_000, 300_000, 600_000, 1_200_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000,
  28_800_000, 28_800_000,
];

export class MxWebhookSender {
  plan: WebhookPlan = { mode: 'deliver' };

  constructor(
    private readonly scheduler: SimTimers,
    public target: WebhookTarget | undefined,
    private readonly auth: { username: string; password: string } | undefined,
    private readonly log: (message: string) => void,
    private readonly timeScale = 1,
  ) {}

  balance(m: MemberState, completedAtMs: number): void {
    this.send({
      action: 'member_data_updated',
      type: 'BALANCE',
      member_guid: m.guid,
      user_guid: m.userGuid,
      completed_at: Math.floor(completedAtMs / 1000),
      completed_on: mxTime(completedAtMs).slice(0, 10),
    });
  }

  connectionStatus(m: MemberState): void {
    if (!MX_WEBHOOK_STATUSES.has(m.connection_status)) return;
    this.send({
      action: 'CHANGED',
      type: 'CONNECTION_STATUS',
      member_guid: m.guid,
      user_guid: m.userGuid,
      connection_status: m.connection_status,
      connection_status_id: mxStatusId(m.connection_status),
      connection_status_message: `Connection status ${m.connection_status}`,
    });
  }

  private send(payload: Record<string, unknown>): void {
    const target = this.target;
    if (!target) return;
    switch (this.plan.mode) {
      case 'drop':
        this.log(`mx simulator: dropped ${String(payload.type)} webhook (plan)`);
        return;
      case 'duplicate':
        this.post(target, payload, 1);
        this.post(target, payload, 1);
        return;
      case 'delay':
        this.scheduler.after(this.plan.delayMs ?? 1000, () => this.post(target, payload, 1));
        return;
      default:
        this.post(target, payload, 1);
    }
  }

  private post(target: WebhookTarget, payload: Record<string, unknown>, attempt: number): void {
    if (this.scheduler.isStopped) return;
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (this.auth)
      headers.Authorization = `Basic ${Buffer.from(`${this.auth.username}:${this.auth.password}`).toString('base64')}`;
    const retry = (why: string) => {
      const gap = MX_RETRY_GAPS_MS[attempt - 1];
      if (gap !== undefined)
        this.scheduler.after(gap * this.timeScale, () => this.post(target, payload, attempt + 1));
      else
        this.log(
          `mx simulator: ${String(payload.type)} webhook to ${target.url} failed after ${attempt} attempts: ${why}`,
        );
    };
    void fetch(target.url, {
      method: 'POST',
      headers,
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(5000),
    })
      .then(async (res) => {
        await res.body?.cancel();
        if (!res.ok) retry(`HTTP ${res.status}`);
      })
      .catch((err: Error) => retry(err.message));
  }
}
