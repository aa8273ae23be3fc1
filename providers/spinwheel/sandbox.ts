// Fixed Spinwheel sandbox data for the simulator, the local stack (`npm start`) and tests.
// Amounts are chosen to break float arithmetic (19.99, 1.005, 0.1 + 0.2) so any x*100 shows up.
import type { SpinwheelRefreshStatus } from './schemas';

export const SW_USER_SANDBOX = 'sw-user-sandbox';
export const SW_USER_SINGLE = 'sw-user-single';

export const SW_CARD = {
  supported: 'sw-card-supported',
  exhausted: 'sw-card-exhausted',
  closed: 'sw-card-closed',
  fieldError: 'sw-card-field-error',
  refreshFails: 'sw-card-refresh-fails',
  single: 'sw-card-single',
} as const;

/** Last balances before any refresh were "read" at this fixed time (2025-01-15T12:00:00Z). */
export const SANDBOX_UPDATED_ON = Date.UTC(2025, 0, 15, 12, 0, 0);
/** REFRESH_EXHAUSTED cards become eligible this long after the simulator (re)starts. */
export const EXHAUSTED_FOR_MS = 6 * 60 * 60 * 1000;

export interface SandboxBalance {
  outstandingBalance: number;
  availableCredit: number;
  minimumPaymentDue: number;
}

/** A card as Spinwheel shows it, plus what the simulator does when it is refreshed. */
export interface SandboxCard {
  json: Record<string, unknown> & { id: string; balanceDetails: SandboxBalance & { updatedOn: number } };
  /** Present for SUPPORTED cards: the refresh outcome, and the balance a COMPLETED refresh reads. */
  refresh?: { outcome: Exclude<SpinwheelRefreshStatus, 'IN_PROGRESS'>; after: SandboxBalance };
}

function card(
  id: string,
  displayName: string,
  realtimeBalance: Record<string, unknown>,
  balance: SandboxBalance,
  creditLimit: number,
  statementBalance: number,
  refresh?: SandboxCard['refresh'],
): SandboxCard {
  return {
    json: {
      id,
      displayName,
      issuer: 'Spinwheel Sandbox Bank',
      capabilities: { payments: { billPayment: { availability: 'SUPPORTED' } }, data: { realtimeBalance } },
      balanceDetails: { ...balance, updatedOn: SANDBOX_UPDATED_ON },
      cardProfile: { creditLimit, interestRate: 24.99 },
      statementSummary: { statementBalance, statementDate: SANDBOX_UPDATED_ON - 10 * 24 * 3600 * 1000 },
    },
    refresh,
  };
}

/** Fresh sandbox users (deep copies); `now` places REFRESH_EXHAUSTED's nextEligibleRefreshOn in the future. */
export function sandboxUsers(now: number): Map<string, SandboxCard[]> {
  const supported = { availability: 'SUPPORTED' };
  return new Map([
    [
      SW_USER_SANDBOX,
      [
        card(
          SW_CARD.supported,
          'Everyday Visa',
          supported,
          { outstandingBalance: 1019.99, availableCredit: 3980.01, minimumPaymentDue: 35 },
          5000,
          980.1,
          {
            outcome: 'COMPLETED',
            after: { outstandingBalance: 1.005, availableCredit: 4998.995, minimumPaymentDue: 0.3 },
          },
        ),
        card(
          SW_CARD.exhausted,
          'Travel Mastercard',
          {
            availability: 'NOT_SUPPORTED',
            description: 'REFRESH_EXHAUSTED',
            nextEligibleRefreshOn: now + EXHAUSTED_FOR_MS,
          },
          { outstandingBalance: 0.3, availableCredit: 999.7, minimumPaymentDue: 0.1 },
          1000,
          0.2,
        ),
        card(
          SW_CARD.closed,
          'Old Store Card',
          { availability: 'NOT_SUPPORTED', description: 'CLOSED_ACCOUNT' },
          { outstandingBalance: 19.99, availableCredit: 0, minimumPaymentDue: 19.99 },
          0,
          19.99,
        ),
        card(
          SW_CARD.fieldError,
          'Rewards Amex',
          {
            availability: 'FIELD_ERROR',
            fieldErrors: [{ field: 'CREDIT_CARD_NUMBER', error: 'NOT_PRESENT' }],
          },
          { outstandingBalance: 0.1, availableCredit: 2499.9, minimumPaymentDue: 0 },
          2500,
          0.1,
        ),
        card(
          SW_CARD.refreshFails,
          'Gas Card',
          supported,
          { outstandingBalance: 250.2, availableCredit: 749.8, minimumPaymentDue: 25 },
          1000,
          250.2,
          {
            outcome: 'FAILED',
            after: { outstandingBalance: 999, availableCredit: 1, minimumPaymentDue: 99 },
          },
        ),
      ],
    ],
    [
      SW_USER_SINGLE,
      [
        card(
          SW_CARD.single,
          'Only Card',
          supported,
          { outstandingBalance: 19.99, availableCredit: 80.01, minimumPaymentDue: 10 },
          100,
          19.99,
          {
            outcome: 'COMPLETED',
            after: { outstandingBalance: 0.3, availableCredit: 99.7, minimumPaymentDue: 0.1 },
          },
        ),
      ],
    ],
  ]);
}

/** One row per sandbox card, for the README and the `npm start` banner. */
export const SPINWHEEL_SANDBOX_TABLE: {
  userId: string;
  cardId: string;
  realtimeBalance: string;
  onRefresh: string;
}[] = [
  {
    userId: SW_USER_SANDBOX,
    cardId: SW_CARD.supported,
    realtimeBalance: 'SUPPORTED',
    onRefresh: 'COMPLETED: owed 1019.99 → 1.005 (101 cents), available 4998.995 (499900), new updatedOn',
  },
  {
    userId: SW_USER_SANDBOX,
    cardId: SW_CARD.exhausted,
    realtimeBalance: 'NOT_SUPPORTED REFRESH_EXHAUSTED',
    onRefresh: 'not refreshed (400 if asked); cached 0.30 owed, retryAt = start + 6 h',
  },
  {
    userId: SW_USER_SANDBOX,
    cardId: SW_CARD.closed,
    realtimeBalance: 'NOT_SUPPORTED CLOSED_ACCOUNT',
    onRefresh: 'not refreshed (400 if asked); cached 19.99 owed',
  },
  {
    userId: SW_USER_SANDBOX,
    cardId: SW_CARD.fieldError,
    realtimeBalance: 'FIELD_ERROR CREDIT_CARD_NUMBER NOT_PRESENT',
    onRefresh: 'not refreshed (400 if asked); cached 0.10 owed',
  },
  {
    userId: SW_USER_SANDBOX,
    cardId: SW_CARD.refreshFails,
    realtimeBalance: 'SUPPORTED',
    onRefresh: 'FAILED: last balance (250.20 owed) stays, updatedOn unchanged',
  },
  {
    userId: SW_USER_SINGLE,
    cardId: SW_CARD.single,
    realtimeBalance: 'SUPPORTED',
    onRefresh: 'COMPLETED: owed 19.99 → 0.30, available 99.70',
  },
];
