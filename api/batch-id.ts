// A batch id names its owner and its own id: `bat_` + base64url("<owner>\n<uuid>"). The owner in the
// id lets the API answer 404 for another owner's batch without asking Temporal.
import { OWNER_PATTERN } from '../contracts/balance-check';
import { batchWorkflowId } from '../contracts/batch';

const PREFIX = 'bat_';

export interface BatchRef {
  owner: string;
  batchId: string;
  workflowId: string;
}

export function encodeBatchId(owner: string, batchId: string): string {
  return PREFIX + Buffer.from(`${owner}\n${batchId}`, 'utf8').toString('base64url');
}

export function decodeBatchId(id: string): BatchRef | undefined {
  if (!id.startsWith(PREFIX) || id.length > 200) return undefined;
  const [owner, batchId, ...rest] = Buffer.from(id.slice(PREFIX.length), 'base64url')
    .toString('utf8')
    .split('\n');
  if (!owner || !batchId || rest.length > 0 || !OWNER_PATTERN.test(owner) || !/^[0-9a-f-]{36}$/.test(batchId))
    return undefined;
  return { owner, batchId, workflowId: batchWorkflowId(owner, batchId) };
}
