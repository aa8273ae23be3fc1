// The callback delivery activity: one signed POST of one event (Standard Webhooks). It reports the
// HTTP outcome as a value and says when to try again; the deliverCallback workflow loops on it.
import { encodeBatchId } from '../api/batch-id';
import { encodeCheckId } from '../api/check-id';
import { assertCallbackHostAllowed, CallbackUrlRefused } from '../callbacks/ssrf';
import type { CallbackConfig } from '../callbacks/config';
import { signWebhook, webhookId } from '../callbacks/signing';
import type {
  BatchCallbackEvent,
  CallbackEvent,
  DeliverCallbackInput,
  DeliveryAttempt,
} from '../contracts/callbacks';

export interface CallbackDeliveryDeps {
  config: Pick<CallbackConfig, 'secrets' | 'production' | 'allowPrivateHosts' | 'retry' | 'timeoutMs'>;
  fetch?: typeof fetch;
  /** DNS lookup for the SSRF check (tests inject one). */
  resolve?: (host: string) => Promise<string[]>;
  random?: () => number;
}

export interface DeliveryAttemptInput extends DeliverCallbackInput {
  attempt: number;
  /** When the first attempt ran: the retry window counts from here. */
  firstAttemptAt: string;
}

/** The JSON body receivers get: Standard Webhooks' { type, timestamp, data }. */
export function callbackBody(event: CallbackEvent | BatchCallbackEvent) {
  if ('batch' in event) {
    const { owner, batchId, status, totalItems, counts } = event.batch;
    const id = encodeBatchId(owner, batchId);
    return {
      type: event.type,
      timestamp: event.occurredAt,
      data: { batchId: id, status, totalItems, counts, itemsUrl: `/v1/balance-check-batches/${id}/items` },
    };
  }
  return {
    type: event.type,
    timestamp: event.occurredAt,
    data: {
      checkId: encodeCheckId(event.check),
      status: event.answer?.status ?? 'RUNNING',
      answer: event.answer,
      ...(event.challenges ? { challenges: event.challenges } : {}),
      ...(event.answerBy ? { answerBy: event.answerBy } : {}),
    },
  };
}

/** Exponential backoff with jitter: attempt n waits between half and all of initial × 2^(n-1), capped. */
export function retryDelayMs(attempt: number, retry: CallbackConfig['retry'], random: () => number): number {
  const ceiling = Math.min(retry.initialMs * 2 ** Math.min(attempt - 1, 30), retry.maxMs);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export function createCallbackActivities(deps: CallbackDeliveryDeps | undefined) {
  return {
    async attemptCallbackDelivery(input: DeliveryAttemptInput): Promise<DeliveryAttempt> {
      if (!deps) return retry(input, undefined, 'This worker has no callback configuration');
      const { config } = deps;
      const secrets = config.secrets[input.target.key];
      if (!secrets?.length)
        return retry(input, undefined, `No signing secret configured for ${input.target.key}`);
      try {
        await assertCallbackHostAllowed(input.target.url, { ...config, resolve: deps.resolve });
      } catch (err) {
        if (err instanceof CallbackUrlRefused)
          return { outcome: 'ABANDONED', error: `Refused: ${err.message}` };
        throw err;
      }
      const body = JSON.stringify(callbackBody(input.event));
      const headers = signWebhook(
        secrets,
        webhookId(input.event.eventKey),
        Math.floor(Date.now() / 1000),
        body,
      );
      let status: number;
      try {
        const res = await (deps.fetch ?? fetch)(input.target.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'balance-check-callbacks',
            ...headers,
          },
          body,
          // A redirect could point anywhere (SSRF): it counts as a failed attempt.
          redirect: 'manual',
          signal: AbortSignal.timeout(config.timeoutMs),
        });
        status = res.status;
        await res.body?.cancel().catch(() => undefined);
      } catch (err) {
        return retry(input, undefined, `No answer: ${(err as Error).message}`);
      }
      if (status >= 200 && status < 300) return { outcome: 'DELIVERED', httpStatus: status };
      if (status === 410)
        return { outcome: 'ABANDONED', httpStatus: status, error: 'The receiver answered 410 Gone' };
      return retry(input, status, `The receiver answered ${status}`);
    },
  };

  function retry(
    input: DeliveryAttemptInput,
    httpStatus: number | undefined,
    error: string,
  ): DeliveryAttempt {
    const retryWindow = deps?.config.retry ?? { initialMs: 60_000, maxMs: 3_600_000, forMs: 86_400_000 };
    const status = httpStatus !== undefined ? { httpStatus } : {};
    if (Date.now() - Date.parse(input.firstAttemptAt) >= retryWindow.forMs)
      return { outcome: 'ABANDONED', ...status, error: `${error}; gave up after ${input.attempt} attempts` };
    const retryInMs = retryDelayMs(input.attempt, retryWindow, deps?.random ?? Math.random);
    return { outcome: 'RETRY', ...status, error, retryInMs };
  }
}
