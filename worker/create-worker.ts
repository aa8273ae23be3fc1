// Builds the balance-check worker from injected dependencies (tests, the sandbox and main share it).
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Duration } from '@temporalio/common';
import { TASK_QUEUE } from '../contracts/balance-check';
import { createActivities, type ProviderRegistry } from '../activities';
import type { CallbackDeliveryDeps } from '../activities/callbacks';
import { createBalanceCheckNexusHandler } from '../nexus/balance-check-handler';

/** A Worker Deployment version: the worker polls as `deploymentName` + `buildId` (see docs/DEPLOYS.md). */
export interface WorkerDeploymentVersionOptions {
  deploymentName: string;
  buildId: string;
  /** PINNED (default): a check stays on the version that started it; AUTO_UPGRADE moves it to the current one. */
  defaultVersioningBehavior?: 'PINNED' | 'AUTO_UPGRADE';
}

export interface BalanceCheckWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  providers: ProviderRegistry;
  /** Callback delivery settings (loadCallbackConfig); absent: deliveries retry until configured. */
  callbacks?: CallbackDeliveryDeps;
  taskQueue?: string;
  /** A prebuilt bundle (tests bundle once per file; dist/ ships one); otherwise workflows/ is bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  dataConverter?: WorkerOptions['dataConverter'];
  interceptors?: WorkerOptions['interceptors'];
  maxCachedWorkflows?: number;
  identity?: string;
  /** Worker Versioning; unset = an unversioned worker (tests, the sandbox). */
  deployment?: WorkerDeploymentVersionOptions;
  /** How long in-flight activities may finish after shutdown before they are cancelled (default 5 s). */
  shutdownGraceTime?: Duration;
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
    ...(opts.deployment
      ? {
          workerDeploymentOptions: {
            useWorkerVersioning: true,
            version: { deploymentName: opts.deployment.deploymentName, buildId: opts.deployment.buildId },
            defaultVersioningBehavior: opts.deployment.defaultVersioningBehavior ?? 'PINNED',
          },
        }
      : {}),
    // Workers are killed in reliability tests; a short default shutdown keeps restarts quick.
    shutdownGraceTime: opts.shutdownGraceTime ?? '5 seconds',
  });
}
