// CI subset of the cluster faults (the full run: `npm run reliability -- --only cluster`): on the
// cluster + two APIs + two workers + shared store, SIGKILL the history service, one API replica and
// one worker, and restart PostgreSQL, each with checks in flight (most parked on MFA until the
// component is back). Every check must reach its scenario's result, once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CLUSTER_FAULTS, runClusterFault, type ClusterFault } from '../reliability/cluster-faults';
import { startReplicaStack, type ReplicaStack } from '../reliability/cluster-stack';

const CI_FAULTS: ClusterFault[] = ['history', 'api', 'worker', 'postgres'];

describe('cluster faults (CI subset)', { timeout: 600_000 }, () => {
  let s: ReplicaStack;
  before(async () => {
    s = await startReplicaStack({ apis: 2, workers: 2, timeScale: 1 });
  });
  after(async () => {
    await s?.close();
  });

  for (const [i, fault] of CI_FAULTS.entries()) {
    const label = CLUSTER_FAULTS.find((f) => f.fault === fault)!.label;
    test(`${label}: 0 lost, 0 stuck, 0 duplicate refreshes`, async () => {
      const r = await runClusterFault(s, fault, {
        checks: 24,
        offset: 50_000 + i * 1000,
        deadlineMs: 180_000,
      });
      assert.ok(r.inFlightAtFault >= 12, `checks in flight at the fault: ${JSON.stringify(r.phasesAtFault)}`);
      assert.deepEqual(r.tally.stuck, []);
      assert.deepEqual(r.tally.wrong, []);
      assert.equal(r.tally.completed, r.tally.inFlight);
      assert.deepEqual(r.tally.duplicatedRuns, []);
      assert.deepEqual(r.tally.duplicatedProviderStarts, []);
    });
  }
});
