// The OpenAPI 3.1 document, generated from the zod schemas the handlers validate with (z.toJSONSchema,
// JSON Schema 2020-12 — OpenAPI 3.1's dialect), so the contract is written once. It states what the
// server enforces and sends: the per-provider request variants, every status an operation can answer
// and the headers that come with it (test/api/schemathesis.test.ts checks the server against it).
import { z } from 'zod';
import { CALLBACK_EVENT_TYPES } from '../contracts/callbacks';
import type { AnyProviderRegistration } from '../providers/registration';
import { REGISTRATIONS } from '../providers/registry';
import { CALLBACK_EVENTS } from './callback-schemas';
import {
  CheckViewSchema,
  EventAcceptedSchema,
  HealthSchema,
  MfaAcceptedSchema,
  ProblemSchema,
  WebhookAcceptedSchema,
} from './response-schemas';
import { batchOpenApi } from './batch-openapi';
import { batchSchemas, type BatchSchemas } from './batch-schemas';
import { components, header, HEADERS, json, problems, problemWith, V1 } from './openapi-parts';
import { CheckIdParam, IdempotencyKeyHeader, MfaBody, requestSchemas, type RequestSchemas } from './schemas';

const RESPONSES = {
  CheckView: CheckViewSchema,
  Problem: ProblemSchema,
  MfaAccepted: MfaAcceptedSchema,
  EventAccepted: EventAcceptedSchema,
  WebhookAccepted: WebhookAcceptedSchema,
  Health: HealthSchema,
};
/** Standard Webhooks headers on every callback (https://www.standardwebhooks.com). */
const CALLBACK_HEADERS = [
  { name: 'webhook-id', description: 'The event’s id: the same on every retry — dedupe on it' },
  { name: 'webhook-timestamp', description: 'Seconds since the epoch when this attempt was signed' },
  {
    name: 'webhook-signature',
    description:
      '`v1,<base64 HMAC-SHA256>` over `webhook-id.webhook-timestamp.body` with the API key’s `whsec_` secret; two while a secret rotates',
  },
].map((h) => ({ ...h, in: 'header', required: true, schema: { type: 'string' } }));

/**
 * Callback events (OpenAPI 3.1 `webhooks`): what we POST to a key's callback endpoint or a request's
 * callbackUrl, one entry per event type, and how the receiver's answer is taken.
 */
function callbackWebhooks(): Record<string, unknown> {
  return Object.fromEntries(
    CALLBACK_EVENT_TYPES.map((type) => {
      const { id, summary } = CALLBACK_EVENTS[type];
      const operation = {
        operationId: `${id[0]!.toLowerCase()}${id.slice(1)}Callback`,
        tags: ['callbacks'],
        summary,
        description:
          'Sent to each caller that asked for callbacks, with that caller’s own check id and answer; retried with backoff for up to 24 h until the receiver answers 2xx (410 stops).',
        security: [],
        parameters: CALLBACK_HEADERS,
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: `#/components/schemas/${id}` } } },
        },
        responses: {
          '2XX': { description: 'Delivered: no further attempts' },
          410: { description: 'Gone: stop sending this event' },
          default: { description: 'Any other answer (or none in time): retried with backoff and jitter' },
        },
      };
      return [type, { post: operation }];
    }),
  );
}

