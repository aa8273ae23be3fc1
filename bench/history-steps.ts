// Per-step breakdown of the webhook path from a run's history: after the last signal, each workflow
// task (queue and time in our worker, from WorkflowTaskScheduled/Started/Completed), each activity
// (queue and run), then the close → the caller's long-poll returning. Event times come from the
// server's clock, the tap's and the caller's from ours: same machine, so they compare.
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { stats, type Summary } from './stats';
import type { balanceCheck } from '../workflows';

type Event = temporal.api.history.v1.IHistoryEvent;
const T = temporal.api.enums.v1.EventType;

const timeOf = (e: Event): number =>
  Number(e.eventTime?.seconds ?? 0) * 1000 + (e.eventTime?.nanos ?? 0) / 1e6;

/** Named durations (ms) from `fromMs` (webhook arrival or signal sent) to `doneMs` (result returned). */
export function stepsFromHistory(events: Event[], fromMs: number, doneMs: number): [string, number][] {
  let s = -1;
  for (let i = events.length - 1; i >= 0; i--)
    if (events[i]!.eventType === T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED) {
      s = i;
      break;
    }
  if (s < 0) return [];
  const steps: [string, number][] = [['webhook/signal → signal accepted', timeOf(events[s]!) - fromMs]];
  const at = new Map<number, number>(); // scheduled event id → time
  const activityName = new Map<number, string>();
  let wft = 0;
  let last = timeOf(events[s]!);
  for (const e of events.slice(s + 1)) {
    const t = timeOf(e);
    const id = Number(e.eventId);
    switch (e.eventType) {
      case T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
        at.set(id, t);
        break;
      case T.EVENT_TYPE_WORKFLOW_TASK_STARTED: {
        wft++;
        const sched = Number(e.workflowTaskStartedEventAttributes?.scheduledEventId);
        steps.push([`workflow task ${wft}: queue`, t - (at.get(sched) ?? last)]);
        at.set(id, t);
        break;
      }
      case T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
        steps.push([
          `workflow task ${wft}: in worker`,
          t - (at.get(Number(e.workflowTaskCompletedEventAttributes?.startedEventId)) ?? last),
        ]);
        break;
      case T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        at.set(id, t);
        activityName.set(id, e.activityTaskScheduledEventAttributes?.activityType?.name ?? 'activity');
        break;
      case T.EVENT_TYPE_ACTIVITY_TASK_STARTED: {
        const sched = Number(e.activityTaskStartedEventAttributes?.scheduledEventId);
        steps.push([`activity ${activityName.get(sched)}: queue`, t - (at.get(sched) ?? last)]);
        at.set(id, t);
        break;
      }
      case T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED: {
        const sched = Number(e.activityTaskCompletedEventAttributes?.scheduledEventId);
        const started = Number(e.activityTaskCompletedEventAttributes?.startedEventId);
        steps.push([`activity ${activityName.get(sched)}: run`, t - (at.get(started) ?? last)]);
        break;
      }
      default:
        break;
    }
    last = t;
  }
  steps.push(['closed → long-poll/result returns', doneMs - last]);
  return steps;
}

/** p50 (and n) per step, in the order steps first appear. */
export function summarizeSteps(runs: [string, number][][]): { step: string; summary: Summary }[] {
  const by = new Map<string, number[]>();
  for (const run of runs) for (const [k, v] of run) (by.get(k) ?? by.set(k, []).get(k)!).push(v);
  return [...by.entries()].map(([step, xs]) => ({ step, summary: stats(xs) }));
}

export async function historyEvents(client: Client, workflowId: string, runId?: string): Promise<Event[]> {
  const h = await client.workflow.getHandle<typeof balanceCheck>(workflowId, runId).fetchHistory();
  return h.events ?? [];
}
