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
  if (s.provider === 'meld' && resource.memberId) await touchMeldClone(ctx, resource.memberId);
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

const touched = new Set<string>();
/**
 * The Meld simulator creates a load-test clone (`meld-conn-active.17`) when a request names it in its
 * path, but the client now finds connections through the customer's list, which never names it: the
 * bench names each clone once, untimed, before its first check.
 */
async function touchMeldClone(ctx: BenchContext, connectionId: string): Promise<void> {
  if (touched.has(connectionId)) return;
  touched.add(connectionId);
  const { MELD_BASE_URL: base, MELD_API_KEY: key } = ctx.stack.providerEnv;
  if (!base || !key) return;
  const res = await fetch(`${base}/bank-linking/connections/${encodeURIComponent(connectionId)}`, {
    headers: { authorization: `BASIC ${key}` },
  });
  await res.arrayBuffer();
}
