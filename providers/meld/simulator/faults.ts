// Injected faults for the Meld simulator: queued per operation ('accounts' | 'account' |
// 'connections' | 'refresh' | 'transactions') or '*', each spent by the next `times` calls.
import type { Request, Response } from 'express';
import type { FaultSpec } from '../../simulator-kit';
import type { Timers } from './timers';

export const MELD_SIM_OPERATIONS = ['accounts', 'account', 'connections', 'refresh', 'transactions'] as const;
export type MeldSimOperation = (typeof MELD_SIM_OPERATIONS)[number];

export class FaultBook {
  private faults = new Map<string, { spec: FaultSpec; left: number }[]>();

  inject(operation: string, spec: FaultSpec): void {
    if (operation !== '*' && !(MELD_SIM_OPERATIONS as readonly string[]).includes(operation)) {
      throw new Error(
        `Unknown Meld simulator operation ${operation}; use ${MELD_SIM_OPERATIONS.join(', ')} or *`,
      );
    }
    const list = this.faults.get(operation) ?? [];
    list.push({ spec, left: spec.times ?? 1 });
    this.faults.set(operation, list);
  }

  clear(): void {
    this.faults.clear();
  }

  /** The fault for this call, if any; an operation's own faults go before '*'. */
  take(operation: string): FaultSpec | undefined {
    for (const key of [operation, '*']) {
      const list = this.faults.get(key);
      const head = list?.[0];
      if (!list || !head) continue;
      head.left -= 1;
      if (head.left <= 0) list.shift();
      return head.spec;
    }
    return undefined;
  }
}

/** Applies a fault; true when the fault answered (or killed) the request, false to go on normally. */
export async function applyFault(
  fault: FaultSpec,
  req: Request,
  res: Response,
  timers: Timers,
): Promise<boolean> {
  if (fault.delayMs) await timers.sleep(fault.delayMs);
  if (fault.resetConnection) {
    req.socket.destroy();
    return true;
  }
  if (fault.status) {
    if (fault.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(fault.retryAfterSeconds));
    res.status(fault.status).json(meldError(faultCode(fault.status), `Injected fault: HTTP ${fault.status}`));
    return true;
  }
  if (fault.malformedBody) {
    res.status(200).type('application/json').send('{"financialAccounts": [{"id": ');
    return true;
  }
  if (fault.wrongShape) {
    res.status(200).json({ data: { unexpected: true }, requestId: 'fault' });
    return true;
  }
  if (fault.wrongContentType) {
    res.status(200).type('text/html').send('<html><body>Maintenance</body></html>');
    return true;
  }
  return false;
}

function faultCode(status: number): string {
  if (status === 429) return 'TOO_MANY_REQUESTS';
  if (status >= 500) return 'INTERNAL_SERVER_ERROR';
  return 'BAD_REQUEST';
}

/** Meld's error body: {code, message, errors, requestId, timestamp}. */
export function meldError(code: string, message: string, errors: string[] = []) {
  return {
    code,
    message,
    errors,
    requestId: `req-${Math.random().toString(36).slice(2, 12)}`,
    timestamp: new Date().toISOString(),
  };
}
