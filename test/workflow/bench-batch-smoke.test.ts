// The batch bench at its smoke size (no timing assertions): a batch and as many single checks,
// every item and check completed, and the report's numbers are there.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runBatchBench } from '../../bench/batch';

describe('batch bench (smoke size)', () => {
  it('runs a batch and the same number of single checks through the API', async () => {
    const r = await runBatchBench('smoke', (l) => console.log(`[bench-batch] ${l}`));
    assert.equal(r.batch.completed, r.items);
    assert.equal(r.singles.completed, r.items);
    assert.ok(r.batch.historyEvents > 0 && r.batch.historyBytes > 0);
    assert.ok(r.singles.historyEventsPerCheck > 0 && r.workerRssMiB > 0);
    assert.ok(r.batch.providerCallsPerS > 0 && r.singles.providerCallsPerS > 0);
  });
});
