// Fleet-wide provider pacing: each provider's calls run on its own activity task queue
// (`<task queue>-<provider>`), and the worker polling it sets maxTaskQueueActivitiesPerSecond — a
// limit the Temporal server enforces for the task queue as a whole, across every worker polling it.
// Used when checks are started with providerTaskQueues (ApiDeps.providerTaskQueues).
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ProviderRegistry } from '../activities';
import { providerTaskQueue, TASK_QUEUE, type ProviderName } from '../contracts/balance-check';
import { PROVIDER_NAMES } from '../providers/registry';

export interface ProviderWorkersOptions {
  connection: NativeConnection;
  namespace: string;
  providers: ProviderRegistry;
  /** The workflow task queue; provider queues are named after it. */
  taskQueue?: string;
  /** The most provider activities in any second across the fleet (config: MX_MAX_CALLS_PER_SECOND, …); none = unpaced. */
  maxCallsPerSecond?: Partial<Record<ProviderName, number>>;
  dataConverter?: WorkerOptions['dataConverter'];
  interceptors?: WorkerOptions['interceptors'];
  identity?: string;
}

/** One activity-only worker per configured provider. */
export function createProviderWorkers(opts: ProviderWorkersOptions): Promise<Worker[]> {
  const names = Object.keys(opts.providers) as ProviderName[];
  return Promise.all(
    names.map((name) => {
      const max = opts.maxCallsPerSecond?.[name];
      // The server's limiter is a token bucket whose burst equals its rate, so one second can see up to
      // twice the rate; half the quota as the rate keeps every second within the quota.
      const rate = max ? max / 2 : undefined;
      return Worker.create({
        connection: opts.connection,
        namespace: opts.namespace,
        taskQueue: providerTaskQueue(opts.taskQueue ?? TASK_QUEUE, name),
        activities: createActivities({ providers: { [name]: opts.providers[name] } }),
        ...(rate ? { maxTaskQueueActivitiesPerSecond: rate } : {}),
        ...(opts.dataConverter ? { dataConverter: opts.dataConverter } : {}),
        ...(opts.interceptors ? { interceptors: opts.interceptors } : {}),
        ...(opts.identity ? { identity: opts.identity } : {}),
        shutdownGraceTime: '5 seconds',
      });
    }),
  );
}

/** `<PROVIDER>_MAX_CALLS_PER_SECOND` (e.g. MX_MAX_CALLS_PER_SECOND=5); unset or empty = no limit. */
export function maxCallsPerSecondFromEnv(
  env: Record<string, string | undefined>,
): Partial<Record<ProviderName, number>> {
  const out: Partial<Record<ProviderName, number>> = {};
  for (const name of PROVIDER_NAMES) {
    const text = env[`${name.toUpperCase()}_MAX_CALLS_PER_SECOND`];
    if (!text) continue;
    const rate = Number(text);
    if (!(rate > 0 && Number.isFinite(rate)))
      throw new Error(`${name.toUpperCase()}_MAX_CALLS_PER_SECOND must be a positive number`);
    out[name] = rate;
  }
  return out;
}
