import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec, ValueError } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { UNENCRYPTED_PAYLOAD_MARKER } from '../contracts/codec-marker';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const METADATA_KEY_ID = 'encryption-key-id';
/** The default payload converter's encoding for `undefined`: no data, so nothing to forge. */
const NULL_ENCODING = 'binary/null';
const IV_BYTES = 12; // NIST-recommended GCM nonce size; also what the Go/Python/.NET Temporal samples use.
const TAG_BYTES = 16;
const KEY_BYTES = 32; // AES-256

/** Thrown for payloads that cannot be decrypted (unknown key, tampering); the codec server maps it to a 4xx. */
export class PayloadDecryptionError extends ValueError {}

export interface AesGcmCodecOptions {
  /** Key id used for every new payload. */
  encryptWith: string;
  /** All keys accepted for decryption (must include `encryptWith`). Keep retired keys here until no history needs them. */
  keys: Record<string, Buffer>;
  /**
   * Decode unencrypted payloads to UNENCRYPTED_PAYLOAD_MARKER (contracts/codec-marker.ts) instead of
   * passing them through (integrity: only holders of the key can put a value into a workflow). On in
   * production (from-env.ts). `binary/null` still passes. Search attributes, headers and the SDK's
   * own markers never reach the codec (the worker skips them), so they are unaffected.
   */
  rejectPlaintext?: boolean;
}

const utf8 = (s: string): Uint8Array => Buffer.from(s, 'utf8');

/** The marker as the default payload converter reads it (json/plain). A fresh object each time. */
const rejectedPayload = (): Payload => ({
  metadata: { [METADATA_ENCODING_KEY]: utf8('json/plain') },
  data: utf8(JSON.stringify(UNENCRYPTED_PAYLOAD_MARKER)),
});
const str = (b: Uint8Array | undefined | null): string | undefined =>
  b ? Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8') : undefined;

/**
 * Encrypts the whole serialized Payload (metadata included), so even the original encoding
 * (`json/plain`, ...) is hidden from the Temporal server. Wire layout: IV(12) | ciphertext | tag(16),
 * the same as Go's `gcm.Seal(nonce, nonce, ...)`, so a codec server in another SDK can read it.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  readonly encryptWith: string;
  readonly rejectPlaintext: boolean;
  private readonly encryptKey: Buffer;
  private readonly keys: ReadonlyMap<string, Buffer>;

  constructor({ encryptWith, keys, rejectPlaintext = false }: AesGcmCodecOptions) {
    for (const [id, key] of Object.entries(keys)) {
      if (key.length !== KEY_BYTES)
        throw new ValueError(`Codec key '${id}' must be ${KEY_BYTES} bytes, got ${key.length}`);
    }
    if (!keys[encryptWith])
      throw new ValueError(`Codec encryption key '${encryptWith}' is not among the configured keys`);
    this.encryptWith = encryptWith;
    this.rejectPlaintext = rejectPlaintext;
    // Copy so later mutation of the caller's object cannot swap keys under a running worker.
    this.keys = new Map(Object.entries(keys).map(([id, key]) => [id, Buffer.from(key)]));
    this.encryptKey = Buffer.from(keys[encryptWith]);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', this.encryptKey, iv);
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: utf8(ENCRYPTED_ENCODING),
          [METADATA_KEY_ID]: utf8(this.encryptWith),
        },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.decodeOne(payload));
  }

  private decodeOne(payload: Payload): Payload {
    const encoding = str(payload.metadata?.[METADATA_ENCODING_KEY]);
    if (encoding !== ENCRYPTED_ENCODING) {
      // Without rejectPlaintext, payloads written before encryption was enabled (or by other codecs)
      // pass through untouched. With it, they become the marker: never an error, see codec-marker.ts.
      if (!this.rejectPlaintext || encoding === NULL_ENCODING) return payload;
      return rejectedPayload();
    }
    const keyId = str(payload.metadata?.[METADATA_KEY_ID]);
    if (!keyId) throw new PayloadDecryptionError(`Encrypted payload has no '${METADATA_KEY_ID}' metadata`);
    const key = this.keys.get(keyId);
    if (!key) {
      throw new PayloadDecryptionError(
        `No codec key with id '${keyId}' is configured; add it to BALANCE_CHECK_CODEC_KEYS to decrypt this payload`,
      );
    }
    const data = payload.data ?? new Uint8Array();
    if (data.byteLength < IV_BYTES + TAG_BYTES) {
      throw new PayloadDecryptionError(`Encrypted payload (key '${keyId}') is too short to be valid`);
    }
    const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(0, IV_BYTES));
    decipher.setAuthTag(buf.subarray(buf.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([
        decipher.update(buf.subarray(IV_BYTES, buf.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      // GCM authentication failed: wrong key material for this id, or the bytes were altered.
      throw new PayloadDecryptionError(
        `Payload encrypted with key '${keyId}' failed authentication (tampered or wrong key)`,
      );
    }
    return temporal.api.common.v1.Payload.decode(plain);
  }
}
