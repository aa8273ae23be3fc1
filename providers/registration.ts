// What a provider folder hands production code: config from env, the provider, webhook authentication +
// translation, and the shape of the resource a check names. The provider's simulator is registered
// separately (providers/<name>/simulator/registration.ts, gathered in providers/sandboxes.ts) so the
// worker and the API never load one.
import type { IncomingHttpHeaders } from 'node:http';
import type { ProviderName } from '../contracts/balance-check';
import type { BalanceProvider } from '../contracts/provider';
import type { FetchLike } from './http/request-json';

export type Env = Record<string, string | undefined>;

export interface WebhookRequest {
  headers: IncomingHttpHeaders;
  /** The exact bytes received (signatures are computed over them). */
  rawBody: Buffer;
  remoteIp?: string;
}

export type WebhookAuthResult = { ok: true } | { ok: false; reason: string };
export type { WebhookTranslation } from '../contracts/provider';
import type { WebhookTranslation } from '../contracts/provider';

/** What `resource` means at this provider; the API schema and the OpenAPI document are built from it. */
export interface ResourceShape {
  /** What `userId` names (e.g. "MX user guid"). */
  userId: string;
  /** `required`: a check names one member/connection; `forbidden`: a check names the user only. */
  memberId: { presence: 'required'; meaning: string } | { presence: 'forbidden'; why: string };
}

export interface ProviderRegistration<C> {
  name: ProviderName;
  /** Shown in the OpenAPI document. */
  title: string;
  resource: ResourceShape;
  /** Reads and validates this provider's settings; undefined when the provider is not configured. */
  configFromEnv(env: Env): C | undefined;
  createProvider(config: C, deps: { fetch: FetchLike; timeoutMs: number }): BalanceProvider;
  authenticateWebhook(config: C, req: WebhookRequest): WebhookAuthResult;
  /**
   * The webhook is authenticated by headers and source address alone (no signature over the body):
   * the API then checks it before reading a byte of the body. Absent: the body is read first.
   */
  webhookAuthInHeaders?: boolean;
  translateWebhook(body: unknown): WebhookTranslation;
  /** Env keys this provider reads, with what they mean (README configuration table). */
  envDoc: { key: string; meaning: string; secret?: boolean }[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyProviderRegistration = ProviderRegistration<any>;
