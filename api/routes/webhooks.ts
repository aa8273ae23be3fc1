// /webhooks/:provider — each provider's own authentication over the raw bytes, then a signal.
import express, { Router } from 'express';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { balanceCheckWorkflowId, type ProviderName } from '../../contracts/balance-check';
import type { ProviderRegistration } from '../../providers/registration';
import { providerEventSignal } from '../../workflows/definitions';
import { problem } from '../problem';
import type { RecentEventIds } from '../recent-events';
import { requestLog } from '../request-id';
import { withTemporalDeadline } from '../temporal-deadline';

export type WebhookOutcome = 'signaled' | 'duplicate' | 'ignored' | 'no-check' | 'unauthorized' | 'malformed';

export interface WebhooksDeps {
  client: Client;
  /** Configured providers: their registration and config. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  providers: Partial<Record<ProviderName, { registration: ProviderRegistration<any>; config: unknown }>>;
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
      if (!Object.hasOwn(deps.providers, name))
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
      const workflowId = balanceCheckWorkflowId(name, translated.resource);
      const noCheck = () => {
        outcome('no-check');
        log.info(
          { provider: name, workflowId, eventId: translated.event.eventId },
          'webhook for a resource with no running check',
        );
        res.status(202).json({ status: 'no-running-check' });
      };
      let runId: string;
      try {
        // The running check's run: dedupe is per check, since a new check of the same resource may see
        // an event that looks exactly like one an earlier check saw (MX bodies carry no timestamp).
        const description = await withTemporalDeadline(deps.client, () =>
          deps.client.workflow.getHandle(workflowId).describe(),
        );
        if (description.status.name !== 'RUNNING') return noCheck();
        runId = description.runId;
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return noCheck();
        log.error({ provider: name, workflowId, err }, 'webhook delivery failed');
        throw unavailable();
      }
      const eventKey = `${runId}:${translated.event.eventId}`;
      if (recent.seen(eventKey)) {
        outcome('duplicate');
        res.status(202).json({ status: 'duplicate' });
        return;
      }
      try {
        // Signal, don't wait: the workflow decides what the event means.
        await withTemporalDeadline(deps.client, () =>
          deps.client.workflow.getHandle(workflowId, runId).signal(providerEventSignal, translated.event),
        );
      } catch (err) {
        recent.forget(eventKey); // let the provider's redelivery try again
        if (err instanceof WorkflowNotFoundError) return noCheck(); // it just closed
        log.error({ provider: name, workflowId, err }, 'webhook delivery failed');
        throw unavailable();
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
