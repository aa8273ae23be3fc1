// The OpenAPI 3.1 document, generated from the zod schemas the handlers validate with (z.toJSONSchema,
// JSON Schema 2020-12 — OpenAPI 3.1's dialect), so the contract is written once.
import { z } from 'zod';
import { batchOpenApiPaths, batchOpenApiSchemas } from './batch-openapi';
import { CheckEventBody, CheckIdParam, IdempotencyKeyHeader, MfaBody, StartCheckBody } from './schemas';
import {
  CheckViewSchema,
  EventAcceptedSchema,
  HealthSchema,
  MfaAcceptedSchema,
  ProblemSchema,
  WebhookAcceptedSchema,
} from './response-schemas';

const REQUESTS = { StartCheckRequest: StartCheckBody, MfaAnswers: MfaBody, ProviderEvent: CheckEventBody };
const RESPONSES = {
  CheckView: CheckViewSchema,
  Problem: ProblemSchema,
  MfaAccepted: MfaAcceptedSchema,
  EventAccepted: EventAcceptedSchema,
  WebhookAccepted: WebhookAcceptedSchema,
  Health: HealthSchema,
};

/** Components for one direction: requests as the handler accepts them (input), responses as sent (output). */
function components(schemas: Record<string, z.ZodType>, io: 'input' | 'output'): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const out = z.toJSONSchema(registry, {
    uri: (id) => `#/components/schemas/${id}`,
    io,
    unrepresentable: 'any',
  }).schemas;
  for (const schema of Object.values(out)) {
    delete schema.$schema; // the document's dialect applies
    delete schema.$id;
  }
  return out;
}

const ref = (id: keyof typeof REQUESTS | keyof typeof RESPONSES) => ({ $ref: `#/components/schemas/${id}` });
const json = (id: Parameters<typeof ref>[0]) => ({ content: { 'application/json': { schema: ref(id) } } });

const PROBLEMS: Record<number, string> = {
  400: 'Malformed request (e.g. invalid JSON)',
  401: 'Missing or invalid credentials',
  403: 'The API key lacks the scope',
  404: 'No such resource',
  409: 'Conflict with the check’s state',
  413: 'Body too large',
  415: 'Body is not application/json',
  422: 'Validation failed: `errors` names each field path and what was wrong',
  429: 'Rate limited; see Retry-After',
  503: 'Temporal or a worker did not answer in time; retry',
};
function problems(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((s) => [
      String(s),
      { description: PROBLEMS[s], content: { 'application/problem+json': { schema: ref('Problem') } } },
    ]),
  );
}

const V1 = [401, 403, 429];
const checkId = { name: 'id', in: 'path', required: true, schema: z.toJSONSchema(CheckIdParam) };
const locationHeader = { Location: { description: 'The check’s URL', schema: { type: 'string' } } };

export function buildOpenApiDocument(): Record<string, unknown> {
  const idempotencyKey = z.toJSONSchema(IdempotencyKeyHeader.unwrap());
  return {
    openapi: '3.1.0',
    info: {
      title: 'balance-check API',
      version: '1.0.0',
      description: 'Real-time balance checks at MX, Meld and Spinwheel.',
    },
    components: {
      schemas: { ...components(REQUESTS, 'input'), ...components(RESPONSES, 'output'), ...batchOpenApiSchemas() },
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'API key (configured as a SHA-256 hash)' },
      },
    },
    security: [{ apiKey: [] }],
    paths: {
      ...batchOpenApiPaths(),
      '/v1/balance-checks': {
        post: {
          summary: 'Start a balance check (or join the one in flight, or reuse a recent one)',
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              schema: idempotencyKey,
              description: 'Same key + same body → the same check for 24 h',
            },
            {
              name: 'Prefer',
              in: 'header',
              schema: { type: 'string', examples: ['wait=20'] },
              description: 'wait=N (N ≤ 30): long-poll for the result',
            },
          ],
          requestBody: { required: true, ...json('StartCheckRequest') },
          responses: {
            200: {
              description:
                'Finished within Prefer: wait, or a reused recent result (X-Balance-Check-Reused: true)',
              headers: locationHeader,
              ...json('CheckView'),
            },
            202: {
              description: 'Started (or joined); poll the Location',
              headers: locationHeader,
              ...json('CheckView'),
            },
            ...problems(400, ...V1, 409, 413, 415, 422, 503),
          },
        },
      },
      '/v1/balance-checks/{id}': {
        parameters: [checkId],
        get: {
          summary: 'Status, phase, pending challenges, result',
          responses: {
            200: { description: 'The check', ...json('CheckView') },
            ...problems(...V1, 404, 503),
          },
        },
        delete: {
          summary: 'Cancel a running check',
          responses: {
            202: { description: 'Cancellation requested', headers: locationHeader, ...json('CheckView') },
            ...problems(...V1, 404, 409, 503),
          },
        },
      },
      '/v1/balance-checks/{id}/mfa': {
        parameters: [checkId],
        post: {
          summary: 'Answer the pending MFA challenges (a workflow Update)',
          requestBody: { required: true, ...json('MfaAnswers') },
          responses: {
            200: { description: 'Answers accepted', ...json('MfaAccepted') },
            ...problems(400, ...V1, 404, 409, 413, 415, 422, 503),
          },
        },
      },
      '/v1/balance-checks/{id}/events': {
        parameters: [checkId],
        post: {
          summary: 'Deliver a provider event verified upstream (webhook relays; needs the events scope)',
          requestBody: { required: true, ...json('ProviderEvent') },
          responses: {
            202: { description: 'Signaled, or a duplicate dropped', ...json('EventAccepted') },
            ...problems(400, ...V1, 404, 409, 413, 415, 422, 503),
          },
        },
      },
      '/webhooks/{provider}': {
        parameters: [
          {
            name: 'provider',
            in: 'path',
            required: true,
            schema: { type: 'string', enum: ['mx', 'meld', 'spinwheel'] },
          },
        ],
        post: {
          summary:
            'Provider webhooks, authenticated the provider’s way (HTTP Basic, HMAC signature, shared-secret header)',
          security: [],
          requestBody: { content: { 'application/json': { schema: {} } } },
          responses: {
            202: {
              description: 'Ignored, duplicate, or no running check for the resource',
              ...json('WebhookAccepted'),
            },
            204: { description: 'Signaled to the running check' },
            ...problems(400, 401, 404, 413, 503),
          },
        },
      },
      '/healthz': {
        get: {
          summary: 'Liveness',
          security: [],
          responses: { 200: { description: 'Up', ...json('Health') } },
        },
      },
      '/readyz': {
        get: {
          summary: 'Readiness (Temporal reachable)',
          security: [],
          responses: { 200: { description: 'Ready', ...json('Health') }, ...problems(503) },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics',
          security: [],
          responses: {
            200: {
              description: 'Text exposition format',
              content: { 'text/plain': { schema: { type: 'string' } } },
            },
          },
        },
      },
      '/openapi.json': {
        get: {
          summary: 'This document',
          security: [],
          responses: {
            200: {
              description: 'OpenAPI 3.1',
              content: { 'application/json': { schema: { type: 'object' } } },
            },
          },
        },
      },
    },
  };
}
