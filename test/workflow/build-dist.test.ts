// The production build, as the Dockerfile makes it: the build stage (`npm run build`: tsc + the
// pre-built workflow bundle) and the runtime stage (`npm ci --omit=dev` + dist/) played in a temp
// directory, then `node dist/worker|api|codec/main.js` started from it — no tsx, no dev dependencies —
// against the real dev server and the MX simulator. Then SIGTERM: the API answers its long-poll 202
// and exits; the worker finishes its running activity before it exits.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { hashApiKey } from '../../api/auth';
import { AesGcmPayloadCodec } from '../../codec/aes-gcm-codec';
import { createDataConverter } from '../../codec/data-converter';
import { parseCodecKeys } from '../../codec/keys';
import {
  balanceCheckWorkflowId,
  type BalanceCheckInput,
  type BalanceCheckResult,
} from '../../contracts/balance-check';
import { createLogger } from '../../observability/logger';
import { MX_SANDBOX_CHALLENGES, MX_SANDBOX_USER } from '../../providers/mx/sandbox';
import { startSandboxStack, type SandboxStack } from '../../sandbox/stack';
import type { balanceCheck } from '../../workflows';
import { answerChallengesUpdate, statusQuery } from '../../workflows/definitions';
import { playDockerfile, startDistProcess, type DistProcess, type PlayedStage } from '../helpers/dist-build';
import { startDevServer } from '../helpers/temporal-env';
import { waitFor } from '../helpers/wait';

const API_KEY = 'dist-test-key';
const API_GRACE_MS = 3000;
const WORKER_GRACE_MS = 8000;
const ACCOUNTS_DELAY_MS = 3000;

