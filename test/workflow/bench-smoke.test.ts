// The benchmark runs at its tiny size and prints numbers (no timing assertions: CI machines vary).
// Validity is asserted: every case (P1–P6) produced figures, every API start 2xx, every check of
// the throughput and parked cases completed, and repeat requests with maxAgeSeconds called no provider.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goals } from '../../bench/goals';
import { runBench } from '../../bench/run';

describe('bench (smoke size)', () => {
  it('runs every case (P1–P6) and produces numbers and verdicts', async () => {
    const r = await runBench('smoke', (l) => console.log(`[bench] ${l}`));
    // P1: unloaded and loaded, real and trivial, with a per-step breakdown from the histories.
    for (const v of [r.unloaded.real, r.unloaded.trivial, r.loaded.real, r.loaded.trivial])
      assert.ok(v.n > 0 && Number.isFinite(v.p50), JSON.stringify(v));
    assert.equal(Object.keys(r.unloaded.real.steps ?? {}).length, 3);
    assert.ok(r.unloaded.trivial.steps!.some((s) => s.step.startsWith('workflow task')));
    assert.ok(r.polling.n > 0);
    // P2: both variants completed everything and gave a rate.
    assert.equal(r.throughput.real.failed + r.throughput.trivial.failed, 0);
    assert.ok(r.throughput.real.perSecond > 0 && r.throughput.trivial.perSecond > 0);
    // P3: cost from the recorded histories.
    assert.ok(r.cost.length > 0 && r.cost.every((c) => c.actions > 0));
    // P4: all parked, RSS read from the child worker, all completed after their answer.
    assert.equal(r.parked.parked, r.parked.n);
    assert.equal(r.parked.completed, r.parked.n);
    assert.ok(r.parked.rssParkedMiB > 0 && typeof r.parked.cache.maxCachedWorkflows === 'number');
    // P5: no request was rate limited or refused.
    assert.ok(r.starts.api.perSecond > 0 && r.starts.sdk.perSecond > 0);
    assert.equal(r.starts.api.errors, 0, JSON.stringify(r.starts.api.statuses));
    // P6: fresh requests called the provider; the same requests with maxAgeSeconds did not.
    assert.ok(r.providerCalls.fresh.calls > 0);
    assert.equal(r.providerCalls.cached.calls, 0);
    assert.equal(goals(r).length, 7);
    assert.deepEqual(r.problems, []);
  });
});
