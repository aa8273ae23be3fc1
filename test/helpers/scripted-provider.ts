// A provider whose refresh follows a script of statuses: for workflow-logic tests that need exact
// control (what each poll returns), independent of any simulator's timing.
import type { NormalizedBalance } from '../../contracts/balance-check';
import type { BalanceProvider, RefreshStatus } from '../../contracts/provider';

export interface ScriptedProvider extends BalanceProvider {
  readonly calls: { op: string; at: number }[];
  readonly answers: { challengeId: string; value: string }[][];
}

export function scriptedProvider(opts: {
  statuses: RefreshStatus[];
  balances?: NormalizedBalance[];
  minIntervalMs?: number;
  afterAnswers?: (answers: { challengeId: string; value: string }[]) => RefreshStatus[];
}): ScriptedProvider {
  const queue = [...opts.statuses];
  const calls: { op: string; at: number }[] = [];
  const answers: { challengeId: string; value: string }[][] = [];
  const log = (op: string) => calls.push({ op, at: Date.now() });
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
        mfaPossible: true,
        polling: {
          minIntervalMs: opts.minIntervalMs ?? 200,
          maxIntervalMs: 1000,
          trustCompletionEvent: true,
          failureConfirmations: 1,
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
    async listBalances() {
      log('listBalances');
      return opts.balances ?? [];
    },
  };
}
