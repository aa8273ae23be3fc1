// The Meld simulator: Meld's Bank Linking API over the fixed sandbox, with signed webhooks and
// injectable faults. Fault operations: 'accounts' | 'account' | 'connections' | 'refresh' |
// 'transactions' | '*'. refreshStarts key: `${customerId}:${connectionId}`.
import express, { type Express } from 'express';
import {
  listenSimulator,
  SimTimers,
  type RunningSimulator,
  type SimulatorControl,
  type SimulatorOptions,
} from '../../simulator-kit';
import { meldFaultQueue } from './faults';
import { DEFAULT_MELD_MODES, type MeldAssumptionModes } from './modes';
import { mountMeldRoutes, type MeldSimContext } from './routes';
import { MeldSimState } from './state';
import { MeldWebhookSender } from './webhooks';

export interface MeldSimulatorOptions extends SimulatorOptions {
  apiKey: string;
  webhookSecret: string;
  /** The public URL Meld signs; defaults to webhookTarget.url (differs behind a proxy/tunnel). */
  webhookUrl?: string;
  /** Refresh job duration at timeScale 1 (default 3 s; meld-conn-slow takes 20 s). */
  jobDurationMs?: number;
  /** Per-connection forced-refresh limit (window at timeScale 1); beyond it refresh → 429. */
  refreshLimit?: { max: number; windowMs: number };
  meldAccountId?: string;
  profileId?: string;
}

export interface MeldSimulatorControl extends SimulatorControl {
  /**
   * Moves a connection to a status (e.g. RECONNECT_REQUIRED) and sends BANK_LINKING_CONNECTION_STATUS_CHANGE.
   * `neverAggregated` clears successfullyAggregatedAt (a connection still being linked).
   */
  setConnectionStatus(
    connectionId: string,
    status: string,
    statusReason?: string | null,
    opts?: { neverAggregated?: boolean },
  ): void;
  /** Sets a financial account's `status` (e.g. CLOSED). */
  setAccountStatus(accountId: string, status: string): void;
  /** Makes the simulator behave the other way from a guess (assumptions.ts); reset() restores the defaults. */
  setAssumptionModes(modes: Partial<MeldAssumptionModes>): void;
  /** Webhook deliveries that succeeded / failed so far. */
  webhookStats(): { delivered: number; failures: number };
}

export interface MeldSimulator {
  app: Express;
  control: MeldSimulatorControl;
  /** Cancels jobs and delayed webhooks. */
  shutdown(): void;
}

export function createMeldSimulator(opts: MeldSimulatorOptions): MeldSimulator {
  const timers = new SimTimers();
  const webhooks = new MeldWebhookSender({
    secret: opts.webhookSecret,
    signedUrl: opts.webhookUrl,
    meldAccountId: opts.meldAccountId ?? 'meld-sim-account',
    profileId: opts.profileId ?? 'meld-sim-profile',
    timers,
  });
  webhooks.target = opts.webhookTarget;
  const ctx: MeldSimContext = {
    state: new MeldSimState(),
    faults: meldFaultQueue(),
    timers,
    webhooks,
    apiKey: opts.apiKey,
    timeScale: opts.timeScale ?? 1,
    jobDurationMs: opts.jobDurationMs,
    refreshLimit: opts.refreshLimit,
    log: [],
    modes: { ...DEFAULT_MELD_MODES },
  };
  const app = express();
  mountMeldRoutes(app, ctx);

  const control: MeldSimulatorControl = {
    provider: 'meld',
    injectFault: (operation, fault) => ctx.faults.inject(operation, fault),
    clearFaults: () => ctx.faults.clear(),
    setWebhookPlan: (plan) => {
      webhooks.plan = plan;
    },
    setWebhookTarget: (target) => {
      webhooks.target = target;
    },
    refreshStarts: (resourceKey) => ctx.state.refreshStarts(resourceKey),
    callLog: () => [...ctx.log],
    reset: () => {
      timers.clearAll();
      ctx.state = new MeldSimState();
      ctx.faults.clear();
      ctx.log.length = 0;
      ctx.modes = { ...DEFAULT_MELD_MODES };
      webhooks.plan = { mode: 'deliver' };
      webhooks.target = opts.webhookTarget;
    },
    setConnectionStatus: (connectionId, status, statusReason = null, opts = {}) => {
      const connection = ctx.state.connections.get(connectionId);
      if (!connection) throw new Error(`Unknown Meld sandbox connection ${connectionId}`);
      const oldStatus = connection.status;
      connection.status = status;
      connection.statusReason = statusReason;
      if (opts.neverAggregated) connection.successfullyAggregatedAt = null;
      webhooks.send('BANK_LINKING_CONNECTION_STATUS_CHANGE', connection, {
        oldStatus,
        newStatus: status,
        reason: statusReason,
      });
    },
    webhookStats: () => ({ delivered: webhooks.delivered, failures: webhooks.failures }),
    setAccountStatus: (accountId, status) => {
      const account = ctx.state.accounts.find((a) => a.id === accountId);
      if (!account) throw new Error(`Unknown Meld sandbox account ${accountId}`);
      account.status = status;
    },
    setAssumptionModes: (modes) => {
      ctx.modes = { ...ctx.modes, ...modes };
    },
    prepareResource: (resource) => {
      if (resource.memberId) ctx.state.materialize(resource.memberId);
    },
  };
  return { app, control, shutdown: () => timers.clearAll() };
}

export type RunningMeldSimulator = RunningSimulator & MeldSimulatorControl;

export async function startMeldSimulator(
  opts: MeldSimulatorOptions,
  port = 0,
): Promise<RunningMeldSimulator> {
  const sim = createMeldSimulator(opts);
  return (await listenSimulator(sim.app, sim.control, port, sim.shutdown)) as RunningMeldSimulator;
}
