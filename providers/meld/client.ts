// Meld Bank Linking HTTP client. Every call goes through requestJson (timeout, status
// classification, zod validation); Meld-specific statuses are classified here.
import type { z } from 'zod';
import { fatalError, ProviderErrorType } from '../http/errors';
import { requestJson, type FetchLike } from '../http/request-json';
import { MELD_ASSUMPTIONS } from './assumptions';
import { classifyMeldStatus, MeldConflict } from './errors';
import {
  meldAccountPageSchema,
  meldAccountSchema,
  meldConnectionListSchema,
  meldRefreshAnswerSchema,
  meldTransactionPageSchema,
  type MeldAccount,
  type MeldConnection,
  type MeldTransaction,
} from './schemas';

export interface MeldClientOptions {
  baseUrl: string;
  apiKey: string;
  fetch: FetchLike;
  timeoutMs: number;
  /** Sent as Meld-Version (YYYY-MM-DD) on every call; default MELD_ASSUMPTIONS.defaultMeldVersion. */
  meldVersion?: string;
  /** Page size for cursor searches (1–100). */
  pageLimit?: number;
}

/** Refresh answers: started, or refused with 409 because the connection is not refreshable. */
export type MeldRefreshOutcome =
  | { kind: 'STARTED'; requestId: string }
  | { kind: 'NOT_REFRESHABLE'; httpStatus: 409; message: string; providerCode?: string };

export class MeldClient {
  private readonly pageLimit: number;

  constructor(private readonly opts: MeldClientOptions) {
    this.pageLimit = Math.min(
      Math.max(1, opts.pageLimit ?? MELD_ASSUMPTIONS.maxPageLimit),
      MELD_ASSUMPTIONS.maxPageLimit,
    );
  }

  /** All accounts of a customer's connection, following the `after` cursor to the end. */
  async searchAccounts(q: { customerId: string; connectionId: string }): Promise<MeldAccount[]> {
    return this.collectPages('accounts', (after) => {
      const params = new URLSearchParams({
        customerId: q.customerId,
        connectionId: q.connectionId,
        limit: String(this.pageLimit),
      });
      if (after) params.set('after', after);
      return this.call('accounts', `/bank-linking/accounts?${params}`, meldAccountPageSchema).then((p) => ({
        records: p.financialAccounts,
      }));
    });
  }

  async getAccount(financialAccountId: string): Promise<MeldAccount> {
    return this.call(
      'account',
      `/bank-linking/accounts/${encodeURIComponent(financialAccountId)}`,
      meldAccountSchema,
    );
  }

  /**
   * One connection, found in the documented list (`GET /bank-linking/connections`, PROVIDERS.md): no
   * document we hold names a single-connection GET. `customerId` narrows the list where Meld honours it;
   * further pages (cursor = last record's key, as for accounts) are read only while the id is not found.
   */
  async findConnection(customerId: string, connectionId: string): Promise<MeldConnection> {
    let after: string | undefined;
    for (let page = 0; page < MELD_ASSUMPTIONS.maxPages; page++) {
      const params = new URLSearchParams({ customerId });
      if (after) params.set('after', after);
      const list = await this.call(
        'connections',
        `/bank-linking/connections?${params}`,
        meldConnectionListSchema,
      );
      const found = list.connections.find((c) => c.id === connectionId);
      if (found) return found;
      const nextKey = list.connections[list.connections.length - 1]?.key ?? undefined;
      if (!list.remaining || !nextKey || nextKey === after) break;
      after = nextKey;
    }
    throw fatalError(
      ProviderErrorType.NotFound,
      `meld lists no connection ${connectionId} for this customer`,
      {
        provider: 'meld',
        operation: 'connections',
        httpStatus: 404,
      },
    );
  }

  /** Forces a balances refresh. 409 is an answer (not refreshable); 429 throws ProviderThrottledError. */
  async refresh(connectionId: string): Promise<MeldRefreshOutcome> {
    try {
      const answer = await this.call(
        'refresh',
        `/bank-linking/connections/${encodeURIComponent(connectionId)}/refresh`,
        meldRefreshAnswerSchema,
        { method: 'POST', body: { products: ['BALANCES'] } },
      );
      return { kind: 'STARTED', requestId: answer.requestId };
    } catch (err) {
      if (!(err instanceof MeldConflict)) throw err;
      return {
        kind: 'NOT_REFRESHABLE',
        httpStatus: 409,
        message: err.message,
        providerCode: err.body?.code ?? undefined,
      };
    }
  }

  /** PENDING transactions of one account (see MELD_ASSUMPTIONS.pendingTransactionsPath). */
  async listPendingTransactions(q: {
    customerId: string;
    financialAccountId: string;
  }): Promise<MeldTransaction[]> {
    return this.collectPages('transactions', (after) => {
      const params = new URLSearchParams({
        customerId: q.customerId,
        financialAccountId: q.financialAccountId,
        status: 'PENDING',
        limit: String(this.pageLimit),
      });
      if (after) params.set('after', after);
      return this.call(
        'transactions',
        `${MELD_ASSUMPTIONS.pendingTransactionsPath}?${params}`,
        meldTransactionPageSchema,
      ).then((p) => ({ records: p.financialAccountTransactions, remaining: p.remaining ?? undefined }));
    });
  }

  /** Cursor pagination: `after` = the last record's key; a short page (or remaining 0) ends it. */
  private async collectPages<R extends { key?: string | null }>(
    operation: string,
    fetchPage: (after: string | undefined) => Promise<{ records: R[]; remaining?: number }>,
  ): Promise<R[]> {
    const all: R[] = [];
    let after: string | undefined;
    for (let page = 0; page < MELD_ASSUMPTIONS.maxPages; page++) {
      const { records, remaining } = await fetchPage(after);
      all.push(...records);
      if (records.length < this.pageLimit || remaining === 0) return all;
      const nextKey = records[records.length - 1]?.key ?? undefined;
      // A full page without a moving cursor would loop forever: treat it as a broken answer.
      if (!nextKey || nextKey === after) {
        throw fatalError(
          ProviderErrorType.InvalidResponse,
          `meld ${operation} page lacks a usable cursor key`,
          {
            provider: 'meld',
            operation,
          },
        );
      }
      after = nextKey;
    }
    throw fatalError(
      ProviderErrorType.InvalidResponse,
      `meld ${operation} exceeded ${MELD_ASSUMPTIONS.maxPages} pages`,
      {
        provider: 'meld',
        operation,
      },
    );
  }

  private async call<T extends z.ZodType>(
    operation: string,
    path: string,
    schema: T,
    init: { method?: string; body?: unknown } = {},
  ): Promise<z.infer<T>> {
    const result = await requestJson({
      provider: 'meld',
      operation,
      fetch: this.opts.fetch,
      url: `${this.opts.baseUrl.replace(/\/+$/, '')}${path}`,
      method: init.method,
      body: init.body,
      timeoutMs: this.opts.timeoutMs,
      schema,
      headers: {
        // Meld wants the raw key after BASIC, not base64(user:pass).
        Authorization: `BASIC ${this.opts.apiKey}`,
        Accept: 'application/json',
        // Pinned so Meld cannot change shapes under us when the account's default version moves.
        'Meld-Version': this.opts.meldVersion ?? MELD_ASSUMPTIONS.defaultMeldVersion,
      },
      classify: (status, text, retryAfterMs) => classifyMeldStatus(operation, status, text, retryAfterMs),
    });
    return result.body;
  }
}
