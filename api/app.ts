// The HTTP API. createApp(deps) is the one constructor: api/main.ts, the sandbox stack and the tests
// all build the app through it. It receives a Temporal client (it never creates one).
import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { TASK_QUEUE } from '../contracts/balance-check';
import { createLogger } from '../observability/logger';
import {
  createApiMetrics,
  metricsHandler,
  metricsMiddleware,
  type ApiMetrics,
} from '../observability/api-metrics';
import { authenticate, type ApiKey } from './auth';
import { createMemoryIdempotencyStore, type IdempotencyStore } from './idempotency';
import { buildOpenApiDocument } from './openapi';
import { problem, problemHandler } from './problem';
import { createMemoryRateLimiter, rateLimitByKey, type RateLimiter } from './rate-limit';
import { RecentEventIds } from './recent-events';
import { requestContext } from './request-id';
import { createCheckEventsRouter } from './routes/check-events';
import { createCheckMfaRouter } from './routes/check-mfa';
import { createBatchesRouter } from './routes/batches';
import { createChecksRouter } from './routes/checks';
import { createSchedulesRouter } from './routes/schedules';
import { createDocsRouter } from './routes/docs';
import { createHealthRouter } from './routes/health';
import { createWebhooksRouter, type WebhooksDeps } from './routes/webhooks';

export interface ApiDeps {
  /** Connected Temporal client; the API starts, queries, signals, updates and cancels through it. */
  client: Client;
  /** Providers whose webhooks this API accepts (registration + its config from env). */
  webhookProviders: WebhooksDeps['providers'];
  /** Who may call /v1 (parseApiKeys(API_KEYS)); an empty list locks /v1 (every call 401). */
  apiKeys: readonly ApiKey[];
  /** Task queue balanceCheck workflows start on (default contracts' TASK_QUEUE). */
  taskQueue?: string;
  /** JSON logger (pino); default: createLogger({ name: 'api' }) to stdout. */
  logger?: Logger;
  /** Prometheus metrics served at /metrics; default: a fresh registry. */
  metrics?: ApiMetrics;
  /** Idempotency-Key records; default in memory (one replica — use a shared store for several). */
  idempotency?: IdempotencyStore;
  /** Per-key rate limiter; default in memory. */
  rateLimiter?: RateLimiter;
  /** Requests per minute per API key unless the key sets its own (default 600). */
  ratePerMinute?: number;
  /** Largest JSON body on /v1 in bytes (default 32 KiB); larger → 413. */
  jsonBodyLimitBytes?: number;
  /** Largest webhook body in bytes (default 64 KiB); larger → 413. */
  webhookBodyLimitBytes?: number;
  /**
   * Checks call providers on per-provider activity task queues, paced fleet-wide by their workers'
   * maxTaskQueueActivitiesPerSecond (worker/provider-workers.ts); only with workers polling them.
   */
  providerTaskQueues?: boolean;
  /** Bound on the MFA Update so a missing worker answers 503 (default 15 s). */
  updateDeadlineMs?: number;
}

export function createApp(deps: ApiDeps): Express {
  const logger = deps.logger ?? createLogger({ name: 'api' });
  const metrics = deps.metrics ?? createApiMetrics();
  const { client } = deps;
  const recent = new RecentEventIds();
  const idempotency = deps.idempotency ?? createMemoryIdempotencyStore();
  const rateLimiter = deps.rateLimiter ?? createMemoryRateLimiter();

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(metricsMiddleware(metrics)); // first, so every answer (401, 413, 429 …) is counted
  app.use(requestContext(logger));
  app.use(helmet());
  app.use(createHealthRouter(client));
  app.get('/metrics', metricsHandler(metrics));
  app.use(createDocsRouter(buildOpenApiDocument()));
  // Each mount answers its own errors, so metrics still see the matched route template (req.baseUrl).
  const problems = problemHandler(logger);
  app.use(
    '/webhooks',
    createWebhooksRouter({
      client,
      providers: deps.webhookProviders,
      owners: [...new Set(deps.apiKeys.map((k) => k.owner))],
      recent,
      bodyLimit: deps.webhookBodyLimitBytes ?? 64 * 1024,
      onWebhook: (provider, outcome) => metrics.webhooksReceived.inc({ provider, outcome }),
    }),
    problems,
  );
  app.use(
    '/v1/balance-checks',
    authenticate(deps.apiKeys),
    rateLimitByKey(rateLimiter, deps.ratePerMinute ?? 600),
    requireJsonBody,
    express.json({ limit: deps.jsonBodyLimitBytes ?? 32 * 1024, strict: true }),
    createChecksRouter({
      client,
      taskQueue: deps.taskQueue ?? TASK_QUEUE,
      idempotency,
      onCheckStarted: (provider) => metrics.checksStarted.inc({ provider }),
      providerTaskQueues: deps.providerTaskQueues,
    }),
    createCheckMfaRouter({ client, updateDeadlineMs: deps.updateDeadlineMs }),
    createCheckEventsRouter({ client, recent }),
    problems,
  );
  app.use(
    '/v1/balance-check-batches',
    authenticate(deps.apiKeys),
    rateLimitByKey(rateLimiter, deps.ratePerMinute ?? 600),
    requireJsonBody,
    createBatchesRouter({
      client,
      taskQueue: deps.taskQueue ?? TASK_QUEUE,
      idempotency,
      providerTaskQueues: deps.providerTaskQueues,
    }),
    problems,
  );
  app.use(
    '/v1/balance-check-schedules',
    authenticate(deps.apiKeys),
    rateLimitByKey(rateLimiter, deps.ratePerMinute ?? 600),
    requireJsonBody,
    createSchedulesRouter({
      client,
      taskQueue: deps.taskQueue ?? TASK_QUEUE,
      providerTaskQueues: deps.providerTaskQueues,
    }),
    problems,
  );
  app.use((_req, _res, next) => next(problem(404, 'not-found', 'No such endpoint')));
  app.use(problems);
  return app;
}

/** A body that is not JSON is a 415, not a confusing "expected object". */
const requireJsonBody: RequestHandler = (req, _res, next) => {
  const hasBody =
    req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] ?? '0') !== '0';
  if (hasBody && !req.is('application/json')) {
    throw problem(
      415,
      'unsupported-media-type',
      'Send the body as application/json',
      `Content-Type was ${req.get('content-type') ?? 'missing'}`,
    );
  }
  next();
};
