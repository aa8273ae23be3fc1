// The shared-store counterparts of the in-memory rate limiter and event-id set: the same operations,
// asynchronous because the state lives in a database every API replica uses.
export type RateVerdict = { ok: true } | { ok: false; retryAfterSeconds: number };

export interface SharedRateLimiter {
  /** Takes one token from the key's bucket; when none is left, says how long until one is. */
  take(key: string, perMinute: number): Promise<RateVerdict>;
}

export interface SharedEventIds {
  /** True when the id was seen (by any replica); otherwise records it. */
  seen(id: string): Promise<boolean>;
  forget(id: string): Promise<void>;
}

/** What the webhook routes need: the in-memory RecentEventIds or a SharedEventIds. */
export interface EventIdDedupe {
  seen(id: string): boolean | Promise<boolean>;
  forget(id: string): void | Promise<void>;
}
