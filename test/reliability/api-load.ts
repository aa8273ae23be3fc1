// API under load while the worker is killed once, shared by the CI test and the full runner.
// A bounded, paced load on loopback (POST /v1/balance-checks on distinct resources, some with
// Prefer: wait, plus GETs of accepted checks) with at most `concurrency` requests in flight; the one
// child worker is SIGKILLed mid-run and a fresh one started. No 5xx is allowed except the documented
// one: GET /v1/balance-checks/{id} of a RUNNING check answers 503 worker-unavailable when no worker
// answers its status query within 5 s (api/check-view.ts). Starting a check needs no worker, so POST
// (with or without Prefer: wait — a wait that runs out answers 202) must never 5xx. Every accepted
// check (202/200) must reach its scenario's result.
import { apiCall, countStatuses, startViaApi, type ApiAnswer, type ApiStarted } from './api-driver';
import {
  driveCheck,
  spawnWorker,
  tally,
  type ChildWorker,
  type CheckRun,
  type ReliabilityEnv,
  type Tally,
} from './harness';
import { SCENARIOS } from './scenarios';

export interface LoadOptions {
  posts: number;
  durationMs: number;
  concurrency: number;
  /** When to SIGKILL the worker, from the start of the load. */
  killAtMs: number;
  /** A GET of an accepted check after every `getEvery` POSTs. */
  getEvery?: number;
  /** Every `waitEvery`-th POST sends Prefer: wait=3. */
  waitEvery?: number;
  offset?: number;
  log?: (line: string) => void;
}

interface Sent {
  kind: 'POST' | 'POST wait' | 'GET';
  at: number;
  answer: ApiAnswer;
}

export interface LoadReport {
  tally: Tally;
  requests: number;
  byKind: Record<string, Record<string, number>>;
  /** 5xx answers: documented (GET 503 worker-unavailable in the outage window) and others. */
  documented503: number;
  undocumented: string[];
  accepted: number;
  /** Accepted checks that did not reach their result. */
  lost: string[];
  killAtMs: number;
  freshWorkerReadyMs: number;
  /** Window in which a GET may 503: kill → fresh worker ready + 20 s (sticky queue / activity timeouts). */
  windowMs: [number, number];
  latencyMs: { p50: number; p95: number; max: number };
  loadWallMs: number;
  drainMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runApiLoad(r: ReliabilityEnv, opts: LoadOptions): Promise<LoadReport> {
  const log = opts.log ?? (() => undefined);
  const base = opts.offset ?? 0;
  const workers: ChildWorker[] = [spawnWorker(r, `load-w0-${Date.now()}`)];
  try {
    await workers[0]!.ready;
    const t0 = Date.now();
    const sent: Sent[] = [];
    const accepted: NonNullable<ApiStarted['started']>[] = [];
    const drives: Promise<CheckRun>[] = [];
    let killAt = 0;
    let readyAt = 0;
    const fault = (async () => {
      await sleep(opts.killAtMs);
      killAt = Date.now();
      await workers[0]!.kill('SIGKILL');
      const fresh = spawnWorker(r, `load-w1-${Date.now()}`);
      workers.push(fresh);
      await fresh.ready;
      readyAt = Date.now();
      log(`worker SIGKILLed at +${killAt - t0} ms, fresh worker ready after ${readyAt - killAt} ms`);
    })();
    // Paced slots: POST i is due at t0 + i × durationMs / posts; `concurrency` senders take slots in order.
    let next = 0;
    const getEvery = opts.getEvery ?? 3;
    const waitEvery = opts.waitEvery ?? 10;
    const sender = async () => {
      for (;;) {
        const i = next++;
        if (i >= opts.posts) return;
        const due = t0 + (i * opts.durationMs) / opts.posts;
        if (due > Date.now()) await sleep(due - Date.now());
        const sc = SCENARIOS[i % SCENARIOS.length]!;
        const wait = i % waitEvery === waitEvery - 1;
        const at = Date.now();
        const res = await startViaApi(
          r.client,
          r.stack.apiUrl,
          sc,
          base + i,
          wait ? { prefer: 'wait=3' } : {},
          30_000,
        );
        sent.push({ kind: wait ? 'POST wait' : 'POST', at, answer: res.answer });
        if (res.started) {
          accepted.push(res.started);
          drives.push(
            res.started.run.result
              ? Promise.resolve(res.started.run)
              : driveCheck(r.client, res.started.run, res.started.handle, 240_000),
          );
        }
        if (i % getEvery === getEvery - 1 && accepted.length > 0) {
          const pick = accepted[(i * 7919) % accepted.length]!;
          const gat = Date.now();
          sent.push({
            kind: 'GET',
            at: gat,
            answer: await apiCall(
              r.stack.apiUrl,
              'GET',
              `/v1/balance-checks/${pick.checkId}`,
              undefined,
              {},
              30_000,
            ),
          });
        }
      }
    };
    await Promise.all(Array.from({ length: opts.concurrency }, sender));
    const loadWallMs = Date.now() - t0;
    await fault;
    log(`load done: ${sent.length} requests in ${loadWallMs} ms, ${accepted.length} checks accepted`);
    const runs = await Promise.all(drives);
    const t = await tally(r, runs, killAt);
    const window: [number, number] = [killAt - t0, readyAt - t0 + 20_000];
    const undocumented: string[] = [];
    let documented503 = 0;
    for (const s of sent) {
      const a = s.answer;
      if (a.status !== 0 && a.status < 500) continue;
      const rel = s.at - t0;
      const inWindow = rel >= window[0] - 5_000 && rel <= window[1];
      if (s.kind === 'GET' && a.status === 503 && a.body?.type?.endsWith('/worker-unavailable') && inWindow)
        documented503++;
      else undocumented.push(`${s.kind} at +${rel} ms: ${a.status} ${a.body?.type ?? a.error ?? ''}`);
    }
    const byKind: Record<string, Record<string, number>> = {};
    for (const kind of ['POST', 'POST wait', 'GET'])
      byKind[kind] = countStatuses(sent.filter((s) => s.kind === kind).map((s) => s.answer));
    const lat = sent.map((s) => s.answer.ms).sort((a, b) => a - b);
    const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? 0;
    return {
      tally: t,
      requests: sent.length,
      byKind,
      documented503,
      undocumented,
      accepted: accepted.length,
      lost: runs
        .filter((x) => !x.result || x.result.status !== x.scenario.expect)
        .map((x) => `${x.workflowId}: ${x.result?.status ?? x.error}`),
      killAtMs: killAt - t0,
      freshWorkerReadyMs: readyAt - killAt,
      windowMs: window,
      latencyMs: { p50: pct(0.5), p95: pct(0.95), max: lat[lat.length - 1] ?? 0 },
      loadWallMs,
      drainMs: t.drainMs,
    };
  } finally {
    await Promise.all(workers.map((w) => w.kill('SIGTERM')));
  }
}
