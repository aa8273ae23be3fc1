// AesGcmPayloadCodec with rejectPlaintext (production): unencrypted payloads decode to the rejection
// marker instead of passing through; binary/null and our own ciphertext still decode; a payload we
// cannot decrypt is still an error (a missing key must not be mistaken for a forged value).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { AesGcmPayloadCodec, PayloadDecryptionError } from '../../codec/aes-gcm-codec';
import { codecFromEnv, codecRejectsPlaintext } from '../../codec/from-env';
import { isRejectedPayload, UNENCRYPTED_PAYLOAD_MARKER } from '../../contracts/codec-marker';

const key = randomBytes(32);
const strict = new AesGcmPayloadCodec({ encryptWith: 'k', keys: { k: key }, rejectPlaintext: true });
const lenient = new AesGcmPayloadCodec({ encryptWith: 'k', keys: { k: key } });
const event = { eventId: 'e1', provider: 'mx', kind: 'REFRESH_COMPLETED' };
const value = (p: Payload | undefined) => defaultPayloadConverter.fromPayload(p!);
const b = (s: string) => Buffer.from(s);

describe('rejectPlaintext codec', () => {
  it('decodes plaintext JSON, unknown encodings and bare payloads to the marker', async () => {
    const decoded = await strict.decode([
      defaultPayloadConverter.toPayload(event),
      { metadata: { encoding: b('json/protobuf') }, data: b('{}') },
      { metadata: { encoding: b('binary/plain') }, data: b('xyz') },
      { data: b('"no metadata"') },
      {},
    ]);
    for (const p of decoded) assert.deepEqual(value(p), UNENCRYPTED_PAYLOAD_MARKER);
    assert.ok(isRejectedPayload(value(decoded[0])));
  });

  it('passes binary/null (no value, nothing to forge) and decodes our own ciphertext', async () => {
    const nullPayload = defaultPayloadConverter.toPayload(undefined);
    const [passed] = await strict.decode([nullPayload]);
    assert.equal(value(passed), undefined);
    const [decoded] = await strict.decode(await lenient.encode([defaultPayloadConverter.toPayload(event)]));
    assert.deepEqual(value(decoded), event);
    assert.ok(!isRejectedPayload(value(decoded)));
  });

  it('still throws for encrypted payloads it cannot decrypt (unknown key, tampering)', async () => {
    const [encrypted] = await strict.encode([defaultPayloadConverter.toPayload(event)]);
    const tampered = { ...encrypted, data: Buffer.from(encrypted!.data!).fill(1, 20, 21) };
    await assert.rejects(strict.decode([tampered]), PayloadDecryptionError);
    const other = new AesGcmPayloadCodec({ encryptWith: 'k2', keys: { k2: randomBytes(32) } });
    await assert.rejects(
      strict.decode(await other.encode([defaultPayloadConverter.toPayload(1)])),
      PayloadDecryptionError,
    );
  });

  it('without rejectPlaintext, plaintext passes through unchanged', async () => {
    const plain = defaultPayloadConverter.toPayload(event);
    assert.deepEqual(value((await lenient.decode([plain]))[0]), event);
  });

  it('isRejectedPayload recognises only the marker shape', () => {
    assert.ok(isRejectedPayload({ $rejected: 'unencrypted-payload' }));
    for (const v of [null, undefined, 'x', event, { $rejected: 1 }, []]) assert.ok(!isRejectedPayload(v));
  });
});

describe('codecRejectsPlaintext / codecFromEnv', () => {
  it('on in production and with CODEC_REJECT_PLAINTEXT=true; off in dev; an explicit false wins', () => {
    assert.equal(codecRejectsPlaintext({ NODE_ENV: 'production' }), true);
    assert.equal(codecRejectsPlaintext({}), false);
    assert.equal(codecRejectsPlaintext({ NODE_ENV: 'development' }), false);
    assert.equal(codecRejectsPlaintext({ CODEC_REJECT_PLAINTEXT: 'true' }), true);
    assert.equal(codecRejectsPlaintext({ CODEC_REJECT_PLAINTEXT: '1' }), true);
    assert.equal(codecRejectsPlaintext({ NODE_ENV: 'production', CODEC_REJECT_PLAINTEXT: 'false' }), false);
  });

  it('codecFromEnv builds a strict codec in production', () => {
    const env = {
      NODE_ENV: 'production',
      BALANCE_CHECK_CODEC_KEYS: `p1:${randomBytes(32).toString('base64')}`,
    };
    assert.equal(codecFromEnv(env).codec.rejectPlaintext, true);
    assert.equal(codecFromEnv(env, { rejectPlaintext: false }).codec.rejectPlaintext, false);
  });
});
