// A payment service beside the balance-check service, for the Nexus tests: namespace `payments`, the
// `balance-check` endpoint targeting the balance-check worker's task queue, and the payment service's
// worker (test/workflow/fixtures/nexus-caller.ts) in this process on task queue `payments`.
import { Client } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { NEXUS_CALLER_NAMESPACE, NEXUS_ENDPOINT } from '../../contracts/nexus';

export const PAYMENTS = NEXUS_CALLER_NAMESPACE;

export interface PaymentsService {
  /** A client of namespace `payments` (start payWithBalanceCheck on task queue `payments`). */
  client: Client;
  stop(): Promise<void>;
}

export async function startPaymentsService(
  env: TestWorkflowEnvironment,
  handler: { namespace: string; taskQueue: string },
): Promise<PaymentsService> {
  const { connection } = env;
  await connection.workflowService.registerNamespace({
    namespace: PAYMENTS,
    workflowExecutionRetentionPeriod: msToTs('1 day'),
  });
  await connection.operatorService.createNexusEndpoint({
    spec: { name: NEXUS_ENDPOINT, target: { worker: handler } },
  });
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: PAYMENTS,
    taskQueue: PAYMENTS,
    workflowsPath: require.resolve('../workflow/fixtures/nexus-caller'),
  });
  const running = worker.run();
  return {
    client: new Client({ connection, namespace: PAYMENTS }),
    async stop() {
      worker.shutdown();
      await running.catch(() => undefined);
    },
  };
}
