// Spinwheel credit card → NormalizedBalance, and per-card real-time-balance eligibility.
import type { Freshness, NormalizedBalance, Reason } from '../../contracts/balance-check';
import { toMinorUnitsOrNull } from '../../money/decimal';
import { SPINWHEEL_CURRENCY } from './assumptions';
import type { SpinwheelCreditCard } from './schemas';

export interface CardEligibility {
  eligible: boolean;
  reason?: Reason;
}

/** Plain words for the NOT_SUPPORTED descriptions Spinwheel documents; unknown ones pass through. */
const NOT_SUPPORTED_MESSAGES: Record<string, string> = {
  CLOSED_ACCOUNT_NO_BALANCE: 'The card is closed and has no outstanding balance.',
  CLOSED_ACCOUNT: 'The card is closed.',
  REFRESH_EXHAUSTED: 'The card has used up its real-time balance refreshes for now.',
  NOT_PRIMARY_ACCOUNT_HOLDER: 'The user is not the primary holder of this card.',
  ACCOUNT_TERMINATED: 'The card account has been terminated.',
  INSTITUTION_NOT_SUPPORTED: "The card's issuer does not support real-time balance.",
  INSTITUTION_DISABLED: "Real-time balance is disabled for the card's issuer.",
  ACCOUNT_NUMBER_VERIFICATION_FAILED: 'Spinwheel could not verify the card account number.',
};

function isoFromEpochMs(ms: number | null | undefined): string | undefined {
  return ms === null || ms === undefined ? undefined : new Date(ms).toISOString();
}

/** Whether a card may be refreshed now, and if not, why (as a Reason the caller can show). */
export function eligibilityOf(card: SpinwheelCreditCard): CardEligibility {
  const capability = card.capabilities?.data?.realtimeBalance;
  if (!capability) {
    // No capability entry means Spinwheel did not offer real-time balance for this liability.
    return {
      eligible: false,
      reason: { code: 'CAPABILITY_MISSING', message: `Card ${card.id} lists no realtimeBalance capability.` },
    };
  }
  switch (capability.availability) {
    case 'SUPPORTED':
      return { eligible: true };
    case 'FIELD_ERROR': {
      const errors = (capability.fieldErrors ?? []).map((e) => `${e.field}: ${e.error}`);
      return {
        eligible: false,
        reason: {
          code: 'FIELD_ERROR',
          message: `Card ${card.id} is missing data Spinwheel needs (${errors.length ? errors.join(', ') : 'no field named'}).`,
        },
      };
    }
    case 'NOT_SUPPORTED': {
      const code = capability.description ?? 'NOT_SUPPORTED';
      const retryAt = isoFromEpochMs(capability.nextEligibleRefreshOn);
      const message =
        NOT_SUPPORTED_MESSAGES[code] ?? `Real-time balance is not supported for card ${card.id} (${code}).`;
      return { eligible: false, reason: retryAt ? { code, message, retryAt } : { code, message } };
    }
  }
}

/**
 * A card's last known balances. Credit cards: `current` is the amount owed (positive),
 * `available` the available credit, `limit` the credit limit; exact minor units, never x*100.
 */
export function normalizeSpinwheelCard(
  card: SpinwheelCreditCard,
  freshness: Freshness,
  note?: Reason,
): NormalizedBalance {
  const details = card.balanceDetails;
  const balance: NormalizedBalance = {
    accountId: card.id,
    kind: 'CREDIT',
    providerType: 'CREDIT_CARD',
    currency: SPINWHEEL_CURRENCY,
    current: toMinorUnitsOrNull(details?.outstandingBalance, SPINWHEEL_CURRENCY),
    available: toMinorUnitsOrNull(details?.availableCredit, SPINWHEEL_CURRENCY),
    limit: toMinorUnitsOrNull(card.cardProfile?.creditLimit, SPINWHEEL_CURRENCY),
    asOf: isoFromEpochMs(details?.updatedOn) ?? null,
    freshness,
  };
  const name = card.displayName ?? card.issuer ?? undefined;
  if (name) balance.name = name;
  if (note) balance.note = note;
  return balance;
}
