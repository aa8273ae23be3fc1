// RFC 9457 problem details: how each kind of error the API meets is answered.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { HttpProblem, problem, problemHandler, sendProblem, validationProblem } from '../../api/problem';

interface Sent {
  status?: number;
  headers: Record<string, string>;
  type?: string;
  body?: Record<string, unknown>;
}

/** The parts of an Express response problem answers use, recording what was sent. */
function fakeResponse(locals: Record<string, unknown> = {}, headersSent = false) {
  const sent: Sent = { headers: {} };
  const res = {
    headersSent,
    locals,
    status(code: number) {
      sent.status = code;
      return res;
    },
    set(headers: Record<string, string>) {
      Object.assign(sent.headers, headers);
      return res;
    },
    type(type: string) {
      sent.type = type;
      return res;
    },
    send(body: string) {
      sent.body = JSON.parse(body) as Record<string, unknown>;
      return res;
    },
  };
  return { res: res as unknown as Response, sent };
}

function recordingLog() {
  const lines: { level: string; obj: unknown; msg: string }[] = [];
  const log = {
    warn: (obj: unknown, msg: string) => lines.push({ level: 'warn', obj, msg }),
    error: (obj: unknown, msg: string) => lines.push({ level: 'error', obj, msg }),
  };
  return { log: log as unknown as Logger, lines };
}

function handle(err: unknown, opts: { locals?: Record<string, unknown>; headersSent?: boolean } = {}) {
  const fallback = recordingLog();
  const { res, sent } = fakeResponse(opts.locals, opts.headersSent);
  const passed: unknown[] = [];
  problemHandler(fallback.log)(err, {} as Request, res, ((e: unknown) => passed.push(e)) as NextFunction);
  return { sent, passed, lines: fallback.lines };
}

const TYPE = 'https://balance-check.dev/problems/';

describe('problem()', () => {
  it('builds a typed problem, the detail as the error message, extras and headers kept', () => {
    const p = problem(
      409,
      'conflict',
      'Already running',
      'check c1 runs',
      { checkId: 'c1' },
      { 'Retry-After': '3' },
    );
    assert.ok(p instanceof Error);
    assert.ok(p instanceof HttpProblem);
    assert.deepEqual(p.problem, {
      type: `${TYPE}conflict`,
      title: 'Already running',
      status: 409,
      detail: 'check c1 runs',
      checkId: 'c1',
    });
    assert.deepEqual(p.headers, { 'Retry-After': '3' });
    assert.equal(p.message, 'check c1 runs');
  });
  it('leaves out an absent or empty detail, and then the title is the message', () => {
    const p = problem(404, 'not-found', 'No such check');
    assert.deepEqual(p.problem, { type: `${TYPE}not-found`, title: 'No such check', status: 404 });
    assert.deepEqual(p.headers, {});
    assert.equal(p.message, 'No such check');
    assert.equal('detail' in problem(404, 'not-found', 'No such check', '').problem, false);
  });
});

describe('validationProblem()', () => {
  const schema = z.object({ amount: z.number().int(), items: z.array(z.string()) });
  const error = schema.safeParse({ amount: 1.5, items: ['a', 2] }).error!;

  it('answers 422 listing every issue with its path under where it was found', () => {
    const p = validationProblem(error);
    assert.equal(p.problem.status, 422);
    assert.equal(p.problem.type, `${TYPE}validation`);
    assert.equal(p.problem.title, 'The request is not valid');
    const errors = p.problem.errors!;
    assert.deepEqual(
      errors.map((e) => e.path),
      ['body.amount', 'body.items.1'],
    );
    assert.ok(errors.every((e) => typeof e.message === 'string' && e.message.length > 0));
    assert.equal(p.problem.detail, errors.map((e) => `${e.path}: ${e.message}`).join('; '));
  });
  it('names the parameter after where it came from (query, header, path)', () => {
    const header = z.string().uuid().safeParse('nope').error!;
    assert.deepEqual(
      validationProblem(header, 'header', 'Idempotency-Key').problem.errors!.map((e) => e.path),
      ['header.Idempotency-Key'],
    );
    assert.deepEqual(
      validationProblem(error, 'query').problem.errors!.map((e) => e.path),
      ['query.amount', 'query.items.1'],
    );
  });
});

