// With the codec on both sides (API client + worker), a finished MFA check leaves nothing sensitive
// readable in Temporal's history: not the MFA answer, not an amount, not an account id. The codec
// server turns the same payloads back into the plain values (what the UI shows operators).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { temporal } from '@temporalio/proto';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING } from '../../codec/aes-gcm-codec';
import { startCodecServer, type RunningCodecServer } from '../../codec/codec-http-server';
import { createDataConverter } from '../../codec/data-converter';
import { startTestStack, type TestStack } from '../helpers/stack';
import { waitFor } from '../helpers/wait';

type Payload = temporal.api.common.v1.Payload;
const { History } = temporal.api.history.v1;
// @temporalio/proto builds its messages by protobufjs reflection at run time (its .d.ts describes
// static classes): the message constructor is the reflected type's `ctor`.
const PayloadMessage = (temporal.api.common.v1.Payload as unknown as { ctor: new () => Payload }).ctor;

// MBR-challenge's sandbox data: the MFA answer, Everyday Checking's available 19.99 (1999 minor
// units), its balance 2500.30, and its account id.
const SECRETS = ['correct', '1999', '19.99', '250030', '2500.3', 'ACT-challenge-checking'];
const utf8 = (b?: Uint8Array | null) => (b ? Buffer.from(b).toString('utf8') : '');

/** Every Payload in a decoded history, with where it sits (search attributes are server-indexed, never encoded). */
function payloadsIn(value: unknown, path = '', out: { path: string; payload: Payload }[] = []) {
  if (value instanceof PayloadMessage) out.push({ path, payload: value });
  else if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    for (const [key, child] of Object.entries(value)) payloadsIn(child, `${path}.${key}`, out);
  }
  return out;
}

describe('codec: payloads in history are encrypted end to end', () => {
  const codec = new AesGcmPayloadCodec({ encryptWith: 'test-key', keys: { 'test-key': randomBytes(32) } });
  let stack: TestStack;
  let codecServer: RunningCodecServer;
  before(async () => {
    stack = await startTestStack({ providers: ['mx'], dataConverter: createDataConverter(codec) });
    codecServer = await startCodecServer({ codec, allowedOrigins: [] });
  });
  after(async () => {
    await codecServer?.close();
    await stack?.stop();
  });

  it('an answered MFA check leaves no answer, amount or account id readable; /codec/decode reads them', async () => {
    const started = await stack.api('POST', '/v1/balance-checks', {
      provider: 'mx',
      resource: { userId: 'USR-sandbox', memberId: 'MBR-challenge' },
    });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const { id, workflowId, runId } = started.body as { id: string; workflowId: string; runId: string };
    let view: any;
    await waitFor(
      async () =>
        (view = (await stack.api('GET', `/v1/balance-checks/${id}`)).body).phase === 'WAITING_FOR_MFA',
    );
    const mfa = await stack.api('POST', `/v1/balance-checks/${id}/mfa`, {
      answers: [{ challengeId: view.challenges[0].id, value: 'correct' }],
    });
    assert.equal(mfa.status, 200, JSON.stringify(mfa.body));
    await waitFor(
      async () => (view = (await stack.api('GET', `/v1/balance-checks/${id}`)).body).phase === 'DONE',
    );
    assert.equal(view.result.status, 'COMPLETED'); // through the codec client: decrypted for the API
    assert.ok(view.result.balances.some((b: { available: number }) => b.available === 1999));

    // Raw history straight from the service: no data converter in the way.
    const events: temporal.api.history.v1.IHistoryEvent[] = [];
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await stack.env.client.workflowService.getWorkflowExecutionHistory({
        namespace: stack.env.namespace ?? 'default',
        execution: { workflowId, runId },
        nextPageToken,
      });
      events.push(...(page.history?.events ?? []));
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    const history = History.fromObject({ events });
    const eventTypes = new Set(events.map((e) => temporal.api.enums.v1.EventType[e.eventType!]));
    for (const t of [
      'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED',
      'EVENT_TYPE_ACTIVITY_TASK_COMPLETED',
      'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED',
    ]) {
      assert.ok(eventTypes.has(t), `history has ${t}`);
    }

    // Whole serialized history first (catches failure messages and anything outside payloads) …
    // (Digit-only secrets are left to the payload check: a worker identity like `31999@host` has digits.)
    const raw = Buffer.from(History.encode(history).finish()).toString('latin1');
    for (const secret of SECRETS.filter((s) => !/^\d+$/.test(s)))
      assert.ok(!raw.includes(secret), `'${secret}' is readable in the raw history`);
    // … then every payload: encrypted, except the search attributes the server must index and the
    // patch markers' ids (written by the SDK core itself, not through the data converter; no user data).
    const found = payloadsIn(history);
    const encrypted = found.filter(
      ({ path }) => !/searchAttributes|markerRecordedEventAttributes\.details\.patch-data/i.test(path),
    );
    assert.ok(encrypted.length >= 10, `expected many payloads, found ${encrypted.length}`);
    for (const { path, payload } of encrypted) {
      assert.equal(utf8(payload.metadata?.encoding), ENCRYPTED_ENCODING, `${path} is not encrypted`);
    }
    for (const { path, payload } of found) {
      for (const secret of SECRETS)
        assert.ok(!utf8(payload.data).includes(secret), `'${secret}' is readable at ${path}`);
    }

    // The codec server (what the UI and CLI call) decodes the very same bytes.
    const res = await fetch(`${codecServer.endpoint}/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-namespace': 'default' },
      body: JSON.stringify({
        payloads: encrypted.map(({ payload }) => ({
          metadata: Object.fromEntries(
            Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
          ),
          data: Buffer.from(payload.data ?? []).toString('base64'),
        })),
      }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    const decoded = ((await res.json()) as { payloads: { metadata: Record<string, string>; data: string }[] })
      .payloads;
    const plain = decoded.map((p) => Buffer.from(p.data, 'base64').toString('utf8'));
    assert.ok(
      decoded.every(
        (p) => Buffer.from(p.metadata.encoding ?? '', 'base64').toString() !== ENCRYPTED_ENCODING,
      ),
    );
    for (const secret of ['"correct"', '1999', 'ACT-challenge-checking']) {
      assert.ok(
        plain.some((text) => text.includes(secret)),
        `'${secret}' is in the decoded payloads`,
      );
    }
  });
});
