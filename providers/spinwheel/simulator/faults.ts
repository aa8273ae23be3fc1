// Injected faults for the Spinwheel simulator: a queue per operation ('*' matches every one).
import type { Request, Response } from 'express';
import type { FaultSpec } from '../../simulator-kit';
import { SUCCESS_STATUS } from '../assumptions';

export const SPINWHEEL_OPERATIONS = ['user', 'refresh', 'refresh_status'] as const;
export type SpinwheelOperation = (typeof SPINWHEEL_OPERATIONS)[number];

interface Pending {
  fault: FaultSpec;
  left: number;
}

export class FaultQueue {
  private pending = new Map<string, Pending[]>();

  inject(operation: string, fault: FaultSpec): void {
    if (operation !== '*' && !(SPINWHEEL_OPERATIONS as readonly string[]).includes(operation)) {
      // A typo would otherwise silently inject nothing and make a test pass for the wrong reason.
      throw new Error(
        `Unknown Spinwheel simulator operation ${operation}; use ${SPINWHEEL_OPERATIONS.join(', ')} or *`,
      );
    }
    const list = this.pending.get(operation) ?? [];
    list.push({ fault, left: fault.times ?? 1 });
    this.pending.set(operation, list);
  }

  clear(): void {
    this.pending.clear();
  }

  /** The next fault for this call, consuming one use; operation-specific faults win over '*'. */
  take(operation: SpinwheelOperation): FaultSpec | undefined {
    for (const key of [operation, '*']) {
      const list = this.pending.get(key);
      const head = list?.[0];
      if (!list || !head) continue;
      head.left -= 1;
      if (head.left <= 0) list.shift();
      return head.fault;
    }
    return undefined;
  }
}

/** Plays a fault. Returns true when it answered (or killed) the request; a pure delay returns false. */
export async function playFault(fault: FaultSpec, req: Request, res: Response): Promise<boolean> {
  if (fault.delayMs) {
    await new Promise((resolve) => setTimeout(resolve, fault.delayMs).unref());
    // The client may have given up (timeout) and the socket be gone already.
    if (req.socket.destroyed) return true;
  }
  if (fault.resetConnection) {
    req.socket.destroy();
    return true;
  }
  if (fault.status) {
    if (fault.retryAfterSeconds !== undefined) res.set('Retry-After', String(fault.retryAfterSeconds));
    res.status(fault.status).json({ status: { code: fault.status, desc: 'Injected fault' }, data: null });
    return true;
  }
  if (fault.malformedBody) {
    res
      .status(200)
      .type('application/json')
      .send('{"status":{"code":200,"desc":"success"},"data":{"creditCa');
    return true;
  }
  if (fault.wrongShape) {
    res.status(200).json({ status: SUCCESS_STATUS, data: 'unexpected-shape' });
    return true;
  }
  if (fault.wrongContentType) {
    res.status(200).type('text/html').send('<html><body>Spinwheel is down for maintenance</body></html>');
    return true;
  }
  return false;
}
