// What every provider simulator offers tests, the sandbox (`npm start`) and the reliability suite.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { ProviderName } from '../contracts/balance-check';

/** A fault applied to the next `times` calls of one operation (or of every operation with '*'). */
export interface FaultSpec {
  /** Answer this HTTP status instead (e.g. 500, 503, 429). */
  status?: number;
  /** With status 429/503: send Retry-After: <seconds>. */
  retryAfterSeconds?: number;
  /** Wait this long before answering (a slow response; beyond the client timeout = timeout). */
  delayMs?: number;
  /** Answer 200 with a body that is not valid JSON. */
  malformedBody?: boolean;
  /** Answer 200 with valid JSON that does not match the documented schema. */
  wrongShape?: boolean;
  /** Answer with Content-Type text/html. */
  wrongContentType?: boolean;
  /** Destroy the socket without answering. */
  resetConnection?: boolean;
  /** How many calls the fault applies to (default 1). */
  times?: number;
}

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
}

export interface RunningSimulator extends SimulatorControl {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts an Express simulator app on 127.0.0.1 (port 0 = any free port). */
export async function listenSimulator(
  app: Express,
  control: SimulatorControl,
  port = 0,
  onClose: () => void = () => undefined,
): Promise<RunningSimulator> {
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(port, '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const { port: actual } = server.address() as AddressInfo;
  const running = Object.create(control) as RunningSimulator;
  Object.defineProperty(running, 'url', { value: `http://127.0.0.1:${actual}`, enumerable: true });
  running.close = () =>
    new Promise<void>((resolve) => {
      onClose();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return running;
}
