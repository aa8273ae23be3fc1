// The codec endpoints in their own small HTTP server (not on the public API): the sandbox and
// operators run it next to the Temporal UI, which calls `<url>/codec/decode` from the browser.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createCodecRouter, type CodecRouterOptions } from './codec-server';

export interface CodecServerOptions extends CodecRouterOptions {
  port?: number;
  host?: string;
}

export interface RunningCodecServer {
  /** Base URL (also serves GET /healthz). */
  url: string;
  /** `${url}/codec`: what `--ui-codec-endpoint` / `TEMPORAL_CODEC_ENDPOINT` / `--codec-endpoint` take (they append /decode). */
  endpoint: string;
  close(): Promise<void>;
}

/** Loopback names, plus the bound host unless it is a wildcard: what a local UI or CLI sends as Host. */
export function defaultAllowedHosts(host: string): string[] {
  const names = ['localhost', '127.0.0.1', '[::1]'];
  const bound = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return ['0.0.0.0', '[::]'].includes(bound) ? names : [...new Set([...names, bound.toLowerCase()])];
}

export async function startCodecServer({
  port = 0,
  host = '127.0.0.1',
  allowedHosts = defaultAllowedHosts(host),
  ...router
}: CodecServerOptions): Promise<RunningCodecServer> {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use(createCodecRouter({ ...router, allowedHosts }));
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    url,
    endpoint: `${url}/codec`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
