// The balanceCheck workflow's in-memory state: what handlers write and the main story reads.
import type {
  BalanceCheckInput,
  BalanceCheckResult,
  BalanceCheckRun,
  BalanceCheckState,
  CallerRecord,
  CallerRegistration,
  ChallengeView,
  CheckPhase,
  MfaSubmission,
  ProviderEvent,
} from '../contracts/balance-check';
import { FIRST_CALLER_ID } from '../contracts/balance-check';
import { callerAnswer, callerOutcome } from './answers';
import type { CallbackNotifier } from './callbacks';

/** Webhook timestamps have second precision (MX completed_at); allow that much skew. */
export const EVENT_SKEW_MS = 1000;
export const MAX_REMEMBERED_EVENT_IDS = 200;
const EVENT_KINDS = ['REFRESH_STARTED', 'REFRESH_COMPLETED', 'REFRESH_FAILED', 'STATUS_CHANGED'];

/** What the main loop does with the events that woke it. */
export type WakeDecision =
  /** Only "refresh started" news: keep waiting on the same schedule. */
  | 'KEEP_WAITING'
  /** A completion provably for this refresh (its provider refresh id): read the balances. */
  | 'COMPLETED'
  /** Anything else (a completion without proof, a failure, a status change): a status read decides. */
  | 'CONFIRM_BY_STATUS';

export class CheckState {
  phase: CheckPhase = 'STARTING';
  providerStatus: string | null = null;
  challenges: ChallengeView[] = [];
  polls = 0;
  eventsAccepted = 0;
  mfaRounds = 0;
  nextPollAt: number | null = null;
  mfaDeadline: number | null = null;
  /** The shared outcome once decided (callers' answers are derived from it). */
  outcome: Omit<BalanceCheckRun, 'callers'> | null = null;
  /** Provider-side start of this check's refresh; events older than this are stale. */
  refreshStartedAt: number | null = null;
  refreshId: string | null = null;
  /** The provider held this refresh for MFA: from now on only a status read may say it completed. */
  challengeSeen = false;
  /** Accepted events the main loop has not looked at yet. */
  readonly pendingEvents: ProviderEvent[] = [];
  /** MFA answers accepted by the update, waiting for the main loop to send them. */
  pendingSubmission: MfaSubmission | null = null;
  /** Rounds whose answers the provider has taken (the update waits for its round). */
  answeredRounds = 0;
  answerError: string | null = null;
  readonly callers: CallerRecord[] = [];
  /** Set by the workflow: tells callers with callbacks what happened (see callbacks.ts). */
  notifier: CallbackNotifier | null = null;
  /** Set by the workflow: cancels the provider wait (every caller withdrew). */
  cancelRefresh: () => void = () => undefined;
  private readonly seenEventIds: string[] = [];

  constructor(
    readonly input: BalanceCheckInput,
    readonly startedAt: number,
    readonly deadline: number,
  ) {
    const { accountIds, fundingAccountId, requiredAmount } = input;
    this.callers.push({
      callerId: input.callerId ?? FIRST_CALLER_ID,
      ...(input.requestedBy ? { requestedBy: input.requestedBy } : {}),
      question: { accountIds, fundingAccountId, requiredAmount },
      joinedAt: new Date(startedAt).toISOString(),
      withdrawn: false,
      ...(input.callback ? { callback: input.callback } : {}),
    });
  }

  caller(callerId: string): CallerRecord | undefined {
    return this.callers.find((c) => c.callerId === callerId);
  }

  get activeCallers(): number {
    return this.callers.filter((c) => !c.withdrawn).length;
  }

  /** Registers a caller (idempotent per caller id). */
  join(registration: CallerRegistration, now: number): CallerRecord {
    const known = this.caller(registration.callerId);
    if (known) return known;
    const { callerId, requestedBy, accountIds, fundingAccountId, requiredAmount, callback } = registration;
    const record: CallerRecord = {
      callerId,
      ...(requestedBy ? { requestedBy } : {}),
      question: { accountIds, fundingAccountId, requiredAmount },
      joinedAt: new Date(now).toISOString(),
      withdrawn: false,
      ...(callback ? { callback } : {}),
    };
    this.callers.push(record);
    // A caller who joins while the check waits for MFA learns the challenges too.
    this.notifier?.actionRequired(record);
    return record;
  }

  /** Marks the caller withdrawn; the refresh is canceled when no caller is left. */
  withdraw(callerId: string): number {
    const caller = this.caller(callerId);
    if (caller && !caller.withdrawn) {
      caller.withdrawn = true;
      this.notifier?.withdrawn(caller);
    }
    const remaining = this.activeCallers;
    if (remaining === 0 && !this.outcome) this.cancelRefresh();
    return remaining;
  }

  /** Accounts the balance read must cover: every caller's (undefined = all accounts). */
  accountsToRead(): string[] | undefined {
    const active = this.callers.filter((c) => !c.withdrawn);
    if (active.length === 0 || active.some((c) => !c.question.accountIds)) return undefined;
    return [...new Set(active.flatMap((c) => c.question.accountIds!))];
  }

