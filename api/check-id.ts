// A check id names one caller of one workflow run: the workflow id (one per owner and provider
// resource), the run id, and the caller's own id (several callers may share one refresh).
import { parseBalanceCheckWorkflowId } from '../contracts/balance-check';

const PREFIX = 'chk_';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface CheckRef {
  workflowId: string;
  runId: string;
  callerId: string;
}

export function encodeCheckId(ref: CheckRef): string {
  return PREFIX + Buffer.from(`${ref.workflowId}\n${ref.runId}\n${ref.callerId}`, 'utf8').toString('base64url');
}

export function decodeCheckId(id: string): (CheckRef & { owner: string }) | undefined {
  if (!id.startsWith(PREFIX) || id.length > 500) return undefined;
  const text = Buffer.from(id.slice(PREFIX.length), 'base64url').toString('utf8');
  const [workflowId, runId, callerId, ...rest] = text.split('\n');
  if (!workflowId || workflowId.length > 300 || !runId || !callerId || rest.length > 0) return undefined;
  const parsed = parseBalanceCheckWorkflowId(workflowId);
  if (!parsed || !UUID.test(runId) || !/^[\w-]{1,100}$/.test(callerId)) return undefined;
  return { workflowId, runId, callerId, owner: parsed.owner };
}
