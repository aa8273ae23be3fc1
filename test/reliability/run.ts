// The full reliability run: npm run reliability -- [--size ci|full] [--record-histories] [--no-write]
// Worker SIGKILL (one of two, then all) with checks across providers and phases, provider faults, a dev-server
// restart (SQLite), webhook chaos, API load with a worker kill, and faults on the Temporal cluster
// (test/reliability/cluster-run.ts; alone with `--only cluster`, which rewrites just its section),
// and writes docs/RELIABILITY.md from what it measured. --record-histories re-records test/histories/.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { runWorkerCrash, type CrashReport } from './crash';
import { FAULT_CASES, PROVIDER_TIMEOUT_MS, runFaultCases, type FaultOutcome } from './faults';
import { runApiLoad, type LoadReport } from './api-load';
import { runClusterReliability, spliceClusterSection } from './cluster-run';
import { formatTally, ROOT, spawnWorker, startReliabilityEnv } from './harness';
import { recordHistories } from './record-histories';
import { runServerRestart, type RestartReport } from './server-restart';
import { runWebhookChaos, type ChaosReport } from './webhook-chaos';

async function main() {
  const args = process.argv.slice(2);
  if (args.includes('--record-histories')) {
    await recordHistories();
    return;
  }
  const size = args.includes('--size') ? args[args.indexOf('--size') + 1]! : 'full';
  if (args.includes('--only') && args[args.indexOf('--only') + 1] === 'cluster') {
    const only = await runClusterReliability(size);
    const path = join(ROOT, 'docs', 'RELIABILITY.md');
    if (!args.includes('--no-write'))
      writeFileSync(path, spliceClusterSection(readFileSync(path, 'utf8'), only.md));
    console.log(only.md.join('\n'));
    process.exitCode = only.bad ? 1 : 0;
    return;
  }
  // Webhook-path checks finish in seconds, before the kill; 840 started keeps ≥ 200 in flight at it
  // (MFA checks parked on held answers, slow and polling ones still refreshing).
  const checks = size === 'full' ? 840 : 32;
  const t0 = Date.now();
  const crashes: { name: string; fault: string; report: CrashReport }[] = [];
  const r = await startReliabilityEnv({ timeScale: 1 });
  try {
    crashes.push({
      name: 'worker crash (one of two)',
      fault: 'SIGKILL 1 of 2 workers, 1 fresh started',
      report: await runWorkerCrash(r, { checks, workers: 2, killAll: false, offset: 0, log: console.log }),
    });
    crashes.push({
      name: 'worker crash (all)',
      fault: 'SIGKILL both workers, 2 fresh started',
      report: await runWorkerCrash(r, {
        checks,
        workers: 2,
        killAll: true,
        offset: 10_000,
        log: console.log,
      }),
    });
  } finally {
    await r.close();
  }
  let faults: FaultOutcome[];
  const rf = await startReliabilityEnv({ timeScale: 0.1 });
  const w = spawnWorker(rf, 'faults', { PROVIDER_TIMEOUT_MS: String(PROVIDER_TIMEOUT_MS) });
  try {
    await w.ready;
    faults = await runFaultCases(rf, FAULT_CASES, 500);
  } finally {
    await w.kill('SIGTERM');
    await rf.close();
  }
  const restartChecks = size === 'full' ? 100 : 24;
  const restart: RestartReport = await runServerRestart({
    checks: restartChecks,
    downMs: 5_000,
    log: console.log,
  });
  const rc = await startReliabilityEnv({ timeScale: 1 });
  const wc = spawnWorker(rc, 'chaos');
  let chaos: ChaosReport;
  try {
    await wc.ready;
    chaos = await runWebhookChaos(rc, { log: console.log });
  } finally {
    await wc.kill('SIGTERM');
    await rc.close();
  }
  const loadOpts =
    size === 'full'
      ? { posts: 300, durationMs: 20_000, concurrency: 16, killAtMs: 8_000 }
      : { posts: 120, durationMs: 10_000, concurrency: 16, killAtMs: 4_000 };
  const rl = await startReliabilityEnv({ timeScale: 1 });
  let load: LoadReport;
  try {
    load = await runApiLoad(rl, { ...loadOpts, log: console.log });
  } finally {
    await rl.close();
  }
  const cluster = await runClusterReliability(size);
  const md = [
    '# Reliability',
    '',
    `Produced by \`npm run reliability -- --size ${size}\` on ${new Date().toISOString()}, ${cpus().length} cores shared with other test runs; wall time ${((Date.now() - t0) / 1000).toFixed(0)} s.`,
    'Real Temporal dev server (CLI 1.5.1), the three provider simulators (load-test clones `<sandbox id>.<n>`), the API, and workers as child processes (test/reliability/child-worker.ts).',
    '',
    '## Worker crashes',
    '',
    'Checks rotate over every scenario in test/reliability/scenarios.ts (webhook, polling, MFA with one/two rounds/options/wrong answer, denied, failed, Meld reconnect/interactive/throttled, Spinwheel). MFA answers are held until the fresh worker is up, so those checks are parked on MFA across the crash. "lost" = finished with the wrong result; "stuck" = no result within 300 s; duplicated = workflow ids with > 1 run / resources whose simulator counted > 1 refresh start. Drain = kill → last check finished.',
    '',
    '| scenario | checks | fault | completed right | lost | stuck | duplicated | time to drain |',
    '|---|---|---|---|---|---|---|---|',
    ...crashes.map((c) =>
      formatTally(
        c.name,
        c.fault,
        c.report.tally,
        c.report.tally.inFlight - (c.report.phasesAtKill.DONE ?? 0),
      ),
    ),
    '',
    ...crashes.map(
      (c) =>
        `- ${c.name}: phases at the kill ${JSON.stringify(c.report.phasesAtKill)} (DONE = finished before the kill); wrong ${JSON.stringify(c.report.tally.wrong)}; stuck ${JSON.stringify(c.report.tally.stuck)}; duplicate starts ${JSON.stringify(c.report.tally.duplicatedProviderStarts)}.`,
    ),
    '',
    "Drain time is dominated by timeouts, not work: a workflow task held by the dead worker's sticky queue waits for the sticky schedule-to-start timeout, and an activity running on it waits for its start-to-close timeout (20 s in workflows/balance-check.ts: provider calls time out at 10 s, so a healthy attempt never needs more).",
    '',
    '## Server restart',
    '',
    `The dev server (scripts/dev-server.ts, SQLite file) is stopped (SIGTERM to its process group) and started again on the same port and file while ${restart.tally.inFlight - restart.acceptedDuringOutage} checks started through the API run (every scenario; MFA answers held until the server is back); 2 child workers and the API (one SDK client) are left alone to reconnect. While it is down the API is probed once a second (GET a running check, POST a new check, GET /readyz).`,
    '',
    '| scenario | checks | fault | completed right | lost | stuck | duplicated | time to drain |',
    '|---|---|---|---|---|---|---|---|',
    formatTally(
      'server restart (SQLite)',
      `server down ${(restart.outageMs / 1000).toFixed(1)} s (stop → answering again)`,
      restart.tally,
      restart.tally.inFlight - (restart.phasesAtStop.DONE ?? 0),
    ),
    '',
    `- phases at the stop ${JSON.stringify(restart.phasesAtStop)}; outage ${(restart.outageMs / 1000).toFixed(1)} s; drain after the server was back ${(restart.drainAfterRestartMs / 1000).toFixed(1)} s (the table's drain counts from the stop); workers that exited: ${restart.workerExits.length ? restart.workerExits.join(', ') : 'none'}.`,
    `- API during the outage (${restart.duringOutage.probes} probe rounds; slowest answer ${(restart.duringOutage.slowestMs / 1000).toFixed(1)} s): GET check ${JSON.stringify(restart.duringOutage.get)}, POST ${JSON.stringify(restart.duringOutage.post)}, /readyz ${JSON.stringify(restart.duringOutage.readyz)}; ${restart.acceptedDuringOutage} POSTs sent during the outage were accepted and completed. The SDK client waits for the connection to come back rather than failing fast, so calls sent during a short outage hang and then succeed; /readyz (2 s deadline) answers 503.`,
    `- GET of every check after the drain: ${JSON.stringify(restart.apiAfter)}${restart.apiMismatches.length ? `; mismatches ${JSON.stringify(restart.apiMismatches)}` : ''}.`,
    '',
    '## Webhook chaos',
    '',
    'The simulators post their webhooks to a relay that re-posts them to the API with the provider\'s credentials (MX Basic / Spinwheel header as sent; Meld re-signed with signMeldWebhook over MELD_WEBHOOK_URL). "stale completion" = a webhook-path check COMPLETED before the provider sent its own completion webhook for it. Posts: the API\'s answers to the relay for that resource (204 = signaled).',
    '',
    '| case | scenario | result | events accepted | polls | refresh starts | webhook posts | verdict |',
    '|---|---|---|---|---|---|---|---|',
    ...chaos.cases.map(
      (c) =>
        `| ${c.name} | ${c.scenario} | ${c.status}${c.reason ? ` ${c.reason}` : ''} | ${c.eventsAccepted} | ${c.polls} | ${c.refreshStarts} | ${
          Object.entries(c.posts)
            .map(([k, v]) => `${k}×${v}`)
            .join(', ') || '—'
        } | ${c.problems.length === 0 ? 'ok' : c.knownIssue ? `**known issue**: ${c.knownIssue}` : `**FAIL**: ${c.problems.join('; ')}`} |`,
    ),
    '',
    `Unknown resources / unused event types (crafted, authenticated): ${chaos.unknown.map((u) => `${u.name} → ${u.status} ${u.body}${u.ok ? '' : ' **FAIL**'}`).join('; ')}.`,
    '',
    '## API under load with a worker kill',
    '',
    `${load.requests} requests on loopback (${loadOpts.posts} POST /v1/balance-checks over ~${loadOpts.durationMs / 1000} s on distinct resources — every scenario, every ${10}th with \`Prefer: wait=3\` — plus a GET of an accepted check after every 3rd POST), ≤ ${loadOpts.concurrency} in flight, API key with a 10 000/min rate. The one child worker is SIGKILLed at +${(load.killAtMs / 1000).toFixed(1)} s; a fresh one was ready ${(load.freshWorkerReadyMs / 1000).toFixed(1)} s later. Load wall time ${(load.loadWallMs / 1000).toFixed(1)} s; latency p50 ${load.latencyMs.p50} ms, p95 ${load.latencyMs.p95} ms, max ${load.latencyMs.max} ms.`,
    '',
    '| scenario | checks | fault | completed right | lost | stuck | duplicated | time to drain |',
    '|---|---|---|---|---|---|---|---|',
    formatTally('API load + worker SIGKILL', 'SIGKILL the only worker mid-load, 1 fresh started', load.tally),
    '',
    `- Answers: ${Object.entries(load.byKind)
      .map(([k, v]) => `${k} ${JSON.stringify(v)}`)
      .join(
        '; ',
      )}. Accepted ${load.accepted}, lost ${load.lost.length}${load.lost.length ? ` ${JSON.stringify(load.lost)}` : ''}.`,
    `- Documented 503: GET /v1/balance-checks/{id} of a RUNNING check answers 503 \`worker-unavailable\` when no worker answers its status query within 5 s (api/check-view.ts QUERY_DEADLINE_MS) — from the kill until the fresh worker holds the workflow again (sticky queue timeout, then the normal queue): ${load.documented503} such answers in [+${(load.windowMs[0] / 1000).toFixed(1)} s, +${(load.windowMs[1] / 1000).toFixed(1)} s]. POST never needs a worker (start is a server call) and \`Prefer: wait\` that runs out answers 202, so neither may 5xx. Undocumented 5xx / no answer: ${load.undocumented.length ? JSON.stringify(load.undocumented) : 'none'}.`,
    '',
    ...cluster.md,
    '## Provider faults',
    '',
    `One check per case, worker with PROVIDER_TIMEOUT_MS=${PROVIDER_TIMEOUT_MS}, simulators at timeScale 0.1. Calls = requests of the faulted operation; gap = time from the faulted call to the next (Retry-After cases).`,
    '',
    '| fault | result | calls | refresh starts | Retry-After gap | calls/s | verdict |',
    '|---|---|---|---|---|---|---|',
    ...faults.map(
      (f) =>
        `| ${f.name} | ${f.status}${f.reason ? ` ${f.reason}` : ''} | ${f.calls} | ${f.refreshStarts} | ${f.gapMs !== undefined ? `${f.gapMs} ms` : '—'} | ${f.callsPerSecond.toFixed(2)} | ${f.problems.length === 0 ? 'ok' : f.knownIssue ? `**known issue**: ${f.knownIssue}` : `**FAIL**: ${f.problems.join('; ')}`} |`,
    ),
    '',
    '## Determinism',
    '',
    'test/histories/<scenario>.json are real histories (one per scenario); test/workflow/replay-histories.test.ts replays them all with Worker.runReplayHistories against the current bundle, plus test/histories/v1-before-cached-on-action-required/ (recorded before the patched() change below). Its negative case replays against test/reliability/fixtures/unguarded-change.ts (one unguarded timer) and must get a DeterminismViolationError. Re-record: `npm run reliability -- --record-histories` (or `npx tsx test/reliability/record-histories.ts [--only a,b]`); keep the previous files in a versioned subfolder when a change is patched().',
    '',
    "patched() demonstration: workflows/balance-check.ts returns the last known balances (CACHED) with ACTION_REQUIRED behind `wf.patched('cached-balances-on-action-required')`; the v1 histories (no read) and the current ones (with the read) both replay.",
    '',
    '## Not covered yet',
    '',
    '- Webhook signatures of the Meld relay are fresh (re-signed); replaying a Meld webhook with its original, expired signature is covered by test/unit, not here.',
    '',
  ].join('\n');
  if (!args.includes('--no-write')) writeFileSync(join(ROOT, 'docs', 'RELIABILITY.md'), md);
  console.log(md);
  const tallyBad = (t: {
    stuck: unknown[];
    wrong: unknown[];
    duplicatedRuns: unknown[];
    duplicatedProviderStarts: unknown[];
  }) => t.stuck.length || t.wrong.length || t.duplicatedRuns.length || t.duplicatedProviderStarts.length;
  const bad =
    crashes.some((c) => tallyBad(c.report.tally)) ||
    faults.some((f) => !f.ok) ||
    tallyBad(restart.tally) ||
    restart.apiMismatches.length > 0 ||
    restart.workerExits.length > 0 ||
    chaos.cases.some((c) => c.problems.length > 0 && !c.knownIssue) ||
    chaos.unknown.some((u) => !u.ok) ||
    tallyBad(load.tally) ||
    load.undocumented.length > 0 ||
    load.lost.length > 0 ||
    cluster.bad;
  process.exitCode = bad ? 1 : 0;
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
