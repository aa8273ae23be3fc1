// The API process (`npm run api`): config from env, a Temporal client, the configured providers'
// webhooks, and createApp on API_PORT.
import { Client, Connection } from '@temporalio/client';
import { loadCallbackConfig } from '../callbacks/config';
import { codecFromEnv } from '../codec/from-env';
import { loadTemporalSettings } from '../config/temporal';
import { REGISTRATIONS } from '../providers/registry';
import { createLogger } from '../observability/logger';
import type { ApiDeps } from './app';
import { createApp } from './app';
import { loadApiConfig } from './config';
import { listenGracefully, shutdownGraceMsFromEnv } from './graceful-shutdown';
import { createMemoryIdempotencyStore } from './idempotency';
import { createMemoryRateLimiter } from './rate-limit';
import { RecentEventIds } from './recent-events';
import { apiServerSettings } from './server';
import { openSharedApiState } from './state/open-state';

async function main(): Promise<void> {
  const config = loadApiConfig();
  const logger = createLogger({ name: 'api', level: config.LOG_LEVEL });
  if (config.apiKeys.length === 0) logger.warn('API_KEYS is empty: every /v1 request will be refused (401)');
  const temporal = loadTemporalSettings();
  const connection = await Connection.connect(temporal.connectionOptions);
  // Same codec as the worker: payloads are ciphertext in history, the API reads them in clear.
  const client = new Client({
    connection,
    namespace: temporal.namespace,
    dataConverter: codecFromEnv().dataConverter,
  });

  // Replicas share idempotency records, rate-limit buckets and webhook dedupe through API_STATE_URL.
  const state = config.API_STATE_URL ? await openSharedApiState(config.API_STATE_URL, logger) : undefined;

  const webhookProviders: ApiDeps['webhookProviders'] = {};
  for (const registration of Object.values(REGISTRATIONS)) {
    const providerConfig = registration.configFromEnv(process.env);
    if (providerConfig) webhookProviders[registration.name] = { registration, config: providerConfig };
  }

  const graceMs = shutdownGraceMsFromEnv();
  // Shared by every handler this process builds (one per listen): bounded, in memory.
  const idempotency = createMemoryIdempotencyStore({
    maxEntries: config.API_IDEMPOTENCY_MAX_ENTRIES,
    maxEntriesPerOwner: config.API_IDEMPOTENCY_MAX_PER_KEY,
  });
  const recentEvents = new RecentEventIds({
    maxEntries: config.API_EVENT_DEDUPE_MAX_ENTRIES,
    maxPerCheck: config.API_EVENT_DEDUPE_MAX_PER_CHECK,
  });
  const rateLimiter = createMemoryRateLimiter(Date.now, config.API_RATE_LIMIT_MAX_BUCKETS);
  const callbacks = loadCallbackConfig();
  const createHandler = (draining: AbortSignal) =>
    createApp({
      client,
      draining,
      webhookProviders,
      apiKeys: config.apiKeys,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      logger,
      ratePerMinute: config.API_RATE_LIMIT_PER_MINUTE,
      jsonBodyLimitBytes: config.API_JSON_BODY_LIMIT_BYTES,
      webhookBodyLimitBytes: config.API_WEBHOOK_BODY_LIMIT_BYTES,
      updateDeadlineMs: config.API_MFA_DEADLINE_MS,
      // Paced provider calls (worker/provider-workers.ts): every worker polls the provider queues.
      providerTaskQueues: process.env.PROVIDER_TASK_QUEUES === 'on',
      callbacks,
      // Replicas share idempotency records, rate-limit buckets and webhook dedupe (API_STATE_URL).
      ...(state
        ? { idempotency: state.idempotency, sharedRateLimiter: state.rateLimiter, eventIds: state.eventIds }
        : { idempotency, recentEvents, rateLimiter }),
    });
  const settings = apiServerSettings(config);
  const http = await listenGracefully(createHandler, {
    port: config.API_PORT,
    host: config.API_HOST,
    graceMs,
    settings,
    logger,
  });
  logger.info(
    {
      port: http.port,
      temporal: temporal.address,
      namespace: temporal.namespace,
      providers: Object.keys(webhookProviders),
      apiKeys: config.apiKeys.map((k) => k.name),
      server: settings,
      state: state ? 'shared (API_STATE_URL)' : 'memory',
    },
    'API listening',
  );
  // SIGTERM: no new requests (503 on open connections), long-polls answer 202 + Location, in-flight
  // requests get API_SHUTDOWN_GRACE_MS, then the process exits.
  const stop = () => {
    logger.info({ graceMs }, 'API stopping');
    void http
      .stop()
      .then(({ forced }) => {
        logger.info({ forced }, 'API stopped');
        return Promise.allSettled([connection.close(), state?.close()]);
      })
      .finally(() => process.exit(0));
    setTimeout(() => process.exit(1), graceMs + 5_000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
