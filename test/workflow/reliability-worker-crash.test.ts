// Reliability (CI subset): ~30 checks across MX, Meld and Spinwheel — refreshing, polling and parked
// on MFA — served by a child-process worker that is SIGKILLed mid-flight; a fresh worker takes over.
// Every check reaches its scenario's result, none is stuck or started twice, and no provider refresh
// is started more than once per resource. The full-size version: npm run reliability.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runWorkerCrash } from '../reliability/crash';
import { useReliabilityEnv } from '../helpers/reliability-env';

describe('reliability: worker SIGKILL mid-flight', () => {
  const env = useReliabilityEnv({ timeScale: 1 });

  it('every check completes correctly after the worker is killed and replaced', async () => {
    const report = await runWorkerCrash(env(), {
      checks: 32,
      workers: 1,
      killAll: true,
      log: (l) => console.log(`[crash] ${l}`),
    });
    const t = report.tally;
    console.log(`[crash] ${JSON.stringify({ ...report.phasesAtKill, drainMs: t.drainMs })}`);
    assert.deepEqual(t.stuck, [], 'stuck checks');
    assert.deepEqual(t.wrong, [], 'checks with the wrong result');
    assert.deepEqual(t.duplicatedRuns, [], 'checks started twice');
    assert.deepEqual(t.duplicatedProviderStarts, [], 'provider refreshes started more than once');
    assert.equal(t.completed, 32);
    assert.ok((report.phasesAtKill.WAITING_FOR_MFA ?? 0) > 0, 'some checks were parked on MFA at the kill');
  });
});
