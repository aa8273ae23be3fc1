// MX behind the BalanceProvider interface. Stateless: everything a later call needs travels in the RefreshRef.
import { ApplicationFailure } from '@temporalio/common';
import type { ChallengeView, Reason, ResourceRef } from '../../contracts/balance-check';
import type {
  AccountRead,
  BalanceProvider,
  BalancesRead,
  PollingProfile,
  RefreshStart,
} from '../../contracts/provider';
import { fatalError, ProviderErrorType, type ProviderErrorDetails } from '../http/errors';
import type { MxClient } from './client';
import {
  mapMxConnectionStatus,
  isNamedMxAccount,
  mxFailureReason,
  normalizeMxAccount,
  pendingByAccount,
  toChallengeView,
} from './normalize';
import type { MxMember } from './schemas';

/** MX asks for status polls no faster than every 3 s; its widget fails only after two agreeing polls. */
export const MX_POLLING: PollingProfile = {
  minIntervalMs: 3000,
  maxIntervalMs: 30_000,
  // MX webhooks name no job: a completion is confirmed by a status read (MX: "keep reading status").
  trustCompletionEvent: false,
  failureConfirmations: 2,
};
const NOT_UPDATED_BY_MX: Reason = {
  code: 'ACCOUNT_NOT_REFRESHED',
  message: 'MX did not update this account during the refresh',
};
/** A 429 asking us to wait longer than this is the per-member refresh throttle, not a blip. */
const THROTTLE_WAIT_LIMIT_MS = 60_000;

export function createMxProvider(client: MxClient): BalanceProvider {
  return {
    name: 'mx',

    async startRefresh(req): Promise<RefreshStart> {
      const { userId, memberId } = mxResource(req.resource, 'check_balance');
      // Taken before the call (whole seconds, MX's precision) so a job that finishes fast still counts.
      const beforeCall = Math.floor(Date.now() / 1000) * 1000;
      let member: MxMember;
      try {
        member = await client.checkBalance(userId, memberId);
      } catch (err) {
        const throttled = throttleReason(err);
        if (!throttled) throw err;
        return {
          state: 'NOT_REFRESHABLE',
          refreshId: `${memberId}:throttled`,
          startedAt: new Date(beforeCall).toISOString(),
          polling: MX_POLLING,
          reason: throttled,
        };
      }
      const startedAt = new Date(refreshStartFor(member, beforeCall)).toISOString();
      return {
        state: 'STARTED',
        refreshId: `${member.guid ?? memberId}:${startedAt}`,
        startedAt,
        polling: MX_POLLING,
      };
    },

    async readRefreshStatus(ref) {
      const { userId, memberId } = mxResource(ref.resource, 'status');
      const member = await client.readStatus(userId, memberId);
      const providerStatus = member.connection_status ?? 'UNKNOWN';
      const state = mapMxConnectionStatus(
        member.connection_status ?? null,
        member.is_being_aggregated ?? false,
        member.successfully_aggregated_at ?? null,
        ref.startedAt,
      );
      if (state === 'FAILED')
        return { state, providerStatus, reason: mxFailureReason(member.connection_status ?? null) };
      if (state !== 'CHALLENGED') return { state, providerStatus };
      // The status body usually carries the challenges; the challenges call is the documented fallback.
      const raw = member.challenges?.length
        ? member.challenges
        : await client.listChallenges(userId, memberId);
      // CHALLENGED with nothing to answer is a moment between rounds: keep polling.
      if (raw.length === 0) return { state: 'RUNNING', providerStatus };
      return { state, providerStatus, challenges: raw.map(toChallengeView) };
    },

    async listChallenges(ref): Promise<ChallengeView[]> {
      const { userId, memberId } = mxResource(ref.resource, 'challenges');
      return (await client.listChallenges(userId, memberId)).map(toChallengeView);
    },

    async answerChallenges(req) {
      const { userId, memberId } = mxResource(req.resource, 'resume');
      // MX's resume takes an OPTIONS answer as the option's value; callers may send the option id we showed.
      const current = await client.listChallenges(userId, memberId);
      // None of these challenges is pending any more: an earlier attempt of this activity delivered
      // the answers and lost MX's reply (MX answers a second resume with 405). The next status read
      // says where the member is now, so resuming again would only turn a retry into a failure.
      if (!req.answers.some((a) => current.some((c) => c.guid === a.challengeId))) return;
      const answers = req.answers.map((a) => {
        const options = current
          .filter((c) => c.guid === a.challengeId)
          .flatMap((c) => [...(c.options ?? []), ...(c.image_options ?? [])]);
        const chosen = options.find((o) => o.guid === a.value && o.value);
        return { guid: a.challengeId, value: chosen?.value ?? a.value };
      });
      await client.resume(userId, memberId, answers);
    },

    async listBalances(req): Promise<BalancesRead> {
      const { userId, memberId } = mxResource(req.resource, 'accounts');
      const accounts = (await client.listAccounts(userId, memberId)).filter(isNamedMxAccount);
      const wanted = req.accountIds?.length ? new Set(req.accountIds) : null;
      // Closed accounts cannot fund anything; they are returned only when asked for by id.
      const selected = accounts.filter((a) => (wanted ? wanted.has(a.guid) : !a.is_closed));
      let reads = selected.map((a): AccountRead => {
        const balance = normalizeMxAccount(a, { freshness: 'CACHED' });
        const updatedAtMs = a.updated_at ? Date.parse(a.updated_at) : undefined;
        return {
          balance,
          // The normalizer's only note: a currency it cannot scale exactly.
          ...(balance.note ? { unusable: balance.note } : {}),
          // A refresh can succeed while MX could not update one account: its updated_at stays behind.
          // Without an updated_at the member's successful refresh is all MX says about the account.
          ...(updatedAtMs === undefined ? { reported: { updated: true } } : { updatedAtMs }),
          notUpdated: NOT_UPDATED_BY_MX,
        };
      });
      if (req.withPending && reads.some((r) => r.balance.available === null)) {
        const pending = pendingByAccount(
          await client.listPendingTransactions(userId, memberId),
          (guid) => reads.find((r) => r.balance.accountId === guid)?.balance.currency ?? 'USD',
        );
        reads = reads.map((r) =>
          r.balance.available === null
            ? { ...r, balance: { ...r.balance, pending: pending.get(r.balance.accountId) ?? 0 } }
            : r,
        );
      }
      // MX stamps updated_at in whole seconds.
      return { accounts: reads, timestampGranularityMs: 1000 };
    },
  };
}