describe('production build (Dockerfile stages played here; dist/ started with node)', () => {
  let root: string;
  let played: PlayedStage[];
  let runtimeDir: string;
  let env: TestWorkflowEnvironment;
  let client: Client;
  let sandbox: SandboxStack;
  let processEnv: Record<string, string>;
  let buildMs = 0;
  const procs: DistProcess[] = [];
  let worker: DistProcess;
  let api: DistProcess;
  let codecServer: DistProcess;
  const CODEC_TOKEN = 'dist-test-codec-token-0123456789';
  let apiUrl: string;
  let codec: AesGcmPayloadCodec;
  const taskQueue = `dist-${randomUUID()}`;

  const startWorker = async () => {
    const p = await startDistProcess(
      runtimeDir,
      'dist/worker/main.js',
      { ...processEnv, WORKER_METRICS_ADDRESS: 'off', WORKER_SHUTDOWN_GRACE_MS: String(WORKER_GRACE_MS) },
      /balance-check worker started/,
    );
    procs.push(p);
    return p;
  };
  const callApi = (method: string, pathname: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(apiUrl + pathname, {
      method,
      headers: {
        authorization: `Bearer ${API_KEY}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  const mxInput = (memberId: string): BalanceCheckInput => ({
    provider: 'mx',
    resource: { userId: MX_SANDBOX_USER, memberId },
  });
  /** The activities that read balances (a status read that finds the refresh done reads them too). */
  const BALANCE_READS = ['listBalances', 'readStatusAndBalances'];
  /** Checks started through the compiled API belong to its key's owner (`dist`). */
  const handleFor = (memberId: string) =>
    client.workflow.getHandle<typeof balanceCheck>(
      balanceCheckWorkflowId('mx', mxInput(memberId).resource, 'dist'),
    );

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'balance-check-dist-'));
    const t = Date.now();
    played = playDockerfile(root);
    buildMs = Date.now() - t;
    runtimeDir = played.find((s) => s.name === 'runtime')!.dir;

    const keySpec = `dist-test:${randomBytes(32).toString('base64')}`;
    codec = new AesGcmPayloadCodec({ keys: parseCodecKeys(keySpec), encryptWith: 'dist-test' });
    const dataConverter = createDataConverter(codec);
    env = await startDevServer();
    const namespace = env.namespace ?? 'default';
    client = new Client({ connection: env.connection, namespace, dataConverter });
    // The simulator (its webhooks go to this in-process API); the worker and API under test are dist/.
    sandbox = await startSandboxStack({
      client,
      connection: env.nativeConnection,
      namespace,
      providers: ['mx'],
      timeScale: 0.1,
      taskQueue,
      withoutWorker: true,
      dataConverter,
      logger: createLogger({ name: 'api', level: 'silent' }),
    });
    processEnv = {
      NODE_ENV: 'production',
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_NAMESPACE: namespace,
      TEMPORAL_TASK_QUEUE: taskQueue,
      BALANCE_CHECK_CODEC_KEYS: keySpec,
      BALANCE_CHECK_CODEC_KEY_ID: 'dist-test',
      ...(sandbox.providerEnv as Record<string, string>),
    };
    worker = await startWorker();
    api = await startDistProcess(
      runtimeDir,
      'dist/api/main.js',
      {
        ...processEnv,
        API_PORT: '0',
        API_HOST: '127.0.0.1',
        API_KEYS: `dist:${hashApiKey(API_KEY)}:read+write+events`,
        API_SHUTDOWN_GRACE_MS: String(API_GRACE_MS),
      },
      /"msg":"API listening"/,
    );
    procs.push(api);
    apiUrl = `http://127.0.0.1:${(JSON.parse(api.readyLine) as { port: number }).port}`;
    codecServer = await startDistProcess(
      runtimeDir,
      'dist/codec/main.js',
      {
        ...processEnv,
        CODEC_HOST: '127.0.0.1',
        CODEC_PORT: '0',
        CODEC_ALLOWED_ORIGINS: 'http://ui.test',
        // Production refuses to start without it (the codec server decrypts whatever it is sent).
        CODEC_BEARER_TOKEN: CODEC_TOKEN,
      },
      /^codec server: http/,
    );
    procs.push(codecServer);
  });

  after(async () => {
    for (const p of procs)
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await sandbox?.close();
    await env?.teardown();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('the runtime stage holds dist/ (with the pre-built bundle) and production dependencies only', (t) => {
    for (const stage of played)
      for (const run of stage.runs)
        t.diagnostic(
          `${stage.name}: RUN ${run.command} ${run.ms} ms${run.substitute ? ` (${run.substitute})` : ''}`,
        );
    t.diagnostic(`stages played in ${buildMs} ms`);
    t.diagnostic(
      `start: worker ${worker.startMs} ms, api ${api.startMs} ms, codec ${codecServer.startMs} ms`,
    );
    assert.ok(existsSync(path.join(runtimeDir, 'dist/workflow-bundle.js')));
    for (const entry of ['worker', 'api', 'codec'])
      assert.ok(existsSync(path.join(runtimeDir, `dist/${entry}/main.js`)), `dist/${entry}/main.js`);
    assert.deepEqual(
      readdirSync(runtimeDir).sort(),
      ['dist', 'node_modules', 'package-lock.json', 'package.json'],
      'the image has no sources',
    );
    const modules = path.join(runtimeDir, 'node_modules');
    for (const prod of ['express', '@temporalio/worker', 'zod'])
      assert.ok(existsSync(path.join(modules, prod)), `${prod} is installed`);
    for (const dev of ['tsx', 'typescript', '@temporalio/testing', 'eslint', 'prettier'])
      assert.ok(!existsSync(path.join(modules, dev)), `dev dependency ${dev} is not installed`);
    // Built output only: no test, bench or sandbox code was compiled into dist/.
    for (const dir of ['test', 'bench', 'sandbox'])
      assert.ok(!existsSync(path.join(runtimeDir, 'dist', dir)), `dist/${dir} exists`);
  });

  it('the worker loads dist/workflow-bundle.js and completes a check the compiled API started (Prefer: wait → 200)', async () => {
    const started = JSON.parse(
      worker
        .output()
        .split('\n')
        .find((l) => l.includes('balance-check worker started'))!,
    ) as { workflows: string; deployment: unknown };
    assert.equal(started.workflows, path.join(runtimeDir, 'dist/workflow-bundle.js'));
    assert.equal(started.deployment, 'unversioned');
    assert.equal((await fetch(`${apiUrl}/healthz`)).status, 200);
    assert.equal((await fetch(`${apiUrl}/readyz`)).status, 200);

    const res = await callApi('POST', '/v1/balance-checks', mxInput('MBR-connected'), { prefer: 'wait=30' });
    const body = (await res.json()) as { status: string; result?: BalanceCheckResult };
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.equal(body.status, 'COMPLETED', JSON.stringify(body));
    assert.ok((body.result?.balances.length ?? 0) > 0, 'balances returned');
  });

  it('the compiled codec server decodes what the worker encrypts (same keys)', async () => {
    const endpoint = /codec server: (\S+)/.exec(codecServer.readyLine)![1]!;
    const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload({ amount: 1999 })]);
    const res = await fetch(`${endpoint}/decode`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-namespace': 'default',
        authorization: `Bearer ${CODEC_TOKEN}`,
      },
      body: JSON.stringify({
        payloads: [
          {
            metadata: Object.fromEntries(
              Object.entries(encrypted!.metadata ?? {}).map(([k, v]) => [
                k,
                Buffer.from(v).toString('base64'),
              ]),
            ),
            data: Buffer.from(encrypted!.data ?? []).toString('base64'),
          },
        ],
      }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    const { payloads } = (await res.json()) as { payloads: { data: string }[] };
    assert.deepEqual(JSON.parse(Buffer.from(payloads[0]!.data, 'base64').toString()), { amount: 1999 });
  });

  it('SIGTERM on the API: the in-flight long-poll answers 202 + Location, new connections are refused, exit 0 within the grace', async () => {
    const longPoll = callApi('POST', '/v1/balance-checks', mxInput('MBR-challenge'), { prefer: 'wait=30' });
    await waitFor(async () => {
      const state = await handleFor('MBR-challenge')
        .query(statusQuery)
        .catch(() => undefined);
      return state?.phase === 'WAITING_FOR_MFA';
    }, 20_000);
    const signalledAt = Date.now();
    api.child.kill('SIGTERM');
    const res = await longPoll;
    const answeredMs = Date.now() - signalledAt;
    const body = (await res.json()) as { status: string; id: string };
    assert.equal(res.status, 202, JSON.stringify(body));
    assert.equal(res.headers.get('location'), `/v1/balance-checks/${body.id}`);
    assert.equal(body.status, 'RUNNING');
    assert.ok(answeredMs < API_GRACE_MS, `long-poll answered ${answeredMs} ms after SIGTERM`);
    const exit = await api.exited;
    assert.equal(exit.code, 0, api.output());
    assert.ok(
      exit.at - signalledAt < API_GRACE_MS + 2000,
      `exited ${exit.at - signalledAt} ms after SIGTERM`,
    );
    await assert.rejects(fetch(`${apiUrl}/healthz`), 'nothing listens any more');
    assert.match(api.output(), /"msg":"API stopped"/);
  });

  it('SIGTERM on the worker: its running activity finishes and is reported before it exits; a new worker finishes every check', async () => {
    const sim = sandbox.simulators.mx!;
    sim.injectFault('accounts', { delayMs: ACCOUNTS_DELAY_MS });
    const accountsBefore = sim.callLog().filter((c) => c.operation === 'accounts').length;
    const handle = await client.workflow.start<typeof balanceCheck>('balanceCheck', {
      taskQueue,
      workflowId: balanceCheckWorkflowId('mx', mxInput('MBR-connected').resource),
      args: [mxInput('MBR-connected')],
    });
    // listBalances is running: the provider is holding its answer for ACCOUNTS_DELAY_MS.
    await waitFor(async () => {
      const { raw } = await handle.describe();
      return (raw.pendingActivities ?? []).some(
        (a) =>
          BALANCE_READS.includes(a.activityType?.name ?? '') &&
          a.state === temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
      );
    }, 20_000);
    const signalledAt = Date.now();
    worker.child.kill('SIGTERM');
    const exit = await worker.exited;
    assert.equal(exit.code, 0, worker.output());
    const stopMs = exit.at - signalledAt;
    assert.ok(stopMs < WORKER_GRACE_MS + 3000, `worker exited ${stopMs} ms after SIGTERM`);
    assert.match(worker.output(), /balance-check worker stopped/);
    const events = (await handle.fetchHistory()).events ?? [];
    const listBalances = events.find((e) =>
      BALANCE_READS.includes(e.activityTaskScheduledEventAttributes?.activityType?.name ?? ''),
    );
    assert.ok(listBalances, 'listBalances was scheduled');
    assert.ok(
      events.some(
        (e) =>
          String(e.activityTaskCompletedEventAttributes?.scheduledEventId ?? '') ===
          String(listBalances.eventId),
      ),
      'the running listBalances completed and was reported before the worker exited',
    );
    const accounts = sim.callLog().filter((c) => c.operation === 'accounts');
    assert.equal(accounts.length - accountsBefore, 1);
    assert.equal(accounts.at(-1)!.status, 200);

    // Nothing lost: a fresh worker finishes the drained check and the one parked on MFA.
    await startWorker();
    const drained = await handle.result();
    assert.equal(drained.status, 'COMPLETED', JSON.stringify(drained.reason));
    assert.equal(
      sim.callLog().filter((c) => c.operation === 'accounts').length - accountsBefore,
      1,
      'not retried',
    );
    const parked = handleFor('MBR-challenge');
    await parked.executeUpdate(answerChallengesUpdate, {
      args: [{ answers: [{ challengeId: MX_SANDBOX_CHALLENGES.text.guid, value: 'correct' }] }],
    });
    const mfaResult = await parked.result();
    assert.equal(mfaResult.status, 'COMPLETED', JSON.stringify(mfaResult.reason));
  });
});
