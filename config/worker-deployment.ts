// How a standalone worker is deployed (`npm run worker`, `node dist/worker/main.js`): its Worker
// Deployment version, its workflow bundle and its shutdown grace. Read once from env (docs/DEPLOYS.md).
import { z } from 'zod';

const DeploymentEnv = z
  .object({
    /** Worker Deployment name, e.g. `balance-check`; with TEMPORAL_BUILD_ID turns Worker Versioning on. */
    TEMPORAL_DEPLOYMENT_NAME: z.string().min(1).optional(),
    /** This build's id, e.g. the git commit or image tag. */
    TEMPORAL_BUILD_ID: z.string().min(1).optional(),
    TEMPORAL_VERSIONING_BEHAVIOR: z.enum(['PINNED', 'AUTO_UPGRADE']).default('PINNED'),
    /** A workflow bundle other than the one `npm run build` writes (dist/workflow-bundle.js). */
    WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),
    /** After SIGTERM: how long running activities may finish before they are cancelled. */
    WORKER_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(5000),
  })
  .refine((e) => (e.TEMPORAL_DEPLOYMENT_NAME === undefined) === (e.TEMPORAL_BUILD_ID === undefined), {
    message: 'Set TEMPORAL_DEPLOYMENT_NAME and TEMPORAL_BUILD_ID together (or neither)',
  });

export interface WorkerDeploymentSettings {
  deployment?: {
    deploymentName: string;
    buildId: string;
    defaultVersioningBehavior: 'PINNED' | 'AUTO_UPGRADE';
  };
  workflowBundlePath?: string;
  shutdownGraceMs: number;
}

export function loadWorkerDeploymentSettings(
  env: Record<string, string | undefined> = process.env,
): WorkerDeploymentSettings {
  const parsed = DeploymentEnv.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) throw new Error(`Invalid worker settings:\n${z.prettifyError(parsed.error)}`);
  const e = parsed.data;
  return {
    deployment:
      e.TEMPORAL_DEPLOYMENT_NAME && e.TEMPORAL_BUILD_ID
        ? {
            deploymentName: e.TEMPORAL_DEPLOYMENT_NAME,
            buildId: e.TEMPORAL_BUILD_ID,
            defaultVersioningBehavior: e.TEMPORAL_VERSIONING_BEHAVIOR,
          }
        : undefined,
    workflowBundlePath: e.WORKFLOW_BUNDLE_PATH,
    shutdownGraceMs: e.WORKER_SHUTDOWN_GRACE_MS,
  };
}
