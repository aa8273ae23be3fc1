// The webhook relay of the chaos test: the simulators' webhooks go to it (setWebhookTarget); it
// captures them and re-posts them to the API as each resource's policy says — passed through,
// duplicated, reordered (terminal event first) or held — with the headers the simulator sent plus what
// its sandbox registration says a redelivery needs (Meld: a fresh signature).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProviderName } from '../../contracts/balance-check';
import { sandboxedProviders } from '../../providers/sandboxes';
import type { ReliabilityEnv } from './harness';

export type Policy = 'pass' | 'duplicate' | 'reorder' | 'hold';

export interface Captured {
  provider: ProviderName;
  key: string;
  body: Buffer;
  headers: Record<string, string>;
  at: number;
  terminal: boolean;
}

/** Headers of the captured request that belong to its connection, not to the webhook. */
const HOP_HEADERS = ['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive'];

/** The simulator's own reading of its webhook bodies (providers/<name>/simulator/registration.ts). */
export const hooks = (provider: ProviderName) => sandboxedProviders([provider])[0]!.sandbox.testHooks;
/** Routing key of a webhook body (MX member_guid, Meld payload.connectionId, Spinwheel userId, …). */
export const keyOf = (provider: ProviderName, body: Record<string, unknown>) =>
  hooks(provider).webhookKey(body);
export const isTerminal = (provider: ProviderName, body: Record<string, unknown>) =>
  hooks(provider).isTerminalWebhook(body);
export class Relay {
  server!: Server;
  url = '';
  readonly policies = new Map<string, Policy>();
  readonly captured: Captured[] = [];
  readonly posts = new Map<string, number[]>();
  private readonly held = new Map<string, Captured[]>();

  constructor(private readonly r: ReliabilityEnv) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.writeHead(200).end();
        const provider = (req.url ?? '').split('/').pop() as ProviderName;
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
        const raw = Buffer.concat(chunks);
        const body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
        this.onWebhook({
          provider,
          key: keyOf(provider, body),
          body: raw,
          headers,
          at: Date.now(),
          terminal: isTerminal(provider, body),
        });
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    for (const [name, sim] of Object.entries(this.r.stack.simulators))
      sim!.setWebhookTarget({ url: `${this.url}/webhooks/${name}` });
  }

  async close(): Promise<void> {
    for (const [name, sim] of Object.entries(this.r.stack.simulators))
      sim!.setWebhookTarget({ url: `${this.r.stack.apiUrl}/webhooks/${name}` });
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private onWebhook(c: Captured): void {
    this.captured.push(c);
    const policy = this.policies.get(c.key) ?? 'pass';
    if (policy === 'pass') return void this.forward(c);
    if (policy === 'duplicate') {
      void this.forward(c);
      void this.forward(c);
      setTimeout(() => void this.forward(c), 1_000);
      return;
    }
    const held = this.held.get(c.key) ?? [];
    held.push(c);
    this.held.set(c.key, held);
    if (policy === 'reorder' && c.terminal) {
      // The terminal event first, then everything before it, newest first (Meld UPDATED before
      // UPDATING; MX BALANCE before a CONNECTION_STATUS).
      this.held.delete(c.key);
      void (async () => {
        for (const h of held.reverse()) await this.forward(h);
        if (c.provider === 'mx' && c.body.includes('"BALANCE"'))
          await this.forward(craftedMxStatus(c, 'CONNECTED'));
      })();
    }
  }

  takeHeld(key: string): Captured[] {
    const held = this.held.get(key) ?? [];
    this.held.delete(key);
    return held;
  }

  /** Posts a captured (or crafted) webhook to the API with the provider's credentials. */
  async forward(c: Pick<Captured, 'provider' | 'key' | 'body' | 'headers'>): Promise<number> {
    // The simulator's own headers (its credentials), plus what a redelivery needs afresh (Meld: a new
    // signature over the URL the API is configured with).
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    for (const [k, v] of Object.entries(c.headers)) if (!HOP_HEADERS.includes(k)) headers[k] = v;
    Object.assign(headers, hooks(c.provider).redeliveryHeaders?.(c.body, this.r.stack.providerEnv));
    const status = await fetch(`${this.r.stack.apiUrl}/webhooks/${c.provider}`, {
      method: 'POST',
      headers,
      body: c.body,
      signal: AbortSignal.timeout(20_000),
    }).then(
      async (res) => {
        const text = await res.text();
        return res.status === 202 && text.includes('duplicate')
          ? 2021
          : res.status === 202 && text.includes('no-running-check')
            ? 2022
            : res.status;
      },
      () => 0,
    );
    const list = this.posts.get(c.key) ?? [];
    list.push(status);
    this.posts.set(c.key, list);
    return status;
  }
}

function craftedMxStatus(c: Pick<Captured, 'body' | 'headers' | 'key'>, status: string): Captured {
  const b = JSON.parse(c.body.toString('utf8')) as Record<string, unknown>;
  const body = Buffer.from(
    JSON.stringify({
      action: 'CHANGED',
      type: 'CONNECTION_STATUS',
      member_guid: b.member_guid,
      user_guid: b.user_guid,
      connection_status: status,
      connection_status_id: 6,
    }),
  );
  return { provider: 'mx', key: c.key, body, headers: c.headers, at: Date.now(), terminal: false };
}
