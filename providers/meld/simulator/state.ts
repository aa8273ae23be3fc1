// The simulator's mutable Meld world, built from the fixed sandbox on every reset.
import { randomBytes } from 'node:crypto';
import type { MeldAccount, MeldConnection, MeldTransaction } from '../schemas';
import { MELD_SANDBOX_CONNECTIONS, MELD_SANDBOX_INSTITUTION, type MeldSandboxConnection } from '../sandbox';

export interface SimConnection extends MeldConnection {
  customerId: string;
  externalCustomerId: string;
  sandbox: MeldSandboxConnection;
}
export type SimAccount = MeldAccount & {
  id: string;
  key: string;
  customerId: string;
  connectionIds: string[];
};
export type SimTransaction = MeldTransaction & { key: string; customerId: string };

/** Meld-looking ids (22 base62-ish characters). */
export function meldId(): string {
  return randomBytes(16).toString('base64url').slice(0, 22);
}

export class MeldSimState {
  readonly connections = new Map<string, SimConnection>();
  readonly accounts: SimAccount[] = [];
  readonly transactions: SimTransaction[] = [];
  private readonly starts = new Map<string, number>();
  private readonly refreshTimes = new Map<string, number[]>();

  constructor(now: Date = new Date()) {
    // Cached data looks a day old until a refresh moves it.
    const cachedAt = new Date(now.getTime() - 86_400_000).toISOString();
    MELD_SANDBOX_CONNECTIONS.forEach((sandbox, ci) => {
      const externalCustomerId = `ext-${sandbox.customerId}`;
      this.connections.set(sandbox.id, {
        id: sandbox.id,
        customerId: sandbox.customerId,
        externalCustomerId,
        institutionId: MELD_SANDBOX_INSTITUTION.id,
        institutionName: MELD_SANDBOX_INSTITUTION.name,
        key: `c${String(ci).padStart(2, '0')}`,
        status: sandbox.status,
        statusReason: sandbox.statusReason,
        successfullyAggregatedAt: cachedAt,
        products: ['BALANCES', 'TRANSACTIONS'],
        serviceProviderDetails: { serviceProvider: 'SIMULATOR' },
        sandbox,
      });
      sandbox.accounts.forEach((a, ai) => {
        const key = `a${String(ci).padStart(2, '0')}-${String(ai).padStart(4, '0')}`;
        this.accounts.push({
          id: a.id,
          accountId: `inst-${a.id}`,
          customerId: sandbox.customerId,
          externalCustomerId,
          connectionIds: [sandbox.id],
          institutionId: MELD_SANDBOX_INSTITUTION.id,
          institutionName: MELD_SANDBOX_INSTITUTION.name,
          key,
          name: a.name,
          truncatedAccountNumber: String(1000 + ai).slice(-4),
          status: 'ACTIVE',
          type: a.type,
          subtype: a.subtype,
          balances: {
            currency: a.currency,
            currentAmount: a.currentAmount,
            ...(a.availableAmount === undefined ? {} : { availableAmount: a.availableAmount }),
            updatedAt: cachedAt,
          },
        });
        (a.pending ?? []).forEach((p, ti) => {
          this.transactions.push({
            id: `${a.id}-pending-${ti}`,
            key: `${key}-t${String(ti).padStart(4, '0')}`,
            customerId: sandbox.customerId,
            financialAccountId: a.id,
            accountId: `inst-${a.id}`,
            amount: p.amount,
            currency: a.currency,
            status: 'PENDING',
            description: p.description,
            transactionDate: cachedAt.slice(0, 10),
          });
        });
      });
    });
  }

  /**
   * Load-test clones: `<sandbox connection id>.<n>` (e.g. meld-conn-active.17) behaves like that
   * connection, with its own copies of the accounts (ids suffixed `.<n>`), so many checks can run at
   * once. Created on first use; returns the connection or undefined when `id` is neither.
   */
  materialize(id: string): SimConnection | undefined {
    const found = this.connections.get(id);
    if (found) return found;
    const match = /^([^.]+)\.(\d{1,9})$/.exec(id);
    const base = match && this.connections.get(match[1]!);
    if (!match || !base) return undefined;
    const suffix = `.${match[2]}`;
    const clone: SimConnection = { ...base, id, key: base.key + suffix, sandbox: base.sandbox };
    this.connections.set(id, clone);
    for (const a of this.accountsOf(base.id)) {
      this.accounts.push({
        ...a,
        id: a.id + suffix,
        key: a.key + suffix,
        connectionIds: [id],
        ...(a.balances ? { balances: { ...a.balances } } : {}),
      });
      for (const t of this.transactions.filter((t) => t.financialAccountId === a.id)) {
        this.transactions.push({
          ...t,
          id: t.id + suffix,
          key: t.key + suffix,
          financialAccountId: a.id + suffix,
        });
      }
    }
    return clone;
  }

  accountsOf(connectionId: string): SimAccount[] {
    return this.accounts.filter((a) => a.connectionIds.includes(connectionId));
  }

  countStart(resourceKey: string): void {
    this.starts.set(resourceKey, (this.starts.get(resourceKey) ?? 0) + 1);
  }

  refreshStarts(resourceKey: string): number {
    return this.starts.get(resourceKey) ?? 0;
  }

  /** Sliding-window refresh limit per connection; true when this attempt is over the limit. */
  overRefreshLimit(
    connectionId: string,
    limit: { max: number; windowMs: number } | undefined,
    now: number,
  ): boolean {
    if (!limit) return false;
    const recent = (this.refreshTimes.get(connectionId) ?? []).filter((t) => now - t < limit.windowMs);
    if (recent.length >= limit.max) return true;
    this.refreshTimes.set(connectionId, [...recent, now]);
    return false;
  }
}

/** Cursor page over records sorted by key: `after` excludes keys ≤ after (Meld's documented cursor). */
export function pageByKey<T extends { key: string }>(records: T[], limit: number, after?: string): T[] {
  const sorted = [...records].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return sorted.filter((r) => after === undefined || r.key > after).slice(0, limit);
}
