// /webhooks/:provider — each provider's own authentication over the raw bytes, then a signal.
import express, { Router } from 'express';
import type { Client } from '@temporalio/client';
import { PROVIDER_NAMES, type ProviderName } from '../../contracts/balance-check';
import type { ProviderRegistration } from '../../providers/registration';
import { deliverToOwners } from '../deliver-event';
import { problem } from '../problem';
import type { RecentEventIds } from '../recent-events';
import { requestLog } from '../request-id';

export type WebhookOutcome = 'signaled' | 'duplicate' | 'ignored' | 'no-check' | 'unauthorized' | 'malformed';

export interface WebhooksDeps {
  client: Client;
  /** Configured providers: their registration and config. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  providers: Partial<Record<ProviderName, { registration: ProviderRegistration<any>; config: unknown }>>;
  /** Owners whose checks a webhook may concern (the configured API keys' owners). */
  owners: readonly string[];
  /** Shared with /v1/balance-checks/{id}/events: one event id, one signal. */
  recent: RecentEventIds;
  /** Bytes or an express size string (default 64kb); larger bodies get 413. */
  bodyLimit?: string | number;
  onWebhook?: (provider: ProviderName, outcome: WebhookOutcome) => void;
}

export function createWebhooksRouter(deps: WebhooksDeps): Router {
  const router = Router();
  const { recent } = deps;
  // Raw bytes: Meld signs the exact body; parse JSON only after authentication.
  router.post(
    '/:provider',
    express.raw({ type: () => true, limit: deps.bodyLimit ?? '64kb' }),
    async (req, res) => {
      const name = req.params.provider as ProviderName;
      if (!PROVIDER_NAMES.includes(name))
        throw problem(404, 'unknown-provider', 'No webhook endpoint for that provider');
      const configured = deps.providers[name];
      if (!configured) throw problem(404, 'provider-not-configured', `${name} is not configured on this API`);
      const outcome = (o: WebhookOutcome) => deps.onWebhook?.(name, o);
      const log = requestLog(res);
      const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const auth = configured.registration.authenticateWebhook(configured.config, {
        headers: req.headers,
        rawBody,
        remoteIp: req.socket.remoteAddress,
      });
      if (!auth.ok) {
        outcome('unauthorized');
        log.warn({ provider: name, reason: auth.reason }, 'webhook authentication failed');
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
        log.info({ provider: name, reason: translated.ignored }, 'webhook ignored');
        res.status(202).json({ status: 'ignored', reason: translated.ignored });
        return;
      }
      let delivery;
      try {
        delivery = await deliverToOwners(
          deps.client,
          recent,
          deps.owners,
          name,
          translated.resource,
          translated.event,
        );
      } catch (err) {
        log.error({ provider: name, err }, 'webhook delivery failed');
        throw unavailable();
      }
      if (delivery === 'duplicate') {
        outcome('duplicate');
        res.status(202).json({ status: 'duplicate' });
        return;
      }
      if (delivery === 'no-check') {
        outcome('no-check');
        log.info(
          { provider: name, resource: translated.resource, eventId: translated.event.eventId },
          'webhook for a resource with no running check',
        );
        res.status(202).json({ status: 'no-running-check' });
        return;
      }
      outcome('signaled');
      res.status(204).end();
    },
  );
  return router;

  function unavailable() {
    return problem(
      503,
      'temporal-unavailable',
      'Could not deliver the event now; retry later',
      undefined,
      {},
      { 'Retry-After': '5' },
    );
  }
}
