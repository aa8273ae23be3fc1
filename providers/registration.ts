// What a provider folder hands the rest of the system: config from env, the provider, webhook
// authentication + translation, and a sandbox (its simulator, configured by the same env keys).
import type { IncomingHttpHeaders } from 'node:http';
import type { ProviderEvent, ProviderName, ResourceRef } from '../contracts/balance-check';
import type { BalanceProvider } from '../contracts/provider';
import type { FetchLike } from './http/request-json';
import type { RunningSimulator } from './simulator-kit';

export type Env = Record<string, string | undefined>;

export interface WebhookRequest {
  headers: IncomingHttpHeaders;
  /** The exact bytes received (signatures are computed over them). */
  rawBody: Buffer;
  remoteIp?: string;
}

export type WebhookAuthResult = { ok: true } | { ok: false; reason: string };
export type WebhookTranslation = { resource: ResourceRef; event: ProviderEvent } | { ignored: string };

export interface SandboxOptions {
  /** Where the simulator sends webhooks (the API's /webhooks/<provider>). */
  webhookUrl?: string;
  timeScale?: number;
  port?: number;
}

export interface ProviderRegistration<C> {
  name: ProviderName;
  /** Reads and validates this provider's settings; undefined when the provider is not configured. */
  configFromEnv(env: Env): C | undefined;
  createProvider(config: C, deps: { fetch: FetchLike; timeoutMs: number }): BalanceProvider;
  authenticateWebhook(config: C, req: WebhookRequest): WebhookAuthResult;
  translateWebhook(body: unknown): WebhookTranslation;
  /** Starts the simulator and returns the env entries that point this provider at it. */
  startSandbox(opts: SandboxOptions): Promise<{ simulator: RunningSimulator; env: Env }>;
  /** Env keys this provider reads, with what they mean (README configuration table). */
  envDoc: { key: string; meaning: string; secret?: boolean }[];
}
