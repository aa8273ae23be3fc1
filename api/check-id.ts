// A check id names one workflow run: the workflow id (one per provider resource) + the run id.
const PREFIX = 'chk_';

export function encodeCheckId(workflowId: string, runId: string): string {
  return PREFIX + Buffer.from(`${workflowId}\n${runId}`, 'utf8').toString('base64url');
}

export function decodeCheckId(id: string): { workflowId: string; runId: string } | undefined {
  if (!id.startsWith(PREFIX) || id.length > 400) return undefined;
  const text = Buffer.from(id.slice(PREFIX.length), 'base64url').toString('utf8');
  const [workflowId, runId, ...rest] = text.split('\n');
  if (!workflowId?.startsWith('balance-check:') || workflowId.length > 300 || !runId || rest.length > 0)
    return undefined;
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(runId)) return undefined;
  return { workflowId, runId };
}
