// RFC 9457 problem details: every error the API answers is application/problem+json.
import type { ErrorRequestHandler, Response } from 'express';
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
  constructor(readonly problem: Problem, readonly headers: Record<string, string> = {}) {
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
  return new HttpProblem({ type: TYPE_BASE + slug, title, status, ...(detail ? { detail } : {}), ...extra }, headers);
}

export function validationProblem(error: z.ZodError, where: 'body' | 'query' | 'header' | 'path' = 'body'): HttpProblem {
  const errors = error.issues.map((i) => ({ path: [where, ...i.path.map(String)].join('.'), message: i.message }));
  return problem(422, 'validation', 'The request is not valid', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
}

export function sendProblem(res: Response, p: HttpProblem): void {
  res.status(p.problem.status).set(p.headers).type('application/problem+json').send(JSON.stringify(p.problem));
}

/** Last middleware: known problems as they are; body-parser errors as 4xx; anything else 500 without internals. */
export function problemHandler(log: (msg: string, err: unknown) => void): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    if (err instanceof HttpProblem) return sendProblem(res, err);
    const e = err as { type?: string; status?: number; statusCode?: number; message?: string };
    const status = e.status ?? e.statusCode;
    if (e.type === 'entity.too.large') return sendProblem(res, problem(413, 'too-large', 'The request body is too large'));
    if (e.type === 'entity.parse.failed') return sendProblem(res, problem(400, 'malformed-json', 'The body is not valid JSON'));
    if (status && status >= 400 && status < 500) {
      return sendProblem(res, problem(status, 'bad-request', 'The request could not be read', e.message));
    }
    log('Unhandled API error', err);
    return sendProblem(res, problem(500, 'internal', 'Internal error'));
  };
}
