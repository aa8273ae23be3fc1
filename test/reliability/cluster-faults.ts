// Faults on the production shape (cluster + two APIs + two workers + shared store), shared by the CI
// subset (test/workflow/cluster-faults.test.ts) and `npm run reliability`: with checks in flight —
// most parked on MFA, the rest refreshing/polling — SIGKILL the history service, the matching
// service, one API replica or one worker, or restart PostgreSQL; bring it back; answer MFA; every
// check must reach its scenario's result exactly once (0 lost, 0 stuck, 0 duplicate refreshes).
import type { WorkflowHandle } from '@temporalio/client';
import type { balanceCheck } from '../../workflows';
import { statusQuery } from '../../workflows/definitions';
import { startViaApi } from './api-driver';
import type { ReplicaStack } from './cluster-stack';
import { driveCheck, tally, waitUntil, type CheckRun, type Tally } from './harness';
import { SCENARIOS } from './scenarios';

export type ClusterFault = 'history' | 'matching' | 'api' | 'worker' | 'postgres';

export const CLUSTER_FAULTS: { fault: ClusterFault; label: string }[] = [
  { fault: 'history', label: 'SIGKILL the history service, start it again' },
  { fault: 'matching', label: 'SIGKILL the matching service, start it again' },
  { fault: 'api', label: 'SIGKILL one API replica, start it again' },
  { fault: 'worker', label: 'SIGKILL one worker, start a fresh one' },
  { fault: 'postgres', label: 'restart PostgreSQL (fast shutdown, start)' },
];

export interface ClusterFaultReport {
  fault: ClusterFault;
  tally: Tally;
  /** Checks not finished when the fault hit. */
  inFlightAtFault: number;
  phasesAtFault: Record<string, number>;
  /** Fault → the component answering again. */
  recoveryMs: number;
}

const MFA = SCENARIOS.filter((x) => x.path === 'mfa' && x.expect === 'COMPLETED');
const OTHERS = SCENARIOS.filter((x) => x.path !== 'mfa');

/** Two of three checks park on MFA (held until after the fault); the rest run every other path. */
function scenarioFor(i: number) {
  return i % 3 === 2 ? OTHERS[Math.floor(i / 3) % OTHERS.length]! : MFA[i % MFA.length]!;
}

async function injectFault(s: ReplicaStack, fault: ClusterFault): Promise<void> {
  switch (fault) {
    case 'history':
    case 'matching':
      await s.cluster.killService(fault, 'SIGKILL');
      await s.cluster.startService(fault);
      await s.cluster.waitReady();
      return;
    case 'api': {
      const victim = s.apis[0]!;
      await victim.kill('SIGKILL');
      await s.startApi(victim.id).ready;
      return;
    }
    case 'worker': {
      const victim = s.workers[0]!;
      await victim.kill('SIGKILL');
      await s.startWorker(victim.id).ready;
      return;
    }
    case 'postgres':
      s.cluster.postgres.restart();
      await s.cluster.waitReady();
      return;
  }
}

export async function runClusterFault(
  s: ReplicaStack,
  fault: ClusterFault,
  opts: { checks: number; offset: number; log?: (line: string) => void; deadlineMs?: number },
): Promise<ClusterFaultReport> {
  const log = opts.log ?? (() => undefined);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const started: { run: CheckRun; handle: WorkflowHandle<typeof balanceCheck> }[] = [];
  for (let i = 0; i < opts.checks; i += 25) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(25, opts.checks - i) }, (_, j) =>
        startViaApi(s.client, s.apis[(i + j) % s.apis.length]!.url!, scenarioFor(i + j), opts.offset + i + j),
      ),
    );
    for (const x of batch) {
      if (!x.started) throw new Error(`start refused: ${x.answer.status} ${JSON.stringify(x.answer.body)}`);
      started.push(x.started);
    }
  }
  const drives = started.map(({ run, handle }) =>
    driveCheck(s.client, run, handle, opts.deadlineMs ?? 300_000, gate),
  );
  const mfa = started.filter(({ run }) => run.scenario.path === 'mfa').map(({ run }) => run);
  await waitUntil(() => mfa.every((run) => run.phasesSeen.has('WAITING_FOR_MFA')), 120_000, 200).catch(() =>
    log('not every MFA check reached WAITING_FOR_MFA before the fault'),
  );
  const phasesAtFault: Record<string, number> = {};
  for (let i = 0; i < started.length; i += 25) {
    await Promise.all(
      started.slice(i, i + 25).map(async ({ handle }) => {
        const phase = await s.client
          .withDeadline(Date.now() + 3000, () => handle.query(statusQuery))
          .then(
            (v) => (v.result ? 'DONE' : v.phase),
            () => 'UNKNOWN',
          );
        phasesAtFault[phase] = (phasesAtFault[phase] ?? 0) + 1;
      }),
    );
  }
  const inFlightAtFault = started.length - (phasesAtFault.DONE ?? 0);
  const faultAt = Date.now();
  await injectFault(s, fault);
  const recoveryMs = Date.now() - faultAt;
  log(
    `${fault}: recovered in ${recoveryMs} ms; in flight at the fault ${inFlightAtFault} ${JSON.stringify(phasesAtFault)}`,
  );
  release();
  const runs = await Promise.all(drives);
  return {
    fault,
    tally: await tally({ client: s.client, stack: s as never }, runs, faultAt),
    inFlightAtFault,
    phasesAtFault,
    recoveryMs,
  };
}

export function formatClusterFault(label: string, r: ClusterFaultReport): string {
  const t = r.tally;
  return `| ${label} | ${t.inFlight} started, ${r.inFlightAtFault} in flight | ${(r.recoveryMs / 1000).toFixed(1)} s | ${t.completed} | ${t.inFlight - t.completed - t.stuck.length} | ${t.stuck.length} | ${t.duplicatedRuns.length} runs / ${t.duplicatedProviderStarts.length} refresh starts | ${(t.drainMs / 1000).toFixed(1)} s |`;
}
