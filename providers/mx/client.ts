// MX Platform API client (v20250224): the calls a balance check needs, each through requestJson
// (timeout, status classification, zod validation).
import { retryableError } from '../http/errors';
import { requestJson, type FetchLike } from '../http/request-json';
import type { z } from 'zod';
import {
  mxAccountsPageSchema,
  mxChallengesBodySchema,
  mxMemberBodySchema,
  mxMemberStatusBodySchema,
  mxTransactionsPageSchema,
  type MxAccount,
  type MxChallenge,
  type MxMember,
  type MxMemberStatus,
  type MxPagination,
  type MxTransaction,
} from './schemas';

export const MX_API_VERSION = 'v20250224';
/** 409 means another job type (aggregation, verification…) is running; those take tens of seconds. */
export const MX_CONFLICT_RETRY_MS = 10_000;
/** MX deletes PENDING transactions after 14 days, so older ones cannot be pending. */
const PENDING_LOOKBACK_S = 14 * 24 * 3600;
/** Guard against a pagination block that never ends. */
const MAX_PAGES = 500;

export interface MxClientOptions {
  baseUrl: string;
  clientId: string;
  apiKey: string;
  fetch?: FetchLike;
  timeoutMs?: number;
  /** Page size for list calls; MX accepts 10–1000 on member lists (25 by default). */
  recordsPerPage?: number;
}

export interface MxAnswer {
  guid: string;
  value: string;
}

export class MxClient {
  private readonly baseUrl: string;
  private readonly headers: Record<string, string>;
  private readonly fetchImpl: FetchLike;
  private readonly timeoutMs: number;
  private readonly recordsPerPage: number;

  constructor(opts: MxClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.fetchImpl = opts.fetch ?? ((input, init) => fetch(input, init));
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.recordsPerPage = Math.min(Math.max(opts.recordsPerPage ?? 100, 10), 1000);
    const basic = Buffer.from(`${opts.clientId}:${opts.apiKey}`).toString('base64');
    // MX answers 406 to any call without the version header.
    this.headers = {
      Authorization: `Basic ${basic}`,
      Accept: 'application/json',
      'Accept-Version': MX_API_VERSION,
    };
  }

  /** Starts a balance-only job. 202 also when a job is already running or MX is inside its minimum interval. */
  async checkBalance(user: string, member: string): Promise<MxMember> {
    const res = await this.call(
      'check_balance',
      'POST',
      this.memberPath(user, member, 'check_balance'),
      mxMemberBodySchema,
      [200, 202],
    );
    return res.member;
  }

  async readStatus(user: string, member: string): Promise<MxMemberStatus> {
    const res = await this.call(
      'status',
      'GET',
      this.memberPath(user, member, 'status'),
      mxMemberStatusBodySchema,
    );
    return res.member;
  }

  /** 204 No Content means the member is not challenged. */
  async listChallenges(user: string, member: string): Promise<MxChallenge[]> {
    const path = this.memberPath(user, member, 'challenges');
    const res = await this.call('challenges', 'GET', path, mxChallengesBodySchema, [200, 204]);
    return res?.challenges ?? [];
  }

  /** Answers MFA. For OPTIONS challenges the value is the chosen option's `value`. */
  async resume(user: string, member: string, answers: MxAnswer[]): Promise<MxMember> {
    const body = { member: { challenges: answers } };
    const res = await this.call(
      'resume',
      'PUT',
      this.memberPath(user, member, 'resume'),
      mxMemberBodySchema,
      [200, 202],
      body,
    );
    return res.member;
  }

  async listAccounts(user: string, member: string): Promise<MxAccount[]> {
    return this.collectPages(
      'accounts',
      this.memberPath(user, member, 'accounts'),
      mxAccountsPageSchema,
      (p) => p.accounts,
    );
  }

  /**
   * The spec offers no status filter on member transactions, so we page through the last 14 days
   * (to_date defaults to 5 days ahead, which is where MX puts pending ones) and keep PENDING.
   */
  async listPendingTransactions(user: string, member: string): Promise<MxTransaction[]> {
    const from = Math.floor(Date.now() / 1000) - PENDING_LOOKBACK_S;
    const path = `${this.memberPath(user, member, 'transactions')}?from_date=${from}`;
    const all = await this.collectPages(
      'transactions',
      path,
      mxTransactionsPageSchema,
      (p) => p.transactions,
    );
    return all.filter((t) => t.status?.toUpperCase() === 'PENDING');
  }

  private async collectPages<S extends z.ZodType<{ pagination?: MxPagination | null }>, R>(
    operation: string,
    path: string,
    schema: S,
    records: (page: z.infer<S>) => R[],
  ): Promise<R[]> {
    const out: R[] = [];
    const sep = path.includes('?') ? '&' : '?';
    for (let page = 1; page <= MAX_PAGES; page++) {
      const body = await this.call(
        operation,
        'GET',
        `${path}${sep}page=${page}&records_per_page=${this.recordsPerPage}`,
        schema,
      );
      const items = records(body);
      out.push(...items);
      // Pagination is optional in the spec: without page numbers, a short page is the last one.
      const { current_page: current, total_pages: total } = body.pagination ?? {};
      const last = current != null && total != null ? current >= total : items.length < this.recordsPerPage;
      if (items.length === 0 || last) break;
    }
    return out;
  }

  private memberPath(user: string, member: string, leaf: string): string {
    return `/users/${encodeURIComponent(user)}/members/${encodeURIComponent(member)}/${leaf}`;
  }

  private async call<S extends z.ZodType>(
    operation: string,
    method: string,
    path: string,
    schema: S,
    okStatuses?: number[],
    body?: unknown,
  ): Promise<z.infer<S>> {
    const res = await requestJson({
      provider: 'mx',
      operation,
      fetch: this.fetchImpl,
      url: `${this.baseUrl}${path}`,
      method,
      headers: this.headers,
      body,
      timeoutMs: this.timeoutMs,
      schema,
      okStatuses,
      classify: (status, text) =>
        status === 409
          ? retryableError(
              `mx ${operation} answered 409 (another job type is running): ${text.slice(0, 200)}`,
              { provider: 'mx', operation, httpStatus: 409 },
              MX_CONFLICT_RETRY_MS,
            )
          : undefined,
    });
    return res.body;
  }
}
