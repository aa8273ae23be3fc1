// A callback receiver for tests: verifies every delivery with the `standardwebhooks` package (an
// implementation we did not write), keeps raw deliveries and deduped events, and can be told to
// fail a number of times per event, answer 410, or answer 503 forever.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedEvent {
  id: string;
  path: string;
  type: string;
  data: {
    checkId: string;
    status: string;
    answer: any;
    challenges?: { id: string; label: string; type: string; options?: unknown[] }[];
    answerBy?: string;
  };
  /** The whole verified body (type, timestamp, data), as the receiver got it. */
  body: unknown;
}

export type Behaviour = { failTimes?: number; status?: number };

export interface TestReceiver {
  url: string;
  /** Every request, verified or not (retries included). */
  deliveries: { id: string; path: string; verified: boolean; signatures: number }[];
  /** Verified events, deduped on webhook-id. */
  events(path?: string): ReceivedEvent[];
  /** How a path answers (default 200). */
  behave(path: string, behaviour: Behaviour): void;
  close(): Promise<void>;
}

export async function startTestReceiver(secret: string): Promise<TestReceiver> {
  const verifier = new Webhook(secret);
  const deliveries: TestReceiver['deliveries'] = [];
  const byId = new Map<string, ReceivedEvent>();
  const behaviours = new Map<string, Behaviour>();
  const failures = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      const id = String(req.headers['webhook-id'] ?? '');
      let payload: { type: string; data: ReceivedEvent['data'] } | undefined;
      try {
        payload = verifier.verify(body, req.headers as Record<string, string>) as typeof payload;
      } catch {
        payload = undefined;
      }
      const signatures = String(req.headers['webhook-signature'] ?? '').split(' ').length;
      deliveries.push({ id, path, verified: payload !== undefined, signatures });
      if (!payload) return void res.writeHead(400).end();
      const behaviour = behaviours.get(path) ?? {};
      const failed = failures.get(id) ?? 0;
      if (behaviour.failTimes !== undefined && failed < behaviour.failTimes) {
        failures.set(id, failed + 1);
        return void res.writeHead(500).end();
      }
      if (behaviour.status !== undefined) return void res.writeHead(behaviour.status).end();
      if (!byId.has(id)) byId.set(id, { id, path, type: payload.type, data: payload.data, body: payload });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    deliveries,
    events: (path) => [...byId.values()].filter((e) => path === undefined || e.path === path),
    behave: (path, behaviour) => void behaviours.set(path, behaviour),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
