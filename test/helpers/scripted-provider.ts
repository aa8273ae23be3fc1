// A provider whose refresh follows a script of statuses: for workflow-logic tests that need exact
// control (what the start answers, what each poll returns), independent of any simulator's timing.
import type { NormalizedBalance } from '../../contracts/balance-check';
import type { BalanceProvider, PollingProfile, RefreshStart, RefreshStatus } from '../../contracts/provider';

export interface ScriptedProvider extends BalanceProvider {
  readonly calls: { op: string; at: number; refreshed?: boolean }[];
  readonly answers: { challengeId: string; value: string }[][];
}

const SCRIPTED_NOT_UPDATED = { code: 'NOT_UPDATED_BY_REFRESH', message: 'scripted as not updated' };

export function scriptedProvider(opts: {
  statuses: RefreshStatus[];
  balances?: NormalizedBalance[];
  minIntervalMs?: number;
  /** Overrides of what startRefresh answers (state, reason, accounts, refreshId). */
  start?: Partial<Omit<RefreshStart, 'polling'>>;
  polling?: Partial<PollingProfile>;
  afterAnswers?: (answers: { challengeId: string; value: string }[]) => RefreshStatus[];
  /** Thrown by listBalances (e.g. a non-retryable provider failure). */
  balancesError?: Error;
}): ScriptedProvider {
  const queue = [...opts.statuses];
  const calls: ScriptedProvider['calls'] = [];
  const answers: { challengeId: string; value: string }[][] = [];
  const log = (op: string, refreshed?: boolean) =>
    calls.push({ op, at: Date.now(), ...(refreshed !== undefined ? { refreshed } : {}) });
  return {
    name: 'mx',
    calls,
    answers,
    async startRefresh(req) {
      log('startRefresh');
      return {
        state: 'STARTED',
        refreshId: req.refreshKey,
        startedAt: new Date().toISOString(),
        ...opts.start,
        polling: {
          minIntervalMs: opts.minIntervalMs ?? 200,
          maxIntervalMs: 1000,
          trustCompletionEvent: true,
          failureConfirmations: 1,
          ...opts.polling,
        },
      };
    },
    async readRefreshStatus() {
      log('readRefreshStatus');
      return queue.length > 1 ? queue.shift()! : queue[0]!;
    },
    async listChallenges() {
      log('listChallenges');
      return [];
    },
    async answerChallenges(req) {
      log('answerChallenges');
      answers.push(req.answers);
      if (opts.afterAnswers) queue.splice(0, queue.length, ...opts.afterAnswers(req.answers));
    },
    async listBalances(req) {
      log('listBalances', req.refreshed);
      if (opts.balancesError) throw opts.balancesError;
      // A scripted REALTIME balance is one the provider reports refreshed; a CACHED one says why not.
      const accounts = (opts.balances ?? []).map((balance) => ({
        balance,
        reported:
          balance.freshness === 'REALTIME'
            ? ({ updated: true } as const)
            : { updated: false as const, reason: balance.note ?? SCRIPTED_NOT_UPDATED },
      }));
      return { accounts, timestampGranularityMs: 1000 };
    },
  };
}