describe('sendProblem()', () => {
  it('sends the status, the headers and the problem as application/problem+json', () => {
    const { res, sent } = fakeResponse();
    sendProblem(res, problem(429, 'rate-limited', 'Slow down', undefined, {}, { 'Retry-After': '2' }));
    assert.deepEqual(sent, {
      status: 429,
      headers: { 'Retry-After': '2' },
      type: 'application/problem+json',
      body: { type: `${TYPE}rate-limited`, title: 'Slow down', status: 429 },
    });
  });
});

describe('problemHandler (last middleware)', () => {
  it('passes the error on when the response has already started', () => {
    const err = new Error('late');
    const { sent, passed } = handle(err, { headersSent: true });
    assert.deepEqual(passed, [err]);
    assert.equal(sent.status, undefined);
  });
  it('answers a known problem as it is', () => {
    const { sent, passed } = handle(problem(403, 'forbidden', 'Not yours'));
    assert.deepEqual(passed, []);
    assert.equal(sent.status, 403);
    assert.deepEqual(sent.body, { type: `${TYPE}forbidden`, title: 'Not yours', status: 403 });
  });
  it('answers 413 to a body over the limit and 400 to malformed JSON (with the parser message)', () => {
    const big = handle({ type: 'entity.too.large', status: 413, message: 'request entity too large' });
    assert.deepEqual(big.sent.body, {
      type: `${TYPE}too-large`,
      title: 'The request body is too large',
      status: 413,
    });
    const bad = handle({ type: 'entity.parse.failed', status: 400, message: 'Unexpected token }' });
    assert.deepEqual(bad.sent.body, {
      type: `${TYPE}malformed-json`,
      title: 'The body is not valid JSON',
      status: 400,
      detail: 'Unexpected token }',
    });
  });
  it('answers 415 to an unsupported encoding or charset, from status or statusCode', () => {
    for (const err of [
      { type: 'charset.unsupported', status: 415, message: 'unsupported charset "KOI8"' },
      { statusCode: 415, message: 'unsupported content encoding "br"' },
    ]) {
      const { sent } = handle(err);
      assert.equal(sent.status, 415);
      assert.deepEqual(sent.body, {
        type: `${TYPE}unsupported-media-type`,
        title: 'The body encoding or charset is not supported',
        status: 415,
        detail: err.message,
      });
    }
  });
  it('answers any other 4xx error as a bad request with its own status; 399 and 500 are not client errors', () => {
    for (const status of [400, 404, 499]) {
      const { sent } = handle({ status, message: 'nope' });
      assert.deepEqual(sent.body, {
        type: `${TYPE}bad-request`,
        title: 'The request could not be read',
        status,
        detail: 'nope',
      });
    }
    for (const status of [399, 500, '404']) {
      assert.deepEqual(handle({ status, message: 'x' }).sent.body, {
        type: `${TYPE}internal`,
        title: 'Internal error',
        status: 500,
      });
    }
  });
  it('answers 503 with Retry-After when Temporal is unreachable (gRPC UNAVAILABLE or DEADLINE_EXCEEDED)', () => {
    for (const err of [{ code: 14 }, { code: 4 }, { message: 'wrapped', cause: { code: 14 } }]) {
      const own = recordingLog();
      const { res, sent } = fakeResponse({ log: own.log });
      const fallback = recordingLog();
      problemHandler(fallback.log)(err, {} as Request, res, (() => undefined) as NextFunction);
      assert.equal(sent.status, 503);
      assert.deepEqual(sent.headers, { 'Retry-After': '5' });
      assert.deepEqual(sent.body, {
        type: `${TYPE}temporal-unavailable`,
        title: 'The workflow service is unavailable; retry later',
        status: 503,
      });
      assert.deepEqual(own.lines, [{ level: 'warn', obj: { err }, msg: 'Temporal unavailable' }]);
      assert.deepEqual(fallback.lines, [], "the request's own logger is used when it has one");
    }
  });
  it('answers anything else 500 without details, logging it (to the fallback log without a request log)', () => {
    for (const err of [
      new Error('secret stack'),
      { code: 13 },
      { code: 'ECONNRESET', cause: { code: 14 } },
    ]) {
      const { sent, lines } = handle(err);
      assert.equal(sent.status, 500);
      assert.deepEqual(sent.headers, {});
      assert.deepEqual(sent.body, { type: `${TYPE}internal`, title: 'Internal error', status: 500 });
      assert.deepEqual(lines, [{ level: 'error', obj: { err }, msg: 'Unhandled API error' }]);
    }
  });
});
