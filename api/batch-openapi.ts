// The batch and schedule routes' part of the OpenAPI document (api/openapi.ts spreads it in), built
// like the rest: request components from the registry-derived schemas the routes validate with
// (batchSchemas), every status each operation can answer and the headers that come with it.
import { z } from 'zod';
import {
  BatchIdParam,
  BatchItemsPageSchema,
  BatchItemsQuery,
  BatchViewSchema,
  ScheduleIdParam,
  ScheduleListSchema,
  ScheduleViewSchema,
  type BatchSchemas,
} from './batch-schemas';
import { components, header, json, problems, problemWith, V1 } from './openapi-parts';
import { IdempotencyKeyHeader } from './schemas';

const TAGS = [
  { name: 'batches', description: 'Many checks in one request: progress, per-item results, cancel' },
  { name: 'schedules', description: 'Batches run at a time or on a calendar (Temporal Schedules)' },
];

export function batchOpenApi(batches: BatchSchemas) {
  const batchId = { name: 'id', in: 'path', required: true, schema: z.toJSONSchema(BatchIdParam) };
  const scheduleId = { name: 'id', in: 'path', required: true, schema: z.toJSONSchema(ScheduleIdParam) };
  const itemsQuery = z.toJSONSchema(BatchItemsQuery, { io: 'input' }) as {
    properties: Record<string, Record<string, unknown>>;
  };
  const queryParam = (name: 'cursor' | 'limit') => {
    const { description, ...schema } = itemsQuery.properties[name]!;
    return { name, in: 'query', schema, description };
  };
  /** OpenAPI links: the created resource's id feeds its other operations (schemathesis follows them). */
  const links = (idFrom: string, operationIds: string[]) =>
    Object.fromEntries(
      operationIds.map((operationId) => [operationId, { operationId, parameters: { id: idFrom } }]),
    );
  const scheduleAction = (operationId: string, summary: string, status: 200 | 202) => ({
    parameters: [scheduleId],
    post: {
      operationId,
      tags: ['schedules'],
      summary: `${summary} (write scope)`,
      responses: {
        [status]: { description: 'The schedule', ...json('ScheduleView') },
        ...problems(...V1, 404, 503),
      },
    },
  });

  const schemas = {
    ...components(
      {
        StartBatchRequest: batches.startBatch,
        StartScheduleRequest: batches.startSchedule,
      },
      'input',
    ),
    ...components(
      {
        BatchView: BatchViewSchema,
        BatchItemsPage: BatchItemsPageSchema,
        ScheduleView: ScheduleViewSchema,
        ScheduleList: ScheduleListSchema,
      },
      'output',
    ),
  };

  const paths = {
    '/v1/balance-check-batches': {
      post: {
        operationId: 'startBalanceCheckBatch',
        tags: ['batches'],
        summary: 'Start a batch of up to 10,000 balance checks (each item its own question and reference)',
        description:
          'Needs the `write` scope. Each item is a single check’s question (one variant per provider, as ' +
          'POST /v1/balance-checks, without maxAgeSeconds) plus your `reference`. Items of a resource with ' +
          'a check in flight join it.',
        parameters: [
          {
            name: 'Idempotency-Key',
            in: 'header',
            schema: z.toJSONSchema(IdempotencyKeyHeader.unwrap()),
            description:
              'Same key + same body → the same batch for 24 h; same key + another body → 422; while the first request runs → 409',
          },
        ],
        requestBody: { required: true, ...json('StartBatchRequest') },
        responses: {
          202: {
            description: 'Accepted (or a replay); poll the Location for progress',
            headers: { ...header('Location'), ...header('Idempotent-Replayed') },
            ...json('BatchView'),
            links: links('$response.body#/id', [
              'getBalanceCheckBatch',
              'listBalanceCheckBatchItems',
              'cancelBalanceCheckBatch',
            ]),
          },
          ...problems(...V1, 404, 422, 503),
          409: problemWith('A request with this Idempotency-Key is still being processed', ['Retry-After']),
        },
      },
    },
    '/v1/balance-check-batches/{id}': {
      parameters: [batchId],
      get: {
        operationId: 'getBalanceCheckBatch',
        tags: ['batches'],
        summary: 'Progress: item counts by phase, status and sufficiency decision (read scope)',
        responses: {
          200: { description: 'The batch', ...json('BatchView') },
          ...problems(...V1, 404, 409, 503),
        },
      },
      delete: {
        operationId: 'cancelBalanceCheckBatch',
        tags: ['batches'],
        summary:
          'Cancel the batch: items not started are CANCELED, items in flight are withdrawn from their checks (write scope)',
        responses: {
          202: { description: 'Canceling', headers: header('Location'), ...json('BatchView') },
          ...problems(...V1, 404, 409, 503),
        },
      },
    },
    '/v1/balance-check-batches/{id}/items': {
      parameters: [batchId, queryParam('cursor'), queryParam('limit')],
      get: {
        operationId: 'listBalanceCheckBatchItems',
        tags: ['batches'],
        summary: 'Per-item results in item order, each with its check id (read scope)',
        responses: {
          200: { description: 'A page of items', ...json('BatchItemsPage') },
          ...problems(...V1, 404, 409, 422, 503),
        },
      },
    },
    '/v1/balance-check-schedules': {
      post: {
        operationId: 'createBalanceCheckSchedule',
        tags: ['schedules'],
        summary:
          'Schedule a batch: at a time, or on cron expressions / calendars in a time zone (write scope)',
        requestBody: { required: true, ...json('StartScheduleRequest') },
        responses: {
          201: {
            description: 'Created',
            headers: header('Location'),
            ...json('ScheduleView'),
            links: links('$response.body#/id', [
              'getBalanceCheckSchedule',
              'pauseBalanceCheckSchedule',
              'resumeBalanceCheckSchedule',
              'triggerBalanceCheckSchedule',
              'deleteBalanceCheckSchedule',
            ]),
          },
          ...problems(...V1, 422, 503),
        },
      },
      get: {
        operationId: 'listBalanceCheckSchedules',
        tags: ['schedules'],
        summary: 'The owner’s schedules (read scope)',
        responses: {
          200: { description: 'Schedule ids', ...json('ScheduleList') },
          ...problems(...V1, 503),
        },
      },
    },
    '/v1/balance-check-schedules/{id}': {
      parameters: [scheduleId],
      get: {
        operationId: 'getBalanceCheckSchedule',
        tags: ['schedules'],
        summary: 'State, next runs, and the batches it started (read scope)',
        responses: {
          200: { description: 'The schedule', ...json('ScheduleView') },
          ...problems(...V1, 404, 503),
        },
      },
      delete: {
        operationId: 'deleteBalanceCheckSchedule',
        tags: ['schedules'],
        summary: 'Delete the schedule; batches it started go on (write scope)',
        responses: { 204: { description: 'Deleted' }, ...problems(...V1, 404, 503) },
      },
    },
    '/v1/balance-check-schedules/{id}/pause': scheduleAction('pauseBalanceCheckSchedule', 'Pause', 200),
    '/v1/balance-check-schedules/{id}/resume': scheduleAction('resumeBalanceCheckSchedule', 'Resume', 200),
    '/v1/balance-check-schedules/{id}/trigger': scheduleAction(
      'triggerBalanceCheckSchedule',
      'Start its batch now',
      202,
    ),
  };
  return { tags: TAGS, schemas, paths };
}
