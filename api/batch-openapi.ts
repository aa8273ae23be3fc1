// The batch and schedule routes' part of the OpenAPI document (api/openapi.ts spreads it in), from the
// same zod schemas the routes validate with.
import { z } from 'zod';
import { BatchItemsPageSchema, BatchViewSchema, StartBatchBody } from './batch-schemas';
import { StartScheduleBody } from './routes/schedules';
import { IdempotencyKeyHeader } from './schemas';

const schemaRef = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (id: string) => ({ content: { 'application/json': { schema: schemaRef(id) } } });
const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: schemaRef('Problem') } },
});
const PROBLEMS = {
  401: problem('Missing or invalid credentials'),
  403: problem('The API key lacks the scope'),
  429: problem('Rate limited; see Retry-After'),
  503: problem('Temporal or a worker did not answer in time; retry'),
};

function toSchemas(schemas: Record<string, z.ZodType>, io: 'input' | 'output') {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const out = z.toJSONSchema(registry, {
    uri: (id) => `#/components/schemas/${id}`,
    io,
    unrepresentable: 'any',
  }).schemas;
  for (const schema of Object.values(out)) {
    delete schema.$schema;
    delete schema.$id;
  }
  return out;
}

export function batchOpenApiSchemas(): Record<string, unknown> {
  return {
    ...toSchemas({ StartBatchRequest: StartBatchBody, StartScheduleRequest: StartScheduleBody }, 'input'),
    ...toSchemas({ BatchView: BatchViewSchema, BatchItemsPage: BatchItemsPageSchema }, 'output'),
  };
}

const batchId = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', description: 'Opaque batch id (bat_…) from the Location header' },
};
const location = { Location: { description: 'The batch’s URL', schema: { type: 'string' } } };

const scheduleId = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', description: 'Schedule id (sch_…) from the Location header' },
};
/** Schedule answers: {id, paused, note, nextRuns[], timeZone, batches[{firedAt, batchId}]}. */
const scheduleView = {
  description: 'The schedule',
  content: { 'application/json': { schema: { type: 'object' } } },
};

export function batchOpenApiPaths(): Record<string, unknown> {
  const scheduleAction = (summary: string, status: number) => ({
    parameters: [scheduleId],
    post: { summary, responses: { [status]: scheduleView, 404: problem('No such schedule'), ...PROBLEMS } },
  });
  return {
    '/v1/balance-check-schedules': {
      post: {
        summary:
          'Schedule a batch: at a time, or on cron expressions / calendars in a time zone (Temporal Schedules)',
        requestBody: { required: true, ...json('StartScheduleRequest') },
        responses: { 201: scheduleView, 422: problem('Invalid body or schedule spec'), ...PROBLEMS },
      },
      get: { summary: 'The owner’s schedules', responses: { 200: scheduleView, ...PROBLEMS } },
    },
    '/v1/balance-check-schedules/{id}': {
      parameters: [scheduleId],
      get: {
        summary: 'State, next runs, and the batches it started',
        responses: { 200: scheduleView, 404: problem('No such schedule'), ...PROBLEMS },
      },
      delete: {
        summary: 'Delete the schedule (batches it started go on)',
        responses: { 204: { description: 'Deleted' }, 404: problem('No such schedule'), ...PROBLEMS },
      },
    },
    '/v1/balance-check-schedules/{id}/pause': scheduleAction('Pause', 200),
    '/v1/balance-check-schedules/{id}/resume': scheduleAction('Resume', 200),
    '/v1/balance-check-schedules/{id}/trigger': scheduleAction('Start its batch now', 202),
    '/v1/balance-check-batches': {
      post: {
        summary: 'Start a batch of up to 10,000 balance checks (each item its own question and reference)',
        parameters: [
          {
            name: 'Idempotency-Key',
            in: 'header',
            schema: z.toJSONSchema(IdempotencyKeyHeader.unwrap()),
            description: 'Same key + same body → the same batch for 24 h',
          },
        ],
        requestBody: { required: true, ...json('StartBatchRequest') },
        responses: {
          202: {
            description: 'Accepted; poll the Location for progress',
            headers: location,
            ...json('BatchView'),
          },
          400: problem('Malformed request (e.g. invalid JSON)'),
          ...PROBLEMS,
          409: problem('A request with this Idempotency-Key is still being processed'),
          413: problem('Body too large'),
          415: problem('Body is not application/json'),
          422: problem('Validation failed: `errors` names each field path (body.items.N.…)'),
        },
      },
    },
    '/v1/balance-check-batches/{id}': {
      parameters: [batchId],
      get: {
        summary: 'Progress: item counts by phase, status and sufficiency decision',
        responses: {
          200: { description: 'The batch', ...json('BatchView') },
          404: problem('No such batch'),
          ...PROBLEMS,
        },
      },
      delete: {
        summary: 'Cancel the items not started yet (started items finish and keep their answers)',
        responses: {
          202: { description: 'Canceling', headers: location, ...json('BatchView') },
          404: problem('No such batch'),
          409: problem('The batch has already finished'),
          ...PROBLEMS,
        },
      },
    },
    '/v1/balance-check-batches/{id}/items': {
      parameters: [
        batchId,
        {
          name: 'cursor',
          in: 'query',
          schema: { type: 'string' },
          description: 'nextCursor of the previous page',
        },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500 } },
      ],
      get: {
        summary: 'Per-item results in item order, each with its check id',
        responses: {
          200: { description: 'A page of items', ...json('BatchItemsPage') },
          404: problem('No such batch'),
          422: problem('Bad cursor or limit'),
          ...PROBLEMS,
        },
      },
    },
  };
}
