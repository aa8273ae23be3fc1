// Server restart, shared by the CI test and the full runner: the real dev server with a SQLite file
// (scripts/dev-server.ts, its own process group) is stopped mid-flight and started again on the
// same port and file. Checks were started through the API and are refreshing, polling and parked on
// MFA; the child workers and the API (one SDK client) must reconnect on their own. While the server
// is down, the API is probed (GET a running check, POST a new one, /readyz) to record what callers see.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NativeConnection } from '@temporalio/worker';
import { startTemporalDevServer, type RunningDevServer } from '../../scripts/dev-server';
import { startSandboxStack, type SandboxStack } from '../../sandbox/stack';
import { statusQuery } from '../../workflows/definitions';
import { workflowBundle } from '../helpers/temporal-env';
import {
  apiCall,
  countStatuses,
  RELIABILITY_API_KEYS,
  startViaApi,
  type ApiAnswer,
  type ApiStarted,
} from './api-driver';
import {
  connectClient,
  driveCheck,
  registerSimulators,
  spawnWorker,
  tally,
  waitUntil,
  type ChildWorker,
  type CheckRun,
  type Tally,
} from './harness';
import { scenario, SCENARIOS } from './scenarios';

export interface RestartOptions {
  checks: number;
  workers?: number;
  /** How long the server stays down after it has stopped (default 5 s). */
  downMs?: number;
  deadlineMs?: number;
  log?: (line: string) => void;
}

