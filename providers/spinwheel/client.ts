// Spinwheel HTTP client, each call through requestJson (timeout, error classes, zod). 429/5xx/timeouts
// come back retryable (honouring Retry-After); other 4xx and schema failures do not. Two guesses sit on
// the wire here and each degrades instead of failing (assumptions.ts): the refresh body's capability
// name, and the optional refresh status endpoint.
import { ApplicationFailure } from '@temporalio/common';
import { ProviderErrorType, type ProviderErrorDetails } from '../http/errors';
import type { FetchLike } from '../http/request-json';
import { requestJson } from '../http/request-json';
import { REALTIME_BALANCE_CAPABILITY, refreshStatusPath } from './assumptions';
import type { SpinwheelRefreshItem, SpinwheelUser } from './schemas';
import { RefreshResponseSchema, RefreshStatusResponseSchema, UserResponseSchema } from './schemas';

/** `off`: documented path only. `probe`: try the status endpoint; a 404/405 turns it off for good. */
export type StatusEndpointSetting = 'off' | 'probe';

export interface SpinwheelClientOptions {
  /** e.g. https://sandbox-api.spinwheel.io (no trailing slash needed). */
  baseUrl: string;
  secretKey: string;
  fetch?: FetchLike;
  timeoutMs?: number;
  /** Capability named per card in the refresh body (default REALTIME_BALANCE). */
  capabilityName?: string;
  /** The undocumented refresh status GET (default off). */
  statusEndpoint?: StatusEndpointSetting;
}

export const SPINWHEEL_DEFAULT_TIMEOUT_MS = 15_000;

/** What a refresh POST answered: the transaction's items, or a 409 replay of a known extRequestId. */
export type SpinwheelRefreshAnswer = { items: SpinwheelRefreshItem[] } | { replayConflict: true };

function httpStatusOf(err: unknown): number | undefined {
  if (!(err instanceof ApplicationFailure)) return undefined;
  return (err.details?.[0] as ProviderErrorDetails | undefined)?.httpStatus;
}

export class SpinwheelClient {
  private readonly baseUrl: string;
  private readonly secretKey: string;
  private readonly fetchImpl: FetchLike;
  private readonly timeoutMs: number;
  private readonly capabilityName: string;
  /** Set once Spinwheel refused the capability list: later refreshes send the card ids alone. */
  private capabilityRefused = false;
  /** The accelerator's state for this instance: on until a probe says the endpoint is not there. */
  private statusEndpoint: StatusEndpointSetting;

  constructor(opts: SpinwheelClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.secretKey = opts.secretKey;
    // Bound so a global fetch keeps its `this`.
    this.fetchImpl = opts.fetch ?? ((input, init) => fetch(input, init));
    this.timeoutMs = opts.timeoutMs ?? SPINWHEEL_DEFAULT_TIMEOUT_MS;
    this.capabilityName = opts.capabilityName ?? REALTIME_BALANCE_CAPABILITY;
    this.statusEndpoint = opts.statusEndpoint ?? 'off';
  }

  /** Whether the status endpoint is (still) in use by this instance. */
  get usesStatusEndpoint(): boolean {
    return this.statusEndpoint === 'probe';
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
   * key: sending the same id again returns the same transaction instead of starting another (or, if
   * Spinwheel answers a replay with 409, that is reported as a replay, not an error).
   */
  async refreshLiabilities(
    userId: string,
    extRequestId: string,
    creditCardIds: string[],
  ): Promise<SpinwheelRefreshAnswer> {
    const withCapability = !this.capabilityRefused;
    try {
      return { items: await this.postRefresh(userId, extRequestId, creditCardIds, withCapability) };
    } catch (err) {
      const status = httpStatusOf(err);
      if (status === 409) return { replayConflict: true };
      if (status !== 400 || !withCapability) throw err;
      // The capability name is a guess: a 400 may be about it. Once without it (same extRequestId, so
      // still one transaction); if that works, this instance stops sending it.
      try {
        const items = await this.postRefresh(userId, extRequestId, creditCardIds, false);
        this.capabilityRefused = true;
        return { items };
      } catch (retryErr) {
        if (httpStatusOf(retryErr) === 409) return { replayConflict: true };
        throw err;
      }
    }
  }

  /**
   * Per-card status of the refresh named by extRequestId, from the undocumented status endpoint, or
   * undefined when this instance does not use it (off, or switched off by a 404/405/odd answer).
   */
  async getRefreshStatus(userId: string, extRequestId: string): Promise<SpinwheelRefreshItem[] | undefined> {
    if (this.statusEndpoint !== 'probe') return undefined;
    try {
      const { body } = await requestJson({
        ...this.common('getRefreshStatus'),
        url: `${this.baseUrl}${refreshStatusPath(userId, extRequestId)}`,
        schema: RefreshStatusResponseSchema,
      });
      return body.data;
    } catch (err) {
      const status = httpStatusOf(err);
      const invalid = err instanceof ApplicationFailure && err.type === ProviderErrorType.InvalidResponse;
      if (status === 404 || status === 405 || invalid) {
        this.statusEndpoint = 'off';
        return undefined;
      }
      throw err;
    }
  }

  private async postRefresh(
    userId: string,
    extRequestId: string,
    creditCardIds: string[],
    withCapability: boolean,
  ): Promise<SpinwheelRefreshItem[]> {
    const { body } = await requestJson({
      ...this.common('refreshLiabilities'),
      method: 'POST',
      url: `${this.baseUrl}/v1/users/${encodeURIComponent(userId)}/liabilities/refresh`,
      body: {
        extRequestId,
        creditCards: creditCardIds.map((id) =>
          withCapability ? { id, capabilities: [this.capabilityName] } : { id },
        ),
      },
      schema: RefreshResponseSchema,
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
