// A typed client for TypeScript callers of the balance-check API: openapi-fetch over the types that
// openapi-typescript generates from our own /openapi.json (client/schema.ts). Paths, bodies and
// responses are checked by the compiler; every call sends the API key.
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './schema';

export type { components, paths };
export type StartCheckRequest = components['schemas']['StartCheckRequest'];
export type CheckView = components['schemas']['CheckView'];
export type Problem = components['schemas']['Problem'];
export type BalanceCheckClient = Client<paths>;

export interface BalanceCheckClientOptions {
  /** e.g. https://balance-check.example.com (no trailing /v1). */
  baseUrl: string;
  apiKey: string;
  fetch?: typeof globalThis.fetch;
}

export function createBalanceCheckClient(opts: BalanceCheckClientOptions): BalanceCheckClient {
  return createClient<paths>({
    baseUrl: opts.baseUrl,
    headers: { authorization: `Bearer ${opts.apiKey}` },
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
}

export { asBatchEvent, verifyBalanceCheckWebhook, WebhookVerificationError } from './verify-webhook';
export type {
  BalanceCheckBatchWebhookEvent,
  BalanceCheckWebhookEvent,
  VerifiedWebhook,
} from './verify-webhook';
