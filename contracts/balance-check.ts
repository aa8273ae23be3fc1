// Message contracts shared by the workflow, the activities, the API and the tests.
// Plain types and constants only: this module is bundled into workflow code.
import type { CallbackTarget } from './callbacks';

/**
 * A registered provider's name (providers/registry.ts holds the list: PROVIDER_NAMES). A plain string
 * here so this bundled module needs no registry, and a provider is added with one folder + one line;
 * the API admits only registered names.
 */
export type ProviderName = string;

/**
 * The provider resource a check refreshes.
 * - mx: userId = MX user guid/id, memberId = MX member guid/id
 * - meld: userId = Meld customerId, memberId = Meld connectionId
 * - spinwheel: userId = Spinwheel userId, memberId absent (the user's liabilities are the accounts)
 */
export interface ResourceRef {
  userId: string;
  memberId?: string;
}

/** An amount of money in integer minor units of an ISO 4217 currency (e.g. 1999 USD = $19.99). */
export interface Money {
  amount: number;
  currency: string;
}

export interface CheckTimeouts {
  /** Overall deadline for the refresh to finish (default 10 min). */
  overallSeconds?: number;
  /** How long to wait for MFA answers once challenged (default 5 min). */
  mfaSeconds?: number;
  /** First poll interval; providers impose a floor (MX: 3 s). */
  pollIntervalSeconds?: number;
  /** Poll backoff cap (default 60 s). */
  maxPollIntervalSeconds?: number;
}

/** One caller's question about a refresh: which accounts, and (optionally) a funding question. */
export interface CheckQuestion {
  /** Only return (and judge) these provider account ids. */
  accountIds?: string[];
  /** With requiredAmount: answer "can this account fund this amount?". */
  fundingAccountId?: string;
  requiredAmount?: Money;
}

/**
 * Starts the shared refresh of one resource for one owner. The top-level question is the first
 * caller's; callers who join later register theirs with the joinCheck Update.
 */
export interface BalanceCheckInput extends CheckQuestion {
  provider: ProviderName;
  resource: ResourceRef;
  timeouts?: CheckTimeouts;
  /** Who asked (API key name / service), shown to operators. */
  requestedBy?: string;
  /** The tenant (API key owner) the check belongs to; part of the workflow id. */
  owner?: string;
  /** The first caller's id (its check id names it); FIRST_CALLER_ID when absent. */
  callerId?: string;
  /**
   * Provider calls go to the provider's own activity task queue (providerTaskQueue), where a
   * task-queue-wide rate limit paces them across every worker. Absent: the workflow's queue, as before.
   */
  providerTaskQueues?: boolean;
  /** Where the first caller's events go (absent: no callbacks; older histories have none). */
  callback?: CallbackTarget;
}

/** A caller joining a running refresh: its own id and question. */
export interface CallerRegistration extends CheckQuestion {
  callerId: string;
  requestedBy?: string;
  /** Where this caller's events go (absent: no callbacks). */
  callback?: CallbackTarget;
}

/** A registered caller, as the workflow keeps it (and returns it in the run result). */
export interface CallerRecord {
  callerId: string;
  requestedBy?: string;
  question: CheckQuestion;
  joinedAt: string;
  /** The caller canceled its check (DELETE); the refresh goes on while other callers remain. */
  withdrawn: boolean;
  /** Where this caller's events go; absent for callers without callbacks (and in older histories). */
  callback?: CallbackTarget;
}

/** Joining answers with the run that will answer the question. */
export interface CallerJoined {
  callerId: string;
  runId: string;
}

/** The default caller id of a check started without one (direct workflow starts, old histories). */
export const FIRST_CALLER_ID = 'first';
/** Callers one refresh accepts; the API answers 503 beyond (a run result stays small). */
export const MAX_CALLERS_PER_CHECK = 100;

