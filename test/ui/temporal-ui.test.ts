// The operator's view, in a real browser: the Temporal UI of a stack with the codec on lists checks
// filtered by our search attributes, and a check's page shows its summary and current details —
// which are encrypted in history, so this also proves the UI → codec server wiring (CORS included).
import { quietBundlerLogger } from '../../observability/quiet-logger';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection } from '@temporalio/worker';
import { chromium, type BrowserContext } from 'playwright-core';
import { AesGcmPayloadCodec } from '../../codec/aes-gcm-codec';
import { startCodecServer, type RunningCodecServer } from '../../codec/codec-http-server';
import { createDataConverter, failureConverterPath } from '../../codec/data-converter';
import { createLogger } from '../../observability/logger';
import { SANDBOX_API_KEY, startSandboxStack, type SandboxStack } from '../../sandbox/stack';
import { freePort, startTemporalDevServer, type RunningDevServer } from '../../scripts/dev-server';
import { WORKFLOWS_PATH } from '../../worker/create-worker';
import { waitFor } from '../helpers/wait';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install -y chromium)`;

describe('Temporal UI: operators find and read balance checks', { skip }, () => {
  let codecServer: RunningCodecServer;
  let devServer: RunningDevServer;
  let connections: { close(): Promise<void> }[] = [];
  let stack: SandboxStack;
  let browser: BrowserContext;
  let profileDir: string;

  before(async () => {
    const codec = new AesGcmPayloadCodec({ encryptWith: 'ui-test', keys: { 'ui-test': randomBytes(32) } });
    const dataConverter = createDataConverter(codec);
    const bundle = bundleWorkflowCode({
      workflowsPath: WORKFLOWS_PATH,
      failureConverterPath,
      logger: quietBundlerLogger,
    });
    const uiPort = await freePort();
    codecServer = await startCodecServer({ codec, allowedOrigins: [`http://127.0.0.1:${uiPort}`] });
    devServer = await startTemporalDevServer({
      uiPort,
      codecEndpoint: codecServer.endpoint,
      logLevel: 'error',
    });
    const nativeConnection = await NativeConnection.connect({ address: devServer.address });
    const connection = await Connection.connect({ address: devServer.address });
    connections = [connection, nativeConnection];
    stack = await startSandboxStack({
      client: new Client({ connection, dataConverter }),
      connection: nativeConnection,
      namespace: 'default',
      providers: ['mx'],
      timeScale: 0.1,
      dataConverter,
      workflowBundle: await bundle,
      logger: createLogger({ name: 'api', level: 'silent' }),
    });
    profileDir = mkdtempSync(join(tmpdir(), 'balance-check-ui-'));
    browser = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1440, height: 1000 },
    });
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
    for (const c of connections) await c.close().catch(() => undefined);
    await devServer?.stop();
    await codecServer?.close();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  });

  const api = (method: string, path: string, body?: unknown) =>
    fetch(stack.apiUrl + path, {
      method,
      headers: {
        authorization: `Bearer ${SANDBOX_API_KEY}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    }).then(async (res) => ({ status: res.status, body: (await res.json()) as any }));

  it('filters the list by BalanceCheckProvider/Phase and shows a check’s summary and current details', async () => {
    // One check that finishes, one that waits for MFA: the filter must keep only the second.
    const done = await api('POST', '/v1/balance-checks', {
      provider: 'mx',
      resource: { userId: 'USR-sandbox', memberId: 'MBR-connected' },
    });
    const waiting = await api('POST', '/v1/balance-checks', {
      provider: 'mx',
      resource: { userId: 'USR-sandbox', memberId: 'MBR-challenge' },
    });
    assert.equal(waiting.status, 202, JSON.stringify(waiting.body));
    await waitFor(
      async () =>
        (await api('GET', `/v1/balance-checks/${waiting.body.id}`)).body.phase === 'WAITING_FOR_MFA',
    );
    await waitFor(async () => (await api('GET', `/v1/balance-checks/${done.body.id}`)).body.phase === 'DONE');
    const query = 'BalanceCheckProvider="mx" AND BalanceCheckPhase="WAITING_FOR_MFA"';
    const waitingId: string = waiting.body.workflowId;
    const doneId: string = done.body.workflowId;
    // Visibility is eventually consistent: wait until the server itself answers the query.
    const client = new Client({ connection: connections[0] as Connection });
    await waitFor(async () => (await client.workflow.count(query)).count === 1);

    const page = await browser.newPage();
    const codecCalls: number[] = [];
    page.on('response', (res) => {
      if (res.url().startsWith(codecServer.endpoint)) codecCalls.push(res.status());
    });
    await page.goto(`${devServer.uiUrl}/namespaces/default/workflows?query=${encodeURIComponent(query)}`);
    const link = page.getByRole('link', { name: waitingId }).first();
    await link.waitFor({ timeout: 30_000 });
    assert.equal(
      await page.getByRole('link', { name: doneId }).count(),
      0,
      'the finished check is filtered out',
    );
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'temporal-ui-list.png'), fullPage: true });

    await link.click();
    // The decoded input shows the codec answered the UI; summary and details live under User Metadata.
    await page.getByText('"MBR-challenge"').first().waitFor({ timeout: 30_000 });
    await page.getByRole('tab', { name: 'User Metadata' }).click();
    await page.getByRole('heading', { name: 'Current Details' }).waitFor();
    // The UI renders each markdown field in its own iframe (title "output").
    const rendered = async () => {
      const texts = await Promise.all(
        page
          .frames()
          .filter((f) => f.url().includes('/render'))
          .map((f) => f.innerText('body').catch(() => '')),
      );
      return texts.join('\n');
    };
    await waitFor(async () => {
      const text = await rendered();
      return [
        'mx balance check for mx:USR-sandbox:MBR-challenge',
        'Waiting for MFA',
        'What city were you born in?',
      ].every((t) => text.includes(t));
    }, 30_000).catch(async (err: Error) =>
      assert.fail(`${err.message}; rendered metadata:\n${await rendered()}`),
    );
    await page.screenshot({ path: join(ARTIFACTS, 'temporal-ui-check.png'), fullPage: true });
    assert.ok(
      codecCalls.length > 0 && codecCalls.every((s) => s === 200),
      `UI called the codec server: ${codecCalls.join(',')}`,
    );
  });
});
