// `npm start`: the whole sandbox in one process tree — the real Temporal dev server (persistent, UI,
// search attributes, codec endpoint) unless TEMPORAL_ADDRESS is set, the provider simulators, the
// worker (encrypting payloads, Prometheus metrics), the API and the codec server. Ctrl-C stops it all.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import { AesGcmPayloadCodec } from '../codec/aes-gcm-codec';
import { startCodecServer } from '../codec/codec-http-server';
import { createDataConverter, failureConverterPath } from '../codec/data-converter';
import { loadCodecKeys } from '../codec/keys';
import { loadSandboxSettings } from '../config/sandbox';
import { loadTemporalSettings } from '../config/temporal';
import { createLogger } from '../observability/logger';
import { installWorkerRuntime } from '../observability/worker-telemetry';
import { parseApiKeys } from '../api/auth';
import { quietBundlerLogger } from '../observability/quiet-logger';
import { SANDBOX_API_KEY, SANDBOX_KEY_CONFIG, startSandboxStack } from '../sandbox/stack';
import { WORKFLOWS_PATH } from '../worker/create-worker';
import { startTemporalDevServer } from './dev-server';
import { NEXUS_CALLER_NAMESPACE, NEXUS_ENDPOINT } from '../contracts/nexus';
import { TASK_QUEUE } from '../contracts/balance-check';

const startedAt = Date.now();
const settings = loadSandboxSettings();
const log = createLogger({ name: 'sandbox', level: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'info' });

/** Closers, run last-started first on shutdown. */
const closers: { name: string; close: () => Promise<unknown> }[] = [];
let stopping: Promise<void> | undefined;

function stop(reason: string, exitCode = 0): void {
  if (stopping) {
    log.warn(`${reason} again: exiting now`); // the exit hook still kills the dev server
    process.exit(1);
  }
  log.info(`${reason}: stopping`);
  stopping = (async () => {
    for (const { name, close } of closers.reverse()) {
      await close().catch((err: unknown) => log.error({ err }, `closing ${name} failed`));
    }
    log.info('stopped');
    process.exit(exitCode);
  })();
}
process.on('SIGINT', () => stop('SIGINT')).on('SIGTERM', () => stop('SIGTERM'));
watchLaunchers();

async function main(): Promise<void> {
  const host = settings.SANDBOX_HOST;
  const metricsAddress = `${host}:${settings.WORKER_METRICS_PORT}`;
  // Before any connection: the Runtime is a process singleton and owns the Prometheus endpoint.
  const { otel } = installWorkerRuntime({ prometheusBindAddress: metricsAddress, logger: log });
  if (otel) closers.push({ name: 'tracing', close: () => otel.shutdown() });

  // Webpack takes seconds: bundle while the dev server boots. (OTel's workflow interceptors must be
  // bundled by the worker itself, so no prebuilt bundle then.)
  // The failure converter runs inside the workflow sandbox too, so it must be in the bundle.
  const bundle = otel
    ? undefined
    : bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, failureConverterPath, logger: quietBundlerLogger });
  bundle?.catch(() => undefined); // awaited below; avoid an unhandled rejection meanwhile

  const codec = new AesGcmPayloadCodec(
    loadCodecKeys({ env: process.env, mode: 'dev', dataDir: settings.DATA_DIR }),
  );
  const dataConverter = createDataConverter(codec);
  const uiPort = settings.TEMPORAL_UI_PORT;
  const codecServer = await startCodecServer({
    codec,
    host,
    port: settings.CODEC_PORT,
    bearerToken: settings.CODEC_BEARER_TOKEN,
    allowedOrigins: [
      `http://${host}:${uiPort}`,
      `http://localhost:${uiPort}`,
      ...csv(process.env.CODEC_ALLOWED_ORIGINS),
    ],
  });
  closers.push({ name: 'codec server', close: () => codecServer.close() });

  let connectionOptions: NativeConnectionOptions;
  let namespace: string;
  let uiUrl: string | undefined;
  if (settings.TEMPORAL_ADDRESS) {
    const temporal = loadTemporalSettings();
    connectionOptions = temporal.connectionOptions;
    namespace = temporal.namespace;
  } else {
    namespace = process.env.TEMPORAL_NAMESPACE || 'default';
    const devServer = await startTemporalDevServer({
      ip: host,
      port: settings.TEMPORAL_PORT,
      uiPort,
      dbFilename: join(settings.DATA_DIR, 'temporal.db'),
      codecEndpoint: codecServer.endpoint,
      namespace,
      // Nexus: payment services call service `balance-check` from their own namespace (the owner).
      callerNamespaces: [NEXUS_CALLER_NAMESPACE],
      nexusEndpoint: { name: NEXUS_ENDPOINT, targetNamespace: namespace, targetTaskQueue: TASK_QUEUE },
      log: (line) => log.warn({ component: 'temporal-dev-server' }, line),
    });
    closers.push({ name: 'Temporal dev server', close: () => devServer.stop() });
    connectionOptions = { address: devServer.address };
    uiUrl = `${devServer.uiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows`;
  }

  const plugins = otel ? [otel.plugin] : [];
  const nativeConnection = await NativeConnection.connect({ ...connectionOptions, plugins });
  closers.push({ name: 'worker connection', close: () => nativeConnection.close() });
  const connection = await Connection.connect(connectionOptions);
  closers.push({ name: 'client connection', close: () => connection.close() });
  const client = new Client({ connection, namespace, dataConverter, plugins });

  const apiKeys = parseApiKeys(process.env.API_KEYS);
  const stack = await startSandboxStack({
    client,
    connection: nativeConnection,
    namespace,
    apiHost: host,
    apiPort: settings.API_PORT,
    timeScale: settings.SANDBOX_TIME_SCALE,
    dataConverter,
    ...(bundle ? { workflowBundle: await bundle } : {}),
    logger: log.child({ component: 'api' }),
    // The sandbox key's checks send their events to the built-in receiver, which logs each one.
    callbacks: 'built-in-receiver',
    log: (line) => log.info({ component: 'callbacks' }, line),
    // The sandbox key, plus API_KEYS (hashes, as in production) to try several tenants by hand.
    apiKeys: [SANDBOX_KEY_CONFIG, ...apiKeys],
  });
  closers.push({ name: 'sandbox stack (worker, API, simulators)', close: () => stack.close() });

  printBanner({
    apiUrl: stack.apiUrl,
    uiUrl,
    codecEndpoint: codecServer.endpoint,
    metricsUrl: `http://${metricsAddress}/metrics`,
    namespace,
    apiKey: SANDBOX_API_KEY,
  });
}

