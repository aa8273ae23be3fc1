import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { CHECK_OUTCOMES, MFA_REQUIRED, type OutcomeCounters } from './check-outcomes';

export interface ApiMetrics extends OutcomeCounters {
  /** Own registry, not prom-client's global one, so tests (and embedded apps) can create several. */
  registry: Registry;
  httpRequests: Counter<'route' | 'method' | 'status'>;
  httpDuration: Histogram<'route' | 'method'>;
  webhooksReceived: Counter<'provider' | 'outcome'>;
  checksStarted: Counter<'provider'>;
}

export function createApiMetrics(): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    httpRequests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests by matched route template, method and status',
      labelNames: ['route', 'method', 'status'] as const,
      registers,
    }),
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency by matched route template and method',
      labelNames: ['route', 'method'] as const,
      // Balance-check endpoints are quick reads or workflow starts; long-poll waits land in the top buckets.
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    webhooksReceived: new Counter({
      name: 'webhooks_received_total',
      help: 'Provider webhooks by provider and handling outcome',
      labelNames: ['provider', 'outcome'] as const,
      registers,
    }),
    checksStarted: new Counter({
      name: 'balance_checks_started_total',
      help: 'Balance check workflows started (or joined) by the API',
      labelNames: ['provider'] as const,
      registers,
    }),
    checkOutcomes: new Counter({ ...CHECK_OUTCOMES, labelNames: ['provider', 'status'] as const, registers }),
    mfaRequired: new Counter({ ...MFA_REQUIRED, labelNames: ['provider'] as const, registers }),
  };
}

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Mount first. Labels use the matched route template (`/checks/:id`), never the raw URL, and
 * unknown methods collapse to OTHER — otherwise scanners and ids would explode label cardinality.
 */
export function metricsMiddleware(metrics: ApiMetrics): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const start = process.hrtime.bigint();
    res.once('finish', () => {
      // req.route is only set when a route handler matched; baseUrl restores a router's mount prefix.
      const path: unknown = req.route?.path;
      const route = typeof path === 'string' ? `${req.baseUrl}${path}` || '/' : 'unmatched';
      const method = KNOWN_METHODS.has(req.method) ? req.method : 'OTHER';
      metrics.httpRequests.inc({ route, method, status: String(res.statusCode) });
      metrics.httpDuration.observe({ route, method }, Number(process.hrtime.bigint() - start) / 1e9);
    });
    next();
  };
}

/** `GET /metrics` handler (Prometheus text format). */
export function metricsHandler(metrics: ApiMetrics): RequestHandler {
  return async (_req: Request, res: Response) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  };
}
