// MX details that neither MX's spec (shared/specs/mx-platform-v20250224.yml) nor the seeds settle, in
// one place, each with its source, what breaks if it is wrong, and the simulator mode (or fault) that
// behaves the other way (test/workflow/assumptions-wrong.test.ts runs the check in each).
import type { ProviderAssumption } from '../http/assumption';

export const MX_ASSUMPTIONS: readonly ProviderAssumption[] = [
  {
    id: 'throttle-429',
    statement:
      'A 429 on check_balance is the per-member refresh throttle (legacy docs: 5 per 2 h); with no Retry-After, or ' +
      'one beyond 60 s, the check reads cached balances with REFRESH_THROTTLED instead of retrying.',
    source:
      'PROVIDERS.md: MX ("Balance refreshes are throttled (legacy docs: 5 per 2 h per member; 429 beyond)")',
    ifWrong:
      'If a 429 without Retry-After were a short rate limit, the check would end NOT_SUPPORTED with cached balances ' +
      'where a retry might have refreshed: a stale answer that says so, never a retry storm on the member.',
    where: 'provider.ts (throttleReason)',
    simulatorMode: 'throttleRetryAfter=false (or fault 429 without retryAfterSeconds)',
  },
  {
    id: 'challenged-rounds',
    statement:
      'CONNECTION_STATUS CHALLENGED bodies are identical for every MFA round; copies of one delivery arrive within ' +
      '250 ms, a new round later (it needs an answer, a resume and a login).',
    source: 'PROVIDERS.md: MX (webhook body has no round, job or time field) + guess for the window',
    ifWrong:
      'Two rounds inside 250 ms would share an id and the second would be found by the next status poll (≥ 3 s); a ' +
      'copy arriving later than 250 ms costs one extra status read. Either way the check ends right.',
    where: 'webhook.ts (createMxWebhookTranslator)',
  },
  {
    id: 'check-balance-start-statuses',
    statement:
      'MX starts a job only from CREATED, CONNECTED, DEGRADED, DISCONNECTED, EXPIRED, FAILED, IMPEDED, RECONNECTED, ' +
      'UPDATED; from another status check_balance starts nothing (the simulator answers 202 with the member as is).',
    source:
      'seed mx-fetch-account-and-transaction-data-guide.txt:51-52 (the list); the 202 answer is a guess',
    ifWrong:
      'An error answer instead ends the check FAILED with the classified error; the status read ends it otherwise.',
    where: 'simulator/routes.ts (STARTABLE_STATUSES)',
  },
  {
    id: 'webhook-retries',
    statement:
      'MX retries a failed webhook up to 12 times over about 24 h; the simulator spaces them so (× time scale).',
    source: 'PROVIDERS.md: MX ("answer 204; up to 12 retries over ~24 h")',
    ifWrong: 'Nothing depends on it: the workflow keeps polling status ("do not rely on the webhook alone").',
    where: 'simulator/webhooks.ts (MX_RETRY_GAPS_MS)',
  },
  {
    id: 'legacy-vendor-accept',
    statement:
      'MX serves `Accept: application/vnd.mx.api.v1+json` without Accept-Version (the balance guide uses it); we send ' +
      'Accept-Version: v20250224 as the spec requires.',
    source: 'seed mx-fetch-real-time-balance-guide.txt:47,70; spec parameters.acceptVersion (required)',
    ifWrong: 'Only the simulator is affected; our client always sends Accept-Version.',
    where: 'simulator/routes.ts (mxGate), client.ts',
  },
];
