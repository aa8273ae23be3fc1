// The integration-test stack: real dev server + simulators + worker + API on loopback.
import { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { hashApiKey, type ApiKey } from '../../api/auth';
import type { ProviderName } from '../../contracts/balance-check';
import { quietBundlerLogger } from '../../observability/quiet-logger';
import { createLogger } from '../../observability/logger';
import { startSandboxStack, type SandboxStack, type SandboxStackOptions } from '../../sandbox/stack';
import { WORKFLOWS_PATH } from '../../worker/create-worker';
import { startDevServer, workflowBundle } from './temporal-env';

/** API keys of the test stack: `full` is added to every stack.api call that names no authorization. */
export const TEST_API_KEYS = {
  full: 'test-key-full',
  readOnly: 'test-key-read-only',
  relay: 'test-key-relay',
  limited: 'test-key-limited',
  /** Another key of the same owner as `full`: its checks join `full`'s refreshes. */
  sameOwner: 'test-key-same-owner',
  /** A second tenant: it must never see, answer, cancel or relay to the first tenant's checks. */
  otherTenant: 'test-key-other-tenant',
} as const;

const TEST_KEY_CONFIG: ApiKey[] = [
  {
    name: 'test-full',
    owner: 'test',
    sha256: hashApiKey(TEST_API_KEYS.full),
    scopes: ['read', 'write', 'events'],
  },
  {
    name: 'test-second',
    owner: 'test',
    sha256: hashApiKey(TEST_API_KEYS.sameOwner),
    scopes: ['read', 'write'],
  },
  { name: 'test-read-only', owner: 'test', sha256: hashApiKey(TEST_API_KEYS.readOnly), scopes: ['read'] },
  { name: 'test-relay', owner: 'test', sha256: hashApiKey(TEST_API_KEYS.relay), scopes: ['events'] },
  // Three requests, then 429 (the bucket refills at 3 per minute).
  {
    name: 'test-limited',
    owner: 'test',
    sha256: hashApiKey(TEST_API_KEYS.limited),
    scopes: ['read'],
    ratePerMinute: 3,
  },
  {
    name: 'other-full',
    owner: 'other',
    sha256: hashApiKey(TEST_API_KEYS.otherTenant),
    scopes: ['read', 'write', 'events'],
  },
];

export interface TestStack extends SandboxStack {
  env: TestWorkflowEnvironment;
  /** JSON request to the API. */
  api(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Headers }>;
  /** Tears down the stack and the dev server. */
  stop(): Promise<void>;
}

export async function startTestStack(
  opts: {
    providers?: ProviderName[];
    /** Providers registered by the test itself (e.g. test/fixtures/providers/echo). */
    extraProviders?: SandboxStackOptions['extraProviders'];
    timeScale?: number;
    taskQueue?: string;
    updateDeadlineMs?: number;
    /** e.g. the codec's createDataConverter: used by the API's client and the worker alike. */
    dataConverter?: DataConverter;
    /** Callback settings of the API and the worker (default: none). */
    callbacks?: SandboxStackOptions['callbacks'];
    resolveHost?: SandboxStackOptions['resolveHost'];
  } = {},
): Promise<TestStack> {
  const env = await startDevServer();
  const namespace = env.namespace ?? 'default';
  const client = opts.dataConverter
    ? new Client({ connection: env.connection, namespace, dataConverter: opts.dataConverter })
    : env.client;
  // A failed start must not leave the dev server running (the test process would hang).
  let stack: Awaited<ReturnType<typeof startSandboxStack>>;
  try {
    stack = await startSandboxStack({
      client,
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      providers: opts.providers,
      extraProviders: opts.extraProviders,
      timeScale: opts.timeScale ?? 0.1,
      taskQueue: opts.taskQueue,
      workflowBundle: await (opts.dataConverter?.failureConverterPath
        ? bundleWithFailureConverter(opts.dataConverter.failureConverterPath)
        : workflowBundle()),
      ...(opts.dataConverter ? { dataConverter: opts.dataConverter } : {}),
      logger: createLogger({ name: 'api', level: 'silent' }),
      apiKeys: TEST_KEY_CONFIG,
      ratePerMinute: 100_000,
      updateDeadlineMs: opts.updateDeadlineMs,
      ...(opts.callbacks ? { callbacks: opts.callbacks } : {}),
      ...(opts.resolveHost ? { resolveHost: opts.resolveHost } : {}),
    });
  } catch (err) {
    await env.teardown();
    throw err;
  }
  return {
    ...stack,
    env,
    async api(method, path, body, headers = {}) {
      const res = await fetch(stack.apiUrl + path, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')
            ? {}
            : { authorization: `Bearer ${TEST_API_KEYS.full}` }),
          ...headers,
        },
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

let converterBundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** The failure converter also runs inside workflows, so a prebuilt bundle must include it. */
function bundleWithFailureConverter(failureConverterPath: string): Promise<WorkflowBundleWithSourceMap> {
  converterBundle ??= bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    failureConverterPath,
    logger: quietBundlerLogger,
  });
  return converterBundle;
}
