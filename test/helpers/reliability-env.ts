// One reliability environment per test file (dev server, simulators, API: test/reliability/harness.ts),
// started before the file's tests and closed after them, with the file's own child worker when its
// cases need one. Call inside describe(); the returned function gives the running environment.
import { after, before } from 'node:test';
import {
  spawnWorker,
  startReliabilityEnv,
  type ChildWorker,
  type ReliabilityEnv,
} from '../reliability/harness';

export function useReliabilityEnv(opts: {
  timeScale: number;
  /** A child worker for the whole file: its id and extra environment. */
  worker?: { id: string; env?: Record<string, string> };
}): () => ReliabilityEnv {
  let current: ReliabilityEnv | undefined;
  let worker: ChildWorker | undefined;
  before(async () => {
    current = await startReliabilityEnv({ timeScale: opts.timeScale });
    if (opts.worker) {
      worker = spawnWorker(current, opts.worker.id, opts.worker.env);
      await worker.ready;
    }
  });
  after(async () => {
    await worker?.kill('SIGTERM');
    await current?.close();
  });
  return () => {
    if (!current) throw new Error('the reliability environment is not running (before() failed?)');
    return current;
  };
}
