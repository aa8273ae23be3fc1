// Sandbox accounts and transactions (MX JSON field names). Amounts break float math on purpose:
// 19.99, 4.35, 1.005, 0.1 + 0.2, 1234567.89, 98765432101.23; debt balances positive = owed.
export interface SandboxAccount {
  guid: string;
  name: string;
  type: string;
  subtype?: string;
  /** null: MX omitted it (the normalizer assumes USD). */
  currency_code: string | null;
  balance: number | null;
  available_balance?: number | null;
  available_credit?: number | null;
  credit_limit?: number | null;
  is_closed?: boolean;
}

export interface SandboxTransaction {
  guid: string;
  account_guid: string;
  amount: number;
  type: 'DEBIT' | 'CREDIT';
  status: 'PENDING' | 'POSTED';
  description: string;
  daysAgo: number;
}

type Extra = Omit<Partial<SandboxAccount>, 'guid' | 'name' | 'type'>;
const account = (guid: string, name: string, type: string, extra: Extra): SandboxAccount => ({
  guid,
  name,
  type,
  currency_code: 'USD',
  balance: null,
  ...extra,
});

/** Every member has these four: checking with and without available_balance, savings, a credit card. */
export function standardAccounts(key: string): SandboxAccount[] {
  const id = (suffix: string) => `ACT-${key}-${suffix}`;
  return [
    account(id('checking'), 'Everyday Checking', 'CHECKING', { balance: 2500.3, available_balance: 19.99 }),
    account(id('checking-pending'), 'Bills Checking', 'CHECKING', {
      balance: 250.07,
      available_balance: null,
    }),
    account(id('savings'), 'High Yield Savings', 'SAVINGS', {
      balance: 1234567.89,
      available_balance: 1234567.89,
    }),
    account(id('credit-card'), 'Rewards Card', 'CREDIT_CARD', {
      balance: 4.35,
      credit_limit: 5000,
      available_credit: 4995.65,
    }),
  ];
}

export function standardTransactions(key: string): SandboxTransaction[] {
  const pendingAccount = `ACT-${key}-checking-pending`;
  const t = (
    n: number,
    amount: number,
    type: 'DEBIT' | 'CREDIT',
    status: 'PENDING' | 'POSTED',
    description: string,
    daysAgo: number,
    account_guid = pendingAccount,
  ) => ({ guid: `TRN-${key}-${n}`, account_guid, amount, type, status, description, daysAgo });
  return [
    // Pending on the account without available_balance: 0.1 + 0.2 − 0.07 = 0.23 → 23 cents.
    t(1, 0.1, 'DEBIT', 'PENDING', 'Coffee', 0),
    t(2, 0.2, 'DEBIT', 'PENDING', 'Parking meter', 1),
    t(3, 0.07, 'CREDIT', 'PENDING', 'Cashback', 1),
    t(4, 42.5, 'DEBIT', 'POSTED', 'Electric bill', 3),
    // Pending on the account that has available_balance: MX already counts it there.
    t(5, 5.55, 'DEBIT', 'PENDING', 'Lunch', 0, `ACT-${key}-checking`),
  ];
}

/** MBR-connected also carries every account kind (23 accounts: three pages at 10 per page). */
export function everyKindAccounts(): SandboxAccount[] {
  const a = (suffix: string, name: string, type: string, extra: Extra) =>
    account(`ACT-connected-${suffix}`, name, type, extra);
  return [
    a('overdrawn', 'Overdrawn Checking', 'CHECKING', { balance: -45.1, available_balance: -45.1 }),
    a('money-market', 'Money Market', 'SAVINGS', {
      subtype: 'MONEY_MARKET',
      balance: 0.3,
      available_balance: 0.3,
    }),
    a('cd', '12-month CD', 'SAVINGS', { subtype: 'CERTIFICATE_OF_DEPOSIT', balance: 10000.01 }),
    a('prepaid', 'Prepaid Card', 'PREPAID', { balance: 1.005, available_balance: 1.005 }),
    a('cash', 'Cash', 'CASH', { balance: 20.2 }),
    a('line-of-credit', 'Home Equity Line', 'LINE_OF_CREDIT', {
      balance: 1500.5,
      credit_limit: 10000,
      available_credit: 8499.5,
    }),
    a('overdraft-line', 'Overdraft Line', 'CHECKING_LINE_OF_CREDIT', {
      balance: 0,
      credit_limit: 500,
      available_credit: 500,
    }),
    a('overpaid-card', 'Travel Card (overpaid)', 'CREDIT_CARD', {
      balance: -25.5,
      credit_limit: 1000,
      available_credit: 1025.5,
    }),
    a('auto-loan', 'Auto Loan', 'LOAN', { subtype: 'AUTO', balance: 15234.56 }),
    a('student-loan', 'Student Loan', 'LOAN', { subtype: 'STUDENT', balance: 32000.99 }),
    a('mortgage', 'Mortgage', 'MORTGAGE', { balance: 250000.01 }),
    a('brokerage', 'Brokerage', 'INVESTMENT', { subtype: 'BROKERAGE', balance: 98765432101.23 }),
    a('retirement', '401(k)', 'INVESTMENT', { subtype: '401_K', balance: 55555.55 }),
    a('insurance', 'Whole Life Policy', 'INSURANCE', { balance: 1000 }),
    a('property', 'Home', 'PROPERTY', { balance: 350000 }),
    a('eur-savings', 'Euro Savings', 'SAVINGS', {
      currency_code: 'EUR',
      balance: 999.99,
      available_balance: 999.99,
    }),
    a('jpy-savings', 'Yen Savings', 'SAVINGS', {
      currency_code: 'JPY',
      balance: 123456,
      available_balance: 123456,
    }),
    a('no-currency', 'Checking (no currency code)', 'CHECKING', {
      currency_code: null,
      balance: 19.99,
      available_balance: 19.99,
    }),
    a('closed', 'Old Checking', 'CHECKING', { balance: 0, available_balance: 0, is_closed: true }),
  ];
}
