// The shared limiter's middleware: the same 429 + Retry-After as rateLimitByKey, awaiting the store.
import type { RequestHandler } from 'express';
import type { ApiKey } from '../auth';
import { problem } from '../problem';
import type { SharedRateLimiter } from './types';

export function rateLimitByKeyShared(limiter: SharedRateLimiter, defaultPerMinute: number): RequestHandler {
  return async (_req, res, next) => {
    const key = res.locals.apiKey as ApiKey;
    const verdict = await limiter.take(key.name, key.ratePerMinute ?? defaultPerMinute);
    if (!verdict.ok) {
      const retry = String(verdict.retryAfterSeconds);
      throw problem(
        429,
        'rate-limited',
        'Too many requests for this API key',
        `Retry after ${retry} s`,
        {},
        { 'Retry-After': retry },
      );
    }
    next();
  };
}
