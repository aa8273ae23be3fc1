// The whole service with simulated providers, in one process: the provider simulators (webhooks
// pointed at the API), a worker, and the API. `npm start` and the integration tests share it.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import type { NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';
import { TASK_QUEUE, type ProviderName } from '../contracts/balance-check';
import { createApp, type ApiDeps } from '../api/app';
import { hashApiKey } from '../api/auth';
import type { CallbackDeliveryDeps } from '../activities/callbacks';
import type { CallbackConfig } from '../callbacks/config';
import { createCallbackReceiver, SANDBOX_CALLBACK_PATH, SANDBOX_CALLBACK_SECRET } from './callback-receiver';
import { createApiServer, type ApiServerSettings } from '../api/server';
import { createLogger } from '../observability/logger';
import type { Env } from '../providers/registration';
import { createProviderRegistry, REGISTRATIONS } from '../providers/registry';
import { sandboxedProviders, type SandboxedProvider } from '../providers/sandboxes';
import type { RunningSimulator } from '../providers/simulator-kit';
import { createBatchItemsWorker } from '../worker/batch-worker';
import { createBalanceCheckWorker } from '../worker/create-worker';
import { createProviderWorkers, type ProviderWorkersOptions } from '../worker/provider-workers';

export interface SandboxStackOptions {
  client: Client;
  connection: NativeConnection;
  namespace: string;
  /** Registered providers to run (default all), each with its simulator. */
  providers?: readonly ProviderName[];
  /** Providers registered by the caller (a test's own provider folder), run beside `providers`. */
  extraProviders?: readonly SandboxedProvider[];
  /** Simulated job durations × timeScale (tests go fast). */
  timeScale?: number;
  apiPort?: number;
  apiHost?: string;
  taskQueue?: string;
  workflowBundle?: WorkerOptions['workflowBundle'];
  dataConverter?: WorkerOptions['dataConverter'];
  /** Start no worker (reliability tests run workers as child processes). */
  withoutWorker?: boolean;
  /** Receives the API's log lines (message + fields) when no logger is given. */
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** API logger (pino); tests pass a silent one. */
  logger?: ApiDeps['logger'];
  /** Who may call /v1; default: the sandbox key SANDBOX_API_KEY with every scope. */
  apiKeys?: ApiDeps['apiKeys'];
  ratePerMinute?: ApiDeps['ratePerMinute'];
  updateDeadlineMs?: ApiDeps['updateDeadlineMs'];
  /** Paced provider calls: per-provider activity task queues with these fleet-wide limits. */
  providerPacing?: Pick<ProviderWorkersOptions, 'maxCallsPerSecond' | 'interceptors'>;
  /**
   * Callback settings for the API and the worker. `'built-in-receiver'` (npm start): the sandbox key's
   * events go to the receiver at /sandbox/callbacks. Default: no callbacks (tests' histories stay as recorded).
   */
  callbacks?: CallbackConfig | 'built-in-receiver';
  /** DNS lookup for the callbacks' SSRF check (tests inject one). */
  resolveHost?: CallbackDeliveryDeps['resolve'];
  /** Socket-level limits of the API server (timeouts, connection cap); default: api/server.ts defaults. */
  serverSettings?: ApiServerSettings;
}

/** The sandbox's API key (`Authorization: Bearer sandbox-api-key`) when no apiKeys are given. */
export const SANDBOX_API_KEY = 'sandbox-api-key';
/** The sandbox key's configuration: owner `sandbox`, every scope. */
export const SANDBOX_KEY_CONFIG: ApiDeps['apiKeys'][number] = {
  name: 'sandbox',
  owner: 'sandbox',
  sha256: hashApiKey(SANDBOX_API_KEY),
  scopes: ['read', 'write', 'events'],
};

export interface SandboxStack {
  apiUrl: string;
  simulators: Record<ProviderName, RunningSimulator>;
  /** Env entries configuring every provider for its simulator (for child workers). */
  providerEnv: Env;
  worker?: Worker;
  /** Runs batch items (start or join a check, await its answer); absent with withoutWorker. */
  batchWorker?: Worker;
  close(): Promise<void>;
}

