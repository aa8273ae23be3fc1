// Spinwheel HTTP client: three calls, each through requestJson (timeout, error classes, zod).
// 429/5xx/timeouts come back retryable (honouring Retry-After); other 4xx and schema failures do not.
import type { FetchLike } from '../http/request-json';
import { requestJson } from '../http/request-json';
import { REALTIME_BALANCE_CAPABILITY, refreshStatusPath } from './assumptions';
import type { SpinwheelRefreshItem, SpinwheelUser } from './schemas';
import { RefreshResponseSchema, RefreshStatusResponseSchema, UserResponseSchema } from './schemas';

export interface SpinwheelClientOptions {
  /** e.g. https://sandbox-api.spinwheel.io (no trailing slash needed). */
  baseUrl: string;
  secretKey: string;
  fetch?: FetchLike;
  timeoutMs?: number;
}

export const SPINWHEEL_DEFAULT_TIMEOUT_MS = 15_000;

export class SpinwheelClient {
  private readonly baseUrl: string;
  private readonly secretKey: string;
  private readonly fetchImpl: FetchLike;
  private readonly timeoutMs: number;

  constructor(opts: SpinwheelClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.secretKey = opts.secretKey;
    // Bound so a global fetch keeps its `this`.
    this.fetchImpl = opts.fetch ?? ((input, init) => fetch(input, init));
    this.timeoutMs = opts.timeoutMs ?? SPINWHEEL_DEFAULT_TIMEOUT_MS;
  }

  /** Retrieve user: the user's credit cards with capabilities and last known balances. */
  async getUser(userId: string): Promise<SpinwheelUser> {
    const { body } = await requestJson({
      ...this.common('getUser'),
      url: `${this.baseUrl}/v1/users/${encodeURIComponent(userId)}`,
      schema: UserResponseSchema,
    });
    return body.data;
  }

  /**
   * Starts a real-time balance refresh of the given cards. extRequestId is Spinwheel's idempotency
   * key: sending the same id again returns the same transaction instead of starting another.
   */
  async refreshLiabilities(
    userId: string,
    extRequestId: string,
    creditCardIds: string[],
  ): Promise<SpinwheelRefreshItem[]> {
    const { body } = await requestJson({
      ...this.common('refreshLiabilities'),
      method: 'POST',
      url: `${this.baseUrl}/v1/users/${encodeURIComponent(userId)}/liabilities/refresh`,
      body: {
        extRequestId,
        creditCards: creditCardIds.map((id) => ({ id, capabilities: [REALTIME_BALANCE_CAPABILITY] })),
      },
      schema: RefreshResponseSchema,
    });
    return body.data;
  }

  /** Per-card status of the refresh transaction named by extRequestId (path unconfirmed: assumptions.ts). */
  async getRefreshStatus(userId: string, extRequestId: string): Promise<SpinwheelRefreshItem[]> {
    const { body } = await requestJson({
      ...this.common('getRefreshStatus'),
      url: `${this.baseUrl}${refreshStatusPath(userId, extRequestId)}`,
      schema: RefreshStatusResponseSchema,
    });
    return body.data;
  }

  private common(operation: string) {
    return {
      provider: 'spinwheel',
      operation,
      fetch: this.fetchImpl,
      timeoutMs: this.timeoutMs,
      headers: { Authorization: `Bearer ${this.secretKey}`, Accept: 'application/json' },
    };
  }
}
