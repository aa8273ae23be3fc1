// The control surface every simulator gives tests: faults, webhook plans, counters, reset.
import type { ProviderName } from '../../contracts/balance-check';
import type { FaultSpec } from './faults';

export type WebhookMode = 'deliver' | 'drop' | 'duplicate' | 'delay';

export interface WebhookPlan {
  mode: WebhookMode;
  /** For 'delay': how long to hold each webhook. */
  delayMs?: number;
}

export interface WebhookTarget {
  /** Full URL the simulator POSTs webhooks to (e.g. http://127.0.0.1:3000/webhooks/mx). */
  url: string;
}

export interface SimulatorOptions {
  /** Where webhooks go; none are sent when absent. */
  webhookTarget?: WebhookTarget;
  /** Multiplies every simulated job duration (tests use < 1 to go fast). Default 1. */
  timeScale?: number;
}

export interface SimulatorControl {
  readonly provider: ProviderName;
  /** Applies a fault to the next calls of an operation name (documented per simulator) or '*'. */
  injectFault(operation: string, fault: FaultSpec): void;
  clearFaults(): void;
  setWebhookPlan(plan: WebhookPlan): void;
  setWebhookTarget(target: WebhookTarget | undefined): void;
  /** How many provider refresh jobs were really started for a resource key (per simulator docs). */
  refreshStarts(resourceKey: string): number;
  /** How many requests each operation received (for no-hot-loop assertions). */
  callLog(): { operation: string; at: number; status: number }[];
  /** Back to the sandbox's initial state. */
  reset(): void;
  /**
   * Makes a load-test clone of a sandbox resource (e.g. `meld-conn-active.17`) exist before the first
   * call names it, for simulators whose provider first finds it in a list (Meld's connections).
   */
  prepareResource?(resource: { userId: string; memberId?: string }): void;
}

export interface RunningSimulator extends SimulatorControl {
  readonly url: string;
  close(): Promise<void>;
}
