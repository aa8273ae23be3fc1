// Every Spinwheel detail the seed (shared/seeds/spinwheel-real-time-balance-guide.txt) does not settle,
// in one place. The client, schemas, webhook translator and simulator read the values from here, and
// SPINWHEEL_ASSUMPTIONS lists each guess with its source, what breaks if it is wrong, and the simulator
// mode that behaves the other way (test/workflow/assumptions-wrong.test.ts runs the check in each).
import type { ProviderAssumption } from '../http/assumption';

const GUIDE = 'seed spinwheel-real-time-balance-guide.txt';

/** Spinwheel serves US liabilities only and its money fields carry no currency code: we read them as USD. */
export const SPINWHEEL_CURRENCY = 'USD';

/** Capability name sent per card in the refresh body (`creditCards[].capabilities`); configurable. */
export const REALTIME_BALANCE_CAPABILITY = 'REALTIME_BALANCE';

/**
 * The optional accelerator: a refresh status GET keyed by our extRequestId. No Spinwheel document
 * names it, so it is off unless configured, probed once, and a 404/405 (or an answer of another
 * shape) switches the provider instance to the documented path (webhook + retrieve user).
 */
export function refreshStatusPath(userId: string, extRequestId: string): string {
  return `/v1/users/${encodeURIComponent(userId)}/liabilities/refresh/${encodeURIComponent(extRequestId)}`;
}

/** Webhook event type that carries refresh progress (the guide names the webhook, not the envelope). */
export const REFRESH_WEBHOOK_EVENT_TYPE = 'REFRESH_TRANSACTION_STATUS';

/**
 * Refreshing a card that is not SUPPORTED: Spinwheel says "only request SUPPORTED liabilities"
 * but does not document the error. The simulator answers 400 with the `{status, data}` envelope.
 */
export const UNSUPPORTED_REFRESH_HTTP_STATUS = 400;

/**
 * Documented path: a card counts as refreshed when its balanceDetails.updatedOn reaches the refresh
 * start. A FAILED card keeps its old balance (guide line 61), which a user read cannot tell from a
 * slow one, so after this long without a new updatedOn the card is reported REFRESH_NOT_CONFIRMED.
 */
export const DEFAULT_REFRESH_SETTLE_MS = 120_000;

/** updatedOn may be stamped in whole seconds: compare against the refresh start floored to the second. */
export const UPDATED_ON_GRANULARITY_MS = 1000;

/** Status codes/descriptions of the envelope on success, as seen in third-party samples. */
export const SUCCESS_STATUS = { code: 200, desc: 'success' } as const;

