// The API's HTTP server: one place for the socket-level limits, so api/main.ts, the sandbox and the
// tests all get the same protection from slow or greedy clients (a trickled body, idle sockets,
// connection floods) before Express sees a request.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { ApiConfig } from './config';

export interface ApiServerSettings {
  /** Time to receive the request headers; then 408 and the socket closes. */
  headersTimeoutMs: number;
  /** Time to receive the whole request, body included; then 408 and the socket closes. Not the response. */
  requestTimeoutMs: number;
  /** Idle keep-alive sockets close after this. */
  keepAliveTimeoutMs: number;
  /** Open connections at most; Node closes further ones as soon as they are accepted. */
  maxConnections: number;
  /** How often Node checks the two timeouts above (its default, 30 s, would let them overrun by that much). */
  checkIntervalMs?: number;
}

export const DEFAULT_API_SERVER_SETTINGS: ApiServerSettings = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1_000,
};

export function apiServerSettings(config: ApiConfig): ApiServerSettings {
  return {
    headersTimeoutMs: config.API_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: config.API_REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: config.API_KEEP_ALIVE_TIMEOUT_MS,
    maxConnections: config.API_MAX_CONNECTIONS,
  };
}

/** An http.Server with the settings applied; `handler` is the Express app (or a forwarder to it). */
export function createApiServer(
  handler: RequestListener,
  settings: ApiServerSettings = DEFAULT_API_SERVER_SETTINGS,
  logger?: Logger,
): Server {
  const server = createServer(
    {
      headersTimeout: settings.headersTimeoutMs,
      requestTimeout: settings.requestTimeoutMs,
      keepAliveTimeout: settings.keepAliveTimeoutMs,
      connectionsCheckingInterval:
        settings.checkIntervalMs ?? Math.min(1_000, settings.headersTimeoutMs, settings.requestTimeoutMs),
    },
    handler,
  );
  server.keepAliveTimeout = settings.keepAliveTimeoutMs;
  server.maxConnections = settings.maxConnections;
  if (logger) {
    // One line per burst, not one per refused socket.
    let lastWarned = 0;
    server.on('drop', () => {
      if (Date.now() - lastWarned < 10_000) return;
      lastWarned = Date.now();
      logger.warn(
        { maxConnections: settings.maxConnections },
        'connection limit reached: refusing connections',
      );
    });
  }
  return server;
}

/** createApiServer + listen; resolves once it listens, with its base URL. */
export async function listenApi(
  handler: RequestListener,
  opts: { port: number; host: string; settings?: ApiServerSettings; logger?: Logger },
): Promise<{ server: Server; url: string }> {
  const server = createApiServer(handler, opts.settings, opts.logger);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return { server, url: `http://${host}:${port}` };
}
