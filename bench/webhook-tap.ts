// A forwarding proxy in front of the API's webhook routes: timestamps each webhook as it arrives,
// so latency can be measured from the provider's webhook rather than from the caller's request.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nowMs } from './stats';

export interface WebhookTap {
  url: string;
  /** When the last webhook whose body names `id` arrived (ms since the epoch). */
  lastFor(id: string): number | undefined;
  server: Server;
}

export async function webhookTap(apiUrl: string): Promise<WebhookTap> {
  const seen: { at: number; body: string }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ at: nowMs(), body: body.toString('utf8') });
      const headers = { ...req.headers } as Record<string, string>;
      delete headers.host;
      fetch(apiUrl + req.url, { method: req.method, headers, body }).then(
        async (r) =>
          res
            .writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'text/plain' })
            .end(Buffer.from(await r.arrayBuffer())),
        () => res.writeHead(502).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    lastFor: (id) => {
      for (let i = seen.length - 1; i >= 0; i--) if (seen[i]!.body.includes(`"${id}"`)) return seen[i]!.at;
      return undefined;
    },
    server,
  };
}