export interface RestartReport {
  tally: Tally;
  phasesAtStop: Record<string, number>;
  /** Stop requested → server answering again. */
  outageMs: number;
  /** Server answering again → last check finished. */
  drainAfterRestartMs: number;
  /** API answers while the server was down, per probe. */
  duringOutage: {
    get: Record<string, number>;
    post: Record<string, number>;
    readyz: Record<string, number>;
    slowestMs: number;
    probes: number;
  };
  /** POSTs sent while the server was down that the API accepted (each is driven to its end). */
  acceptedDuringOutage: number;
  /** GET /v1/balance-checks/{id} of every check after the drain: status → count, and mismatches. */
  apiAfter: Record<string, number>;
  apiMismatches: string[];
  /** Child workers that exited on their own (they must ride the outage out). */
  workerExits: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runServerRestart(opts: RestartOptions): Promise<RestartReport> {
  const log = opts.log ?? (() => undefined);
  const workDir = mkdtempSync(join(tmpdir(), 'bc-restart-'));
  const dbFilename = join(workDir, 'temporal.db');
  const devServer = (port?: number) =>
    startTemporalDevServer({ dbFilename, uiPort: false, logLevel: 'error', ...(port ? { port } : {}) });
  let server: RunningDevServer | undefined = await devServer();
  const port = Number(server.address.split(':').pop());
  const namespace = 'default';
  const taskQueue = `restart-${process.pid}-${Date.now()}`;
  // One client for the API and the driver, as in the API process: it must survive the restart.
  const client = await connectClient(server.address, namespace);
  let stack: SandboxStack | undefined;
  let unregister = () => undefined as unknown;
  const workers: ChildWorker[] = [];
  try {
    stack = await startSandboxStack({
      client,
      connection: undefined as unknown as NativeConnection, // withoutWorker: never used
      namespace,
      timeScale: 1,
      taskQueue,
      withoutWorker: true,
      log: () => undefined,
      apiKeys: RELIABILITY_API_KEYS,
    });
    unregister = registerSimulators(stack.simulators);
    const codePath = join(workDir, 'workflow-bundle.js');
    writeFileSync(codePath, (await workflowBundle()).code);
    const r = { address: server.address, namespace, taskQueue, codePath, workDir, stack, client };
    for (let i = 0; i < (opts.workers ?? 2); i++) workers.push(spawnWorker(r, `restart-w${i}`));
    await Promise.all(workers.map((w) => w.ready));

    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const started: NonNullable<ApiStarted['started']>[] = [];
    for (let i = 0; i < opts.checks; i += 16) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(16, opts.checks - i) }, (_, j) =>
          startViaApi(client, stack!.apiUrl, SCENARIOS[(i + j) % SCENARIOS.length]!, i + j),
        ),
      );
      for (const b of batch) {
        if (!b.started)
          throw new Error(
            `POST /v1/balance-checks answered ${b.answer.status} before the restart: ${JSON.stringify(b.answer.body ?? b.answer.error)}`,
          );
        started.push(b.started);
      }
    }
    log(`started ${started.length} checks through the API`);
    const drives: Promise<CheckRun>[] = started.map(({ run, handle }) =>
      driveCheck(client, run, handle, opts.deadlineMs ?? 300_000, gate),
    );
    const mfa = started.filter(({ run }) => run.scenario.path === 'mfa').map(({ run }) => run);
    await waitUntil(() => mfa.every((run) => run.phasesSeen.has('WAITING_FOR_MFA')), 60_000, 200).catch(() =>
      log('not every MFA check was parked before the stop'),
    );

    const phasesAtStop: Record<string, number> = {};
    await Promise.all(
      started.map(async ({ handle }) => {
        const phase = await client
          .withDeadline(Date.now() + 3000, () => handle.query(statusQuery))
          .then(
            (v) => v.phase,
            () => 'UNKNOWN',
          );
        phasesAtStop[phase] = (phasesAtStop[phase] ?? 0) + 1;
      }),
    );
    const running = started.find(({ run }) => !run.result && run.scenario.path === 'mfa') ?? started[0]!;

    const stopAt = Date.now();
    await server.stop();
    server = undefined;
    log(`server stopped in ${Date.now() - stopAt} ms; phases at stop ${JSON.stringify(phasesAtStop)}`);

    // Probe the API while the server is down: every probe sent before the server is back counts,
    // with how long the API took to answer it (the SDK client waits for the connection to recover).
    const probes = { get: [] as ApiAnswer[], post: [] as ApiAnswer[], readyz: [] as ApiAnswer[] };
    const outageStarts: ApiStarted[] = [];
    let serverUp = false;
    const probeRound = async (k: number) => {
      const [get, post, ready] = await Promise.all([
        apiCall(stack!.apiUrl, 'GET', `/v1/balance-checks/${running.checkId}`, undefined, {}, 30_000),
        startViaApi(client, stack!.apiUrl, scenario('mx-webhook'), 50_000 + k, {}, 30_000),
        apiCall(stack!.apiUrl, 'GET', '/readyz', undefined, {}, 30_000),
      ]);
      probes.get.push(get);
      probes.post.push(post.answer);
      probes.readyz.push(ready);
      outageStarts.push(post);
    };
    const rounds: Promise<void>[] = [];
    const probing = (async () => {
      for (let k = 0; !serverUp; k++) {
        rounds.push(probeRound(k));
        await sleep(1_000);
      }
      await Promise.all(rounds);
    })();
    await sleep(opts.downMs ?? 5_000);
    server = await devServer(port);
    const upAt = Date.now();
    serverUp = true;
    const outageMs = upAt - stopAt;
    log(`server back on port ${port} after ${outageMs} ms outage`);
    release();
    await probing;
    const accepted = outageStarts.filter((s) => s.started).map((s) => s.started!);
    const runs = await Promise.all([
      ...drives,
      ...accepted.map(({ run, handle }) =>
        run.result ? Promise.resolve(run) : driveCheck(client, run, handle, opts.deadlineMs ?? 300_000),
      ),
    ]);
    const t = await tally({ client, stack }, runs, stopAt);
    const lastFinish = Math.max(...runs.map((x) => x.finishedAt ?? Date.now()));

    const apiAfter: ApiAnswer[] = [];
    const apiMismatches: string[] = [];
    const all = [...started, ...accepted];
    for (let i = 0; i < all.length; i += 16) {
      await Promise.all(
        all.slice(i, i + 16).map(async ({ run, checkId }) => {
          const a = await apiCall(stack!.apiUrl, 'GET', `/v1/balance-checks/${checkId}`);
          apiAfter.push(a);
          if (a.status !== 200 || a.body?.status !== run.scenario.expect)
            apiMismatches.push(`${run.workflowId}: ${a.status} ${a.body?.status ?? a.error}`);
        }),
      );
    }
    const workerExits = workers
      .filter((w) => w.proc.exitCode !== null || w.proc.signalCode !== null)
      .map((w) => `${w.id} exited ${w.proc.exitCode ?? w.proc.signalCode}`);
    return {
      tally: t,
      phasesAtStop,
      outageMs,
      drainAfterRestartMs: Math.max(0, lastFinish - upAt),
      duringOutage: {
        get: countStatuses(probes.get),
        post: countStatuses(probes.post),
        readyz: countStatuses(probes.readyz),
        slowestMs: Math.max(0, ...[...probes.get, ...probes.post, ...probes.readyz].map((a) => a.ms)),
        probes: probes.get.length,
      },
      acceptedDuringOutage: accepted.length,
      apiAfter: countStatuses(apiAfter),
      apiMismatches,
      workerExits,
    };
  } finally {
    await Promise.all(workers.map((w) => w.kill('SIGTERM')));
    unregister();
    await stack?.close();
    await client.connection.close().catch(() => undefined);
    await server?.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}
