// Issue #15 P3 on the real dev server: billable Temporal actions of a check, counted from its history
// the way `npm run bench` counts the recorded ones (bench/cost.ts). The webhook path costs ≤ 6 actions
// and ≤ 25 events; one MFA round ≤ 12 actions, and an operator still sees it in the UI: the phase
// search attribute goes WAITING_FOR_MFA → DONE with the outcome status.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { temporal } from '@temporalio/proto';
import { costOfHistory } from '../../bench/cost';
import { MX_SANDBOX_CHALLENGES } from '../../providers/mx/sandbox';
import { statusQuery } from '../../workflows/definitions';
import { useMxCheckStack } from '../helpers/mx-checks';
import { waitFor } from '../helpers/wait';

/** The BalanceCheckPhase / BalanceCheckStatus values each upsert set, in history order. */
function upsertedPhases(history: temporal.api.history.v1.IHistory): string[] {
  return (history.events ?? []).flatMap((e) => {
    const fields = e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields;
    if (!fields) return [];
    const read = (key: string) => {
      const data = fields[key]?.data;
      return data ? String(JSON.parse(Buffer.from(data).toString('utf8'))) : undefined;
    };
    return [[read('BalanceCheckPhase'), read('BalanceCheckStatus')].filter(Boolean).join('+')];
  });
}

describe('Temporal actions per check (issue #15 P3)', () => {
  const { stack, handleOf, resultOf, start } = useMxCheckStack();

  it('webhook path (MBR-connected): ≤ 6 actions, ≤ 25 events', async () => {
    const check = await start('MBR-connected');
    assert.equal((await resultOf(check)).status, 'COMPLETED');
    const history = await handleOf(check).fetchHistory();
    const cost = costOfHistory('mx-webhook', history);
    assert.ok(cost.detail.signals! >= 1, `completed by the webhook: ${JSON.stringify(cost)}`);
    assert.ok(cost.actions <= 6, `actions ${JSON.stringify(cost)}`);
    assert.ok(cost.events <= 25, `events ${JSON.stringify(cost)}`);
    assert.deepEqual(upsertedPhases(history), ['DONE+COMPLETED']);
  });

  it('one MFA round (MBR-challenge, `correct`): ≤ 12 actions; the UI shows WAITING_FOR_MFA, then DONE', async () => {
    const check = await start('MBR-challenge', { timeouts: { mfaSeconds: 60 } });
    await waitFor(async () => (await handleOf(check).query(statusQuery)).phase === 'WAITING_FOR_MFA', 20_000);
    // Operators find the parked check by its phase (the UI's list query).
    await waitFor(async () => {
      const query = `WorkflowId="${check.workflowId}" AND BalanceCheckPhase="WAITING_FOR_MFA"`;
      for await (const found of stack().env.client.workflow.list({ query }))
        return found.runId === check.runId;
      return false;
    }, 20_000);
    const answer = await stack().api('POST', `/v1/balance-checks/${check.id}/mfa`, {
      answers: [{ challengeId: MX_SANDBOX_CHALLENGES.text.guid, value: 'correct' }],
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const result = await resultOf(check);
    assert.equal(result.status, 'COMPLETED', JSON.stringify(result.reason));
    assert.equal(result.mfaRounds, 1);
    assert.ok(result.balances.length > 0 && result.balances.every((b) => b.freshness === 'REALTIME'));

    const history = await handleOf(check).fetchHistory();
    const cost = costOfHistory('mx-mfa', history);
    assert.ok(cost.actions <= 12, `actions ${JSON.stringify(cost)}`);
    assert.equal(cost.detail.updates, 1, 'the MFA answer is one Update');
    assert.deepEqual(upsertedPhases(history), ['WAITING_FOR_MFA', 'DONE+COMPLETED']);
  });
});
