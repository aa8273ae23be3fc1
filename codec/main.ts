// `npm run codec` (compiled: `node dist/codec/main.js`): the codec server alone, for a real
// deployment's Temporal UI (TEMPORAL_CODEC_ENDPOINT=<url>/codec) and CLI (--codec-endpoint). Same keys
// as the worker; SIGTERM closes it. It decrypts whatever it is sent: keep it on a private network
// (see docs/OPERATIONS.md).
import { z } from 'zod';
import { startCodecServer } from './codec-http-server';
import { codecFromEnv } from './from-env';

const CodecEnv = z.object({
  CODEC_HOST: z.string().min(1).default('127.0.0.1'),
  CODEC_PORT: z.coerce.number().int().min(0).max(65_535).default(8234),
  /** Comma-separated exact UI origins, e.g. https://temporal-ui.internal.example.com */
  CODEC_ALLOWED_ORIGINS: z.string().min(1),
  CODEC_BEARER_TOKEN: z.string().min(16).optional(),
});

async function main(): Promise<void> {
  const parsed = CodecEnv.safeParse(
    Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== '')),
  );
  if (!parsed.success) throw new Error(`Invalid codec server settings:\n${z.prettifyError(parsed.error)}`);
  const env = parsed.data;
  const { codec } = codecFromEnv();
  const server = await startCodecServer({
    codec,
    host: env.CODEC_HOST,
    port: env.CODEC_PORT,
    bearerToken: env.CODEC_BEARER_TOKEN,
    allowedOrigins: env.CODEC_ALLOWED_ORIGINS.split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  });
  console.log(`codec server: ${server.endpoint} (key ${codec.encryptWith})`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop).once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`codec server: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
