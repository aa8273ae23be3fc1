// One provider HTTP call: timeout, status classification, JSON + zod validation.
import type { z } from 'zod';
import { errorForStatus, fatalError, parseRetryAfter, ProviderErrorType, retryableError } from './errors';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface HttpCallOptions<T extends z.ZodType> {
  provider: string;
  operation: string;
  fetch: FetchLike;
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
  /** Schema of a successful body; omit for bodiless answers. */
  schema?: T;
  /** Statuses that are answers, not errors (e.g. MX 202, 204). Defaults to 2xx. */
  okStatuses?: number[];
  /** Override classification for provider-specific statuses (e.g. MX 409, Meld 429). */
  classify?: (status: number, body: string, retryAfterMs?: number) => Error | undefined;
}

export interface HttpResult<T> {
  status: number;
  body: T;
  headers: Headers;
}

export async function requestJson<T extends z.ZodType>(
  opts: HttpCallOptions<T>,
): Promise<HttpResult<z.infer<T>>> {
  const details = { provider: opts.provider, operation: opts.operation };
  let response: Response;
  let text: string;
  try {
    response = await opts.fetch(opts.url, {
      method: opts.method ?? 'GET',
      headers: {
        ...(opts.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...opts.headers,
      },
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    // The body read is under the same timeout signal: a slow body counts as a timeout.
    text = await response.text();
  } catch (err) {
    const e = err as Error;
    const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
    throw retryableError(
      timedOut
        ? `${opts.provider} ${opts.operation} timed out after ${opts.timeoutMs} ms`
        : `${opts.provider} ${opts.operation} network error: ${e.message}`,
      details,
    );
  }
  const ok = opts.okStatuses
    ? opts.okStatuses.includes(response.status)
    : response.status >= 200 && response.status < 300;
  if (!ok) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    const custom = opts.classify?.(response.status, text, retryAfterMs);
    if (custom) throw custom;
    throw errorForStatus(
      response.status,
      `${opts.provider} ${opts.operation} answered HTTP ${response.status}: ${text.slice(0, 200)}`,
      {
        ...details,
        retryAt: retryAfterMs !== undefined ? new Date(Date.now() + retryAfterMs).toISOString() : undefined,
      },
      retryAfterMs,
    );
  }
  if (!opts.schema || text.length === 0) {
    return { status: response.status, body: undefined as z.infer<T>, headers: response.headers };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw fatalError(
      ProviderErrorType.InvalidResponse,
      `${opts.provider} ${opts.operation} returned malformed JSON (HTTP ${response.status})`,
      { ...details, httpStatus: response.status },
    );
  }
  const parsed = opts.schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw fatalError(
      ProviderErrorType.InvalidResponse,
      `${opts.provider} ${opts.operation} response failed validation: ${issues}`,
      { ...details, httpStatus: response.status },
    );
  }
  return { status: response.status, body: parsed.data, headers: response.headers };
}
