// A Temporal client that knows no workflows, for API tests that need no server: every handle call
// is "not found" (the API's 404 path); start is a bug (no malformed request may reach it).
import { WorkflowNotFoundError, type Client } from '@temporalio/client';

export function clientWithNoWorkflows(): Client {
  const notFound = async () => {
    throw new WorkflowNotFoundError('not found', 'x', undefined);
  };
  const handle = {
    describe: notFound,
    signal: notFound,
    query: notFound,
    executeUpdate: notFound,
    cancel: notFound,
    result: notFound,
    fetchHistory: notFound,
  };
  return {
    workflow: {
      getHandle: () => handle,
      start: async () => {
        throw new Error('a request reached workflow start on a client with no workflows');
      },
    },
    withDeadline: <T>(_deadline: number, fn: () => Promise<T>) => fn(),
    connection: { workflowService: { getSystemInfo: async () => ({}) } },
  } as unknown as Client;
}
