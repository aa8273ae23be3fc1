// The job machine: how one member's connection_status, is_being_aggregated and
// successfully_aggregated_at move during a balance job, following MX's guides:
//   start: status unchanged (e.g. CONNECTED), is_being_aggregated true, aggregated_at = now
//   MFA: CHALLENGED with is_being_aggregated still true (MX's MFA guide shows it so: the job is paused, not over)
//   resume: RESUMED, aggregating → CONNECTED (success) | DENIED (wrong answer) | CHALLENGED again
//   end: CONNECTED, not aggregating, successfully_aggregated_at = now; failures end aggregating too.
import { MX_SANDBOX_ANSWERS, MX_SANDBOX_CHALLENGES, type SandboxChallenge } from '../sandbox';
import type { SimTimers } from '../../simulator-kit';
import { mxTime, type MemberJob, type MemberState } from './store';
import type { MxWebhookSender } from './webhooks';

export interface JobTiming {
  /** One whole job (login + fetch), already scaled. */
  jobMs: number;
  /** How long MX waits for an MFA answer before EXPIRED, already scaled. */
  challengeTimeoutMs: number;
}

type Verdict = 'success' | 'second' | 'denied';

export class MxJobs {
  private seq = 0;
  private readonly startCounts = new Map<string, number>();

  constructor(
    private readonly scheduler: SimTimers,
    private readonly webhooks: MxWebhookSender,
    private readonly timing: JobTiming,
  ) {}

  /** Real job starts per `${userId}:${memberId}`. */
  starts(resourceKey: string): number {
    return this.startCounts.get(resourceKey) ?? 0;
  }

  resetCounts(): void {
    this.startCounts.clear();
  }

  start(m: MemberState, kind: MemberJob['kind'], durationMs?: number): void {
    const job: MemberJob = { id: ++this.seq, kind, guid: `JOB-sim-${this.seq}` };
    const now = Date.now();
    Object.assign(m, {
      job,
      is_being_aggregated: true,
      aggregated_at: mxTime(now),
      round: 0,
      challenges: [],
    });
    if (kind === 'balance') {
      m.starts.push(now);
      const key = `${m.userGuid}:${m.guid}`;
      this.startCounts.set(key, this.starts(key) + 1);
    }
    const half = (durationMs ?? this.jobMs(m)) / 2;
    this.later(m, job, half, () => (kind === 'other' ? this.succeed(m, job) : this.afterLogin(m, job, half)));
  }

  /** Validates and applies MFA answers. Returns the HTTP status and an error message when refused. */
  resume(
    m: MemberState,
    answers: { guid?: unknown; value?: unknown }[],
  ): { status: number; message?: string } {
    const job = m.job;
    if (m.connection_status !== 'CHALLENGED' || !job)
      return { status: 405, message: 'Member is not CHALLENGED' };
    const byGuid = new Map(answers.map((a) => [a.guid, a.value]));
    const unknown = answers.find((a) => !m.challenges.some((c) => c.guid === a.guid));
    if (unknown) return { status: 400, message: `Unknown challenge guid ${String(unknown.guid)}` };
    const missing = m.challenges.find((c) => typeof byGuid.get(c.guid) !== 'string');
    if (missing) return { status: 400, message: `No answer for challenge ${missing.guid}` };
    const verdict = this.judge(m, String(byGuid.get(m.challenges[0]!.guid)));
    Object.assign(m, { connection_status: 'RESUMED', challenges: [], round: m.round + 1 });
    const half = this.jobMs(m) / 2;
    this.later(m, job, half, () => {
      if (verdict === 'success') this.later(m, job, half, () => this.succeed(m, job));
      else if (verdict === 'second') this.challenge(m, job, MX_SANDBOX_CHALLENGES.second);
      else this.fail(m, 'DENIED');
    });
    return { status: 202 };
  }

  private judge(m: MemberState, value: string): Verdict {
    if (m.scenario === 'challenge-twice' && m.round === 0)
      return value === MX_SANDBOX_ANSWERS.secondQuestion ? 'second' : 'denied';
    // OPTIONS: MX's resume carries the chosen option's value, not its guid.
    return value === MX_SANDBOX_ANSWERS.correct ? 'success' : 'denied';
  }

  private afterLogin(m: MemberState, job: MemberJob, half: number): void {
    switch (m.scenario) {
      case 'challenge':
      case 'challenge-twice':
        return this.challenge(m, job, MX_SANDBOX_CHALLENGES.text);
      case 'options':
        return this.challenge(m, job, MX_SANDBOX_CHALLENGES.options);
      case 'denied':
        return this.fail(m, 'DENIED');
      case 'failed':
        return this.fail(m, 'FAILED');
      default:
        this.later(m, job, half, () => this.succeed(m, job));
    }
  }

  private challenge(m: MemberState, job: MemberJob, challenge: SandboxChallenge): void {
    Object.assign(m, { connection_status: 'CHALLENGED', challenges: [challenge], is_authenticated: false });
    this.notify(m, () => this.webhooks.connectionStatus(m));
    const round = m.round;
    // Unanswered MFA ends the job as EXPIRED.
    this.later(m, job, this.timing.challengeTimeoutMs, () => {
      if (m.round === round && m.connection_status === 'CHALLENGED') this.fail(m, 'EXPIRED');
    });
  }

  private succeed(m: MemberState, job: MemberJob): void {
    const now = Date.now();
    Object.assign(m, {
      connection_status: 'CONNECTED',
      is_being_aggregated: false,
      is_authenticated: true,
      job: null,
    });
    m.successfully_aggregated_at = mxTime(now);
    for (const a of m.accounts) a.updated_at = mxTime(now);
    // Only a balance job sends BALANCE; other job types have their own webhooks, not simulated.
    if (job.kind === 'balance') this.notify(m, () => this.webhooks.balance(m, now));
  }

  private fail(m: MemberState, status: string): void {
    Object.assign(m, { connection_status: status, is_being_aggregated: false, challenges: [], job: null });
    this.notify(m, () => this.webhooks.connectionStatus(m));
  }

  private notify(m: MemberState, send: () => void): void {
    if (m.scenario !== 'no-webhook') send();
  }

  private jobMs(m: MemberState): number {
    return m.scenario === 'slow' ? this.timing.jobMs * 10 : this.timing.jobMs;
  }

  /** Runs `fn` later only if the same job is still the member's current one. */
  private later(m: MemberState, job: MemberJob, ms: number, fn: () => void): void {
    this.scheduler.after(ms, () => {
      if (m.job === job) fn();
    });
  }
}
