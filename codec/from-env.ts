// One way every process (worker, API, codec server) builds the codec from env, so they cannot
// disagree: prod (NODE_ENV=production) requires BALANCE_CHECK_CODEC_KEYS; dev falls back to a key
// generated once under DATA_DIR (default .data). In production the codec also rejects unencrypted
// inbound payloads (codecRejectsPlaintext).
import { AesGcmPayloadCodec } from './aes-gcm-codec';
import { createDataConverter } from './data-converter';
import { loadCodecKeys } from './keys';

export function codecFromEnv(
  env: Record<string, string | undefined> = process.env,
  { rejectPlaintext = codecRejectsPlaintext(env) }: { rejectPlaintext?: boolean } = {},
) {
  const mode = env.NODE_ENV === 'production' ? 'prod' : 'dev';
  const codec = new AesGcmPayloadCodec({
    ...loadCodecKeys({ env, mode, dataDir: env.DATA_DIR || '.data' }),
    rejectPlaintext,
  });
  return { codec, dataConverter: createDataConverter(codec) };
}

/**
 * Whether decoding turns unencrypted payloads into the rejection marker: on with NODE_ENV=production
 * or CODEC_REJECT_PLAINTEXT=true. CODEC_REJECT_PLAINTEXT=false turns it off in production, for a
 * migration only: running checks whose history holds plaintext values would otherwise replay
 * differently (the marker instead of the value).
 */
export function codecRejectsPlaintext(env: Record<string, string | undefined>): boolean {
  const flag = env.CODEC_REJECT_PLAINTEXT?.trim().toLowerCase();
  if (flag === 'true' || flag === '1') return true;
  if (flag === 'false' || flag === '0') return false;
  return env.NODE_ENV === 'production';
}
