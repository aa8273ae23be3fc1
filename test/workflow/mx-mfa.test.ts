// MX MFA on the real dev server + MX simulator, through the API: the status query shows pending
// challenges (labels/options, never answers); the Update validator rejects bad answers at once
// (409 / 422 with the reason); right, wrong, two-round, options and unanswered MFA end correctly.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  balanceCheckWorkflowId,
  MFA_INVALID_ANSWER,
  TASK_QUEUE,
  type BalanceCheckInput,
  type BalanceCheckState,
  type ChallengeView,
} from '../../contracts/balance-check';
import { MX_SANDBOX_CHALLENGES } from '../../providers/mx/sandbox';
import { answerChallengesUpdate, statusQuery } from '../../workflows/definitions';
import { useMxCheckStack, type StartedCheck } from '../helpers/mx-checks';
import { waitFor } from '../helpers/wait';
import type { balanceCheck } from '../../workflows';

const USER = 'USR-sandbox';
const CHALLENGE_KEYS = new Set(['id', 'type', 'label', 'fieldName', 'options', 'imageData']);

describe('MX MFA end to end (dev server + simulator + API)', () => {
  const { stack, sim, handleOf, resultOf, start, track } = useMxCheckStack();
  const mfa = (c: StartedCheck, answers: unknown) =>
    stack().api('POST', `/v1/balance-checks/${c.id}/mfa`, { answers });

  /** Waits until the check asks for MFA (optionally a given challenge) and returns its state. */
  async function waitForChallenge(c: StartedCheck, challengeId?: string): Promise<BalanceCheckState> {
    let state: BalanceCheckState | undefined;
    await waitFor(async () => {
      state = await handleOf(c).query(statusQuery);
      return (
        state.phase === 'WAITING_FOR_MFA' &&
        (!challengeId || state.challenges.some((ch) => ch.id === challengeId))
      );
    }, 20_000);
    return state!;
  }

  /** The challenge as the caller sees it: only the view's fields, never an answer. */
  function assertChallengeView(ch: ChallengeView) {
    for (const key of Object.keys(ch))
      assert.ok(CHALLENGE_KEYS.has(key), `challenge view has unexpected field ${key}`);
    for (const o of ch.options ?? []) assert.deepEqual(Object.keys(o).sort(), ['id', 'label', 'value']);
  }

  it('MBR-challenge: query shows the TEXT question; validator answers 422/409 at once; `correct` → COMPLETED', async () => {
    const check = await start('MBR-challenge', { timeouts: { mfaSeconds: 60 } });
    const state = await waitForChallenge(check);
    const text = MX_SANDBOX_CHALLENGES.text;
    assert.equal(state.providerStatus, 'CHALLENGED');
    assert.equal(state.challenges.length, 1);
    assert.deepEqual(state.challenges[0], {
      id: text.guid,
      type: 'TEXT',
      label: text.label,
      fieldName: text.field_name,
    });
    assertChallengeView(state.challenges[0]!);
    assert.ok(state.mfaDeadline, 'mfaDeadline is set while waiting');
    const mfaLeft = Date.parse(state.mfaDeadline) - Date.now();
    assert.ok(mfaLeft > 50_000 && mfaLeft <= 60_000, `mfaDeadline in ${mfaLeft} ms`);
    assert.equal(state.nextPollAt, null);

    // The API's view shows the same challenge.
    const view = await stack().api('GET', `/v1/balance-checks/${check.id}`);
    assert.equal(view.body.phase, 'WAITING_FOR_MFA');
    assert.deepEqual(view.body.challenges, state.challenges);

    // Rejections: each answered at once, with the reason, and none reaches history.
    const rejections: [unknown, number, RegExp][] = [
      [[{ challengeId: 'CRD-nope', value: 'correct' }], 422, /Unknown challenge id: CRD-nope/],
      [[{ challengeId: text.guid }], 422, /answers\.0\.value/], // missing answer (API schema)
      [[], 422, /answers/], // no answers at all (API schema)
    ];
    for (const [answers, status, reason] of rejections) {
      const t = Date.now();
      const res = await mfa(check, answers);
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.match(String(res.body.detail), reason);
      assert.ok(Date.now() - t < 2000, `rejection took ${Date.now() - t} ms`);
    }
    // The same checks in the workflow's own validator (what the API schema lets through otherwise).
    const rejectedByValidator = async (answers: unknown, reason: RegExp) =>
      assert.rejects(
        handleOf(check).executeUpdate(answerChallengesUpdate, { args: [{ answers } as never] }),
        (err: unknown) =>
          err instanceof WorkflowUpdateFailedError &&
          err.cause instanceof ApplicationFailure &&
          err.cause.type === MFA_INVALID_ANSWER &&
          reason.test(err.cause.message),
      );
    await rejectedByValidator([], /non-empty list/);
    await rejectedByValidator([{ challengeId: text.guid, value: '' }], /Empty answer/);
    await rejectedByValidator([{ challengeId: text.guid }], /Empty answer/);
    assert.equal(
      (await handleOf(check).query(statusQuery)).phase,
      'WAITING_FOR_MFA',
      'rejections change nothing',
    );
    const before = await handleOf(check).fetchHistory();
    assert.equal(
      before.events?.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length,
      0,
      'rejected updates left no trace in history',
    );

    const ok = await mfa(check, [{ challengeId: text.guid, value: 'correct' }]);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual(ok.body, { accepted: true, round: 1 });
    // Answered: nothing pending any more.
    const again = await mfa(check, [{ challengeId: text.guid, value: 'correct' }]);
    assert.equal(again.status, 409, JSON.stringify(again.body));
    assert.match(again.body.type, /not-awaiting-mfa$/);
    const after = await handleOf(check).query(statusQuery);
    assert.deepEqual(after.challenges, []);
    assert.ok(!JSON.stringify(after).includes('"correct"'), 'the answer never shows in the status');

    const result = await resultOf(check);
    assert.equal(result.status, 'COMPLETED', JSON.stringify(result.reason));
    assert.equal(result.mfaRounds, 1);
    assert.equal(result.balances.find((b) => b.accountId === 'ACT-challenge-checking')?.available, 1999);
    assert.ok(result.balances.every((b) => b.freshness === 'REALTIME'));
    assert.equal(sim().refreshStarts(`${USER}:MBR-challenge`), 1);

    // After the check: 409, not a hang.
    const late = await mfa(check, [{ challengeId: text.guid, value: 'correct' }]);
    assert.equal(late.status, 409, JSON.stringify(late.body));
  });

  it('MBR-challenge again: its CHALLENGED webhook still reaches the new check (no wait for a poll); a wrong answer → FAILED (PROVIDER_DENIED)', async () => {
    const t0 = Date.now();
    const check = await start('MBR-challenge', { timeouts: { mfaSeconds: 60 } });
    const state = await waitForChallenge(check);
    // MX's CONNECTION_STATUS body has no timestamp: this refresh's CHALLENGED webhook is byte-for-byte the
    // previous check's. It must not be dropped as a duplicate of it (else the challenge waits for the 3 s poll).
    const toChallenge = Date.now() - t0;
    assert.equal(
      state.polls,
      0,
      `the challenge was found by a poll after ${toChallenge} ms, not by its webhook`,
    );
    const ok = await mfa(check, [{ challengeId: state.challenges[0]!.id, value: 'Springfield' }]);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const result = await resultOf(check);
    assert.equal(result.status, 'FAILED');
    assert.equal(result.reason?.code, 'PROVIDER_DENIED');
    assert.equal(result.mfaRounds, 1);
    assert.ok(result.balances.every((b) => b.freshness === 'CACHED'));
  });

  it('MBR-challenge-twice: `challenge` brings a second question, then `correct` → COMPLETED after two rounds', async () => {
    const check = await start('MBR-challenge-twice', { timeouts: { mfaSeconds: 60 } });
    const first = await waitForChallenge(check);
    assert.equal(first.challenges[0]?.id, MX_SANDBOX_CHALLENGES.text.guid);
    const r1 = await mfa(check, [{ challengeId: MX_SANDBOX_CHALLENGES.text.guid, value: 'challenge' }]);
    assert.deepEqual(r1.body, { accepted: true, round: 1 });

    const second = await waitForChallenge(check, MX_SANDBOX_CHALLENGES.second.guid);
    assert.deepEqual(second.challenges, [
      {
        id: MX_SANDBOX_CHALLENGES.second.guid,
        type: 'TEXT',
        label: MX_SANDBOX_CHALLENGES.second.label,
        fieldName: 'pet',
      },
    ]);
    // The first round's challenge is gone: answering it again is refused.
    const stale = await mfa(check, [{ challengeId: MX_SANDBOX_CHALLENGES.text.guid, value: 'correct' }]);
    assert.equal(stale.status, 422, JSON.stringify(stale.body));
    assert.match(stale.body.detail, /Unknown challenge id/);

    const r2 = await mfa(check, [{ challengeId: MX_SANDBOX_CHALLENGES.second.guid, value: 'correct' }]);
    assert.deepEqual(r2.body, { accepted: true, round: 2 });
    const result = await resultOf(check);
    assert.equal(result.status, 'COMPLETED', JSON.stringify(result.reason));
    assert.equal(result.mfaRounds, 2);
    assert.equal(sim().refreshStarts(`${USER}:MBR-challenge-twice`), 1);
  });

  it('MBR-options: query lists the options; a non-option is refused (422); the option valued `correct` → COMPLETED', async () => {
    const check = await start('MBR-options', { timeouts: { mfaSeconds: 60 } });
    const state = await waitForChallenge(check);
    const sandbox = MX_SANDBOX_CHALLENGES.options;
    const ch = state.challenges[0]!;
    assertChallengeView(ch);
    assert.equal(ch.type, 'OPTIONS');
    assert.equal(ch.label, sandbox.label);
    assert.deepEqual(
      ch.options,
      sandbox.options.map((o) => ({ id: o.guid, label: o.label, value: o.value })),
    );

    const bad = await mfa(check, [{ challengeId: ch.id, value: 'carrier pigeon' }]);
    assert.equal(bad.status, 422, JSON.stringify(bad.body));
    assert.match(bad.body.detail, /must be one of its options/);

    // Answer with the option's id (what a UI shows); MX receives the option's value.
    const right = ch.options!.find((o) => o.value === 'correct')!;
    const ok = await mfa(check, [{ challengeId: ch.id, value: right.id }]);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const result = await resultOf(check);
    assert.equal(result.status, 'COMPLETED', JSON.stringify(result.reason));
    assert.equal(result.mfaRounds, 1);
  });

  it('an unanswered challenge ends TIMED_OUT (MFA_TIMEOUT) at the mfa deadline', async () => {
    // The API accepts mfaSeconds ≥ 5; start through the client to keep the test short.
    const input: BalanceCheckInput = {
      provider: 'mx',
      resource: { userId: USER, memberId: 'MBR-challenge' },
      timeouts: { mfaSeconds: 3, overallSeconds: 60 },
      owner: 'test',
    };
    const workflowId = balanceCheckWorkflowId('mx', input.resource, 'test');
    const handle = await stack().env.client.workflow.start<typeof balanceCheck>('balanceCheck', {
      taskQueue: TASK_QUEUE,
      workflowId,
      args: [input],
    });
    const check = { id: '', workflowId, runId: handle.firstExecutionRunId };
    track(check);
    const state = await waitForChallenge(check);
    const waitingSince = Date.now();
    assert.ok(state.mfaDeadline && Date.parse(state.mfaDeadline) - Date.now() <= 3000);
    const result = await resultOf(check);
    assert.equal(result.status, 'TIMED_OUT');
    assert.equal(result.reason?.code, 'MFA_TIMEOUT');
    assert.equal(result.mfaRounds, 0);
    assert.ok(Date.now() - waitingSince < 6000, 'ended at the MFA deadline, not the overall one');
  });
});
