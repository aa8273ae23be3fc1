// Namespace + search attributes through the SDK's gRPC services (what `temporal operator namespace
// create` / `search-attribute create` do), and a readiness probe that proves a workflow can start.
import { randomUUID } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { msToTs } from '@temporalio/common/lib/time';
import { ALL_SEARCH_ATTRIBUTES } from '../../contracts/search-attributes';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ALREADY_EXISTS = 6;

const INDEXED_TYPE: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  TEXT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  INT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  DOUBLE: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  BOOL: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KEYWORD_LIST: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/** Retries `fn` until it succeeds or the deadline passes (the services come up in any order). */
export async function retry<T>(what: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > until) throw new Error(`${what}: ${(err as Error).message}`, { cause: err });
      await sleep(500);
    }
  }
}

export async function setupNamespace(connection: Connection, namespace: string): Promise<void> {
  await retry('register namespace', 60_000, async () => {
    try {
      await connection.workflowService.registerNamespace({
        namespace,
        workflowExecutionRetentionPeriod: msToTs('3 days'),
      });
    } catch (err) {
      if ((err as { code?: number }).code !== ALREADY_EXISTS) throw err;
    }
  });
  await retry('describe namespace', 60_000, () =>
    connection.workflowService.describeNamespace({ namespace }),
  );
  const existing = await retry('list search attributes', 60_000, () =>
    connection.operatorService.listSearchAttributes({ namespace }),
  );
  const missing = ALL_SEARCH_ATTRIBUTES.filter((k) => !(k.name in (existing.customAttributes ?? {})));
  if (missing.length > 0) {
    await retry('add search attributes', 60_000, () =>
      connection.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: Object.fromEntries(missing.map((k) => [k.name, INDEXED_TYPE[k.type]!])),
      }),
    );
  }
}

/** Starts and terminates a throwaway workflow: frontend, history shards and the namespace all answer. */
export async function probeReady(
  connection: Connection,
  namespace: string,
  timeoutMs = 90_000,
): Promise<void> {
  await retry('cluster ready', timeoutMs, async () => {
    const workflowId = `cluster-ready-${randomUUID()}`;
    await connection.withDeadline(Date.now() + 5_000, () =>
      connection.workflowService.startWorkflowExecution({
        namespace,
        workflowId,
        workflowType: { name: 'clusterReadyProbe' },
        taskQueue: { name: 'cluster-ready-probe' },
        requestId: randomUUID(),
        identity: 'npm run cluster',
      }),
    );
    await connection.withDeadline(Date.now() + 5_000, () =>
      connection.workflowService.terminateWorkflowExecution({
        namespace,
        workflowExecution: { workflowId },
        reason: 'readiness probe',
        identity: 'npm run cluster',
      }),
    );
  });
}