/**
 * When this refresh counts from. Our clock just before the call, except:
 * - A job is running (new, or one we joined): MX's own aggregated_at when earlier, so a worker clock
 *   running ahead of MX's cannot make MX's successfully_aggregated_at look older than the start.
 * - MX started nothing: check_balance also answers 202 inside MX's minimum interval, with the member
 *   CONNECTED, not aggregating, and no job start since our call. MX's data is then as fresh as MX will
 *   make it, so we count from that last job's start (aggregated_at ≤ successfully_aggregated_at): the
 *   first status read reports SUCCEEDED on the existing data, and the accounts that job updated are
 *   not flagged ACCOUNT_NOT_REFRESHED. The balances' asOf still shows their real age.
 */
function refreshStartFor(member: MxMember, beforeCall: number): number {
  const lastJobStart = Date.parse(member.aggregated_at ?? '');
  if (member.is_being_aggregated)
    return Number.isNaN(lastJobStart) ? beforeCall : Math.min(beforeCall, lastJobStart);
  const succeeded = Date.parse(member.successfully_aggregated_at ?? '');
  if (member.connection_status?.toUpperCase() !== 'CONNECTED' || Number.isNaN(succeeded)) return beforeCall;
  // A job start at/after our call means MX did start one, and it already finished.
  if (!Number.isNaN(lastJobStart) && lastJobStart >= beforeCall) return beforeCall;
  return Math.min(succeeded, Number.isNaN(lastJobStart) ? succeeded : lastJobStart, beforeCall);
}

/**
 * The per-member refresh throttle (legacy docs: 5 per 2 h) → "read cached balances", not an activity
 * retry loop. A 429 without Retry-After is that throttle too (assumptions.ts: throttle-429): retrying
 * it blindly would only spend more of the member's budget. Only a short Retry-After is a blip to wait out.
 */
function throttleReason(err: unknown): Reason | undefined {
  if (!(err instanceof ApplicationFailure) || err.type !== ProviderErrorType.Retryable) return undefined;
  const details = err.details?.[0] as ProviderErrorDetails | undefined;
  const wait = typeof err.nextRetryDelay === 'number' ? err.nextRetryDelay : undefined;
  if (details?.httpStatus !== 429 || (wait !== undefined && wait <= THROTTLE_WAIT_LIMIT_MS)) return undefined;
  const reason: Reason = {
    code: 'REFRESH_THROTTLED',
    message:
      wait === undefined
        ? 'MX throttles balance refreshes for this member (429 without Retry-After); showing the last balances'
        : 'MX throttles balance refreshes for this member; showing the last balances',
  };
  if (wait !== undefined) reason.retryAt = new Date(Date.now() + wait).toISOString();
  return reason;
}

function mxResource(resource: ResourceRef, operation: string): { userId: string; memberId: string } {
  if (!resource.memberId) {
    throw fatalError(
      ProviderErrorType.Rejected,
      'An MX resource needs memberId (the member guid or your member id)',
      { provider: 'mx', operation },
    );
  }
  return { userId: resource.userId, memberId: resource.memberId };
}
