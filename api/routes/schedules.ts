// /v1/balance-check-schedules: run a batch at a time or on a cron / calendar spec with a time zone,
// with Temporal Schedules (pause, resume, trigger now, list, delete). Each firing starts
// scheduledBalanceCheckBatch, which starts the batch; GET lists the batches a schedule started.
import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { ScheduleNotFoundError, type CalendarSpec, type Client, type ScheduleSpec } from '@temporalio/client';
import type { BatchItem, ScheduledBatchInput } from '../../contracts/batch';
import type { scheduledBalanceCheckBatch } from '../../workflows';
import { requireScope, type ApiKey } from '../auth';
import { callbackTargetFor, type CallbackApiConfig } from '../callbacks/callback-target';
import { encodeBatchId } from '../batch-id';
import type { BatchSchemas, CalendarBody } from '../batch-schemas';
import { problem, validationProblem } from '../problem';
import { withTemporalDeadline } from '../temporal-deadline';

export interface SchedulesDeps {
  client: Client;
  taskQueue: string;
  providerTaskQueues?: boolean;
  /** Built from the providers the API admits (api/batch-schemas.ts batchSchemas). */
  startScheduleBody: BatchSchemas['startSchedule'];
  /** The key's configured callback endpoint gets each scheduled batch's end (loadCallbackConfig). */
  callbacks?: CallbackApiConfig;
}

const SCHEDULE_PREFIX = 'balance-check-schedule';
const scheduleIdFor = (owner: string, id: string) => `${SCHEDULE_PREFIX}:${owner}:${id}`;
const publicId = (scheduleId: string) => `sch_${scheduleId.split(':')[2]}`;

