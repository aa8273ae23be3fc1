// Builds the balance-check worker from injected dependencies (tests, the sandbox and main share it).
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { TASK_QUEUE } from '../contracts/balance-check';
import { createActivities, type ProviderRegistry } from '../activities';
import type { CallbackDeliveryDeps } from '../activities/callbacks';
import { createBalanceCheckNexusHandler } from '../nexus/balance-check-handler';

export interface BalanceCheckWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  providers: ProviderRegistry;
  /** Callback delivery settings (loadCallbackConfig); absent: deliveries retry until configured. */
  callbacks?: CallbackDeliveryDeps;
  taskQueue?: string;
  /** A prebuilt bundle (tests bundle once per file); otherwise workflows/ is bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  dataConverter?: WorkerOptions['dataConverter'];
  interceptors?: WorkerOptions['interceptors'];
  maxCachedWorkflows?: number;
  identity?: string;
}

export const WORKFLOWS_PATH = require.resolve('../workflows');

export function createBalanceCheckWorker(opts: BalanceCheckWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue ?? TASK_QUEUE,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: createActivities({
      providers: opts.providers,
      callbacks: opts.callbacks,
      taskQueue: opts.taskQueue ?? TASK_QUEUE,
    }),
    // Nexus service `balance-check` (operation `check`), reached through the endpoint of this task queue.
    nexusServices: [createBalanceCheckNexusHandler(opts.taskQueue ?? TASK_QUEUE)],
    // The native bridge rejects keys present with an undefined value: only pass what is set.
    ...(opts.dataConverter ? { dataConverter: opts.dataConverter } : {}),
    ...(opts.interceptors ? { interceptors: opts.interceptors } : {}),
    ...(opts.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: opts.maxCachedWorkflows } : {}),
    ...(opts.identity ? { identity: opts.identity } : {}),
    // Workers are killed in reliability tests; a short shutdown keeps restarts quick.
    shutdownGraceTime: '5 seconds',
  });
}
