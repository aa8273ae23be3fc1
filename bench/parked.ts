// Case 4: N checks parked on MFA in one worker process (bench/rss-child.ts → the reliability child
// worker), its RSS (process.memoryUsage().rss, reported by the child itself), the cache settings, and
// that every check completes once its answer arrives. MX clones of MBR-challenge (MBR-challenge.<n>):
// refresh → challenge webhook → status read → WAITING_FOR_MFA (a condition with only the MFA deadline
// timer: nothing runs until the answer). Then every check is answered (the MFA Update, as the API's
// POST /v1/balance-checks/{id}/mfa sends it) and must end COMPLETED.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { CHECK_PHASES, type BalanceCheckInput } from '../contracts/balance-check';
import { startOrJoinCheck } from '../api/start-check';
import { MX_SANDBOX_ANSWERS, MX_SANDBOX_CHALLENGES } from '../providers/mx/sandbox';
import { startSandboxStack } from '../sandbox/stack';
import { DEFAULT_MAX_CACHED_WORKFLOWS } from '../config/worker';
import { workflowBundle } from '../test/helpers/temporal-env';
import { scenario } from '../test/reliability/scenarios';
import { answerChallengesUpdate } from '../workflows/definitions';
import type { balanceCheck } from '../workflows';

export const PARKED_TASK_QUEUE = 'bench-parked';
const MiB = 2 ** 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ParkedResult {
  n: number;
  parked: number;
  completed: number;
  notCompleted: number;
  cache: Record<string, unknown>;
  rssIdleMiB: number;
  rssParkedMiB: number;
  heapParkedMiB: number;
  rssPeakMiB: number;
  rssEndMiB: number;
  startSeconds: number;
  parkSeconds: number;
  answerSeconds: number;
  completeSeconds: number;
  answerErrors: number;
  phases: Record<string, number>;
}

async function pool(n: number, count: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, count) }, async () => {
      while (next < count) await fn(next++);
    }),
  );
}

