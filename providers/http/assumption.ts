// The shape of one provider assumption (providers/<name>/assumptions.ts). Each names where the fact
// comes from, what breaks if it is wrong, and — when the guess sits on a request or a parse — the
// simulator mode that behaves the other way, so test/workflow/assumptions-wrong.test.ts can run the
// check with the guess wrong.
export interface ProviderAssumption {
  id: string;
  /** What we assume. */
  statement: string;
  /** `seed <file>:<line>`, `PROVIDERS.md: <section>`, `spec <path>`, or `guess`. */
  source: string;
  /** What a check would do if the assumption were wrong, and what we do about it. */
  ifWrong: string;
  /** The code that holds the guess. */
  where: string;
  /** Simulator mode (setAssumptionModes key=value) that behaves the other way, when the guess is on the wire. */
  simulatorMode?: string;
}
