// The API process (`npm run api`): config from env, a Temporal client, the configured providers'
// webhooks, and createApp on API_PORT.
import { Client, Connection } from '@temporalio/client';
import { codecFromEnv } from '../codec/from-env';
import { loadTemporalSettings } from '../config/temporal';
import { REGISTRATIONS } from '../providers/registry';
import { createLogger } from '../observability/logger';
import type { ApiDeps } from './app';
import { createApp } from './app';
import { loadApiConfig } from './config';

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

  const webhookProviders: ApiDeps['webhookProviders'] = {};
  for (const registration of Object.values(REGISTRATIONS)) {
    const providerConfig = registration.configFromEnv(process.env);
    if (providerConfig) webhookProviders[registration.name] = { registration, config: providerConfig };
  }

  const app = createApp({
    client,
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
  });
  const server = app.listen(config.API_PORT, config.API_HOST, () => {
    logger.info(
      {
        port: config.API_PORT,
        temporal: temporal.address,
        namespace: temporal.namespace,
        providers: Object.keys(webhookProviders),
        apiKeys: config.apiKeys.map((k) => k.name),
      },
      'API listening',
    );
  });
  const stop = () => {
    logger.info('API stopping');
    server.close(() => void connection.close().finally(() => process.exit(0)));
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
