// Business outcomes of a balance check, defined in this one module so the series names, labels and
// the "MFA was needed" rule cannot drift between callers.
//
// Safe to import from workflow code (it is in the workflow bundle and under its lint rule): no
// prom-client, no Node built-ins; a prom-client Counter is described by the one method used here.
import type { MetricMeter } from '@temporalio/common';
import type { BalanceCheckResult } from '../contracts/balance-check';

export const CHECK_OUTCOMES = {
  name: 'balance_check_outcomes_total',
  help: 'Finished balance checks by provider and final status',
} as const;
export const MFA_REQUIRED = {
  name: 'balance_check_mfa_required_total',
  help: 'Finished balance checks that needed at least one MFA round',
} as const;

/** What this module needs of a prom-client Counter (structural, so prom-client stays out of the bundle). */
interface LabelledCounter<L extends string> {
  inc(labels: Partial<Record<L, string | number>>): void;
}

/** prom-client counters (see `createApiMetrics`). */
export interface OutcomeCounters {
  checkOutcomes: LabelledCounter<'provider' | 'status'>;
  mfaRequired: LabelledCounter<'provider'>;
}

export type CheckOutcome = Pick<BalanceCheckResult, 'provider' | 'status' | 'mfaRounds'>;

/**
 * Count one finished check. `target` is either prom-client counters or a Temporal `MetricMeter`.
 *
 * Recommended call site: the end of the balance-check workflow, with `metricMeter` from
 * `@temporalio/workflow`. That meter drops emissions during replay, so each run counts exactly
 * once; it sees every check (including ones no API client ever polls), and it is exported by the
 * worker's Core Prometheus endpoint (see worker-telemetry). An activity's `Context.current().metricMeter`
 * also works but counts again if the activity is retried. Counting in the API is avoided: it only
 * sees results someone asks for, and several replicas/polls would count one check many times.
 */
export function recordCheckOutcome(
  target: OutcomeCounters | MetricMeter,
  { provider, status, mfaRounds }: CheckOutcome,
): void {
  const mfa = mfaRounds > 0;
  if ('createCounter' in target) {
    target.createCounter(CHECK_OUTCOMES.name, '1', CHECK_OUTCOMES.help).add(1, { provider, status });
    if (mfa) target.createCounter(MFA_REQUIRED.name, '1', MFA_REQUIRED.help).add(1, { provider });
    return;
  }
  target.checkOutcomes.inc({ provider, status });
  if (mfa) target.mfaRequired.inc({ provider });
}
