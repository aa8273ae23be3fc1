// Reliability harness: a real dev server, the simulators + API (no in-process worker), workers as
// child processes (SIGKILL-able), and a driver that runs one check to its end (answering MFA).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  balanceCheckWorkflowId,
  type BalanceCheckInput,
  type BalanceCheckResult,
  type BalanceCheckState,
} from '../../contracts/balance-check';
import type { RunningSimulator } from '../../providers/simulator-kit';
import { startSandboxStack, type SandboxStack } from '../../sandbox/stack';
import { answerChallengesUpdate, statusQuery } from '../../workflows/definitions';
import { startDevServer, workflowBundle } from '../helpers/temporal-env';
import { RELIABILITY_API_KEYS } from './api-driver';
import { answerFor, type Scenario } from './scenarios';
import { startOrJoinCheck } from '../../api/start-check';
import { answerOf } from '../helpers/answers';
import type { balanceCheck } from '../../workflows';

export const ROOT = join(__dirname, '..', '..');

export interface ReliabilityEnv {
  env: TestWorkflowEnvironment;
  stack: SandboxStack;
  client: Client;
  address: string;
  namespace: string;
  taskQueue: string;
  /** The prebuilt workflow bundle children load (no webpack per child). */
  codePath: string;
  workDir: string;
  close(): Promise<void>;
}

/** Running simulators of this process's stacks: load-test clones are made known to them before use. */
const preparers = new Set<Partial<Record<string, RunningSimulator>>>();
export function registerSimulators(simulators: Partial<Record<string, RunningSimulator>>): () => void {
  preparers.add(simulators);
  return () => preparers.delete(simulators);
}
/** A clone of a sandbox resource (e.g. meld-conn-active.17) must exist before its first check. */
export function prepareResource(provider: string, resource: { userId: string; memberId?: string }): void {
  for (const sims of preparers) sims[provider]?.prepareResource?.(resource);
}

export async function startReliabilityEnv(
  opts: { timeScale?: number; taskQueue?: string; dbFilename?: string } = {},
): Promise<ReliabilityEnv> {
  const workDir = mkdtempSync(join(tmpdir(), 'bc-reliability-'));
  const env = await startDevServer(opts.dbFilename ? { dbFilename: opts.dbFilename } : {});
  const namespace = env.namespace ?? 'default';
  const taskQueue = opts.taskQueue ?? `rel-${process.pid}-${Date.now()}`;
  const stack = await startSandboxStack({
    client: env.client,
    connection: env.nativeConnection,
    namespace,
    timeScale: opts.timeScale ?? 0.1,
    taskQueue,
    withoutWorker: true,
    log: () => undefined,
    apiKeys: RELIABILITY_API_KEYS,
  });
  preparers.add(stack.simulators);
  const codePath = join(workDir, 'workflow-bundle.js');
  writeFileSync(codePath, (await workflowBundle()).code);
  return {
    env,
    stack,
    client: env.client,
    address: env.address,
    namespace,
    taskQueue,
    codePath,
    workDir,
    async close() {
      preparers.delete(stack.simulators);
      await stack.close();
      await env.teardown();
    },
  };
}

export interface ChildWorker {
  proc: ChildProcess;
  id: string;
  ready: Promise<void>;
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Spawns test/reliability/child-worker.ts; `ready` resolves once its Worker is created. */
export function spawnWorker(
  r: Pick<ReliabilityEnv, 'address' | 'namespace' | 'taskQueue' | 'codePath' | 'workDir' | 'stack'>,
  id: string,
  extraEnv: Record<string, string> = {},
): ChildWorker {
  mkdirSync(join(r.workDir, 'logs'), { recursive: true });
  const log = createWriteStream(join(r.workDir, 'logs', `${id}.log`));
  const proc = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'child-worker.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...r.stack.providerEnv,
      TEMPORAL_ADDRESS: r.address,
      TEMPORAL_NAMESPACE: r.namespace,
      TASK_QUEUE: r.taskQueue,
      WORKFLOW_CODE_PATH: r.codePath,
      WORKER_IDENTITY: id,
      ...extraEnv,
    } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stderr!.pipe(log);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('WORKER_READY')) resolve();
      log.write(chunk);
    });
    void exited.then((code) =>
      reject(
        new Error(`worker ${id} exited (${code}) before ready; see ${join(r.workDir, 'logs', `${id}.log`)}`),
      ),
    );
  });
  return {
    proc,
    id,
    ready,
    exited,
    async kill(signal = 'SIGKILL') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      await exited;
    },
  };
}

