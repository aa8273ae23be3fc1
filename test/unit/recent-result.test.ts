// maxAgeSeconds reuse behind a provider-throttled run (api/start-check.ts findRecentResult): the earlier
// completed run within maxAge answers; any other outcome stops the search; a visibility lookup that
// fails or an earlier run that cannot be read means "start a refresh", never a failed request.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import { findRecentResult } from '../../api/start-check';
import type { BalanceCheckInput, BalanceCheckRun, CheckStatus } from '../../contracts/balance-check';

const input: BalanceCheckInput = {
  provider: 'mx',
  resource: { userId: 'USR-1', memberId: 'MBR-1' },
  owner: 'acme',
};

function run(status: CheckStatus, reasonCode?: string): BalanceCheckRun {
  return {
    status,
    provider: 'mx',
    resource: input.resource,
    ...(reasonCode ? { reason: { code: reasonCode, message: reasonCode } } : {}),
    balances: [],
    startedAt: '2026-11-29T00:00:00.000Z',
    finishedAt: '2026-11-29T00:00:01.000Z',
    polls: 0,
    eventsAccepted: 1,
    mfaRounds: 0,
    owner: 'acme',
    callers: [{ callerId: `caller-${status}`, question: {}, joinedAt: '', withdrawn: false, status }],
  } as BalanceCheckRun;
}

/** Runs by id, newest first; the first is the latest. `list` fails when told to. */
function fakeClient(runs: [string, BalanceCheckRun | 'unreadable'][], opts: { listFails?: boolean } = {}) {
  const now = Date.now();
  const closedAt = (i: number) => new Date(now - 1000 * (i + 1));
  const client = {
    withDeadline: <T>(_d: number, fn: () => Promise<T>) => fn(),
    workflow: {
      getHandle: (_id: string, runId?: string) => ({
        describe: async () => ({ runId: runs[0]![0], status: { name: 'COMPLETED' }, closeTime: closedAt(0) }),
        result: async () => {
          const r = runs.find(([id]) => id === runId)?.[1];
          if (!r || r === 'unreadable') throw new Error('unavailable');
          return r;
        },
      }),
      list: () => ({
        async *[Symbol.asyncIterator]() {
          if (opts.listFails) throw Object.assign(new Error('namespace visibility rate limit'), { code: 8 });
          // Not in close order, as a visibility store may answer.
          for (const i of [...runs.keys()].reverse()) yield { runId: runs[i]![0], closeTime: closedAt(i) };
        },
      }),
    },
  } as unknown as Client;
  return client;
}

const THROTTLED = run('NOT_SUPPORTED', 'REFRESH_THROTTLED');

describe('maxAgeSeconds behind a throttled run', () => {
  it('answers from the newest earlier completed run that asked the same question', async () => {
    const client = fakeClient([
      ['r3', THROTTLED],
      ['r2', THROTTLED],
      ['r1', run('COMPLETED')],
      ['r0', { ...run('COMPLETED'), callers: [] }],
    ]);
    const found = await findRecentResult(client, input, 300);
    assert.equal(found?.ref.runId, 'r1');
    assert.equal(found?.ref.callerId, 'caller-COMPLETED');
    assert.equal(found?.result.status, 'COMPLETED');
  });

  it('a completed latest run answers itself; a throttled one alone answers nothing', async () => {
    assert.equal(
      (await findRecentResult(fakeClient([['r1', run('COMPLETED')]]), input, 300))?.ref.runId,
      'r1',
    );
    assert.equal(await findRecentResult(fakeClient([['r1', THROTTLED]]), input, 300), undefined);
  });

  it('stops at any other outcome: an ACTION_REQUIRED in between hides no state change', async () => {
    const client = fakeClient([
      ['r3', THROTTLED],
      ['r2', run('ACTION_REQUIRED')],
      ['r1', run('COMPLETED')],
    ]);
    assert.equal(await findRecentResult(client, input, 300), undefined);
  });

  it('keeps to maxAge: an earlier run closed before it is not used', async () => {
    const client = fakeClient([
      ['r2', THROTTLED],
      ['r1', run('COMPLETED')],
    ]);
    // r2 closed 1 s ago, r1 2 s ago: 1.5 s keeps the first and leaves the second out.
    assert.equal((await findRecentResult(client, input, 3))?.ref.runId, 'r1');
    assert.equal(await findRecentResult(client, input, 1.5), undefined);
  });

  it('a visibility lookup that fails, or an earlier run that cannot be read: no answer, no error', async () => {
    const ok = [
      ['r2', THROTTLED],
      ['r1', run('COMPLETED')],
    ] as [string, BalanceCheckRun][];
    assert.equal(await findRecentResult(fakeClient(ok, { listFails: true }), input, 300), undefined);
    assert.equal(
      await findRecentResult(
        fakeClient([
          ['r2', THROTTLED],
          ['r1', 'unreadable'],
        ]),
        input,
        300,
      ),
      undefined,
    );
  });
});
