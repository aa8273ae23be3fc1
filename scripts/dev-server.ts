// Runs the real Temporal dev server (`temporal server start-dev`) as a child in its own process group,
// with the UI, our search attributes and the codec endpoint; `npm start` and the UI test share it.
// The SDK's ephemeral server cannot pass --ui-codec-endpoint portably, hence our own spawn.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { ALL_SEARCH_ATTRIBUTES } from '../contracts/search-attributes';
import { resolveTemporalCli } from './temporal-cli';

export interface DevServerOptions {
  ip?: string;
  /** gRPC port; 0 picks a free one. */
  port?: number;
  /** Web UI port; 0 picks a free one; `false` runs headless. */
  uiPort?: number | false;
  /** SQLite file: workflows survive restarts. Absent: in memory. */
  dbFilename?: string;
  /** `--ui-codec-endpoint`: the UI's browser calls it to decode payloads. */
  codecEndpoint?: string;
  /** Extra namespace to create (`default` always exists). */
  namespace?: string;
  /** More namespaces to create, e.g. `payments`: the caller namespace of the Nexus walk-through. */
  callerNamespaces?: string[];
  /** A Nexus endpoint to create once the server is up (`temporal operator nexus endpoint create`). */
  nexusEndpoint?: { name: string; targetNamespace: string; targetTaskQueue: string };
  logLevel?: 'debug' | 'info' | 'warn' | 'error' | 'never';
  readyTimeoutMs?: number;
  /** Receives the server's own output lines (it logs warnings and errors only). */
  log?: (line: string) => void;
}

export interface RunningDevServer {
  /** host:port for clients and workers. */
  address: string;
  uiUrl?: string;
  pid: number;
  /** SIGTERM to the whole process group, SIGKILL after a grace period. Idempotent. */
  stop(): Promise<void>;
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, host, resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startTemporalDevServer(opts: DevServerOptions = {}): Promise<RunningDevServer> {
  const cli = resolveTemporalCli();
  if (!cli.path)
    throw new Error('No Temporal CLI found (see scripts/temporal-cli.ts); set TEMPORAL_CLI_PATH');
  const ip = opts.ip ?? '127.0.0.1';
  const port = opts.port || (await freePort(ip));
  const uiPort = opts.uiPort === false ? undefined : opts.uiPort || (await freePort(ip));
  const args = [
    'server',
    'start-dev',
    '--ip',
    ip,
    '--port',
    String(port),
    '--log-level',
    opts.logLevel ?? 'warn',
  ];
  args.push(...(uiPort ? ['--ui-port', String(uiPort)] : ['--headless']));
  if (opts.dbFilename) {
    mkdirSync(dirname(opts.dbFilename), { recursive: true });
    args.push('--db-filename', opts.dbFilename);
  }
  if (opts.codecEndpoint) args.push('--ui-codec-endpoint', opts.codecEndpoint);
  if (opts.namespace && opts.namespace !== 'default') args.push('--namespace', opts.namespace);
  for (const ns of opts.callerNamespaces ?? []) args.push('--namespace', ns);
  for (const key of ALL_SEARCH_ATTRIBUTES)
    args.push('--search-attribute', `${key.name}=${searchAttributeTypeFlag(key.type)}`);

  // Own process group (detached): a terminal's Ctrl-C reaches us only, so the worker can drain
  // against a live server before we stop it; stop() then signals the whole group.
  const child = spawn(cli.path, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  let stopping: Promise<void> | undefined;
  // stdout is only the start-up banner (addresses we print ourselves): kept for error reports only.
  for (const [stream, forward] of [
    [child.stdout!, false],
    [child.stderr!, true],
  ] as const) {
    let buffered = '';
    stream.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (buffered + chunk).split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines.filter((l) => l.trim())) {
        tail.push(line);
        if (tail.length > 20) tail.shift();
        if (forward && !stopping) opts.log?.(line); // shutdown chatter (failed polls) is expected: not forwarded
      }
    });
  }
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))),
  );
  // Last resort if we exit without stop() (uncaught error): never leave the server behind.
  const killOnExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', killOnExit);

  const server: RunningDevServer = {
    address: `${ip}:${port}`,
    uiUrl: uiPort ? `http://${ip}:${uiPort}` : undefined,
    pid: child.pid!,
    stop() {
      stopping ??= (async () => {
        process.removeListener('exit', killOnExit);
        if (child.exitCode !== null || child.signalCode !== null) return;
        killGroup(child, 'SIGTERM');
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
        killGroup(child, 'SIGKILL'); // any grandchild still in the group
      })();
      return stopping;
    },
  };

  try {
    await waitUntilReady(server, exited, opts.readyTimeoutMs ?? 30_000);
  } catch (err) {
    await server.stop();
    throw new Error(`${(err as Error).message}\n${cli.path} ${args.join(' ')}\n${tail.join('\n')}`, {
      cause: err,
    });
  }
  if (opts.nexusEndpoint) await createNexusEndpoint(cli.path, server.address, opts.nexusEndpoint);
  return server;
}

/** Creates the endpoint with the CLI; one kept in the SQLite file from an earlier start is fine. */
async function createNexusEndpoint(
  cliPath: string,
  address: string,
  endpoint: NonNullable<DevServerOptions['nexusEndpoint']>,
): Promise<void> {
  const args = ['operator', 'nexus', 'endpoint', 'create', '--address', address, '--name', endpoint.name];
  args.push('--target-namespace', endpoint.targetNamespace, '--target-task-queue', endpoint.targetTaskQueue);
  await new Promise<void>((resolve, reject) =>
    execFile(cliPath, args, (err, _stdout, stderr) => {
      if (err && !/already exists|AlreadyExists/i.test(stderr))
        reject(new Error(`${err.message}\n${stderr}`));
      else resolve();
    }),
  );
}

async function waitUntilReady(
  server: RunningDevServer,
  exited: Promise<number | null>,
  timeoutMs: number,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const failIfExited = () => {
    if (exitCode !== undefined)
      throw new Error(`temporal server start-dev exited (code ${exitCode}) before it was ready`);
  };
  for (let grpcUp = false, uiUp = !server.uiUrl; !(grpcUp && uiUp); await sleep(100)) {
    failIfExited();
    if (Date.now() > until) throw new Error(`temporal server start-dev was not ready within ${timeoutMs} ms`);
    if (!grpcUp) grpcUp = await grpcHealthy(server.address);
    if (grpcUp && !uiUp)
      uiUp = await fetch(server.uiUrl!).then(
        (r) => r.ok,
        () => false,
      );
  }
  failIfExited();
}

async function grpcHealthy(address: string): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 1_000 });
    const { status } = await connection.healthService.check({});
    return status === 1; // SERVING
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

function searchAttributeTypeFlag(type: string): string {
  // SDK type names (KEYWORD, KEYWORD_LIST, …) → the CLI's (Keyword, KeywordList, …).
  return type.toLowerCase().replace(/(^|_)([a-z])/g, (_m, _sep, c: string) => c.toUpperCase());
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

if (require.main === module) {
  // `tsx scripts/dev-server.ts`: a dev server alone (in memory, random ports) until Ctrl-C.
  void startTemporalDevServer({ log: (l) => process.stderr.write(`[temporal] ${l}\n`) }).then((server) => {
    console.log(`Temporal ${server.address}  UI ${server.uiUrl}`);
    const stop = () => void server.stop().then(() => process.exit(0));
    process.once('SIGINT', stop).once('SIGTERM', stop);
  });
}
