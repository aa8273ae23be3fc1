// Where the worker's workflow code comes from: the bundle `npm run build` writes next to the compiled
// code (no webpack at start-up), WORKFLOW_BUNDLE_PATH, or — from sources — workflows/ bundled at start.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { WorkerOptions } from '@temporalio/worker';

/** dist/workflow-bundle.js when this file runs as dist/worker/workflow-bundle.js. */
export const PREBUILT_BUNDLE_PATH = path.resolve(__dirname, '..', 'workflow-bundle.js');

export type WorkflowSource =
  | { kind: 'bundle'; codePath: string; workflowBundle: WorkerOptions['workflowBundle'] }
  | { kind: 'workflowsPath'; reason: string };

/**
 * An explicit path must exist (a typo must not silently fall back to bundling at start). Tracing adds
 * workflow interceptors that only a start-time bundle picks up, so it turns the pre-built one off.
 */
export function chooseWorkflowSource(opts: {
  explicitPath?: string;
  tracing: boolean;
  defaultPath?: string;
}): WorkflowSource {
  const defaultPath = opts.defaultPath ?? PREBUILT_BUNDLE_PATH;
  if (opts.tracing)
    return { kind: 'workflowsPath', reason: 'tracing adds workflow interceptors: bundling at start' };
  if (opts.explicitPath) {
    const codePath = path.resolve(opts.explicitPath);
    if (!existsSync(codePath)) throw new Error(`WORKFLOW_BUNDLE_PATH ${codePath} does not exist`);
    return { kind: 'bundle', codePath, workflowBundle: { codePath } };
  }
  if (existsSync(defaultPath))
    return { kind: 'bundle', codePath: defaultPath, workflowBundle: { codePath: defaultPath } };
  return { kind: 'workflowsPath', reason: 'no pre-built bundle (run `npm run build`): bundling at start' };
}
