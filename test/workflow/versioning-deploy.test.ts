// Safe deploys with Worker Versioning on the real dev server: checks parked on MFA under build v1
// stay pinned to v1 after v2 (changed workflow code: test/fixtures/workflows-v2) becomes current;
// they finish on v1 while new checks run on v2; then v1 reports DRAINED and its worker can go.
// The steps are the ones docs/DEPLOYS.md gives operators (there with the `temporal` CLI).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type Worker } from '@temporalio/worker';
import { type BalanceCheckRun, type BalanceCheckState } from '../../contracts/balance-check';
import { ALL_SEARCH_ATTRIBUTES } from '../../contracts/search-attributes';
import { createLogger } from '../../observability/logger';
import { MX_SANDBOX_CHALLENGES, MX_SANDBOX_USER } from '../../providers/mx/sandbox';
import { createProviderRegistry } from '../../providers/registry';
import { SANDBOX_API_KEY, startSandboxStack, type SandboxStack } from '../../sandbox/stack';
import { ephemeralExecutable, resolveTemporalCli } from '../../scripts/temporal-cli';
import { createBalanceCheckWorker } from '../../worker/create-worker';
import { statusQuery } from '../../workflows/definitions';
import { workflowBundle } from '../helpers/temporal-env';
import { waitFor } from '../helpers/wait';
import type { balanceCheck } from '../../workflows';

/** A run's result; runs on the v2 fixture code carry their version tag. */
type VersionTagged = BalanceCheckRun & { workflowCodeVersion?: string };

const { WorkerDeploymentVersionStatus } = temporal.api.enums.v1;
const { VersioningBehavior } = temporal.api.enums.v1;

