// The Meld simulator's fixed sandbox: stable ids the README, the workflow tests and `npm start` rely on.
// Amounts are chosen to break float arithmetic (19.99, 1.005, 0.1 + 0.2, large values).

export const MELD_SANDBOX_CUSTOMER = 'meld-customer-sandbox';
/** A second customer whose one connection has more accounts than a Meld page holds (pagination). */
export const MELD_SANDBOX_LARGE_CUSTOMER = 'meld-customer-large';
export const MELD_SANDBOX_INSTITUTION = { id: 'meld-inst-sandbox-bank', name: 'Meld Sandbox Bank' };
/** How long a refresh job takes at timeScale 1 unless the connection says otherwise. */
export const MELD_DEFAULT_JOB_MS = 3000;

export interface MeldSandboxAccount {
  id: string;
  name: string;
  type: string;
  subtype: string;
  currency: string;
  currentAmount: number | null;
  /** Absent = the institution reports no available balance. */
  availableAmount?: number | null;
  /** Each refresh moves currentAmount/availableAmount down by one minor unit (a card swipe). */
  drifts?: boolean;
  /** PENDING transactions; Meld signage: positive = money out. */
  pending?: { amount: number; description: string }[];
}

export interface MeldSandboxConnection {
  id: string;
  customerId: string;
  status: string;
  statusReason: string | null;
  /** Overrides the simulator's job duration (ms at timeScale 1). */
  jobDurationMs?: number;
  /** False: refreshes complete but no webhook is ever sent (only polling sees them). */
  webhooks: boolean;
  /** True: every refresh answers 429. */
  throttled: boolean;
  summary: string;
  accounts: MeldSandboxAccount[];
}

const checking = (id: string, current: number, available?: number | null): MeldSandboxAccount => ({
  id,
  name: 'Everyday Checking',
  type: 'DEPOSITORY',
  subtype: 'CHECKING',
  currency: 'USD',
  currentAmount: current,
  ...(available === undefined ? {} : { availableAmount: available }),
});

const manyAccounts = Array.from({ length: 250 }, (_, i) =>
  checking(`meld-acct-many-${String(i).padStart(3, '0')}`, (10000 + i) / 100, (10000 + i) / 100),
);

export const MELD_SANDBOX_CONNECTIONS: MeldSandboxConnection[] = [
  {
    id: 'meld-conn-active',
    customerId: MELD_SANDBOX_CUSTOMER,
    status: 'ACTIVE',
    statusReason: null,
    webhooks: true,
    throttled: false,
    summary: 'refresh succeeds after ~3 s; webhooks UPDATING then UPDATED',
    accounts: [
      { ...checking('meld-acct-active-checking', 19.99, 19.99), drifts: true },
      {
        id: 'meld-acct-active-savings',
        name: 'Savings',
        type: 'DEPOSITORY',
        subtype: 'SAVINGS',
        currency: 'USD',
        currentAmount: 1.005,
        availableAmount: 0.1,
      },
      {
        id: 'meld-acct-active-card',
        name: 'Rewards Card',
        type: 'CREDIT',
        subtype: 'CREDIT_CARD',
        currency: 'USD',
        currentAmount: 0.2,
        availableAmount: 4999.8,
      },
      {
        id: 'meld-acct-active-mortgage',
        name: 'Mortgage',
        type: 'LOAN',
        subtype: 'MORTGAGE',
        currency: 'USD',
        currentAmount: 250000.1,
        availableAmount: null,
      },
      {
        id: 'meld-acct-active-brokerage',
        name: 'Brokerage',
        type: 'INVESTMENT',
        subtype: 'BROKERAGE',
        currency: 'USD',
        currentAmount: 12345678901.23,
        availableAmount: 12345678901.23,
      },
    ],
  },
  {
    id: 'meld-conn-slow',
    customerId: MELD_SANDBOX_CUSTOMER,
    status: 'ACTIVE',
    statusReason: null,
    jobDurationMs: 20000,
    webhooks: true,
    throttled: false,
    summary: 'refresh takes ~20 s',
    accounts: [checking('meld-acct-slow-checking', 500.5, 480.05)],
  },
  {
    id: 'meld-conn-no-webhook',
    customerId: MELD_SANDBOX_CUSTOMER,
    status: 'ACTIVE',
    statusReason: null,
    webhooks: false,
    throttled: false,
    summary: 'refresh succeeds, no webhook ever: only polling (balances.updatedAt) sees it',
    accounts: [checking('meld-acct-no-webhook-checking', 75.25, 70.3)],
  },
  {
    id: 'meld-conn-reconnect',
    customerId: MELD_SANDBOX_CUSTOMER,
    status: 'RECONNECT_REQUIRED',
    statusReason: 'LOGIN_REQUIRED',
    webhooks: true,
    throttled: false,
    summary: 'RECONNECT_REQUIRED / LOGIN_REQUIRED: refresh → 409',
    accounts: [checking('meld-acct-reconnect-checking', 42.42, 42.42)],
  },
  {
    id: 'meld-conn-throttled',
    customerId: MELD_SANDBOX_CUSTOMER,
    status: 'ACTIVE',
    statusReason: null,
    webhooks: true,
    throttled: true,
    summary: 'refresh → 429 (provider throttle, Retry-After)',
    accounts: [checking('meld-acct-throttled-checking', 310.01, 300)],
  },
  {
    id: 'meld-conn-no-available',
    customerId: MELD_SANDBOX_CUSTOMER,
    status: 'ACTIVE',
    statusReason: null,
    webhooks: true,
    throttled: false,
    summary: 'no availableAmount; pending transactions 19.99 + 0.1 + 0.2 − 5.5 = 14.79 out',
    accounts: [
      {
        ...checking('meld-acct-no-available-checking', 1000),
        pending: [
          { amount: 19.99, description: 'COFFEE ROASTERS' },
          { amount: 0.1, description: 'CARD VERIFICATION' },
          { amount: 0.2, description: 'CARD VERIFICATION' },
          { amount: -5.5, description: 'REFUND' },
        ],
      },
    ],
  },
  {
    id: 'meld-conn-interactive',
    customerId: MELD_SANDBOX_CUSTOMER,
    status: 'DEGRADED',
    statusReason: 'INTERACTIVE_REFRESH',
    webhooks: true,
    throttled: false,
    summary: 'DEGRADED / INTERACTIVE_REFRESH: the customer must be present → ACTION_REQUIRED',
    accounts: [checking('meld-acct-interactive-checking', 60, 60)],
  },
  {
    id: 'meld-conn-many',
    customerId: MELD_SANDBOX_LARGE_CUSTOMER,
    status: 'ACTIVE',
    statusReason: null,
    webhooks: true,
    throttled: false,
    summary: '250 accounts: cursor pagination over 3 pages of 100',
    accounts: manyAccounts,
  },
];

/** Rows for the README's sandbox table. */
export function meldSandboxTable(): {
  customerId: string;
  connectionId: string;
  status: string;
  behaviour: string;
}[] {
  return MELD_SANDBOX_CONNECTIONS.map((c) => ({
    customerId: c.customerId,
    connectionId: c.id,
    status: c.statusReason ? `${c.status} / ${c.statusReason}` : c.status,
    behaviour: c.summary,
  }));
}
