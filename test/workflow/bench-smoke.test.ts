// The benchmark runs at its tiny size and prints numbers (no timing assertions: CI machines vary).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runBench } from '../../bench/run';

describe('bench (smoke size)', () => {
  it('runs every measured case and produces numbers', async () => {
    const r = await runBench('smoke', (l) => console.log(`[bench] ${l}`));
    assert.ok(r.webhook.n > 0 && Number.isFinite(r.webhook.p50));
    assert.ok(r.polling.n > 0);
    assert.ok(r.api.perSecond > 0 && r.sdk.perSecond > 0);
    assert.ok(r.cost.length > 0 && r.cost.every((c) => c.actions > 0));
  });
});
