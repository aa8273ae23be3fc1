// `npm run codec` (compiled: `node dist/codec/main.js`): the codec server alone, for a real
// deployment's Temporal UI (TEMPORAL_CODEC_ENDPOINT=<url>/codec) and CLI (--codec-endpoint). Same keys
// as the worker; SIGTERM closes it. It decrypts whatever it is sent: keep it on a private network
// (see docs/OPERATIONS.md). In production it needs CODEC_BEARER_TOKEN (server-config.ts).
import { startCodecServer } from './codec-http-server';
import { codecFromEnv } from './from-env';
import { loadCodecServerSettings } from './server-config';

async function main(): Promise<void> {
  const settings = loadCodecServerSettings(process.env);
  // Decoding for display: plaintext payloads in history are shown as they are, not as the marker.
  const { codec } = codecFromEnv(process.env, { rejectPlaintext: false });
  const server = await startCodecServer({ codec, ...settings });
  console.log(
    `codec server: ${server.endpoint} (key ${codec.encryptWith}; hosts ${settings.allowedHosts?.join(', ')}${settings.allowEncode ? '; encode on' : ''})`,
  );
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop).once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`codec server: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
