// Simulator state: the sandbox members as MX holds them, and their JSON views as MX answers them.
import {
  sandboxMembers,
  MX_SANDBOX_USER,
  type MxScenario,
  type SandboxAccount,
  type SandboxChallenge,
  type SandboxTransaction,
} from '../sandbox';

export interface MemberJob {
  id: number;
  /** 'balance' = check_balance; 'other' = any other job type (aggregation, verification…) → 409 on check_balance. */
  kind: 'balance' | 'other';
  guid: string;
}

export interface MemberState {
  userGuid: string;
  guid: string;
  name: string;
  scenario: MxScenario;
  connection_status: string;
  is_being_aggregated: boolean;
  is_authenticated: boolean;
  aggregated_at: string;
  successfully_aggregated_at: string;
  challenges: SandboxChallenge[];
  /** MFA rounds answered in the current job. */
  round: number;
  job: MemberJob | null;
  /** Start times of balance jobs, for the per-member throttle. */
  starts: number[];
  accounts: (SandboxAccount & { updated_at: string })[];
  transactions: SandboxTransaction[];
  createdAt: number;
}

/** MX timestamps: ISO 8601 with whole seconds. */
export function mxTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function createMembers(now = Date.now()): Map<string, MemberState> {
  const lastRun = mxTime(now - 24 * 3600 * 1000);
  return new Map(
    sandboxMembers().map((m) => [
      m.guid,
      {
        userGuid: MX_SANDBOX_USER,
        guid: m.guid,
        name: m.name,
        scenario: m.scenario,
        connection_status: 'CONNECTED',
        is_being_aggregated: false,
        is_authenticated: true,
        aggregated_at: lastRun,
        successfully_aggregated_at: lastRun,
        challenges: [],
        round: 0,
        job: null,
        starts: [],
        accounts: m.accounts.map((a) => ({ ...a, updated_at: lastRun })),
        transactions: m.transactions,
        createdAt: now,
      },
    ]),
  );
}

export function statusJson(m: MemberState) {
  return {
    member: {
      aggregated_at: m.aggregated_at,
      ...(m.connection_status === 'CHALLENGED' ? { challenges: m.challenges } : {}),
      connection_status: m.connection_status,
      guid: m.guid,
      has_processed_accounts: true,
      has_processed_transactions: false,
      is_authenticated: m.is_authenticated,
      is_being_aggregated: m.is_being_aggregated,
      successfully_aggregated_at: m.successfully_aggregated_at,
    },
  };
}

export function memberJson(m: MemberState) {
  return {
    member: {
      aggregated_at: m.aggregated_at,
      background_aggregation_is_disabled: false,
      connection_status: m.connection_status,
      connection_status_message: `Connection status ${m.connection_status}`,
      guid: m.guid,
      id: null,
      institution_code: 'mxbank',
      is_being_aggregated: m.is_being_aggregated,
      is_managed_by_user: false,
      is_oauth: false,
      most_recent_job_guid: m.job?.guid ?? null,
      name: m.name,
      successfully_aggregated_at: m.successfully_aggregated_at,
      user_guid: m.userGuid,
      user_id: null,
    },
  };
}

export function accountJson(m: MemberState, a: MemberState['accounts'][number]) {
  return {
    available_balance: a.available_balance ?? null,
    available_credit: a.available_credit ?? null,
    balance: a.balance,
    created_at: mxTime(m.createdAt - 90 * 24 * 3600 * 1000),
    credit_limit: a.credit_limit ?? null,
    currency_code: a.currency_code,
    guid: a.guid,
    institution_code: 'mxbank',
    is_closed: a.is_closed ?? false,
    is_hidden: false,
    is_manual: false,
    member_guid: m.guid,
    name: a.name,
    statement_balance: null,
    subtype: a.subtype ?? null,
    type: a.type,
    updated_at: a.updated_at,
    user_guid: m.userGuid,
  };
}

export function transactionJson(m: MemberState, t: SandboxTransaction) {
  const at = mxTime(m.createdAt - t.daysAgo * 24 * 3600 * 1000);
  return {
    account_guid: t.account_guid,
    amount: t.amount,
    currency_code: m.accounts.find((a) => a.guid === t.account_guid)?.currency_code ?? 'USD',
    date: at.slice(0, 10),
    description: t.description,
    guid: t.guid,
    member_guid: m.guid,
    posted_at: t.status === 'POSTED' ? at : null,
    status: t.status,
    transacted_at: at,
    type: t.type,
    user_guid: m.userGuid,
  };
}

/** MX pagination: page from 1; records_per_page 10–1000, default 25 (over 1000 → 25). */
export function paginate<T>(items: T[], query: Record<string, unknown>) {
  const page = Math.max(1, Number.parseInt(String(query.page ?? '1'), 10) || 1);
  const asked = Number.parseInt(String(query.records_per_page ?? ''), 10);
  const perPage = Number.isNaN(asked) || asked > 1000 ? 25 : Math.max(10, asked);
  const totalPages = Math.max(1, Math.ceil(items.length / perPage));
  return {
    records: items.slice((page - 1) * perPage, page * perPage),
    pagination: {
      current_page: page,
      per_page: perPage,
      total_entries: items.length,
      total_pages: totalPages,
    },
  };
}

/**
 * Load-test clones: `<sandbox member guid>.<n>` (e.g. MBR-connected.17) behaves like that sandbox
 * member with its own state, so many checks can be in flight at once (one workflow per member).
 * Created on first use; unknown bases stay 404.
 */
export function memberOrClone(members: Map<string, MemberState>, guid: string): MemberState | undefined {
  const found = members.get(guid);
  if (found) return found;
  const clone = /^(.+)\.(\d{1,9})$/.exec(guid);
  const base = clone && members.get(clone[1]!);
  if (!clone || !base || clone[1]!.includes('.')) return undefined;
  const template = createMembers(base.createdAt).get(base.guid)!;
  const copy: MemberState = { ...template, guid, accounts: template.accounts.map((a) => ({ ...a })) };
  members.set(guid, copy);
  return copy;
}
