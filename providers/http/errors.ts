// Error classification for provider HTTP calls. Activities throw these; the workflow reads the type.
import { ApplicationFailure } from '@temporalio/common';

import { NON_RETRYABLE_PROVIDER_ERRORS, ProviderErrorType } from '../../contracts/provider-errors';

export { NON_RETRYABLE_PROVIDER_ERRORS, ProviderErrorType };

export interface ProviderErrorDetails {
  provider: string;
  operation: string;
  httpStatus?: number;
  retryAt?: string;
  providerCode?: string;
}

export function retryableError(message: string, details: ProviderErrorDetails, retryAfterMs?: number) {
  return ApplicationFailure.create({
    type: ProviderErrorType.Retryable,
    message,
    details: [details],
    nonRetryable: false,
    nextRetryDelay: retryAfterMs !== undefined ? retryAfterMs : undefined,
  });
}

export function fatalError(
  type: Exclude<(typeof ProviderErrorType)[keyof typeof ProviderErrorType], 'ProviderRetryableError'>,
  message: string,
  details: ProviderErrorDetails,
) {
  return ApplicationFailure.create({ type, message, details: [details], nonRetryable: true });
}

/** Parses Retry-After (delta-seconds or HTTP-date) into milliseconds from now; undefined when absent/invalid. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Maps an HTTP status to the error a client should throw. */
export function errorForStatus(
  status: number,
  message: string,
  details: ProviderErrorDetails,
  retryAfterMs?: number,
): ApplicationFailure {
  const withStatus = { ...details, httpStatus: status };
  if (status === 429 || status >= 500) return retryableError(message, withStatus, retryAfterMs);
  if (status === 401 || status === 403) return fatalError(ProviderErrorType.Auth, message, withStatus);
  if (status === 404) return fatalError(ProviderErrorType.NotFound, message, withStatus);
  return fatalError(ProviderErrorType.Rejected, message, withStatus);
}
