// The production shape, tested: a real Temporal cluster on PostgreSQL (four service processes), TWO
// API processes sharing state in PostgreSQL (API_STATE_URL), TWO worker processes, and a load balancer
// that delivers every provider webhook to both API replicas. Replicas must behave as one API.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeCheckId } from '../../api/check-id';
import { apiCall, startViaApi } from '../reliability/api-driver';
import {
  startReplicaStack,
  LIMITED_API_KEY,
  LIMITED_PER_MINUTE,
  type ReplicaStack,
} from '../reliability/cluster-stack';
import { driveCheck, tally, type CheckRun } from '../reliability/harness';
import { SCENARIOS, scenario } from '../reliability/scenarios';
import type { balanceCheck } from '../../workflows';

describe('cluster: two API replicas and two workers behave as one', { timeout: 480_000 }, () => {
  let s: ReplicaStack;
  let a: string;
  let b: string;
  /** Checks started by the first test: their webhooks reach the relay too. */
  const earlier: string[] = [];

  before(async () => {
    s = await startReplicaStack({ apis: 2, workers: 2 });
    [a, b] = s.apis.map((r) => r.url!) as [string, string];
  });
  after(async () => {
    await s?.close();
  });

  test('the same Idempotency-Key on both replicas is one check; another body is a 422 on either', async () => {
    const sc = scenario('mx-webhook');
    const body = { provider: sc.provider, resource: sc.resource(9001) };
    const other = { provider: sc.provider, resource: sc.resource(9002) };
    const key = { 'idempotency-key': `replicas-${Date.now()}` };

    const first = await apiCall(a, 'POST', '/v1/balance-checks', body, key);
    assert.equal(first.status, 202, JSON.stringify(first.body));
    earlier.push(first.body.id);
    // Replica B has never seen this key: only a shared store lets it know the key is taken.
    const reusedOnB = await apiCall(b, 'POST', '/v1/balance-checks', other, key);
    assert.equal(reusedOnB.status, 422, JSON.stringify(reusedOnB.body));
    assert.match(reusedOnB.body.type, /idempotency-key-reused/);
    const replay = await fetch(`${b}/v1/balance-checks`, {
      method: 'POST',
      headers: { authorization: 'Bearer reliability-api-key', 'content-type': 'application/json', ...key },
      body: JSON.stringify(body),
    });
    const replayBody = (await replay.json()) as { id: string };
    assert.ok(replay.status === 200 || replay.status === 202, JSON.stringify(replayBody));
    assert.equal(replayBody.id, first.body.id, 'replica B answers with the check replica A started');
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    const reusedOnA = await apiCall(a, 'POST', '/v1/balance-checks', other, key);
    assert.equal(reusedOnA.status, 422, JSON.stringify(reusedOnA.body));

    // Both replicas at the same instant: exactly one claims the key; the other replays (after a 409
    // while the winner is still starting the check).
    const raceKey = { 'idempotency-key': `race-${Date.now()}` };
    const raceBody = { provider: sc.provider, resource: sc.resource(9003) };
    const send = async (url: string) => {
      for (;;) {
        const res = await fetch(`${url}/v1/balance-checks`, {
          method: 'POST',
          headers: {
            authorization: 'Bearer reliability-api-key',
            'content-type': 'application/json',
            ...raceKey,
          },
          body: JSON.stringify(raceBody),
        });
        const json = (await res.json()) as { id: string };
        if (res.status === 409) {
          await new Promise((r) => setTimeout(r, 200));
          continue;
        }
        return {
          status: res.status,
          id: json.id,
          replayed: res.headers.get('idempotent-replayed') === 'true',
        };
      }
    };
    const race = await Promise.all([send(a), send(b)]);
    assert.deepEqual(
      race.map((r) => r.status >= 200 && r.status < 300),
      [true, true],
    );
    assert.equal(race[0].id, race[1].id);
    earlier.push(race[0].id);
    assert.equal(race.filter((r) => !r.replayed).length, 1, `one claim winner: ${JSON.stringify(race)}`);
  });

  test("a key's rate limit holds across replicas", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMITED_PER_MINUTE + 6; i++) {
      const res = await fetch(`${i % 2 === 0 ? a : b}/v1/balance-checks/not-a-check`, {
        headers: { authorization: `Bearer ${LIMITED_API_KEY}` },
      });
      await res.text();
      statuses.push(res.status);
    }
    const allowed = statuses.filter((x) => x !== 429).length;
    assert.equal(allowed, LIMITED_PER_MINUTE, `one bucket for both replicas: ${statuses.join(',')}`);
    const limitedOn = new Set(statuses.map((x, i) => (x === 429 ? i % 2 : -1)).filter((x) => x >= 0));
    assert.deepEqual([...limitedOn].sort(), [0, 1], 'both replicas refuse once the shared bucket is empty');
  });

  test('checks through both replicas: 0 lost, every webhook (delivered to both) signaled once', async () => {
    const started: { run: CheckRun; handle: ReturnType<ReplicaStack['client']['workflow']['getHandle']> }[] =
      [];
    const n = SCENARIOS.length * 2;
    const answers = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        startViaApi(s.client, i % 2 === 0 ? a : b, SCENARIOS[i % SCENARIOS.length]!, 100 + i),
      ),
    );
    for (const x of answers) {
      assert.ok(x.started, `start refused: ${x.answer.status} ${JSON.stringify(x.answer.body)}`);
      started.push(x.started);
    }
    const runs = await Promise.all(
      started.map(({ run, handle }) => driveCheck(s.client, run, handle, 180_000)),
    );
    const t = await tally({ client: s.client, stack: s as never }, runs, Date.now());
    assert.deepEqual(t.stuck, []);
    assert.deepEqual(t.wrong, []);
    assert.equal(t.completed, n);
    assert.deepEqual(t.duplicatedRuns, []);
    assert.deepEqual(t.duplicatedProviderStarts, []);

    let signals = 0;
    const earlierRefs = earlier.map((id) => decodeCheckId(id)!);
    await Promise.all(
      earlierRefs.map((r) =>
        s.client.workflow.getHandle<typeof balanceCheck>(r.workflowId, r.runId).result(),
      ),
    );
    for (const workflowId of [
      ...started.map((x) => x.handle.workflowId),
      ...earlierRefs.map((r) => r.workflowId),
    ]) {
      const ids = await s.signaledEventIds(workflowId);
      signals += ids.length;
      assert.equal(new Set(ids).size, ids.length, `${workflowId} signaled an event twice: ${ids.join(',')}`);
    }
    assert.ok(signals > 0, `some checks finished on a webhook: ${JSON.stringify(s.relayed)}`);
    // Every delivery reached both replicas, and each 204 is one signal. One signaled it, the other found
    // its event id already seen (202) — except MX CHALLENGED copies: MX's body names no round, so each
    // replica numbers rounds by when it first saw the body (providers/mx/webhook.ts), and a copy can get
    // a second id on the other replica. The workflow then pays one status read, never a wrong answer.
    const info = `${signals} signals for ${JSON.stringify(s.relayed)}`;
    assert.equal(s.relayed.answers['204'] ?? 0, signals, info);
    assert.equal(
      (s.relayed.answers['204'] ?? 0) + (s.relayed.answers['202'] ?? 0),
      2 * s.relayed.deliveries,
      info,
    );
    assert.ok(signals <= s.relayed.deliveries + s.relayed.challenged, info);
  });
});
