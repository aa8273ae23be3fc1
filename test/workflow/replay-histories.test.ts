// Determinism: every recorded history under test/histories/ (one per scenario, plus older versions
// kept in subfolders) must replay against the current workflows/ bundle. A workflow change that
// alters the commands of a running check without patched() fails here. Re-record:
//   npx tsx test/reliability/record-histories.ts   (or npm run reliability -- --record-histories)
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { quietBundlerLogger } from '../../observability/quiet-logger';
import { loadHistory } from '../reliability/record-histories';
import { workflowBundle } from '../helpers/temporal-env';

const DIR = join(__dirname, '..', 'histories');

function historyFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return historyFiles(path);
    return name.endsWith('.json') ? [path] : [];
  });
}

describe('replay of recorded histories', () => {
  const files = historyFiles(DIR);

  it('has a history for every scenario', () => {
    assert.ok(files.length >= 16, `only ${files.length} histories under ${DIR}`);
  });

  it('replays every recorded history against the current workflow code', async () => {
    const histories = files.map((f) => ({
      workflowId: relative(DIR, f),
      history: loadHistory(readFileSync(f, 'utf8')),
    }));
    const failures: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: await workflowBundle() },
      histories,
    )) {
      replayed++;
      if (result.error) failures.push(`${result.workflowId}: ${result.error.name}: ${result.error.message}`);
    }
    assert.equal(replayed, files.length);
    assert.deepEqual(
      failures,
      [],
      `Non-deterministic change? Guard it with patched() (see docs/RELIABILITY.md).\n${failures.join('\n')}`,
    );
  });

  it('fails replay for an unguarded change (the check above can fail)', async () => {
    const bundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('../reliability/fixtures/unguarded-change'),
      logger: quietBundlerLogger,
    });
    const file = files.find((f) => f.endsWith('mx-webhook.json'))!;
    await assert.rejects(
      Worker.runReplayHistory({ workflowBundle: bundle }, loadHistory(readFileSync(file, 'utf8'))),
      (err: unknown) => (err as Error).name === 'DeterminismViolationError',
    );
  });
});
