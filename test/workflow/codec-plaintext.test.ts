// With rejectPlaintext (production), a signal sent in plaintext by the real Temporal CLI — a forged
// provider event — reaches the workflow as the codec's rejection marker, not as the event; encrypted
// signals from our client still arrive as sent, and no workflow task fails (a decode error would fail
// it on every retry). Without rejectPlaintext the same CLI signal arrives as the event (the hole).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { AesGcmPayloadCodec } from '../../codec/aes-gcm-codec';
import { createDataConverter, failureConverterPath } from '../../codec/data-converter';
import { isRejectedPayload, UNENCRYPTED_PAYLOAD_MARKER } from '../../contracts/codec-marker';
import { resolveTemporalCli } from '../../scripts/temporal-cli';
import { finishSignal, receivedQuery, recordSignal, recordSignals } from '../fixtures/codec-signal-workflow';
import { startTestStack, type TestStack } from '../helpers/stack';
import { startDevServer } from '../helpers/temporal-env';
import { waitFor } from '../helpers/wait';
import { quietBundlerLogger } from '../../observability/quiet-logger';

const run = promisify(execFile);
const forged = { eventId: 'forged-1', provider: 'mx', kind: 'REFRESH_COMPLETED' };
const genuine = { eventId: 'mx:BALANCE:MBR-x:1700000000', provider: 'mx', kind: 'REFRESH_COMPLETED' };

// The CLI binary itself sends the forged signal; with an SDK-downloaded server there is no binary path.
const cliPath = resolveTemporalCli({ build: false }).path;
const skip = cliPath ? false : 'no Temporal CLI binary (npx tsx scripts/temporal-cli.ts builds it)';

describe('codec: plaintext payloads are rejected in production (real CLI, real dev server)', { skip }, () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;
  const cli = cliPath!;
  const key = { k: randomBytes(32) };
  before(async () => {
    env = await startDevServer();
    bundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('../fixtures/codec-signal-workflow'),
      failureConverterPath,
      logger: quietBundlerLogger,
    });
  });
  after(async () => {
    await env?.teardown();
  });

  const cliSignal = (workflowId: string, ...input: string[]) =>
    run(cli, [
      'workflow',
      'signal',
      '--address',
      env.address,
      '--namespace',
      env.namespace ?? 'default',
      '--workflow-id',
      workflowId,
      '--name',
      'record',
      ...input.flatMap((i) => ['--input', i]),
    ]);

  async function signalsSeen(rejectPlaintext: boolean) {
    const codec = new AesGcmPayloadCodec({ encryptWith: 'k', keys: key, rejectPlaintext });
    const dataConverter = createDataConverter(codec);
    const taskQueue = `codec-plaintext-${rejectPlaintext}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      workflowBundle: bundle,
      dataConverter,
    });
    const client = new Client({
      connection: env.connection,
      namespace: env.namespace ?? 'default',
      dataConverter,
    });
    const workflowId = `codec-plaintext-${rejectPlaintext}-${Date.now()}`;
    return worker.runUntil(async () => {
      const handle = await client.workflow.start(recordSignals, { taskQueue, workflowId });
      await cliSignal(workflowId, JSON.stringify(forged)); // json/plain, as the bare CLI sends it
      await cliSignal(workflowId); // no input: no payload at all
      await handle.signal(recordSignal, genuine); // through our codec: encrypted
      await waitFor(async () => (await handle.query(receivedQuery)).length === 3);
      await handle.signal(finishSignal);
      const received = await handle.result();
      const history = await handle.fetchHistory();
      const taskFailures = (history.events ?? []).filter((e) => e.workflowTaskFailedEventAttributes);
      const signalEncodings = (history.events ?? [])
        .filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'record')
        .map((e) =>
          Buffer.from(
            e.workflowExecutionSignaledEventAttributes?.input?.payloads?.[0]?.metadata?.encoding ?? [],
          ).toString(),
        );
      return { received, taskFailures: taskFailures.length, signalEncodings };
    });
  }

  it('rejectPlaintext: the CLI-forged event arrives as the marker; the encrypted one as sent; no task fails', async () => {
    const { received, taskFailures, signalEncodings } = await signalsSeen(true);
    // The history really holds a plaintext signal (the CLI sent it unencrypted) and an encrypted one.
    assert.deepEqual(signalEncodings, ['json/plain', '', 'binary/encrypted']);
    assert.deepEqual(received, [UNENCRYPTED_PAYLOAD_MARKER, '(undefined)', genuine]);
    assert.ok(isRejectedPayload(received[0]));
    assert.ok(!isRejectedPayload(received[2]));
    assert.equal(taskFailures, 0);
  });

  it('without rejectPlaintext (the old behaviour) the same CLI signal arrives as the forged event', async () => {
    const { received, taskFailures } = await signalsSeen(false);
    assert.deepEqual(received, [forged, '(undefined)', genuine]);
    assert.equal(taskFailures, 0);
  });
});

describe('codec: with rejectPlaintext on both sides, a whole MFA check decodes no payload as rejected', () => {
  let stack: TestStack;
  let rejected = 0;
  let decoded = 0;
  const strict = new AesGcmPayloadCodec({
    encryptWith: 'k',
    keys: { k: randomBytes(32) },
    rejectPlaintext: true,
  });
  // Counts what the strict codec turned into the marker, wherever it decodes (worker and API client).
  const counting: PayloadCodec = {
    encode: (payloads) => strict.encode(payloads),
    async decode(payloads) {
      const out = await strict.decode(payloads);
      decoded += out.length;
      rejected += out.filter((p) =>
        Buffer.from(p.data ?? [])
          .toString()
          .includes('"$rejected"'),
      ).length;
      return out;
    },
  };
  before(async () => {
    stack = await startTestStack({ providers: ['mx'], dataConverter: createDataConverter(counting) });
  });
  after(async () => {
    await stack?.stop();
  });

  it('MBR-challenge: start, MFA answer, COMPLETED with balances; every payload decoded was ours', async () => {
    const started = await stack.api('POST', '/v1/balance-checks', {
      provider: 'mx',
      resource: { userId: 'USR-sandbox', memberId: 'MBR-challenge' },
    });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const id = (started.body as { id: string }).id;
    let view: {
      phase: string;
      challenges?: { id: string }[];
      result?: { status: string; balances: unknown[] };
    } = {
      phase: '',
    };
    await waitFor(
      async () =>
        (view = (await stack.api('GET', `/v1/balance-checks/${id}`)).body).phase === 'WAITING_FOR_MFA',
    );
    const mfa = await stack.api('POST', `/v1/balance-checks/${id}/mfa`, {
      answers: [{ challengeId: view.challenges![0]!.id, value: 'correct' }],
    });
    assert.equal(mfa.status, 200, JSON.stringify(mfa.body));
    await waitFor(
      async () => (view = (await stack.api('GET', `/v1/balance-checks/${id}`)).body).phase === 'DONE',
    );
    assert.equal(view.result?.status, 'COMPLETED');
    assert.ok((view.result?.balances.length ?? 0) > 0);
    assert.ok(decoded > 10, `decoded ${decoded} payloads`);
    assert.equal(rejected, 0);
  });
});
