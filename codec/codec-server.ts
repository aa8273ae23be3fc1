import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import { PayloadDecryptionError } from './aes-gcm-codec';

/*
 * Remote codec for the Temporal Web UI and CLI, mounted at `/codec` (endpoints `/codec/encode|decode`).
 * UI: `TEMPORAL_CODEC_ENDPOINT=https://<api>/codec` (dev server: `--ui-codec-endpoint`). The UI sends
 * `Authorization` only with `TEMPORAL_CODEC_PASS_ACCESS_TOKEN=true`, and then it is the signed-in user's
 * OIDC token, not our static bearer token: with `bearerToken` set, browser access needs a proxy that
 * checks OIDC and injects the token; otherwise restrict by network. `TEMPORAL_CODEC_INCLUDE_CREDENTIALS`
 * makes the UI send cookies, which is why we answer with Allow-Credentials. The CLI sends it with
 * `--codec-endpoint https://<api>/codec --codec-auth "Bearer <token>"`. It decrypts anything it is
 * given, so keep it off the public internet. Host allow-list: a request whose Host is not one of ours
 * (DNS rebinding: a web page's own name resolving to this server) gets 421. `/codec/encode` exists
 * only when allowEncode is set (never in production, see server-config.ts) and is never offered to
 * browsers (no CORS): whoever can encode can put values into workflows that the codec then trusts.
 */
export interface CodecRouterOptions {
  codec: PayloadCodec;
  /** When set, POSTs need `Authorization: Bearer <token>` (CLI: `--codec-auth "Bearer <token>"`). */
  bearerToken?: string;
  /** Exact origins (e.g. `http://localhost:8233`) whose browsers may call the codec; no wildcard on purpose. */
  allowedOrigins: string[];
  /** History pages can carry many payloads; express's 100kb default is too small. */
  bodyLimit?: string;
  /**
   * Host header values served (`name` for any port, or `name:port`), case-insensitive; others → 421.
   * Undefined: any Host (tests only; startCodecServer always sets a list).
   */
  allowedHosts?: string[];
  /** Serve `/codec/encode` (for the CLI in development). Off by default; refused in production. */
  allowEncode?: boolean;
}

// Temporal's remote codec protocol is proto3 JSON: every bytes field (data, metadata values) is base64.
const jsonPayload = z.object({
  metadata: z.record(z.string(), z.base64()).nullish(),
  data: z.base64().nullish(),
});
const codecBody = z.object({ payloads: z.array(jsonPayload) });
type JsonPayload = z.infer<typeof jsonPayload>;

const fromJson = ({ metadata, data }: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(data ?? '', 'base64'),
});
// A decoded proto leaves unset bytes fields at protobufjs's default, a plain empty array (e.g. the
// data of an encoded `null`), so accept both.
const b64 = (b: Uint8Array | number[]): string =>
  (b instanceof Uint8Array ? Buffer.from(b.buffer, b.byteOffset, b.byteLength) : Buffer.from(b)).toString(
    'base64',
  );
const toJson = ({ metadata, data }: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, b64(v)])),
  data: b64(data ?? new Uint8Array()),
});

function problem(res: Response, status: number, title: string, detail: string): void {
  res.status(status).type('application/problem+json').json({ type: 'about:blank', title, status, detail });
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** `name` entries match any port; `name:port` entries match exactly. IPv6 names keep their brackets. */
function hostAllowed(hosts: ReadonlySet<string>, header: string | undefined): boolean {
  if (!header) return false;
  const host = header.trim().toLowerCase();
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!;
  return hosts.has(host) || hosts.has(name);
}

export function createCodecRouter({
  codec,
  bearerToken,
  allowedOrigins,
  bodyLimit = '8mb',
  allowedHosts,
  allowEncode = false,
}: CodecRouterOptions): Router {
  const router = Router();
  const origins = new Set(allowedOrigins);
  const hosts = allowedHosts && new Set(allowedHosts.map((h) => h.trim().toLowerCase()).filter(Boolean));
  // Hash both sides so timingSafeEqual gets equal lengths and the compare leaks nothing about the token.
  const expectedAuth = bearerToken ? digest(`Bearer ${bearerToken}`) : undefined;

  router.use('/codec', (req, res, next) => {
    if (hosts && !hostAllowed(hosts, req.get('host'))) {
      problem(res, 421, 'Misdirected request', 'This codec server does not serve that Host');
      return;
    }
    const origin = req.get('origin');
    res.vary('Origin'); // responses differ by origin, so caches must key on it
    // Browsers (the Temporal UI) may only decode: no CORS grant on anything else.
    const browserPath = req.path === '/decode';
    if (!browserPath && req.method === 'OPTIONS') {
      problem(res, 404, 'Not found', 'Only /codec/decode is offered to browsers');
      return;
    }
    if (browserPath && origin && origins.has(origin)) {
      res.set('Access-Control-Allow-Origin', origin);
      // The UI can be configured to send cookies/credentials to the codec (includeCredentials).
      res.set('Access-Control-Allow-Credentials', 'true');
    }
    if (req.method === 'OPTIONS') {
      // Preflights never carry Authorization, so they are answered before the auth check.
      res.set('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.set('Access-Control-Allow-Headers', 'Authorization, Content-Type, X-Namespace');
      res.set('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    if (expectedAuth && !timingSafeEqual(digest(req.get('authorization') ?? ''), expectedAuth)) {
      res.set('WWW-Authenticate', 'Bearer');
      problem(res, 401, 'Unauthorized', 'A valid bearer token is required for the codec endpoints');
      return;
    }
    next();
  });

  const handle = (op: 'encode' | 'decode') => async (req: Request, res: Response) => {
    const parsed = codecBody.safeParse(req.body);
    if (!parsed.success) {
      problem(
        res,
        400,
        'Malformed codec request',
        `Expected {"payloads":[{"metadata":{k:base64},"data":base64}]}: ${z.prettifyError(parsed.error)}`,
      );
      return;
    }
    try {
      const result = await codec[op](parsed.data.payloads.map(fromJson));
      res.json({ payloads: result.map(toJson) });
    } catch (err) {
      // Undecryptable input (unknown key id, tampered bytes) is the caller's data problem, not a server fault.
      if (err instanceof PayloadDecryptionError) problem(res, 422, 'Payload cannot be decoded', err.message);
      else throw err;
    }
  };
  const json = express.json({ limit: bodyLimit });
  router.post('/codec/decode', json, handle('decode'));
  if (allowEncode) router.post('/codec/encode', json, handle('encode'));

  // body-parser errors (invalid JSON, too large, bad charset) carry a 4xx status; keep them problem+json.
  router.use('/codec', (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    const status = (err as { status?: unknown }).status;
    if (typeof status !== 'number' || status < 400 || status >= 500) return next(err);
    problem(
      res,
      status,
      status === 413 ? 'Payload too large' : 'Malformed codec request',
      (err as Error).message,
    );
  });
  return router;
}
