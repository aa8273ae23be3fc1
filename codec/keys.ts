import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AesGcmCodecOptions } from './aes-gcm-codec';

export const KEYS_ENV = 'BALANCE_CHECK_CODEC_KEYS';
export const KEY_ID_ENV = 'BALANCE_CHECK_CODEC_KEY_ID';
export const DEV_KEY_ID = 'dev-local';
export const DEV_KEY_FILE = 'codec-dev-key';
const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
const BASE64_PATTERN = /^[A-Za-z0-9+/]+={0,2}$/;

export class CodecKeyConfigError extends Error {
  override readonly name = 'CodecKeyConfigError';
}

/** Parses `"k1:<base64 32 bytes>,k2:<base64>"`. Never echoes key material in errors (they end up in logs). */
export function parseCodecKeys(spec: string): Record<string, Buffer> {
  const keys: Record<string, Buffer> = {};
  for (const entry of spec
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const sep = entry.indexOf(':');
    const id = sep > 0 ? entry.slice(0, sep).trim() : '';
    const b64 = sep > 0 ? entry.slice(sep + 1).trim() : '';
    if (!KEY_ID_PATTERN.test(id)) {
      throw new CodecKeyConfigError(
        `${KEYS_ENV}: each entry must be "<id>:<base64 key>" with id matching ${KEY_ID_PATTERN}`,
      );
    }
    if (keys[id]) throw new CodecKeyConfigError(`${KEYS_ENV}: key id '${id}' is listed twice`);
    // Buffer.from(…, 'base64') silently skips junk, so check the alphabet first to catch typos.
    const key = BASE64_PATTERN.test(b64) ? Buffer.from(b64, 'base64') : Buffer.alloc(0);
    if (key.length !== 32) {
      throw new CodecKeyConfigError(
        `${KEYS_ENV}: key '${id}' must be base64 of exactly 32 bytes (got ${key.length})`,
      );
    }
    keys[id] = key;
  }
  return keys;
}

function readDevKey(dataDir: string): Buffer | undefined {
  try {
    return parseCodecKeys(readFileSync(join(dataDir, DEV_KEY_FILE), 'utf8'))[DEV_KEY_ID];
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Reads the dev key, creating it if absent. Create-via-link is atomic, so a worker and an API starting together agree on one key. */
function devKey(dataDir: string): Buffer {
  const existing = readDevKey(dataDir);
  if (existing) return existing;
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, DEV_KEY_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${DEV_KEY_ID}:${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  try {
    linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err; // another process won the race: use its key
  } finally {
    unlinkSync(tmp);
  }
  const created = readDevKey(dataDir);
  if (!created) throw new CodecKeyConfigError(`Could not read dev codec key from ${file}`);
  return created;
}

export interface LoadCodecKeysOptions {
  env: Record<string, string | undefined>;
  mode: 'dev' | 'prod';
  /** Where the dev key lives (e.g. `.data`). Only used in dev. */
  dataDir?: string;
}

/**
 * Prod: keys must come from the environment (fail at start-up, not on the first payload).
 * Dev: without env keys, a random key is generated once under `dataDir` so restarts can still
 * read old histories; with env keys, an existing dev key stays decrypt-only for the same reason.
 */
export function loadCodecKeys({ env, mode, dataDir = '.data' }: LoadCodecKeysOptions): AesGcmCodecOptions {
  const spec = env[KEYS_ENV]?.trim();
  if (!spec) {
    if (mode === 'prod') {
      throw new CodecKeyConfigError(
        `${KEYS_ENV} is required in production (format "k1:<base64 32 bytes>[,k2:<base64>]"); ` +
          `generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('base64'))"`,
      );
    }
    return { encryptWith: DEV_KEY_ID, keys: { [DEV_KEY_ID]: devKey(dataDir) } };
  }
  const keys = parseCodecKeys(spec);
  const ids = Object.keys(keys);
  const encryptWith = env[KEY_ID_ENV]?.trim() || (ids.length === 1 ? ids[0] : undefined);
  if (!encryptWith)
    throw new CodecKeyConfigError(`${KEY_ID_ENV} is required when ${KEYS_ENV} lists several keys`);
  if (!keys[encryptWith]) {
    throw new CodecKeyConfigError(
      `${KEY_ID_ENV}='${encryptWith}' is not one of the ids in ${KEYS_ENV} (${ids.join(', ')})`,
    );
  }
  if (mode === 'dev' && !keys[DEV_KEY_ID]) {
    const old = readDevKey(dataDir);
    if (old) keys[DEV_KEY_ID] = old;
  }
  return { encryptWith, keys };
}
