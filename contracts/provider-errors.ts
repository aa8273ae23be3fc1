// Provider failure types: activities throw ApplicationFailures of these types (providers/http/errors.ts),
// the workflow's retry policy and outcome mapping read them. Plain constants (workflow-safe).

/** Failure types. Retryable ones are retried by the activity retry policy; the rest end the check. */
export const ProviderErrorType = {
  /** 429 / 5xx / timeout / connection reset: try again (honouring Retry-After). */
  Retryable: 'ProviderRetryableError',
  /** 401 / 403: our credentials or network allow-listing are wrong. */
  Auth: 'ProviderAuthError',
  /** 404: the user/member/connection does not exist at the provider. */
  NotFound: 'ProviderNotFoundError',
  /** Other 4xx: the provider refused the request as sent. */
  Rejected: 'ProviderRejectedError',
  /** 2xx whose body is not what the provider documents (schema or JSON failure). */
  InvalidResponse: 'ProviderInvalidResponseError',
  /** 429 the provider asks us not to retry in a loop (Meld). */
  Throttled: 'ProviderThrottledError',
} as const;

export const NON_RETRYABLE_PROVIDER_ERRORS = [
  ProviderErrorType.Auth,
  ProviderErrorType.NotFound,
  ProviderErrorType.Rejected,
  ProviderErrorType.InvalidResponse,
  ProviderErrorType.Throttled,
];

/** The stable reason code each failure type ends a check with. */
export const PROVIDER_ERROR_CODES: Record<string, string> = {
  [ProviderErrorType.Retryable]: 'PROVIDER_UNAVAILABLE',
  [ProviderErrorType.Auth]: 'PROVIDER_AUTH_FAILED',
  [ProviderErrorType.NotFound]: 'PROVIDER_RESOURCE_NOT_FOUND',
  [ProviderErrorType.Rejected]: 'PROVIDER_REJECTED',
  [ProviderErrorType.InvalidResponse]: 'PROVIDER_INVALID_RESPONSE',
  [ProviderErrorType.Throttled]: 'PROVIDER_THROTTLED',
};
