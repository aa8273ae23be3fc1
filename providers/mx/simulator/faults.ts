// Injected faults and the call log. Operations: check_balance, status, challenges, resume, accounts, transactions, or '*'.
import type { NextFunction, Request, Response } from 'express';
import type { FaultSpec } from '../../simulator-kit';
import type { Scheduler } from './scheduler';

export const MX_OPERATIONS = [
  'check_balance',
  'status',
  'challenges',
  'resume',
  'accounts',
  'transactions',
] as const;
export type MxOperation = (typeof MX_OPERATIONS)[number];

const OPERATION_PATH = /^\/users\/[^/]+\/members\/[^/]+\/([a-z_]+)\/?$/;

/** The operation a request path names, or 'unknown'. */
export function operationOf(path: string): string {
  const leaf = OPERATION_PATH.exec(path)?.[1];
  return leaf && (MX_OPERATIONS as readonly string[]).includes(leaf) ? leaf : 'unknown';
}

export class FaultBook {
  private faults: { operation: string; spec: FaultSpec; left: number }[] = [];
  private calls: { operation: string; at: number; status: number }[] = [];

  inject(operation: string, spec: FaultSpec): void {
    this.faults.push({ operation, spec, left: spec.times ?? 1 });
  }

  clear(): void {
    this.faults = [];
  }

  log(): { operation: string; at: number; status: number }[] {
    return [...this.calls];
  }

  clearLog(): void {
    this.calls = [];
  }

  /** Records every request once it is answered (status 0 when the socket was reset). */
  recorder() {
    return (req: Request, res: Response, next: NextFunction) => {
      const entry = { operation: operationOf(req.path), at: Date.now(), status: 0 };
      res.on('close', () => {
        entry.status = res.headersSent ? res.statusCode : 0;
        this.calls.push(entry);
      });
      next();
    };
  }

  /** Applies the first matching fault, if any; otherwise passes the request on. */
  middleware(scheduler: Scheduler) {
    return async (req: Request, res: Response, next: NextFunction) => {
      const operation = operationOf(req.path);
      const fault = this.faults.find((f) => f.left > 0 && (f.operation === operation || f.operation === '*'));
      if (!fault) return next();
      fault.left--;
      this.faults = this.faults.filter((f) => f.left > 0);
      const spec = fault.spec;
      if (spec.delayMs) await scheduler.wait(spec.delayMs);
      if (res.writableEnded || req.socket.destroyed) return;
      if (spec.resetConnection) return void req.socket.destroy();
      if (spec.status) {
        if (spec.retryAfterSeconds !== undefined)
          res.setHeader('Retry-After', String(spec.retryAfterSeconds));
        return void res
          .status(spec.status)
          .json({ error: { message: `Injected fault: HTTP ${spec.status}` } });
      }
      if (spec.malformedBody)
        return void res.status(200).type('application/json').send('{"member": {"guid": "MBR-');
      if (spec.wrongShape)
        return void res.status(200).json({ result: 'ok', member: 'not-an-object', accounts: 'none' });
      if (spec.wrongContentType)
        return void res.status(200).type('text/html').send('<html><body>Gateway page</body></html>');
      next(); // delay only: answer normally, late
    };
  }
}
