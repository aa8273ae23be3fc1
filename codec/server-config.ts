// The standalone codec server's settings (codec/main.ts), read and checked once from env. In
// production it refuses to start without a bearer token, with /codec/encode enabled, or bound to all
// interfaces without naming the hosts it answers to.
import { z } from 'zod';
import { defaultAllowedHosts, type CodecServerOptions } from './codec-http-server';

const csv = (s: string | undefined) =>
  (s ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

const CodecEnv = z.object({
  NODE_ENV: z.string().optional(),
  CODEC_HOST: z.string().min(1).default('127.0.0.1'),
  CODEC_PORT: z.coerce.number().int().min(0).max(65_535).default(8234),
  /** Comma-separated exact UI origins, e.g. https://temporal-ui.internal.example.com */
  CODEC_ALLOWED_ORIGINS: z.string().min(1),
  /** Comma-separated Host values served (`name` or `name:port`); default: loopback names + CODEC_HOST. */
  CODEC_ALLOWED_HOSTS: z.string().optional(),
  CODEC_BEARER_TOKEN: z.string().min(16).optional(),
  /** Serve /codec/encode (development only). */
  CODEC_ALLOW_ENCODE: z.enum(['true', 'false']).default('false'),
});

export class CodecServerConfigError extends Error {
  override readonly name = 'CodecServerConfigError';
}

export type CodecServerSettings = Omit<CodecServerOptions, 'codec'> & { host: string; port: number };

export function loadCodecServerSettings(env: Record<string, string | undefined>): CodecServerSettings {
  // Empty values count as unset (shell exports like CODEC_BEARER_TOKEN=).
  const parsed = CodecEnv.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success)
    throw new CodecServerConfigError(`Invalid codec server settings:\n${z.prettifyError(parsed.error)}`);
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const allowEncode = e.CODEC_ALLOW_ENCODE === 'true';
  const hosts = csv(e.CODEC_ALLOWED_HOSTS);
  if (production) {
    if (!e.CODEC_BEARER_TOKEN)
      throw new CodecServerConfigError(
        'CODEC_BEARER_TOKEN is required in production: the codec server decrypts whatever it is sent',
      );
    if (allowEncode)
      throw new CodecServerConfigError(
        'CODEC_ALLOW_ENCODE=true is refused in production (encode forges payloads)',
      );
    if (hosts.length === 0 && ['0.0.0.0', '::', '[::]'].includes(e.CODEC_HOST))
      throw new CodecServerConfigError(
        'CODEC_ALLOWED_HOSTS is required in production when CODEC_HOST binds every interface',
      );
  }
  return {
    host: e.CODEC_HOST,
    port: e.CODEC_PORT,
    bearerToken: e.CODEC_BEARER_TOKEN,
    allowedOrigins: csv(e.CODEC_ALLOWED_ORIGINS),
    allowedHosts: hosts.length ? hosts : defaultAllowedHosts(e.CODEC_HOST),
    allowEncode,
  };
}
