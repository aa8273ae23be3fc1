// The simulated refresh job: what Meld does between answering POST …/refresh and the UPDATED webhook.
import { minorUnitExponent } from '../../../money/currencies';
import { toMinorUnits } from '../../../money/decimal';
import { MELD_DEFAULT_JOB_MS } from '../sandbox';
import type { MeldSimContext } from './routes';
import { meldId, type SimConnection } from './state';

/** An async refresh job: IN_PROGRESS + UPDATING now; new balances, ACTIVE + UPDATED when done. */
export function startRefreshJob(ctx: MeldSimContext, connection: SimConnection): string {
  const requestId = meldId();
  const state = ctx.state;
  // Only where IN_PROGRESS is read as "a refresh is running" (a mode): by default it means linking.
  if (ctx.modes.inProgressMeaning === 'refresh-running') {
    connection.status = 'IN_PROGRESS';
    connection.statusReason = null;
  }
  state.countStart(`${connection.customerId}:${connection.id}`);
  ctx.webhooks.send('BANK_LINKING_ACCOUNTS_UPDATING', connection, { requestId });
  const duration =
    (connection.sandbox.jobDurationMs ?? ctx.jobDurationMs ?? MELD_DEFAULT_JOB_MS) * ctx.timeScale;
  ctx.timers.after(duration, () => {
    // reset() replaces the state: a job from before the reset must not touch the new world.
    if (ctx.state !== state) return;
    const doneAt = new Date().toISOString();
    for (const account of state.accountsOf(connection.id)) {
      const balances = account.balances;
      // A closed/inactive account is not aggregated any more: its balance stays as it was.
      if (!balances || (account.status ?? 'ACTIVE') !== 'ACTIVE') continue;
      const drifts = connection.sandbox.accounts.find((a) => a.id === account.id)?.drifts;
      if (drifts) {
        const cur = balances.currency ?? 'USD';
        // One minor unit less, computed on integers; integer / 10^exp prints as the intended decimal.
        const down = (v: number | null | undefined) =>
          typeof v === 'number' ? (toMinorUnits(v, cur) - 1) / 10 ** minorUnitExponent(cur) : v;
        balances.currentAmount = down(balances.currentAmount);
        if ('availableAmount' in balances) balances.availableAmount = down(balances.availableAmount);
      }
      balances.updatedAt = doneAt;
    }
    connection.status = 'ACTIVE';
    connection.successfullyAggregatedAt = doneAt;
    ctx.webhooks.send('BANK_LINKING_ACCOUNTS_UPDATED', connection, { requestId });
  });
  return requestId;
}
