// Building blocks of the OpenAPI document (api/openapi.ts, api/batch-openapi.ts): components from zod
// schemas, $refs, the response headers the API sends and the problem answers every route shares.
import { z } from 'zod';

/** Components for one direction: requests as the handler accepts them (input), responses as sent (output). */
export function components(
  schemas: Record<string, z.ZodType>,
  io: 'input' | 'output',
): Record<string, unknown> {
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

export const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
export const json = (id: string) => ({ content: { 'application/json': { schema: ref(id) } } });
export const header = (name: keyof typeof HEADERS) => ({ [name]: { $ref: `#/components/headers/${name}` } });

/** Response headers the API sends (X-Request-Id on every answer). */
export const HEADERS = {
  'X-Request-Id': {
    description: 'The request id (the caller’s X-Request-Id when it is sane, else a new UUID)',
    required: true,
    schema: { type: 'string' },
  },
  Location: {
    description: 'The URL of the check (or batch, schedule)',
    required: true,
    schema: { type: 'string' },
  },
  'Retry-After': {
    description: 'Seconds to wait before retrying',
    required: true,
    schema: { type: 'string', pattern: '^[0-9]+$' },
  },
  'WWW-Authenticate': {
    description: 'The Bearer challenge',
    required: true,
    schema: { type: 'string' },
  },
  'Idempotent-Replayed': {
    description: '`true` when the answer replays an earlier request with the same Idempotency-Key',
    required: false,
    schema: { type: 'string', enum: ['true'] },
  },
  'Preference-Applied': {
    description: 'The `wait=N` preference the server honoured (RFC 7240)',
    required: false,
    schema: { type: 'string', pattern: '^wait=[0-9]+$' },
  },
  'X-Balance-Check-Reused': {
    description: '`true` when a recent completed check was reused (maxAgeSeconds)',
    required: false,
    schema: { type: 'string', enum: ['true'] },
  },
} as const;

const PROBLEMS: Record<number, { description: string; headers?: (keyof typeof HEADERS)[] }> = {
  400: { description: 'Malformed request (e.g. the body is not valid JSON)' },
  401: { description: 'Missing or invalid credentials', headers: ['WWW-Authenticate'] },
  403: { description: 'The API key lacks the scope' },
  404: { description: 'No such resource (or not yours)' },
  409: { description: 'Conflict with the state of the check (or batch)' },
  413: { description: 'Body too large' },
  415: { description: 'Body is not application/json, or its charset is not supported' },
  422: { description: 'Validation failed: `errors` names each field path and what was wrong' },
  429: { description: 'Rate limited', headers: ['Retry-After'] },
  503: { description: 'Temporal or a worker did not answer in time; retry', headers: ['Retry-After'] },
};
export function problems(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((s) => {
      const p = PROBLEMS[s]!;
      return [
        String(s),
        {
          description: p.description,
          headers: Object.assign({}, ...(p.headers ?? []).map((h) => header(h))),
          content: { 'application/problem+json': { schema: ref('Problem') } },
        },
      ];
    }),
  );
}
/** A problem whose headers differ from the shared ones (e.g. 409 with Retry-After). */
export function problemWith(description: string, headers: (keyof typeof HEADERS)[] = []) {
  return {
    description,
    headers: Object.assign({}, ...headers.map((h) => header(h))),
    content: { 'application/problem+json': { schema: ref('Problem') } },
  };
}

/** Every /v1 call: bad body framing (any method may carry a body), credentials, scope, rate. */
export const V1 = [400, 401, 403, 413, 415, 429];
