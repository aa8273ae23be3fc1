// Simulator modes that make Meld behave the other way from a guess in assumptions.ts, so a test can
// run a check with the guess wrong (test/workflow/assumptions-wrong.test.ts).
export interface MeldAssumptionModes {
  /**
   * `linking`: IN_PROGRESS only while a connection is being linked (our reading). `refresh-running`:
   * the connection also reads IN_PROGRESS while a refresh job runs.
   */
  inProgressMeaning: 'linking' | 'refresh-running';
  /** GET /bank-linking/connections/{id}, which no document we hold names: served, or 404. */
  singleConnectionGet: 'served' | 'absent';
}

export const DEFAULT_MELD_MODES: MeldAssumptionModes = {
  inProgressMeaning: 'linking',
  singleConnectionGet: 'served',
};
