// Each caller's answer from the one shared refresh: its own accounts and its own sufficiency decision.
// Pure and deterministic: the workflow uses it for its result and queries, the API to answer a caller.
import type {
  BalanceCheckResult,
  BalanceCheckRun,
  CallerOutcome,
  CallerRecord,
  NormalizedBalance,
  Reason,
} from '../contracts/balance-check';
import { decideSufficiency } from '../money/sufficiency';

type SharedOutcome = Omit<BalanceCheckRun, 'callers'>;

const WITHDRAWN: Reason = { code: 'CANCELED', message: 'The check was canceled by its caller' };

/** The answer one caller gets; a withdrawn caller gets CANCELED and no balances. */
export function callerAnswer(shared: SharedOutcome, caller: CallerRecord): BalanceCheckResult {
  const { question } = caller;
  const base = {
    provider: shared.provider,
    resource: shared.resource,
    startedAt: shared.startedAt,
    finishedAt: shared.finishedAt,
    polls: shared.polls,
    eventsAccepted: shared.eventsAccepted,
    mfaRounds: shared.mfaRounds,
  };
  if (caller.withdrawn) return { ...base, status: 'CANCELED', reason: WITHDRAWN, balances: [] };
  const balances = question.accountIds
    ? shared.balances.filter((b) => question.accountIds!.includes(b.accountId))
    : shared.balances;
  const result: BalanceCheckResult = {
    ...base,
    status: shared.status,
    ...(shared.reason ? { reason: shared.reason } : {}),
    balances,
  };
  if (question.fundingAccountId !== undefined && question.requiredAmount !== undefined) {
    result.sufficiency = sufficiencyFor(
      balances,
      question.fundingAccountId,
      question.requiredAmount,
      shared.reason,
    );
  }
  return result;
}

/** What the run result records per caller (status and decision, for operators and the API). */
export function callerOutcome(shared: SharedOutcome, caller: CallerRecord): CallerOutcome {
  const answer = callerAnswer(shared, caller);
  return {
    ...caller,
    status: answer.status,
    ...(answer.sufficiency ? { sufficiency: answer.sufficiency } : {}),
  };
}

/** The answer of one caller of a finished run; undefined when the run has no such caller. */
export function answerFor(run: BalanceCheckRun, callerId: string): BalanceCheckResult | undefined {
  const caller = run.callers.find((c) => c.callerId === callerId);
  return caller ? callerAnswer(run, caller) : undefined;
}

/** With no balances to judge, the check's own outcome is the reason the decision is UNKNOWN. */
function sufficiencyFor(
  balances: NormalizedBalance[],
  fundingAccountId: string,
  requiredAmount: NonNullable<CallerRecord['question']['requiredAmount']>,
  outcomeReason: Reason | undefined,
) {
  const decision = decideSufficiency(balances, fundingAccountId, requiredAmount);
  if (balances.length === 0 && outcomeReason && decision.decision === 'UNKNOWN')
    return { ...decision, reason: outcomeReason };
  return decision;
}
