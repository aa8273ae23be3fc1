// Every Meld detail the seed (shared/seeds/meld-balances-product.txt) and PROVIDERS.md do not settle,
// in one place. MELD_ASSUMPTIONS holds the values the code reads; MELD_ASSUMPTION_LIST names each guess
// with its source, what breaks if it is wrong, and the simulator mode that behaves the other way
// (test/workflow/assumptions-wrong.test.ts runs the check in each).
import type { ProviderAssumption } from '../http/assumption';

const SEED = 'seed meld-balances-product.txt';

export const MELD_ASSUMPTIONS = {
  /**
   * Webhook timestamp header format. Meld's published example uses ISO 8601 with microseconds
   * (`2022-05-26T20:25:17.682818Z`); one third-party integrator documents epoch seconds. We accept
   * both: ISO 8601 first, an all-digit value as epoch seconds.
   */
  webhookTimestampFormats: ['ISO_8601', 'EPOCH_SECONDS'] as const,
  /**
   * Event names. Meld's event list spells them BANK_LINKING_CONNECTION_STATUS_CHANGE and
   * BANK_LINKING_CUSTOMER_ACTION_REQUIRED; our brief names them without the prefix. We accept both.
   */
  statusChangeEvents: ['BANK_LINKING_CONNECTION_STATUS_CHANGE', 'CONNECTION_STATUS_CHANGE'],
  actionRequiredEvents: ['BANK_LINKING_CUSTOMER_ACTION_REQUIRED', 'CUSTOMER_ACTION_REQUIRED'],
  /**
   * IN_PROGRESS is a connection lifecycle state: PROVIDERS.md lists it with RECONNECT_REQUIRED, EXPIRED
   * and DELETED as "not refreshable (refresh → 409)", i.e. the customer has not finished linking. It is
   * not "a refresh is running" (Meld has no refresh-status endpoint at all). A connection that reads
   * IN_PROGRESS but was aggregated before cannot be mid-linking, so it is joined as a running refresh:
   * the check ends right under either reading.
   */
  inProgressMeaning: 'LINKING_NOT_FINISHED',
  /** Meld documents no Retry-After on 429; when present we surface it as retryAt. */
  retryAfterOn429: 'optional',
  /**
   * Pending transactions: `GET /bank-linking/transactions?financialAccountId=&status=PENDING`
   * (documented filter) paginated like accounts (`limit` ≤ 100, `after` = last record's `key`).
   * The paging limit and the `status` field on each record are not in Meld's sample response.
   */
  pendingTransactionsPath: '/bank-linking/transactions',
  /** Meld answers `balances: null` or omits the currency for accounts without the BALANCES product. */
  currencyWhenAbsent: 'USD',
  /**
   * CREDIT accounts: Meld's data-normalization page says balances are positive for what the customer
   * owes, which is our contract's convention, so currentAmount passes through unchanged. We read
   * availableAmount on a credit account as available credit (Plaid's convention, which Meld maps).
   */
  creditAvailableIsAvailableCredit: true,
  /**
   * Meld's sample `updatedAt` has second precision while our refresh start has milliseconds, so an
   * account counts as refreshed when updatedAt ≥ startedAt truncated to the second.
   */
  freshnessGranularityMs: 1000,
  /** DEGRADED reasons that need the customer (docs: "customer required for every refresh" etc.). */
  customerActionDegradedReasons: ['INTERACTIVE_REFRESH', 'INSTITUTION_ACTION_REQUIRED'],
  /**
   * Account `status` words that mean the account cannot move money: excluded from the freshness test
   * (they never update) and from the balances unless asked for by id (then CACHED with the reason).
   * The seed shows only ACTIVE; an unknown word counts as active, so a new word never hides an account.
   */
  inactiveAccountStatuses: ['CLOSED', 'INACTIVE', 'DELETED', 'ARCHIVED', 'DISABLED'],
  /** Meld-Version sent on every call (MELD_VERSION overrides). */
  defaultMeldVersion: '2023-12-19',
  /** Largest page Meld serves (documented 1–100) and the page cap that guards a cursor loop. */
  maxPageLimit: 100,
  maxPages: 1000,
} as const;