export const SPINWHEEL_ASSUMPTIONS: readonly ProviderAssumption[] = [
  {
    id: 'completion-by-user-read',
    statement:
      'After COMPLETED the new balance is on GET /v1/users/{id} with a newer data.creditCards[].balanceDetails.updatedOn; ' +
      'polling that read (comparing updatedOn with the refresh start) is the fallback when webhooks are lost.',
    source: `${GUIDE}:48-52 (documented)`,
    ifWrong:
      'If updatedOn never moves, no poll sees the refresh end: after the settle window the card is CACHED with ' +
      'REFRESH_NOT_CONFIRMED (all cards: FAILED REFRESH_NOT_CONFIRMED), never a timeout.',
    where: 'provider.ts (documentedStatus, settleMs)',
  },
  {
    id: 'updated-on-epoch-ms',
    statement: 'balanceDetails.updatedOn is epoch milliseconds (the guide names the field, not its format).',
    source: `guess (${GUIDE}:52 names updatedOn; PROVIDERS.md marks balanceDetails unconfirmed)`,
    ifWrong:
      'An ISO 8601 string would fail a number-only schema and fail every user read; the schema takes epoch ms ' +
      'or an ISO string.',
    where: 'schemas.ts (epochMs)',
    simulatorMode: 'updatedOnFormat=iso-8601',
  },
  {
    id: 'balance-details-fields',
    statement:
      'balanceDetails holds outstandingBalance, availableCredit, minimumPaymentDue (dollars, JSON numbers). ' +
      'Every field is optional; a missing one becomes null instead of failing the user read.',
    source: 'guess (PROVIDERS.md: Spinwheel, "balanceDetails unconfirmed")',
    ifWrong: 'Amounts read as null (unknown), never as a wrong number.',
    where: 'schemas.ts, normalize.ts',
  },
  {
    id: 'capability-name',
    statement:
      'The refresh body names the capability per card as creditCards[].capabilities: ["REALTIME_BALANCE"].',
    source: 'guess (PROVIDERS.md: Spinwheel, "Capability name REALTIME_BALANCE unconfirmed")',
    ifWrong:
      'Spinwheel answers 400 to the refresh: the client retries once without `capabilities` (same extRequestId) and ' +
      'keeps sending it without for that provider instance. Configurable: SPINWHEEL_CAPABILITY_NAME.',
    where: 'client.ts (refreshLiabilities)',
    simulatorMode: 'capabilityName=REAL_TIME_BALANCE',
  },
  {
    id: 'status-endpoint',
    statement:
      'GET /v1/users/{id}/liabilities/refresh/{extRequestId} answers like the refresh POST (data[] of refresh items).',
    source: 'guess (third-party material only; PROVIDERS.md: "(unconfirmed)")',
    ifWrong:
      'Off by default (SPINWHEEL_STATUS_ENDPOINT=probe turns it on). A 404/405 or an answer of another shape switches ' +
      'the provider instance to the documented path without failing the check.',
    where: 'client.ts (getRefreshStatus), provider.ts',
    simulatorMode: 'statusEndpoint=absent | statusEndpoint=method-not-allowed',
  },
  {
    id: 'webhook-data-shape',
    statement:
      'REFRESH_TRANSACTION_STATUS data mirrors one refresh item {extRequestId, refreshTransactionId, ' +
      'refreshTransactionStatus, creditCardId}; an array of items is accepted too. extRequestId becomes ProviderEvent.refreshId.',
    source: `guess (${GUIDE}:51,56-61 name the webhook and its three statuses, not its body)`,
    ifWrong:
      'Without extRequestId the event names no refresh, so the workflow confirms it with a status read; a body of ' +
      'another shape is ignored and polling ends the check. trustCompletionEvent stays false either way.',
    where: 'webhook.ts',
    simulatorMode: 'webhookExtRequestId=false',
  },
  {
    id: 'in-progress-webhooks',
    statement: 'Spinwheel sends an IN_PROGRESS webhook per card; it wakes no status read (REFRESH_STARTED).',
    source: `${GUIDE}:51,59 (documented status of the webhook)`,
    ifWrong: 'Nothing depends on it: COMPLETED/FAILED webhooks and polling end the check.',
    where: 'webhook.ts, simulator/webhooks.ts',
    simulatorMode: 'inProgressWebhooks=false',
  },
  {
    id: 'ext-request-id-replay',
    statement:
      'A refresh POST with an extRequestId already used for the user returns that transaction and starts nothing.',
    source:
      'PROVIDERS.md: Spinwheel ("extRequestId is the caller\'s idempotency key"); the replay answer is a guess',
    ifWrong:
      'If Spinwheel answers a replay with 409, the client reads it as "already started" (an activity retry after a ' +
      'lost answer), so the check goes on waiting for the first transaction.',
    where: 'client.ts (refreshLiabilities), simulator/state.ts',
    simulatorMode: 'replay=conflict',
  },
  {
    id: 'no-refresh-budget',
    statement:
      'The simulator spends no refresh budget: a SUPPORTED card stays SUPPORTED after a refresh. ' +
      'REFRESH_EXHAUSTED exists only as fixed sandbox data.',
    source: `guess (${GUIDE}:80-84 shows REFRESH_EXHAUSTED, not when it starts)`,
    ifWrong:
      'Eligibility is read fresh before every refresh, so a spent budget shows as NOT_SUPPORTED at start.',
    where: 'simulator/state.ts, provider.ts (startRefresh)',
  },
  {
    id: 'currency-usd',
    statement: 'Money fields carry no currency: USD.',
    source: 'PROVIDERS.md: Spinwheel ("Money: JSON numbers in dollars")',
    ifWrong: 'Not on the wire; Spinwheel serves US liabilities only.',
    where: 'normalize.ts',
  },
];
