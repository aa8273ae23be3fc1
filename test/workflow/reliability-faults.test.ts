// Reliability (CI subset): provider faults — 5xx bursts, 429/503 with Retry-After, timeouts (the
// request lands late, so the retry must join the job, not start another), connection resets,
// malformed JSON, wrong content type, slow bodies, a persistent outage. Each check ends with the
// right result, Retry-After is honoured (measured), retries never hot-loop, refresh starts ≤ 1.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FAULT_CASES, PROVIDER_TIMEOUT_MS, runFaultCases } from '../reliability/faults';
import { useReliabilityEnv } from '../helpers/reliability-env';

describe('reliability: provider faults', () => {
  const env = useReliabilityEnv({
    timeScale: 0.1,
    worker: { id: 'faults', env: { PROVIDER_TIMEOUT_MS: String(PROVIDER_TIMEOUT_MS) } },
  });

  it('each fault ends in the right result without hot loops or duplicate refreshes', async () => {
    const outcomes = await runFaultCases(env(), FAULT_CASES, 500);
    for (const o of outcomes)
      console.log(
        `[fault] ${o.problems.length === 0 ? 'ok  ' : o.ok ? 'KNOWN' : 'FAIL'} ${o.name}: ${o.status}${o.reason ? ` ${o.reason}` : ''}, ${o.calls} calls, starts ${o.refreshStarts}${o.gapMs !== undefined ? `, gap ${o.gapMs} ms` : ''}, ${(o.durationMs / 1000).toFixed(1)} s ${o.problems.join('; ')}`,
      );
    assert.deepEqual(
      outcomes.filter((o) => !o.ok).map((o) => `${o.name}: ${o.problems.join('; ')}`),
      [],
    );
  });
});
