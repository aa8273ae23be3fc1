// Case 2: completed checks/s with C checks in flight (a closed loop: each slot starts the next check
// when its last one completes) vs the engine's ceiling measured in the same run: bench/trivial-workflow.ts
// on the same dev server, with a worker built with the same options as createBalanceCheckWorker.
import { readdirSync, readFileSync } from 'node:fs';
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode, Worker, type NativeConnection } from '@temporalio/worker';
import { balanceCheckWorkflowId, TASK_QUEUE, type BalanceCheckInput } from '../contracts/balance-check';
import { phaseKey, providerKey, resourceKey, userKey } from '../contracts/search-attributes';
import { startOrJoinCheck } from '../api/start-check';
import { quietBundlerLogger } from '../observability/quiet-logger';
import { answerOf } from '../test/helpers/answers';
import { scenario } from '../test/reliability/scenarios';
import { pct } from './stats';
import type { TrivialActivities, trivialCheck as trivialWorkflow } from './trivial-workflow';
import type { balanceCheck } from '../workflows';

export const TRIVIAL_TASK_QUEUE = 'bench-trivial';

export interface LoopStats {
  label: string;
  n: number;
  concurrency: number;
  completed: number;
  failed: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
}

/** n runs, `concurrency` at a time; rate = completed / wall time of the whole loop. */
export async function closedLoop(
  label: string,
  concurrency: number,
  n: number,
  one: (i: number) => Promise<boolean>,
): Promise<LoopStats> {
  let next = 0;
  let completed = 0;
  let failed = 0;
  const lat: number[] = [];
  const began = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) {
        const i = next++;
        const t = performance.now();
        const ok = await one(i).catch(() => false);
        lat.push(performance.now() - t);
        if (ok) completed++;
        else failed++;
      }
    }),
  );
  const seconds = (performance.now() - began) / 1000;
  return {
    label,
    n,
    concurrency,
    completed,
    failed,
    seconds,
    perSecond: completed / seconds,
    p50: pct(lat, 50),
    p99: pct(lat, 99),
  };
}

export interface TrivialWorker {
  /** When the simulated job's signal was sent to this trivial workflow (ms since the epoch). */
  signalledAt(workflowId: string): number | undefined;
  close(): Promise<void>;
}

let trivialBundle: ReturnType<typeof bundleWorkflowCode> | undefined;

/** A worker for the trivial workflow: the options createBalanceCheckWorker passes, nothing else. */
export async function startTrivialWorker(
  connection: NativeConnection,
  namespace: string,
  client: Client,
): Promise<TrivialWorker> {
  trivialBundle ??= bundleWorkflowCode({
    workflowsPath: require.resolve('./trivial-workflow'),
    logger: quietBundlerLogger,
  });
  const timers = new Set<NodeJS.Timeout>();
  const signalled = new Map<string, number>();
  const activities: TrivialActivities = {
    async trivialStart(delayMs) {
      const { workflowId } = Context.current().info.workflowExecution!;
      // The "provider job" ends delayMs later and its webhook becomes a signal (as the API does).
      const t = setTimeout(() => {
        timers.delete(t);
        signalled.set(workflowId, performance.timeOrigin + performance.now());
        client.workflow
          .getHandle<typeof trivialWorkflow>(workflowId)
          .signal('trivialEvent', { kind: 'REFRESH_COMPLETED' })
          .catch(() => undefined);
      }, delayMs);
      timers.add(t);
      return workflowId;
    },
    async trivialRead() {
      return [{ accountId: 'ACT-1', amount: '100.00' }];
    },
  };
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue: TRIVIAL_TASK_QUEUE,
    workflowBundle: await trivialBundle,
    activities,
    shutdownGraceTime: '5 seconds',
  });
  const running = worker.run();
  return {
    signalledAt: (workflowId) => signalled.get(workflowId),
    async close() {
      for (const t of timers) clearTimeout(t);
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
    },
  };
}

/** Real webhook-path checks (MX clones of MBR-connected), started as the API starts them; awaits the result. */
export function realCheck(client: Client, base: number) {
  const s = scenario('mx-webhook');
  return async (i: number) => {
    const input: BalanceCheckInput = {
      provider: 'mx',
      resource: s.resource(base + i),
      requestedBy: 'bench',
      owner: 'bench',
    };
    const ref = await startOrJoinCheck(client, TASK_QUEUE, input);
    const result = await answerOf(
      client.workflow.getHandle<typeof balanceCheck>(ref.workflowId, ref.runId),
      ref.callerId,
    );
    return result.status === 'COMPLETED';
  };
}

