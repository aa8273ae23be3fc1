// Talking to the API the way a caller does (Bearer key, JSON), for the reliability scenarios that
// go through HTTP: server restart, webhook chaos and API load. The key has a high per-minute rate so
// the rate limiter never shapes a load run (it is tested in test/api/).
import type { Client, WorkflowHandle } from '@temporalio/client';
import { hashApiKey, type ApiKey } from '../../api/auth';
import { prepareResource } from './harness';
import { decodeCheckId } from '../../api/check-id';
import { SANDBOX_API_KEY } from '../../sandbox/stack';
import type { CheckRun } from './harness';
import type { Scenario } from './scenarios';
import type { balanceCheck } from '../../workflows';

export const RELIABILITY_API_KEY = 'reliability-api-key';

/** The sandbox key (default rate) and the reliability key (10 000 requests/minute). */
export const RELIABILITY_API_KEYS: ApiKey[] = [
  {
    name: 'sandbox',
    owner: 'sandbox',
    sha256: hashApiKey(SANDBOX_API_KEY),
    scopes: ['read', 'write', 'events'],
  },
  {
    name: 'reliability',
    owner: 'sandbox',
    sha256: hashApiKey(RELIABILITY_API_KEY),
    scopes: ['read', 'write', 'events'],
    ratePerMinute: 10_000,
  },
];

export interface ApiAnswer {
  /** HTTP status; 0 = no HTTP answer (connection refused/reset, or our own timeout). */
  status: number;
  body: any;
  ms: number;
  error?: string;
}

/** One JSON request to the API with the reliability key, bounded by `timeoutMs`. */
export async function apiCall(
  apiUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<ApiAnswer> {
  const t0 = Date.now();
  try {
    const res = await fetch(apiUrl + path, {
      method,
      headers: {
        authorization: `Bearer ${RELIABILITY_API_KEY}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed, ms: Date.now() - t0 };
  } catch (err) {
    return { status: 0, body: undefined, ms: Date.now() - t0, error: (err as Error).message };
  }
}

export interface ApiStarted {
  answer: ApiAnswer;
  /** Set when the API accepted the check (202, or 200 with Prefer: wait). */
  started?: { run: CheckRun; handle: WorkflowHandle<typeof balanceCheck>; checkId: string };
}

/** POST /v1/balance-checks for a scenario clone; an accepted check comes back as a CheckRun to drive. */
export async function startViaApi(
  client: Client,
  apiUrl: string,
  sc: Scenario,
  n: number | undefined,
  headers: Record<string, string> = {},
  timeoutMs?: number,
): Promise<ApiStarted> {
  const resource = sc.resource(n);
  prepareResource(sc.provider, resource);
  const startedAt = Date.now();
  const answer = await apiCall(
    apiUrl,
    'POST',
    '/v1/balance-checks',
    { provider: sc.provider, resource },
    headers,
    timeoutMs,
  );
  if (answer.status !== 202 && answer.status !== 200) return { answer };
  const checkId = String(answer.body?.id);
  const ref = decodeCheckId(checkId);
  if (!ref) return { answer: { ...answer, error: `unreadable check id ${checkId}` } };
  const run: CheckRun = {
    scenario: sc,
    workflowId: ref.workflowId,
    callerId: ref.callerId,
    input: { provider: sc.provider, resource },
    startedAt,
    phasesSeen: new Set(),
  };
  if (answer.status === 200 && answer.body?.result) {
    run.result = answer.body.result;
    run.finishedAt = Date.now();
  }
  return {
    answer,
    started: {
      run,
      handle: client.workflow.getHandle<typeof balanceCheck>(ref.workflowId, ref.runId),
      checkId,
    },
  };
}

/** Status code → count. */
export function countStatuses(answers: { status: number }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of answers) out[String(a.status)] = (out[String(a.status)] ?? 0) + 1;
  return out;
}
