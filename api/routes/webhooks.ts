// /webhooks/:provider — each provider's own authentication over the raw bytes, then a signal.
import express, { Router } from 'express';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { balanceCheckWorkflowId, PROVIDER_NAMES, type ProviderName } from '../../contracts/balance-check';
import type { ProviderRegistration } from '../../providers/registration';
import { providerEventSignal } from '../../workflows/definitions';
import { problem } from '../problem';

export type WebhookOutcome = 'signaled' | 'duplicate' | 'ignored' | 'no-check' | 'unauthorized' | 'malformed';

export interface WebhooksDeps {
  client: Client;
  /** Configured providers: their registration and config. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  providers: Partial<Record<ProviderName, { registration: ProviderRegistration<any>; config: unknown }>>;
  bodyLimit?: string;
  log?: (msg: string, fields: Record<string, unknown>) => void;
  onWebhook?: (provider: ProviderName, outcome: WebhookOutcome) => void;
}

/** Remembers recently signaled event ids so a provider's redelivery costs no second signal. */
class RecentIds {
  private readonly ids = new Set<string>();
  constructor(private readonly max = 10_000) {}
  seen(id: string): boolean {
    if (this.ids.has(id)) return true;
    this.ids.add(id);
    if (this.ids.size > this.max) this.ids.delete(this.ids.values().next().value as string);
    return false;
  }
  forget(id: string): void {
    this.ids.delete(id);
  }
}

export function createWebhooksRouter(deps: WebhooksDeps): Router {
  const router = Router();
  const recent = new RecentIds();
  const log = deps.log ?? (() => undefined);
  // Raw bytes: Meld signs the exact body; parse JSON only after authentication.
  router.post('/:provider', express.raw({ type: () => true, limit: deps.bodyLimit ?? '64kb' }), async (req, res) => {
    const name = req.params.provider as ProviderName;
    if (!PROVIDER_NAMES.includes(name)) throw problem(404, 'unknown-provider', 'No webhook endpoint for that provider');
    const configured = deps.providers[name];
    if (!configured) throw problem(404, 'provider-not-configured', `${name} is not configured on this API`);
    const outcome = (o: WebhookOutcome) => deps.onWebhook?.(name, o);
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const auth = configured.registration.authenticateWebhook(configured.config, {
      headers: req.headers,
      rawBody,
      remoteIp: req.socket.remoteAddress,
    });
    if (!auth.ok) {
      outcome('unauthorized');
      throw problem(401, 'webhook-unauthorized', 'Webhook authentication failed', auth.reason);
    }
    let body: unknown;
    try {
      body = JSON.parse(rawBody.toString('utf8'));
    } catch {
      outcome('malformed');
      throw problem(400, 'malformed-json', 'The webhook body is not valid JSON');
    }
    const translated = configured.registration.translateWebhook(body);
    if ('ignored' in translated) {
      outcome('ignored');
      log('webhook ignored', { provider: name, reason: translated.ignored });
      res.status(202).json({ status: 'ignored', reason: translated.ignored });
      return;
    }
    const eventKey = `${name}:${translated.event.eventId}`;
    if (recent.seen(eventKey)) {
      outcome('duplicate');
      res.status(202).json({ status: 'duplicate' });
      return;
    }
    const workflowId = balanceCheckWorkflowId(name, translated.resource);
    try {
      // Signal, don't wait: the workflow decides what the event means.
      await deps.client.workflow.getHandle(workflowId).signal(providerEventSignal, translated.event);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        outcome('no-check');
        log('webhook for a resource with no running check', { provider: name, workflowId, eventId: translated.event.eventId });
        res.status(202).json({ status: 'no-running-check' });
        return;
      }
      recent.forget(eventKey); // let the provider's redelivery try again
      throw problem(503, 'temporal-unavailable', 'Could not deliver the event now; retry later');
    }
    outcome('signaled');
    res.status(204).end();
  });
  return router;
}
