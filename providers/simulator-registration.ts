// What a provider's simulator folder hands the sandbox (`npm start`), tests, bench and the reliability
// suite: how to start the simulator with sandbox credentials, and how test relays read its webhooks.
// Production code never imports this (ESLint: no simulator imports outside sandbox/scripts/tests).
import type { ProviderName } from '../contracts/balance-check';
import type { Env } from './registration';
import type { RunningSimulator } from './simulator-kit';

export interface SandboxOptions {
  /** Where the simulator sends webhooks (the API's /webhooks/<provider>). */
  webhookUrl?: string;
  timeScale?: number;
  port?: number;
}

/** What the webhook-chaos relay needs to know about the simulator's webhook bodies. */
export interface SimulatorTestHooks {
  /** The resource a webhook body is about (MX member_guid, Meld connectionId, Spinwheel userId). */
  webhookKey(body: Record<string, unknown>): string;
  /** Whether the body ends a refresh (success or failure). */
  isTerminalWebhook(body: Record<string, unknown>): boolean;
  /**
   * Headers a redelivery needs besides those the simulator sent (e.g. a fresh signature over the
   * configured URL when the signature is time-bound). `env` is what start() returned.
   */
  redeliveryHeaders?(rawBody: Buffer, env: Env): Record<string, string>;
}

export interface ProviderSandbox {
  name: ProviderName;
  /** Starts the simulator and returns the env entries that point this provider at it. */
  start(opts: SandboxOptions): Promise<{ simulator: RunningSimulator; env: Env }>;
  testHooks: SimulatorTestHooks;
}
