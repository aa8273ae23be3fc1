// The balanceCheck workflow's in-memory state: what handlers write and the main story reads.
import type {
  BalanceCheckInput,
  BalanceCheckResult,
  BalanceCheckState,
  ChallengeView,
  CheckPhase,
  MfaSubmission,
  ProviderEvent,
} from '../contracts/balance-check';

/** Webhook timestamps have second precision (MX completed_at); allow that much skew. */
const EVENT_SKEW_MS = 1000;
const MAX_REMEMBERED_EVENT_IDS = 200;

export class CheckState {
  phase: CheckPhase = 'STARTING';
  providerStatus: string | null = null;
  challenges: ChallengeView[] = [];
  polls = 0;
  eventsAccepted = 0;
  eventsIgnored = 0;
  mfaRounds = 0;
  nextPollAt: number | null = null;
  mfaDeadline: number | null = null;
  result: BalanceCheckResult | null = null;
  /** Provider-side start of this check's refresh; events older than this are stale. */
  refreshStartedAt: number | null = null;
  refreshId: string | null = null;
  /** Accepted events the main loop has not looked at yet. */
  readonly pendingEvents: ProviderEvent[] = [];
  /** MFA answers accepted by the update, waiting for the main loop to send them. */
  pendingSubmission: MfaSubmission | null = null;
  /** Rounds whose answers the provider has taken (the update waits for its round). */
  answeredRounds = 0;
  answerError: string | null = null;
  private readonly seenEventIds: string[] = [];

  constructor(
    readonly input: BalanceCheckInput,
    readonly startedAt: number,
    readonly deadline: number,
  ) {}

  /** Signal handler: drop duplicates and events of another provider; keep the rest for the loop. */
  acceptEvent(event: ProviderEvent): void {
    if (this.result || event.provider !== this.input.provider || this.seenEventIds.includes(event.eventId)) {
      this.eventsIgnored++;
      return;
    }
    this.seenEventIds.push(event.eventId);
    if (this.seenEventIds.length > MAX_REMEMBERED_EVENT_IDS) this.seenEventIds.shift();
    this.pendingEvents.push(event);
  }

  /**
   * Takes the pending events that concern this refresh (stale ones — older than the refresh,
   * or naming another refresh — are counted and dropped). Needs the refresh to have started.
   */
  takeRelevantEvents(): ProviderEvent[] {
    const events = this.pendingEvents.splice(0);
    const relevant = events.filter((e) => this.isCurrent(e));
    this.eventsIgnored += events.length - relevant.length;
    this.eventsAccepted += relevant.length;
    return relevant;
  }

  private isCurrent(event: ProviderEvent): boolean {
    if (event.refreshId && this.refreshId && event.refreshId !== this.refreshId) return false;
    if (event.occurredAt && this.refreshStartedAt !== null) {
      const at = Date.parse(event.occurredAt);
      if (!Number.isNaN(at) && at < this.refreshStartedAt - EVENT_SKEW_MS) return false;
    }
    return true;
  }

  /**
   * Not provably after this refresh's start (MX stamps in whole seconds, and its refresh start is
   * floored to the second): it may be the previous refresh's completion, so it must not end the
   * wait by itself — a status read decides. Real refreshes take seconds, so this rarely costs a read.
   */
  predatesRefresh(event: ProviderEvent): boolean {
    if (!event.occurredAt || this.refreshStartedAt === null) return false;
    const at = Date.parse(event.occurredAt);
    return !Number.isNaN(at) && at <= this.refreshStartedAt;
  }

  view(): BalanceCheckState {
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return {
      phase: this.phase,
      provider: this.input.provider,
      resource: this.input.resource,
      providerStatus: this.providerStatus,
      challenges: this.phase === 'WAITING_FOR_MFA' ? this.challenges : [],
      polls: this.polls,
      nextPollAt: iso(this.nextPollAt),
      deadline: new Date(this.deadline).toISOString(),
      mfaDeadline: iso(this.mfaDeadline),
      startedAt: new Date(this.startedAt).toISOString(),
      result: this.result,
    };
  }
}
