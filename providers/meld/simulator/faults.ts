// Meld's side of fault injection (mechanism: simulator-kit/faults.ts): its operation names and
// what its faulted answers look like.
import { FaultQueue, type FaultAnswers, type SimTimers } from '../../simulator-kit';

export const MELD_SIM_OPERATIONS = ['accounts', 'account', 'connections', 'refresh', 'transactions'] as const;
export type MeldSimOperation = (typeof MELD_SIM_OPERATIONS)[number];

export const meldFaultQueue = () => new FaultQueue('Meld', MELD_SIM_OPERATIONS);

/** Meld's faulted answers; a delay sleeps on the simulator's timers, so reset/close end it early. */
export function meldFaultAnswers(timers: SimTimers): FaultAnswers {
  return {
    errorBody: (status) => meldError(faultCode(status), `Injected fault: HTTP ${status}`),
    malformedJson: '{"financialAccounts": [{"id": ',
    wrongShape: { data: { unexpected: true }, requestId: 'fault' },
    htmlPage: '<html><body>Maintenance</body></html>',
    sleep: (ms) => timers.sleep(ms),
    processAbandoned: true,
  };
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
