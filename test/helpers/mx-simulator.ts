// Helpers for the MxClient unit tests (test/unit/mx-client*.test.ts), which drive a client against
// the in-process MX simulator and wait on member status rather than sleeping.
import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import type { MxClient } from '../../providers/mx/client';
import { MX_SANDBOX_USER } from '../../providers/mx/sandbox';

/** Polls read() until ok(value) holds and returns that value; fails after timeoutMs with the last one. */
export async function waitForValue<T>(
  read: () => Promise<T> | T,
  ok: (v: T) => boolean,
  timeoutMs = 5000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end)
      throw new Error(`condition not met in ${timeoutMs} ms; last value ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Asserts the promise rejects with an ApplicationFailure, then runs check on it. */
export async function rejects(promise: Promise<unknown>, check: (f: ApplicationFailure) => void) {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof ApplicationFailure, `expected ApplicationFailure, got ${String(err)}`);
    check(err);
    return true;
  });
}

type MxStatus = Awaited<ReturnType<MxClient['readStatus']>>;

/**
 * Waits on a sandbox member's status through the client. The client is a getter because the tests
 * create it in before(), after these helpers are defined.
 */
export function memberStatusWaiters(client: () => MxClient) {
  const until = (member: string, done: (s: MxStatus) => boolean) =>
    waitForValue(() => client().readStatus(MX_SANDBOX_USER, member), done);
  const settled = (member: string) =>
    until(member, (s) => !s.is_being_aggregated && s.connection_status !== 'CHALLENGED');
  return { until, settled };
}
