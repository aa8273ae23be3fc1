// Fleet-wide provider pacing (issue 17): provider calls run on the provider's own activity task queue
// whose rate limit (maxTaskQueueActivitiesPerSecond) the Temporal server enforces for the queue as a
// whole. Two workers poll it; a batch of N items against MX limited to R calls/s takes at least N/R s
// of provider calls, and no second sees more than R of them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection, type Worker, type WorkerOptions } from '@temporalio/worker';
import { createLogger } from '../../observability/logger';
import { createProviderRegistry } from '../../providers/registry';
import { startSandboxStack, type SandboxStack } from '../../sandbox/stack';
import { createBatchItemsWorker } from '../../worker/batch-worker';
import { createBalanceCheckWorker } from '../../worker/create-worker';
import { createProviderWorkers } from '../../worker/provider-workers';
import { sandboxApi } from '../helpers/sandbox-api';
import { startDevServer, workflowBundle } from '../helpers/temporal-env';
import { waitFor } from '../helpers/wait';

const RATE = 4;
const ITEMS = 20;

/** Records when each provider activity starts, per worker. */
function activityLog(into: number[]): WorkerOptions['interceptors'] {
  return {
    activity: [
      () => ({
        inbound: {
          execute: (input, next) => {
            into.push(Date.now());
            return next(input);
          },
        },
      }),
    ],
  };
}

/** The most starts in one calendar second and in any sliding 1 s window. */
function peaks(times: number[]): { perSecond: number; window: number } {
  const sorted = [...times].sort((a, b) => a - b);
  const bySecond = new Map<number, number>();
  for (const t of sorted) bySecond.set(Math.floor(t / 1000), (bySecond.get(Math.floor(t / 1000)) ?? 0) + 1);
  let window = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= 1000) j++;
    window = Math.max(window, i - j + 1);
  }
  return { perSecond: Math.max(...bySecond.values()), window };
}

describe('provider pacing across workers', () => {
  let env: TestWorkflowEnvironment;
  let stack: SandboxStack;
  const second: Worker[] = [];
  const running: Promise<void>[] = [];
  const firstLog: number[] = [];
  const secondLog: number[] = [];
  let connection: NativeConnection | undefined;

  before(async () => {
    env = await startDevServer();
    const namespace = env.namespace ?? 'default';
    stack = await startSandboxStack({
      client: env.client,
      connection: env.nativeConnection,
      namespace,
      providers: ['mx'],
      timeScale: 0.1,
      workflowBundle: await workflowBundle(),
      logger: createLogger({ name: 'api', level: 'silent' }),
      ratePerMinute: 100_000,
      providerPacing: { maxCallsPerSecond: { mx: RATE }, interceptors: activityLog(firstLog) },
    });
    // A second worker: workflows, paced provider activities and batch items, like a second host (its
    // own connection: the SDK allows one worker per task queue and connection).
    const providers = createProviderRegistry(stack.providerEnv);
    connection = await NativeConnection.connect({ address: env.address });
    second.push(
      await createBalanceCheckWorker({
        connection,
        namespace,
        providers,
        workflowBundle: await workflowBundle(),
      }),
      ...(await createProviderWorkers({
        connection,
        namespace,
        providers,
        maxCallsPerSecond: { mx: RATE },
        interceptors: activityLog(secondLog),
      })),
      await createBatchItemsWorker({ connection, namespace, client: env.client }),
    );
    running.push(...second.map((w) => w.run()));
  });
  after(async () => {
    for (const w of second) w.shutdown();
    await Promise.all(running.map((p) => p.catch(() => undefined)));
    await connection?.close();
    await stack?.close();
    await env?.teardown();
  });

  it(`a batch of ${ITEMS} items at ${RATE} MX calls/s: ≥ N/R s of calls, never more than R in a second`, async () => {
    const api = sandboxApi(stack.apiUrl);
    const items = Array.from({ length: ITEMS }, (_, i) => ({
      provider: 'mx',
      resource: { userId: 'USR-sandbox', memberId: `MBR-connected.${800 + i}` },
      reference: `paced-${i}`,
    }));
    const since = Date.now();
    const created = await api('POST', '/v1/balance-check-batches', { items, itemConcurrency: ITEMS });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    let view: any;
    await waitFor(
      async () =>
        (view = (await api('GET', `/v1/balance-check-batches/${created.body.id}`)).body).status ===
        'COMPLETED',
      180_000,
      250,
    );
    assert.deepEqual(view.counts.byStatus, { COMPLETED: ITEMS });

    const starts = [...firstLog, ...secondLog].filter((t) => t >= since).sort((a, b) => a - b);
    const calls = stack.simulators
      .mx!.callLog()
      .filter((c) => c.at >= since && c.operation === 'check_balance')
      .map((c) => c.at);
    const spanS = (starts.at(-1)! - starts[0]!) / 1000;
    const activityPeaks = peaks(starts);
    const refreshPeaks = peaks(calls);
    console.log(
      `[pacing] ${starts.length} provider activities (${firstLog.length} on worker 1, ${secondLog.length} on worker 2) over ${spanS.toFixed(1)} s; ` +
        `peak ${activityPeaks.perSecond}/calendar s, ${activityPeaks.window}/sliding s; check_balance calls ${calls.length}, peak ${refreshPeaks.perSecond}/s`,
    );
    assert.ok(starts.length >= 2 * ITEMS, 'each item starts a refresh and reads balances');
    assert.ok(firstLog.length > 0 && secondLog.length > 0, 'both workers ran provider calls');
    assert.ok(
      spanS >= ITEMS / RATE,
      `${starts.length} calls took ${spanS} s; at ${RATE}/s they need ≥ ${ITEMS / RATE} s`,
    );
    assert.ok(activityPeaks.perSecond <= RATE, `${activityPeaks.perSecond} provider calls in one second`);
    assert.ok(refreshPeaks.perSecond <= RATE, `${refreshPeaks.perSecond} refresh calls in one second`);
  });
});
