// `npm run worker`: the balance-check worker for a real deployment. Everything comes from env:
// providers (each registration's envDoc), Temporal (envconfig), codec keys, metrics, tracing.
// See docs/OPERATIONS.md and docs/DEPLOYS.md. SIGINT/SIGTERM drain it (the SDK Runtime's default
// shutdown signals): polling stops, running activities get WORKER_SHUTDOWN_GRACE_MS, then it exits.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { prettifyError, ZodError } from 'zod';
import { loadCallbackConfig } from '../callbacks/config';
import { AesGcmPayloadCodec } from '../codec/aes-gcm-codec';
import { createDataConverter } from '../codec/data-converter';
import { codecRejectsPlaintext } from '../codec/from-env';
import { CodecKeyConfigError, loadCodecKeys } from '../codec/keys';
import { loadTemporalSettings } from '../config/temporal';
import { loadWorkerSettings } from '../config/worker';
import { loadWorkerDeploymentSettings } from '../config/worker-deployment';
import { createLogger } from '../observability/logger';
import { installWorkerRuntime } from '../observability/worker-telemetry';
import { createProviderRegistry } from '../providers/registry';
import { createBatchItemsWorker } from './batch-worker';
import { createBalanceCheckWorker } from './create-worker';
import { createProviderWorkers, maxCallsPerSecondFromEnv } from './provider-workers';
import { chooseWorkflowSource } from './workflow-bundle';

async function main(): Promise<void> {
  const settings = loadWorkerSettings();
  const log = createLogger({ name: 'worker', level: settings.logLevel });
  // Fail at start-up, not on the first payload: prod needs BALANCE_CHECK_CODEC_KEYS.
  const codec = new AesGcmPayloadCodec({
    ...loadCodecKeys({
      env: process.env,
      mode: settings.production ? 'prod' : 'dev',
      dataDir: settings.dataDir,
    }),
    // Production: a payload not encrypted with our key (e.g. a CLI-forged signal) reaches workflows
    // as the rejection marker (contracts/codec-marker.ts), never as a value.
    rejectPlaintext: codecRejectsPlaintext(process.env),
  });
  const providers = providersFromEnv();
  if (Object.keys(providers).length === 0) {
    throw new WorkerConfigError(
      'No provider is configured: set at least one provider base URL (MX_BASE_URL, …; see docs/OPERATIONS.md)',
    );
  }
  const temporal = loadTemporalSettings();
  const deploy = loadWorkerDeploymentSettings();

  const { otel } = installWorkerRuntime({ prometheusBindAddress: settings.metricsAddress, logger: log });
  const workflows = chooseWorkflowSource({ explicitPath: deploy.workflowBundlePath, tracing: Boolean(otel) });
  // Plugins on the connection reach every worker built on it (OTel interceptors + workflow span sink).
  const connection = await NativeConnection.connect({
    ...temporal.connectionOptions,
    plugins: otel ? [otel.plugin] : [],
  });
  try {
    const worker = await createBalanceCheckWorker({
      connection,
      namespace: temporal.namespace,
      providers,
      callbacks: { config: loadCallbackConfig() },
      dataConverter: createDataConverter(codec),
      identity: settings.identity,
      taskQueue: settings.taskQueue,
      maxCachedWorkflows: settings.maxCachedWorkflows,
      ...(workflows.kind === 'bundle' ? { workflowBundle: workflows.workflowBundle } : {}),
      deployment: deploy.deployment,
      shutdownGraceTime: deploy.shutdownGraceMs,
    });
    // Batch items (unversioned: activity-only, on their own task queue) start/join checks and wait for their answers through a client (own task queue).
    const clientConnection = await Connection.connect(temporal.connectionOptions);
    const batchWorker = await createBatchItemsWorker({
      connection,
      namespace: temporal.namespace,
      client: new Client({
        connection: clientConnection,
        namespace: temporal.namespace,
        dataConverter: createDataConverter(codec),
      }),
      taskQueue: settings.taskQueue,
      dataConverter: createDataConverter(codec),
      identity: settings.identity,
    });
    // Always polled (cheap), so an API started with PROVIDER_TASK_QUEUES=on never strands a check;
    // MX_MAX_CALLS_PER_SECOND, … pace them across every worker.
    const providerWorkers = await createProviderWorkers({
      connection,
      namespace: temporal.namespace,
      providers,
      taskQueue: settings.taskQueue,
      maxCallsPerSecond: maxCallsPerSecondFromEnv(process.env),
      dataConverter: createDataConverter(codec),
      identity: settings.identity,
    });
    // The Runtime drains the worker on SIGTERM; this only bounds a shutdown that hangs.
    const backstop = () =>
      setTimeout(() => {
        log.error('worker did not stop within its shutdown grace: exiting');
        process.exit(1);
      }, deploy.shutdownGraceMs + 10_000).unref();
    process.once('SIGTERM', backstop).once('SIGINT', backstop);
    log.info(
      {
        temporal: temporal.address,
        namespace: temporal.namespace,
        providers: Object.keys(providers),
        codecKey: codec.encryptWith,
        metrics: settings.metricsAddress ? `http://${settings.metricsAddress}/metrics` : 'off',
        tracing: otel ? process.env.OTEL_EXPORTER : 'off',
        workflows: workflows.kind === 'bundle' ? workflows.codePath : workflows.reason,
        deployment: deploy.deployment ?? 'unversioned',
      },
      'balance-check worker started',
    );
    await Promise.all([worker.run(), batchWorker.run(), ...providerWorkers.map((w) => w.run())]);
    await clientConnection.close();
    log.info('balance-check worker stopped');
  } finally {
    await connection.close();
    await otel?.shutdown();
  }
}

class WorkerConfigError extends Error {}

function providersFromEnv() {
  try {
    return createProviderRegistry(process.env);
  } catch (err) {
    if (err instanceof ZodError)
      throw new WorkerConfigError(`Provider settings are invalid:\n${prettifyError(err)}`);
    throw err;
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    // Configuration errors read best without a stack; anything else keeps it.
    const configError =
      err instanceof WorkerConfigError ||
      err instanceof CodecKeyConfigError ||
      (err as Error)?.message?.startsWith('Invalid worker settings');
    const text =
      err instanceof Error ? (configError ? err.message : (err.stack ?? err.message)) : String(err);
    process.stderr.write(`balance-check worker: ${text}\n`);
    process.exit(1);
  },
);
