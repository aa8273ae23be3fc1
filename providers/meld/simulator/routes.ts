// Meld Bank Linking endpoints as the simulator serves them (shapes from Meld's API reference).
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { playFault, type FaultQueue, type SimTimers } from '../../simulator-kit';
import { meldError, meldFaultAnswers } from './faults';
import { startRefreshJob } from './refresh-job';
import { pageByKey, type MeldSimState, type SimConnection } from './state';
import type { MeldAssumptionModes } from './modes';
import type { MeldWebhookSender } from './webhooks';

export interface MeldSimContext {
  state: MeldSimState;
  faults: FaultQueue;
  timers: SimTimers;
  webhooks: MeldWebhookSender;
  apiKey: string;
  timeScale: number;
  jobDurationMs?: number;
  refreshLimit?: { max: number; windowMs: number };
  log: { operation: string; at: number; status: number }[];
  modes: MeldAssumptionModes;
}

const NOT_REFRESHABLE = new Set(['RECONNECT_REQUIRED', 'EXPIRED', 'DELETED', 'IN_PROGRESS']);
const PRODUCTS = new Set([
  'BALANCES',
  'IDENTIFIERS',
  'INVESTMENT_HOLDINGS',
  'INVESTMENT_TRANSACTIONS',
  'OWNERS',
  'TRANSACTIONS',
]);

function operationOf(req: Request): string {
  const p = req.path;
  if (p === '/bank-linking/accounts') return 'accounts';
  if (p.startsWith('/bank-linking/accounts/')) return 'account';
  if (req.method === 'POST' && /^\/bank-linking\/connections\/[^/]+\/refresh$/.test(p)) return 'refresh';
  if (p.startsWith('/bank-linking/connections')) return 'connections';
  if (p === '/bank-linking/transactions') return 'transactions';
  return 'unknown';
}

/** Meld's `limit`: 1–100, default 10; anything else is a 400. */
function pageLimit(req: Request, res: Response): number | undefined {
  const raw = req.query.limit;
  if (raw === undefined) return 10;
  const n = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (n >= 1 && n <= 100) return n;
  res.status(400).json(meldError('BAD_REQUEST', 'limit must be an integer between 1 and 100', ['limit']));
  return undefined;
}

const q = (req: Request, name: string) =>
  typeof req.query[name] === 'string' ? (req.query[name] as string) : undefined;

