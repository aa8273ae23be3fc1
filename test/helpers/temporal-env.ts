// The one way tests get Temporal: the real dev server (built by scripts/temporal-cli.ts), started
// through the SDK's TestWorkflowEnvironment with our search attributes registered.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { ALL_SEARCH_ATTRIBUTES } from '../../contracts/search-attributes';
import { quietBundlerLogger } from '../../observability/quiet-logger';
import { ephemeralExecutable, resolveTemporalCli } from '../../scripts/temporal-cli';
import { WORKFLOWS_PATH } from '../../worker/create-worker';

export async function startDevServer(opts: { dbFilename?: string } = {}): Promise<TestWorkflowEnvironment> {
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
