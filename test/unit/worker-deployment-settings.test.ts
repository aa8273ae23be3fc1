// Worker deployment settings from env (Worker Versioning, bundle path, shutdown grace) and the
// choice of workflow code: pre-built bundle, WORKFLOW_BUNDLE_PATH, or bundling at start.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { loadWorkerDeploymentSettings } from '../../config/worker-deployment';
import { chooseWorkflowSource } from '../../worker/workflow-bundle';

describe('loadWorkerDeploymentSettings', () => {
  it('unversioned with defaults when nothing is set (tests, the sandbox)', () => {
    assert.deepEqual(loadWorkerDeploymentSettings({}), {
      deployment: undefined,
      workflowBundlePath: undefined,
      shutdownGraceMs: 5000,
    });
  });

  it('deployment name + build id turn versioning on, PINNED unless told otherwise', () => {
    const s = loadWorkerDeploymentSettings({
      TEMPORAL_DEPLOYMENT_NAME: 'balance-check',
      TEMPORAL_BUILD_ID: '2026-11-29.1',
      WORKER_SHUTDOWN_GRACE_MS: '20000',
    });
    assert.deepEqual(s.deployment, {
      deploymentName: 'balance-check',
      buildId: '2026-11-29.1',
      defaultVersioningBehavior: 'PINNED',
    });
    assert.equal(s.shutdownGraceMs, 20000);
    assert.equal(
      loadWorkerDeploymentSettings({
        TEMPORAL_DEPLOYMENT_NAME: 'd',
        TEMPORAL_BUILD_ID: 'b',
        TEMPORAL_VERSIONING_BEHAVIOR: 'AUTO_UPGRADE',
      }).deployment?.defaultVersioningBehavior,
      'AUTO_UPGRADE',
    );
  });

  it('refuses half a version and bad values, naming them', () => {
    assert.throws(
      () => loadWorkerDeploymentSettings({ TEMPORAL_BUILD_ID: 'b' }),
      /TEMPORAL_DEPLOYMENT_NAME and TEMPORAL_BUILD_ID together/,
    );
    assert.throws(
      () => loadWorkerDeploymentSettings({ WORKER_SHUTDOWN_GRACE_MS: '-1' }),
      /WORKER_SHUTDOWN_GRACE_MS/,
    );
    assert.throws(
      () => loadWorkerDeploymentSettings({ TEMPORAL_VERSIONING_BEHAVIOR: 'pinned' }),
      /TEMPORAL_VERSIONING_BEHAVIOR/,
    );
  });
});

describe('chooseWorkflowSource', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'bundle-choice-'));
  const bundle = path.join(dir, 'workflow-bundle.js');
  writeFileSync(bundle, '// bundle');
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the pre-built bundle when it exists; bundling at start when it does not', () => {
    assert.deepEqual(chooseWorkflowSource({ tracing: false, defaultPath: bundle }), {
      kind: 'bundle',
      codePath: bundle,
      workflowBundle: { codePath: bundle },
    });
    assert.equal(
      chooseWorkflowSource({ tracing: false, defaultPath: path.join(dir, 'missing.js') }).kind,
      'workflowsPath',
    );
  });

  it('WORKFLOW_BUNDLE_PATH must exist (no silent fallback)', () => {
    assert.equal(
      chooseWorkflowSource({ tracing: false, explicitPath: bundle, defaultPath: 'x' }).kind,
      'bundle',
    );
    assert.throws(
      () => chooseWorkflowSource({ tracing: false, explicitPath: path.join(dir, 'typo.js') }),
      /WORKFLOW_BUNDLE_PATH .*typo\.js does not exist/,
    );
  });

  it('tracing bundles at start (its workflow interceptors are not in the pre-built bundle)', () => {
    const s = chooseWorkflowSource({ tracing: true, explicitPath: bundle, defaultPath: bundle });
    assert.equal(s.kind, 'workflowsPath');
  });
});
