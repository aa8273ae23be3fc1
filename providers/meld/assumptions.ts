// Every Meld detail we model that Meld's own documentation does not settle, in one place.
// Confirmed details (auth header, endpoints, statuses, signature algorithm, signage) are cited
// where they are used; the items below are our reading and are named here so they can be
// revisited when Meld confirms or contradicts them.

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
   * While a refresh job runs, the connection reads IN_PROGRESS (Meld documents IN_PROGRESS for the
   * widget flow; refresh → 409 in that status). We join such a refresh rather than start one.
   */
  inProgressMeansRefreshRunning: true,
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
  /** Largest page Meld serves (documented 1–100) and the page cap that guards a cursor loop. */
  maxPageLimit: 100,
  maxPages: 1000,
} as const;
