// The stack every timing case runs on: a dev server, the sandbox (simulators at timeScale 0.1, worker,
// API with the bench's own key) and the webhook tap in front of the API. Shared by `npm run bench` and
// the single-case runners, so their figures compare.
import { startSandboxStack } from '../sandbox/stack';
import { startDevServer, workflowBundle } from '../test/helpers/temporal-env';
import { BENCH_STACK_KEYS } from './sizes';
import { webhookTap } from './webhook-tap';

export async function startBenchStack() {
  const env = await startDevServer();
  const namespace = env.namespace ?? 'default';
  const stack = await startSandboxStack({
    client: env.client,
    connection: env.nativeConnection,
    namespace,
    timeScale: 0.1,
    workflowBundle: await workflowBundle(),
    log: () => undefined,
    ...BENCH_STACK_KEYS,
  });
  const tap = await webhookTap(stack.apiUrl);
  return {
    env,
    namespace,
    stack,
    tap,
    /** Points every simulator's webhooks at this URL (the tap, or the API itself). */
    webhooksTo(url: string) {
      for (const sim of Object.values(stack.simulators))
        sim.setWebhookTarget({ url: `${url}/webhooks/${sim.provider}` });
    },
    async close() {
      tap.server.closeAllConnections();
      tap.server.close();
      await stack.close();
      await env.teardown();
    },
  };
}
