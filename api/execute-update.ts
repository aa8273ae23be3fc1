// Workflow Updates from the API, retried when the server drops them because the workflow task that
// carried them failed (e.g. UnhandledCommand: an activity finished while that task was completing
// the run). Nothing of a failed task is kept, so sending the update again is safe.
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { withTemporalDeadline } from './temporal-deadline';

const ATTEMPTS = 4;
const FAILED_PRECONDITION = 9;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function executeUpdate<Ret, Args extends [any, ...any[]]>(
  client: Client,
  handle: WorkflowHandle,
  update: UpdateDefinition<Ret, Args>,
  args: Args,
  deadlineMs?: number,
): Promise<Ret> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await withTemporalDeadline(client, () => handle.executeUpdate(update, { args }), deadlineMs);
    } catch (err) {
      if (attempt >= ATTEMPTS || !droppedWithItsTask(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

function droppedWithItsTask(err: unknown): boolean {
  const cause = (err as { cause?: { code?: number; details?: string } }).cause;
  return cause?.code === FAILED_PRECONDITION && /workflow task failure/i.test(cause.details ?? '');
}
