// RFC 9457 problem details: every error the API answers is application/problem+json.
import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { path: string; message: string }[];
  [extra: string]: unknown;
}

const TYPE_BASE = 'https://balance-check.dev/problems/';

export class HttpProblem extends Error {
  constructor(
    readonly problem: Problem,
    readonly headers: Record<string, string> = {},
  ) {
    super(problem.detail ?? problem.title);
  }
}

export function problem(
  status: number,
  slug: string,
  title: string,
  detail?: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): HttpProblem {
  return new HttpProblem(
    { type: TYPE_BASE + slug, title, status, ...(detail ? { detail } : {}), ...extra },
    headers,
  );
}

export function validationProblem(
  error: z.ZodError,
  where: 'body' | 'query' | 'header' | 'path' = 'body',
  name?: string,
): HttpProblem {
  const errors = error.issues.map((i) => ({
    path: [where, ...(name ? [name] : []), ...i.path.map(String)].join('.'),
    message: i.message,
  }));
  return problem(
    422,
    'validation',
    'The request is not valid',
    errors.map((e) => `${e.path}: ${e.message}`).join('; '),
    { errors },
  );
}

export function sendProblem(res: Response, p: HttpProblem): void {
  res
    .status(p.problem.status)
    .set(p.headers)
    .type('application/problem+json')
    .send(JSON.stringify(p.problem));
}

/** Last middleware: known problems as they are; body-parser errors as 4xx; Temporal unreachable as 503; else 500. */
export function problemHandler(fallbackLog: Logger): ErrorRequestHandler {
  return (err, _req, res, next) => {
    if (res.headersSent) return next(err);
    if (err instanceof HttpProblem) return sendProblem(res, err);
    const log = (res.locals.log as Logger | undefined) ?? fallbackLog;
    const e = err as {
      type?: string;
      status?: number;
      statusCode?: number;
      message?: string;
      code?: unknown;
    };
    const status = e.status ?? e.statusCode;
    if (e.type === 'entity.too.large')
      return sendProblem(res, problem(413, 'too-large', 'The request body is too large'));
    if (e.type === 'entity.parse.failed')
      return sendProblem(res, problem(400, 'malformed-json', 'The body is not valid JSON', e.message));
    if (status === 415)
      return sendProblem(
        res,
        problem(415, 'unsupported-media-type', 'The body encoding or charset is not supported', e.message),
      );
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return sendProblem(res, problem(status, 'bad-request', 'The request could not be read', e.message));
    }
    // gRPC status, on the error or on the client's wrapper's cause.
    const grpcCode = e.code ?? (e as { cause?: { code?: number } }).cause?.code;
    if (grpcCode === 14 /* UNAVAILABLE */ || grpcCode === 4 /* DEADLINE_EXCEEDED */) {
      log.warn({ err }, 'Temporal unavailable');
      return sendProblem(
        res,
        problem(
          503,
          'temporal-unavailable',
          'The workflow service is unavailable; retry later',
          undefined,
          {},
          { 'Retry-After': '5' },
        ),
      );
    }
    log.error({ err }, 'Unhandled API error');
    return sendProblem(res, problem(500, 'internal', 'Internal error'));
  };
}
