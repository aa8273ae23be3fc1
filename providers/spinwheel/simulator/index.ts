// In-process Spinwheel simulator: Bearer auth, `{status, data}` envelopes, retrieve user,
// refresh keyed by extRequestId, a status read, and REFRESH_TRANSACTION_STATUS webhooks.
// Operations for injectFault: 'user' | 'refresh' | 'refresh_status' | '*'. refreshStarts(userId).
// refreshRequests() lists refresh POSTs with their extRequestId; loseResponses() drops answers after processing.
import express from 'express';
import type { Express, NextFunction, Request, Response } from 'express';
import type { RunningSimulator, SimulatorControl, SimulatorOptions } from '../../simulator-kit';
import { listenSimulator } from '../../simulator-kit';
import { SUCCESS_STATUS } from '../assumptions';
import type { SpinwheelOperation } from './faults';
import { playFault } from '../../simulator-kit';
import { SPINWHEEL_FAULT_ANSWERS, spinwheelFaultQueue } from './faults';
import { DEFAULT_SPINWHEEL_MODES, presentUser, type SpinwheelAssumptionModes } from './modes';
import { SpinwheelSandboxState } from './state';
import type { WebhookHeader } from './webhooks';
import { SpinwheelWebhookSender } from './webhooks';

export interface SpinwheelSimulatorOptions extends SimulatorOptions {
  secretKey: string;
  /** The custom header Spinwheel would be configured to send with webhooks (a shared secret). */
  webhookSecretHeader?: WebhookHeader;
  /** Unscaled duration of a card refresh (default 4 s); multiplied by timeScale. */
  jobDurationMs?: number;
}

/** One refresh POST that reached the simulator's handler, with its idempotency key. */
export interface SpinwheelRefreshRequest {
  userId: string;
  extRequestId: string;
  creditCardIds: string[];
  at: number;
  /** True when the answer was deliberately lost (see loseResponses). */
  responseLost: boolean;
}

export interface SpinwheelSimulatorControl extends SimulatorControl {
  /** Every refresh POST the handler processed, in order (for idempotency assertions). */
  refreshRequests(): SpinwheelRefreshRequest[];
  /**
   * The next `times` calls of an operation are processed normally (state changes happen), then the
   * answer is lost: the socket is destroyed instead of answering. Models a response lost in transit.
   */
  loseResponses(operation: SpinwheelOperation, times?: number): void;
  /** Makes the simulator behave the other way from a guess (assumptions.ts); reset() restores the defaults. */
  setAssumptionModes(modes: Partial<SpinwheelAssumptionModes>): void;
  assumptionModes(): SpinwheelAssumptionModes;
}

export type RunningSpinwheelSimulator = RunningSimulator & SpinwheelSimulatorControl;

export interface SpinwheelSimulator {
  app: Express;
  control: SpinwheelSimulatorControl;
  /** Stops every pending timer (refresh jobs, delayed webhooks). */
  dispose(): void;
}

function fail(res: Response, httpStatus: number, desc: string): void {
  res.status(httpStatus).json({ status: { code: httpStatus, desc }, data: null });
}

