// The API's HTTP server with a graceful stop (SIGTERM in api/main.ts): stop accepting connections,
// let in-flight requests finish (long-polls are cut short by `draining` and answer 202 + Location)
// with `Connection: close`, answer 503 to any request that still arrives on an open connection, and
// after the grace period close whatever is left.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApiServer, type ApiServerSettings } from './server';

export interface GracefulServer {
  server: Server;
  port: number;
  /** Pass to createApp({ draining }): aborted when stop() begins. */
  draining: AbortSignal;
  /** Resolves once every connection is closed (at the latest graceMs after the call). */
  stop(): Promise<{ forced: boolean }>;
}

export async function listenGracefully(
  createHandler: (draining: AbortSignal) => (req: IncomingMessage, res: ServerResponse) => void,
  opts: { port: number; host: string; graceMs: number; settings?: ApiServerSettings; logger?: Logger },
): Promise<GracefulServer> {
  const drain = new AbortController();
  const handler = createHandler(drain.signal);
  const server = createApiServer((req, res) => {
    if (!drain.signal.aborted) {
      // Answers written after draining starts close their connection, so keep-alive clients open a
      // new one (to another replica) instead of reusing a socket this server is about to drop.
      const closeAfter = () => void (res.headersSent || res.setHeader('connection', 'close'));
      drain.signal.addEventListener('abort', closeAfter, { once: true });
      res.once('close', () => drain.signal.removeEventListener('abort', closeAfter));
      return handler(req, res);
    }
    res
      .writeHead(503, {
        'content-type': 'application/problem+json',
        connection: 'close',
        'retry-after': '1',
      })
      .end(
        JSON.stringify({
          type: 'https://balance-check.dev/problems/shutting-down',
          title: 'This API instance is shutting down',
          status: 503,
          detail: 'Retry the request: another instance will answer it',
        }),
      );
  }, opts.settings, opts.logger);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });

  let stopping: Promise<{ forced: boolean }> | undefined;
  return {
    server,
    port: (server.address() as AddressInfo).port,
    draining: drain.signal,
    stop() {
      stopping ??= new Promise((resolve) => {
        drain.abort();
        const timer = setTimeout(() => {
          server.closeAllConnections();
          resolve({ forced: true });
        }, opts.graceMs);
        // close() stops listening and (Node ≥ 19) closes idle keep-alive connections.
        server.close(() => {
          clearTimeout(timer);
          resolve({ forced: false });
        });
        server.closeIdleConnections();
      });
      return stopping;
    },
  };
}

/** API_SHUTDOWN_GRACE_MS (default 10000): how long in-flight requests may run after SIGTERM. */
export function shutdownGraceMsFromEnv(env: Record<string, string | undefined> = process.env): number {
  const raw = env.API_SHUTDOWN_GRACE_MS?.trim();
  if (!raw) return 10_000;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 0)
    throw new Error(`API_SHUTDOWN_GRACE_MS must be a whole number of milliseconds, not '${raw}'`);
  return ms;
}