export const MELD_ASSUMPTION_LIST: readonly ProviderAssumption[] = [
  {
    id: 'connection-from-list',
    statement:
      'Connection status is read from GET /bank-linking/connections (list, found by id), never from a ' +
      'single-connection GET that no document we hold names.',
    source: 'PROVIDERS.md: Meld ("GET /bank-linking/connections → {connections[], count, remaining}")',
    ifWrong:
      'customerId filtering is a guess: if Meld ignores it the id is still found, paging on `after` while `remaining` > 0.',
    where: 'client.ts (findConnection), provider.ts',
    simulatorMode: 'singleConnectionGet=absent',
  },
  {
    id: 'completion-by-balances',
    statement:
      'No refresh-status endpoint: completion comes by BANK_LINKING_ACCOUNTS_UPDATED, and a poll sees it when every ' +
      'active account’s balances.updatedAt reaches the refresh start.',
    source: `PROVIDERS.md: Meld ("There is no refresh-status endpoint"); ${SEED}:32-37 (balances.updatedAt)`,
    ifWrong: 'Nothing to switch: this is the documented read.',
    where: 'provider.ts (readRefreshStatus)',
  },
  {
    id: 'in-progress-meaning',
    statement:
      'Connection IN_PROGRESS = linking not finished (not refreshable, like RECONNECT_REQUIRED/EXPIRED/DELETED). At ' +
      'start a never-aggregated IN_PROGRESS connection ends ACTION_REQUIRED CONNECTION_NOT_READY; one aggregated ' +
      'before is joined as a running refresh; during our refresh IN_PROGRESS keeps the poll waiting on balances.',
    source:
      'PROVIDERS.md: Meld (IN_PROGRESS listed among "not refreshable (refresh → 409)" lifecycle states)',
    ifWrong:
      'If IN_PROGRESS means "a refresh is running", the connection reads it during every refresh: polls still decide ' +
      'on balances.updatedAt and a start joins it, so the check completes either way.',
    where: 'connection-status.ts, provider.ts',
    simulatorMode: 'inProgressMeaning=refresh-running',
  },
  {
    id: 'meld-version',
    statement: `Meld-Version: ${MELD_ASSUMPTIONS.defaultMeldVersion} on every call (MELD_VERSION overrides).`,
    source:
      'guess for the date: PROVIDERS.md documents the optional header and its YYYY-MM-DD form, and that responses ' +
      'echo the version used, but no document we hold names a current date',
    ifWrong:
      'Meld serves the account default version instead; the fields we read are those of the seed sample.',
    where: 'client.ts (call)',
  },
  {
    id: 'inactive-account-statuses',
    statement: `Account status ${MELD_ASSUMPTIONS.inactiveAccountStatuses.join('/')} = not usable; anything else = active.`,
    source: `guess (${SEED}:24 shows only "status": "ACTIVE")`,
    ifWrong:
      'A closed account under another word counts as active: it never updates, so polls wait for it, but the signed ' +
      'UPDATED webhook still completes the check and the account comes back CACHED NOT_UPDATED_BY_REFRESH.',
    where: 'provider.ts (isInactive)',
    simulatorMode: 'setAccountStatus(id, "CLOSED" | "INACTIVE")',
  },
  {
    id: 'webhook-timestamp-format',
    statement: 'meld-signature-timestamp is ISO 8601 (Meld example) or epoch seconds (third party).',
    source: 'guess (two sources disagree; both accepted)',
    ifWrong: 'A third format fails verification: the webhook is refused and polling ends the check.',
    where: 'signature.ts',
  },
  {
    id: 'pending-transactions',
    statement: 'PENDING transactions via GET /bank-linking/transactions?financialAccountId=&status=PENDING.',
    source: `guess (${SEED}:14 says to use the transactions endpoint, not how)`,
    ifWrong: 'Only the current − pending basis of sufficiency is affected; the balance read is not.',
    where: 'client.ts (listPendingTransactions)',
  },
  {
    id: 'retry-after-on-429',
    statement:
      'A 429 refresh is the service provider throttle ("do not loop"): no retry; Retry-After, when sent, becomes retryAt.',
    source: 'PROVIDERS.md: Meld (429 "do not loop")',
    ifWrong: 'Without Retry-After the check still ends FAILED PROVIDER_THROTTLED at once, without retryAt.',
    where: 'errors.ts, provider.ts (throttleReason)',
  },
];
