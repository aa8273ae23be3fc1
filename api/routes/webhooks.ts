// /webhooks/:provider — each provider's own authentication over the raw bytes, then a signal.
import express, { type Request, type Response, Router } from 'express';
import type { Client } from '@temporalio/client';
import type { ProviderName, ResourceRef } from '../../contracts/balance-check';
import type { ProviderRegistration } from '../../providers/registration';
import { deliverToOwners } from '../deliver-event';
import { JsonTooDeepError, parseJsonBytes } from '../json-body';
import { problem } from '../problem';
import { ProviderId } from '../schemas';
import type { EventIdDedupe } from '../state/types';
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
  recent: EventIdDedupe;
  /** Bytes or an express size string (default 64 KiB); larger bodies get 413 (at once when given in bytes and declared by Content-Length). */
  bodyLimit?: string | number;
  onWebhook?: (provider: ProviderName, outcome: WebhookOutcome) => void;
}

interface WebhookTarget {
  name: ProviderName;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  configured: { registration: ProviderRegistration<any>; config: unknown };
  authenticated: boolean;
}

export function createWebhooksRouter(deps: WebhooksDeps): Router {
  const router = Router();
  const { recent } = deps;
  const limit = deps.bodyLimit ?? 64 * 1024;
  const authenticate = (target: WebhookTarget, req: Request, res: Response, rawBody: Buffer) => {
    const auth = target.configured.registration.authenticateWebhook(target.configured.config, {
      headers: req.headers,
      rawBody,
      remoteIp: req.socket.remoteAddress,
    });
    if (auth.ok) return;
    deps.onWebhook?.(target.name, 'unauthorized');
    requestLog(res).warn({ provider: target.name, reason: auth.reason }, 'webhook authentication failed');
    // Close rather than drain: whatever body is still coming is not read.
    res.set('Connection', 'close');
    throw problem(401, 'webhook-unauthorized', 'Webhook authentication failed', auth.reason);
  };

  router.post(
    '/:provider',
    (req, res, next) => {
      const name = req.params.provider as ProviderName;
      res.set('Connection', 'close'); // rejected before the body is read: do not drain it
      if (!Object.hasOwn(deps.providers, name))
        throw problem(404, 'unknown-provider', 'No webhook endpoint for that provider');
      const configured = deps.providers[name];
      if (!configured) throw problem(404, 'provider-not-configured', `${name} is not configured on this API`);
      const target: WebhookTarget = { name, configured, authenticated: false };
      // Header-only authentication (registration.webhookAuthInHeaders) runs before a byte of the body is
      // read, so an unauthenticated sender cannot hold a socket with a slow body or make us buffer it.
      if (configured.registration.webhookAuthInHeaders) {
        authenticate(target, req, res, Buffer.alloc(0));
        target.authenticated = true;
      }
      // A declared length over the limit is refused now: body-parser would first read (drain) it all.
      const declared = Number(req.headers['content-length']);
      if (typeof limit === 'number' && declared > limit)
        throw problem(413, 'too-large', 'The request body is too large');
      res.removeHeader('Connection');
      res.locals.webhook = target;
      next();
    },
    // Raw bytes: Meld signs the exact body; parse JSON only after authentication. Bounded by size here
    // and in time by the server's requestTimeout.
    express.raw({ type: () => true, limit }),
    async (req, res) => {
      const target = res.locals.webhook as WebhookTarget;
      const { name } = target;
      const outcome = (o: WebhookOutcome) => deps.onWebhook?.(name, o);
      const log = requestLog(res);
      const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (!target.authenticated) authenticate(target, req, res, rawBody);
      let body: unknown;
      try {
        body = parseJsonBytes(rawBody);
      } catch (err) {
        outcome('malformed');
        throw problem(
          400,
          'malformed-json',
          'The webhook body is not valid JSON',
          err instanceof JsonTooDeepError ? err.message : undefined,
        );
      }
      let translated: ReturnType<ProviderRegistration<unknown>['translateWebhook']>;
      try {
        translated = target.configured.registration.translateWebhook(body);
      } catch (err) {
        // An authenticated body the translation cannot handle (e.g. a date out of range): the provider
        // sent something odd, not something we failed at. Acknowledge it so it is not redelivered.
        const why = err instanceof Error ? err.message : String(err);
        translated = { ignored: `untranslatable body: ${why.slice(0, 200)}` };
      }
      if (!('ignored' in translated) && !isCheckResource(translated.resource)) {
        // Checks are only started for ids of this shape, so no check can be waiting for this one.
        translated = { ignored: 'resource ids are not ones a balance check can have' };
      }
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

function isCheckResource(resource: ResourceRef): boolean {
  return (
    ProviderId.safeParse(resource.userId).success &&
    (resource.memberId === undefined || ProviderId.safeParse(resource.memberId).success)
  );
}