export interface CheckRun {
  scenario: Scenario;
  workflowId: string;
  /** The caller the harness is (its answer is read from the run result). */
  callerId?: string;
  input: BalanceCheckInput;
  startedAt: number;
  result?: BalanceCheckResult;
  error?: string;
  finishedAt?: number;
  /** Phases seen while driving (for "in flight in phase X" accounting). */
  phasesSeen: Set<string>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A client call that may meet a dead worker or a restarting server: bounded, retried by the caller. */
async function bounded<T>(client: Client, ms: number, fn: () => Promise<T>): Promise<T> {
  return client.withDeadline(Date.now() + ms, fn);
}

/** Starts a check on `taskQueue` (the SDK client, as the API does) and returns its run record. */
export async function startCheck(
  client: Client,
  taskQueue: string,
  sc: Scenario,
  n: number | undefined,
  timeouts?: BalanceCheckInput['timeouts'],
): Promise<{ run: CheckRun; handle: WorkflowHandle<typeof balanceCheck> }> {
  const input: BalanceCheckInput = {
    provider: sc.provider,
    resource: sc.resource(n),
    ...(timeouts ? { timeouts } : {}),
    requestedBy: 'reliability',
    owner: 'sandbox',
  };
  prepareResource(input.provider, input.resource);
  const workflowId = balanceCheckWorkflowId(input.provider, input.resource, input.owner);
  const run: CheckRun = { scenario: sc, workflowId, input, startedAt: Date.now(), phasesSeen: new Set() };
  for (let attempt = 0; ; attempt++) {
    try {
      // Started exactly as the API starts checks (conflict policy, search attributes, summaries).
      const ref = await startOrJoinCheck(client, taskQueue, input);
      run.callerId = ref.callerId;
      return { run, handle: client.workflow.getHandle<typeof balanceCheck>(ref.workflowId, ref.runId) };
    } catch (err) {
      if (attempt > 60) throw err;
      await sleep(500);
    }
  }
}

/** Drives a started check to its end: answers each MFA round, then waits for the result (retrying through outages). */
export async function driveCheck(
  client: Client,
  run: CheckRun,
  handle: WorkflowHandle<typeof balanceCheck>,
  deadlineMs = 240_000,
  answerGate?: Promise<void>,
): Promise<CheckRun> {
  const until = Date.now() + deadlineMs;
  const rounds = run.scenario.mfaRounds ?? [];
  try {
    for (let round = 0; round < rounds.length; round++) {
      for (;;) {
        if (Date.now() > until) throw new Error(`stuck before MFA round ${round + 1}`);
        let view: BalanceCheckState | undefined;
        try {
          view = await bounded(client, 3_000, () => handle.query(statusQuery));
        } catch {
          await sleep(300);
          continue;
        }
        run.phasesSeen.add(view.phase);
        if (view.result) return finish(run, view.result);
        if (view.phase !== 'WAITING_FOR_MFA' || view.challenges.length === 0) {
          await sleep(200);
          continue;
        }
        // Hold the answer (the check stays parked on MFA) until the caller says so.
        if (answerGate) await answerGate;
        try {
          const answers = answerFor(view.challenges, rounds[round]!);
          // A stable update id per round: a retry after a timeout (the first may have landed) is the
          // same update — Temporal answers it from the first — never this round's value for the next challenge.
          await bounded(client, 10_000, () =>
            handle.executeUpdate(answerChallengesUpdate, {
              args: [{ answers }],
              updateId: `${run.workflowId}:mfa:${round}`,
            }),
          );
          break;
        } catch (err) {
          // Validator refusal (already answered / not waiting) or an outage: look again.
          if (!(err instanceof WorkflowUpdateFailedError)) await sleep(300);
          else await sleep(100);
        }
      }
    }
    for (;;) {
      if (Date.now() > until) throw new Error('stuck: no result before the deadline');
      try {
        const result = await bounded(client, 15_000, () => answerOf(handle, run.callerId));
        return finish(run, result);
      } catch (err) {
        if ((err as Error).name === 'WorkflowFailedError') throw err;
        await sleep(300);
      }
    }
  } catch (err) {
    run.error = (err as Error).message;
    run.finishedAt = Date.now();
    return run;
  }
}

function finish(run: CheckRun, result: BalanceCheckResult): CheckRun {
  run.result = result;
  run.finishedAt = Date.now();
  return run;
}

export interface Tally {
  inFlight: number;
  completed: number;
  wrong: { workflowId: string; expected: string; got: string }[];
  stuck: string[];
  duplicatedRuns: string[];
  duplicatedProviderStarts: { key: string; starts: number }[];
  drainMs: number;
  byScenario: Record<string, number>;
}

/** Compares runs against their scenario, counts provider refresh starts and runs per workflow id. */
export async function tally(
  r: Pick<ReliabilityEnv, 'client' | 'stack'>,
  runs: CheckRun[],
  faultAt: number,
): Promise<Tally> {
  const wrong: Tally['wrong'] = [];
  const stuck: string[] = [];
  const dupStarts: Tally['duplicatedProviderStarts'] = [];
  const byScenario: Record<string, number> = {};
  for (const run of runs) {
    byScenario[run.scenario.name] = (byScenario[run.scenario.name] ?? 0) + 1;
    if (!run.result) {
      stuck.push(`${run.workflowId}: ${run.error ?? 'no result'}`);
      continue;
    }
    if (run.result.status !== run.scenario.expect)
      wrong.push({
        workflowId: run.workflowId,
        expected: run.scenario.expect,
        got: `${run.result.status} ${run.result.reason?.code ?? ''}`,
      });
    const starts = r.stack.simulators[run.scenario.provider]!.refreshStarts(
      run.scenario.startsKey(run.input.resource),
    );
    if (starts > 1)
      dupStarts.push({
        key: `${run.scenario.provider}:${run.scenario.startsKey(run.input.resource)}`,
        starts,
      });
  }
  const duplicatedRuns = await runsPerWorkflowId(r.client, runs);
  const lastFinish = Math.max(...runs.map((x) => x.finishedAt ?? Date.now()));
  return {
    inFlight: runs.length,
    completed: runs.filter((x) => x.result && x.result.status === x.scenario.expect).length,
    wrong,
    stuck,
    duplicatedRuns,
    duplicatedProviderStarts: dupStarts,
    drainMs: Math.max(0, lastFinish - faultAt),
    byScenario,
  };
}

/** Workflow ids with more than one run (a check started twice). */
async function runsPerWorkflowId(client: Client, runs: CheckRun[]): Promise<string[]> {
  const ids = new Set(runs.map((x) => x.workflowId));
  const counts = new Map<string, number>();
  try {
    for await (const wf of client.workflow.list({ query: `WorkflowType = 'balanceCheck'` })) {
      if (ids.has(wf.workflowId)) counts.set(wf.workflowId, (counts.get(wf.workflowId) ?? 0) + 1);
    }
  } catch {
    return ['(visibility list failed)'];
  }
  return [...counts].filter(([, c]) => c > 1).map(([id, c]) => `${id} ×${c}`);
}

/** A fresh SDK client on its own connection (the dev server's client dies with a restart). */
export async function connectClient(address: string, namespace: string): Promise<Client> {
  const connection = await Connection.connect({ address });
  return new Client({ connection, namespace });
}

export function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  everyMs = 100,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  return (async () => {
    for (;;) {
      if (await check()) return;
      if (Date.now() > until) throw new Error(`condition not met in ${timeoutMs} ms`);
      await sleep(everyMs);
    }
  })();
}

export function formatTally(name: string, fault: string, t: Tally, inFlightAtKill?: number): string {
  return `| ${name} | ${t.inFlight} started, ${inFlightAtKill ?? '?'} in flight at the fault | ${fault} | ${t.completed} | ${t.inFlight - t.completed - t.stuck.length} | ${t.stuck.length} | ${t.duplicatedRuns.length} runs / ${t.duplicatedProviderStarts.length} refresh starts | ${(t.drainMs / 1000).toFixed(1)} s |`;
}
