// Simulator modes that make MX behave the other way from a guess in assumptions.ts, so a test can run
// a check with the guess wrong (test/workflow/assumptions-wrong.test.ts).
export interface MxAssumptionModes {
  /** Whether the per-member throttle's 429 carries Retry-After. */
  throttleRetryAfter: boolean;
}

export const DEFAULT_MX_MODES: MxAssumptionModes = { throttleRetryAfter: true };
