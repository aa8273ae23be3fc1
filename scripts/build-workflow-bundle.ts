// Second step of `npm run build`: bundles the compiled workflows (dist/workflows) once, with the
// failure converter the worker's data converter names, into dist/workflow-bundle.js. The worker
// loads it with `workflowBundle: { codePath }`, so production start-up runs no webpack.
import { writeFileSync } from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';
import { failureConverterPath } from '../codec/data-converter';
import { WORKFLOWS_PATH } from '../worker/create-worker';
import { PREBUILT_BUNDLE_PATH } from '../worker/workflow-bundle';

async function main(): Promise<void> {
  // From sources the bundle would land in the repository root and shadow workflows/ edits.
  if (__filename.endsWith('.ts')) throw new Error('run the compiled script: npm run build');
  const started = Date.now();
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    failureConverterPath,
    logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} },
  });
  writeFileSync(PREBUILT_BUNDLE_PATH, code);
  console.log(
    `workflow bundle: ${PREBUILT_BUNDLE_PATH} (${Math.round(code.length / 1024)} KiB, ${Date.now() - started} ms)`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
