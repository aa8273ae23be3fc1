import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ApplicationFailure, defaultPayloadConverter, type Payload } from '@temporalio/common';
import {
  decodeFailure,
  encodeErrorToFailure,
} from '@temporalio/common/lib/internal-non-workflow/codec-helpers';
import { loadDataConverter } from '@temporalio/common/lib/internal-non-workflow/data-converter-helpers';
import { AesGcmPayloadCodec, METADATA_KEY_ID, PayloadDecryptionError } from '../../codec/aes-gcm-codec';
import { createDataConverter } from '../../codec/data-converter';
import { CodecKeyConfigError, DEV_KEY_ID, loadCodecKeys, parseCodecKeys } from '../../codec/keys';

const k1 = randomBytes(32);
const k2 = randomBytes(32);
const secret = { accountNumber: '9876543210', balance: '1234.56' };
const toPayload = (v: unknown): Payload => defaultPayloadConverter.toPayload(v);
const text = (b: Uint8Array | null | undefined): string => Buffer.from(b ?? []).toString('utf8');

void describe('AesGcmPayloadCodec', () => {
  const codec = new AesGcmPayloadCodec({ encryptWith: 'k1', keys: { k1 } });

  void it('round-trips payloads and hides plaintext, original encoding and the key bytes', async () => {
    const [encoded] = await codec.encode([toPayload(secret)]);
    assert.ok(encoded);
    assert.equal(text(encoded.metadata?.encoding), 'binary/encrypted');
    assert.equal(text(encoded.metadata?.[METADATA_KEY_ID]), 'k1');
    assert.deepEqual(Object.keys(encoded.metadata ?? {}).sort(), ['encoding', METADATA_KEY_ID].sort());
    const raw = Buffer.from(encoded.data ?? []);
    assert.ok(!raw.includes('9876543210') && !raw.includes('json/plain'));
    const [decoded] = await codec.decode([encoded]);
    assert.ok(decoded);
    assert.equal(text(decoded.metadata?.encoding), 'json/plain');
    assert.deepEqual(defaultPayloadConverter.fromPayload(decoded), secret);
  });

  void it('uses a fresh IV per payload, so equal inputs give different ciphertexts', async () => {
    const [a, b] = await codec.encode([toPayload(secret), toPayload(secret)]);
    assert.notDeepEqual(Buffer.from(a?.data ?? []), Buffer.from(b?.data ?? []));
  });

  void it('decodes payloads written with a retired key while encrypting with the new one', async () => {
    const [old] = await codec.encode([toPayload(secret)]);
    const rotated = new AesGcmPayloadCodec({ encryptWith: 'k2', keys: { k1, k2 } });
    const [fresh] = await rotated.encode([toPayload('new')]);
    assert.equal(text(fresh?.metadata?.[METADATA_KEY_ID]), 'k2');
    const [a, b] = await rotated.decode([old as Payload, fresh as Payload]);
    assert.deepEqual(defaultPayloadConverter.fromPayload(a as Payload), secret);
    assert.equal(defaultPayloadConverter.fromPayload(b as Payload), 'new');
  });

  void it('names the missing key id when it cannot decrypt', async () => {
    const [encoded] = await codec.encode([toPayload(secret)]);
    const other = new AesGcmPayloadCodec({ encryptWith: 'k2', keys: { k2 } });
    await assert.rejects(other.decode([encoded as Payload]), (err: Error) => {
      assert.ok(err instanceof PayloadDecryptionError);
      assert.match(err.message, /'k1'/);
      return true;
    });
  });

  void it('rejects tampered ciphertext and a wrong key under the right id', async () => {
    const [encoded] = await codec.encode([toPayload(secret)]);
    const data = Buffer.from(encoded?.data ?? []);
    data[20] = (data[20] ?? 0) ^ 0xff;
    await assert.rejects(codec.decode([{ ...encoded, data }]), /failed authentication/);
    const impostor = new AesGcmPayloadCodec({ encryptWith: 'k1', keys: { k1: k2 } });
    await assert.rejects(impostor.decode([encoded as Payload]), /failed authentication/);
  });

  void it('passes unencrypted payloads through untouched', async () => {
    const plain = toPayload({ legacy: true });
    const [out] = await codec.decode([plain]);
    assert.equal(out, plain);
  });

  void it('rejects bad key sizes and an encrypt key that is not configured', () => {
    assert.throws(
      () => new AesGcmPayloadCodec({ encryptWith: 'k1', keys: { k1: randomBytes(16) } }),
      /32 bytes/,
    );
    assert.throws(() => new AesGcmPayloadCodec({ encryptWith: 'k9', keys: { k1 } }), /'k9'/);
  });
});

