// Reliability (CI subset): ~30 checks across MX, Meld and Spinwheel — refreshing, polling and parked
// on MFA — served by a child-process worker that is SIGKILLed mid-flight; a fresh worker takes over.
// Every check reaches its scenario's result, none is stuck or started twice, and no provider refresh
// is started more than once per resource. The full-size version: npm run reliability.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runWorkerCrash } from '../reliability/crash';
import { startReliabilityEnv, type ReliabilityEnv } from '../reliability/harness';

describe('reliability: worker SIGKILL mid-flight', () => {
  let r: ReliabilityEnv;
  before(async () => {
    r = await startReliabilityEnv({ timeScale: 1 });
  });
  after(async () => {
    await r?.close();
  });

  it('every check completes correctly after the worker is killed and replaced', async () => {
    const report = await runWorkerCrash(r, {
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
