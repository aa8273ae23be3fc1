// The setup every MX workflow test file shares (test/workflow/mx-*.test.ts): one stack (dev server
// + MX simulator + worker + API) per file, a fresh simulator per test, and checks started through
// the API that are force-stopped after each test.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach } from 'node:test';
import type { BalanceCheckResult } from '../../contracts/balance-check';
import { MX_SANDBOX_USER } from '../../providers/mx/sandbox';
import { answerOf, callerIdOf } from './answers';
import { startTestStack, type TestStack } from './stack';
import type { balanceCheck } from '../../workflows';

/** What POST /v1/balance-checks answers with 202. */
export interface StartedCheck {
  id: string;
  workflowId: string;
  runId: string;
}

/** A POST /v1/balance-checks body for an MX sandbox member. */
export const mxCheckBody = (memberId: string, extra: Record<string, unknown> = {}) => ({
  provider: 'mx',
  resource: { userId: MX_SANDBOX_USER, memberId },
  ...extra,
});

/** Call inside describe(): registers the hooks and returns helpers bound to the file's stack. */
export function useMxCheckStack() {
  let current: TestStack | undefined;
  const stack = () => {
    if (!current) throw new Error('the MX test stack is not running (before() failed?)');
    return current;
  };
  const sim = () => stack().simulators.mx!;
  const handleOf = (c: StartedCheck) =>
    stack().env.client.workflow.getHandle<typeof balanceCheck>(c.workflowId, c.runId);
  const resultOf = (c: StartedCheck): Promise<BalanceCheckResult> => answerOf(handleOf(c), callerIdOf(c.id));
  const calls = (operation: string) =>
    sim()
      .callLog()
      .filter((c) => c.operation === operation);

  // A failed assertion must not leave its check running into the next test (same workflow id).
  const started: StartedCheck[] = [];
  /** Marks checks to force-stop after the test (start() does this itself). */
  const track = (...checks: StartedCheck[]) => void started.push(...checks);

  /** Starts a check on a sandbox member through the API (202) and tracks it. */
  async function start(memberId: string, extra: Record<string, unknown> = {}): Promise<StartedCheck> {
    const res = await stack().api('POST', '/v1/balance-checks', mxCheckBody(memberId, extra));
    assert.equal(res.status, 202, JSON.stringify(res.body));
    track(res.body as StartedCheck);
    return res.body as StartedCheck;
  }

  before(async () => {
    current = await startTestStack({ providers: ['mx'] });
  });
  after(async () => {
    await current?.stop();
  });
  beforeEach(() => {
    sim().reset();
  });
  afterEach(async () => {
    for (const c of started.splice(0))
      await handleOf(c)
        .terminate('test cleanup')
        .catch(() => undefined);
  });

  return { stack, sim, handleOf, resultOf, calls, start, track };
}
