// The HTTP API. createApp(deps) is the one constructor: api/main.ts, the sandbox stack and the tests
// all build the app through it. It receives a Temporal client (it never creates one).
import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { TASK_QUEUE } from '../contracts/balance-check';
import type { AnyProviderRegistration } from '../providers/registration';
import { REGISTRATIONS } from '../providers/registry';
import { createLogger } from '../observability/logger';
import {
  createApiMetrics,
  metricsHandler,
  metricsMiddleware,
  type ApiMetrics,
} from '../observability/api-metrics';
import { authenticate, type ApiKey } from './auth';
import type { CallbackApiConfig } from './callbacks/callback-target';
import { createMemoryIdempotencyStore, type IdempotencyStore } from './idempotency';
import { jsonBody } from './json-body';
import { allowedMethods, buildOpenApiDocument } from './openapi';
import { batchSchemas } from './batch-schemas';
import { requestSchemas } from './schemas';
import { problem, problemHandler } from './problem';
import { createMemoryRateLimiter, rateLimitByKey, type RateLimiter } from './rate-limit';
import { RecentEventIds } from './recent-events';
import type { EventIdDedupe, SharedRateLimiter } from './state/types';
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
  /**
   * Providers a check may name (the request schemas and the OpenAPI document are built from them);
   * default every registered provider (providers/registry.ts).
   */
  providers?: readonly AnyProviderRegistration[];
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
  /** Recently signaled event ids (webhook/relay dedupe); default in memory with its default caps. */
  recentEvents?: RecentEventIds;
  /** Per-key rate limiter; default in memory. */
  rateLimiter?: RateLimiter;
  /** A limiter shared by replicas (API_STATE_URL); used instead of rateLimiter when set. */
  sharedRateLimiter?: SharedRateLimiter;
  /** Provider event ids already signaled; default in memory (per replica), shared with API_STATE_URL. */
  eventIds?: EventIdDedupe;
  /** Requests per minute per API key unless the key sets its own (default 600). */
  ratePerMinute?: number;
  /** Largest JSON body on /v1 in bytes (default 32 KiB); larger → 413. */
  jsonBodyLimitBytes?: number;
  /** Largest batch body in bytes (default 8 MiB: 10,000 items); larger → 413. */
  batchBodyLimitBytes?: number;
  /** Largest webhook body in bytes (default 64 KiB); larger → 413. */
  webhookBodyLimitBytes?: number;
  /**
   * Checks call providers on per-provider activity task queues, paced fleet-wide by their workers'
   * maxTaskQueueActivitiesPerSecond (worker/provider-workers.ts); only with workers polling them.
   */
  providerTaskQueues?: boolean;
  /** Bound on the MFA Update so a missing worker answers 503 (default 15 s). */
  updateDeadlineMs?: number;
  /** Callback endpoints and allow-lists per API key (loadCallbackConfig); absent: no callbacks. */
  callbacks?: CallbackApiConfig;
  /** Aborted when the process starts shutting down (api/graceful-shutdown.ts): `Prefer: wait` answers 202. */
  draining?: AbortSignal;
}

export function createApp(deps: ApiDeps): Express {
  const logger = deps.logger ?? createLogger({ name: 'api' });
  const metrics = deps.metrics ?? createApiMetrics();
  const { client } = deps;
  const recent: EventIdDedupe = deps.eventIds ?? deps.recentEvents ?? new RecentEventIds();
  const registrations = deps.providers ?? Object.values(REGISTRATIONS);
  const schemas = requestSchemas(registrations);
  const batches = batchSchemas(registrations);
  const idempotency = deps.idempotency ?? createMemoryIdempotencyStore();
  // One limiter for every /v1 mount: a key's budget is shared by checks, batches and schedules.
  const rateLimit = rateLimitByKey(
    deps.sharedRateLimiter ?? deps.rateLimiter ?? createMemoryRateLimiter(),
    deps.ratePerMinute ?? 600,
  );

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(metricsMiddleware(metrics)); // first, so every answer (401, 413, 429 …) is counted
  app.use(requestContext(logger));
  app.use(helmet());
  const document = buildOpenApiDocument(registrations, schemas, batches);
  app.use(methodNotAllowed(allowedMethods(document)));
  app.use(createHealthRouter(client));
  app.get('/metrics', metricsHandler(metrics));
  app.use(createDocsRouter(document));
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
    rateLimit,
    requireJsonBody,
    // Any JSON value (e.g. `null`) is valid JSON: the schema answers 422, not the parser 400.
    jsonBody({ limit: deps.jsonBodyLimitBytes ?? 32 * 1024, strict: false }),
    createChecksRouter({
      client,
      taskQueue: deps.taskQueue ?? TASK_QUEUE,
      idempotency,
      startCheckBody: schemas.startCheck,
      onCheckStarted: (provider) => metrics.checksStarted.inc({ provider }),
      providerTaskQueues: deps.providerTaskQueues,
      callbacks: deps.callbacks,
      draining: deps.draining,
    }),
    createCheckMfaRouter({ client, updateDeadlineMs: deps.updateDeadlineMs }),
    createCheckEventsRouter({ client, recent, checkEventBody: schemas.checkEvent }),
    problems,
  );
  app.use(
    '/v1/balance-check-batches',
    authenticate(deps.apiKeys),
    rateLimit,
    requireJsonBody,
    // Up to 10,000 items of a few hundred bytes each.
    jsonBody({ limit: deps.batchBodyLimitBytes ?? 8 * 1024 * 1024, strict: false }),
    createBatchesRouter({
      client,
      taskQueue: deps.taskQueue ?? TASK_QUEUE,
      idempotency,
      startBatchBody: batches.startBatch,
      callbacks: deps.callbacks,
      providerTaskQueues: deps.providerTaskQueues,
    }),
    problems,
  );
  app.use(
    '/v1/balance-check-schedules',
    authenticate(deps.apiKeys),
    rateLimit,
    requireJsonBody,
    // A schedule carries up to 1,000 items.
    jsonBody({ limit: 2 * 1024 * 1024, strict: false }),
    createSchedulesRouter({
      client,
      taskQueue: deps.taskQueue ?? TASK_QUEUE,
      startScheduleBody: batches.startSchedule,
      callbacks: deps.callbacks,
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

/** A documented path asked with a method it does not serve: 405 with the methods it does (RFC 9110). */
function methodNotAllowed(routes: ReturnType<typeof allowedMethods>): RequestHandler {
  return (req, res, next) => {
    const route = routes.find((r) => r.path.test(req.path));
    if (!route || route.allow.includes(req.method)) return next();
    const allow = route.allow.join(', ');
    if (req.method === 'OPTIONS') return void res.status(204).set('Allow', allow).end();
    throw problem(
      405,
      'method-not-allowed',
      'This path does not serve that method',
      `${req.method} is not one of ${allow}`,
      {},
      { Allow: allow },
    );
  };
}