export function createSchedulesRouter(deps: SchedulesDeps): Router {
  const router = Router();
  const { client } = deps;

  /** The schedule named by the path, if it belongs to the caller's owner; 404 otherwise. */
  function scheduleParam(req: Request, res: Response) {
    const m = /^sch_([0-9a-f-]{36})$/.exec(String(req.params.id));
    if (!m) throw notFound();
    return client.schedule.getHandle(scheduleIdFor((res.locals.apiKey as ApiKey).owner, m[1]!));
  }

  router.post('/', requireScope('write'), async (req, res) => {
    const parsed = deps.startScheduleBody.safeParse(req.body);
    if (!parsed.success) throw validationProblem(parsed.error);
    const apiKey = res.locals.apiKey as ApiKey;
    const { batch, cron, calendars, at, timeZone, paused } = parsed.data;
    const callback = await callbackTargetFor(deps.callbacks, apiKey, undefined);
    const uuid = randomUUID();
    const scheduleId = scheduleIdFor(apiKey.owner, uuid);
    const input: ScheduledBatchInput = {
      owner: apiKey.owner,
      requestedBy: apiKey.name,
      items: batch.items as BatchItem[],
      ...(batch.itemConcurrency ? { itemConcurrency: batch.itemConcurrency } : {}),
      checkTaskQueue: deps.taskQueue,
      ...(deps.providerTaskQueues ? { providerTaskQueues: true } : {}),
      scheduleId,
      ...(callback ? { callback } : {}),
    };
    const spec: ScheduleSpec = {
      ...(cron ? { cronExpressions: cron } : {}),
      ...(calendars || at
        ? { calendars: [...(calendars ?? []).map(calendarSpec), ...(at ? [onceAt(at, timeZone)] : [])] }
        : {}),
      ...(timeZone ? { timezone: timeZone } : {}),
    };
    await withTemporalDeadline(client, () =>
      client.schedule.create({
        scheduleId,
        spec,
        action: {
          type: 'startWorkflow',
          workflowType: 'scheduledBalanceCheckBatch',
          workflowId: `balance-check-scheduled:${apiKey.owner}:${uuid}`,
          taskQueue: deps.taskQueue,
          args: [input] as Parameters<typeof scheduledBalanceCheckBatch>,
        },
        state: {
          paused: paused ?? false,
          note: `Balance check batch of ${batch.items.length} items for ${apiKey.owner}`,
          ...(at && !cron && !calendars ? { remainingActions: 1 } : {}),
        },
        memo: { owner: apiKey.owner },
      }),
    ).catch((err: unknown) => {
      // The server is the judge of cron and calendar specs: what it rejects is the caller's 422.
      if (err instanceof TypeError || (err as { code?: number }).code === 3)
        throw problem(422, 'invalid-schedule', 'The schedule spec is not valid', (err as Error).message);
      throw err;
    });
    res
      .status(201)
      .set('Location', `/v1/balance-check-schedules/${publicId(scheduleId)}`)
      .json(await view(scheduleId));
  });

  router.get('/', requireScope('read'), async (_req, res) => {
    const owner = (res.locals.apiKey as ApiKey).owner;
    const ids: string[] = [];
    for await (const s of client.schedule.list()) {
      if (s.scheduleId.startsWith(`${SCHEDULE_PREFIX}:${owner}:`)) ids.push(s.scheduleId);
      if (ids.length >= 500) break;
    }
    res.json({ schedules: ids.map((id) => ({ id: publicId(id) })) });
  });

  router.get('/:id', requireScope('read'), async (req, res) => {
    res.json(await view(scheduleParam(req, res).scheduleId));
  });

  for (const action of ['pause', 'resume', 'trigger'] as const) {
    router.post(`/:id/${action}`, requireScope('write'), async (req, res) => {
      const handle = scheduleParam(req, res);
      await guard(() =>
        action === 'trigger'
          ? handle.trigger('ALLOW_ALL')
          : action === 'pause'
            ? handle.pause('paused through the API')
            : handle.unpause('resumed through the API'),
      );
      res.status(action === 'trigger' ? 202 : 200).json(await view(handle.scheduleId));
    });
  }

  router.delete('/:id', requireScope('write'), async (req, res) => {
    const handle = scheduleParam(req, res);
    await guard(() => handle.delete());
    res.status(204).end();
  });

  async function view(scheduleId: string) {
    const d = await guard(() => client.schedule.getHandle(scheduleId).describe());
    // Each firing's scheduledBalanceCheckBatch returns its batch id (it finishes right after starting it).
    const batches = [];
    for (const action of d.info.recentActions.slice(-20)) {
      const run = action.action;
      if (!('workflow' in run)) continue;
      const started = await withTemporalDeadline(client, () =>
        client.workflow
          .getHandle<typeof scheduledBalanceCheckBatch>(
            run.workflow.workflowId,
            run.workflow.firstExecutionRunId,
          )
          .result(),
      ).catch(() => undefined);
      const owner = scheduleId.split(':')[1]!;
      batches.push({
        firedAt: action.takenAt.toISOString(),
        ...(started ? { batchId: encodeBatchId(owner, started.batchId) } : {}),
      });
    }
    return {
      id: publicId(scheduleId),
      paused: d.state.paused,
      note: d.state.note ?? null,
      nextRuns: d.info.nextActionTimes.slice(0, 5).map((t) => t.toISOString()),
      timeZone: d.spec.timezone ?? 'UTC',
      batches,
    };
  }
  return router;
}

const MONTHS = [
  'JANUARY',
  'FEBRUARY',
  'MARCH',
  'APRIL',
  'MAY',
  'JUNE',
  'JULY',
  'AUGUST',
  'SEPTEMBER',
  'OCTOBER',
  'NOVEMBER',
  'DECEMBER',
] as const;

function calendarSpec(c: CalendarBody): CalendarSpec {
  return {
    ...(c.month ? { month: MONTHS[c.month - 1]! } : {}),
    ...(c.dayOfMonth ? { dayOfMonth: c.dayOfMonth } : {}),
    ...(c.dayOfWeek ? { dayOfWeek: c.dayOfWeek } : {}),
    hour: c.hour,
    minute: c.minute ?? 0,
  };
}

/** A one-off calendar entry for `at` (in the schedule's zone: the instant is converted to it). */
function onceAt(at: string, timeZone = 'UTC'): CalendarSpec {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(at))
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  return {
    year: parts.year!,
    month: MONTHS[parts.month! - 1]!,
    dayOfMonth: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  };
}

const notFound = () => problem(404, 'not-found', 'No such balance check schedule');

async function guard<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) throw notFound();
    throw err;
  }
}