  /**
   * Signal handler: keeps well-formed events of this provider for the loop; drops duplicates, events
   * of another provider, malformed ones (e.g. a payload the codec refused), and events stamped in the
   * future beyond the clock-skew allowance (they cannot be true).
   */
  acceptEvent(event: unknown, now: number): boolean {
    if (this.outcome || !isProviderEvent(event) || event.provider !== this.input.provider) return false;
    if (this.seenEventIds.includes(event.eventId)) return false;
    if (event.occurredAt !== undefined) {
      const at = Date.parse(event.occurredAt);
      if (Number.isNaN(at) || at > now + EVENT_SKEW_MS) return false;
    }
    this.seenEventIds.push(event.eventId);
    if (this.seenEventIds.length > MAX_REMEMBERED_EVENT_IDS) this.seenEventIds.shift();
    this.pendingEvents.push(event);
    return true;
  }

  /**
   * Takes the pending events that concern this refresh (stale ones — older than the refresh,
   * or naming another refresh — are dropped). Needs the refresh to have started.
   */
  takeRelevantEvents(): ProviderEvent[] {
    const relevant = this.pendingEvents.splice(0).filter((e) => this.isCurrent(e));
    this.eventsAccepted += relevant.length;
    return relevant;
  }

  /**
   * The wake-up decision. Only a completion naming this refresh's provider id (which the provider's
   * own signed webhook carries) ends the wait by itself, and only for providers that allow it and
   * before any MFA step: a bare or timestamp-only completion may be forged, early, or the previous
   * refresh's, so a status read decides (and says CHALLENGED when the provider waits for the user).
   */
  decideWake(events: ProviderEvent[], trustCompletionEvent: boolean): WakeDecision {
    if (events.every((e) => e.kind === 'REFRESH_STARTED')) return 'KEEP_WAITING';
    const proven =
      trustCompletionEvent &&
      !this.challengeSeen &&
      events.some((e) => e.kind === 'REFRESH_COMPLETED' && this.namesThisRefresh(e));
    return proven ? 'COMPLETED' : 'CONFIRM_BY_STATUS';
  }

  private namesThisRefresh(event: ProviderEvent): boolean {
    return !!event.refreshId && !!this.refreshId && event.refreshId === this.refreshId;
  }

  private isCurrent(event: ProviderEvent): boolean {
    if (event.refreshId && this.refreshId && event.refreshId !== this.refreshId) return false;
    if (event.occurredAt && this.refreshStartedAt !== null) {
      const at = Date.parse(event.occurredAt);
      if (at < this.refreshStartedAt - EVENT_SKEW_MS) return false;
    }
    return true;
  }

  /** The run result: the shared outcome plus every caller's outcome. */
  run(): BalanceCheckRun {
    const shared = this.outcome!;
    return { ...shared, callers: this.callers.map((c) => callerOutcome(shared, c)) };
  }

  /** A caller's answer: once the refresh has ended, or at once for a caller who withdrew. */
  private answerOf(caller: CallerRecord) {
    if (this.outcome) return callerAnswer(this.outcome, caller);
    if (!caller.withdrawn) return null;
    const now = new Date(Date.now()).toISOString();
    return callerAnswer(
      {
        status: 'CANCELED',
        provider: this.input.provider,
        resource: this.input.resource,
        balances: [],
        startedAt: caller.joinedAt,
        finishedAt: now,
        polls: this.polls,
        eventsAccepted: this.eventsAccepted,
        mfaRounds: this.mfaRounds,
      },
      caller,
    );
  }

  /**
   * The check as one caller sees it (its own answer, challenges only while it is a caller). Without a
   * caller id it is the operator's view (Temporal UI / CLI: no API owner binding applies there): the
   * challenges, and the shared outcome once decided.
   */
  view(callerId?: string): BalanceCheckState {
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    const operator = callerId === undefined;
    const caller = operator ? null : (this.caller(callerId) ?? null);
    const seesChallenges = operator || (caller !== null && !caller.withdrawn);
    return {
      phase: this.phase,
      provider: this.input.provider,
      resource: this.input.resource,
      providerStatus: this.providerStatus,
      challenges: this.phase === 'WAITING_FOR_MFA' && seesChallenges ? this.challenges : [],
      polls: this.polls,
      nextPollAt: iso(this.nextPollAt),
      deadline: new Date(this.deadline).toISOString(),
      mfaDeadline: iso(this.mfaDeadline),
      startedAt: new Date(this.startedAt).toISOString(),
      callers: this.callers.length,
      caller,
      result: operator ? this.sharedAnswer() : caller ? this.answerOf(caller) : null,
    };
  }

  /** The shared outcome as an answer (every account, no funding decision): what operators see. */
  private sharedAnswer(): BalanceCheckResult | null {
    if (!this.outcome) return null;
    const { owner: _owner, ...shared } = this.outcome;
    return shared;
  }
}

/** Signals arrive from outside (API, relays, the CLI): check the shape by hand (no zod in workflows). */
export function isProviderEvent(value: unknown): value is ProviderEvent {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Record<string, unknown>;
  const optionalString = (v: unknown) => v === undefined || (typeof v === 'string' && v.length <= 500);
  return (
    typeof e.eventId === 'string' &&
    e.eventId.length > 0 &&
    e.eventId.length <= 500 &&
    typeof e.provider === 'string' &&
    typeof e.kind === 'string' &&
    EVENT_KINDS.includes(e.kind) &&
    optionalString(e.providerStatus) &&
    optionalString(e.occurredAt) &&
    optionalString(e.refreshId)
  );
}
