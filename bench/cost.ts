// Case P3: billable Temporal actions and history events per check, counted from the recorded
// histories (test/histories, re-recorded by test/reliability/record-histories.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { loadHistory } from '../test/reliability/record-histories';

export interface CostRow {
  scenario: string;
  events: number;
  actions: number;
  detail: Record<string, number>;
}

export function costFromHistories(dir = join(__dirname, '..', 'test', 'histories')): CostRow[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) =>
      costOfHistory(file.replace('.json', ''), loadHistory(readFileSync(join(dir, file), 'utf8'))),
    );
}

const LISTED_ONLY = new Set(['markers', 'childStarts', 'externalSignals']);

/**
 * Billable actions of one history: workflow start, every activity attempt, timers, signals, updates,
 * search-attribute upserts (TemporalChangeVersion upserts of patched() included). A child's start and a
 * signal to another workflow are billed once, in the history that starts or receives them: the parent's
 * initiating events are listed, not counted, like markers (patch markers are not billed; this workflow
 * runs no local activities).
 */
export function costOfHistory(scenario: string, h: temporal.api.history.v1.IHistory): CostRow {
  const d: Record<string, number> = {
    start: 0,
    activityAttempts: 0,
    timers: 0,
    signals: 0,
    updates: 0,
    upserts: 0,
    childStarts: 0,
    externalSignals: 0,
    markers: 0,
  };
  for (const e of h.events ?? []) {
    const t = temporal.api.enums.v1.EventType[e.eventType ?? 0] ?? String(e.eventType);
    if (t === 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED') d.start!++;
    else if (t.includes('ACTIVITY_TASK_STARTED'))
      d.activityAttempts! += e.activityTaskStartedEventAttributes?.attempt ?? 1;
    else if (t.includes('TIMER_STARTED')) d.timers!++;
    else if (t === 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED') d.signals!++;
    else if (t.includes('UPDATE_ACCEPTED')) d.updates!++;
    else if (t.includes('UPSERT_WORKFLOW_SEARCH_ATTRIBUTES')) d.upserts!++;
    else if (t.includes('START_CHILD_WORKFLOW_EXECUTION_INITIATED')) d.childStarts!++;
    else if (t.includes('SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED')) d.externalSignals!++;
    else if (t.includes('MARKER_RECORDED')) d.markers!++;
  }
  const actions = Object.entries(d)
    .filter(([k]) => !LISTED_ONLY.has(k))
    .reduce((a, [, v]) => a + v, 0);
  return { scenario, events: h.events?.length ?? 0, actions, detail: d };
}
