// A balance-check worker as a child process, for crash tests (the parent SIGKILLs it).
// Env: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TASK_QUEUE, WORKFLOW_CODE_PATH (prebuilt bundle, optional),
// WORKER_IDENTITY, MAX_CACHED_WORKFLOWS (optional), and the providers' env (createProviderRegistry).
// WITH_BATCH_ITEMS=1 also runs the batch items worker (its activities use a Client of their own).
// Prints WORKER_READY on stdout once the worker is created, then runs until killed or SIGTERM.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { TASK_QUEUE } from '../../contracts/balance-check';
import { createProviderRegistry } from '../../providers/registry';
import { createBatchItemsWorker } from '../../worker/batch-worker';
import { createBalanceCheckWorker } from '../../worker/create-worker';

async function main(): Promise<void> {
  const env = process.env;
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
  const worker = await createBalanceCheckWorker({
    connection,
    namespace: env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: env.TASK_QUEUE ?? TASK_QUEUE,
    providers: createProviderRegistry(env),
    ...(env.WORKFLOW_CODE_PATH ? { workflowBundle: { codePath: env.WORKFLOW_CODE_PATH } } : {}),
    ...(env.MAX_CACHED_WORKFLOWS ? { maxCachedWorkflows: Number(env.MAX_CACHED_WORKFLOWS) } : {}),
    identity: env.WORKER_IDENTITY ?? `child-worker-${process.pid}`,
  });
  const workers: Worker[] = [worker];
  if (env.WITH_BATCH_ITEMS === '1') {
    const clientConnection = await Connection.connect({ address: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
    workers.push(
      await createBatchItemsWorker({
        connection,
        namespace: env.TEMPORAL_NAMESPACE ?? 'default',
        client: new Client({ connection: clientConnection, namespace: env.TEMPORAL_NAMESPACE ?? 'default' }),
        taskQueue: env.TASK_QUEUE ?? TASK_QUEUE,
      }),
    );
  }
  process.stdout.write(`WORKER_READY ${process.pid}\n`);
  await Promise.all(workers.map((w) => w.run()));
  await connection.close();
}

main().catch((err) => {
  process.stderr.write(`child worker failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
