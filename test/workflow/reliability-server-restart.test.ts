// Reliability (CI subset): the dev server with a SQLite file is stopped and started again (same port,
// same file) while 24 checks started through the API are refreshing, polling and parked on MFA. The
// child workers and the API reconnect on their own; every check (and every POST the API accepted
// during the outage) reaches its result, none runs twice, refresh starts ≤ 1 per resource, and the
// API answers every check afterwards. Full size: npm run reliability.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runServerRestart } from '../reliability/server-restart';

describe('reliability: Temporal server restart mid-flight', () => {
  it('workers and the API reconnect and every check completes correctly', async () => {
    const report = await runServerRestart({
      checks: 24,
      downMs: 3_000,
      log: (l) => console.log(`[restart] ${l}`),
    });
    const t = report.tally;
    console.log(
      `[restart] ${JSON.stringify({ outageMs: report.outageMs, drainAfterRestartMs: report.drainAfterRestartMs, duringOutage: report.duringOutage, acceptedDuringOutage: report.acceptedDuringOutage, apiAfter: report.apiAfter })}`,
    );
    assert.deepEqual(report.workerExits, [], 'workers exited during the outage');
    assert.deepEqual(t.stuck, [], 'stuck checks');
    assert.deepEqual(t.wrong, [], 'checks with the wrong result');
    assert.deepEqual(t.duplicatedRuns, [], 'checks started twice');
    assert.deepEqual(t.duplicatedProviderStarts, [], 'provider refreshes started more than once');
    assert.equal(t.completed, t.inFlight);
    assert.deepEqual(report.apiMismatches, [], 'API answers after the restart');
    assert.ok((report.phasesAtStop.WAITING_FOR_MFA ?? 0) > 0, 'some checks were parked on MFA at the stop');
  });
});
