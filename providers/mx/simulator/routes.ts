// The MX Platform API endpoints a balance check uses, answering as MX documents them.
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { MX_API_VERSION } from '../client';
import type { MxJobs } from './jobs';
import type { MxAssumptionModes } from './modes';
import {
  accountJson,
  memberJson,
  memberOrClone,
  paginate,
  statusJson,
  transactionJson,
  type MemberState,
} from './store';

/**
 * The statuses from which MX's aggregation guide lets a job start (seed
 * mx-fetch-account-and-transaction-data-guide.txt:51-52). From any other status check_balance starts
 * nothing and answers the member as it is (a guess at MX's answer; the status read then reports it).
 */
export const STARTABLE_STATUSES = new Set([
  'CREATED',
  'CONNECTED',
  'DEGRADED',
  'DISCONNECTED',
  'EXPIRED',
  'FAILED',
  'IMPEDED',
  'RECONNECTED',
  'UPDATED',
]);
/** The legacy versioning MX's balance guide uses: the vendor Accept header, no Accept-Version. */
const VENDOR_ACCEPT = 'application/vnd.mx.api.v1+json';

export interface RouteDeps {
  members: () => Map<string, MemberState>;
  jobs: MxJobs;
  /** Skip starting a job when the last success is this recent (MX's minimum interval; 0 = off). */
  minIntervalMs: number;
  throttle: { max: number; windowMs: number };
  modes: () => MxAssumptionModes;
}

const error = (res: Response, status: number, message: string) =>
  res.status(status).json({ error: { message } });

/**
 * HTTP Basic client_id:api_key (401), then the version (406), as MX checks them: Accept-Version
 * v20250224 (the spec), or no Accept-Version with the vendor Accept header (MX's balance guide, legacy
 * versioning, which MX still serves). A wrong Accept-Version, or neither, is refused.
 */
export function mxGate(clientId: string, apiKey: string) {
  const expected = `Basic ${Buffer.from(`${clientId}:${apiKey}`).toString('base64')}`;
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.get('authorization') !== expected)
      return void error(res, 401, 'Unauthorized: HTTP Basic client_id:api_key required');
    const version = req.get('accept-version');
    const vendor = (req.get('accept') ?? '').toLowerCase().includes(VENDOR_ACCEPT);
    if (version === undefined ? !vendor : version !== MX_API_VERSION)
      return void error(res, 406, `Accept-Version: ${MX_API_VERSION} required`);
    next();
  };
}

export function mxRoutes(deps: RouteDeps): Router {
  const router = express.Router();
  const base = '/users/:user/members/:member';

  const find = (req: Request, res: Response): MemberState | undefined => {
    const m = memberOrClone(deps.members(), String(req.params.member));
    if (m && m.userGuid === req.params.user) return m;
    error(res, 404, 'Member not found');
    return undefined;
  };

  router.post(`${base}/check_balance`, (req, res) => {
    const m = find(req, res);
    if (!m) return;
    if (m.job?.kind === 'other')
      return void error(res, 409, 'A different job type is already running for this member');
    // Already running (or waiting on MFA): 202 with the member, no new job.
    if (m.job) return void res.status(202).json(memberJson(m));
    if (!STARTABLE_STATUSES.has(m.connection_status)) return void res.status(202).json(memberJson(m));
    const now = Date.now();
    const lastSuccess = Date.parse(m.successfully_aggregated_at);
    if (
      deps.minIntervalMs > 0 &&
      m.connection_status === 'CONNECTED' &&
      now - lastSuccess < deps.minIntervalMs
    ) {
      return void res.status(202).json(memberJson(m));
    }
    m.starts = m.starts.filter((t) => now - t < deps.throttle.windowMs);
    if (m.starts.length >= deps.throttle.max) {
      const retryAfterS = Math.max(1, Math.ceil((m.starts[0]! + deps.throttle.windowMs - now) / 1000));
      if (deps.modes().throttleRetryAfter) res.setHeader('Retry-After', String(retryAfterS));
      return void error(res, 429, 'Balance refresh throttled for this member');
    }
    deps.jobs.start(m, 'balance');
    res.status(202).json(memberJson(m));
  });

  // readMember
  router.get(base, (req, res) => {
    const m = find(req, res);
    if (m) res.status(200).json(memberJson(m));
  });

  // readAccountByMember
  router.get(`${base}/accounts/:account`, (req, res) => {
    const m = find(req, res);
    if (!m) return;
    const a = m.accounts.find((x) => x.guid === req.params.account);
    if (!a) return void error(res, 404, 'Account not found');
    res.status(200).json({ account: accountJson(m, a) });
  });

  router.get(`${base}/status`, (req, res) => {
    const m = find(req, res);
    if (m) res.status(200).json(statusJson(m));
  });

  router.get(`${base}/challenges`, (req, res) => {
    const m = find(req, res);
    if (!m) return;
    if (m.connection_status !== 'CHALLENGED') return void res.status(204).end();
    const { records, pagination } = paginate(m.challenges, req.query);
    res.status(200).json({ challenges: records, pagination });
  });

  router.put(`${base}/resume`, (req, res) => {
    const m = find(req, res);
    if (!m) return;
    const answers: unknown = (req.body as { member?: { challenges?: unknown } } | undefined)?.member
      ?.challenges;
    if (!Array.isArray(answers) || answers.length === 0)
      return void error(res, 400, 'member.challenges[] required');
    const outcome = deps.jobs.resume(m, answers as { guid?: unknown; value?: unknown }[]);
    if (outcome.status !== 202) return void error(res, outcome.status, outcome.message ?? 'Refused');
    res.status(202).json(memberJson(m));
  });

  router.get(`${base}/accounts`, (req, res) => {
    const m = find(req, res);
    if (!m) return;
    const { records, pagination } = paginate(m.accounts, req.query);
    res.status(200).json({ accounts: records.map((a) => accountJson(m, a)), pagination });
  });

  router.get(`${base}/transactions`, (req, res) => {
    const m = find(req, res);
    if (!m) return;
    const from = Number(req.query.from_date ?? 0) * 1000;
    const to = req.query.to_date ? Number(req.query.to_date) * 1000 : Infinity;
    const all = m.transactions
      .map((t) => transactionJson(m, t))
      .filter((t) => {
        const at = Date.parse(t.transacted_at);
        return at >= from && at <= to;
      });
    const { records, pagination } = paginate(all, req.query);
    res.status(200).json({ transactions: records, pagination });
  });

  return router;
}