export function mountMeldRoutes(app: Express, ctx: MeldSimContext): void {
  app.use(express.json());
  app.use((req: Request, res: Response, next: NextFunction) => {
    const operation = operationOf(req);
    res.locals.operation = operation;
    res.setHeader('Meld-Version', req.get('Meld-Version') ?? '2023-12-19');
    res.on('close', () =>
      ctx.log.push({ operation, at: Date.now(), status: res.headersSent ? res.statusCode : 0 }),
    );
    // Meld: `Authorization: BASIC <api key>` with the raw key.
    const auth = req.get('authorization') ?? '';
    const match = /^basic (.+)$/i.exec(auth);
    if (!match || match[1] !== ctx.apiKey) {
      res.status(401).json(meldError('UNAUTHORIZED', 'Missing or invalid API key'));
      return;
    }
    next();
  });
  // Load-test clones (`meld-conn-active.17`): materialize one on first mention.
  app.use((req: Request, _res: Response, next: NextFunction) => {
    const id = /^\/bank-linking\/connections\/([^/]+)/.exec(req.path)?.[1] ?? q(req, 'connectionId');
    if (id) ctx.state.materialize(decodeURIComponent(id));
    next();
  });
  app.use(async (req: Request, res: Response, next: NextFunction) => {
    const fault = ctx.faults.take(res.locals.operation as string);
    if (fault && (await playFault(fault, req, res, meldFaultAnswers(ctx.timers)))) return;
    next();
  });

  app.get('/bank-linking/accounts', (req, res) => {
    const limit = pageLimit(req, res);
    if (limit === undefined) return;
    const [customerId, externalId, connectionId] = [
      q(req, 'customerId'),
      q(req, 'externalCustomerId'),
      q(req, 'connectionId'),
    ];
    const matching = ctx.state.accounts.filter(
      (a) =>
        (!customerId || a.customerId === customerId) &&
        (customerId || !externalId || a.externalCustomerId === externalId) &&
        (!connectionId || a.connectionIds.includes(connectionId)),
    );
    const page = pageByKey(matching, limit, q(req, 'after'));
    res.json({ count: page.length, financialAccounts: page });
  });

  app.get('/bank-linking/accounts/:id', (req, res) => {
    const account = ctx.state.accounts.find((a) => a.id === req.params.id);
    if (!account)
      return void res
        .status(404)
        .json(meldError('NOT_FOUND', `Financial account ${req.params.id} not found`));
    res.json(account);
  });

  app.get('/bank-linking/connections', (req, res) => {
    const customerId = q(req, 'customerId');
    const statuses = q(req, 'statuses')?.split(',');
    const list = [...ctx.state.connections.values()].filter(
      (c) => (!customerId || c.customerId === customerId) && (!statuses || statuses.includes(c.status)),
    );
    res.json({ connections: list.map(publicConnection), count: list.length, remaining: 0 });
  });

  app.get('/bank-linking/connections/:id', (req, res) => {
    if (ctx.modes.singleConnectionGet === 'absent')
      return void res.status(404).json(meldError('NOT_FOUND', 'Not found'));
    const connection = ctx.state.connections.get(req.params.id);
    if (!connection)
      return void res.status(404).json(meldError('NOT_FOUND', `Connection ${req.params.id} not found`));
    res.json(publicConnection(connection));
  });

  app.post('/bank-linking/connections/:id/refresh', (req, res) => {
    const connection = ctx.state.connections.get(req.params.id);
    if (!connection)
      return void res.status(404).json(meldError('NOT_FOUND', `Connection ${req.params.id} not found`));
    const products: unknown = (req.body as { products?: unknown } | undefined)?.products;
    if (
      products !== undefined &&
      !(Array.isArray(products) && products.every((p) => PRODUCTS.has(String(p))))
    ) {
      return void res
        .status(400)
        .json(meldError('BAD_REQUEST', 'products must be a list of Meld products', ['products']));
    }
    if (NOT_REFRESHABLE.has(connection.status)) {
      return void res
        .status(409)
        .json(
          meldError(
            'CONNECTION_NOT_REFRESHABLE',
            `Connection is ${connection.status} and cannot be refreshed`,
          ),
        );
    }
    if (
      connection.sandbox.throttled ||
      ctx.state.overRefreshLimit(connection.id, scaledLimit(ctx), Date.now())
    ) {
      // Like MX's 3-hour forced-refresh window, scaled with the simulator's clock.
      res.setHeader('Retry-After', String(Math.max(1, Math.round(3 * 3600 * ctx.timeScale))));
      return void res
        .status(429)
        .json(
          meldError('TOO_MANY_REQUESTS', 'Service provider refresh limit reached; do not retry in a loop'),
        );
    }
    const requestId = startRefreshJob(ctx, connection);
    res.json({ requestId, serviceProviderDetails: { serviceProvider: 'SIMULATOR' } });
  });

  app.get('/bank-linking/transactions', (req, res) => {
    const limit = pageLimit(req, res);
    if (limit === undefined) return;
    const [customerId, accountId, status] = [
      q(req, 'customerId'),
      q(req, 'financialAccountId'),
      q(req, 'status'),
    ];
    const matching = ctx.state.transactions.filter(
      (t) =>
        (!customerId || t.customerId === customerId) &&
        (!accountId || t.financialAccountId === accountId) &&
        (!status || t.status === status),
    );
    const page = pageByKey(matching, limit, q(req, 'after'));
    const remaining = matching.filter((t) => t.key > (page[page.length - 1]?.key ?? '\uffff')).length;
    res.json({ count: page.length, financialAccountTransactions: page, remaining });
  });

  app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
    if (!res.headersSent) res.status(500).json(meldError('INTERNAL_SERVER_ERROR', err.message));
  });
}

function scaledLimit(ctx: MeldSimContext) {
  return (
    ctx.refreshLimit && { max: ctx.refreshLimit.max, windowMs: ctx.refreshLimit.windowMs * ctx.timeScale }
  );
}

function publicConnection(c: SimConnection) {
  const { sandbox: _sandbox, ...rest } = c;
  return rest;
}
