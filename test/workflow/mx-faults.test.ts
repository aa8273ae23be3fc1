// MX provider faults, concurrency and cancellation on the real dev server + MX simulator:
// 429 + Retry-After honoured, 5xx retried, a malformed body → FAILED with a clear reason, two
// concurrent starts → one workflow and one refresh, cancel mid-check → a CANCELED result.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { statusQuery } from '../../workflows/definitions';
import { mxCheckBody, useMxCheckStack, type StartedCheck } from '../helpers/mx-checks';
import { answerOf, callerIdOf } from '../helpers/answers';
import { waitFor } from '../helpers/wait';

const USER = 'USR-sandbox';

describe('MX faults, concurrency and cancel (dev server + simulator + API)', () => {
  const { stack, sim, handleOf, resultOf, calls, start, track } = useMxCheckStack();

  it('a malformed accounts body → FAILED with PROVIDER_INVALID_RESPONSE naming the problem, not retried', async () => {
    // First in the file: a BALANCE webhook id has second precision (completed_at), so an MBR-connected check
    // finishing in the same second as the previous one would see its webhook dropped as a duplicate.
    sim().injectFault('accounts', { malformedBody: true, times: 50 });
    const result = await resultOf(await start('MBR-connected'));
    assert.equal(result.status, 'FAILED');
    assert.equal(result.reason?.code, 'PROVIDER_INVALID_RESPONSE');
    assert.match(result.reason!.message, /accounts/);
    assert.match(result.reason!.message, /malformed JSON/);
    assert.deepEqual(result.balances, []);
    assert.equal(calls('accounts').length, 1, 'an invalid body is not retried in a loop');
  });

  it('429 with Retry-After: 2 on check_balance: the retry waits ≥ 2 s, then the check completes', async () => {
    sim().injectFault('check_balance', { status: 429, retryAfterSeconds: 2 });
    const result = await resultOf(await start('MBR-connected'));
    assert.equal(result.status, 'COMPLETED', JSON.stringify(result.reason));
    const starts = calls('check_balance');
    assert.deepEqual(
      starts.map((c) => c.status),
      [429, 202],
    );
    const gap = starts[1]!.at - starts[0]!.at;
    assert.ok(gap >= 1900, `retried after ${gap} ms; Retry-After asked for 2000 ms`);
    assert.ok(
      gap < 5000,
      `retried after ${gap} ms: Retry-After should set the delay, not add to a long backoff`,
    );
    assert.equal(sim().refreshStarts(`${USER}:MBR-connected`), 1);
    assert.equal(result.balances.find((b) => b.accountId === 'ACT-connected-checking')?.available, 1999);
  });

  it('503 twice on check_balance: retried with backoff, then the check completes', async () => {
    sim().injectFault('check_balance', { status: 503, times: 2 });
    const result = await resultOf(await start('MBR-connected'));
    assert.equal(result.status, 'COMPLETED', JSON.stringify(result.reason));
    const starts = calls('check_balance');
    assert.deepEqual(
      starts.map((c) => c.status),
      [503, 503, 202],
    );
    // Activity retry policy: 1 s, then 2 s.
    assert.ok(starts[1]!.at - starts[0]!.at >= 900, `first retry after ${starts[1]!.at - starts[0]!.at} ms`);
    assert.ok(
      starts[2]!.at - starts[1]!.at >= 1800,
      `second retry after ${starts[2]!.at - starts[1]!.at} ms`,
    );
    assert.equal(sim().refreshStarts(`${USER}:MBR-connected`), 1);
  });

  it('two concurrent starts for one member → one workflow run, one refresh at MX', async () => {
    const [a, b] = await Promise.all([
      stack().api('POST', '/v1/balance-checks', mxCheckBody('MBR-slow')),
      stack().api('POST', '/v1/balance-checks', mxCheckBody('MBR-slow')),
    ]);
    track(a.body as StartedCheck, b.body as StartedCheck);
    assert.equal(a.status, 202, JSON.stringify(a.body));
    assert.equal(b.status, 202, JSON.stringify(b.body));
    assert.equal(a.body.workflowId, b.body.workflowId);
    assert.equal(a.body.runId, b.body.runId);
    assert.notEqual(a.body.id, b.body.id, 'two callers of one refresh: two check ids');
    const result = await resultOf(a.body as StartedCheck);
    assert.equal(result.status, 'COMPLETED', JSON.stringify(result.reason));
    assert.equal(sim().refreshStarts(`${USER}:MBR-slow`), 1);
    assert.equal(calls('check_balance').length, 1);
  });

  it('cancel mid-check (MBR-slow) → the run returns a CANCELED result', async () => {
    const check = await start('MBR-slow');
    await waitFor(async () => (await handleOf(check).query(statusQuery)).phase === 'REFRESHING');
    await handleOf(check).cancel();
    const outcome = await answerOf(handleOf(check), callerIdOf(check.id)).catch((err: Error) => err);
    assert.ok(
      !(outcome instanceof Error),
      `a canceled check should return a CANCELED result; the run closed with ${outcome instanceof Error ? `${outcome.name}: ${outcome.message} (cause: ${String(outcome.cause)})` : ''}`,
    );
    assert.equal(outcome.status, 'CANCELED');
    assert.equal(outcome.reason?.code, 'CANCELED');
    const view = await stack().api('GET', `/v1/balance-checks/${check.id}`);
    assert.equal(view.body.status, 'CANCELED');
  });
});
