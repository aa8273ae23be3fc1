// Worker-crash scenario shared by the CI test and the full runner: N checks across every scenario,
// served by child workers; SIGKILL one (or all) while checks are refreshing, polling and parked on
// MFA; start fresh workers; answer MFA; every check must reach its scenario's result exactly once.
import type { WorkflowHandle } from '@temporalio/client';
import type { balanceCheck } from '../../workflows';
import { statusQuery } from '../../workflows/definitions';
import {
  driveCheck,
  spawnWorker,
  startCheck,
  tally,
  waitUntil,
  type ChildWorker,
  type CheckRun,
  type ReliabilityEnv,
  type Tally,
} from './harness';
import { SCENARIOS, type Scenario } from './scenarios';

export interface CrashOptions {
  checks: number;
  workers: number;
  /** Kill every worker (true) or only the first. */
  killAll: boolean;
  /** First clone number (keeps resources distinct across runs in one server). */
  offset?: number;
  scenarios?: Scenario[];
  /** Per-check bound before it counts as stuck (default 300 s). */
  deadlineMs?: number;
  log?: (line: string) => void;
}

export interface CrashReport {
  tally: Tally;
  /** Phases of the checks at the moment of the kill (DONE = had finished before it). */
  phasesAtKill: Record<string, number>;
  killed: number;
}

export async function runWorkerCrash(r: ReliabilityEnv, opts: CrashOptions): Promise<CrashReport> {
  const log = opts.log ?? (() => undefined);
  const scenarios = opts.scenarios ?? SCENARIOS;
  let workers: ChildWorker[] = Array.from({ length: opts.workers }, (_, i) =>
    spawnWorker(r, `w${i}-${Date.now()}`),
  );
  const replacements: ChildWorker[] = [];
  try {
    await Promise.all(workers.map((w) => w.ready));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const started: { run: CheckRun; handle: WorkflowHandle<typeof balanceCheck> }[] = [];
    for (let i = 0; i < opts.checks; i += 20) {
      const batch = Array.from({ length: Math.min(20, opts.checks - i) }, (_, j) =>
        startCheck(r.client, r.taskQueue, scenarios[(i + j) % scenarios.length]!, (opts.offset ?? 0) + i + j),
      );
      started.push(...(await Promise.all(batch)));
    }
    log(`started ${started.length} checks`);
    const drives = started.map(({ run, handle }) =>
      driveCheck(r.client, run, handle, opts.deadlineMs ?? 300_000, gate),
    );
    const mfa = started.filter(({ run }) => run.scenario.path === 'mfa').map(({ run }) => run);
    await waitUntil(() => mfa.every((run) => run.phasesSeen.has('WAITING_FOR_MFA')), 60_000, 200).catch(() =>
      log('not every MFA check reached WAITING_FOR_MFA before the kill'),
    );

    const phasesAtKill: Record<string, number> = {};
    for (let i = 0; i < started.length; i += 25) {
      await Promise.all(
        started.slice(i, i + 25).map(async ({ handle }) => {
          const phase = await r.client
            .withDeadline(Date.now() + 3000, () => handle.query(statusQuery))
            .then(
              (v) => v.phase,
              () => 'UNKNOWN',
            );
          phasesAtKill[phase] = (phasesAtKill[phase] ?? 0) + 1;
        }),
      );
    }
    const victims = opts.killAll ? workers : workers.slice(0, 1);
    const faultAt = Date.now();
    await Promise.all(victims.map((w) => w.kill('SIGKILL')));
    log(`SIGKILLed ${victims.length} worker(s); phases at kill ${JSON.stringify(phasesAtKill)}`);
    workers = workers.filter((w) => !victims.includes(w));
    for (let i = 0; i < victims.length; i++) replacements.push(spawnWorker(r, `w-new${i}-${Date.now()}`));
    await Promise.all(replacements.map((w) => w.ready));
    log(`started ${replacements.length} fresh worker(s) after ${Date.now() - faultAt} ms`);
    release();
    const runs = await Promise.all(drives);
    return { tally: await tally(r, runs, faultAt), phasesAtKill, killed: victims.length };
  } finally {
    await Promise.all([...workers, ...replacements].map((w) => w.kill('SIGTERM')));
  }
}