export function buildOpenApiDocument(
  registrations: readonly AnyProviderRegistration[] = Object.values(REGISTRATIONS),
  schemas: RequestSchemas = requestSchemas(registrations),
  batches: BatchSchemas = batchSchemas(registrations),
): Record<string, unknown> {
  const batch = batchOpenApi(batches);
  const idempotencyKey = z.toJSONSchema(IdempotencyKeyHeader.unwrap());
  const checkId = { name: 'id', in: 'path', required: true, schema: z.toJSONSchema(CheckIdParam) };
  const names = registrations.map((r) => r.name);
  const doc = {
    openapi: '3.1.0',
    info: {
      title: 'balance-check API',
      version: '1.0.0',
      description: `Real-time balance checks at bank-data providers (${registrations.map((r) => r.title).join(', ')}).`,
      license: {
        name: 'Proprietary (private package, not for redistribution)',
        identifier: 'LicenseRef-Proprietary',
      },
    },
    servers: [{ url: '/', description: 'The host that serves this document' }],
    tags: [
      { name: 'checks', description: 'Start, read and cancel balance checks' },
      { name: 'mfa', description: 'Answer a check’s MFA challenges' },
      { name: 'events', description: 'Provider events from webhook relays and the providers themselves' },
      ...batch.tags,
      { name: 'operations', description: 'Health, readiness, metrics and this document' },
      { name: 'callbacks', description: 'Events we send to callers (Standard Webhooks, signed)' },
    ],
    components: {
      schemas: {
        ...components(
          {
            StartCheckRequest: schemas.startCheck,
            MfaAnswers: MfaBody,
            ProviderEvent: schemas.checkEvent,
          },
          'input',
        ),
        ...components(RESPONSES, 'output'),
        ...batch.schemas,
        ...components(
          Object.fromEntries(Object.values(CALLBACK_EVENTS).map((e) => [e.id, e.schema])),
          'output',
        ),
      },
      headers: HEADERS,
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'API key (configured as a SHA-256 hash); the scheme name is case-insensitive',
        },
      },
    },
    security: [{ apiKey: [] }],
    webhooks: callbackWebhooks(),
    paths: {
      '/v1/balance-checks': {
        post: {
          operationId: 'startBalanceCheck',
          tags: ['checks'],
          summary: 'Start a balance check (or join the one in flight, or reuse a recent one)',
          description:
            'Needs the `write` scope. The body is one variant per provider (`provider` discriminates): ' +
            names
              .map((n, i) => {
                const shape = registrations[i]!.resource.memberId;
                return `${n}: resource.memberId ${shape.presence}`;
              })
              .join('; ') +
            '. fundingAccountId and requiredAmount go together.',
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              schema: idempotencyKey,
              description:
                'Same key + same body → the same check for 24 h; same key + another body → 422; while the first request runs → 409',
            },
            {
              name: 'Prefer',
              in: 'header',
              schema: { type: 'string', examples: ['wait=5'] },
              description: 'wait=N (N ≤ 30): long-poll for the result (other preferences are ignored)',
            },
          ],
          requestBody: { required: true, ...json('StartCheckRequest') },
          responses: {
            200: {
              description:
                'Finished within Prefer: wait, a replay of a finished check, or a reused recent result',
              headers: {
                ...header('Location'),
                ...header('X-Balance-Check-Reused'),
                ...header('Idempotent-Replayed'),
                ...header('Preference-Applied'),
              },
              ...json('CheckView'),
            },
            202: {
              description: 'Started (or joined); poll the Location',
              headers: {
                ...header('Location'),
                ...header('Idempotent-Replayed'),
                ...header('Preference-Applied'),
              },
              ...json('CheckView'),
            },
            ...problems(...V1, 404, 422, 503),
            409: problemWith('A request with this Idempotency-Key is still being processed', ['Retry-After']),
          },
        },
      },
      '/v1/balance-checks/{id}': {
        parameters: [checkId],
        get: {
          operationId: 'getBalanceCheck',
          tags: ['checks'],
          summary: 'Status, phase, pending challenges, result (read scope)',
          responses: {
            200: { description: 'The check', ...json('CheckView') },
            ...problems(...V1, 404, 503),
          },
        },
        delete: {
          operationId: 'cancelBalanceCheck',
          tags: ['checks'],
          summary: 'Cancel a running check (write scope)',
          responses: {
            202: { description: 'Cancellation requested', headers: header('Location'), ...json('CheckView') },
            ...problems(...V1, 404, 409, 503),
          },
        },
      },
      '/v1/balance-checks/{id}/mfa': {
        parameters: [checkId],
        post: {
          operationId: 'answerMfaChallenges',
          tags: ['mfa'],
          summary: 'Answer the pending MFA challenges (a workflow Update; write scope)',
          requestBody: { required: true, ...json('MfaAnswers') },
          responses: {
            200: { description: 'Answers accepted', ...json('MfaAccepted') },
            ...problems(...V1, 404, 409, 422, 503),
          },
        },
      },
      '/v1/balance-checks/{id}/events': {
        parameters: [checkId],
        post: {
          operationId: 'deliverCheckEvent',
          tags: ['events'],
          summary: 'Deliver a provider event verified upstream (webhook relays; events scope)',
          requestBody: { required: true, ...json('ProviderEvent') },
          responses: {
            202: { description: 'Signaled, or a duplicate dropped', ...json('EventAccepted') },
            ...problems(...V1, 404, 409, 422, 503),
          },
        },
      },
      ...batch.paths,
      '/webhooks/{provider}': {
        parameters: [
          {
            name: 'provider',
            in: 'path',
            required: true,
            schema: { type: 'string', enum: names },
          },
        ],
        post: {
          operationId: 'receiveProviderWebhook',
          tags: ['events'],
          summary:
            'Provider webhooks, authenticated the provider’s way (HTTP Basic, HMAC signature, shared-secret header)',
          security: [],
          requestBody: {
            description: 'The provider’s own webhook body (any bytes; authenticated before it is parsed)',
            content: { '*/*': { schema: {} } },
          },
          responses: {
            202: {
              description: 'Ignored, duplicate, or no running check for the resource',
              ...json('WebhookAccepted'),
            },
            204: { description: 'Signaled to the running check' },
            ...problems(400, 404, 413, 503),
            401: problemWith('Webhook authentication failed'),
          },
        },
      },
      '/healthz': {
        get: {
          operationId: 'getLiveness',
          tags: ['operations'],
          summary: 'Liveness',
          security: [],
          responses: { 200: { description: 'Up', ...json('Health') } },
        },
      },
      '/readyz': {
        get: {
          operationId: 'getReadiness',
          tags: ['operations'],
          summary: 'Readiness (Temporal reachable)',
          security: [],
          responses: {
            200: { description: 'Ready', ...json('Health') },
            503: problemWith('Temporal is not reachable'),
          },
        },
      },
      '/metrics': {
        get: {
          operationId: 'getMetrics',
          tags: ['operations'],
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
          operationId: 'getOpenApiDocument',
          tags: ['operations'],
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
  // Every answer carries X-Request-Id (api/request-id.ts).
  type Response = { headers?: Record<string, unknown> };
  for (const item of Object.values(doc.paths) as Record<string, { responses?: Record<string, Response> }>[])
    for (const op of Object.values(item))
      for (const response of Object.values(op.responses ?? {}))
        response.headers = { ...header('X-Request-Id'), ...response.headers };
  return doc;
}

/** Path templates → the methods each serves (for 405 + Allow); HEAD comes with GET. */
export function allowedMethods(document: Record<string, unknown>): { path: RegExp; allow: string[] }[] {
  const paths = document.paths as Record<string, Record<string, unknown>>;
  return Object.entries(paths).map(([template, item]) => {
    const methods = Object.keys(item)
      .filter((k) => k !== 'parameters')
      .map((m) => m.toUpperCase());
    if (methods.includes('GET')) methods.push('HEAD');
    const pattern = template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+');
    return { path: new RegExp(`^${pattern}/?$`), allow: methods };
  });
}
