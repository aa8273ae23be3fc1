// The determinism lint guards every file the workflow bundle includes: this bundles the workflows the
// way the worker does (the SDK's webpack bundler), lists the project files webpack pulled in, and asks
// ESLint's resolved config for each whether the workflow import ban applies. A new workflow import
// outside the rule's globs (eslint.config.mjs workflowBundleFiles) fails here.
import assert from 'node:assert/strict';
import { relative } from 'node:path';
import { describe, it } from 'node:test';
import { bundleWorkflowCode } from '@temporalio/worker';
import { ESLint } from 'eslint';
import { quietBundlerLogger } from '../../observability/quiet-logger';
import { WORKFLOWS_PATH } from '../../worker/create-worker';

const ROOT = process.cwd();

/** Project files (not node_modules) in the workflow bundle, relative to the repository root. */
async function bundledProjectFiles(): Promise<string[]> {
  const files = new Set<string>();
  await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    logger: quietBundlerLogger,
    webpackConfigHook: (config) => {
      config.plugins = [
        ...(config.plugins ?? []),
        {
          apply(compiler) {
            compiler.hooks.done.tap('list-bundled-files', (stats) => {
              for (const m of stats.compilation.modules) {
                const resource = (m as { resource?: string }).resource;
                if (resource?.endsWith('.ts') && !resource.includes('node_modules'))
                  files.add(relative(ROOT, resource));
              }
            });
          },
        },
      ];
      return config;
    },
  });
  return [...files].sort();
}

describe('workflow bundle lint scope', () => {
  it('every project file in the workflow bundle is under the workflow import ban', async () => {
    const files = await bundledProjectFiles();
    // Not vacuous: the bundle has the workflow, the contracts it shares and the outcome metrics.
    for (const expected of [
      'workflows/balance-check.ts',
      'contracts/balance-check.ts',
      'observability/check-outcomes.ts',
    ])
      assert.ok(files.includes(expected), `${expected} missing from ${JSON.stringify(files)}`);
    const eslint = new ESLint({ cwd: ROOT });
    const uncovered: string[] = [];
    for (const file of files) {
      const config = (await eslint.calculateConfigForFile(file)) as { rules?: Record<string, unknown[]> };
      const options = JSON.stringify(config.rules?.['no-restricted-imports'] ?? []);
      // The workflow ban names zod and @temporalio/activity; the simulator-only ban names neither.
      if (!(options.includes('"zod"') && options.includes('@temporalio/activity'))) uncovered.push(file);
    }
    assert.deepEqual(uncovered, [], 'bundled into workflow code but outside the determinism lint rule');
  });
});
