// A balanceCheck worker of its own for one scripted-provider test: it serves `taskQueue` with the
// provider (as mx) while fn runs, then stops. Each test gets a fresh queue, so no worker sees another's checks.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { BalanceProvider } from '../../contracts/provider';
import { createBalanceCheckWorker } from '../../worker/create-worker';
import { workflowBundle } from './temporal-env';

export async function withScriptedWorker<T>(
  env: TestWorkflowEnvironment,
  provider: BalanceProvider,
  taskQueue: string,
  fn: () => Promise<T>,
): Promise<T> {
  const worker = await createBalanceCheckWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    providers: { mx: provider },
    workflowBundle: await workflowBundle(),
  });
  return worker.runUntil(fn);
}
