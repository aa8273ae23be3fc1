// What every bench case gets: the dev server, the sandbox stack (API, simulators, worker) behind a
// webhook tap, the bench's auth headers, the size, a log and the run's problem list.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { SandboxStack } from '../sandbox/stack';
import { scenario } from '../test/reliability/scenarios';
import type { SizeConfig } from './sizes';
import { BENCH_API_KEY } from './sizes';
import { nowMs } from './stats';
import type { WebhookTap } from './webhook-tap';

export interface BenchContext {
  env: TestWorkflowEnvironment;
  namespace: string;
  stack: SandboxStack;
  tap: WebhookTap;
  cfg: SizeConfig;
  log: (line: string) => void;
  /** Validity failures: the CLI still writes the report, then exits 1. */
  problems: string[];
}

export const benchAuth = { authorization: `Bearer ${BENCH_API_KEY}`, 'content-type': 'application/json' };

export interface LongPollResult {
  status: number;
  result?: string;
  workflowId?: string;
  runId?: string;
  start: number;
  done: number;
  /** The resource id a webhook body names (MX member guid, Meld/Spinwheel user id). */
  id: string;
}

/** POST /v1/balance-checks with Prefer: wait=30 for clone n of a scenario; times it. */
export async function longPoll(
  ctx: BenchContext,
  sc: string,
  n: number,
  extra: Record<string, unknown> = {},
): Promise<LongPollResult> {
  const s = scenario(sc);
  const resource = s.resource(n);
  const start = nowMs();
  const res = await fetch(`${ctx.stack.apiUrl}/v1/balance-checks`, {
    method: 'POST',
    headers: { ...benchAuth, prefer: 'wait=30' },
    body: JSON.stringify({ provider: s.provider, resource, ...extra }),
  });
  const body = (await res.json()) as { result?: { status: string }; workflowId?: string; runId?: string };
  return {
    status: res.status,
    result: body.result?.status,
    workflowId: body.workflowId,
    runId: body.runId,
    start,
    done: nowMs(),
    id: resource.memberId ?? resource.userId,
  };
}
