// What operators see in the Temporal UI: the phase search attribute and the current details.
import * as wf from '@temporalio/workflow';
import type { CheckPhase } from '../contracts/balance-check';
import { phaseKey } from '../contracts/search-attributes';
import type { CheckState } from './check-state';

/** Phases that last a moment: visible in the status query and current details, not worth an upsert. */
const TRANSIENT_PHASES: CheckPhase[] = ['ANSWERING_MFA', 'READING_BALANCES'];

export function setPhase(state: CheckState, phase: CheckPhase): void {
  if (state.phase === phase) return;
  state.phase = phase;
  // Each upsert is a billable action: transient phases are skipped, and DONE goes out together with
  // the outcome status in one upsert. (Not behind patched(): in SDK 1.24 every patch also upserts
  // TemporalChangeVersion, which would cost the action this saves; histories were re-recorded.)
  if (TRANSIENT_PHASES.includes(phase) || phase === 'DONE') return;
  // The API starts a check with phase REFRESHING already set (api/start-check.ts), so the first
  // REFRESHING costs no upsert. Deterministic: the current attribute comes from the history (runs
  // started with STARTING still upsert, as they were recorded).
  if (wf.workflowInfo().typedSearchAttributes.get(phaseKey) === phase) return;
  wf.upsertSearchAttributes([{ key: phaseKey, value: phase }]);
}

export function describeWaiting(state: CheckState): void {
  const at = (ms: number | null) => (ms === null ? '—' : new Date(ms).toISOString());
  const lines =
    state.phase === 'WAITING_FOR_MFA'
      ? [
          `**Waiting for MFA** since ${at(Date.now())}, answer by ${at(state.mfaDeadline)}`,
          `Challenges: ${state.challenges.map((c) => c.label).join('; ')}`,
        ]
      : [
          `**Waiting for ${state.input.provider} refresh** (webhook or poll)`,
          `Next poll at ${at(state.nextPollAt)}`,
        ];
  lines.push(
    `Callers: ${describeCallers(state)}`,
    `Polls so far: ${state.polls}`,
    `Last provider status: ${state.providerStatus ?? '—'}`,
    `Deadline: ${at(state.deadline)}`,
  );
  wf.setCurrentDetails(lines.join('\n\n'));
}

export function describeDone(state: CheckState): void {
  const outcome = state.outcome!;
  wf.setCurrentDetails(
    [
      `**${outcome.status}**${outcome.reason ? ` — ${outcome.reason.code}: ${outcome.reason.message}` : ''}`,
      `Callers: ${describeCallers(state)}`,
    ].join('\n\n'),
  );
}

/** Each caller's question in one line (ids and amounts only; the codec protects the history). */
function describeCallers(state: CheckState): string {
  const active = state.callers.filter((c) => !c.withdrawn);
  const withdrawn = state.callers.length - active.length;
  const questions = active.map((c) => {
    const q = c.question;
    const accounts = q.accountIds ? q.accountIds.join(',') : 'all accounts';
    const funding = q.requiredAmount
      ? `; can ${q.fundingAccountId} fund ${q.requiredAmount.amount} ${q.requiredAmount.currency}?`
      : '';
    return `${c.requestedBy ?? c.callerId} (${accounts}${funding})`;
  });
  return `${active.length} active${withdrawn ? `, ${withdrawn} withdrawn` : ''}: ${questions.join('; ')}`;
}
