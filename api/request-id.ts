// A request id on every response and log line: the caller's X-Request-Id when it is sane, else a new
// UUID. Each request gets a child logger (res.locals.log) and one access-log line when it finishes.
import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { ApiKey } from './auth';

const SANE_ID = /^[\w.:-]{1,128}$/;

export function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const given = req.get('x-request-id');
    const requestId = given && SANE_ID.test(given) ? given : randomUUID();
    res.set('X-Request-Id', requestId);
    const log = logger.child({ requestId });
    res.locals.requestId = requestId;
    res.locals.log = log;
    const start = process.hrtime.bigint();
    res.once('finish', () => {
      // Method, path and outcome only: headers (API keys, webhook secrets) and bodies are never logged.
      log.info(
        {
          method: req.method,
          path: req.originalUrl.split('?')[0]?.slice(0, 300),
          route: req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : undefined,
          status: res.statusCode,
          durationMs: Math.round(Number(process.hrtime.bigint() - start) / 1e6),
          apiKeyName: (res.locals.apiKey as ApiKey | undefined)?.name,
        },
        'request',
      );
    });
    next();
  };
}

export function requestLog(res: Response): Logger {
  return res.locals.log as Logger;
}
