// The cluster part of `npm run reliability` (also alone: `npm run reliability -- --only cluster`):
// one replica stack (cluster + two APIs + two workers + shared store), each fault of cluster-faults.ts
// in turn with fresh checks in flight, and the "Faults on the cluster" section of docs/RELIABILITY.md.
import {
  formatClusterFault,
  CLUSTER_FAULTS,
  runClusterFault,
  type ClusterFaultReport,
} from './cluster-faults';
import { startReplicaStack } from './cluster-stack';

export const CLUSTER_SECTION = '## Faults on the cluster';

export async function runClusterReliability(
  size: string,
  log: (line: string) => void = console.log,
): Promise<{ md: string[]; bad: boolean; reports: ClusterFaultReport[] }> {
  const checks = size === 'full' ? 150 : 30;
  const t0 = Date.now();
  const s = await startReplicaStack({ apis: 2, workers: 2, timeScale: 1, log });
  const setupMs = Date.now() - t0;
  const reports: { label: string; report: ClusterFaultReport }[] = [];
  try {
    for (const [i, { fault, label }] of CLUSTER_FAULTS.entries()) {
      log(`cluster fault: ${label} (${checks} checks)`);
      const report = await runClusterFault(s, fault, { checks, offset: 20_000 + i * 1000, log });
      log(formatClusterFault(label, report));
      reports.push({ label, report });
    }
  } finally {
    await s.close();
    await s.cluster.stop();
  }
  const md = [
    CLUSTER_SECTION,
    '',
    `The production shape (test/reliability/cluster-stack.ts): the real Temporal server v${'1.29.1'} as four processes (frontend, history, matching, worker) on a private PostgreSQL 15 (\`npm run cluster\`), two API processes (api/main.ts) sharing idempotency/rate-limit/webhook-dedupe state in PostgreSQL (API_STATE_URL), two worker processes (worker/main.ts), and a load balancer that delivers every provider webhook to both API replicas. Stack up in ${(setupMs / 1000).toFixed(1)} s (cluster set-up included when this process started it). For each fault, ${checks} fresh checks are started through the two APIs; two of three are MFA checks held parked on their answer until the faulted component is back; the rest run every other path (webhook, polling, denied, failed, Meld, Spinwheel). Recovery = fault → component answering again (for the services: a workflow can be started); drain = fault → last check finished. "lost" = wrong result, "stuck" = no result in 300 s, duplicated = workflow ids with > 1 run / simulator refresh starts > 1 for one resource. Simulators at timeScale 1 (sandbox job durations in real time): drain counts the refresh each of the 100 MFA checks still has to run after its answer, all answered at once on a 2-core machine, so it is mostly work, not fault; recovery is what the fault itself costs.`,
    '',
    '| fault | checks | recovery | completed right | lost | stuck | duplicated | time to drain |',
    '|---|---|---|---|---|---|---|---|',
    ...reports.map((r) => formatClusterFault(r.label, r.report)),
    '',
    ...reports.map(
      (r) =>
        `- ${r.label}: phases at the fault ${JSON.stringify(r.report.phasesAtFault)}; wrong ${JSON.stringify(r.report.tally.wrong)}; stuck ${JSON.stringify(r.report.tally.stuck)}; duplicate starts ${JSON.stringify(r.report.tally.duplicatedProviderStarts)}.`,
    ),
    '',
  ];
  const bad = reports.some(
    ({ report: { tally: t } }) =>
      t.stuck.length || t.wrong.length || t.duplicatedRuns.length || t.duplicatedProviderStarts.length,
  );
  return { md, bad: Boolean(bad), reports: reports.map((r) => r.report) };
}

/** Replaces (or appends before "## Provider faults") the cluster section of an existing RELIABILITY.md. */
export function spliceClusterSection(doc: string, section: string[]): string {
  const text = section.join('\n');
  const start = doc.indexOf(CLUSTER_SECTION);
  if (start >= 0) {
    const next = doc.indexOf('\n## ', start + CLUSTER_SECTION.length);
    return doc.slice(0, start) + text + (next >= 0 ? doc.slice(next + 1) : '');
  }
  const anchor = doc.indexOf('## Provider faults');
  return anchor >= 0 ? doc.slice(0, anchor) + text + '\n' + doc.slice(anchor) : `${doc.trimEnd()}\n\n${text}`;
}
