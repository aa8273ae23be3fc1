// The integration-test stack: real dev server + simulators + worker + API on loopback.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { ProviderName } from '../../contracts/balance-check';
import { startSandboxStack, type SandboxStack } from '../../sandbox/stack';
import { startDevServer, workflowBundle } from './temporal-env';

export interface TestStack extends SandboxStack {
  env: TestWorkflowEnvironment;
  /** JSON request to the API. */
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
  /** Tears down the stack and the dev server. */
  stop(): Promise<void>;
}

export async function startTestStack(opts: { providers?: ProviderName[]; timeScale?: number; taskQueue?: string } = {}): Promise<TestStack> {
  const env = await startDevServer();
  const stack = await startSandboxStack({
    client: env.client,
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    providers: opts.providers,
    timeScale: opts.timeScale ?? 0.1,
    taskQueue: opts.taskQueue,
    workflowBundle: await workflowBundle(),
    log: () => undefined,
  });
  return {
    ...stack,
    env,
    async api(method, path, body, headers = {}) {
      const res = await fetch(stack.apiUrl + path, {
        method,
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async stop() {
      await stack.close();
      await env.teardown();
    },
  };
}
