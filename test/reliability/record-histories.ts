// Re-records test/histories/<scenario>.json: runs every scenario once on a real dev server with the
// simulators and a worker built from the current workflows/, then saves handle.fetchHistory().
//   npx tsx test/reliability/record-histories.ts [--only name,name] [--out dir]
// (also: npm run reliability -- --record-histories). Re-record after a *deliberate* workflow change
// that is guarded by patched(); keep the older histories (e.g. under test/histories/<version>/) so CI
// keeps proving that runs started before the change still replay.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { driveCheck, ROOT, spawnWorker, startCheck, startReliabilityEnv } from './harness';
import { SCENARIOS } from './scenarios';

export const HISTORIES_DIR = join(ROOT, 'test', 'histories');

export async function recordHistories(
  opts: { only?: string[]; outDir?: string; log?: (line: string) => void } = {},
): Promise<{ name: string; status: string; events: number }[]> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const outDir = opts.outDir ?? HISTORIES_DIR;
  mkdirSync(outDir, { recursive: true });
  // Real provider speed (jobs take seconds, as MX's do): the histories are what a production check
  // records, and bench/run.ts counts Temporal cost from them.
  const r = await startReliabilityEnv({ timeScale: 1 });
  const worker = spawnWorker(r, 'recorder');
  try {
    await worker.ready;
    const chosen = SCENARIOS.filter((s) => !opts.only || opts.only.includes(s.name));
    const out = await Promise.all(
      chosen.map(async (sc, i) => {
        const { run, handle } = await startCheck(r.client, r.taskQueue, sc, 900 + i);
        await driveCheck(r.client, run, handle, 120_000);
        if (!run.result) throw new Error(`${sc.name}: ${run.error}`);
        const history = await handle.fetchHistory();
        writeFileSync(join(outDir, `${sc.name}.json`), historyJson(history));
        const events = history.events?.length ?? 0;
        log(
          `recorded ${sc.name}: ${run.result.status}${run.result.reason ? ` ${run.result.reason.code}` : ''}, ${events} events`,
        );
        return { name: sc.name, status: run.result.status, events };
      }),
    );
    return out;
  } finally {
    await worker.kill('SIGTERM');
    await r.close();
  }
}

/** protobufjs JSON (enum names, int64 as strings, bytes base64); read back with loadHistory (test/workflow/replay-histories.test.ts). */
export function historyJson(history: temporal.api.history.v1.IHistory): string {
  const obj = temporal.api.history.v1.History.toObject(history as temporal.api.history.v1.History, {
    longs: String,
    enums: String,
    bytes: String,
  });
  return JSON.stringify(obj) + '\n';
}

export function loadHistory(json: string): temporal.api.history.v1.History {
  return temporal.api.history.v1.History.fromObject(JSON.parse(json));
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  recordHistories({ only: flag('--only')?.split(','), outDir: flag('--out') }).then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