export async function runParked(
  env: { client: Client; nativeConnection: NativeConnection; address: string; namespace: string },
  opts: {
    n: number;
    concurrency: number;
    boundSeconds: number;
    maxCachedWorkflows?: number;
    /** Simulator time scale (default 2); MX expires an unanswered challenge after 5 min × this. */
    timeScale?: number;
  },
  log: (l: string) => void,
): Promise<ParkedResult> {
  const { client } = env;
  // timeScale 2: MX's unanswered-challenge expiry (5 min) becomes 10 min, longer than parking takes.
  const stack = await startSandboxStack({
    client,
    connection: env.nativeConnection,
    namespace: env.namespace,
    providers: ['mx'],
    timeScale: opts.timeScale ?? 2,
    taskQueue: PARKED_TASK_QUEUE,
    withoutWorker: true,
    log: () => undefined,
  });
  const dir = mkdtempSync(join(tmpdir(), 'bc-bench-parked-'));
  const codePath = join(dir, 'workflow-bundle.js');
  writeFileSync(codePath, (await workflowBundle()).code);
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'rss-child.ts')], {
    cwd: join(__dirname, '..'),
    env: {
      ...process.env,
      ...stack.providerEnv,
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_NAMESPACE: env.namespace,
      TASK_QUEUE: PARKED_TASK_QUEUE,
      WORKFLOW_CODE_PATH: codePath,
      WORKER_IDENTITY: 'bench-parked-worker',
      // The worker's own default unless the run sets one (worker/main.ts: WORKER_MAX_CACHED_WORKFLOWS).
      MAX_CACHED_WORKFLOWS: String(opts.maxCachedWorkflows ?? DEFAULT_MAX_CACHED_WORKFLOWS),
    } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let rss = 0;
  let heap = 0;
  let peak = 0;
  let cache: Record<string, unknown> = {};
  let stderr = '';
  let ready: () => void = () => undefined;
  const readyP = new Promise<void>((resolve) => (ready = resolve));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let buf = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buf += chunk.toString();
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const line of lines) {
      const [tag, a, b] = line.split(' ');
      if (tag === 'RSS') {
        rss = Number(a);
        heap = Number(b);
        peak = Math.max(peak, rss);
      } else if (tag === 'CACHE') cache = JSON.parse(line.slice(6)) as Record<string, unknown>;
      else if (tag === 'WORKER_READY') ready();
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-4000)));
  const countOf = async (q: string) =>
    (await client.workflow.count(`TaskQueue = '${PARKED_TASK_QUEUE}' AND ${q}`)).count;
  const s = scenario('mx-mfa');
  const refs: { workflowId: string; runId: string }[] = [];
  try {
    await Promise.race([
      readyP,
      exited.then((code) => Promise.reject(new Error(`parked worker exited (${code}): ${stderr}`))),
    ]);
    await sleep(opts.n >= 1000 ? 1000 : 500);
    const rssIdle = rss;
    log(`parked: worker ready, RSS ${(rssIdle / MiB).toFixed(0)} MiB, cache ${JSON.stringify(cache)}`);
    const until = Date.now() + opts.boundSeconds * 1000;

    // Start N checks (as the API starts them), long deadlines: they park until answered.
    const t0 = performance.now();
    await pool(opts.concurrency, opts.n, async (i) => {
      const input: BalanceCheckInput = {
        provider: 'mx',
        resource: s.resource(200_000 + i),
        requestedBy: 'bench',
        owner: 'bench',
        timeouts: { overallSeconds: 3600, mfaSeconds: 3000 },
      };
      refs[i] = await startOrJoinCheck(client, PARKED_TASK_QUEUE, input);
    });
    const startSeconds = (performance.now() - t0) / 1000;
    log(`parked: ${opts.n} started in ${startSeconds.toFixed(1)} s`);

    let parked = 0;
    while (Date.now() < until) {
      parked = await countOf(`ExecutionStatus = 'Running' AND BalanceCheckPhase = 'WAITING_FOR_MFA'`);
      if (parked >= opts.n) break;
      await sleep(500);
    }
    const parkSeconds = (performance.now() - t0) / 1000;
    const phases: Record<string, number> = {};
    for (const p of CHECK_PHASES)
      phases[p] = await countOf(`ExecutionStatus = 'Running' AND BalanceCheckPhase = '${p}'`);
    // Let the cache and the heap settle with everything parked, then read the worker's RSS.
    await sleep(opts.n >= 1000 ? 3000 : 500);
    const rssParked = rss;
    const heapParked = heap;
    log(
      `parked: ${parked}/${opts.n} waiting for MFA after ${parkSeconds.toFixed(1)} s; worker RSS ${(rssParked / MiB).toFixed(0)} MiB (heap ${(heapParked / MiB).toFixed(0)} MiB), peak ${(peak / MiB).toFixed(0)} MiB; phases ${JSON.stringify(phases)}`,
    );

    // Answer every check (oldest first), as POST /v1/balance-checks/{id}/mfa does; retried on errors.
    const t1 = performance.now();
    let answerErrors = 0;
    const answers = [{ challengeId: MX_SANDBOX_CHALLENGES.text.guid, value: MX_SANDBOX_ANSWERS.correct }];
    await pool(opts.concurrency, refs.length, async (i) => {
      const ref = refs[i]!;
      for (let attempt = 0; attempt < 5 && Date.now() < until; attempt++) {
        try {
          await client.withDeadline(Date.now() + 30_000, () =>
            client.workflow
              .getHandle<typeof balanceCheck>(ref.workflowId, ref.runId)
              .executeUpdate(answerChallengesUpdate, {
                args: [{ answers }],
                updateId: `${ref.workflowId}:bench-mfa`,
              }),
          );
          return;
        } catch {
          answerErrors++;
          await sleep(500);
        }
      }
    });
    const answerSeconds = (performance.now() - t1) / 1000;
    log(`parked: answered ${refs.length} in ${answerSeconds.toFixed(1)} s (${answerErrors} retried errors)`);

    let completed = 0;
    let closed = 0;
    while (Date.now() < until) {
      closed = await countOf(`ExecutionStatus != 'Running'`);
      if (closed >= opts.n) break;
      await sleep(500);
    }
    completed = await countOf(`ExecutionStatus = 'Completed' AND BalanceCheckStatus = 'COMPLETED'`);
    const completeSeconds = (performance.now() - t1) / 1000;
    await sleep(500);
    const result: ParkedResult = {
      n: opts.n,
      parked,
      completed,
      notCompleted: opts.n - completed,
      cache,
      rssIdleMiB: rssIdle / MiB,
      rssParkedMiB: rssParked / MiB,
      heapParkedMiB: heapParked / MiB,
      rssPeakMiB: peak / MiB,
      rssEndMiB: rss / MiB,
      startSeconds,
      parkSeconds,
      answerSeconds,
      completeSeconds,
      answerErrors,
      phases,
    };
    log(`parked: ${JSON.stringify(result)}`);
    return result;
  } finally {
    // Whatever is left must not keep running into the next case (or the next bench run).
    const running = refs.length ? await countOf(`ExecutionStatus = 'Running'`).catch(() => refs.length) : 0;
    if (running > 0)
      await pool(20, refs.length, async (i) => {
        if (refs[i])
          await client.workflow
            .getHandle<typeof balanceCheck>(refs[i]!.workflowId, refs[i]!.runId)
            .terminate('bench cleanup')
            .catch(() => undefined);
      }).catch(() => undefined);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const code = await Promise.race([exited, sleep(10_000).then(() => 'timeout' as const)]);
    if (code === 'timeout') {
      child.kill('SIGKILL');
      await exited;
    }
    await stack.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
