// Benchmarks: npm run bench -- [--size smoke|full] [--out docs/BENCHMARKS.md]
// 1) webhook-to-result latency (simulator sends the webhook → the caller's Prefer: wait long-poll
//    returns) and the polling path's end-to-end time; 3) Temporal cost per check from the recorded
//    histories; 5) API starts/s vs SDK-client starts/s at the same concurrency.
// Not yet implemented (see docs/BENCHMARKS.md): 2) throughput vs a trivial-workflow ceiling, 4) 10k parked checks.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { balanceCheckWorkflowId, TASK_QUEUE } from '../contracts/balance-check';
import { SANDBOX_API_KEY, startSandboxStack } from '../sandbox/stack';
import { startDevServer, workflowBundle } from '../test/helpers/temporal-env';
import { loadHistory } from '../test/reliability/record-histories';
import { scenario } from '../test/reliability/scenarios';

const SIZES = { smoke: { latency: 20, polling: 6, starts: 40, concurrency: 10 }, full: { latency: 500, polling: 100, starts: 1000, concurrency: 50 } };
type Size = keyof typeof SIZES;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN;
};
const stats = (xs: number[]) => ({ n: xs.length, p50: pct(xs, 50), p95: pct(xs, 95), p99: pct(xs, 99) });

/** Forwards webhooks to the API and remembers when the last one naming each resource arrived. */
async function webhookTap(apiUrl: string): Promise<{ url: string; lastFor: (id: string) => number | undefined; server: Server }> {
  const seen: { at: number; body: string }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ at: performance.timeOrigin + performance.now(), body: body.toString('utf8') });
      const headers = { ...req.headers } as Record<string, string>;
      delete headers.host;
      fetch(apiUrl + req.url, { method: req.method, headers, body }).then(
        async (r) => res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'text/plain' }).end(Buffer.from(await r.arrayBuffer())),
        () => res.writeHead(502).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    lastFor: (id) => seen.filter((s) => s.body.includes(`"${id}"`)).at(-1)?.at,
    server,
  };
}

