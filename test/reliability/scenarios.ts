// The scenario catalog shared by the reliability suite, the history recorder and the benchmarks:
// one entry per sandbox behaviour, with the final status a check must reach. Each scenario can be
// cloned N times (`<sandbox id>.<n>`, see the simulators' load-test clones) so N checks run at once.
import type { CheckStatus, MfaAnswer, ProviderName, ResourceRef } from '../../contracts/balance-check';

export type CheckPath = 'webhook' | 'polling' | 'mfa' | 'immediate';

export interface Scenario {
  name: string;
  provider: ProviderName;
  /** The sandbox resource; `n` picks a clone (undefined = the sandbox resource itself). */
  resource(n?: number): ResourceRef;
  /** The key the simulator counts refresh starts under (refreshStarts). */
  startsKey(resource: ResourceRef): string;
  expect: CheckStatus;
  /** Expected reason code, when the check does not complete. */
  expectReason?: string;
  path: CheckPath;
  /** MFA answers per round (by challenge label position; the first challenge is answered). */
  mfaRounds?: string[];
  /** Whether the simulator really starts a refresh job (false when refused up front). */
  starts: boolean;
}

const clone = (id: string, n?: number) => (n === undefined ? id : `${id}.${n}`);
const mx = (member: string) => (n?: number) => ({ userId: 'USR-sandbox', memberId: clone(member, n) });
const meld = (conn: string) => (n?: number) => ({
  userId: 'meld-customer-sandbox',
  memberId: clone(conn, n),
});
const sw = (user: string) => (n?: number) => ({ userId: clone(user, n) });
const mxKey = (r: ResourceRef) => `${r.userId}:${r.memberId}`;
const swKey = (r: ResourceRef) => r.userId;

export const SCENARIOS: Scenario[] = [
  {
    name: 'mx-webhook',
    provider: 'mx',
    resource: mx('MBR-connected'),
    startsKey: mxKey,
    expect: 'COMPLETED',
    path: 'webhook',
    starts: true,
  },
  {
    name: 'mx-polling',
    provider: 'mx',
    resource: mx('MBR-no-webhook'),
    startsKey: mxKey,
    expect: 'COMPLETED',
    path: 'polling',
    starts: true,
  },
  {
    name: 'mx-mfa',
    provider: 'mx',
    resource: mx('MBR-challenge'),
    startsKey: mxKey,
    expect: 'COMPLETED',
    path: 'mfa',
    mfaRounds: ['correct'],
    starts: true,
  },
  {
    name: 'mx-mfa-options',
    provider: 'mx',
    resource: mx('MBR-options'),
    startsKey: mxKey,
    expect: 'COMPLETED',
    path: 'mfa',
    mfaRounds: ['correct'],
    starts: true,
  },
  {
    name: 'mx-mfa-twice',
    provider: 'mx',
    resource: mx('MBR-challenge-twice'),
    startsKey: mxKey,
    expect: 'COMPLETED',
    path: 'mfa',
    mfaRounds: ['challenge', 'correct'],
    starts: true,
  },
  {
    name: 'mx-mfa-wrong',
    provider: 'mx',
    resource: mx('MBR-challenge'),
    startsKey: mxKey,
    expect: 'FAILED',
    path: 'mfa',
    mfaRounds: ['wrong'],
    starts: true,
  },
  {
    name: 'mx-denied',
    provider: 'mx',
    resource: mx('MBR-denied'),
    startsKey: mxKey,
    expect: 'FAILED',
    path: 'webhook',
    starts: true,
  },
  {
    name: 'mx-failed',
    provider: 'mx',
    resource: mx('MBR-failed'),
    startsKey: mxKey,
    expect: 'FAILED',
    path: 'polling',
    starts: true,
  },
  {
    name: 'meld-webhook',
    provider: 'meld',
    resource: meld('meld-conn-active'),
    startsKey: mxKey,
    expect: 'COMPLETED',
    path: 'webhook',
    starts: true,
  },
  {
    name: 'meld-polling',
    provider: 'meld',
    resource: meld('meld-conn-no-webhook'),
    startsKey: mxKey,
    expect: 'COMPLETED',
    path: 'polling',
    starts: true,
  },
  {
    name: 'meld-no-available',
    provider: 'meld',
    resource: meld('meld-conn-no-available'),
    startsKey: mxKey,
    expect: 'COMPLETED',
    path: 'webhook',
    starts: true,
  },
  {
    name: 'meld-reconnect',
    provider: 'meld',
    resource: meld('meld-conn-reconnect'),
    startsKey: mxKey,
    expect: 'ACTION_REQUIRED',
    path: 'immediate',
    starts: false,
  },
  {
    name: 'meld-interactive',
    provider: 'meld',
    resource: meld('meld-conn-interactive'),
    startsKey: mxKey,
    expect: 'ACTION_REQUIRED',
    path: 'immediate',
    starts: false,
  },
  {
    name: 'meld-throttled',
    provider: 'meld',
    resource: meld('meld-conn-throttled'),
    startsKey: mxKey,
    expect: 'FAILED',
    path: 'immediate',
    starts: false,
  },
  {
    name: 'spinwheel-webhook',
    provider: 'spinwheel',
    resource: sw('sw-user-single'),
    startsKey: swKey,
    expect: 'COMPLETED',
    path: 'webhook',
    starts: true,
  },
  {
    name: 'spinwheel-mixed',
    provider: 'spinwheel',
    resource: sw('sw-user-sandbox'),
    startsKey: swKey,
    expect: 'COMPLETED',
    path: 'webhook',
    starts: true,
  },
];

export function scenario(name: string): Scenario {
  const found = SCENARIOS.find((s) => s.name === name);
  if (!found) throw new Error(`Unknown scenario ${name}`);
  return found;
}

/** The answer for the first pending challenge: an OPTIONS challenge takes the option valued `value`. */
export function answerFor(
  challenges: { id: string; options?: { id: string; value: string }[] }[],
  value: string,
): MfaAnswer[] {
  return challenges.map((c) => ({
    challengeId: c.id,
    value: c.options ? (c.options.find((o) => o.value === value)?.id ?? value) : value,
  }));
}