/** Trivial checks with the same start (search attributes) and the same simulated job duration. */
export function trivialCheck(
  client: Client,
  base: number,
  jobMs: number,
  onDone?: (workflowId: string, runId: string, doneAt: number) => void,
) {
  const s = scenario('mx-webhook');
  return async (i: number) => {
    const resource = s.resource(base + i);
    const workflowId = `trivial:${balanceCheckWorkflowId('mx', resource)}`;
    const handle = await client.workflow.start<typeof trivialWorkflow>('trivialCheck', {
      taskQueue: TRIVIAL_TASK_QUEUE,
      workflowId,
      args: [jobMs],
      workflowIdConflictPolicy: 'USE_EXISTING',
      typedSearchAttributes: [
        { key: providerKey, value: 'mx' },
        { key: userKey, value: resource.userId },
        { key: resourceKey, value: `mx:${resource.userId}:${resource.memberId}` },
        { key: phaseKey, value: 'REFRESHING' },
      ],
    });
    const result = await handle.result();
    onDone?.(workflowId, handle.firstExecutionRunId, performance.timeOrigin + performance.now());
    return result.startsWith('COMPLETED');
  };
}

/** Waits until no workflow is running on the task queue (visibility count), bounded. */
export async function drained(client: Client, taskQueue: string, timeoutMs: number): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { count } = await client.workflow.count(
      `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'`,
    );
    if (count === 0 || Date.now() > until) return count;
    await new Promise((r) => setTimeout(r, 500));
  }
}

const CLK_TCK = 100;
let serverPid: number | null | undefined;
/** The dev server this process started (a `temporal` child process), for its CPU time; null if not found. */
function devServerPid(): number | null {
  if (serverPid !== undefined) return serverPid;
  serverPid = null;
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && comm.startsWith('temporal')) serverPid = Number(entry);
    } catch {
      // gone meanwhile, or not Linux
    }
  }
  return serverPid;
}

/** CPU seconds used so far by the dev server process and by this (bench + API + simulators + worker) process. */
export function cpuSnapshot(): { server: number | null; bench: number } {
  const pid = devServerPid();
  let server: number | null = null;
  if (pid !== null) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      server = (Number(f[11]) + Number(f[12])) / CLK_TCK;
    } catch {
      server = null;
    }
  }
  const u = process.cpuUsage();
  return { server, bench: (u.user + u.system) / 1e6 };
}

export interface VariantStats extends LoopStats {
  /** CPU ms per completed check: the dev server's, and this process's (API, simulators, worker, driver). */
  serverCpuMsPerCheck: number | null;
  benchCpuMsPerCheck: number;
}

/** Sums closed-loop rounds of one variant (the bench alternates variants A B B A to cancel drift on a shared machine). */
export function combine(
  label: string,
  rounds: { loop: LoopStats; cpu: { server: number | null; bench: number } }[],
): VariantStats {
  const completed = rounds.reduce((a, r) => a + r.loop.completed, 0);
  const seconds = rounds.reduce((a, r) => a + r.loop.seconds, 0);
  const server = rounds.every((r) => r.cpu.server !== null)
    ? rounds.reduce((a, r) => a + r.cpu.server!, 0)
    : null;
  const bench = rounds.reduce((a, r) => a + r.cpu.bench, 0);
  return {
    label,
    n: rounds.reduce((a, r) => a + r.loop.n, 0),
    concurrency: rounds[0]!.loop.concurrency,
    completed,
    failed: rounds.reduce((a, r) => a + r.loop.failed, 0),
    seconds,
    perSecond: completed / seconds,
    // Per-round percentiles cannot be merged exactly: the worse round's.
    p50: Math.max(...rounds.map((r) => r.loop.p50)),
    p99: Math.max(...rounds.map((r) => r.loop.p99)),
    serverCpuMsPerCheck: server === null ? null : (server * 1000) / completed,
    benchCpuMsPerCheck: (bench * 1000) / completed,
  };
}

/** One measured round with the CPU both processes spent in it. */
export async function measuredRound(
  label: string,
  concurrency: number,
  n: number,
  one: (i: number) => Promise<boolean>,
) {
  const before = cpuSnapshot();
  const loop = await closedLoop(label, concurrency, n, one);
  const after = cpuSnapshot();
  return {
    loop,
    cpu: {
      server: before.server === null || after.server === null ? null : after.server - before.server,
      bench: after.bench - before.bench,
    },
  };
}
