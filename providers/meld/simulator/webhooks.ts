// Sends Meld webhooks the way Meld does: compact JSON, signed over timestamp.url.rawBody with the
// profile secret (headers meld-signature, meld-signature-timestamp), honouring the WebhookPlan.
import type { WebhookPlan, WebhookTarget } from '../../simulator-kit';
import { MELD_SIGNATURE_HEADER, MELD_TIMESTAMP_HEADER, signMeldWebhook } from '../signature';
import { meldId, type SimConnection } from './state';
import type { SimTimers } from '../../simulator-kit';

export interface MeldWebhookSenderOptions {
  secret: string;
  /** The public URL Meld signs; defaults to the target URL. */
  signedUrl?: string;
  meldAccountId: string;
  profileId: string;
  timers: SimTimers;
}

export class MeldWebhookSender {
  target: WebhookTarget | undefined;
  plan: WebhookPlan = { mode: 'deliver' };
  /** Delivery attempts that failed (refused, timed out, non-2xx): counted, never thrown. */
  failures = 0;
  delivered = 0;

  constructor(private readonly opts: MeldWebhookSenderOptions) {}

  /** Queues one event about a connection; returns its eventId (undefined when nothing is sent). */
  send(
    eventType: string,
    connection: SimConnection,
    payload: Record<string, unknown> = {},
  ): string | undefined {
    const target = this.target;
    if (!target || !connection.sandbox.webhooks || this.plan.mode === 'drop') return undefined;
    const eventId = meldId();
    const body = Buffer.from(
      JSON.stringify({
        eventType,
        eventId,
        timestamp: new Date().toISOString(),
        accountId: this.opts.meldAccountId,
        profileId: this.opts.profileId,
        version: '2021-10-27',
        payload: {
          customerId: connection.customerId,
          externalCustomerId: connection.externalCustomerId,
          connectionId: connection.id,
          institutionId: connection.institutionId,
          institutionName: connection.institutionName,
          serviceProviderDetails: { serviceProvider: 'SIMULATOR' },
          ...payload,
        },
      }),
    );
    const post = () => void this.post(target, body);
    if (this.plan.mode === 'delay') this.opts.timers.after(this.plan.delayMs ?? 1000, post);
    else post();
    // A duplicate is Meld retrying the same event: same eventId, same body, freshly signed.
    if (this.plan.mode === 'duplicate') post();
    return eventId;
  }

  private async post(target: WebhookTarget, body: Buffer): Promise<void> {
    const timestamp = new Date().toISOString();
    const url = this.opts.signedUrl ?? target.url;
    try {
      const res = await fetch(target.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          [MELD_SIGNATURE_HEADER]: signMeldWebhook({
            secret: this.opts.secret,
            timestamp,
            url,
            rawBody: body,
          }),
          [MELD_TIMESTAMP_HEADER]: timestamp,
        },
        body,
        signal: AbortSignal.timeout(5000),
      });
      await res.arrayBuffer();
      if (res.ok) this.delivered += 1;
      else this.failures += 1;
    } catch {
      // A receiver that is down must never take the simulator with it.
      this.failures += 1;
    }
  }
}
