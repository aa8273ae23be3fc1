// Meld-specific HTTP status classification for requestJson's classify hook.
import { fatalError, ProviderErrorType } from '../http/errors';
import { meldErrorBodySchema, type MeldErrorBody } from './schemas';

/** Thrown by classify for 409 so refresh() can turn it into data instead of an error. */
export class MeldConflict extends Error {
  constructor(readonly body: MeldErrorBody | undefined) {
    super(body?.message ?? 'connection is not refreshable');
  }
}

export function parseMeldErrorBody(text: string): MeldErrorBody | undefined {
  try {
    const parsed = meldErrorBodySchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Meld-specific statuses; undefined lets requestJson's default mapping (5xx, 401, 404, …) apply. */
export function classifyMeldStatus(
  operation: string,
  status: number,
  text: string,
  retryAfterMs?: number,
): Error | undefined {
  const body = parseMeldErrorBody(text);
  if (status === 409 && operation === 'refresh') return new MeldConflict(body);
  if (status === 429) {
    // Meld: the underlying provider's throttle, "do not loop on this error".
    const retryAt =
      retryAfterMs !== undefined ? new Date(Date.now() + retryAfterMs).toISOString() : undefined;
    return fatalError(
      ProviderErrorType.Throttled,
      `meld ${operation} throttled: ${body?.message ?? 'HTTP 429'}`,
      {
        provider: 'meld',
        operation,
        httpStatus: 429,
        retryAt,
        providerCode: body?.code ?? undefined,
      },
    );
  }
  return undefined;
}