export function createSpinwheelSimulator(opts: SpinwheelSimulatorOptions): SpinwheelSimulator {
  let modes: SpinwheelAssumptionModes = { ...DEFAULT_SPINWHEEL_MODES };
  const webhooks = new SpinwheelWebhookSender(opts.webhookTarget, opts.webhookSecretHeader, () => modes);
  const duration = (opts.jobDurationMs ?? 4000) * (opts.timeScale ?? 1);
  const state = new SpinwheelSandboxState(duration, (tx, item) => webhooks.refreshItemSettled(tx, item));
  const faults = spinwheelFaultQueue();
  let calls: { operation: string; at: number; status: number }[] = [];
  let refreshRequests: SpinwheelRefreshRequest[] = [];
  const lostResponses = new Map<SpinwheelOperation, number>();

  /** Per-route prelude: call log, injected faults, then Bearer auth. */
  const operation = (name: SpinwheelOperation) => async (req: Request, res: Response, next: NextFunction) => {
    const at = Date.now();
    // 'close' also fires for reset connections, which log status 0.
    res.on('close', () => calls.push({ operation: name, at, status: res.headersSent ? res.statusCode : 0 }));
    const fault = faults.take(name);
    if (fault && (await playFault(fault, req, res, SPINWHEEL_FAULT_ANSWERS))) return;
    if (req.get('authorization') !== `Bearer ${opts.secretKey}`)
      return fail(res, 401, 'Unauthorized: invalid or missing Bearer secret key');
    const lose = lostResponses.get(name) ?? 0;
    if (lose > 0) {
      lostResponses.set(name, lose - 1);
      res.locals.loseResponse = true;
      // The handler runs (and changes state); its answer never reaches the caller.
      res.json = () => {
        req.socket.destroy();
        return res;
      };
    }
    next();
  };

  const app = express();
  app.use(express.json());

  app.get('/v1/users/:userId', operation('user'), (req, res) => {
    const user = state.user(String(req.params.userId));
    if (!user) return fail(res, 404, `User ${String(req.params.userId)} not found`);
    res.json({ status: SUCCESS_STATUS, data: presentUser(user, modes) });
  });

  app.post('/v1/users/:userId/liabilities/refresh', operation('refresh'), (req, res) => {
    const body = req.body as { extRequestId?: unknown; creditCards?: unknown } | undefined;
    const cards = Array.isArray(body?.creditCards)
      ? (body.creditCards as { id?: unknown; capabilities?: unknown }[])
      : [];
    if (typeof body?.extRequestId !== 'string' || body.extRequestId.length === 0)
      return fail(res, 400, 'extRequestId is required');
    if (cards.length === 0 || cards.some((c) => typeof c?.id !== 'string'))
      return fail(res, 400, 'creditCards[].id is required');
    // Capabilities are optional (a card without them refreshes its balance); a list must name ours.
    if (
      cards.some(
        (c) =>
          c.capabilities !== undefined &&
          !(Array.isArray(c.capabilities) && c.capabilities.includes(modes.capabilityName)),
      )
    ) {
      return fail(
        res,
        400,
        `creditCards[].capabilities: unknown capability; supported: ${modes.capabilityName}`,
      );
    }
    const cardIds = cards.map((c) => c.id as string);
    refreshRequests.push({
      userId: String(req.params.userId),
      extRequestId: body.extRequestId,
      creditCardIds: cardIds,
      at: Date.now(),
      responseLost: res.locals.loseResponse === true,
    });
    const userId = String(req.params.userId);
    const replayed = state.transaction(userId, body.extRequestId);
    if (replayed && modes.replay === 'conflict')
      return fail(res, 409, `extRequestId ${body.extRequestId} was already used`);
    const outcome = state.refresh(userId, body.extRequestId, cardIds);
    if ('error' in outcome) return fail(res, outcome.error.httpStatus, outcome.error.desc);
    if (!replayed) {
      const tx = state.transaction(userId, body.extRequestId)!;
      for (const item of tx.items) webhooks.refreshItemStarted(tx, item);
    }
    res.json({ status: SUCCESS_STATUS, data: outcome.items });
  });

  app.get('/v1/users/:userId/liabilities/refresh/:extRequestId', operation('refresh_status'), (req, res) => {
    if (modes.statusEndpoint === 'absent') return fail(res, 404, 'Not found');
    if (modes.statusEndpoint === 'method-not-allowed') return fail(res, 405, 'Method not allowed');
    const tx = state.transaction(String(req.params.userId), String(req.params.extRequestId));
    if (!tx)
      return fail(
        res,
        404,
        `No refresh ${String(req.params.extRequestId)} for user ${String(req.params.userId)}`,
      );
    res.json({ status: SUCCESS_STATUS, data: tx.items });
  });

  app.use((_req: Request, res: Response) => fail(res, 404, 'Not found'));
  // Bad JSON bodies and handler errors still answer in the envelope.
  app.use((err: Error & { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    fail(res, err.status && err.status < 500 ? err.status : 500, err.message);
  });

  const control: SpinwheelSimulatorControl = {
    provider: 'spinwheel',
    injectFault: (op, fault) => faults.inject(op, fault),
    clearFaults: () => faults.clear(),
    setWebhookPlan: (plan) => (webhooks.plan = plan),
    setWebhookTarget: (target) => (webhooks.target = target),
    refreshStarts: (userId) => state.refreshStarts(userId),
    callLog: () => [...calls],
    refreshRequests: () => refreshRequests.map((r) => ({ ...r, creditCardIds: [...r.creditCardIds] })),
    loseResponses: (op, times = 1) => {
      lostResponses.set(op, (lostResponses.get(op) ?? 0) + times);
    },
    setAssumptionModes: (next) => {
      modes = { ...modes, ...next };
    },
    assumptionModes: () => ({ ...modes }),
    reset: () => {
      modes = { ...DEFAULT_SPINWHEEL_MODES };
      state.reset();
      webhooks.dispose();
      faults.clear();
      webhooks.plan = { mode: 'deliver' };
      calls = [];
      refreshRequests = [];
      lostResponses.clear();
    },
  };
  return {
    app,
    control,
    dispose: () => {
      state.dispose();
      webhooks.dispose();
    },
  };
}

/** Starts the simulator on 127.0.0.1 (port 0 = any free port). */
export async function startSpinwheelSimulator(
  opts: SpinwheelSimulatorOptions,
  port = 0,
): Promise<RunningSpinwheelSimulator> {
  const sim = createSpinwheelSimulator(opts);
  return (await listenSimulator(sim.app, sim.control, port, sim.dispose)) as RunningSpinwheelSimulator;
}
