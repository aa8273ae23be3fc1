// When to read the provider's status next: a floor the provider asks for, backoff with jitter, a cap.
import type { CheckTimeouts } from '../contracts/balance-check';
import type { PollingProfile } from '../contracts/provider';

export interface PollSchedule {
  firstMs: number;
  capMs: number;
}

export function pollSchedule(profile: PollingProfile, timeouts: CheckTimeouts = {}): PollSchedule {
  const requested =
    timeouts.pollIntervalSeconds !== undefined ? timeouts.pollIntervalSeconds * 1000 : profile.minIntervalMs;
  const firstMs = Math.max(requested, profile.minIntervalMs);
  const requestedCap =
    timeouts.maxPollIntervalSeconds !== undefined
      ? timeouts.maxPollIntervalSeconds * 1000
      : profile.maxIntervalMs;
  return { firstMs, capMs: Math.max(firstMs, requestedCap) };
}

/**
 * Delay before poll number `attempt` (0-based): first × 1.5^attempt, capped, with ±20 % jitter
 * that never goes under the provider's floor. `random` is the workflow's deterministic Math.random.
 */
export function pollDelayMs(schedule: PollSchedule, attempt: number, random: () => number): number {
  const base = Math.min(schedule.capMs, schedule.firstMs * Math.pow(1.5, attempt));
  const jittered = base * (0.8 + 0.4 * random());
  return Math.round(Math.min(schedule.capMs, Math.max(schedule.firstMs, jittered)));
}