async function pool<T>(n: number, items: T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

/** Billable actions and events per check, counted from the recorded histories (test/histories). */
export function costFromHistories(dir = join(__dirname, '..', 'test', 'histories')) {
  const rows: { scenario: string; events: number; actions: number; detail: Record<string, number> }[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const h = loadHistory(readFileSync(join(dir, file), 'utf8'));
    const d: Record<string, number> = { start: 0, activityAttempts: 0, timers: 0, signals: 0, updates: 0, upserts: 0, markers: 0 };
    for (const e of h.events ?? []) {
      const t = temporal.api.enums.v1.EventType[e.eventType ?? 0] ?? String(e.eventType);
      if (t.includes('WORKFLOW_EXECUTION_STARTED')) d.start!++;
      else if (t.includes('ACTIVITY_TASK_STARTED')) d.activityAttempts! += e.activityTaskStartedEventAttributes?.attempt ?? 1;
      else if (t.includes('TIMER_STARTED')) d.timers!++;
      else if (t.includes('WORKFLOW_EXECUTION_SIGNALED')) d.signals!++;
      else if (t.includes('UPDATE_ACCEPTED')) d.updates!++;
      else if (t.includes('UPSERT_WORKFLOW_SEARCH_ATTRIBUTES')) d.upserts!++;
      else if (t.includes('MARKER_RECORDED')) d.markers!++;
    }
    const actions = Object.entries(d).filter(([k]) => k !== 'markers').reduce((a, [, v]) => a + v, 0);
    rows.push({ scenario: file.replace('.json', ''), events: h.events?.length ?? 0, actions, detail: d });
  }
  return rows;
}

export async function runBench(size: Size, log: (l: string) => void = console.log) {
  const cfg = SIZES[size];
  const t0 = Date.now();
  const env = await startDevServer();
  const namespace = env.namespace ?? 'default';
  let tap: Awaited<ReturnType<typeof webhookTap>> | undefined;
  const stack = await startSandboxStack({ client: env.client, connection: env.nativeConnection, namespace, timeScale: 0.1, workflowBundle: await workflowBundle(), log: () => undefined });
  try {
    tap = await webhookTap(stack.apiUrl);
    for (const sim of Object.values(stack.simulators)) sim.setWebhookTarget({ url: `${tap.url}/webhooks/${sim.provider}` });
    const auth = { authorization: `Bearer ${SANDBOX_API_KEY}`, 'content-type': 'application/json' };
    const longPoll = async (sc: string, n: number) => {
      const s = scenario(sc);
      const resource = s.resource(n);
      const t = performance.timeOrigin + performance.now();
      const res = await fetch(`${stack.apiUrl}/v1/balance-checks`, { method: 'POST', headers: { ...auth, prefer: 'wait=30' }, body: JSON.stringify({ provider: s.provider, resource }) });
      const body = (await res.json()) as { result?: { status: string } };
      const done = performance.timeOrigin + performance.now();
      return { status: res.status, result: body.result?.status, start: t, done, id: resource.memberId ?? resource.userId };
    };

    // 1) webhook path: MX / Meld / Spinwheel clones; latency = long-poll return − last webhook arrival.
    const webhookLat: number[] = [];
    const byProvider: Record<string, number[]> = {};
    const e2e: number[] = [];
    let failures = 0;
    const names = ['mx-webhook', 'meld-webhook', 'spinwheel-webhook'];
    await pool(cfg.concurrency, Array.from({ length: cfg.latency }, (_, i) => i), async (i) => {
      const r = await longPoll(names[i % names.length]!, 10_000 + i);
      const hookAt = tap!.lastFor(r.id);
      if (r.status !== 200 || r.result !== 'COMPLETED' || hookAt === undefined) return void failures++;
      webhookLat.push(r.done - hookAt);
      (byProvider[names[i % names.length]!] ??= []).push(r.done - hookAt);
      e2e.push(r.done - r.start);
    });
    const webhook = { ...stats(webhookLat), failures, e2e: stats(e2e), byProvider: Object.fromEntries(Object.entries(byProvider).map(([k, v]) => [k, stats(v)])) };
    log(`webhook→result: ${JSON.stringify(webhook)}`);

    // 1b) polling path (no webhook; MX floor 3 s between status reads): end-to-end time.
    const pollE2e: number[] = [];
    await pool(cfg.concurrency, Array.from({ length: cfg.polling }, (_, i) => i), async (i) => {
      const r = await longPoll(i % 2 ? 'mx-polling' : 'meld-polling', 20_000 + i);
      if (r.status === 200 && r.result === 'COMPLETED') pollE2e.push(r.done - r.start);
    });
    const polling = stats(pollE2e);
    log(`polling path end-to-end: ${JSON.stringify(polling)}`);

    // 5) starts/s: API POST (no wait) vs SDK client start, same concurrency; the workflows run too.
    const measureStarts = async (label: string, start: (i: number) => Promise<boolean | number>) => {
      const lat: number[] = [];
      let errors = 0;
      const statuses: Record<string, number> = {};
      const began = performance.now();
      await pool(cfg.concurrency, Array.from({ length: cfg.starts }, (_, i) => i), async (i) => {
        const t = performance.now();
        const ok = await start(i).catch(() => false);
        if (typeof ok === 'number') statuses[ok] = (statuses[ok] ?? 0) + 1;
        if (ok === false || (typeof ok === 'number' && ok !== 200 && ok !== 202)) errors++;
        lat.push(performance.now() - t);
      });
      const perSecond = cfg.starts / ((performance.now() - began) / 1000);
      log(`${label}: ${perSecond.toFixed(1)} starts/s, ${JSON.stringify(stats(lat))}, errors ${errors} ${JSON.stringify(statuses)}`);
      return { perSecond, ...stats(lat), errors, statuses };
    };
    const api = await measureStarts('API starts', async (i) => {
      const s = scenario('mx-webhook');
      const res = await fetch(`${stack.apiUrl}/v1/balance-checks`, { method: 'POST', headers: auth, body: JSON.stringify({ provider: 'mx', resource: s.resource(30_000 + i) }) });
      await res.arrayBuffer();
      return res.status;
    });
    const sdk = await measureStarts('SDK starts', async (i) => {
      const s = scenario('mx-webhook');
      const input = { provider: 'mx' as const, resource: s.resource(60_000 + i) };
      await env.client.workflow.start('balanceCheck', { taskQueue: TASK_QUEUE, workflowId: balanceCheckWorkflowId('mx', input.resource), args: [input], workflowIdConflictPolicy: 'USE_EXISTING' });
      return true;
    });
    const cost = costFromHistories();
    return { size, cfg, webhook, polling, api, sdk, cost, wallMs: Date.now() - t0 };
  } finally {
    tap?.server.closeAllConnections();
    tap?.server.close();
    await stack.close();
    await env.teardown();
  }
}

function report(r: Awaited<ReturnType<typeof runBench>>): string {
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  const goal = (ok: boolean) => (ok ? 'meets goal' : '**misses goal**');
  const webhookCost = r.cost.find((c) => c.scenario === 'mx-webhook');
  const versions = JSON.parse(readFileSync(join(__dirname, '..', 'node_modules', '@temporalio', 'worker', 'package.json'), 'utf8')).version as string;
  const lines = [
    '# Benchmarks',
    '',
    `Produced by \`npm run bench -- --size ${r.size}\` on ${new Date().toISOString()} (wall time ${(r.wallMs / 1000).toFixed(0)} s).`,
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, shared with other engineers' test runs (numbers are noisy). Node ${process.version}, @temporalio/* ${versions}, Temporal CLI dev server (SQLite in memory), simulators at timeScale 0.1.`,
    r.size === 'smoke' ? '\n**Smoke size**: sample sizes below are far under the goals\' (≥ 500); run `npm run bench -- --size full` for the real figures.' : '',
    '',
    '## 1. Webhook-to-result latency (Prefer: wait long-poll)',
    '',
    `Simulator's webhook arrives (a forwarding tap in front of the API timestamps it) → the caller's \`POST /v1/balance-checks\` with \`Prefer: wait=30\` returns. MX, Meld and Spinwheel checks in rotation, concurrency ${r.cfg.concurrency}.`,
    '',
    '| path | n | p50 | p95 | p99 | goal |',
    '|---|---|---|---|---|---|',
    `| webhook → result | ${r.webhook.n} | ${ms(r.webhook.p50)} | ${ms(r.webhook.p95)} | ${ms(r.webhook.p99)} | p50 ≤ 50 ms: ${goal(r.webhook.p50 <= 50)}; p99 ≤ 200 ms: ${goal(r.webhook.p99 <= 200)} |`,
    `| webhook path, request → result | ${r.webhook.e2e.n} | ${ms(r.webhook.e2e.p50)} | ${ms(r.webhook.e2e.p95)} | ${ms(r.webhook.e2e.p99)} | (includes the simulated job, 0.2–0.4 s) |`,
    `| polling path, request → result | ${r.polling.n} | ${ms(r.polling.p50)} | ${ms(r.polling.p95)} | ${ms(r.polling.p99)} | (MX floor 3 s between status reads dominates) |`,
    '',
    `Checks that did not complete or had no webhook timestamp: ${r.webhook.failures}. Per provider (webhook → result): ${Object.entries(r.webhook.byProvider).map(([k, v]) => `${k} p50 ${ms(v.p50)} / p99 ${ms(v.p99)} (n ${v.n})`).join('; ')}.`,
    '',
    '## 3. Temporal cost per check (from the recorded histories in test/histories/)',
    '',
    'Actions counted: workflow start, every activity attempt (retries included), timers, signals, updates, search-attribute upserts; queries are billable too but leave no history (the API\'s GET does one per read). $ per million checks at $50 per million actions.',
    '',
    '| scenario | events | actions | start | activity attempts | timers | signals | updates | upserts | $ / M checks |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...r.cost.map((c) => `| ${c.scenario} | ${c.events} | ${c.actions} | ${c.detail.start} | ${c.detail.activityAttempts} | ${c.detail.timers} | ${c.detail.signals} | ${c.detail.updates} | ${c.detail.upserts} | $${(c.actions * 50).toLocaleString('en-US')} |`),
    '',
    webhookCost
      ? `Webhook path (mx-webhook): ${webhookCost.actions} actions (goal ≤ 8: ${goal(webhookCost.actions <= 8)}), ${webhookCost.events} events (goal ≤ 30: ${goal(webhookCost.events <= 30)}). Search-attribute upserts (phase changes) are ${webhookCost.detail.upserts} of those actions: upserting the phase only at DONE (or keeping phase in a query/memo) is the cheapest lever.`
      : '',
    '',
    '## 5. API starts/s vs the SDK client',
    '',
    `${r.cfg.starts} starts each, concurrency ${r.cfg.concurrency}, loopback; the started checks run on the same worker meanwhile.`,
    '',
    '| starter | starts/s | p50 | p99 | errors |',
    '|---|---|---|---|---|',
    `| API POST /v1/balance-checks | ${r.api.perSecond.toFixed(1)} | ${ms(r.api.p50)} | ${ms(r.api.p99)} | ${r.api.errors} (HTTP statuses ${JSON.stringify(r.api.statuses)}) |`,
    `| SDK client.workflow.start | ${r.sdk.perSecond.toFixed(1)} | ${ms(r.sdk.p50)} | ${ms(r.sdk.p99)} | ${r.sdk.errors} |`,
    '',
    `Ratio API/SDK: ${(r.api.perSecond / r.sdk.perSecond).toFixed(2)} (goal ≥ 0.9: ${goal(r.api.perSecond / r.sdk.perSecond >= 0.9)}); API p99 ≤ 100 ms: ${goal(r.api.p99 <= 100)}.`,
    '',
    '## Not measured yet',
    '',
    '- 2. Throughput with 500 concurrent vs a trivial-workflow ceiling (same activities/signals, own bundle under bench/): not implemented.',
    '- 4. 10,000 parked checks in one worker (RSS, cache settings): not implemented.',
    '',
  ];
  return lines.join('\n');
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const size = (args[args.indexOf('--size') + 1] ?? 'smoke') as Size;
  const out = args.includes('--out') ? args[args.indexOf('--out') + 1]! : args.includes('--no-write') ? undefined : join(__dirname, '..', 'docs', 'BENCHMARKS.md');
  if (!(size in SIZES)) throw new Error(`--size smoke|full, not ${size}`);
  runBench(size).then(
    (r) => {
      const md = report(r);
      if (out) writeFileSync(out, md);
      console.log(out ? `wrote ${out}` : md);
      process.exit(0);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
