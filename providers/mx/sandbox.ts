// The MX sandbox: fixed users, members and accounts the simulator serves, mirroring MX Bank's test
// scenarios (PROVIDERS.md). Amounts are chosen to break float math (19.99, 1.005, 0.1 + 0.2, 1e10+).
import {
  everyKindAccounts,
  standardAccounts,
  standardTransactions,
  type SandboxAccount,
  type SandboxTransaction,
} from './sandbox-accounts';

export type { SandboxAccount, SandboxTransaction } from './sandbox-accounts';

export const MX_SANDBOX_USER = 'USR-sandbox';

export type MxScenario =
  'success' | 'challenge' | 'challenge-twice' | 'options' | 'denied' | 'failed' | 'slow' | 'no-webhook';

export interface SandboxMember {
  guid: string;
  name: string;
  scenario: MxScenario;
  accounts: SandboxAccount[];
  transactions: SandboxTransaction[];
}

export interface SandboxChallenge {
  guid: string;
  label: string;
  type: 'TEXT' | 'OPTIONS';
  field_name: string;
  options?: { guid: string; label: string; value: string }[];
}

/** MX Bank: TEXT answer `correct` succeeds; `challenge` asks a second question (legacy sandbox). */
export const MX_SANDBOX_CHALLENGES = {
  text: {
    guid: 'CRD-sandbox-text-1',
    label: 'What city were you born in?',
    type: 'TEXT',
    field_name: 'city',
  },
  second: {
    guid: 'CRD-sandbox-text-2',
    label: 'What was the name of your first pet?',
    type: 'TEXT',
    field_name: 'pet',
  },
  options: {
    guid: 'CRD-sandbox-options',
    label: 'Where should we send your one-time code?',
    type: 'OPTIONS',
    field_name: 'delivery',
    options: [
      { guid: 'CRD-sandbox-option-sms', label: 'Text (***) ***-1234', value: 'correct' },
      { guid: 'CRD-sandbox-option-email', label: 'Email j***@example.com', value: 'wrong' },
    ],
  },
} satisfies Record<string, SandboxChallenge>;

export const MX_SANDBOX_ANSWERS = { correct: 'correct', secondQuestion: 'challenge' } as const;

const member = (
  key: string,
  name: string,
  scenario: MxScenario,
  extra: SandboxAccount[] = [],
): SandboxMember => ({
  guid: `MBR-${key}`,
  name,
  scenario,
  accounts: [...standardAccounts(key), ...extra],
  transactions: standardTransactions(key),
});

export function sandboxMembers(): SandboxMember[] {
  return [
    member('connected', 'MX Bank', 'success', everyKindAccounts()),
    member('challenge', 'MX Bank (MFA)', 'challenge'),
    member('challenge-twice', 'MX Bank (two MFA rounds)', 'challenge-twice'),
    member('options', 'MX Bank (MFA options)', 'options'),
    member('denied', 'MX Bank (bad password)', 'denied'),
    member('failed', 'MX Bank (institution error)', 'failed'),
    member('slow', 'MX Bank (slow)', 'slow'),
    member('no-webhook', 'MX Bank (no webhook)', 'no-webhook'),
  ];
}

/** For the README: what each sandbox member does. */
export const MX_SANDBOX_SCENARIOS: { memberId: string; scenario: MxScenario; expected: string }[] = [
  {
    memberId: 'MBR-connected',
    scenario: 'success',
    expected: 'CONNECTED; 23 accounts of every kind (EUR, JPY, overdrawn, closed)',
  },
  {
    memberId: 'MBR-challenge',
    scenario: 'challenge',
    expected: 'TEXT challenge: `correct` → CONNECTED, anything else → DENIED',
  },
  {
    memberId: 'MBR-challenge-twice',
    scenario: 'challenge-twice',
    expected: 'TEXT: `challenge` → second TEXT, then `correct` → CONNECTED; else DENIED',
  },
  {
    memberId: 'MBR-options',
    scenario: 'options',
    expected: 'OPTIONS: the option valued `correct` → CONNECTED; the other → DENIED',
  },
  { memberId: 'MBR-denied', scenario: 'denied', expected: 'DENIED (CONNECTION_STATUS webhook)' },
  {
    memberId: 'MBR-failed',
    scenario: 'failed',
    expected: 'FAILED (no webhook: MX does not send one for FAILED; polling finds it)',
  },
  { memberId: 'MBR-slow', scenario: 'slow', expected: 'CONNECTED after ~20 s (timeScale 1)' },
  {
    memberId: 'MBR-no-webhook',
    scenario: 'no-webhook',
    expected: 'CONNECTED but no webhook: only polling finishes it',
  },
];