export type CheckStatus =
  'COMPLETED' | 'FAILED' | 'ACTION_REQUIRED' | 'NOT_SUPPORTED' | 'TIMED_OUT' | 'CANCELED';

export const CHECK_PHASES = [
  'STARTING',
  'REFRESHING',
  'WAITING_FOR_MFA',
  'ANSWERING_MFA',
  'READING_BALANCES',
  'DONE',
] as const;
export type CheckPhase = (typeof CHECK_PHASES)[number];

export interface Reason {
  /** Stable machine code, e.g. MFA_TIMEOUT, PROVIDER_DENIED, RECONNECT_REQUIRED, REFRESH_EXHAUSTED. */
  code: string;
  message: string;
  /** When the caller may try again (ISO 8601), e.g. from Retry-After or nextEligibleRefreshOn. */
  retryAt?: string;
}

export type AccountKind = 'DEPOSITORY' | 'CREDIT' | 'LOAN' | 'INVESTMENT' | 'OTHER';
export type Freshness = 'REALTIME' | 'CACHED';

/** One account's balances, in integer minor units. For CREDIT/LOAN, `current` is the amount owed (positive). */
export interface NormalizedBalance {
  accountId: string;
  name?: string;
  kind: AccountKind;
  /** Provider's own type/subtype, for reference (e.g. CHECKING, CREDIT_CARD). */
  providerType?: string;
  currency: string;
  current: number | null;
  /** Spendable now: available balance (DEPOSITORY) or available credit (CREDIT); null when unknown. */
  available: number | null;
  /** Credit limit, when the provider gives one. */
  limit: number | null;
  /** Sum of pending debits minus credits, when read from the provider (used when available is unknown). */
  pending?: number | null;
  asOf: string | null;
  freshness: Freshness;
  /** Why this account is not REALTIME (e.g. Spinwheel REFRESH_EXHAUSTED). */
  note?: Reason;
}

export type SufficiencyDecision = 'SUFFICIENT' | 'INSUFFICIENT' | 'UNKNOWN';
export type SufficiencyBasis = 'AVAILABLE' | 'AVAILABLE_CREDIT' | 'CURRENT_LESS_PENDING' | 'NONE';

export interface Sufficiency {
  decision: SufficiencyDecision;
  basis: SufficiencyBasis;
  fundingAccountId: string;
  requiredAmount: Money;
  /** The spendable amount the decision used, when known. */
  availableAmount: Money | null;
  reason?: Reason;
}

/** One caller's answer: its own accounts, its own sufficiency decision. */
export interface BalanceCheckResult {
  status: CheckStatus;
  provider: ProviderName;
  resource: ResourceRef;
  reason?: Reason;
  balances: NormalizedBalance[];
  sufficiency?: Sufficiency;
  startedAt: string;
  finishedAt: string;
  /** How many status polls (durable-timer wakeups that read the provider) the check used. */
  polls: number;
  /** How many provider events (signals) the check accepted. */
  eventsAccepted: number;
  mfaRounds: number;
}

/** A caller's record with the status its answer has (CANCELED when it withdrew). */
export interface CallerOutcome extends CallerRecord {
  status: CheckStatus;
  sufficiency?: Sufficiency;
}

/**
 * What a balanceCheck run returns: the refresh's shared outcome (every account read) and each
 * caller's outcome. A caller's answer is `answerFor(run, callerId)` (workflows/answers.ts).
 */
export interface BalanceCheckRun extends Omit<BalanceCheckResult, 'sufficiency'> {
  owner?: string;
  callers: CallerOutcome[];
}

/** A challenge as shown to the caller: labels and options, never answers. */
export interface ChallengeView {
  id: string;
  type: 'TEXT' | 'OPTIONS' | 'TOKEN' | 'IMAGE_DATA' | 'IMAGE_OPTIONS';
  label: string;
  fieldName?: string;
  options?: { id: string; label: string; value: string }[];
  imageData?: string;
}

