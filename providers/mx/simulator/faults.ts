// MX's side of fault injection (mechanism: simulator-kit/faults.ts) and the call log. Operations:
// check_balance, status, challenges, resume, accounts, transactions, member (readMember),
// account (readAccountByMember), or '*'.
import type { NextFunction, Request, Response } from 'express';
import { FaultQueue, playFault, type FaultAnswers, type FaultSpec } from '../../simulator-kit';

export const MX_OPERATIONS = [
  'check_balance',
  'status',
  'challenges',
  'resume',
  'accounts',
  'transactions',
  'member',
  'account',
] as const;
export type MxOperation = (typeof MX_OPERATIONS)[number];

const OPERATION_PATH = /^\/users\/[^/]+\/members\/[^/]+\/([a-z_]+)\/?$/;

const MEMBER_PATH = /^\/users\/[^/]+\/members\/[^/]+\/?$/;
const ACCOUNT_PATH = /^\/users\/[^/]+\/members\/[^/]+\/accounts\/[^/]+\/?$/;

/** The operation a request path names, or 'unknown'. */
export function operationOf(path: string): string {
  if (MEMBER_PATH.test(path)) return 'member';
  if (ACCOUNT_PATH.test(path)) return 'account';
  const leaf = OPERATION_PATH.exec(path)?.[1];
  return leaf && (MX_OPERATIONS as readonly string[]).includes(leaf) ? leaf : 'unknown';
}

const MX_FAULT_ANSWERS: FaultAnswers = {
  errorBody: (status) => ({ error: { message: `Injected fault: HTTP ${status}` } }),
  malformedJson: '{"member": {"guid": "MBR-',
  wrongShape: { result: 'ok', member: 'not-an-object', accounts: 'none' },
  htmlPage: '<html><body>Gateway page</body></html>',
};

export class FaultBook {
  private readonly faults = new FaultQueue('MX', MX_OPERATIONS);
  private calls: { operation: string; at: number; status: number }[] = [];

  inject(operation: string, spec: FaultSpec): void {
    this.faults.inject(operation, spec);
  }

  clear(): void {
    this.faults.clear();
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

  /** Plays the next fault for the request's operation, if any; otherwise (or after a pure delay) passes it on. */
  middleware() {
    return async (req: Request, res: Response, next: NextFunction) => {
      const fault = this.faults.take(operationOf(req.path));
      if (!fault || !(await playFault(fault, req, res, MX_FAULT_ANSWERS))) next();
    };
  }
}