interface BannerInfo {
  apiUrl: string;
  uiUrl?: string;
  codecEndpoint: string;
  metricsUrl: string;
  namespace: string;
  /** The dev key to show; absent when API_KEYS configures the keys (only their hashes are known). */
  apiKey?: string;
}

function printBanner(urls: BannerInfo): void {
  const { apiUrl } = urls;
  const json = (v: unknown) => `'${JSON.stringify(v)}'`;
  const start = { provider: 'mx', resource: { userId: 'USR-sandbox', memberId: 'MBR-challenge' } };
  const answer = { answers: [{ challengeId: 'CRD-sandbox-text-1', value: 'correct' }] };
  const auth = `-H "authorization: Bearer $API_KEY"`;
  const lines = [
    '',
    `Balance-check sandbox ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
    `  API             ${apiUrl}   (GET /healthz, /readyz)`,
    `  Temporal UI     ${urls.uiUrl ?? `(your cluster's UI; namespace ${urls.namespace})`}`,
    `  Codec endpoint  ${urls.codecEndpoint}   (UI: --ui-codec-endpoint / TEMPORAL_CODEC_ENDPOINT; CLI: --codec-endpoint)`,
    `  Worker metrics  ${urls.metricsUrl}`,
    '',
    urls.apiKey
      ? `API key (sandbox only):\n  export API_KEY=${urls.apiKey}`
      : 'API keys come from API_KEYS: export API_KEY=<one of your keys>',
    '',
    'Start an MX check that needs MFA (MBR-challenge), and keep its id:',
    `  CHECK=$(curl -s -X POST ${apiUrl}/v1/balance-checks ${auth} -H 'content-type: application/json' -d ${json(start)} | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).id'); echo $CHECK`,
    'Watch it until "phase":"WAITING_FOR_MFA" (a few seconds):',
    `  curl -s ${apiUrl}/v1/balance-checks/$CHECK ${auth}`,
    `Its events (signed, Standard Webhooks) arrive at the built-in receiver: a "callback received" log line each, and`,
    `  curl -s ${apiUrl}/sandbox/callbacks   # balance_check.action_required with the challenge, then .completed`,
    'Answer the challenge:',
    `  curl -s -X POST ${apiUrl}/v1/balance-checks/$CHECK/mfa ${auth} -H 'content-type: application/json' -d ${json(answer)}`,
    '',
    'Ctrl-C stops everything.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

/**
 * `npm start` runs us as npm → sh → tsx → node. A terminal's Ctrl-C signals that whole group, but a
 * process manager's SIGTERM to npm alone stops npm and sh and orphans tsx and us. So when any of
 * our (up to three) launching processes disappears, stop as if signalled. Linux /proc; a no-op elsewhere.
 */
function watchLaunchers(): void {
  if (!existsSync('/proc/self/stat')) return;
  /** [state, ppid] from /proc/<pid>/stat ("pid (comm) state ppid …"; comm may hold spaces). */
  const stat = (pid: number): [string, number] | undefined => {
    try {
      const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const [state, ppid] = text.slice(text.lastIndexOf(')') + 2).split(' ');
      return [state!, Number(ppid)];
    } catch {
      return undefined;
    }
  };
  const launchers: number[] = [];
  for (let pid = process.ppid; pid > 1 && launchers.length < 3; pid = stat(pid)?.[1] ?? 0)
    launchers.push(pid);
  // A zombie (exited, not yet reaped) counts as gone.
  const gone = (pid: number) => (stat(pid)?.[0] ?? 'Z') === 'Z';
  setInterval(() => {
    if (!stopping && launchers.some(gone)) stop('launcher exited');
  }, 1_000).unref();
}

const csv = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

main().catch((err: unknown) => {
  log.error({ err }, 'sandbox failed to start');
  stop('start-up failure', 1);
});