export async function startSandboxStack(opts: SandboxStackOptions): Promise<SandboxStack> {
  // Listen first: the simulators need the API's URL for their webhooks.
  let handler: Parameters<typeof createApiServer>[0] = (_req, res) => res.writeHead(503).end();
  const server: Server = createApiServer((req, res) => handler(req, res), opts.serverSettings);
  await new Promise<void>((resolve) =>
    server.listen(opts.apiPort ?? 0, opts.apiHost ?? '127.0.0.1', resolve),
  );
  const apiUrl = `http://${opts.apiHost ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;
  const callbacks =
    opts.callbacks === 'built-in-receiver' ? sandboxCallbacks(apiUrl) : (opts.callbacks ?? NO_CALLBACKS);
  const log = opts.log ?? ((msg: string) => console.log(msg));
  const receiver = createCallbackReceiver([SANDBOX_CALLBACK_SECRET], (line) => log(line));

  const simulators: SandboxStack['simulators'] = {};
  const providerEnv: Env = {};
  const providers = [...sandboxedProviders(opts.providers), ...(opts.extraProviders ?? [])];
  for (const { registration, sandbox } of providers) {
    const { simulator, env } = await sandbox.start({
      webhookUrl: `${apiUrl}/webhooks/${registration.name}`,
      timeScale: opts.timeScale,
    });
    simulators[registration.name] = simulator;
    Object.assign(providerEnv, env);
  }

  const registrations = providers.map((p) => p.registration);
  const webhookProviders: ApiDeps['webhookProviders'] = {};
  for (const registration of registrations)
    webhookProviders[registration.name] = { registration, config: registration.configFromEnv(providerEnv) };
  const app = createApp({
    client: opts.client,
    // Every registered provider is admitted (one not started here fails in the worker, as in production).
    providers: [...Object.values(REGISTRATIONS), ...(opts.extraProviders ?? []).map((p) => p.registration)],
    taskQueue: opts.taskQueue,
    webhookProviders,
    logger: opts.logger ?? (opts.log ? forwardingLogger(opts.log) : undefined),
    apiKeys: opts.apiKeys ?? [SANDBOX_KEY_CONFIG],
    ratePerMinute: opts.ratePerMinute,
    updateDeadlineMs: opts.updateDeadlineMs,
    providerTaskQueues: opts.providerPacing !== undefined,
    callbacks: { ...callbacks, ...(opts.resolveHost ? { resolve: opts.resolveHost } : {}) },
  });
  handler = (req, res) =>
    req.url?.startsWith(SANDBOX_CALLBACK_PATH) ? receiver.handle(req, res) : app(req, res);

  let worker: Worker | undefined;
  let batchWorker: Worker | undefined;
  let running: Promise<void> | undefined;
  let batchRunning: Promise<void> | undefined;
  const providerWorkers: Worker[] = [];
  const providerRunning: Promise<void>[] = [];
  if (!opts.withoutWorker) {
    worker = await createBalanceCheckWorker({
      connection: opts.connection,
      namespace: opts.namespace,
      taskQueue: opts.taskQueue ?? TASK_QUEUE,
      providers: createProviderRegistry(providerEnv, fetch, registrations),
      callbacks: { config: callbacks, ...(opts.resolveHost ? { resolve: opts.resolveHost } : {}) },
      workflowBundle: opts.workflowBundle,
      dataConverter: opts.dataConverter,
    });
    running = worker.run();
    batchWorker = await createBatchItemsWorker({
      connection: opts.connection,
      namespace: opts.namespace,
      client: opts.client,
      taskQueue: opts.taskQueue ?? TASK_QUEUE,
      dataConverter: opts.dataConverter,
    });
    batchRunning = batchWorker.run();
    if (opts.providerPacing) {
      const paced = await createProviderWorkers({
        connection: opts.connection,
        namespace: opts.namespace,
        taskQueue: opts.taskQueue ?? TASK_QUEUE,
        providers: createProviderRegistry(providerEnv, fetch, registrations),
        dataConverter: opts.dataConverter,
        ...opts.providerPacing,
      });
      providerWorkers.push(...paced);
      providerRunning.push(...paced.map((w) => w.run()));
    }
  }

  return {
    apiUrl,
    simulators,
    providerEnv,
    worker,
    batchWorker,
    async close() {
      if (worker && worker.getState() === 'RUNNING') worker.shutdown();
      if (batchWorker && batchWorker.getState() === 'RUNNING') batchWorker.shutdown();
      for (const w of providerWorkers) if (w.getState() === 'RUNNING') w.shutdown();
      await Promise.all(providerRunning.map((p) => p.catch(() => undefined)));
      await running?.catch(() => undefined);
      await batchRunning?.catch(() => undefined);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all(Object.values(simulators).map((s) => s.close()));
    },
  };
}

const NO_CALLBACKS: CallbackConfig = {
  keys: {},
  secrets: {},
  production: false,
  allowPrivateHosts: [],
  retry: { initialMs: 1_000, maxMs: 60_000, forMs: 86_400_000 },
  timeoutMs: 10_000,
};

/** The sandbox key sends every check's events to the built-in receiver (or to a callbackUrl on the API's host). */
function sandboxCallbacks(apiUrl: string): CallbackConfig {
  const key = `${SANDBOX_KEY_CONFIG.owner}/${SANDBOX_KEY_CONFIG.name}`;
  return {
    ...NO_CALLBACKS,
    keys: { [key]: { url: `${apiUrl}${SANDBOX_CALLBACK_PATH}`, allow: [`${apiUrl}/`] } },
    secrets: { [key]: [SANDBOX_CALLBACK_SECRET] },
  };
}

/** A pino logger whose JSON lines go to a (msg, fields) callback. */
function forwardingLogger(log: NonNullable<SandboxStackOptions['log']>) {
  return createLogger({
    name: 'api',
    destination: {
      write(line: string) {
        const { msg, ...fields } = JSON.parse(line) as { msg?: string };
        log(msg ?? '', fields);
      },
    },
  });
}
