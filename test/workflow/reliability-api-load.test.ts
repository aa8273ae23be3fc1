// Reliability (CI subset): a bounded API load on loopback (120 POST /v1/balance-checks over ~10 s on
// distinct resources, some with Prefer: wait, plus GETs; ≤ 16 in flight) while the only worker is
// SIGKILLed and replaced. No 5xx but the documented GET 503 worker-unavailable in the outage window;
// every accepted check reaches its result. Full size (300 over 20 s): npm run reliability.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runApiLoad } from '../reliability/api-load';
import { useReliabilityEnv } from '../helpers/reliability-env';

describe('reliability: API under load while the worker is killed', () => {
  const env = useReliabilityEnv({ timeScale: 1 });

  it('no undocumented 5xx and no accepted check lost', async () => {
    const report = await runApiLoad(env(), {
      posts: 120,
      durationMs: 10_000,
      concurrency: 16,
      killAtMs: 4_000,
      log: (l) => console.log(`[load] ${l}`),
    });
    console.log(
      `[load] ${JSON.stringify({ byKind: report.byKind, latencyMs: report.latencyMs, drainMs: report.drainMs, windowMs: report.windowMs })}`,
    );
    assert.deepEqual(report.undocumented, [], 'undocumented 5xx / no answer');
    assert.deepEqual(report.lost, [], 'accepted checks without their result');
    assert.equal(report.tally.completed, report.accepted);
    assert.equal(report.accepted, 120);
    assert.deepEqual(report.tally.duplicatedRuns, [], 'checks started twice');
    assert.deepEqual(report.tally.duplicatedProviderStarts, [], 'provider refreshes started more than once');
  });
});
