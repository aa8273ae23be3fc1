// A balance-check worker in its own process (test/reliability/child-worker.ts), for cases that must
// not share the bench process's event loop with the checks they start (P5: as in production, where
// api/main.ts and worker/main.ts are separate processes).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workflowBundle } from '../test/helpers/temporal-env';

export interface WorkerProcess {
  stop(): Promise<void>;
}

export async function startWorkerProcess(opts: {
  address: string;
  namespace: string;
  taskQueue: string;
  providerEnv: Record<string, string>;
}): Promise<WorkerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'bc-bench-worker-'));
  const codePath = join(dir, 'workflow-bundle.js');
  writeFileSync(codePath, (await workflowBundle()).code);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, '..', 'test', 'reliability', 'child-worker.ts')],
    {
      cwd: join(__dirname, '..'),
      env: {
        ...process.env,
        ...opts.providerEnv,
        TEMPORAL_ADDRESS: opts.address,
        TEMPORAL_NAMESPACE: opts.namespace,
        TASK_QUEUE: opts.taskQueue,
        WORKFLOW_CODE_PATH: codePath,
        WORKER_IDENTITY: `bench-${opts.taskQueue}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => void (stderr = (stderr + c.toString()).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await Promise.race([
    new Promise<void>((resolve) =>
      child.stdout!.on('data', (c: Buffer) => c.toString().includes('WORKER_READY') && resolve()),
    ),
    exited.then((code) => Promise.reject(new Error(`bench worker exited (${code}): ${stderr}`))),
  ]);
  return {
    async stop() {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
