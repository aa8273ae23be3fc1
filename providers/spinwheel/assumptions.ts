// Every Spinwheel detail we could NOT confirm from Spinwheel's own documentation lives here.
// Sources for these are third-party material (see /work/shared/PROVIDERS.md, "unconfirmed").
// The client, schemas, webhook translator and simulator read them from here, so a correction
// after a sandbox run is a one-file change.

/** Spinwheel serves US liabilities only and its money fields carry no currency code: we read them as USD. */
export const SPINWHEEL_CURRENCY = 'USD';

/**
 * Capability name sent per card in the refresh body (`creditCards[].capabilities`).
 * Only third-party examples show REALTIME_BALANCE.
 */
export const REALTIME_BALANCE_CAPABILITY = 'REALTIME_BALANCE';

/**
 * Refresh status poll path. Spinwheel documents the webhook; this GET keyed by our extRequestId
 * appears only in third-party material. Its answer is assumed to be the refresh answer's shape
 * (`data[]` of refresh items), one item per card of the transaction.
 */
export function refreshStatusPath(userId: string, extRequestId: string): string {
  return `/v1/users/${encodeURIComponent(userId)}/liabilities/refresh/${encodeURIComponent(extRequestId)}`;
}

/** Webhook event type that carries refresh progress (named by Spinwheel; the envelope around it is not). */
export const REFRESH_WEBHOOK_EVENT_TYPE = 'REFRESH_TRANSACTION_STATUS';

/**
 * Refreshing a card that is not SUPPORTED: Spinwheel says "only request SUPPORTED liabilities"
 * but does not document the error. The simulator answers 400 with the `{status, data}` envelope.
 */
export const UNSUPPORTED_REFRESH_HTTP_STATUS = 400;

/**
 * Behavioural assumptions with no value to hold, listed so code comments can point here and the
 * README can print them. Each one is modelled as stated by the code named in `where`.
 */
export const SPINWHEEL_ASSUMPTIONS = [
  {
    id: 'balance-details-fields',
    where: 'schemas.ts, normalize.ts',
    statement:
      'creditCards[].balanceDetails holds outstandingBalance, availableCredit, minimumPaymentDue and updatedOn ' +
      '(epoch ms). Every field is optional; a missing one becomes null instead of failing the user read.',
  },
  {
    id: 'status-answer-shape',
    where: 'schemas.ts, client.ts',
    statement: 'The refresh status GET answers like the refresh POST: data[] of refresh items, one per card.',
  },
  {
    id: 'webhook-data-shape',
    where: 'webhook.ts, simulator/webhooks.ts',
    statement:
      'REFRESH_TRANSACTION_STATUS data mirrors one refresh item {extRequestId?, refreshTransactionId?, ' +
      'refreshTransactionStatus, creditCardId}; an array of items is accepted too. Hence trustCompletionEvent=false.',
  },
  {
    id: 'webhook-terminal-only',
    where: 'simulator/webhooks.ts',
    statement:
      'One webhook per card when its refresh turns COMPLETED or FAILED; no IN_PROGRESS webhook is simulated.',
  },
  {
    id: 'ext-request-id-replay',
    where: 'simulator/state.ts, provider.ts',
    statement:
      'A refresh POST with an extRequestId already used for the user returns that transaction (current item ' +
      'statuses) and starts nothing, whatever cards the body names.',
  },
  {
    id: 'no-refresh-budget',
    where: 'simulator/state.ts',
    statement:
      'The simulator does not spend a refresh budget: a SUPPORTED card stays SUPPORTED after a refresh. ' +
      'REFRESH_EXHAUSTED exists only as fixed sandbox data.',
  },
] as const;

/** Status codes/descriptions of the envelope on success, as seen in third-party samples. */
export const SUCCESS_STATUS = { code: 200, desc: 'success' } as const;
