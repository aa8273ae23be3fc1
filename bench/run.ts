// Benchmarks: npm run bench -- [--size smoke|medium|full] [--out docs/BENCHMARKS.md | --no-write]
//   [--render <json> [--parked <parked-run json>]]
// Runs every goal of issue #15 in one process against one dev server, each case in bench/cases/:
// P1 webhook → result unloaded (with a per-step breakdown) and under load, each against the trivial
// workflow in the same run; P2 throughput; P3 cost from the recorded histories; P4 parked checks;
// P5 API vs SDK starts; P6 provider calls per 1,000 requests. Prints the goals table with verdicts and
// writes docs/BENCHMARKS.md (plus bench/results/last-<size>.json). Validity failures are collected in
// `problems`: the report is still written, then the CLI exits 1.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pollingLatency } from './cases/polling';
import { providerCallsCase } from './cases/provider-calls';
import { startsCase } from './cases/starts';
import { throughputCase } from './cases/throughput';
import { trivialLatency } from './cases/trivial-latency';
import { webhookLatency, WEBHOOK_SCENARIOS } from './cases/webhook-latency';
import type { BenchContext } from './context';
import { costFromHistories } from './cost';
import { runParked } from './parked';
import { goalsTable, report } from './report';
import { SIZES, type Size } from './sizes';
import { startBenchStack } from './stack';
import { startTrivialWorker } from './throughput';

export { costFromHistories } from './cost';

export type BenchResult = Awaited<ReturnType<typeof runBench>>;

export async function runBench(size: Size, log: (l: string) => void = console.log) {
  const cfg = SIZES[size];
  const t0 = Date.now();
  const loadBefore = loadavg();
  const bench = await startBenchStack();
  const { env, namespace, stack, tap } = bench;
  const trivial = await startTrivialWorker(env.nativeConnection, namespace, env.client);
  const problems: string[] = [];
  const ctx: BenchContext = { env, namespace, stack, tap, cfg, log, problems };
  try {
    bench.webhooksTo(tap.url);

    // P1 unloaded: one at a time, real then trivial, each check's history broken into steps.
    const unloaded = {
      real: await webhookLatency(ctx, {
        n: cfg.unloadedPerProvider * WEBHOOK_SCENARIOS.length,
        concurrency: 1,
        base: 5_000,
        steps: true,
      }),
      trivial: await trivialLatency(env.client, trivial, {
        n: cfg.unloadedPerProvider * WEBHOOK_SCENARIOS.length,
        concurrency: 1,
        base: 5_000,
        steps: true,
      }),
    };
    log(
      `P1 unloaded: real p50 ${unloaded.real.p50.toFixed(1)} ms, trivial p50 ${unloaded.trivial.p50.toFixed(1)} ms`,
    );

    // P1 under load.
    const loaded = {
      real: await webhookLatency(ctx, { n: cfg.latency, concurrency: cfg.concurrency, base: 10_000 }),
      trivial: await trivialLatency(env.client, trivial, {
        n: cfg.latency,
        concurrency: cfg.concurrency,
        base: 10_000,
      }),
    };
    log(`P1 loaded: real ${JSON.stringify(loaded.real)}; trivial ${JSON.stringify(loaded.trivial)}`);
    const polling = await pollingLatency(ctx);
    log(`polling path end-to-end: ${JSON.stringify(polling)}`);

    const starts = await startsCase(ctx);

    bench.webhooksTo(stack.apiUrl);
    const throughput = await throughputCase(ctx);
    const providerCalls = await providerCallsCase(ctx);

    const parked = await runParked(
      { client: env.client, nativeConnection: env.nativeConnection, address: env.address, namespace },
      cfg.parked,
      log,
    );
    if (parked.parked < parked.n)
      problems.push(
        `P4: only ${parked.parked} of ${parked.n} checks reached WAITING_FOR_MFA within the bound`,
      );
    if (parked.completed < parked.n)
      problems.push(
        `P4: ${parked.notCompleted} of ${parked.n} parked checks did not complete after their answer`,
      );

    const cost = costFromHistories();
    for (const p of problems) log(`PROBLEM: ${p}`);
    const result = {
      size,
      cfg,
      unloaded,
      loaded,
      polling,
      starts,
      throughput,
      providerCalls,
      parked,
      cost,
      problems,
      loadBefore,
      server: benchServer(),
      loadAfter: loadavg(),
      wallMs: Date.now() - t0,
      finishedAt: new Date().toISOString(),
    };
    log(['', ...goalsTable(result)].join('\n'));
    return result;
  } finally {
    await trivial.close();
    await bench.close();
  }
}

/** Which Temporal server the run used (TEST_TEMPORAL=cluster: the PostgreSQL cluster of scripts/cluster.ts). */
function benchServer(): string {
  return process.env.TEST_TEMPORAL === 'cluster'
    ? 'Temporal Server 1.29.1 cluster (frontend, history, matching, worker processes; PostgreSQL 15)'
    : 'Temporal CLI dev server (SQLite in memory)';
}

/** Findings that explain the figures (profiles, bounds), kept by hand beside the bench. */
function notes(): string[] {
  const file = join(__dirname, 'findings.md');
  return existsSync(file) ? [readFileSync(file, 'utf8').trimEnd()] : [];
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const arg = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const defaultOut = join(__dirname, '..', 'docs', 'BENCHMARKS.md');
  // --render <results.json>: rewrite the report from a saved run without re-running; --parked <json>
  // puts a P4 run of bench/parked-run.ts (10,000 checks does not fit in the full run) in its place.
  const saved = arg('--render');
  if (saved) {
    const result = JSON.parse(readFileSync(saved, 'utf8')) as BenchResult;
    const parked = arg('--parked');
    if (parked) result.parked = JSON.parse(readFileSync(parked, 'utf8')) as BenchResult['parked'];
    const target = arg('--out') ?? defaultOut;
    writeFileSync(target, report(result, target === defaultOut ? notes() : []));
    console.log(`wrote ${target}`);
    process.exit(0);
  }
  const size = (arg('--size') ?? 'smoke') as Size;
  const out = arg('--out') ?? (args.includes('--no-write') ? undefined : defaultOut);
  if (!(size in SIZES)) throw new Error(`--size smoke|medium|full, not ${size}`);
  runBench(size).then(
    (r) => {
      mkdirSync(join(__dirname, 'results'), { recursive: true });
      const suffix = process.env.TEST_TEMPORAL === 'cluster' ? '-cluster' : '';
      writeFileSync(join(__dirname, 'results', `last-${size}${suffix}.json`), JSON.stringify(r, null, 1));
      // The hand-kept findings explain the dev-server report; another --out gets the figures alone.
      const md = report(r, out === defaultOut ? notes() : []);
      if (out) writeFileSync(out, md);
      console.log(out ? `wrote ${out}` : md);
      process.exit(r.problems.length ? 1 : 0);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
