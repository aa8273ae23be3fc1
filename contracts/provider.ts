// What the workflow learns from a provider, through activities. Plain data (workflow-safe).
import type {
  ChallengeView,
  MfaAnswer,
  NormalizedBalance,
  ProviderEvent,
  ProviderName,
  Reason,
  ResourceRef,
} from './balance-check';

/** How the workflow should wait for this provider; returned by startRefresh so the workflow holds no provider table. */
export interface PollingProfile {
  /** Floor between status reads (MX asks for ≥ 3 s). */
  minIntervalMs: number;
  /** Backoff cap. */
  maxIntervalMs: number;
  /** Whether a completion event (webhook) alone may end the wait, or a status read must confirm it. */
  trustCompletionEvent: boolean;
  /** Consecutive failed reads required before failing (MX's widget waits for two). */
  failureConfirmations: number;
}

export interface AccountEligibility {
  accountId: string;
  eligible: boolean;
  reason?: Reason;
}

export interface RefreshStartRequest {
  provider: ProviderName;
  resource: ResourceRef;
  /** Deterministic per check (a UUID made in the workflow): the provider-side idempotency key. */
  refreshKey: string;
  accountIds?: string[];
  /** Activity attempt (1 = first). A retry may follow a call that reached the provider but lost its answer. */
  attempt?: number;
  /** When the first attempt was scheduled: a refresh the provider finished after this was ours. */
  firstAttemptAt?: string;
}

export type RefreshStartState =
  /** A refresh is running (a new one, or one already running that we joined). */
  | 'STARTED'
  /** Nothing may be refreshed now; read cached balances (e.g. every Spinwheel card ineligible). */
  | 'NOT_REFRESHABLE'
  /** The user must act at the provider (Meld RECONNECT_REQUIRED). */
  | 'ACTION_REQUIRED'
  /** Provider refused: nothing will happen (e.g. throttled without retry, unknown resource). */
  | 'FAILED';

export interface RefreshStart {
  state: RefreshStartState;
  /** Provider's job/request id, or the refreshKey when the provider has none. */
  refreshId: string;
  /** Provider-side start time used to judge freshness of later events and balances. */
  startedAt: string;
  polling: PollingProfile;
  reason?: Reason;
  /** Per-account eligibility when the provider decides per account (Spinwheel). */
  accounts?: AccountEligibility[];
  /**
   * 2: the activities that started this refresh wait out a delay before a status read
   * (BalancesRequest.readAfterMs) and send MFA answers together with the next status read
   * (answerAndReadStatus). Absent in checks started before (their recorded histories replay on the old
   * path). Carried by an activity result, not patched(): a patch also upserts TemporalChangeVersion,
   * one more billable action per check.
   */
  protocol?: 2;
}

export interface RefreshRef {
  provider: ProviderName;
  resource: ResourceRef;
  refreshId: string;
  startedAt: string;
  accountIds?: string[];
}

export type RefreshState = 'RUNNING' | 'SUCCEEDED' | 'CHALLENGED' | 'FAILED' | 'ACTION_REQUIRED';

export interface RefreshStatus {
  state: RefreshState;
  /** Raw provider status, e.g. MX connection_status, Spinwheel refreshTransactionStatus. */
  providerStatus: string;
  reason?: Reason;
  /** Present when CHALLENGED and the status call already carries them (MX). */
  challenges?: ChallengeView[];
  /** Accounts whose refresh failed while others succeeded (Spinwheel per-card FAILED). */
  failedAccounts?: { accountId: string; reason: Reason }[];
}

export interface BalancesRequest extends RefreshRef {
  /** Whether this check's refresh succeeded (→ REALTIME) or not (→ CACHED). */
  refreshed: boolean;
  /** Accounts to mark CACHED with a reason (ineligible or failed). */
  cachedReasons?: { accountId: string; reason: Reason }[];
  /** Read pending transactions for accounts lacking an available balance (for sufficiency). */
  withPending?: boolean;
  /** Wait this long before the status read (the provider's floor between reads), instead of a workflow timer. */
  readAfterMs?: number;
}

/**
 * One account as a provider read it: its balances and the facts its freshness is decided from
 * (contracts/freshness.ts decideFreshness). Providers report what they saw; none calls an account REALTIME.
 */
export interface AccountRead {
  /** The normalized balances; decideFreshness sets their freshness and note. */
  balance: NormalizedBalance;
  /** When the provider last updated these balances (epoch ms), when it says. */
  updatedAtMs?: number;
  /** The provider's own word on this account's part of the refresh (Spinwheel's status endpoint); wins over updatedAtMs. */
  reported?: { updated: true } | { updated: false; reason: Reason };
  /** Why these balances cannot be REALTIME whatever the refresh did (a closed account, an unknown currency). */
  unusable?: Reason;
  /** The provider's words for "this check's refresh did not update the account" (a generic reason otherwise). */
  notUpdated?: Reason;
  /** The provider's words for "no refresh of this check completed" (none: CACHED without a note). */
  notRefreshed?: Reason;
}

/** What listBalances reports: the accounts, and how finely the provider stamps update times. */
export interface BalancesRead {
  accounts: AccountRead[];
  /** Update times are whole multiples of this (ms): the refresh start is floored to it before comparing. */
  timestampGranularityMs: number;
}

/** A status read that also reads the balances when the refresh has succeeded (one activity, not two). */
export interface StatusAndBalances {
  status: RefreshStatus;
  /** Present when status.state is SUCCEEDED. */
  balances?: NormalizedBalance[];
}

export interface ChallengeAnswerRequest extends RefreshRef {
  answers: MfaAnswer[];
}

/** MFA answers, then (after readAfterMs: the first poll after an answer) the status read with its balances. */
export type AnswerAndReadRequest = ChallengeAnswerRequest & BalancesRequest;

/**
 * One provider behind the workflow. Implementations live in providers/<name>/provider.ts and
 * are listed once in providers/registry.ts. They throw ApplicationFailure (see providers/http/errors.ts)
 * for transport problems; provider *outcomes* are returned as data.
 */
export interface BalanceProvider {
  readonly name: ProviderName;
  startRefresh(req: RefreshStartRequest): Promise<RefreshStart>;
  readRefreshStatus(ref: RefreshRef): Promise<RefreshStatus>;
  /** The accounts and the facts about them; freshness is decided from these by the activities, not here. */
  listBalances(req: BalancesRequest): Promise<BalancesRead>;
  /** Providers with MFA only (MX). */
  listChallenges?(ref: RefreshRef): Promise<ChallengeView[]>;
  answerChallenges?(req: ChallengeAnswerRequest): Promise<void>;
}

/** A provider webhook body, translated: the event for the resource's check, or why it is ignored. */
export type WebhookTranslation = { resource: ResourceRef; event: ProviderEvent } | { ignored: string };

/** The providers a worker serves, by name (built once from env by providers/registry.ts). */
export type ProviderRegistry = Partial<Record<ProviderName, BalanceProvider>>;
