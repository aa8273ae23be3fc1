// The batch items worker: the activities of batch items (start or join a check, wait for its answer)
// on their own task queue. They mostly wait, so many run at once without touching provider slots.
import type { Client } from '@temporalio/client';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createBatchActivities } from '../activities/batch';
import { TASK_QUEUE } from '../contracts/balance-check';
import { BATCH_ACTIVITY_TASK_QUEUE_SUFFIX } from '../contracts/batch';

export interface BatchItemsWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  /** Starts, joins and awaits the item checks (the same data converter as the worker's). */
  client: Client;
  /** The checks' task queue (the workflow worker's); items run on `<it>-batch-items`. */
  taskQueue?: string;
  dataConverter?: WorkerOptions['dataConverter'];
  /** Item waits one worker holds at once (default 1000: each is one pending long-poll). */
  maxConcurrentItems?: number;
  identity?: string;
}

export function createBatchItemsWorker(opts: BatchItemsWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: (opts.taskQueue ?? TASK_QUEUE) + BATCH_ACTIVITY_TASK_QUEUE_SUFFIX,
    activities: createBatchActivities({ client: opts.client }),
    maxConcurrentActivityTaskExecutions: opts.maxConcurrentItems ?? 1000,
    ...(opts.dataConverter ? { dataConverter: opts.dataConverter } : {}),
    ...(opts.identity ? { identity: opts.identity } : {}),
    shutdownGraceTime: '5 seconds',
  });
}
