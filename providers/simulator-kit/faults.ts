// Fault injection shared by the provider simulators: a queue of faults per operation ('*' matches
// every operation) and the code that plays a fault on an Express response. A provider supplies its
// operation names and what its faulted answers look like (FaultAnswers).
import type { Request, Response } from 'express';

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

/** Pending faults per operation, each spent by the next `times` calls. */
export class FaultQueue {
  private pending = new Map<string, { spec: FaultSpec; left: number }[]>();

  /** `provider` names the simulator in errors; `operations` are the names inject() accepts (besides '*'). */
  constructor(
    private readonly provider: string,
    private readonly operations: readonly string[],
  ) {}

  inject(operation: string, spec: FaultSpec): void {
    if (operation !== '*' && !this.operations.includes(operation)) {
      // A typo would otherwise silently inject nothing and make a test pass for the wrong reason.
      throw new Error(
        `Unknown ${this.provider} simulator operation ${operation}; use ${this.operations.join(', ')} or *`,
      );
    }
    const list = this.pending.get(operation) ?? [];
    list.push({ spec, left: spec.times ?? 1 });
    this.pending.set(operation, list);
  }

  clear(): void {
    this.pending.clear();
  }

  /** The fault for this call, consuming one use; an operation's own faults go before '*'. */
  take(operation: string): FaultSpec | undefined {
    for (const key of [operation, '*']) {
      const list = this.pending.get(key);
      const head = list?.[0];
      if (!list || !head) continue;
      head.left -= 1;
      if (head.left <= 0) list.shift();
      return head.spec;
    }
    return undefined;
  }
}

/** What one provider's faulted answers look like. */
export interface FaultAnswers {
  /** The body sent with an injected HTTP status: the provider's own error envelope. */
  errorBody(status: number): unknown;
  /** Cut-off JSON for malformedBody: the start of a real body, so a parser fails mid-way. */
  malformedJson: string;
  /** Valid JSON that breaks the provider's documented schema, for wrongShape. */
  wrongShape: unknown;
  /** The page answered (as text/html) for wrongContentType, like a gateway or maintenance page. */
  htmlPage: string;
  /** How a delay waits; default an unref'd timer. Meld's wakes early on reset/close. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Whether a request whose client gave up during the delay is still processed. Meld: yes, so a
   * timed-out refresh still starts a job (test/reliability/faults.ts). Default: it is dropped.
   */
  processAbandoned?: boolean;
}

const unrefSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** Plays a fault. True when it answered (or killed) the request; false to go on normally (a pure delay). */
export async function playFault(
  fault: FaultSpec,
  req: Request,
  res: Response,
  answers: FaultAnswers,
): Promise<boolean> {
  if (fault.delayMs) {
    await (answers.sleep ?? unrefSleep)(fault.delayMs);
    // The client may have given up (timeout) and the socket be gone already.
    if (!answers.processAbandoned && (res.writableEnded || req.socket.destroyed)) return true;
  }
  if (fault.resetConnection) {
    req.socket.destroy();
    return true;
  }
  if (fault.status) {
    if (fault.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(fault.retryAfterSeconds));
    res.status(fault.status).json(answers.errorBody(fault.status));
    return true;
  }
  if (fault.malformedBody) {
    res.status(200).type('application/json').send(answers.malformedJson);
    return true;
  }
  if (fault.wrongShape) {
    res.status(200).json(answers.wrongShape);
    return true;
  }
  if (fault.wrongContentType) {
    res.status(200).type('text/html').send(answers.htmlPage);
    return true;
  }
  return false;
}