void describe('createDataConverter', () => {
  void it('encrypts failure messages and stack traces via encodeCommonAttributes', async () => {
    const codec = new AesGcmPayloadCodec({ encryptWith: 'k1', keys: { k1 } });
    const converter = loadDataConverter(createDataConverter(codec));
    const err = ApplicationFailure.nonRetryable('account 9876543210 overdrawn', 'Overdrawn');
    const failure = await encodeErrorToFailure(converter, err);
    assert.equal(failure.message, 'Encoded failure');
    assert.equal(failure.stackTrace, '');
    const attrs = failure.encodedAttributes;
    assert.equal(text(attrs?.metadata?.encoding), 'binary/encrypted');
    assert.ok(!Buffer.from(attrs?.data ?? []).includes('9876543210'));
    const decoded = await decodeFailure(converter.payloadCodecs, failure);
    assert.equal(
      converter.failureConverter.failureToError(decoded, converter.payloadConverter).message,
      err.message,
    );
  });
});

void describe('codec keys', () => {
  const b64 = (b: Buffer) => b.toString('base64');

  void it('parses several keys and picks the configured encrypt key', () => {
    const env = {
      BALANCE_CHECK_CODEC_KEYS: `k1:${b64(k1)}, k2:${b64(k2)}`,
      BALANCE_CHECK_CODEC_KEY_ID: 'k2',
    };
    const { encryptWith, keys } = loadCodecKeys({ env, mode: 'prod' });
    assert.equal(encryptWith, 'k2');
    assert.deepEqual(keys, { k1, k2 });
  });

  void it('rejects wrong lengths, junk base64, duplicates and an unknown key id without echoing key material', () => {
    assert.throws(() => parseCodecKeys(`k1:${b64(randomBytes(31))}`), /exactly 32 bytes \(got 31\)/);
    assert.throws(() => parseCodecKeys('k1:not*base64'), CodecKeyConfigError);
    assert.throws(() => parseCodecKeys(`k1:${b64(k1)},k1:${b64(k2)}`), /twice/);
    assert.throws(
      () => parseCodecKeys(b64(k1)),
      (e: Error) => !e.message.includes(b64(k1)),
    );
    const env = { BALANCE_CHECK_CODEC_KEYS: `k1:${b64(k1)},k2:${b64(k2)}`, BALANCE_CHECK_CODEC_KEY_ID: 'k3' };
    assert.throws(() => loadCodecKeys({ env, mode: 'prod' }), /'k3'/);
  });

  void it('fails at start-up in prod without keys', () => {
    assert.throws(() => loadCodecKeys({ env: {}, mode: 'prod' }), /BALANCE_CHECK_CODEC_KEYS is required/);
  });

  void it('generates one dev key, persists it privately and keeps it readable after switching to env keys', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'codec-keys-'));
    try {
      const first = loadCodecKeys({ env: {}, mode: 'dev', dataDir });
      const second = loadCodecKeys({ env: {}, mode: 'dev', dataDir });
      assert.equal(first.encryptWith, DEV_KEY_ID);
      assert.deepEqual(second.keys, first.keys);
      const file = join(dataDir, 'codec-dev-key');
      assert.equal(statSync(file).mode & 0o077, 0, 'dev key file must not be group/world readable');
      assert.match(readFileSync(file, 'utf8'), /^dev-local:/);
      const withEnv = loadCodecKeys({
        env: { BALANCE_CHECK_CODEC_KEYS: `k1:${b64(k1)}` },
        mode: 'dev',
        dataDir,
      });
      assert.equal(withEnv.encryptWith, 'k1');
      assert.deepEqual(withEnv.keys[DEV_KEY_ID], first.keys[DEV_KEY_ID]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
