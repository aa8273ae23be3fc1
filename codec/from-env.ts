// One way every process (worker, API, codec server) builds the codec from env, so they cannot
// disagree: prod (NODE_ENV=production) requires BALANCE_CHECK_CODEC_KEYS; dev falls back to a key
// generated once under DATA_DIR (default .data).
import { AesGcmPayloadCodec } from './aes-gcm-codec';
import { createDataConverter } from './data-converter';
import { loadCodecKeys } from './keys';

export function codecFromEnv(env: Record<string, string | undefined> = process.env) {
  const mode = env.NODE_ENV === 'production' ? 'prod' : 'dev';
  const codec = new AesGcmPayloadCodec(loadCodecKeys({ env, mode, dataDir: env.DATA_DIR || '.data' }));
  return { codec, dataConverter: createDataConverter(codec) };
}
