// The HTTP API: receives a Temporal client (it does not create one) and the configured providers.
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Client } from '@temporalio/client';
import { problem, problemHandler } from './problem';
import { createChecksRouter, type ChecksDeps } from './routes/checks';
import { createHealthRouter } from './routes/health';
import { createWebhooksRouter, type WebhooksDeps } from './routes/webhooks';

export interface ApiDeps {
  client: Client;
  taskQueue?: string;
  webhookProviders: WebhooksDeps['providers'];
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  updateDeadlineMs?: ChecksDeps['updateDeadlineMs'];
}

export function createApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(helmet());
  app.use(createHealthRouter(deps.client));
  app.use('/webhooks', createWebhooksRouter({ client: deps.client, providers: deps.webhookProviders, log: deps.log }));
  app.use('/v1/balance-checks', express.json({ limit: '32kb', strict: true }), createChecksRouter(deps));
  app.use((_req, _res, next) => next(problem(404, 'not-found', 'No such endpoint')));
  app.use(problemHandler((msg, err) => (deps.log ?? console.error)(msg, { error: String((err as Error)?.stack ?? err) })));
  return app;
}
