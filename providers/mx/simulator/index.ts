// The MX simulator: MX Platform API v20250224 as a balance check sees it, over the sandbox data.
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import {
  listenSimulator,
  SimTimers,
  type RunningSimulator,
  type SimulatorControl,
  type SimulatorOptions,
} from '../../simulator-kit';
import { FaultBook } from './faults';
import { MxJobs } from './jobs';
import { DEFAULT_MX_MODES, type MxAssumptionModes } from './modes';
import { mxGate, mxRoutes } from './routes';
import { createMembers } from './store';
import { MxWebhookSender } from './webhooks';

export interface MxSimulatorOptions extends SimulatorOptions {
  clientId: string;
  apiKey: string;
  /** Credentials the simulator sends webhooks with (HTTP Basic). */
  webhookAuth?: { username: string; password: string };
  /** One job's duration before timeScale (default 2000 ms; MBR-slow takes 10×). */
  jobDurationMs?: number;
  /** Per-member balance refresh throttle (legacy docs: 5 per 2 h). */
  throttle?: { max: number; windowMs: number };
  /** MX's minimum interval: check_balance starts nothing this soon after a success (default 0 = off). */
  minIntervalMs?: number;
  /** Where delivery failures are reported (default console.warn). */
  log?: (message: string) => void;
}

export interface MxSimulatorControl extends SimulatorControl {
  /** Starts a job of another type (e.g. aggregation): check_balance answers 409 while it runs. */
  startOtherJob(memberId: string, durationMs?: number): void;
  /** Makes the simulator behave the other way from a guess (assumptions.ts); reset() restores the defaults. */
  setAssumptionModes(modes: Partial<MxAssumptionModes>): void;
}

export type RunningMxSimulator = RunningSimulator & MxSimulatorControl;

export function createMxSimulator(options: MxSimulatorOptions): {
  app: Express;
  control: MxSimulatorControl;
  stop: () => void;
} {
  const scale = options.timeScale ?? 1;
  const scheduler = new SimTimers();
  const faults = new FaultBook();
  const webhooks = new MxWebhookSender(
    scheduler,
    options.webhookTarget,
    options.webhookAuth,
    options.log ?? ((m) => console.warn(m)),
    scale,
  );
  let modes: MxAssumptionModes = { ...DEFAULT_MX_MODES };
  const jobs = new MxJobs(scheduler, webhooks, {
    jobMs: (options.jobDurationMs ?? 2000) * scale,
    challengeTimeoutMs: 5 * 60_000 * scale,
  });
  let members = createMembers();

  const app = express();
  app.disable('x-powered-by');
  app.use(faults.recorder());
  app.use(mxGate(options.clientId, options.apiKey));
  app.use(faults.middleware());
  app.use(express.json());
  app.use(
    mxRoutes({
      members: () => members,
      jobs,
      minIntervalMs: options.minIntervalMs ?? 0,
      throttle: options.throttle ?? { max: 5, windowMs: 2 * 3600_000 },
      modes: () => modes,
    }),
  );
  app.use((_req: Request, res: Response) => void res.status(404).json({ error: { message: 'Not found' } }));
  // Bad JSON bodies and anything unexpected: a JSON error, like MX.
  app.use((err: Error & { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    res.status(status).json({ error: { message: status === 500 ? 'Internal error' : err.message } });
  });

  const control: MxSimulatorControl = {
    provider: 'mx',
    injectFault: (operation, fault) => faults.inject(operation, fault),
    clearFaults: () => faults.clear(),
    setWebhookPlan: (plan) => void (webhooks.plan = plan),
    setWebhookTarget: (target) => void (webhooks.target = target),
    refreshStarts: (resourceKey) => jobs.starts(resourceKey),
    callLog: () => faults.log(),
    reset: () => {
      scheduler.clearAll();
      faults.clear();
      faults.clearLog();
      jobs.resetCounts();
      webhooks.plan = { mode: 'deliver' };
      modes = { ...DEFAULT_MX_MODES };
      members = createMembers();
    },
    setAssumptionModes: (next) => {
      modes = { ...modes, ...next };
    },
    startOtherJob: (memberId, durationMs) => {
      const m = members.get(memberId);
      if (!m) throw new Error(`Unknown sandbox member ${memberId}`);
      jobs.start(m, 'other', durationMs ?? (options.jobDurationMs ?? 2000) * scale);
    },
  };
  return { app, control, stop: () => scheduler.stop() };
}

export async function startMxSimulator(options: MxSimulatorOptions, port = 0): Promise<RunningMxSimulator> {
  const { app, control, stop } = createMxSimulator(options);
  return (await listenSimulator(app, control, port, stop)) as RunningMxSimulator;
}
