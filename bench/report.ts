// docs/BENCHMARKS.md from one run's results: the goals side by side with verdicts, then each case.
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { goals } from './goals';
import type { BenchResult } from './run';
import type { Summary } from './stats';

const ms = (x: number) => `${x.toFixed(1)} ms`;
const row = (label: string, s: Summary) =>
  `| ${label} | ${s.n} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.p99)} |`;
const stepTable = (steps: { step: string; summary: Summary }[] | undefined) =>
  steps
    ? ['| step | n | p50 | p95 | p99 |', '|---|---|---|---|---|', ...steps.map((s) => row(s.step, s.summary))]
    : [];

/** The goals table alone (also printed at the end of every run). */
export function goalsTable(r: BenchResult): string[] {
  return [
    '| goal | target | measured | verdict |',
    '|---|---|---|---|',
    ...goals(r).map((g) => `| ${g.goal} | ${g.target} | ${g.measured} | ${g.met ? 'met' : '**missed**'} |`),
  ];
}

export function report(r: BenchResult, notes: string[] = []): string {
  const version = JSON.parse(
    readFileSync(join(__dirname, '..', 'node_modules', '@temporalio', 'worker', 'package.json'), 'utf8'),
  ).version as string;
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
  return [
    '# Benchmarks',
    '',
    `Produced by \`npm run bench -- --size ${r.size}\` on ${r.finishedAt} (wall time ${(r.wallMs / 1000).toFixed(0)} s).`,
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, load average (1/5/15 min) ${load(r.loadBefore)} at the start, ${load(r.loadAfter)} at the end. Node ${process.version}, @temporalio/* ${version}, ${r.server ?? 'Temporal CLI dev server (SQLite in memory)'}, simulators at timeScale 0.1. Absolute times on this box say little; the ratios against the trivial workflow measured in the same run are what count.`,
    '',
    '## Goals (issue #15), one run',
    '',
    ...goalsTable(r),
    '',
    ...notes,
    '',
    '## P1 webhook → result, unloaded (concurrency 1)',
    '',
    `Real: the provider's webhook arrives at a forwarding tap in front of the API → the caller's \`POST /v1/balance-checks\` with \`Prefer: wait=30\` returns; ${r.cfg.unloadedPerProvider} checks per provider, one at a time. Trivial (\`bench/trivial-workflow.ts\`, its own worker with the same options): the simulated job's signal is sent → \`handle.result()\` returns.`,
    '',
    '| path | n | p50 | p95 | p99 |',
    '|---|---|---|---|---|',
    row('real, all providers', r.unloaded.real),
    ...Object.entries(r.unloaded.real.byProvider).map(([k, v]) => row(`real, ${k}`, v)),
    row('trivial workflow', r.unloaded.trivial),
    '',
    "Per step (from each run's history: event times from the server, tap and caller times from the bench, one clock):",
    '',
    ...Object.entries(r.unloaded.real.steps ?? {}).flatMap(([k, steps]) => [
      `**${k}**`,
      '',
      ...stepTable(steps),
      '',
    ]),
    '**trivial workflow**',
    '',
    ...stepTable(r.unloaded.trivial.steps),
    '',
    `## P1 webhook → result under load (concurrency ${r.loaded.real.concurrency})`,
    '',
    '| path | n | p50 | p95 | p99 |',
    '|---|---|---|---|---|',
    row('real, all providers', r.loaded.real),
    ...Object.entries(r.loaded.real.byProvider).map(([k, v]) => row(`real, ${k}`, v)),
    row('real, request → result', r.loaded.real.e2e),
    row('trivial workflow', r.loaded.trivial),
    row('polling path, request → result (MX/Meld)', r.polling),
    '',
    `Failures (no result or no webhook timestamp): real ${r.loaded.real.failures + r.unloaded.real.failures}, trivial ${r.loaded.trivial.failures + r.unloaded.trivial.failures}.`,
    '',
    `## P2 throughput: ${r.throughput.real.concurrency} in flight, closed loop`,
    '',
    '| variant | completed | failed | wall s | checks/s | p50 | p99 | dev-server CPU / check | bench-process CPU / check |',
    '|---|---|---|---|---|---|---|---|---|',
    ...[r.throughput.real, r.throughput.trivial].map(
      (t) =>
        `| ${t.label} | ${t.completed} | ${t.failed} | ${t.seconds.toFixed(1)} | ${t.perSecond.toFixed(1)} | ${ms(t.p50)} | ${ms(t.p99)} | ${t.serverCpuMsPerCheck === null ? 'n/a' : ms(t.serverCpuMsPerCheck)} | ${ms(t.benchCpuMsPerCheck)} |`,
    ),
    '',
    "Rounds A B B A (real, trivial, trivial, real) after a warm-up of each; p50/p99 are the worse round's.",
    '',
    '## P3 cost per check (recorded histories, test/histories/)',
    '',
    'Actions: workflow start, every activity attempt, timers, signals, updates, search-attribute upserts.',
    '',
    '| scenario | events | actions | start | activity attempts | timers | signals | updates | upserts |',
    '|---|---|---|---|---|---|---|---|---|',
    ...r.cost.map(
      (c) =>
        `| ${c.scenario} | ${c.events} | ${c.actions} | ${c.detail.start} | ${c.detail.activityAttempts} | ${c.detail.timers} | ${c.detail.signals} | ${c.detail.updates} | ${c.detail.upserts} |`,
    ),
    '',
    '## P4 parked checks in one worker',
    '',
    `${r.parked.n} MX checks parked in WAITING_FOR_MFA in one child worker process, then answered. Worker settings: ${JSON.stringify(r.parked.cache)}.`,
    '',
    '| checks | parked | RSS idle | RSS all parked | RSS peak | completed |',
    '|---|---|---|---|---|---|',
    `| ${r.parked.n} | ${r.parked.parked} | ${r.parked.rssIdleMiB.toFixed(0)} MiB | ${r.parked.rssParkedMiB.toFixed(0)} MiB | ${r.parked.rssPeakMiB.toFixed(0)} MiB | ${r.parked.completed} |`,
    '',
    '## P5 API starts vs SDK starts',
    '',
    `Concurrency 1, ${r.starts.unloaded.n} API and ${r.starts.unloaded.n} SDK starts interleaved one by one: API p50 ${ms(r.starts.unloaded.apiP50)}, SDK p50 ${ms(r.starts.unloaded.sdkP50)}, p50 of the paired differences (API − SDK) ${r.starts.unloaded.diffP50 === undefined ? 'not measured (older run)' : ms(r.starts.unloaded.diffP50)}.`,
    '',
    '| starter (concurrency ' + r.cfg.concurrency + ') | starts/s | p50 | p99 | non-2xx / errors |',
    '|---|---|---|---|---|',
    `| API POST /v1/balance-checks | ${r.starts.api.perSecond.toFixed(1)} | ${ms(r.starts.api.p50)} | ${ms(r.starts.api.p99)} | ${r.starts.api.errors} ${JSON.stringify(r.starts.api.statuses)} |`,
    `| SDK startOrJoinCheck | ${r.starts.sdk.perSecond.toFixed(1)} | ${ms(r.starts.sdk.p50)} | ${ms(r.starts.sdk.p99)} | ${r.starts.sdk.errors} |`,
    '',
    '## P6 provider calls per 1,000 requests',
    '',
    `${r.providerCalls.fresh.requests} requests for ${r.providerCalls.resources} MX resources spread over ${r.providerCalls.windowSeconds} s (start or join, no wait), counted in the simulators' call logs; then the same requests with maxAgeSeconds.`,
    '',
    '| round | requests | HTTP statuses | provider calls | per 1,000 requests | refreshes per resource | reused | calls by operation |',
    '|---|---|---|---|---|---|---|---|',
    ...(['fresh', 'cached'] as const).map((k) => {
      const c = r.providerCalls[k];
      return `| ${k === 'fresh' ? 'fresh' : 'with maxAgeSeconds'} | ${c.requests} | ${c.statuses ? JSON.stringify(c.statuses) : `${c.non2xx} non-2xx`} | ${c.calls} | ${c.perThousand.toFixed(0)} | ${c.runsPerResource.toFixed(2)} | ${c.reused} | ${JSON.stringify(c.byOperation)} |`;
    }),
    '',
    r.problems.length
      ? `**Run problems (the bench exited 1):**\n\n${r.problems.map((p) => `- ${p}`).join('\n')}\n`
      : 'Run problems: none.',
    '',
  ].join('\n');
}
