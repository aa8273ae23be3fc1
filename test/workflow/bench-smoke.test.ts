// The benchmark runs at its tiny size and prints numbers (no timing assertions: CI machines vary).
// Validity is asserted: every API start 2xx (case 5), every check of cases 2 and 4 completed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runBench } from '../../bench/run';

describe('bench (smoke size)', () => {
  it('runs every case (1–5) and produces numbers', async () => {
    const r = await runBench('smoke', (l) => console.log(`[bench] ${l}`));
    assert.ok(r.webhook.n > 0 && Number.isFinite(r.webhook.p50));
    assert.ok(r.polling.n > 0);
    // 2) throughput: both variants completed everything and gave a rate.
    assert.equal(r.throughput.real.failed + r.throughput.trivial.failed, 0);
    assert.ok(
      r.throughput.real.perSecond > 0 &&
        r.throughput.trivial.perSecond > 0 &&
        Number.isFinite(r.throughput.ratio),
    );
    // 3) cost from the recorded histories.
    assert.ok(r.cost.length > 0 && r.cost.every((c) => c.actions > 0));
    // 4) parked: all parked, RSS read from the child worker, all completed after their answer.
    assert.equal(r.parked.parked, r.parked.n);
    assert.equal(r.parked.completed, r.parked.n);
    assert.ok(r.parked.rssParkedMiB > 0 && typeof r.parked.cache.maxCachedWorkflows === 'number');
    // 5) no request was rate limited or refused: the comparison measures starts.
    assert.ok(r.api.perSecond > 0 && r.sdk.perSecond > 0);
    assert.equal(r.api.errors, 0, JSON.stringify(r.api.statuses));
    assert.deepEqual(r.problems, []);
  });
});
