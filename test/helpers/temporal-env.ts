// The one way tests get Temporal: the real dev server (built by scripts/temporal-cli.ts), started
// through the SDK's TestWorkflowEnvironment with our search attributes registered — or, with
// TEST_TEMPORAL=cluster, the real multi-process cluster on PostgreSQL (scripts/cluster.ts), one per
// test process, shared by every suite in it and stopped when the process exits.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { ALL_SEARCH_ATTRIBUTES } from '../../contracts/search-attributes';
import { quietBundlerLogger } from '../../observability/quiet-logger';
import { startCluster, type Cluster } from '../../scripts/cluster';
import { ephemeralExecutable, resolveTemporalCli } from '../../scripts/temporal-cli';
import { WORKFLOWS_PATH } from '../../worker/create-worker';

export async function startDevServer(opts: { dbFilename?: string } = {}): Promise<TestWorkflowEnvironment> {
  if (process.env.TEST_TEMPORAL === 'cluster') {
    const cluster = await sharedCluster();
    return TestWorkflowEnvironment.createFromExistingServer({
      address: cluster.address,
      namespace: cluster.namespace,
    });
  }
  const cli = resolveTemporalCli();
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: ephemeralExecutable(cli),
      searchAttributes: ALL_SEARCH_ATTRIBUTES,
      ip: '127.0.0.1',
      ...(opts.dbFilename ? { dbFilename: opts.dbFilename } : {}),
      extraArgs: ['--log-level', 'error'],
    },
  });
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** Bundles workflows/ once per test process (webpack takes seconds). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietBundlerLogger });
  return bundle;
}

let cluster: Promise<Cluster> | undefined;
/** The test process's cluster (started on first use; its processes die with the test process). */
export function sharedCluster(): Promise<Cluster> {
  cluster ??= startCluster({ log: () => undefined });
  return cluster;
}