describe('Worker Versioning: a deploy keeps parked checks on the version that started them', () => {
  let env: TestWorkflowEnvironment;
  let client: Client;
  let sandbox: SandboxStack;
  const taskQueue = `versioning-${randomUUID()}`;
  const deploymentName = `balance-check-${randomUUID().slice(0, 8)}`;
  const workers = new Map<string, { worker: Worker; running: Promise<void> }>();

  before(async () => {
    env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: ephemeralExecutable(resolveTemporalCli()),
        searchAttributes: ALL_SEARCH_ATTRIBUTES,
        ip: '127.0.0.1',
        // Drainage is refreshed from visibility every 3 minutes by default; the test waits seconds.
        extraArgs: [
          '--log-level',
          'error',
          '--dynamic-config-value',
          'matching.wv.VersionDrainageStatusVisibilityGracePeriod="2s"',
          '--dynamic-config-value',
          'matching.wv.VersionDrainageStatusRefreshInterval="1s"',
        ],
      },
    });
    client = env.client;
    sandbox = await startSandboxStack({
      client,
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      providers: ['mx'],
      timeScale: 0.1,
      taskQueue,
      withoutWorker: true,
      logger: createLogger({ name: 'api', level: 'silent' }),
    });
  });

  after(async () => {
    for (const { worker, running } of workers.values()) {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
    }
    await sandbox?.close();
    await env?.teardown();
  });

  const namespace = () => env.namespace ?? 'default';
  const api = async (
    method: string,
    pathname: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const res = await fetch(sandbox.apiUrl + pathname, {
      method,
      headers: { authorization: `Bearer ${SANDBOX_API_KEY}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const startCheck = async (memberId: string) => {
    const res = await api('POST', '/v1/balance-checks', {
      provider: 'mx',
      resource: { userId: MX_SANDBOX_USER, memberId },
      timeouts: { mfaSeconds: 120 },
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    return {
      id: String(res.body.id),
      handle: client.workflow.getHandle<typeof balanceCheck>(String(res.body.workflowId)),
    };
  };
  const versioningOf = async (handle: WorkflowHandle) => {
    const info = (await handle.describe()).raw.workflowExecutionInfo?.versioningInfo;
    return { behavior: info?.behavior, buildId: info?.deploymentVersion?.buildId };
  };
  const describeVersion = (buildId: string) =>
    client.workflowService.describeWorkerDeploymentVersion({
      namespace: namespace(),
      deploymentVersion: { deploymentName, buildId },
    });

  /** A worker polling as deploymentName/buildId with the given workflow bundle. */
  async function startVersionedWorker(buildId: string, bundle: { code: string }) {
    const worker = await createBalanceCheckWorker({
      connection: env.nativeConnection,
      namespace: namespace(),
      taskQueue,
      providers: createProviderRegistry(sandbox.providerEnv),
      workflowBundle: bundle,
      deployment: { deploymentName, buildId },
    });
    workers.set(buildId, { worker, running: worker.run() });
    // The version is ready once its workflow, activity and Nexus pollers all reached the server: one
    // still missing a queue type cannot become current (FAILED_PRECONDITION: missing active task queues).
    await waitFor(
      async () =>
        ((await describeVersion(buildId)).workerDeploymentVersionInfo?.taskQueueInfos?.length ?? 0) >= 3,
      20_000,
      200,
    );
  }
  /** `temporal worker deployment set-current-version --deployment-name … --build-id …` */
  const setCurrent = (buildId: string) =>
    client.workflowService.setWorkerDeploymentCurrentVersion({
      namespace: namespace(),
      deploymentName,
      buildId,
      identity: 'versioning-test',
    });

  async function waitForMfa(handle: WorkflowHandle): Promise<BalanceCheckState> {
    let state: BalanceCheckState | undefined;
    await waitFor(async () => {
      state = await handle.query(statusQuery);
      return state.phase === 'WAITING_FOR_MFA';
    }, 20_000);
    return state!;
  }

  it('parked v1 checks finish on v1 after v2 is made current; new checks run v2; v1 drains', async (t) => {
    const v2Bundle = bundleWorkflowCode({
      workflowsPath: path.resolve(__dirname, '../fixtures/workflows-v2'),
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
    });
    await startVersionedWorker('v1', await workflowBundle());
    await setCurrent('v1');

    // Two checks park on MFA under v1, pinned to it.
    const challenge = await startCheck('MBR-challenge');
    const options = await startCheck('MBR-options');
    await waitForMfa(challenge.handle);
    const optionsState = await waitForMfa(options.handle);
    for (const c of [challenge, options])
      assert.deepEqual(await versioningOf(c.handle), {
        behavior: VersioningBehavior.VERSIONING_BEHAVIOR_PINNED,
        buildId: 'v1',
      });

    // Deploy v2 (changed workflow code) and make it current.
    await startVersionedWorker('v2', await v2Bundle);
    await setCurrent('v2');
    const v1 = (await describeVersion('v1')).workerDeploymentVersionInfo;
    assert.equal(v1?.status, WorkerDeploymentVersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_DRAINING);

    // A new check runs on v2: its result carries v2's tag.
    const fresh = await api(
      'POST',
      '/v1/balance-checks',
      { provider: 'mx', resource: { userId: MX_SANDBOX_USER, memberId: 'MBR-connected' } },
      { prefer: 'wait=30' },
    );
    assert.equal(fresh.status, 200, JSON.stringify(fresh.body));
    const freshHandle = client.workflow.getHandle<typeof balanceCheck>(String(fresh.body.workflowId));
    // v1's result type; a run on v2 code adds its tag (test/fixtures/workflows-v2).
    const freshResult: VersionTagged = await freshHandle.result();
    assert.equal(freshResult.status, 'COMPLETED');
    assert.equal(freshResult.workflowCodeVersion, 'v2');
    assert.deepEqual(await versioningOf(freshHandle), {
      behavior: VersioningBehavior.VERSIONING_BEHAVIOR_PINNED,
      buildId: 'v2',
    });

    // The parked checks are answered now and finish on v1: untagged results, still pinned to v1.
    const ok = await api('POST', `/v1/balance-checks/${challenge.id}/mfa`, {
      answers: [{ challengeId: MX_SANDBOX_CHALLENGES.text.guid, value: 'correct' }],
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const right = optionsState.challenges[0]!.options!.find((o) => o.value === 'correct')!;
    const ok2 = await api('POST', `/v1/balance-checks/${options.id}/mfa`, {
      answers: [{ challengeId: optionsState.challenges[0]!.id, value: right.id }],
    });
    assert.equal(ok2.status, 200, JSON.stringify(ok2.body));
    for (const c of [challenge, options]) {
      const result: VersionTagged = await c.handle.result();
      assert.equal(result.status, 'COMPLETED', JSON.stringify(result.reason));
      assert.equal(result.workflowCodeVersion, undefined, 'ran v1 code');
      assert.equal((await versioningOf(c.handle)).buildId, 'v1');
    }

    // No open check is pinned to v1 any more: it drains, and its worker can be stopped.
    const drainStart = Date.now();
    await waitFor(
      async () =>
        (await describeVersion('v1')).workerDeploymentVersionInfo?.status ===
        WorkerDeploymentVersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_DRAINED,
      60_000,
      500,
    );
    t.diagnostic(`v1 reported DRAINED ${Date.now() - drainStart} ms after its last check closed`);
    const v1Worker = workers.get('v1')!;
    v1Worker.worker.shutdown();
    await v1Worker.running;
    assert.equal(
      (await describeVersion('v2')).workerDeploymentVersionInfo?.status,
      WorkerDeploymentVersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_CURRENT,
    );
    // And v2 alone keeps serving: another check completes.
    const last = await api(
      'POST',
      '/v1/balance-checks',
      { provider: 'mx', resource: { userId: MX_SANDBOX_USER, memberId: 'MBR-connected' } },
      { prefer: 'wait=30' },
    );
    assert.equal(last.status, 200, JSON.stringify(last.body));
  });
});