export interface BalanceCheckState {
  phase: CheckPhase;
  provider: ProviderName;
  resource: ResourceRef;
  /** Last raw provider status seen (e.g. MX connection_status). */
  providerStatus: string | null;
  challenges: ChallengeView[];
  polls: number;
  nextPollAt: string | null;
  deadline: string;
  mfaDeadline: string | null;
  startedAt: string;
  /** Callers registered on the refresh (withdrawn ones included). */
  callers: number;
  /** The asking caller as the workflow knows it; null when the id is not one of its callers. */
  caller: CallerRecord | null;
  /** The asking caller's answer, once the refresh has ended. */
  result: BalanceCheckResult | null;
}

/** A provider webhook, verified and normalized by the API, delivered to the workflow as a signal. */
export interface ProviderEvent {
  /** Used to drop duplicates. */
  eventId: string;
  provider: ProviderName;
  kind: 'REFRESH_STARTED' | 'REFRESH_COMPLETED' | 'REFRESH_FAILED' | 'STATUS_CHANGED';
  /** Raw provider status carried by the event, e.g. CHALLENGED, DENIED, COMPLETED. */
  providerStatus?: string;
  /** When the provider says it happened (ISO 8601); events older than the refresh are stale. */
  occurredAt?: string;
  /** Provider job/request id the event is about, when it names one. */
  refreshId?: string;
}

export interface MfaAnswer {
  challengeId: string;
  value: string;
}

export interface MfaSubmission {
  answers: MfaAnswer[];
  /** The caller answering (its check id names it); an unknown or withdrawn caller is refused. */
  callerId?: string;
}

export interface MfaAccepted {
  accepted: true;
  round: number;
}

/** Failure types of MFA update rejections; the API maps NotAwaitingMfa → 409, InvalidMfaAnswer → 422. */
export const MFA_NOT_AWAITING = 'NotAwaitingMfa';
export const MFA_INVALID_ANSWER = 'InvalidMfaAnswer';
/** Update rejections about callers: not one of this check's callers (→ 404), the check has ended (→ 409), full (→ 503). */
export const UNKNOWN_CALLER = 'UnknownCaller';
export const CHECK_FINISHED = 'CheckFinished';
export const TOO_MANY_CALLERS = 'TooManyCallers';

export const TASK_QUEUE = 'balance-check';

/** The activity task queue of one provider's calls when checks are paced (`balance-check-mx`, …). */
export const providerTaskQueue = (workflowTaskQueue: string, provider: ProviderName) =>
  `${workflowTaskQueue}-${provider}`;

/** Owners (tenants) are API key owners: letters, digits, . _ - (no ':', which separates id parts). */
export const OWNER_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
/** The owner of checks started without one (direct workflow starts in tests and tools). */
export const DEFAULT_OWNER = 'default';

/**
 * One refresh per (owner, resource): `balance-check:<owner>:<provider>:<user>:<member|->`. Two owners
 * never share a workflow, so one tenant can neither see, answer, nor cancel another tenant's refresh.
 */
export function balanceCheckWorkflowId(
  provider: ProviderName,
  resource: ResourceRef,
  owner: string = DEFAULT_OWNER,
): string {
  return ['balance-check', owner, provider, resource.userId, resource.memberId ?? '-'].join(':');
}

export interface ParsedWorkflowId {
  owner: string;
  provider: string;
  resource: ResourceRef;
}

/** The inverse of balanceCheckWorkflowId; undefined for any other id. */
export function parseBalanceCheckWorkflowId(workflowId: string): ParsedWorkflowId | undefined {
  const parts = workflowId.split(':');
  if (parts.length !== 5 || parts[0] !== 'balance-check') return undefined;
  const [, owner, provider, userId, member] = parts as [string, string, string, string, string];
  if (!OWNER_PATTERN.test(owner) || !provider || !userId || !member) return undefined;
  return { owner, provider, resource: member === '-' ? { userId } : { userId, memberId: member } };
}
